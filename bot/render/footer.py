"""The attribution footer on a post's last message, from a per-route template.

Placeholders (`{name}`), all optional in a template:

    {title}         the article title
    {source}        feed or publication name (else the link's host)
    {authors}       byline names, joined the way the article's language joins them
    {translator}    translator
    {contributors}  "X contributed" names
    {date}          publication date
    {link}          a link to the original article, labelled "阅读原文" / "Original article"
    {url}           the bare URL of the original
    {reading_time}  "11–14 分钟" / "11–14 min"
    {image_credit}  the illustration or photo credit
    {comment}       "💬 回复本帖发表评论" / "💬 Reply to this post to comment"

Write `{{` and `}}` for literal braces. A segment between " · " separators, or a whole line,
whose placeholders all come out empty is left out, so one template serves sparse articles.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.models import Article
from bot.render.rich import Rich, Span

PLACEHOLDERS: tuple[str, ...] = (
    "title",
    "source",
    "authors",
    "translator",
    "contributors",
    "date",
    "link",
    "url",
    "reading_time",
    "image_credit",
    "comment",
)
SEGMENT_SEP = " · "

DEFAULT_TEMPLATES: Mapping[str, str] = {
    "zh": (
        "{source} · 文/ {authors} · 翻译：{translator} · 参与：{contributors}"
        " · 图：{image_credit}\n"
        "{date} · 阅读时长 {reading_time} · {link}\n"
        "{comment}"
    ),
    "zh-Hant": (
        "{source} · 文/ {authors} · 翻譯：{translator} · 參與：{contributors}"
        " · 圖：{image_credit}\n"
        "{date} · 閱讀時長 {reading_time} · {link}\n"
        "{comment}"
    ),
    "en": (
        "{source} · By {authors} · Translated by {translator} · With {contributors}"
        " · Image: {image_credit}\n"
        "{date} · {reading_time} read · {link}\n"
        "{comment}"
    ),
}


@dataclass(frozen=True, slots=True)
class _Words:
    link: str
    more: str
    comment: str
    minutes: str
    and_: str
    list_sep: str
    video: str
    audio: str
    embed: str
    part: str  # "({n}/{count})"

    def media_labels(self) -> dict[str, str]:
        return {
            "video": self.video,
            "audio": self.audio,
            "embed": self.embed,
            "minutes": self.minutes,
        }


_WORDS: Mapping[str, _Words] = {
    "zh": _Words(
        "阅读原文", "继续阅读原文 →", "💬 回复本帖发表评论", "分钟", " 和 ", "、",
        "视频", "音频", "嵌入内容", "（{n}/{count}）",
    ),
    "zh-Hant": _Words(
        "閱讀原文", "繼續閱讀原文 →", "💬 回覆本帖發表評論", "分鐘", " 和 ", "、",
        "影片", "音訊", "嵌入內容", "（{n}/{count}）",
    ),
    "en": _Words(
        "Original article",
        "Continue reading →",
        "💬 Reply to this post to comment",
        "min",
        " and ",
        ", ",
        "Video",
        "Audio",
        "Embed",
        "({n}/{count})",
    ),
}  # fmt: skip
_HANT_REGIONS = ("-hant", "-tw", "-hk", "-mo")


def footer_language(language: str | None) -> str:
    """Footer language: "zh" (Simplified), "zh-Hant" (Traditional) or "en" for the rest."""
    tag = (language or "").lower().replace("_", "-")
    if not tag.startswith("zh"):
        return "en"
    return "zh-Hant" if any(r in tag for r in _HANT_REGIONS) else "zh"


def words(language: str | None) -> _Words:
    return _WORDS[footer_language(language)]


def parse_template(template: str) -> list[list[list[tuple[str, str | None]]]]:
    """Template → lines → segments → (literal, placeholder) pairs; ValueError names a bad one."""
    lines = []
    for line in template.split("\n"):
        segments = []
        for segment in line.split(SEGMENT_SEP):
            pieces: list[tuple[str, str | None]] = []
            try:
                parsed = list(string.Formatter().parse(segment))
            except ValueError as exc:
                raise ValueError(f"footer template is malformed: {exc}") from None
            for literal, name, spec, conversion in parsed:
                if name is not None and (name not in PLACEHOLDERS or spec or conversion):
                    shown = "{" + name + ("!" + conversion if conversion else "")
                    shown += (":" + spec if spec else "") + "}"
                    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                    raise ValueError(
                        f"unknown placeholder {shown} in footer template (known: {known})"
                    )
                pieces.append((literal, name))
            segments.append(pieces)
        lines.append(segments)
    return lines


def validate_template(template: str) -> None:
    """Raise ValueError naming the first unknown placeholder; call when a template is set."""
    parse_template(template)


def join_names(names: list[str], language: str | None) -> str:
    """ "A、B 和 C" in Chinese, "A, B and C" in English."""
    w = words(language)
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return w.list_sep.join(names[:-1]) + w.and_ + names[-1]


def format_minutes(value: Any, language: str | None) -> str:
    """[11, 14] → "11–14 分钟"; 5 → "5 min"; anything else → ""."""
    unit = words(language).minutes
    if isinstance(value, (list, tuple)) and len(value) == 2:
        lo, hi = value
        return f"{lo}–{hi} {unit}" if lo != hi else f"{lo} {unit}"
    if isinstance(value, int) and value > 0:
        return f"{value} {unit}"
    return ""


def values(article: Article, *, reading_minutes: Any = None) -> dict[str, str]:
    """Plain-text value of every placeholder for `article` ("" when unknown)."""
    lang = article.language
    w = words(lang)
    host = urlsplit(article.url).hostname or "" if article.url else ""
    extra = article.extra
    date = ""
    if article.published is not None:
        date = article.published.strftime("%Y-%m-%d")
    contributors = extra.get("contributors")
    return {
        "title": article.title,
        "source": article.source or (host.removeprefix("www.") if host else ""),
        "authors": join_names(list(article.authors), lang),
        "translator": article.translator or "",
        "contributors": join_names(list(contributors), lang)
        if isinstance(contributors, list)
        else "",
        "date": date,
        "link": w.link if article.url else "",
        "url": article.url or "",
        "reading_time": format_minutes(
            reading_minutes if reading_minutes is not None else extra.get("reading_minutes"), lang
        ),
        "image_credit": str(extra.get("image_credit") or ""),
        "comment": w.comment,
    }


def build_footer(
    article: Article, template: str | None = None, *, reading_minutes: Any = None
) -> Rich:
    """The footer as styled text; `{link}` becomes a text_link to the article."""
    chosen = (
        template if template is not None else DEFAULT_TEMPLATES[footer_language(article.language)]
    )
    vals = values(article, reading_minutes=reading_minutes)
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    for line in parse_template(chosen):
        line_parts: list[str] = []
        line_spans: list[Span] = []
        line_pos = 0
        for segment in line:
            names = [name for _, name in segment if name is not None]
            if names and not any(vals[n] for n in names):
                continue
            text = "".join(lit + (vals[name] if name else "") for lit, name in segment)
            if not text.strip():
                continue
            if line_parts:
                line_parts.append(SEGMENT_SEP)
                line_pos += len(SEGMENT_SEP)
            offset = line_pos
            for lit, name in segment:
                offset += len(lit)
                if name is None:
                    continue
                value = vals[name]
                if name == "link" and value and article.url:
                    line_spans.append(Span("text_link", offset, offset + len(value), article.url))
                offset += len(value)
            line_parts.append(text)
            line_pos += len(text)
        line_text = "".join(line_parts)
        if not line_text.strip():
            continue
        lead = len(line_text) - len(line_text.lstrip())
        line_text = line_text.strip()
        if out:
            out.append("\n")
            pos += 1
        for s in line_spans:
            start, end = max(s.start - lead, 0), min(s.end - lead, len(line_text))
            if end > start:
                spans.append(Span(s.type, start + pos, end + pos, s.url))
        out.append(line_text)
        pos += len(line_text)
    return Rich("".join(out), spans)
