"""Sanitized HTML → Markdown via markdownify, for callers that hold HTML and want Markdown.

Not on the formatter's path (feed HTML is parsed into the document model and the stored
Markdown is written from the model); imported lazily, since markdownify brings BeautifulSoup.

markdownify's defaults are tuned for humans reading Markdown; chatwire's Markdown is read
back by a parser, so this subclass escapes exactly what CommonMark would misread, keeps
underline (as inline `<u>`), resolves relative links and images against the article URL,
and falls back to inline HTML tags where `**` would not close next to CJK punctuation.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from markdownify import ATX, BACKSLASH, MarkdownConverter

from bot.content.markdown import escape_markdown, is_punct

_INLINE_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "u", "ins", "s", "del", "strike", "code", "pre", "span",
     "small", "mark", "sub", "sup", "q", "cite", "abbr", "kbd", "samp"}
)  # fmt: skip
_LANG_CLASS = re.compile(r"^(?:language|lang)-([\w#+.-]+)$")


def chomp(text: str) -> tuple[str, str, str]:
    """Move leading/trailing spaces outside inline markup: ("a ", "") not ("", "a ")."""
    inner = text.strip(" \t")
    if not inner:
        return "", "", ""
    prefix = " " if text[:1] in (" ", "\t") else ""
    suffix = " " if text[-1:] in (" ", "\t") else ""
    return prefix, suffix, inner


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
        if md and not (is_punct(inner[0]) or is_punct(inner[-1])):
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
