"""The one walk from the document model to Telegram text + spans (UTF-16 only at the end).

Nothing is escaped: Telegram gets entities, never a parse mode. Blocks are separated by a
blank line (a line break inside lists and quotes); headings, lead-in lines ending in a colon
and bold one-line pseudo-headings are marked `keep`, so no part ends right after them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from bot.content.markdown import without_nested_in_code
from bot.content.model import Block
from bot.render.rich import Rich, Span

_BULLETS = ("•", "◦", "▪")
_HR = "———"
_TYPES = {
    "bold": "bold",
    "italic": "italic",
    "underline": "underline",
    "strike": "strikethrough",
    "code": "code",
    "spoiler": "spoiler",
}
_ICONS = {"video": "▶", "audio": "🎧", "embed": "▶"}
DEFAULT_LABELS: Mapping[str, str] = {"video": "Video", "audio": "Audio", "embed": "Embed"}


def is_web_url(url: str | None) -> bool:
    """Only http(s) links become `text_link`; mailto: and the rest are shown as text."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _Out:
    """Accumulates text; a separator is written only when more text follows it."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.n = 0
        self.pending = ""
        self.spans: list[Span] = []
        self.keep: set[int] = set()
        self.last = ""
        self.glued = False

    def sep(self, s: str) -> None:
        if self.glued:  # the next block continues this line (a list marker)
            self.glued = False
            return
        if self.n and len(s) > len(self.pending):
            self.pending = s

    def write(self, s: str) -> int:
        """Write `s`; returns its start offset."""
        if self.pending:
            self.chunks.append(self.pending)
            self.n += len(self.pending)
            self.pending = ""
        start = self.n
        if s:
            self.chunks.append(s)
            self.n += len(s)
            self.last = s[-1]
        return start

    def span(self, kind: str, start: int, end: int, url: str | None = None, lang: str | None = None
             ) -> None:  # fmt: skip
        if end > start:
            self.spans.append(Span(kind, start, end, url, lang))


class TextRenderer:
    """Renders blocks; `skip_images` are sent as a photo instead of an image line."""

    def __init__(self, skip_images: Iterable[str] = (), labels: Mapping[str, str] = DEFAULT_LABELS
                 ) -> None:  # fmt: skip
        self.out = _Out()
        self.skip = frozenset(u for u in skip_images if u)
        self.labels = labels
        self.depth = 0  # inside lists/quotes: single line breaks
        self.quoted = 0
        self._nest = 0  # list nesting, for bullets and indents

    def render(self, blocks: list[Block]) -> Rich:
        for block in blocks:
            self.block(block)
        out = self.out
        return Rich("".join(out.chunks), out.spans, out.keep)

    def _sep(self) -> str:
        return "\n" if self.depth else "\n\n"

    def inline(self, block: Block, prefix: str = "") -> tuple[int, int]:
        """Write a leaf's text with its spans; returns the written range."""
        out = self.out
        start = out.write(prefix + block.text) + len(prefix)
        end = start + len(block.text)
        tails: list[tuple[int, str]] = []
        for s in without_nested_in_code(block.spans):
            a, b = start + s.start, start + min(s.end, len(block.text))
            if s.kind == "link":
                if is_web_url(s.url):
                    out.span("text_link", a, b, s.url)
                elif s.url and s.url.startswith("mailto:"):
                    address = s.url[7:].split("?")[0]
                    if address and address not in block.text[s.start : s.end]:
                        tails.append((b, f" ({address})"))
            elif s.kind in _TYPES:
                out.span(_TYPES[s.kind], a, b)
        if tails:  # rare: rebuild with the addresses inserted
            end = self._insert(start, end, tails)
        return start, end

    def _insert(self, start: int, end: int, tails: list[tuple[int, str]]) -> int:
        out = self.out
        text = "".join(out.chunks)
        shift = 0
        for at, extra in sorted(tails):
            pos = at + shift
            text = text[:pos] + extra + text[pos:]
            for span in out.spans:
                if span.start >= pos:
                    span.start += len(extra)
                if span.end > pos:
                    span.end += len(extra)
            shift += len(extra)
        out.chunks = [text]
        out.n = len(text)
        out.last = text[-1:] or out.last
        return end + shift

    def block(self, b: Block) -> None:
        out = self.out
        kind = b.kind
        if kind == "paragraph":
            if not b.text:
                return
            out.sep(self._sep())
            start, end = self.inline(b)
            if out.last in ":：" or _bold_line(b):
                out.keep.add(out.n)
            out.sep(self._sep())
        elif kind == "heading":
            if not b.text:
                return
            out.sep("\n\n" if not self.depth else "\n")
            start, end = self.inline(b)
            out.span("bold", start, end)
            out.keep.add(out.n)
            out.sep(self._sep())
        elif kind == "list":
            self.list_(b)
        elif kind == "quote":
            out.sep(self._sep())
            start = out.n + len(out.pending) if out.n else 0
            self.depth += 1
            self.quoted += 1
            for child in b.children:
                self.block(child)
            self.depth -= 1
            self.quoted -= 1
            if not self.quoted and out.n > start:
                out.span("blockquote", start, out.n)
            out.sep(self._sep())
        elif kind == "code":
            if not b.text.strip():
                return
            out.sep(self._sep() if self.depth else "\n\n")
            start = out.write(b.text)
            out.span("pre", start, out.n, lang=b.info)
            out.sep(self._sep())
        elif kind == "figure":
            self.figure(b)
        elif kind == "embed":
            self.embed(b)
        elif kind == "table":
            self.table(b)
        elif kind == "rule":
            out.sep("\n\n")
            out.write(_HR)
            out.sep("\n\n")
        elif b.children:  # item, row or cell met out of place: render what it holds
            for child in b.children:
                self.block(child)
        elif b.text:
            out.sep(self._sep())
            self.inline(b)
            out.sep(self._sep())

    def list_(self, b: Block) -> None:
        out = self.out
        out.sep(self._sep())
        level = self.depth
        self.depth += 1
        number = b.start
        for item in b.children:
            marker = f"{number}." if number is not None else _BULLETS[self._nest % 3]
            out.sep("\n")
            indent = "  " * self._nest
            children = item.children if item.kind == "item" else [item]
            first = children[0] if children else None
            if first is not None and first.kind == "paragraph":
                self.inline(first, indent + marker + " ")
                rest = children[1:]
            else:
                out.write(indent + marker)
                rest = children
                if first is not None and first.kind != "list":
                    out.write(" ")
                    out.glued = True
            self._nest += 1
            for child in rest:
                if not out.glued:
                    out.sep("\n")
                if child.kind in ("paragraph", "heading"):
                    start, end = self.inline(child, "  " * self._nest)
                    if child.kind == "heading":
                        out.span("bold", start, end)
                else:
                    self.block(child)
            self._nest -= 1
            if number is not None:
                number += 1
        self.depth = level
        out.sep(self._sep())

    def figure(self, b: Block) -> None:
        if b.url in self.skip:
            return
        out = self.out
        caption = b.text or (b.info or "")
        out.sep(self._sep())
        icon_start = out.write("🖼")
        if caption:
            linked = not any(s.kind == "link" for s in b.spans) and is_web_url(b.url)
            if b.text:
                self.inline(b, " ")
            else:
                out.write(" " + caption)
            if linked:
                out.span("text_link", icon_start, out.n, b.url)
            elif is_web_url(b.url):
                out.span("text_link", icon_start, icon_start + 2, b.url)
        elif is_web_url(b.url):
            out.span("text_link", icon_start, out.n, b.url)
        out.sep(self._sep())

    def embed(self, b: Block) -> None:
        out = self.out
        kind = b.info or "embed"
        label = self.labels.get(kind, DEFAULT_LABELS.get(kind, "Embed"))
        cjk = bool(re.search(r"[\u3400-\u9fff]", label))
        if b.start and kind in ("audio", "video"):
            minutes = f"{max(1, round(b.start / 60))} {self.labels.get('minutes', 'min')}"
            label += f"（{minutes}）" if cjk else f" ({minutes})"
        name = b.text or _provider(b.url or "")
        colon = "：" if cjk else ": "
        text = f"{_ICONS.get(kind, '▶')} {label}{colon}{name}" if name else f"▶ {label}"
        out.sep(self._sep())
        start = out.write(text)
        if is_web_url(b.url):
            out.span("text_link", start, out.n, b.url)
        out.sep(self._sep())

    def table(self, b: Block) -> None:
        out = self.out
        rows = [r for r in b.children if r.children]
        if not rows:
            return
        head = rows[0].children if all(c.level for c in rows[0].children) else []
        body = rows[1:] if head and len(rows) > 1 else rows
        labels = [c.text for c in head] if head and len(rows) > 1 else []
        out.sep(self._sep())
        for row in body:
            out.sep("\n")
            first = True
            for i, cell in enumerate(row.children):
                if not cell.text.strip():
                    continue
                if not first:
                    out.write(" · ")
                first = False
                label = labels[i] if i < len(labels) else ""
                self.inline(cell, f"{label}: " if label else "")
        out.sep(self._sep())


def _provider(url: str) -> str:
    from bot.content.parse import provider

    return provider(url) if url else ""


def _bold_line(b: Block) -> bool:
    """A short paragraph bold from end to end: a heading in all but name."""
    if len(b.text) > 80:
        return False
    bold = [s for s in b.spans if s.kind == "bold"]
    return len(bold) == 1 and bold[0].start == 0 and bold[0].end >= len(b.text.rstrip())


def render_blocks(
    blocks: list[Block], *, skip_images: Iterable[str] = (), labels: Mapping[str, str] | None = None
) -> Rich:
    """Blocks → styled plain text."""
    return TextRenderer(skip_images, labels or DEFAULT_LABELS).render(blocks)
