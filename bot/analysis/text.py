"""Article body → paragraphs tagged body / heading / meta, with Markdown removed.

Analysis must not summarise or quote a byline, a contact block or a channel
promo, so every line is classified before anything else looks at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["body", "heading", "meta"]

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_TERMINAL = "。！？!?.…”\"」』’')）]》;；:：»"

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_MD_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")  # group 1: the alt text
_CAPTION_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W_]+")
CAPTION_OVERLAP = 0.7  # share of a block's words its image's alt text holds to make it a caption
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_MD_REFLINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_MD_AUTOLINK = re.compile(r"<(?:https?|mailto):[^>\s]+>")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EM_STAR = re.compile(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?![*\w])")
_MD_EM_UNDER = re.compile(r"(?<![_\w])_(?=\S)(.+?)(?<=\S)_(?![_\w])")
_MD_STRIKE = re.compile(r"~~(.+?)~~")
_MD_CODE = re.compile(r"`+([^`]+)`+")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_META_PATTERNS = [
    # bylines, translators, editors, image credits
    re.compile(
        r"^(?:文|撰文|作者|记者|编辑|责编|责任编辑|校对|翻译|译者|译|编译|来源|出品|摄影|"
        r"摄|图|图片|插图|题图|图源|制图)\s*[/／:：|｜]"
    ),
    re.compile(
        r"^(?:translated by|translation|translator|edited by|editor|reporting by|"
        r"photo(?:graph)?s?|image|illustration|credit|source|written by)\s*[:/：]",
        re.IGNORECASE,
    ),
    re.compile(r"^[Bb][Yy]\s+[A-Z][^.!?。]{0,80}$"),
    re.compile(r"阅读时长|阅读时间|预计阅读|^reading time\b|\b\d+\s*min(?:ute)?s?\s+read\b", re.I),
    _EMAIL,
    re.compile(r"如需联系|联系作者|电邮至|^write to\b|^contact (?:the )?(?:author|us)\b", re.I),
    re.compile(r"印刷版|print edition|appeared in the .{0,60}edition", re.IGNORECASE),
    re.compile(
        r"^(?:频道推荐|推荐阅读|相关阅读|延伸阅读|相关文章|往期回顾|关注我们|点击|扫码|"
        r"related:|read more\b|subscribe\b|sign up\b|follow us\b)",
        re.IGNORECASE,
    ),
    re.compile(r"^--\s|^-- ?\w+$"),
    re.compile(r"对本文(?:亦)?有(?:所)?贡献|contributed to this (?:article|report)", re.I),
    re.compile(
        r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
        r"(?:Z|[+-]\d{2}:?\d{2})?)?$"
    ),
    re.compile(r"if you have any comments on this article|feedback on the bot", re.I),
    re.compile(r"^(?:copyright\b|©|\(c\)\s)", re.IGNORECASE),
    # a photo caption: it ends on the picture's credit, "(Thomas Coex/AFP/Getty Images)",
    # "…underground.CreditChang W. Lee/The New York Times"
    re.compile(
        r"\((?:[^()]*/)?[^()]*\b(?:Getty Images|AFP|AP Photo|Associated Press|Reuters|EPA|"
        r"Shutterstock|Alamy|photo|Photo|PHOTO|Image|Credit)\b[^()]*\)\s*$|"
        r"\([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){1,3} ?/ ?[A-Z][^()]{1,60}\)\s*$|"  # (Name/Paper)
        r"[a-z.)](?:Credit)+[A-Z]|^(?:In this|This) (?:undated |file |handout )*(?:photo|image)\b"
    ),
    # an editor's aside or promo wholly in square brackets: "[Get New York Today in your inbox.]"
    re.compile(r"^\[[^\[\]]+\]$"),
]
_NAME_COLON = re.compile(r"^[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*[:：]$")
_TRAILER_START = re.compile(r"^(?:如需联系|联系作者|write to\b)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of plain text and what it is for analysis."""

    text: str
    kind: Kind
    index: int
    excerpt: bool = False  # set in a Markdown blockquote: someone else's words, quoted


def cjk_count(text: str) -> int:
    """Number of CJK ideographs / kana / hangul in `text`."""
    return len(_CJK_RE.findall(text))


def is_cjk_char(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


def latin_words(text: str) -> list[str]:
    return _LATIN_WORD_RE.findall(text)


def text_weight(text: str) -> int:
    """A length that treats one CJK character and half a Latin word alike."""
    return cjk_count(text) + 2 * len(latin_words(text))


def detect_language(text: str, hint: str | None = None) -> str:
    """`"zh"` for CJK text, else `"en"`; a hint such as `zh-CN` or `en` wins."""
    if hint:
        h = hint.strip().lower()
        if h.startswith(("zh", "ja", "ko", "cmn", "yue")):
            return "zh"
        if h:
            return "en"
    cjk = cjk_count(text)
    latin = sum(len(w) for w in latin_words(text))
    return "zh" if cjk and cjk * 2 >= latin * 0.5 else "en"


_ESCAPED = "\\`*_{}[]()#+-.!>|~"
_PLACEHOLDER_BASE = 0xE000  # private-use characters stand in for escaped ones
_UNESCAPE = {_PLACEHOLDER_BASE + i: ch for i, ch in enumerate(_ESCAPED)}


# a backslash ending a line is a hard line break (CommonMark), not text; "\\\\" is a backslash
_HARD_BREAK = re.compile(r"(?<!\\)((?:\\\\)*)\\\s*$")


def strip_inline_markdown(line: str) -> str:
    """Remove Markdown/HTML inline syntax, keeping the visible text."""
    line = _HARD_BREAK.sub(r"\1", line)
    s = _MD_ESCAPE.sub(lambda m: chr(_PLACEHOLDER_BASE + _ESCAPED.index(m.group(1))), line)
    s = _MD_IMAGE.sub("", s)
    s = _MD_LINK.sub(r"\1", s)
    s = _MD_REFLINK.sub(r"\1", s)
    s = _MD_AUTOLINK.sub("", s)
    s = _HTML_TAG.sub("", s)
    s = _MD_CODE.sub(r"\1", s)
    s = _MD_STRONG.sub(r"\2", s)
    s = _MD_EM_STAR.sub(r"\1", s)
    s = _MD_EM_UNDER.sub(r"\1", s)
    s = _MD_STRIKE.sub(r"\1", s)
    s = s.translate(_UNESCAPE)
    s = s.replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"[ \t]+", " ", s).strip()


def _join_lines(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        glue = "" if out and is_cjk_char(out[-1]) and is_cjk_char(line[0]) else " "
        out += glue + line
    return out


def repeats(alt: str, block: str) -> bool:
    """The block says again what the image's alt text says: it is the figure's caption.

    Sites put one caption in both places ("![Kauri Parata, watched by his father…](…)"
    then "- Kauri Parata, watched by his father…"); the story never repeats an alt text.
    """
    words_alt = {w.lower() for w in _CAPTION_TOKEN.findall(alt)}
    words_block = [w.lower() for w in _CAPTION_TOKEN.findall(block)]
    if len(words_alt) < 4 or len(words_block) < 4:
        return False
    inside = sum(1 for w in words_block if w in words_alt)
    return inside >= CAPTION_OVERLAP * len(words_block)


def _raw_blocks(text: str) -> list[tuple[str, Kind | None, bool]]:
    """Split into (block, kind when the Markdown decides it); blank lines end a block.

    Text on the lines right under an image, in the same block, is its caption.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blank_separated = any(not ln.strip() for ln in lines[1:-1]) if len(lines) > 2 else False
    blocks: list[tuple[str, Kind | None, bool]] = []
    pending: list[str] = []
    excerpt = False  # the pending lines come from a blockquote
    fence: str | None = None  # inside a fenced code block: code is not prose
    caption = False
    alt: str | None = None  # the alt text of an image whose next block is not seen yet
    broken = False  # the pending line belongs to a paragraph cut into lines by <br>
    after_break = False  # the last text line ended in <br>

    def flush() -> None:
        nonlocal caption, alt, excerpt, broken
        if pending:
            block = _join_lines(pending)
            repeats_alt = alt is not None and repeats(alt, block)
            marked: Kind | None = "meta" if caption or repeats_alt else None
            blocks.append((block, marked or ("body" if broken else None), excerpt))
            pending.clear()
            alt = None
        caption = excerpt = broken = False

    for raw in lines:
        opener = _MD_FENCE.match(raw)
        if fence is not None or opener:
            if fence is None and opener:
                flush()
                fence = opener.group(1)
            elif fence is not None and raw.strip().startswith(fence):
                fence = None
            continue
        if not raw.strip() or _MD_RULE.match(raw) or _TABLE_SEP.match(raw):
            flush()
            after_break = False
            continue
        image = _MD_IMAGE.search(raw)
        if image and not strip_inline_markdown(raw):
            flush()
            caption = blank_separated  # the figure's caption follows on the next lines
            alt = image.group(1)
            after_break = False
            continue
        if _TABLE_ROW.match(raw):
            flush()
            continue
        heading = _MD_HEADING.match(raw)
        if heading:
            flush()
            blocks.append((strip_inline_markdown(heading.group(1)), "heading", False))
            after_break = False
            continue
        starts_item = bool(_MD_LIST.match(raw))
        line = strip_inline_markdown(_MD_LIST.sub("", _MD_QUOTE.sub("", raw)))
        if not line:
            continue
        continues = after_break  # the line after a <br> is still in that paragraph
        if not blank_separated or starts_item:
            flush()
        excerpt = excerpt or bool(_MD_QUOTE.match(raw))
        pending.append(line)
        after_break = bool(_HARD_BREAK.search(raw))
        broken = broken or after_break or continues
        if after_break or not blank_separated:
            flush()  # a line that ends in <br> is a unit of its own: a list or verse line
    flush()
    return blocks


def is_meta_line(line: str) -> bool:
    """True for bylines, credits, contact lines, promos and timestamps."""
    s = line.strip()
    if _NAME_COLON.match(s):
        return True
    return any(p.search(s) for p in _META_PATTERNS)


_CREDITED_QUOTE = re.compile(r"^[“\"「『«].+[”\"」』»]\s*(?:—{1,2}|–|--)\s*\w")


def _looks_like_heading(line: str) -> bool:
    s = line.rstrip()
    short = text_weight(s) <= 40 and len(s) <= 80
    if not s or _CREDITED_QUOTE.match(s):
        return False  # "“…” — Jane Smith": a pull quote and its credit, words said
    if len(s) > 1 and s[-1] in "'’\"”»」』" and s[0] in "'‘\"“«「『":
        s = s[:-1].rstrip()  # 'Lucky family': a quoted subhead ends where its words end
        return short and bool(s) and s[-1] not in _TERMINAL  # a quoted question is speech
    if s[-1] in "?？" and text_weight(s) <= 24 and len(s) <= 60:
        return True
    return short and s[-1] not in _TERMINAL and "," not in s[-1]


def paragraphs(text: str) -> list[Paragraph]:
    """Tag each paragraph of an article body; everything after a contact block is meta."""
    out: list[Paragraph] = []
    trailer = False
    blocks = _raw_blocks(text)
    for i, (block, marked, excerpt) in enumerate(blocks):
        kind: Kind
        if trailer or marked == "meta" or is_meta_line(block):
            kind = "meta"
            if _TRAILER_START.search(block) and i >= len(blocks) // 2:
                trailer = True
        elif marked == "heading" or (marked is None and _looks_like_heading(block)):
            kind = "heading"
        else:
            kind = "body"
        out.append(Paragraph(block, kind, i, excerpt))
    return out


def body_text(text: str) -> str:
    """The body paragraphs only, one per line: what an LLM or a ranker should read."""
    return "\n".join(p.text for p in paragraphs(text) if p.kind == "body")
