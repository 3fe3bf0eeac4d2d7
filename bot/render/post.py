"""Article → the messages of one post: linked bold title, body, part markers, footer, photo."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.content.clean import polish_blocks, polish_title
from bot.content.pipeline import article_blocks
from bot.content.readingtime import estimate_minutes
from bot.models import Article, OutgoingMessage
from bot.render.footer import build_footer, validate_template, words
from bot.render.rich import Rich, Span, Utf16Map, join, to_message, utf16_len
from bot.render.split import Budget, find_cut, split_ranges
from bot.render.text import is_web_url, render_blocks

CAPTION_LIMIT = 1024
ENTITY_LIMIT = 100
_TITLE_MAX = 300
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """Per-route rendering choices; a bad template fails here, when it is set."""

    template: str | None = None
    max_parts: int = 8
    max_length: int = 4096
    with_media: bool = True
    typography: bool = True  # Chinese typography (full-width marks, pangu spacing)

    def __post_init__(self) -> None:
        if self.template is not None:
            validate_template(self.template)
        if self.max_parts < 1:
            raise ValueError(f"max_parts must be at least 1, not {self.max_parts}")
        if not 200 <= self.max_length <= 4096:
            raise ValueError(f"max_length must be within 200..4096, not {self.max_length}")


def lead_photo(article: Article) -> str | None:
    """The image to send as a photo: the article's lead image, else an image enclosure."""
    if is_web_url(article.lead_image):
        return article.lead_image
    for enc in article.enclosures:
        mime = (enc.mime_type or "").lower()
        if is_web_url(enc.url) and (
            mime.startswith("image/") or (not mime and enc.url.lower().endswith(_IMAGE_SUFFIXES))
        ):
            return enc.url
    return None


def title_rich(article: Article, max_chars: int = _TITLE_MAX) -> Rich:
    """Bold title (shortened past `max_chars`), linked to the original when there is a URL."""
    title = " ".join(article.title.split())
    if len(title) > max_chars:
        title = title[: max_chars - 1].rstrip() + "…"
    if not title:
        return Rich()
    spans = [Span("bold", 0, len(title))]
    if is_web_url(article.url):
        spans.append(Span("text_link", 0, len(title), article.url))
    return Rich(title, spans, {len(title)})


def _fits(rich: Rich, limit: int) -> bool:
    return utf16_len(rich.text) <= limit and len(rich.spans) <= ENTITY_LIMIT


def _truncate(rich: Rich, limit: int) -> Rich:
    """Cut `rich` to at most `limit` UTF-16 units at a natural boundary."""
    if utf16_len(rich.text) <= limit:
        return rich
    end = Utf16Map(rich.text).index(limit - 1)
    cut = find_cut(rich.text, 0, end)
    text = rich.text[:cut].rstrip()
    return Rich(text + "…", rich.slice(0, len(text)).spans)


def _reading_minutes(article: Article, body: Rich) -> object:
    stated = article.extra.get("reading_minutes")
    return stated if stated is not None else estimate_minutes(body.text)


class _Composer:
    """Holds the pieces of one post and lays them out into parts."""

    def __init__(
        self, article: Article, options: RenderOptions, body: Rich, footer: Rich, lead_limit: int
    ) -> None:
        self.article = article
        self.options = options
        self.body = body
        self.footer = footer
        self.lead_limit = lead_limit  # the caption limit when a photo carries the lead

    def parts(self, title: Rich) -> list[Rich]:
        limit = self.options.max_length
        single = join([title, self.body, self.footer])
        if _fits(single, limit) or not self.body.text.strip():
            return [_truncate(single, limit)]
        m = self.options.max_parts
        ranges = self.ranges(title, limit)
        if len(ranges) > m:
            return [self.lead_only(title)]
        if len(ranges) > 1:
            ranges = self.balanced(title, ranges)
        count = len(ranges)
        out = []
        for i, (a, b) in enumerate(ranges):
            pieces = [title] if i == 0 else []
            pieces.append(self.body.slice(a, b))
            if count > 1:
                pieces.append(Rich(words(self.article.language).part.format(n=i + 1, count=count)))
            if i == count - 1:
                pieces.append(self.footer)
            out.append(join(pieces))
        return out

    def ranges(self, title: Rich, limit: int) -> list[tuple[int, int]]:
        """Body ranges when every part may hold `limit` units (title, marker, footer included)."""
        m = self.options.max_parts
        marker = utf16_len(f"\n\n({m}/{m})")
        head = utf16_len(title.text) + 2 if title.text else 0
        return split_ranges(
            self.body,
            first=Budget(limit - head - marker, ENTITY_LIMIT - len(title.spans)),
            rest=Budget(limit - marker, ENTITY_LIMIT),
            last_reserve=Budget(utf16_len(self.footer.text) + 2, len(self.footer.spans)),
            max_parts=m,
        )

    def balanced(self, title: Rich, greedy: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Parts of even size when that needs no more parts than the greedy split did."""
        count = len(greedy)
        total = utf16_len(title.text) + utf16_len(self.body.text) + utf16_len(self.footer.text)
        target = -(-total // count)
        limit = min(self.options.max_length, target + max(120, target // 6))
        if limit >= self.options.max_length:
            return greedy
        even = self.ranges(title, limit)
        return even if len(even) == count else greedy

    def lead_only(self, title: Rich) -> Rich:
        """Title + lead paragraphs + a link onwards + footer: what a too-long post becomes."""
        limit = min(self.options.max_length, self.lead_limit)
        more = Rich()
        if is_web_url(self.article.url):
            label = words(self.article.language).more
            more = Rich(label, [Span("text_link", 0, len(label), self.article.url)])
        fixed = [title, more, self.footer]
        room = limit - sum(utf16_len(p.text) + 2 for p in fixed)
        used = sum(len(p.spans) for p in fixed)
        lead_units = max(min(room, max(limit // 3, 600)), 1)
        ranges = split_ranges(
            self.body,
            first=Budget(lead_units, ENTITY_LIMIT - used),
            rest=Budget(lead_units, ENTITY_LIMIT - used),
            last_reserve=Budget(0, 0),
            max_parts=1,
        )
        lead = self.body.slice(*ranges[0]) if ranges else Rich()
        return _truncate(join([title, lead, more, self.footer]), limit)


def body_rich(article: Article, options: RenderOptions, photo: str | None) -> Rich:
    """The article's body as styled text (the lead photo left out, sent as media instead)."""
    blocks = article_blocks(article)
    if options.typography:
        blocks = polish_blocks(blocks, article.language)
    w = words(article.language)
    body = render_blocks(blocks, skip_images=[photo] if photo else [], labels=w.media_labels())
    if article.extra.get("teaser") and is_web_url(article.url):
        more = Rich(w.more, [Span("text_link", 0, len(w.more), article.url)])
        body = join([body, more])
    return body


def render_post(
    article: Article, options: RenderOptions = RenderOptions()
) -> list[OutgoingMessage]:
    """All messages of one post, each within Telegram's length and entity limits."""
    photo = lead_photo(article) if options.with_media else None
    body = body_rich(article, options, photo)
    if options.typography and article.title:
        article = replace(article, title=polish_title(article.title, article.language))
    footer = build_footer(
        article, options.template, reading_minutes=_reading_minutes(article, body)
    )
    footer = _truncate(footer, options.max_length // 2)
    caption_limit = min(CAPTION_LIMIT, options.max_length)
    lead_limit = caption_limit if photo else options.max_length
    composer = _Composer(article, options, body, footer, lead_limit)
    title = title_rich(article, min(_TITLE_MAX, options.max_length // 4))
    parts = composer.parts(title)
    if photo is None:
        return [to_message(p) for p in parts]
    if _fits(parts[0], caption_limit):
        return [to_message(parts[0], photo)] + [to_message(p) for p in parts[1:]]
    if title.text:
        rest = composer.parts(Rich())
        return [to_message(_truncate(title, caption_limit), photo)] + [to_message(p) for p in rest]
    # no headline: the photo's caption carries the first lines, the rest follows
    first = split_ranges(
        body,
        first=Budget(caption_limit - 2, ENTITY_LIMIT),
        rest=Budget(caption_limit - 2, ENTITY_LIMIT),
        last_reserve=Budget(0, 0),
        max_parts=1,
    )
    end = first[0][1] if first else 0
    caption = body.slice(*first[0]) if first else Rich()
    remaining = body.slice(end, len(body.text))
    composer = _Composer(article, options, remaining, footer, options.max_length)
    rest = composer.parts(Rich())
    if not caption.text.strip():
        return [to_message(_truncate(rest[0], caption_limit), photo)] + [
            to_message(p) for p in rest[1:]
        ]
    return [to_message(caption, photo)] + [to_message(p) for p in rest if p.text.strip()]


def plain_fallback(messages: list[OutgoingMessage]) -> list[OutgoingMessage]:
    """The same messages without entities: the deliverer's last resort."""
    return [OutgoingMessage(text=m.text, entities=[], photo=m.photo) for m in messages]
