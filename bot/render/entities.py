"""Markdown → Telegram plain text + entities, by walking markdown-it tokens.

Telegram gets text with `entities=[…]` and never `parse_mode`, so nothing here escapes
anything: the Markdown is parsed once and every style becomes a span over plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.render.rich import Rich, Span, to_entities, utf16_len

__all__ = ["is_web_url", "markdown_to_rich", "parser", "to_entities", "utf16_len"]

_BULLETS = ("•", "◦", "▪")
_HR = "———"
_INLINE_STYLES = {
    "strong": "bold",
    "em": "italic",
    "s": "strikethrough",
}
_HTML_STYLES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "del": "strikethrough",
    "strike": "strikethrough",
    "code": "code",
    "tg-spoiler": "spoiler",
}
_HTML_TAG = re.compile(r"^<(/?)([A-Za-z][A-Za-z0-9-]*)")
_TAGS = re.compile(r"<[^>]*>")
_CONTACT_SCHEME = re.compile(r"^(?:mailto|tel|sms):", re.IGNORECASE)
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


@cache
def parser() -> MarkdownIt:
    """The one Markdown dialect chatwire speaks: CommonMark + tables + ~~strike~~ + inline HTML."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def is_web_url(url: str | None) -> bool:
    """Only http(s) links become `text_link`; mailto:, tel: and the rest are shown as text."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _Writer:
    """Accumulates text; block separators are applied lazily so none dangle at the end."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.n = 0
        self.pending = ""
        self.spans: list[Span] = []
        self.keep: set[int] = set()
        self.open_spans: list[list[object]] = []  # [type, start|None, url, language]
        self.last = ""

    def sep(self, s: str) -> None:
        if self.n and len(s) > len(self.pending):
            self.pending = s

    def write(self, s: str) -> None:
        if not s:
            return
        if self.pending:
            self.chunks.append(self.pending)
            self.n += len(self.pending)
            self.pending = ""
        for entry in self.open_spans:
            if entry[1] is None:
                entry[1] = self.n
        self.chunks.append(s)
        self.n += len(s)
        self.last = s[-1]

    def open(self, kind: str, url: str | None = None, language: str | None = None) -> None:
        self.open_spans.append([kind, None, url, language])

    def close(self, kind: str) -> None:
        for i in range(len(self.open_spans) - 1, -1, -1):
            entry = self.open_spans[i]
            if entry[0] == kind:
                del self.open_spans[i]
                start = entry[1]
                if self.is_open(kind) and kind != "text_link":
                    return  # an outer span of the same style already covers this text
                if isinstance(start, int) and self.n > start:
                    url = entry[2] if isinstance(entry[2], str) else None
                    lang = entry[3] if isinstance(entry[3], str) else None
                    self.spans.append(Span(kind, start, self.n, url, lang))
                return

    def is_open(self, kind: str) -> bool:
        return any(entry[0] == kind for entry in self.open_spans)

    def result(self) -> Rich:
        for entry in list(self.open_spans):
            self.close(str(entry[0]))
        return Rich("".join(self.chunks), self.spans, self.keep)


class _Renderer:
    """Token walker; state is per call, so one renderer renders one document."""

    def __init__(self, skip_images: frozenset[str]) -> None:
        self.out = _Writer()
        self.skip_images = skip_images
        self.lists: list[bool] = []  # True = ordered
        self.quote_depth = 0
        self.item_start = False
        self.table: list[tuple[bool, list[Token]]] = []
        self.row: list[Token] = []
        self.in_table = False
        self.in_head = False
        self.bold_line = False

    # -- blocks -----------------------------------------------------------------------------

    def block_sep(self) -> str:
        return "\n" if self.lists or self.quote_depth else "\n\n"

    def render(self, tokens: Sequence[Token]) -> Rich:
        for token in tokens:
            self.block(token)
        return self.out.result()

    def block(self, t: Token) -> None:
        out = self.out
        kind = t.type
        if self.in_table:
            self.table_token(t)
        elif kind == "inline":
            children = t.children or []
            self.bold_line = _is_bold_line(children)
            self.inline(children)
        elif kind == "paragraph_open":
            if not self.item_start:
                out.sep(self.block_sep())
                if self.lists:
                    out.write("  " * len(self.lists))
            self.item_start = False
        elif kind == "paragraph_close":
            # a lead-in ("…表示:") or a bold pseudo-heading stays with what follows it
            if out.n and (out.last in ":：" or self.bold_line):
                out.keep.add(out.n)
            self.bold_line = False
            out.sep(self.block_sep())
        elif kind == "heading_open":
            out.sep("\n\n")
            out.open("bold")
        elif kind == "heading_close":
            out.close("bold")
            out.keep.add(out.n)
            out.sep("\n\n")
        elif kind in ("bullet_list_open", "ordered_list_open"):
            out.sep("\n" if self.lists else "\n\n")
            self.lists.append(kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            out.sep("\n" if self.lists or self.quote_depth else "\n\n")
        elif kind == "list_item_open":
            self.list_item(t)
        elif kind == "list_item_close":
            self.item_start = False
            out.sep("\n")
        elif kind == "blockquote_open":
            out.sep(self.block_sep())
            if not self.quote_depth:
                out.open("blockquote")
            self.quote_depth += 1
        elif kind == "blockquote_close":
            self.quote_depth -= 1
            if not self.quote_depth:
                out.close("blockquote")
            out.sep(self.block_sep())
        elif kind in ("fence", "code_block"):
            self.code(t)
        elif kind == "hr":
            out.sep("\n\n")
            out.write(_HR)
            out.sep("\n\n")
        elif kind == "html_block":
            text = " ".join(_TAGS.sub(" ", t.content).split())
            if text:
                out.sep(self.block_sep())
                out.write(text)
                out.sep(self.block_sep())
        elif kind == "table_open":
            self.in_table = True
            self.table = []

    def list_item(self, t: Token) -> None:
        out = self.out
        out.sep("\n")
        depth = len(self.lists) - 1
        ordered = self.lists[-1] if self.lists else False
        marker = f"{t.info or '1'}." if ordered else _BULLETS[depth % len(_BULLETS)]
        out.write("  " * depth + marker + " ")
        self.item_start = True

    def code(self, t: Token) -> None:
        out = self.out
        content = t.content.rstrip("\n")
        if not content.strip():
            return
        out.sep("\n\n")
        language = t.info.split()[0] if t.type == "fence" and t.info.strip() else None
        out.open("pre", language=language)
        out.write(content)
        out.close("pre")
        out.sep("\n\n")

    # -- tables: flattened to one line per row ----------------------------------------------

    def table_token(self, t: Token) -> None:
        if t.type == "tr_open":
            self.row = []
        elif t.type == "inline":
            self.row.append(t)
        elif t.type == "tr_close":
            self.table.append((self.in_head, self.row))
        elif t.type == "thead_open":
            self.in_head = True
        elif t.type == "thead_close":
            self.in_head = False
        elif t.type == "table_close":
            self.in_table = False
            self.flush_table()

    def flush_table(self) -> None:
        out = self.out
        head = [plain_inline(c.children or []) for c in self.table[0][1]] if self.table else []
        rows = [cells for is_head, cells in self.table if not is_head]
        labelled = any(head) and bool(rows)
        if not labelled and any(head):
            rows = [self.table[0][1], *rows]
        out.sep("\n\n")
        for cells in rows:
            out.sep("\n")
            first = True
            for i, cell in enumerate(cells):
                if not (cell.children and plain_inline(cell.children).strip()):
                    continue
                if not first:
                    out.write(" · ")
                first = False
                label = head[i] if labelled and i < len(head) else ""
                if label:
                    out.write(f"{label}: ")
                self.inline(cell.children)
        out.sep("\n\n")

    # -- inline -----------------------------------------------------------------------------

    def inline(self, children: Sequence[Token]) -> None:
        out = self.out
        links: list[tuple[str, str]] = []  # (href, shown text) for open links
        for i, t in enumerate(children):
            kind = t.type
            if kind == "text":
                out.write(t.content)
            elif kind == "softbreak":
                nxt = children[i + 1].content[:1] if i + 1 < len(children) else ""
                if not (_CJK.match(out.last) and _CJK.match(nxt)):
                    out.write(" ")
            elif kind == "hardbreak":
                out.write("\n")
            elif kind == "code_inline":
                out.open("code")
                out.write(t.content)
                out.close("code")
            elif kind.endswith("_open") and kind[:-5] in _INLINE_STYLES:
                out.open(_INLINE_STYLES[kind[:-5]])
            elif kind.endswith("_close") and kind[:-6] in _INLINE_STYLES:
                out.close(_INLINE_STYLES[kind[:-6]])
            elif kind == "link_open":
                href = str(t.attrs.get("href") or "")
                shown = _link_text(children, i)
                links.append((href, shown))
                if not shown.strip():
                    out.write(href.removeprefix("mailto:"))
                elif is_web_url(href) and not out.is_open("text_link"):
                    out.open("text_link", url=href)
            elif kind == "link_close" and links:
                href, shown = links.pop()
                if is_web_url(href):
                    out.close("text_link")
                elif shown.strip() and _CONTACT_SCHEME.match(href):
                    address = _CONTACT_SCHEME.sub("", href).split("?")[0]
                    if address and not _mentions(shown, address):
                        out.write(f" ({address})")
            elif kind == "image":
                self.image(t)
            elif kind == "html_inline":
                self.html_inline(t.content)

    def image(self, t: Token) -> None:
        src = str(t.attrs.get("src") or "")
        if src in self.skip_images:
            return
        alt = (t.content or "").strip()
        label = f"🖼 {alt}" if alt else "🖼"
        if is_web_url(src) and not self.out.is_open("text_link"):
            self.out.open("text_link", url=src)
            self.out.write(label)
            self.out.close("text_link")
        elif alt:
            self.out.write(label)

    def html_inline(self, html: str) -> None:
        m = _HTML_TAG.match(html)
        if not m:
            return
        name = m.group(2).lower()
        if name == "br":
            self.out.write("\n")
        elif name in _HTML_STYLES:
            if m.group(1):
                self.out.close(_HTML_STYLES[name])
            else:
                self.out.open(_HTML_STYLES[name])


def _is_bold_line(children: Sequence[Token]) -> bool:
    """A short paragraph that is bold from end to end: a heading in all but name."""
    children = [c for c in children if not (c.type == "text" and not c.content.strip())]
    if len(children) < 3 or len(plain_inline(children)) > 80:
        return False
    first, last = children[0], children[-1]
    closes = sum(
        c.type == "strong_close" or c.content.lower() in ("</b>", "</strong>") for c in children
    )
    if closes != 1:  # "**a** and **b**" is not one bold line
        return False
    return (first.type, last.type) == ("strong_open", "strong_close") or (
        first.type == last.type == "html_inline"
        and first.content.lower() in ("<b>", "<strong>")
        and last.content.lower() in ("</b>", "</strong>")
    )


def _mentions(shown: str, address: str) -> bool:
    """True when the link text already shows the address (phone numbers: same digits)."""
    if address in shown:
        return True
    digits = re.sub(r"[^\d+]", "", address)
    return len(digits) >= 5 and digits == re.sub(r"[^\d+]", "", shown)


def _link_text(children: Sequence[Token], i: int) -> str:
    """Text between link_open at `i` and its link_close."""
    depth = 0
    parts: list[str] = []
    for t in children[i:]:
        if t.type == "link_open":
            depth += 1
        elif t.type == "link_close":
            depth -= 1
            if not depth:
                break
        elif t.type in ("text", "code_inline"):
            parts.append(t.content)
        elif t.type == "image":
            parts.append(t.content or "🖼")
    return "".join(parts)


def plain_inline(children: Iterable[Token]) -> str:
    """Inline tokens → their visible text."""
    parts: list[str] = []
    for t in children:
        if t.type in ("text", "code_inline"):
            parts.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif t.type == "image":
            parts.append(t.content)
    return "".join(parts)


def markdown_to_rich(markdown: str, *, skip_images: Iterable[str] = ()) -> Rich:
    """Render Markdown to plain text with spans; `skip_images` are sent as media instead."""
    tokens = parser().parse(markdown)
    return _Renderer(frozenset(skip_images)).render(tokens)
