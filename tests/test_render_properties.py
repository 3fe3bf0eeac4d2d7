"""Properties over generated HTML and text: limits hold and no text is lost or duplicated."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.clean import polish_blocks, polish_title
from bot.content.model import from_json, to_json, walk
from bot.content.parse import parse_fragment
from bot.content.pipeline import article_from_text, build_article
from bot.models import Article, FeedItem, OutgoingMessage
from bot.render.entities import markdown_to_rich
from bot.render.footer import words
from bot.render.post import RenderOptions, body_rich, render_post
from bot.render.rich import Rich, Span
from bot.render.split import Budget, split_ranges
from tests.test_render_checks import check_post

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EMOJI = ["😀", "👨‍👩‍👧‍👦", "🇯🇵", "🇺🇸", "1️⃣", "❤️", "👍🏽", "🏳️‍🌈", "🧑🏿‍💻"]
WORDS = ["the", "market", "fell", "sharply", "DeepSeek", "AI", "3.5%", "1,000", "e.g."]
CJK = ["英伟达", "市场", "泡沫", "交易", "人工智能", "日本語", "한국어"]
PUNCT = ["。", "，", ",", ".", "!", "？", "：", ":", "、", "“", "”", " ", " ", " ", "——"]

atom = st.one_of(
    st.sampled_from(EMOJI + WORDS + CJK + PUNCT),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), max_size=12
    ),
    st.builds(lambda ch, n: ch * n, st.sampled_from(["x", "字", "😀", "🇯🇵", "a\u0301"]),
              st.sampled_from([60, 250, 1100, 2600])),
)  # fmt: skip
phrase = st.lists(atom, min_size=1, max_size=25).map("".join)

INLINE = ["b", "i", "u", "s", "code", "em", "strong"]


def _tagged(tag: str) -> Callable[[list[str]], str]:
    return lambda parts: f"<{tag}>{''.join(parts)}</{tag}>"


def _wrapped(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        *[st.lists(children, min_size=1, max_size=3).map(_tagged(tag)) for tag in INLINE]
    )


inline_html: st.SearchStrategy[str] = st.recursive(
    st.one_of(
        phrase.map(escape),
        phrase.map(lambda t: f'<a href="https://example.com/{len(t)}">{escape(t)}</a>'),
        phrase.map(lambda t: f'<a href="mailto:x@example.com">{escape(t)}</a>'),
    ),
    _wrapped,
    max_leaves=6,
)
block_html = st.one_of(
    st.lists(inline_html, min_size=1, max_size=5).map(lambda p: f"<p>{''.join(p)}</p>"),
    phrase.map(lambda t: f"<h2>{escape(t)}</h2>"),
    st.lists(inline_html, min_size=1, max_size=4).map(
        lambda items: "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    ),
    st.lists(inline_html, min_size=1, max_size=3).map(
        lambda items: "<ol><li>a<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul></li></ol>"
    ),
    phrase.map(lambda t: f"<blockquote><p>{escape(t)}</p></blockquote>"),
    phrase.map(lambda t: f'<pre><code class="language-py">{escape(t)}</code></pre>'),
    st.tuples(phrase, phrase).map(
        lambda c: f"<table><tr><th>{escape(c[0])}</th></tr><tr><td>{escape(c[1])}</td></tr></table>"
    ),
)
document = st.lists(block_html, min_size=1, max_size=8).map("".join)
limits = st.sampled_from([200, 333, 1024, 4096])


def _body_of(messages: list[OutgoingMessage], title: str, footer: str, part: str) -> str:
    """Strip title, part markers and footer: what is left is the split body."""
    texts = [m.text for m in messages]
    n = len(texts)
    assert texts[0].startswith(title)
    texts[0] = texts[0][len(title) :]
    assert texts[-1].endswith(footer)
    texts[-1] = texts[-1][: -len(footer)]
    if n > 1:
        for i in range(n):
            marker = part.format(n=i + 1, count=n)
            stripped = texts[i].rstrip()
            assert stripped.endswith(marker), (i, texts[i][-40:])
            texts[i] = stripped[: -len(marker)]
    return "".join(texts)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _check_article(article: Article, max_length: int) -> None:
    options = RenderOptions(template="{comment}", max_parts=10_000, max_length=max_length,
                            with_media=False)  # fmt: skip
    messages = render_post(article, options)
    check_post(messages, max_length)
    w = words(article.language)
    body = body_rich(article, options, None).text  # the whole body, rendered from the model
    title = polish_title(article.title, article.language)
    assert _squash(_body_of(messages, title, w.comment, w.part)) == _squash(body)
    # the stored Markdown copy says the same as the model
    assert _squash(markdown_to_rich(article.content_markdown).text) == _squash(
        body_rich(article, RenderOptions(typography=False, with_media=False), None).text
    )


@SETTINGS
@given(document, limits)
def test_generated_html(html: str, max_length: int) -> None:
    article = build_article(FeedItem(guid=None, url="https://example.com/a", title="T",
                                     content_html=html))  # fmt: skip
    _check_article(article, max_length)


@SETTINGS
@given(st.lists(phrase, min_size=1, max_size=15), limits)
def test_generated_text(lines: list[str], max_length: int) -> None:
    text = "Title\n" + "\n".join(lines)
    article = article_from_text(text, fmt="txt", url="https://example.com/t")
    assert article.title == "Title"
    _check_article(article, max_length)


@SETTINGS
@given(
    phrase,
    st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 300)), max_size=250),
    st.integers(20, 600),
)
def test_split_ranges_cover_the_text(
    text: str, raw_spans: list[tuple[int, int]], size: int
) -> None:
    spans = [Span("bold", a, min(a + n, len(text))) for a, n in raw_spans if a < len(text)]
    rich = Rich(text, spans)
    ranges = split_ranges(rich, first=Budget(size), rest=Budget(size), last_reserve=Budget(0, 0))
    pieces = [rich.slice(a, b) for a, b in ranges]
    assert _squash("".join(p.text for p in pieces)) == _squash(text)
    for (a, b), piece in zip(ranges, pieces, strict=True):
        assert a < b
        assert len(piece.spans) <= 100
        assert len(piece.text.encode("utf-16-le")) // 2 <= size
    assert all(b1 <= a2 for (_, b1), (a2, _) in pairwise(ranges))


@settings(SETTINGS, max_examples=50)
@given(st.lists(inline_html, min_size=1, max_size=15), limits)
def test_generated_line_html(lines: list[str], max_length: int) -> None:
    item = FeedItem(guid=None, url=None, title="T", content_html="<br>".join(lines))
    _check_article(build_article(item), max_length)


_CJK_PHRASE = st.sampled_from(
    ["市场普遍相信,", "英伟达(Nvidia)", "什么是 DeepSeek?", "股价暴跌.", "AI 热潮", "1,000 美元",
     "https://e.com/a,b", "“引用,”他说.", "字"]
)  # fmt: skip


@SETTINGS
@given(st.lists(st.tuples(_CJK_PHRASE, st.sampled_from(["", "b", "i", "a"])), min_size=1,
                max_size=12))  # fmt: skip
def test_typography_keeps_every_span_on_its_words(parts: list[tuple[str, str]]) -> None:
    html = "".join(
        escape(t) if not tag else
        (f'<a href="https://e.com/{len(t)}">{escape(t)}</a>' if tag == "a"
         else f"<{tag}>{escape(t)}</{tag}>")
        for t, tag in parts
    )  # fmt: skip
    blocks = parse_fragment(f"<p>{html}</p>").blocks
    assert from_json(to_json(blocks)) == blocks  # the stored model is the model
    polished = polish_blocks(blocks, "zh-Hans")
    for before, after in zip(walk(blocks), walk(polished), strict=True):
        assert [s.kind for s in before.spans] == [s.kind for s in after.spans]
        for s, t in zip(before.spans, after.spans, strict=True):
            old = before.text[s.start : s.end]
            new = after.text[t.start : t.end]
            assert _squash(_narrow(new)) == _squash(_narrow(old)), (old, new)
        assert _squash(_narrow(after.text)) == _squash(_narrow(before.text))


def _narrow(text: str) -> str:
    """Full-width marks back to half-width: what typography may change, and nothing else."""
    return text.translate(str.maketrans("，。：；？！（）", ",.:;?!()"))
