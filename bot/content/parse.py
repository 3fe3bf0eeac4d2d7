"""Untrusted HTML → the document model, in one parse and one walk.

The walk is also the sanitizer: only the blocks and inline styles of `bot.content.model`
come out, URLs are resolved against the item's own link and kept only when they are web or
mail links, and scripts, styles, forms and the like vanish with their content. Embedded
players (iframe, video, audio) become embed blocks, so they never vanish silently.

Parser chosen by measurement over the 90 pages of the development corpus (parse + one walk,
sum of per-page medians): selectolax/lexbor 22 ms and 21 MiB peak, lxml 48 ms and 24 MiB
(and lxml drops everything nested deeper than 256 elements); nh3 sanitizing alone took 47 ms.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from bot.content.model import Block, Doc, Span, strip_block

MAX_DEPTH = 120
"""Elements nested deeper than this lose their tags, never their text (hostile HTML)."""

_DROP = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "form", "button", "select",
     "textarea", "input", "head", "title", "meta", "link", "nav", "rt", "rp", "map", "canvas",
     "dialog", "menu", "-comment", "!doctype", "base", "param", "track", "area"}
)  # fmt: skip
_CONTAINERS = frozenset(
    {"div", "section", "article", "main", "header", "footer", "center", "dl", "dd", "dt",
     "address", "details", "summary", "hgroup", "body", "html", "aside", "fieldset", "legend",
     "caption", "tbody", "thead", "tfoot", "picture", "noframes", "frameset", "frame"}
)  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
INLINE_STYLES = {  # HTML inline tag → our span style (also for inline HTML in Markdown)
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "cite": "italic",
    "dfn": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strike",
    "del": "strike",
    "strike": "strike",
    "code": "code",
    "kbd": "code",
    "samp": "code",
    "tt": "code",
    "tg-spoiler": "spoiler",
}
_EMBEDS = frozenset({"iframe", "video", "audio", "embed", "object"})
_IMAGE_TAGS = frozenset({"img", "picture"})
_CONTROL = re.compile(r"control|toggle|button|btn|icon")  # "…CaptionControl": HIDE CAPTION
_SPACE = re.compile(r"[ \t\n\r\f\u00a0\u200b\ufeff]+")
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n\s*(?=[{_CJK}])")
_LANG_CLASS = re.compile(r"(?:^|\s)(?:language|lang)-([\w#+.-]+)")
_WEB = ("http", "https")
_ABSOLUTE = re.compile(r"https?://[^/?#\s@\\]+(?:[/?#][^\s]*)?$", re.IGNORECASE)
_PROVIDERS = (
    (re.compile(r"(?:^|\.)(?:youtube(?:-nocookie)?\.com|youtu\.be)$"), "YouTube"),
    (re.compile(r"(?:^|\.)vimeo\.com$"), "Vimeo"),
    (re.compile(r"(?:^|\.)twitter\.com$|(?:^|\.)x\.com$"), "X"),
    (re.compile(r"(?:^|\.)instagram\.com$"), "Instagram"),
    (re.compile(r"(?:^|\.)facebook\.com$"), "Facebook"),
    (re.compile(r"(?:^|\.)soundcloud\.com$"), "SoundCloud"),
    (re.compile(r"(?:^|\.)spotify\.com$"), "Spotify"),
    (re.compile(r"(?:^|\.)bilibili\.com$"), "Bilibili"),
    (re.compile(r"(?:^|\.)dailymotion\.com$"), "Dailymotion"),
    (re.compile(r"(?:^|\.)tiktok\.com$"), "TikTok"),
    (re.compile(r"(?:^|\.)(?:v\.qq\.com|video\.qq\.com)$"), "腾讯视频"),
    (re.compile(r"(?:^|\.)youku\.com$"), "Youku"),
)
_AUDIO_HOSTS = ("soundcloud", "spotify", "podcast", "anchor.fm", "megaphone", "libsyn")
_AUDIO_EXT = re.compile(r"\.(?:mp3|m4a|aac|ogg|oga|opus|wav|flac)(?:$|\?)", re.I)
_VIDEO_EXT = re.compile(r"\.(?:mp4|m4v|webm|mov|ogv)(?:$|\?)", re.I)


def safe_url(url: str | None, base: str | None) -> str | None:
    """An absolute http(s) or mailto URL, or None (javascript:, data:, tag:, relative junk)."""
    url = (url or "").strip()
    if not url or url.startswith("#"):
        return None
    if _ABSOLUTE.match(url):  # the common case, without urljoin/urlsplit
        return _encoded(url)
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in _WEB and parts.netloc:
        return _encoded(url)
    if scheme == "mailto" and "@" in url:
        return url
    return None


_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
_URL_SAFE = "-._~:/?#[]@!$&'()*+,;=%"


def _encoded(url: str) -> str:
    """Spaces, `<>"`, and non-ASCII in path, query and fragment percent-encoded (the host is
    left as written), so Telegram never refuses an entity URL."""
    if not _UNSAFE.search(url):
        return url
    scheme, rest = url.split("://", 1)
    cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0),
              default=len(rest))  # fmt: skip
    return f"{scheme}://{rest[:cut]}{quote(rest[cut:], safe=_URL_SAFE)}"


def provider(url: str) -> str:
    """A player's name for a label: "YouTube", "Vimeo", else the host."""
    host = (urlsplit(url).hostname or "").lower()
    for pattern, name in _PROVIDERS:
        if pattern.search(host):
            return name
    return host.removeprefix("www.") or url


def media_kind(tag: str, url: str, mime: str | None = None) -> str:
    """ "video", "audio" or "embed" for a player element or enclosure."""
    mime = (mime or "").lower()
    if tag == "audio" or mime.startswith("audio/") or _AUDIO_EXT.search(url):
        return "audio"
    host = (urlsplit(url).hostname or "").lower()
    if any(h in host for h in _AUDIO_HOSTS):
        return "audio"
    if tag == "video" or mime.startswith("video/") or _VIDEO_EXT.search(url):
        return "video"
    if provider(url) in ("YouTube", "Vimeo", "Bilibili", "Dailymotion", "TikTok", "Youku"):
        return "video"
    if provider(url) == "腾讯视频":
        return "video"
    return "embed"


class _Walker:
    """Holds the walk's state: the open containers and the inline text being gathered."""

    def __init__(self, base_url: str | None, image_filter: Any) -> None:
        self.base = base_url
        self.image_filter = image_filter
        self.stack: list[list[Block]] = [[]]
        self.parts: list[str] = []
        self.n = 0
        self.spans: list[Span] = []
        self.open: list[list[Any]] = []  # [kind, start, url]
        self.last = "\n"  # last character written (a break counts as whitespace)
        self.in_pre = 0

    # -- inline text ------------------------------------------------------------------------

    def text(self, raw: str) -> None:
        if not raw:
            return
        if self.in_pre:
            self._put(raw)
            return
        if raw.isprintable() and "  " not in raw:
            s = raw  # the common case: nothing to collapse
        elif raw.isspace():  # the indentation between tags: one space at most
            if self.last in " \n":
                return
            s = " "
        else:
            if "\n" in raw:
                raw = _CJK_BREAK.sub("", raw)
            s = _SPACE.sub(" ", raw)
        if s[0] == " " and self.last in " \n":
            s = s[1:]
        self._put(s)

    def _put(self, s: str) -> None:
        if not s:
            return
        self.parts.append(s)
        self.n += len(s)
        self.last = s[-1]

    def line_break(self) -> None:
        if self.parts and self.parts[-1].endswith(" "):
            self.parts[-1] = self.parts[-1][:-1]
            self.n -= 1
            for span in reversed(self.spans):  # ends never decrease: only the last ones can
                if span.end <= self.n:  # reach past the trimmed space
                    break
                span.end = self.n
        self._put("\n")

    def open_span(self, kind: str, url: str | None = None) -> None:
        self.open.append([kind, self.n, url])

    def close_span(self) -> None:
        kind, start, url = self.open.pop()
        if self.n > start and not (kind != "link" and any(o[0] == kind for o in self.open)):
            self.spans.append(Span(kind, start, self.n, url))

    # -- blocks -----------------------------------------------------------------------------

    def flush(self, kind: str = "paragraph", level: int = 0) -> None:
        """The gathered inline text becomes a block (nothing when it is blank)."""
        if not self.parts:
            return
        text = "".join(self.parts)
        # spans still open continue into the next block
        for entry in self.open:
            if self.n > entry[1]:
                self.spans.append(Span(entry[0], entry[1], self.n, entry[2]))
            entry[1] = 0
        spans = self.spans
        self.parts, self.spans, self.n, self.last = [], [], 0, "\n"
        if not text.strip():
            return
        block = Block(kind, text, spans, level=level)
        strip_block(block)
        self.add(block)

    def add(self, block: Block) -> None:
        self.stack[-1].append(block)

    def push(self) -> None:
        self.flush()
        self.stack.append([])

    def pop(self) -> list[Block]:
        self.flush()
        return self.stack.pop()

    # -- the walk ---------------------------------------------------------------------------

    def children(self, node: Any, depth: int) -> None:
        child = node.child
        while child is not None:
            self.node(child, depth + 1)
            child = child.next

    def node(self, node: Any, depth: int) -> None:
        tag = node.tag
        if tag == "-text":
            self.text(node.text_content or "")
            return
        if tag in _DROP or tag is None:
            return
        if depth > MAX_DEPTH:
            self.text(" " + node.text(deep=True, separator=" ") + " ")
            return
        attrs = node.attributes
        if "hidden" in attrs or "display:none" in (attrs.get("style") or "").replace(" ", ""):
            return
        style = INLINE_STYLES.get(tag)
        if style is None and tag == "span" and "spoiler" in (attrs.get("class") or ""):
            style = "spoiler"
        if style is not None:
            self.open_span(style)
            self.children(node, depth)
            self.close_span()
        elif tag == "a":
            self.link(node, attrs, depth)
        elif tag == "br":
            self.line_break()
        elif tag == "p":
            self.flush()
            self.children(node, depth)
            self.flush()
        elif tag in _HEADINGS:
            self.flush()
            self.children(node, depth)
            self.flush("heading", _HEADINGS[tag])
        elif tag == "div" and _captioned_image(node):
            self.figure(node, depth)
        elif tag in _CONTAINERS:
            self.flush()
            self.children(node, depth)
            self.flush()
        elif tag == "blockquote":
            self.push()
            self.children(node, depth)
            inner = self.pop()
            if inner:
                self.add(Block("quote", children=inner))
        elif tag in ("ul", "ol"):
            self.list_(node, tag, attrs, depth)
        elif tag == "li":  # a stray item outside a list
            self.push()
            self.children(node, depth)
            inner = self.pop()
            if inner:
                self.add(Block("list", children=[Block("item", children=inner)]))
        elif tag == "pre":
            self.pre(node, attrs)
        elif tag == "img":
            self.image(attrs)
        elif tag == "figure":
            self.figure(node, depth)
        elif tag in _EMBEDS:
            self.embed(node, tag, attrs)
        elif tag == "table":
            self.table(node, depth)
        elif tag == "hr":
            self.flush()
            self.add(Block("rule"))
        elif tag in ("tr", "td", "th"):  # table parts outside a table
            self.flush()
            self.children(node, depth)
            self.flush()
        else:  # span, font, small, sub, sup, abbr, mark, q, time, ruby, unknown tags…
            self.children(node, depth)

    def link(self, node: Any, attrs: dict[str, Any], depth: int) -> None:
        url = safe_url(attrs.get("href"), self.base)
        if url is None or self._inside_link():
            self.children(node, depth)
            return
        start = self.n
        blocks_before = len(self.stack[-1])
        self.open_span("link", url)
        self.children(node, depth)
        wrapped_image = len(self.stack[-1]) > blocks_before
        if self.n == start and url.startswith("mailto:") and not wrapped_image:
            # an empty mail link shows its address; an empty web link (an icon, a share
            # button styled in CSS) shows nothing rather than a raw URL
            shown = url.removeprefix("mailto:")
            self.text(shown if self.last in " \n" else " " + shown)
        self.close_span()

    def _inside_link(self) -> bool:
        return any(o[0] == "link" for o in self.open)

    def list_(self, node: Any, tag: str, attrs: dict[str, Any], depth: int) -> None:
        self.flush()
        items: list[Block] = []
        child = node.child
        while child is not None:
            if child.tag in ("-text", "-comment") and not (child.text_content or "").strip():
                child = child.next
                continue
            self.push()
            if child.tag == "li":
                self.children(child, depth + 1)
            else:
                self.node(child, depth + 1)
            inner = self.pop()
            if inner:
                if child.tag in ("ul", "ol") and items:  # a list nested beside the items
                    items[-1].children.extend(inner)
                else:
                    items.append(Block("item", children=inner))
            child = child.next
        if items:
            start = None
            if tag == "ol":
                raw = str(attrs.get("start") or "1").strip()
                start = int(raw) if raw.isdigit() and len(raw) < 7 else 1
            self.add(Block("list", children=items, start=start))

    def pre(self, node: Any, attrs: dict[str, Any]) -> None:
        self.flush()
        code = node.css_first("code")
        classes = (attrs.get("class") or "") + " " + ((code.attributes.get("class") or "") if code
                                                       else "")  # fmt: skip
        m = _LANG_CLASS.search(classes)
        text = _pre_text(node).strip("\n")
        if text.strip():
            self.add(Block("code", text, info=m.group(1) if m else None))

    def image(self, attrs: dict[str, Any]) -> None:
        src = _image_src(attrs)
        url = safe_url(src, self.base)
        alt = " ".join(str(attrs.get("alt") or "").split())
        if url is None or self.image_filter(
            url,
            width=attrs.get("width"),
            height=attrs.get("height"),
            alt=alt,
            classes=str(attrs.get("class") or ""),
        ):
            if alt and not any(c.isalnum() for c in alt) and len(alt) <= 4:  # emoji images
                self.text(alt)
            return
        if self.parts and "".join(self.parts).strip() and self.open:
            return  # an image inside styled or linked running text: decoration
        self.flush()
        self.add(Block("figure", url=url, info=alt or None))

    def figure(self, node: Any, depth: int) -> None:
        self.push()
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        # the <figcaption>, else the first element whose class names a caption
        caption_node = next((c for c in children if c.tag == "figcaption"), None) or next(
            (c for c in children if _is_caption(c)), None
        )
        for child in children:
            if child is not caption_node:
                self.node(child, depth + 1)
        inner = self.pop()
        caption: Block | None = None
        if caption_node is not None:
            self.push()
            self.children(caption_node, depth + 1)
            self.flush()
            found = self.pop()
            text_blocks = [b for b in found if b.kind in ("paragraph", "heading")]
            if text_blocks:
                caption = text_blocks[0]
                for extra in text_blocks[1:]:
                    gap = len(caption.text) + 1
                    caption.text += " " + extra.text
                    caption.spans += [Span(s.kind, s.start + gap, s.end + gap, s.url)
                                      for s in extra.spans]  # fmt: skip
        target = next((b for b in inner if b.kind in ("figure", "embed")), None)
        if caption is not None and target is not None and not target.text:
            target.text, target.spans = caption.text, caption.spans
        elif caption is not None:
            inner.append(Block("paragraph", caption.text, caption.spans))
        for block in inner:
            self.add(block)

    def embed(self, node: Any, tag: str, attrs: dict[str, Any]) -> None:
        src = attrs.get("src") or attrs.get("data-src") or attrs.get("data")
        if not src:
            source = node.css_first("source")
            src = source.attributes.get("src") if source is not None else None
        url = safe_url(src, self.base)
        if url is None or not url.startswith("http"):
            return
        self.flush()
        title = " ".join(str(attrs.get("title") or "").split())
        self.add(Block("embed", title, url=url, info=media_kind(tag, url)))

    def table(self, node: Any, depth: int) -> None:
        self.flush()
        if _is_layout_table(node):
            self.children(node, depth)
            self.flush()
            return
        rows: list[Block] = []
        for tr in node.css("tr"):
            cells: list[Block] = []
            child = tr.child
            while child is not None:
                if child.tag in ("td", "th"):
                    self.push()
                    self.children(child, depth + 2)
                    self.flush()
                    inner = self.pop()
                    text = " ".join(b.plain() for b in inner if b.plain())
                    cell = Block("cell", text, level=1 if child.tag == "th" else 0)
                    if len(inner) == 1 and inner[0].kind == "paragraph":
                        cell.spans = inner[0].spans
                    cells.append(cell)
                child = child.next
            if any(c.text for c in cells):
                rows.append(Block("row", children=cells))
        if rows:
            self.add(Block("table", children=rows))


def _pre_text(node: Any) -> str:
    out: list[str] = []

    def visit(n: Any) -> None:
        c = n.child
        while c is not None:
            if c.tag == "-text":
                out.append(c.text_content or "")
            elif c.tag == "br":
                out.append("\n")
            elif c.tag not in _DROP:
                visit(c)
            c = c.next

    visit(node)
    return "".join(out).replace("\r\n", "\n").replace("\u00a0", " ")


def _image_src(attrs: dict[str, Any]) -> str | None:
    src = attrs.get("src")
    for lazy in ("data-src", "data-original", "data-lazy-src", "data-actualsrc"):
        if attrs.get(lazy) and (not src or src.startswith("data:") or "blank" in src.lower()):
            src = attrs.get(lazy)
    if (not src or src.startswith("data:")) and attrs.get("srcset"):
        src = str(attrs["srcset"]).split(",")[0].strip().split(" ")[0]
    return str(src) if src else None


def _is_layout_table(node: Any) -> bool:
    """A table used for layout: nested tables, block content in cells, one column or long cells."""
    if node.css_first("table table, td p, td ul, td ol, td div p, td h1, td h2, td h3, td figure,"
                      " td blockquote, td pre, td img, th img"):  # fmt: skip
        return True
    rows = node.css("tr")
    if not rows:
        return True
    widths = [sum(1 for c in r.iter() if c.tag in ("td", "th")) for r in rows]
    if max(widths) <= 1:
        return True
    cells = node.css("td, th")
    longest = max((len(c.text(deep=True)) for c in cells), default=0)
    return longest > 400


def parse_fragment(html: str, *, base_url: str | None = None, image_filter: Any = None) -> Doc:
    """An HTML fragment (a feed item's content) → Doc."""
    from selectolax.lexbor import LexborHTMLParser

    if not html.strip():
        return Doc()
    tree = LexborHTMLParser(html)
    body = tree.body
    return walk_html(body if body is not None else tree.root, base_url, image_filter)


def walk_html(node: Any, base_url: str | None, image_filter: Any = None) -> Doc:
    """The blocks of one parsed element (and its descendants)."""
    walker = _Walker(base_url, image_filter or _no_filter)
    walker.children(node, 0)
    walker.flush()
    blocks = walker.stack[0]
    line_text = bool(blocks) and _looks_line_based(node, blocks)
    return Doc(blocks=blocks, line_text=line_text)


def _no_filter(url: str, **_: Any) -> bool:
    return False


def _looks_line_based(node: Any, blocks: list[Block]) -> bool:
    """Text laid out only with <br> (channel feeds): each line is its own paragraph."""
    if len(blocks) > 2 or not any("\n" in b.text for b in blocks):
        return False
    return node.css_first("p, h1, h2, h3, h4, ul, ol, table, blockquote, pre") is None


def _is_caption(node: Any) -> bool:
    """A caption element that is not a <figcaption>: <p class="caption">, WordPress's
    <p class="wp-caption-text">, <span class="image-caption">…"""
    classes = (node.attributes.get("class") or "").lower()
    return (
        node.tag in ("p", "div", "span") and "caption" in classes and not _CONTROL.search(classes)
    )


def _captioned_image(node: Any) -> bool:
    """A <div> that is a figure in all but name: an image and a caption element side by side
    (BBC's <div class="image"><img><p class="caption">, WordPress's wp-caption)."""
    children = []
    child = node.child
    while child is not None:
        children.append(child)
        child = child.next
    if not any(_is_caption(c) for c in children):  # cheap first: most divs stop here
        return False
    return any(
        c.tag in _IMAGE_TAGS
        or (c.tag in ("a", "span", "div") and not _is_caption(c) and c.css_first("img") is not None)
        for c in children
    )
