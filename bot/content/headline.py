"""The headline rule: the feed's title, else the page's, else a leading heading — never a fake.

A fake headline is worse than none: an image caption or file name, a byline, a dateline or
timestamp, a URL, script text, a placeholder like `[图片]`. A body paragraph is never taken as
the headline (plain-text files excepted, where the first line is the title by convention).
"""

from __future__ import annotations

import re
import unicodedata

from bot.content.model import Block

MAX_LEN = 300
_PLACEHOLDER = re.compile(
    r"[\[【〔(（]\s*(?:图片|圖片|图|圖|组图|組圖|视频|視頻|音频|音頻|image|photo|picture|video|"
    r"img|gallery)\s*[\]】〕)）]",
    re.IGNORECASE,
)
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|www\.)\S*$", re.IGNORECASE)
_FILE = re.compile(
    r"^[\w\s.()\-]{0,80}\.(?:jpe?g|png|gif|webp|bmp|svg|tiff?|heic|pdf|mp[34]|mov|webm)$", re.I
)
_BYLINE = re.compile(
    r"^(?:by|posted by|written by|published by|photo by|photos by|credit|source|via|"
    r"作者|文\s*[/／|｜]|记者|記者|来源|來源|编辑|編輯|责任编辑|責任編輯|摄影|攝影|图\s*[/／]|"
    r"发布|發布|发表于|發表於)\b",
    re.IGNORECASE,
)
_BYLINE_CJK = re.compile(r"^(?:作者|文\s*[/／|｜]|记者|記者|来源|來源|编辑|編輯|责任编辑|責任編輯|"
                         r"摄影|攝影|发布|發布|发表于|發表於)")  # fmt: skip
_DATE_ONLY = re.compile(r"^(?=.*\d)[\d\s:/.\-年月日时時分秒,，T+Z()（）]+$")
_DATELINE = re.compile(
    r"(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}:\d{2})"
    r"|(?:\b(?:updated|published|posted)\b.*\d)",
    re.IGNORECASE,
)
_CAPTION_WORDS = frozenset(
    {"photo", "photos", "image", "images", "picture", "video", "gallery", "untitled",
     "no title", "(no title)", "original article", "图片", "圖片", "照片", "视频", "視頻",
     "原文", "阅读原文", "閱讀原文", "无标题", "無標題", "home", "首页", "首頁", "news", "新闻"}
)  # fmt: skip
_SCRIPT = re.compile(
    r"function\s*\(|=>|\bvar\s+\w+\s*=|document\.|window\.|\{[^}]*;[^}]*\}|</?\w+>", re.I
)
_TITLE_SEPARATORS = re.compile(r"\s+[|｜–—-]\s+|\s*(?:_|--+|::|[|｜·])\s*")
_SITE_TAIL = re.compile(r"^(.{6,}?)\s*[-–—]\s*([\u3400-\u9fff\w.]{2,12})$")


def clean_title(title: str | None) -> str:
    """Whitespace collapsed, placeholders gone."""
    if not title:
        return ""
    title = _PLACEHOLDER.sub(" ", title)
    return " ".join(title.split()).strip(" ·|-–—:：")


def is_fake_headline(title: str) -> bool:
    """True for captions, file names, bylines, datelines, URLs and script text."""
    t = title.strip()
    if not t or len(t) > MAX_LEN:
        return True
    low = t.casefold().strip(" .:：")
    if low in _CAPTION_WORDS or _URL.match(t) or _FILE.match(t) or _SCRIPT.search(t):
        return True
    if _BYLINE.match(t) or _BYLINE_CJK.match(t) or _DATE_ONLY.match(t):
        return True
    # a source + timestamp line: short, and mostly a date and a time
    m = _DATELINE.search(t)
    return bool(m) and len(_DATELINE.sub("", t).strip()) <= 12 and len(t) <= 60


def _norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split()).casefold().rstrip("….")


def same_text(a: str, b: str) -> bool:
    """Equal once width, case and spaces are set aside."""
    return bool(a) and _norm(a) == _norm(b)


def trim_site(title: str, site: str | None) -> str:
    """`Story – Site` → `Story` (the longest part, when the page title carries the site's name)."""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        m = _SITE_TAIL.match(title)  # `报道标题-新华网`: a short name glued on with a hyphen
        if m and re.search(r"[\u3400-\u9fff]", m.group(2)) and not re.search(r"\d", m.group(2)):
            return m.group(1).strip()
        return title
    if site:
        kept = [p for p in parts if not same_text(p, site)]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    longest = max(parts, key=len)
    return longest if len(longest) >= 0.5 * len(title) else title


def drop_repeated_title(title: str | None, blocks: list[Block]) -> list[Block]:
    """The body without leading blocks that repeat the title (or are only placeholders)."""
    out = list(blocks)
    while out and out[0].kind in ("heading", "paragraph"):
        text = clean_title(out[0].text)
        if not text or (
            title
            and (
                same_text(text, title) or (out[0].kind == "heading" and _norm(title) in _norm(text))
            )
        ):
            out.pop(0)  # fmt: skip
            continue
        break
    return out


def _repeats_opening(title: str, blocks: list[Block]) -> bool:
    """The title is just the start of the first paragraph (cut teaser titles of channel feeds)."""
    first = next((b for b in blocks if b.kind == "paragraph"), None)
    if first is None or blocks.index(first) > 1:
        return False
    t, body = _norm(title), _norm(first.text)
    return len(t) >= 8 and body.startswith(t) and len(body) > len(t) + 10


def choose_headline(
    title: str | None,
    page_title: str | None,
    site: str | None,
    blocks: list[Block],
    page_h1: str | None = None,
) -> tuple[str | None, list[Block]]:
    """The headline and the body without a leading repeat of it.

    Order: the feed's title; a leading heading of the body; the page's <h1> when its
    <title> carries it (so `Story - Section - Site` yields `Story`); the page's title with
    the site's name trimmed."""
    given = clean_title(title)
    if given and not is_fake_headline(given):
        body = drop_repeated_title(given, blocks)
        if _repeats_opening(given, body):
            return None, body
        return given, body
    first = blocks[0] if blocks else None
    if first is not None and first.kind == "heading" and first.level <= 2:
        lead = clean_title(first.text)
        if lead and not is_fake_headline(lead):
            return lead, drop_repeated_title(lead, blocks[1:])
    h1 = clean_title(page_h1)
    if h1 and page_title and _norm(h1) in _norm(page_title) and not is_fake_headline(h1):
        return h1, drop_repeated_title(h1, blocks)
    page = trim_site(clean_title(page_title), site) if page_title else ""
    if page and not is_fake_headline(page):
        return page, drop_repeated_title(page, blocks)
    return None, drop_repeated_title(None, blocks)


def first_line_title(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """Plain-text files: the first line is the title (when it can be one)."""
    if not blocks:
        return None, blocks
    line = clean_title(blocks[0].text)
    if line and not is_fake_headline(line):
        return line, blocks[1:]
    return None, blocks
