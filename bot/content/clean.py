"""Cleaning: editorial rules as transforms on the document model (and the nh3 sanitizer).

The model transforms below drop what a reader never wants (trackers, share bars, boilerplate
lines, junk images) and mark what the feed cut short. `sanitize_html` is kept for callers
that need safe HTML (the formatter itself parses raw HTML into the model, which is safe).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bot.content.model import Block, slice_text, strip_block, walk

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
        "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section",
        "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "pre": {"class"},
    "td": {"colspan"},
    "th": {"colspan"},
    "ol": {"start"},
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})
DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {"script", "style", "noscript", "iframe", "object", "embed", "template", "svg", "math",
     "form", "button", "select", "textarea"}
)  # fmt: skip


MAX_DEPTH = 64
"""Element nesting kept; deeper elements lose their tags, never their text.

The HTML → Markdown converter recurses once per level, so a few hundred nested tags
(broken or hostile feed HTML) would raise RecursionError and fail the whole feed.
"""
MAX_BLOCK_NESTING = 16
"""Lists, list items and quotes kept inside one another: each nests the Markdown one
level, and markdown-it drops (silently) what lies deeper than 20 levels."""
_NESTING_TAGS = frozenset({"ul", "ol", "li", "blockquote"})
_VOID_TAGS = frozenset({"br", "hr", "img"})
_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s",
     "samp", "small", "span", "strike", "strong", "sub", "sup", "u"}
)  # fmt: skip
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*>")


MEDIA_TAGS: frozenset[str] = frozenset({"iframe", "video", "audio", "source", "picture"})
MEDIA_ATTRIBUTES: dict[str, set[str]] = {
    "img": {"src", "alt", "title", "width", "height", "class", "srcset", "data-src",
            "data-original"},
    "iframe": {"src", "title", "width", "height"},
    "video": {"src", "poster", "title"},
    "audio": {"src", "title"},
    "source": {"src", "type", "srcset"},
}  # fmt: skip


def sanitize_html(html: str, *, media: bool = False) -> str:
    """Untrusted feed HTML → HTML holding only formatting tags, safe links and images.

    With `media`, players (iframe, video, audio) and the image attributes that tell a photo
    from a tracker (size, class, lazy-load source) are kept: what the formatter needs to
    turn players into link lines and to drop junk images. Stored feed HTML is cleaned so."""
    if not html:
        return ""
    import nh3  # only callers that want sanitized HTML pay for it

    tags = set(ALLOWED_TAGS) | (set(MEDIA_TAGS) if media else set())
    attributes = {k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()}
    if media:
        for tag, names in MEDIA_ATTRIBUTES.items():
            attributes.setdefault(tag, set()).update(names)
    clean = nh3.clean(
        html,
        tags=tags,
        clean_content_tags=set(DROPPED_WITH_CONTENT) - tags,
        attributes=attributes,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    return limit_depth(clean)


def limit_depth(html: str) -> str:
    """Unwrap elements nested deeper than MAX_DEPTH (lists and quotes: MAX_BLOCK_NESTING).

    Expects nh3's output: balanced tags, and `<`/`>` escaped everywhere but in tags.
    An unwrapped element keeps its text; a block one leaves a space between words.
    """
    if html.count("<") <= MAX_BLOCK_NESTING:
        return html
    out: list[str] = []
    open_tags: list[tuple[bool, bool]] = []  # per open element: (tag kept, nests Markdown)
    depth = nesting = last = 0
    for m in _ANY_TAG.finditer(html):
        closing, name = m[1] == "/", m[2].lower()
        nests = name in _NESTING_TAGS
        if name in _VOID_TAGS:
            keep = True
        elif closing:
            keep, nests = open_tags.pop() if open_tags else (True, False)
            depth -= int(keep)
            nesting -= int(keep and nests)
        else:
            keep = depth < MAX_DEPTH and not (nests and nesting >= MAX_BLOCK_NESTING)
            open_tags.append((keep, nests))
            depth += int(keep)
            nesting += int(keep and nests)
        out.append(html[last : m.start()])
        out.append(m[0] if keep else ("" if name in _INLINE_TAGS else " "))
        last = m.end()
    out.append(html[last:])
    return "".join(out)


# -- editorial cleaning on the document model -----------------------------------------------

_TRACKER_HOST = re.compile(
    r"(?:^|\.)(?:doubleclick\.net|googleadservices\.com|googlesyndication\.com|"
    r"feedsportal\.com|pixel\.[\w.-]+|ad\.[\w.-]+|ads\.[\w.-]+|adserver\.[\w.-]+|"
    r"click\.[\w.-]+|track(?:ing)?\.[\w.-]+|mf\.feeds\.reuters\.com|feedads\.[\w.-]+|"
    r"rss\.buysellads\.com|srv\.buysellads\.com)$",
    re.IGNORECASE,
)
_HOST_PATH = re.compile(r"(?i)https?://(?:[^/?#@]*@)?([^/?#:]+)[^/?#]*([^?#]*)")
_TRACKER_PATH = re.compile(r"/~(?:r|ff|a|at)/|/(?:ad|ads|adclick|clk|pixel|beacon)/", re.I)
_SHARE = re.compile(
    r"(?:twitter\.com/(?:intent|share)|x\.com/intent|facebook\.com/shar|"
    r"service\.weibo\.com/share|share\.v\.t\.qq\.com|connect\.qq\.com|linkedin\.com/share|"
    r"plus\.google\.com/share|pinterest\.com/pin/create|reddit\.com/submit|"
    r"api\.whatsapp\.com/send|getpocket\.com/save|t\.me/share)",
    re.IGNORECASE,
)
_TEASER_END = re.compile(r"(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\]|\(\s*(?:\.\.\.|…)\s*\))\s*$")
_READ_MORE = re.compile(
    r"\s*(?:\[?\s*(?:read|continue reading|read more|more|阅读全文|閱讀全文|查看全文|"
    r"阅读更多|继续阅读|繼續閱讀|全文)\s*(?:»|›|→|>>)?\s*\]?)\s*$",
    re.IGNORECASE,
)
EDGE = 3
ROW_MAX = 200
BLOCK_MAX = 1200  # boilerplate lines are short; a body paragraph this long needs no check


def is_tracker_url(url: str | None) -> bool:
    """Ad and click-tracking redirects, and share buttons: links a reader never wants."""
    if not url:
        return False
    m = _HOST_PATH.match(url)
    if m is None:
        return False  # not a web URL: nothing to track with
    host, path = m.group(1).lower(), m.group(2)
    return bool(_TRACKER_HOST.search(host) or _TRACKER_PATH.search(path) or _SHARE.search(url))


def split_lines(blocks: list[Block], *, every_line: bool) -> list[Block]:
    """Paragraphs split at blank lines (two <br>), or at every line in line-based text."""
    out: list[Block] = []
    for b in blocks:
        if b.kind == "quote":
            b.children = split_lines(b.children, every_line=False)
        if b.kind != "paragraph" or "\n" not in b.text:
            out.append(b)
            continue
        sep = "\n" if every_line else "\n\n"
        if sep not in b.text:
            out.append(b)
            continue
        pos = 0
        for piece in b.text.split(sep):
            text, spans = slice_text(b, pos, pos + len(piece))
            pos += len(piece) + len(sep)
            part = Block("paragraph", text, spans)
            strip_block(part)
            if part.text:
                out.append(part)
    return out


def drop_tracker_links(blocks: list[Block]) -> list[Block]:
    """Tracker and share links lose their link (the words stay); tracker images go."""
    out: list[Block] = []
    for b in blocks:
        if b.spans:
            b.spans = [s for s in b.spans if not (s.kind == "link" and is_tracker_url(s.url))]
        if b.children:
            b.children = drop_tracker_links(b.children)
        if b.kind == "figure" and is_tracker_url(b.url):  # (junk images went at parse time)
            continue
        out.append(b)
    return out


def _link_chars(b: Block) -> int:
    """Characters of `b` inside links (spaces not counted)."""
    ranges = sorted((s.start, s.end) for s in b.spans if s.kind == "link")
    total = end = 0
    for a, z in ranges:
        a = max(a, end)
        if z > a:
            piece = b.text[a:z]
            total += len(piece) - piece.count(" ")
            end = z
    return total


def _share_only(b: Block) -> bool:
    links = [s for s in b.spans if s.kind == "link"]
    return bool(links) and all(_SHARE.search(s.url or "") for s in links) and len(b.text) < 120


def remove_boilerplate(blocks: list[Block]) -> list[Block]:
    """Share bars, "continue reading", credits, breadcrumbs, repeated rows, file-name lines."""
    from bot.content.boilerplate import boilerplate_reason, is_image_filename, repeated_rows

    n = len(blocks)
    texts = [  # repeated navigation rows are short: long blocks need no comparing
        t if len(t) <= ROW_MAX else ""
        for t in (b.plain() if b.kind in ("paragraph", "heading", "list") else "" for b in blocks)
    ]
    repeated = repeated_rows(texts)
    out: list[Block] = []
    for i, b in enumerate(blocks):
        if i in repeated:
            continue
        at_edge = i < EDGE or i >= n - EDGE
        if b.kind in ("paragraph", "heading"):
            # (boilerplate_reason also flags a line that is only an image file's name)
            if _share_only(b) or (
                len(b.text) <= BLOCK_MAX
                and boilerplate_reason(b.text, link_chars=_link_chars(b), at_edge=at_edge)
            ):
                continue
        elif b.kind == "list" and at_edge:
            items = [c for item in b.children for c in item.children]
            text = sum(len(c.text) for c in items)
            links = sum(_link_chars(c) for c in items)
            if items and text and links >= 0.8 * text and text < 60 * len(items):
                continue  # a list of links at the edge: related stories, navigation
        elif b.kind in ("figure", "embed"):
            if b.text and is_image_filename(b.text):
                b.text, b.spans = "", []
            if b.info and is_image_filename(b.info):
                b.info = None
        elif b.kind == "quote":
            b.children = remove_boilerplate(b.children)
            if not b.children:
                continue
        out.append(b)
    return out


def _symbols_only(text: str) -> bool:
    """Only punctuation and math signs: `___`, `<<`, `>`, `* * *` (emoji are words here)."""
    if not text or _WORDISH.search(text):
        return False
    return all(
        ch.isspace() or unicodedata.category(ch)[0] == "P" or unicodedata.category(ch) == "Sm"
        for ch in text
    )


_WORDISH = re.compile(r"[^\W_]")


def _pager_cell(text: str) -> bool:
    return len(text) <= 3 and (text.isdigit() or _symbols_only(text))


def _same(a: str, b: str) -> bool:
    if not a or abs(len(a) - len(b)) > len(a) // 4 + 4:
        return False
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def drop_noise(blocks: list[Block]) -> list[Block]:
    """Lines of bare symbols, pagers (`< 1 2 3 >`), and a line repeating the one before it
    (a caption printed twice): page furniture, never text."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind == "paragraph":
            j = i
            while j < len(blocks) and blocks[j].kind == "paragraph" and _pager_cell(blocks[j].text):
                j += 1
            if j - i >= 3:  # a run of page numbers and arrows
                i = j
                continue
            if _symbols_only(b.text):
                i += 1
                continue
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.kind in ("paragraph", "figure", "heading")
                and (
                    _same(prev.text, b.text)
                    or (prev.kind == "figure" and _same(prev.info or "", b.text))
                )
            ):
                i += 1
                continue
        out.append(b)
        i += 1
    return out


def mark_teaser(blocks: list[Block]) -> bool:
    """A body the feed cut short ends with "…" (a "Read more" tail goes); True when it was cut."""
    last = next((b for b in reversed(blocks) if b.kind == "paragraph"), None)
    if last is None or blocks[-1] is not last:
        return False
    text = last.text
    m = _READ_MORE.search(text)
    if m and m.start() > 0 and _TEASER_END.search(text[: m.start()]):
        text = text[: m.start()]
    m = _TEASER_END.search(text)
    if not m:
        return False
    body = text[: m.start()].rstrip()
    if not body:
        return False
    last.text = body + "…"
    last.spans = [s for s in last.spans if s.start < len(body)]
    for s in last.spans:
        s.end = min(s.end, len(body))
    return True


def append_enclosures(
    blocks: list[Block], enclosures: list[Any], *, lead: str | None
) -> list[Block]:
    """Audio and video enclosures become embed lines at the end (unless the body links them),
    with the duration the feed gave (seconds, in the block's `start`)."""
    from bot.content.parse import media_kind, safe_url

    linked = {s.url for b in walk(blocks) for s in b.spans if s.kind == "link"}
    linked.update(b.url for b in walk(blocks) if b.url)
    out = list(blocks)
    for enc in enclosures:
        url = safe_url(enc.url, None)
        mime = (enc.mime_type or "").lower()
        if not url or url in linked or url == lead or mime.startswith("image/"):
            continue
        kind = media_kind("", url, mime)
        if kind == "embed" and not mime:
            continue
        seconds = getattr(enc, "duration", None)
        duration = seconds if kind in ("audio", "video") and seconds else None
        out.append(Block("embed", url=url, info=kind, start=duration))
        linked.add(url)
    return out


_FULL = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_POLISHED = frozenset({"paragraph", "heading", "cell", "figure"})


def _align(old: str, new: str) -> list[int] | None:
    """Offsets in `new` of each offset in `old` when `new` only widened marks and moved spaces."""
    mapping = [0] * (len(old) + 1)
    i = j = 0
    while i < len(old):
        if j < len(new) and (old[i] == new[j] or _FULL.get(old[i]) == new[j]):
            mapping[i] = j
            i += 1
            j += 1
        elif j < len(new) and new[j] == " ":
            j += 1
        elif old[i] == " ":
            mapping[i] = j
            i += 1
        else:
            return None
    if new[j:].strip():
        return None
    mapping[len(old)] = len(new)
    return mapping


def _polish_leaf(block: Block, language: str | None) -> None:
    from bot.content.typography import polish_cjk

    text = block.text
    if any(s.kind == "code" for s in block.spans):
        return  # inline code is kept verbatim: leave such a block as it is
    new = polish_cjk(text, language=language)
    if new == text:
        return
    mapping = _align(text, new)
    if mapping is None:
        return
    block.text = new
    for s in block.spans:
        s.start, s.end = mapping[s.start], mapping[min(s.end, len(text))]
        while s.end > s.start and new[s.end - 1] == " ":
            s.end -= 1


def polish_blocks(blocks: list[Block], language: str | None) -> list[Block]:
    """Chinese typography on a copy of `blocks` (code left alone); other languages untouched."""
    if not (language or "").lower().startswith("zh"):
        return blocks
    from bot.content.model import from_json, to_json

    copy = from_json(to_json(blocks))
    for b in walk(copy):
        if b.kind in _POLISHED and b.text:
            _polish_leaf(b, language)
    return copy


def polish_title(title: str, language: str | None) -> str:
    """The headline with Chinese typography (for zh articles)."""
    if not (language or "").lower().startswith("zh"):
        return title
    from bot.content.typography import polish_cjk

    return polish_cjk(title, language=language)
