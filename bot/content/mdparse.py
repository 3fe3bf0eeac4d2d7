"""Markdown → the document model (for .md articles and rows stored before the model existed).

HTML never passes through here: feed HTML is parsed straight into the model by
`bot.content.parse`. markdown-it reads Markdown once; its tokens become blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.content.model import Block, Span
from bot.content.parse import INLINE_STYLES, safe_url

_STYLES = {"strong": "bold", "em": "italic", "s": "strike"}


@cache
def parser() -> MarkdownIt:
    """The one Markdown dialect chatwire speaks: CommonMark + tables + ~~strike~~ + inline HTML."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def _is_cjk(ch: str) -> bool:
    return bool(ch) and any(lo <= ch <= hi for lo, hi in
                            (("\u2e80", "\u9fff"), ("\uac00", "\ud7af"),
                             ("\uf900", "\ufaff"), ("\uff00", "\uffef")))  # fmt: skip


class _Inline:
    """Inline tokens → text + spans (+ images met on the way, returned as figures)."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.parts: list[str] = []
        self.n = 0
        self.spans: list[Span] = []
        self.open: list[tuple[str, int, str | None]] = []
        self.figures: list[Block] = []

    def put(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.n += len(s)

    def last(self) -> str:
        return self.parts[-1][-1] if self.parts else ""

    def close(self, kind: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == kind:
                k, start, url = self.open.pop(i)
                if self.n > start:
                    self.spans.append(Span(k, start, self.n, url))
                return

    def run(self, children: Sequence[Token]) -> Block:
        for i, t in enumerate(children):
            kind = t.type
            if kind == "text":
                self.put(t.content)
            elif kind == "softbreak":
                nxt = children[i + 1].content[:1] if i + 1 < len(children) else ""
                if not (_is_cjk(self.last()) and _is_cjk(nxt)):
                    self.put(" ")
            elif kind == "hardbreak":
                self.put("\n")
            elif kind == "code_inline":
                start = self.n
                self.put(t.content)
                self.spans.append(Span("code", start, self.n))
            elif kind.endswith("_open") and kind[:-5] in _STYLES:
                self.open.append((_STYLES[kind[:-5]], self.n, None))
            elif kind.endswith("_close") and kind[:-6] in _STYLES:
                self.close(_STYLES[kind[:-6]])
            elif kind == "link_open":
                url = safe_url(str(t.attrs.get("href") or ""), self.base)
                self.open.append(("link", self.n, url))
            elif kind == "link_close":
                for j in range(len(self.open) - 1, -1, -1):
                    if self.open[j][0] == "link":
                        _, start, url = self.open.pop(j)
                        if url and self.n == start:
                            self.put(url.removeprefix("mailto:"))
                        if url and self.n > start:
                            self.spans.append(Span("link", start, self.n, url))
                        break
            elif kind == "image":
                src = safe_url(str(t.attrs.get("src") or ""), self.base)
                if any(o[0] == "link" for o in self.open):  # a linked image: its label inline
                    self.put("🖼 " + t.content if t.content else "🖼")
                elif src:
                    self.figures.append(Block("figure", url=src, info=t.content or None))
                elif t.content:
                    self.put(t.content)
            elif kind == "html_inline":
                self.html(t.content)
        for k, start, url in self.open:
            if self.n > start:
                self.spans.append(Span(k, start, self.n, url))
        return Block("paragraph", "".join(self.parts), self.spans)

    def html(self, html: str) -> None:
        tag = html.strip("<>/ ").split()[0].lower() if html.strip("<>/ ") else ""
        if tag == "br":
            self.put("\n")
        elif tag in INLINE_STYLES:
            if html.startswith("</"):
                self.close(INLINE_STYLES[tag])
            else:
                self.open.append((INLINE_STYLES[tag], self.n, None))


def markdown_to_blocks(markdown: str, *, base_url: str | None = None) -> list[Block]:
    """Markdown → blocks."""
    tokens = parser().parse(markdown)
    root: list[Block] = []
    stack: list[list[Block]] = [root]
    containers: list[Block] = []
    pending_heading = 0
    in_table = False
    row: list[Block] = []
    head_row = False
    for t in tokens:
        kind = t.type
        if kind == "inline":
            inline = _Inline(base_url)
            block = inline.run(t.children or [])
            block.text = block.text.strip("\n") if block.text.strip() else ""
            if in_table:
                block.kind = "cell"
                block.level = int(head_row)
                row.append(block)
                continue
            if pending_heading:
                block.kind, block.level = "heading", pending_heading
            if block.text.strip():
                stack[-1].append(block)
            stack[-1].extend(inline.figures)
        elif kind == "heading_open":
            pending_heading = int(t.tag[1:]) if t.tag[1:].isdigit() else 2
        elif kind == "heading_close":
            pending_heading = 0
        elif kind in ("bullet_list_open", "ordered_list_open", "blockquote_open",
                      "list_item_open"):  # fmt: skip
            if kind == "blockquote_open":
                b = Block("quote")
            elif kind == "list_item_open":
                b = Block("item")
            else:
                start = None
                if kind == "ordered_list_open":
                    raw = t.attrs.get("start")
                    start = int(raw) if isinstance(raw, (int, str)) and str(raw).isdigit() else 1
                b = Block("list", start=start)
            stack[-1].append(b)
            containers.append(b)
            stack.append(b.children)
        elif kind in ("bullet_list_close", "ordered_list_close", "blockquote_close",
                      "list_item_close"):  # fmt: skip
            stack.pop()
            containers.pop()
        elif kind in ("fence", "code_block"):
            info = t.info.split()[0] if kind == "fence" and t.info.strip() else None
            text = t.content.rstrip("\n")
            if text.strip():
                stack[-1].append(Block("code", text, info=info))
        elif kind == "hr":
            stack[-1].append(Block("rule"))
        elif kind == "html_block":
            from bot.content.parse import parse_fragment

            stack[-1].extend(parse_fragment(t.content, base_url=base_url).blocks)
        elif kind == "table_open":
            in_table = True
            stack[-1].append(Block("table"))
            containers.append(stack[-1][-1])
        elif kind == "table_close":
            in_table = False
            containers.pop()
        elif kind == "thead_open":
            head_row = True
        elif kind == "thead_close":
            head_row = False
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and containers:
            containers[-1].children.append(Block("row", children=row))
    return root
