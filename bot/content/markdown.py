"""Sanitized HTML → Markdown that round-trips through markdown-it without surprises.

markdownify's defaults are tuned for humans reading Markdown; chatwire's Markdown is read
back by a parser, so this subclass escapes exactly what CommonMark would misread, keeps
underline (as inline `<u>`), resolves relative links and images against the article URL,
and falls back to inline HTML tags where `**` would not close next to CJK punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from markdown_it.token import Token
from markdownify import ATX, BACKSLASH, MarkdownConverter

from bot.render.entities import parser, plain_inline

_INLINE_ESCAPE = re.compile(r"([\\`*_\[\]<>~])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"(?m)^(\s*)([#>+=-]|\d{1,9}[.)])")
_TABLE_PIPE = re.compile(r"\|")
_INLINE_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "u", "ins", "s", "del", "strike", "code", "pre", "span",
     "small", "mark", "sub", "sup", "q", "cite", "abbr", "kbd", "samp"}
)  # fmt: skip
_LANG_CLASS = re.compile(r"^(?:language|lang)-([\w#+.-]+)$")


def escape_markdown(text: str, *, in_table: bool = False) -> str:
    """Escape plain text so markdown-it reads it back verbatim."""
    text = _INLINE_ESCAPE.sub(r"\\\1", text)
    text = _ENTITY_LIKE.sub(r"\\&", text)
    text = _LINE_START.sub(_escape_marker, text)
    if in_table:
        text = _TABLE_PIPE.sub(r"\\|", text)
    return text


def _escape_marker(m: re.Match[str]) -> str:
    marker = m.group(2)
    if marker[0].isdigit():
        return f"{m.group(1)}{marker[:-1]}\\{marker[-1]}"
    return f"{m.group(1)}\\{marker}"


def chomp(text: str) -> tuple[str, str, str]:
    """Move leading/trailing spaces outside inline markup: ("a ", "") not ("", "a ")."""
    inner = text.strip(" \t")
    if not inner:
        return "", "", ""
    prefix = " " if text[:1] in (" ", "\t") else ""
    suffix = " " if text[-1:] in (" ", "\t") else ""
    return prefix, suffix, inner


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _code_language(el: Any) -> str | None:
    """`<pre class="language-x">` or `<pre><code class="lang-x">` → "x"."""
    for node in (el, el.find("code")):
        if node is None:
            continue
        for cls in node.get("class") or []:
            m = _LANG_CLASS.match(cls)
            if m:
                return m.group(1)
    return None


class TelegramMarkdownConverter(MarkdownConverter):
    """markdownify tuned for Telegram: see the module docstring."""

    def __init__(
        self, *, base_url: str | None = None, br_paragraphs: bool = False, **options: Any
    ) -> None:
        options.setdefault("heading_style", ATX)
        options.setdefault("bullets", "-")
        options.setdefault("newline_style", BACKSLASH)
        options.setdefault("code_language_callback", _code_language)
        options.setdefault("table_infer_header", True)
        options.setdefault("keep_inline_images_in", ["a", "td", "th", "span", "figure"])
        super().__init__(**options)
        self.base_url = base_url
        self.br_paragraphs = br_paragraphs

    def convert_br(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "_inline" in parent_tags:
            return " "
        breaks_paragraph = self.br_paragraphs and not (_INLINE_TAGS & parent_tags)
        return "\n\n" if breaks_paragraph else "\\\n"

    def escape(self, text: str, parent_tags: set[str]) -> str:
        if not text:
            return ""
        return escape_markdown(text, in_table=bool({"td", "th"} & parent_tags))

    def _url(self, url: str | None) -> str:
        url = (url or "").strip()
        if url and self.base_url:
            url = urljoin(self.base_url, url)
        return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")

    def _wrap(self, text: str, md: str, html: str) -> str:
        """Markdown markup when CommonMark will close it, else the inline HTML tag."""
        prefix, suffix, inner = chomp(text)
        if not inner:
            return ""
        if md and not (_is_punct(inner[0]) or _is_punct(inner[-1])):
            return f"{prefix}{md}{inner}{md}{suffix}"
        return f"{prefix}<{html}>{inner}</{html}>{suffix}"

    def convert_b(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return text if "_noformat" in parent_tags else self._wrap(text, "**", "b")

    convert_strong = convert_b

    def convert_em(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return text if "_noformat" in parent_tags else self._wrap(text, "*", "i")

    convert_i = convert_em

    def convert_u(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return text if "_noformat" in parent_tags else self._wrap(text, "", "u")

    convert_ins = convert_u

    def convert_del(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return text if "_noformat" in parent_tags else self._wrap(text, "~~", "s")

    convert_s = convert_del
    convert_strike = convert_del

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        prefix, suffix, inner = chomp(text)
        href = self._url(el.get("href"))
        if not href:
            return text
        if not inner:
            inner = escape_markdown(href.removeprefix("mailto:"))
        return f"{prefix}[{inner}]({href}){suffix}"

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        alt = " ".join((el.get("alt") or "").split())
        src = self._url(el.get("src"))
        if not src:
            return escape_markdown(alt)
        alt = alt.replace("[", "").replace("]", "")
        return f"![{alt}]({src})"


_BLOCK_TAG = re.compile(r"<(?:p|div|h[1-6]|ul|ol|table|blockquote|pre|section|figure|dl)\b", re.I)
_DANGLING_BREAK = re.compile(r"(?<!\\)\\\n(?=[ \t]*(?:\n|$))")
_BLANKISH_LINE = re.compile(r"(?m)^[\s\u200b\ufeff]+$")
_BR = re.compile(r"<br\b", re.IGNORECASE)


def is_line_html(html: str) -> bool:
    """HTML that is really plain text: lines joined by <br>, no block elements (channel feeds)."""
    return bool(_BR.search(html)) and not _BLOCK_TAG.search(html)


def html_to_markdown(html: str, *, base_url: str | None = None) -> str:
    """Sanitized HTML → Markdown (blocks separated by one blank line, no trailing space).

    In line HTML (see `is_line_html`) every <br> ends a paragraph, as a line does in text.
    """
    if not html.strip():
        return ""
    converter = TelegramMarkdownConverter(base_url=base_url, br_paragraphs=is_line_html(html))
    md = converter.convert(html)
    md = re.sub(r"[ \t]+\n", "\n", md)
    md = _DANGLING_BREAK.sub("\n", md)  # a <br> that ends a block breaks nothing
    md = _BLANKISH_LINE.sub("", md)
    return re.sub(r"\n{3,}", "\n\n", md).strip()


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level Markdown block: its source and its visible text."""

    markdown: str
    plain: str
    kind: str


def markdown_blocks(markdown: str) -> Iterator[Block]:
    """Top-level blocks of `markdown`, found by parsing (code fences keep their blank lines)."""
    lines = markdown.split("\n")
    tokens = parser().parse(markdown)
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.level == 0 and t.map is not None and t.nesting >= 0:
            start, end = t.map
            plain = ""
            if i + 1 < len(tokens) and tokens[i + 1].type == "inline":
                children = tokens[i + 1].children or []
                if not all(_is_decoration(c) for c in children):  # image-only: no text
                    plain = plain_inline(children)
            elif t.type in ("fence", "code_block"):
                plain = t.content
            kind = t.type.removesuffix("_open")
            yield Block("\n".join(lines[start:end]).strip("\n"), plain.strip(), kind)
        i += 1


def _is_decoration(t: Token) -> bool:
    return t.type in ("image", "softbreak", "hardbreak") or (
        t.type == "text" and not t.content.strip()
    )


def first_image(markdown: str) -> str | None:
    """URL of the first image in `markdown`, if any."""
    for t in parser().parse(markdown):
        for child in t.children or []:
            if child.type == "image":
                src = child.attrs.get("src")
                if isinstance(src, str) and src:
                    return src
    return None
