"""The document model every input becomes: blocks holding text with inline style spans.

One parse of the HTML (or Markdown, or plain text) fills it; cleaning, metadata and the
editorial rules transform it; rendering walks it once. Inline content is kept flat (text plus
styled ranges) rather than as a tree: that is what Telegram wants in the end, and slicing,
searching and measuring plain text is cheap.

Block kinds:
    heading (level), paragraph, quote (children), list (children = items; `start` for
    ordered lists), item (children), code (text = verbatim, info = language), figure
    (url = image, text = caption, info = alt), embed (url, info = "video"/"audio"/"embed",
    text = provider label, start = duration in seconds when known), table (children = rows),
    row (children = cells), cell (text; level 1 for a header cell), rule.
Inline span kinds: bold, italic, underline, strike, code, link (url), spoiler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LEAF_KINDS = frozenset({"heading", "paragraph", "code", "figure", "embed", "cell", "rule"})


@dataclass(slots=True)
class Span:
    """An inline style over [start, end) of its block's text, in code points."""

    kind: str
    start: int
    end: int
    url: str | None = None


@dataclass(slots=True)
class Block:
    """One block; leaves hold `text` + `spans`, containers hold `children`."""

    kind: str
    text: str = ""
    spans: list[Span] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)
    level: int = 0
    url: str | None = None
    info: str | None = None
    start: int | None = None

    def plain(self) -> str:
        """Visible text of the block and everything inside it."""
        if self.kind in LEAF_KINDS:
            return self.text
        sep = " · " if self.kind == "row" else "\n"
        return sep.join(t for t in (c.plain() for c in self.children) if t)


@dataclass(slots=True)
class Doc:
    """A parsed document: its blocks plus what the page itself said about it."""

    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    image: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    site: str | None = None
    h1: str | None = None  # the page's first <h1>, wherever it stood
    line_text: bool = False  # text where nothing but line breaks marks structure


def walk(blocks: list[Block]) -> list[Block]:
    """Every block, depth first, containers before their children."""
    out: list[Block] = []
    stack = list(reversed(blocks))
    while stack:
        b = stack.pop()
        out.append(b)
        if b.children:
            stack.extend(reversed(b.children))
    return out


def slice_text(block: Block, start: int, end: int) -> tuple[str, list[Span]]:
    """Text and spans of block.text[start:end], spans clipped and shifted."""
    spans = [
        Span(s.kind, max(s.start, start) - start, min(s.end, end) - start, s.url)
        for s in block.spans
        if s.start < end and s.end > start
    ]
    return block.text[start:end], [s for s in spans if s.end > s.start]


def strip_block(block: Block) -> None:
    """Trim surrounding whitespace from a leaf block's text, keeping spans in place."""
    text = block.text
    lead = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    if lead == 0 and end == len(text):
        return
    block.text, block.spans = slice_text(block, lead, max(end, lead))


# -- compact JSON, for Article.extra ---------------------------------------------------------


def to_json(blocks: list[Block]) -> list[Any]:
    """Blocks → plain JSON data (short keys, empty fields left out)."""
    return [_block_json(b) for b in blocks]


def _block_json(b: Block) -> dict[str, Any]:
    out: dict[str, Any] = {"k": b.kind}
    if b.text:
        out["t"] = b.text
    if b.spans:
        out["s"] = [[s.kind, s.start, s.end, s.url] if s.url else [s.kind, s.start, s.end]
                    for s in b.spans]  # fmt: skip
    if b.children:
        out["c"] = [_block_json(c) for c in b.children]
    if b.level:
        out["l"] = b.level
    if b.url:
        out["u"] = b.url
    if b.info:
        out["i"] = b.info
    if b.start is not None:
        out["n"] = b.start
    return out


def from_json(data: Any) -> list[Block]:
    """The inverse of `to_json`; ValueError on anything malformed."""
    if not isinstance(data, list):
        raise ValueError("document JSON must be a list of blocks")
    return [_block_from(d) for d in data]


def _block_from(d: Any) -> Block:
    if not isinstance(d, dict) or not isinstance(d.get("k"), str):
        raise ValueError("malformed block in document JSON")
    spans = [
        Span(str(s[0]), int(s[1]), int(s[2]), str(s[3]) if len(s) > 3 else None)
        for s in d.get("s", [])
    ]
    start = d.get("n")
    return Block(
        kind=d["k"],
        text=str(d.get("t", "")),
        spans=spans,
        children=[_block_from(c) for c in d.get("c", [])],
        level=int(d.get("l", 0)),
        url=d.get("u"),
        info=d.get("i"),
        start=int(start) if start is not None else None,
    )
