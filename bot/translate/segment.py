"""Sanitized article HTML → translatable blocks with numbered placeholders, and back.

A *block* is a run of inline content between two block-level tags (a paragraph, a heading,
a list item, a quotation's paragraph, a caption, a table cell). The model sees each block
as plain text in which inline markup and untranslatable tokens are numbered placeholders:

* `<xN>…</xN>`: an inline element (link, bold, italic, quote…): the words inside are
  translated, the tag itself (a link's href included) never reaches the model;
* `<xN/>`: a token kept exactly: inline code, a line break, an image, a URL, an e-mail
  address, and any tag a block boundary left unpaired.

Numbers and names are left to the model (the prompt asks it to keep names it cannot
translate in their original script): "5.2 billion" must become "52亿", which a frozen
number cannot. Preformatted blocks (`<pre>`) are never sent.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "div",
     "section", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
     "caption", "dl", "dt", "dd", "hr", "pre", "html", "body", "article", "header", "footer"}
)  # fmt: skip
ATOMIC_ELEMENTS = frozenset({"code", "kbd", "samp"})
"""Inline elements kept whole, content included."""
VOID_TAGS = frozenset({"br", "img", "wbr"})
UNWRAPPED = frozenset({"span"})
"""Inline tags with no meaning left after sanitizing: dropped, their text kept."""
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]}。，；：！？）】」』]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PLACEHOLDER = re.compile(r"<(/?)x(\d+)(/?)>")
_LETTER = re.compile(r"[^\W\d_]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "start", "end", "void", "text"
    name: str = ""
    raw: str = ""  # serialized HTML of a tag; the unescaped text for "text"


@dataclass(slots=True)
class Block:
    """One translatable block: what the model sees and how to put its answer back."""

    source: str  # model text with placeholders
    pairs: dict[int, tuple[str, str]] = field(default_factory=dict)  # N → (open, close) HTML
    atoms: dict[int, str] = field(default_factory=dict)  # N → HTML kept as is
    prefix: str = ""
    suffix: str = ""
    tag: str = "p"  # the enclosing block element (for the record, not the model)

    @property
    def plain(self) -> str:
        """The visible text without placeholders (atoms' text dropped)."""
        return " ".join(PLACEHOLDER.sub(" ", self.source).split())


@dataclass(slots=True)
class Document:
    """The HTML as raw pieces and blocks, in order; `str` pieces are kept verbatim."""

    pieces: list[str | Block] = field(default_factory=list)

    @property
    def blocks(self) -> list[Block]:
        return [p for p in self.pieces if isinstance(p, Block)]

    def drop(self, block: Block) -> None:
        """Leave a block out of the rebuilt HTML (metadata lines, a repeated title)."""
        self.pieces = [p for p in self.pieces if p is not block]

    def rebuild(self, translations: list[str]) -> str:
        """The HTML with each block replaced by its translation (same order as `blocks`)."""
        blocks = self.blocks
        if len(translations) != len(blocks):
            raise ValueError(f"{len(translations)} translations for {len(blocks)} blocks")
        done = {id(b): restore(b, t) for b, t in zip(blocks, translations, strict=True)}
        return "".join(p if isinstance(p, str) else done[id(p)] for p in self.pieces)


class _Tokenizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = "void" if tag in VOID_TAGS else "start"
        self.tokens.append(Token(kind, tag, _tag_html(tag, attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(Token("void", tag, _tag_html(tag, attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_TAGS:
            self.tokens.append(Token("end", tag, f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        if data:
            self.tokens.append(Token("text", "", data))


def _tag_html(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = [tag]
    for name, value in attrs:
        parts.append(name if value is None else f'{name}="{html.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + ">"


def tokenize(markup: str) -> list[Token]:
    parser = _Tokenizer()
    parser.feed(markup)
    parser.close()
    return parser.tokens


def _html_of(tokens: list[Token]) -> str:
    return "".join(html.escape(t.raw, quote=False) if t.kind == "text" else t.raw for t in tokens)


def segment(markup: str) -> Document:
    """Split sanitized HTML into raw pieces and translatable blocks."""
    tokens = tokenize(markup)
    doc = Document()
    run: list[Token] = []
    stack: list[str] = []  # open block elements
    i = 0

    def flush() -> None:
        if run:
            doc.pieces.extend(_run_pieces(list(run), stack[-1] if stack else "p"))
            run.clear()

    while i < len(tokens):
        token = tokens[i]
        if token.name == "pre" and token.kind == "start":
            flush()
            end = _matching_end(tokens, i)
            doc.pieces.append(_html_of(tokens[i : end + 1]))
            i = end + 1
            continue
        if token.name in ATOMIC_ELEMENTS and token.kind == "start":
            end = _matching_end(tokens, i)
            run.append(Token("void", token.name, _html_of(tokens[i : end + 1])))
            i = end + 1
            continue
        if token.name in BLOCK_TAGS and token.kind != "text":
            flush()
            doc.pieces.append(token.raw)
            if token.kind == "start":
                stack.append(token.name)
            elif token.kind == "end" and token.name in stack:
                while stack and stack.pop() != token.name:
                    pass
        elif token.name in UNWRAPPED and token.kind in ("start", "end"):
            pass
        else:
            run.append(token)
        i += 1
    flush()
    return doc


def _matching_end(tokens: list[Token], start: int) -> int:
    name, depth = tokens[start].name, 0
    for j in range(start, len(tokens)):
        if tokens[j].name == name and tokens[j].kind == "start":
            depth += 1
        elif tokens[j].name == name and tokens[j].kind == "end":
            depth -= 1
            if depth == 0:
                return j
    return len(tokens) - 1


def _run_pieces(run: list[Token], tag: str) -> list[str | Block]:
    """One inline run → a block (when it has words to translate) or raw HTML."""
    paired = _pair(run)
    # Unpaired tags and spaces at either end stay outside the model's view.
    lo, hi = 0, len(run)
    while lo < hi and (_blank(run[lo]) or (run[lo].kind != "text" and lo not in paired)):
        lo += 1
    while hi > lo and (
        _blank(run[hi - 1]) or (run[hi - 1].kind != "text" and hi - 1 not in paired)
    ):
        hi -= 1
    inner = run[lo:hi]
    text = "".join(t.raw for t in inner if t.kind == "text")
    if not _LETTER.search(_URL.sub(" ", _EMAIL.sub(" ", text))):
        return [_html_of(run)]
    # pairs straddling the trimmed edges cannot happen: a paired tag's partner lies inside
    block = Block("", prefix=_html_of(run[:lo]), suffix=_html_of(run[hi:]), tag=tag)
    out: list[str] = []
    numbers: dict[int, int] = {}  # token index → placeholder number
    for k, token in enumerate(inner, start=lo):
        if token.kind == "text":
            out.append(_text_with_atoms(token.raw, block))
        elif token.kind == "start" and k in paired:
            n = len(block.pairs) + len(block.atoms) + 1
            numbers[k] = numbers[paired[k]] = n
            block.pairs[n] = (token.raw, "")
            out.append(f"<x{n}>")
        elif token.kind == "end" and k in paired:
            n = numbers[k]
            block.pairs[n] = (block.pairs[n][0], token.raw)
            out.append(f"</x{n}>")
        else:
            n = len(block.pairs) + len(block.atoms) + 1
            block.atoms[n] = token.raw
            out.append(f"<x{n}/>")
    joined = _SPACE.sub(" ", "".join(out))
    # a space between a kept edge tag and the text stays outside the model's view
    if joined.startswith(" ") and block.prefix:
        block.prefix += " "
    if joined.endswith(" ") and block.suffix:
        block.suffix = " " + block.suffix
    block.source = joined.strip()
    return [block]


def _blank(token: Token) -> bool:
    return token.kind == "text" and not token.raw.strip()


def _pair(run: list[Token]) -> dict[int, int]:
    """Start and end tags that close each other within the run, both ways."""
    paired: dict[int, int] = {}
    stack: list[int] = []
    for k, token in enumerate(run):
        if token.kind == "start":
            stack.append(k)
        elif token.kind == "end":
            for depth in range(len(stack) - 1, -1, -1):
                if run[stack[depth]].name == token.name:
                    opener = stack[depth]
                    del stack[depth:]
                    paired[opener], paired[k] = k, opener
                    break
    return paired


def _text_with_atoms(text: str, block: Block) -> str:
    """Escape nothing (the model sees plain text); URLs and e-mail addresses become atoms."""
    out: list[str] = []
    last = 0
    for m in sorted(
        [*_URL.finditer(text), *_EMAIL.finditer(text)], key=lambda m: (m.start(), -m.end())
    ):
        if m.start() < last:
            continue
        out.append(text[last : m.start()])
        n = len(block.pairs) + len(block.atoms) + 1
        block.atoms[n] = html.escape(m[0], quote=False)
        out.append(f"<x{n}/>")
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def restore(block: Block, translated: str) -> str:
    """The block's HTML from a translation whose placeholders were checked."""
    out = [block.prefix]
    last = 0
    for m in PLACEHOLDER.finditer(translated):
        out.append(html.escape(translated[last : m.start()], quote=False))
        closing, n, void = m[1] == "/", int(m[2]), m[3] == "/"
        if void:
            out.append(block.atoms.get(n, ""))
        elif n in block.pairs:
            out.append(block.pairs[n][1] if closing else block.pairs[n][0])
        last = m.end()
    out.append(html.escape(translated[last:], quote=False))
    out.append(block.suffix)
    return "".join(out)


def plain_block(text: str) -> Block:
    """A block for plain text (the headline): URLs and e-mail addresses still kept."""
    block = Block("", tag="headline")
    block.source = _SPACE.sub(" ", _text_with_atoms(text, block)).strip()
    return block
