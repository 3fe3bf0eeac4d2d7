"""Formatter speed: article → Telegram messages, over a corpus of varied articles.

Run by hand: `.venv/bin/python bench/format.py`. Prints median and p99 milliseconds per
article and articles per second for rendering alone (Article → messages) and for the whole
pipeline (HTML/text → Article → messages), then the seed's medians. Target: the seed renders
in under 10 ms median on one core.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content.pipeline import article_from_text, build_article  # noqa: E402
from bot.models import Article, FeedItem  # noqa: E402
from bot.render.post import RenderOptions, render_post  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "articles"
SEED = FIXTURES / "wsj-deepseek-zh.txt"
CORPUS_SIZE = 240
SEED_RUNS = 200

ZH = (
    "过去两年里,市场普遍相信人工智能的崛起将带来一个新的生产力增长时代。"
    "英伟达的股价暴跌,市值蒸发接近 6000 亿美元。"
)
EN = "Markets bet that artificial intelligence would bring a new era of productivity growth. "
EMOJI = "Reactions poured in 👍🏽🔥🇯🇵 👨‍👩‍👧 1️⃣ "


def _paragraph(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        text = ZH * rng.randint(1, 4)
    elif kind < 0.8:
        text = EN * rng.randint(1, 6)
    else:
        text = (EMOJI + EN) * rng.randint(1, 3)
    words = text.split(" ")
    if rng.random() < 0.5 and len(words) > 4:
        i = rng.randrange(len(words) - 2)
        words[i] = f"<b>{words[i]}</b>"
        words[i + 1] = f'<a href="https://example.com/{i}">{words[i + 1]}</a>'
    return " ".join(words)


def _html_article(rng: random.Random, n: int) -> FeedItem:
    blocks = ["<p>By Ann Lee and Bo Chen</p>"] if rng.random() < 0.5 else []
    for _ in range(rng.randint(2, 40)):
        r = rng.random()
        if r < 0.08:
            blocks.append(f"<h2>Section {len(blocks)}</h2>")
        elif r < 0.14:
            items = "".join(f"<li>{_paragraph(rng)[:80]}</li>" for _ in range(rng.randint(2, 6)))
            blocks.append(f"<ul>{items}</ul>")
        elif r < 0.17:
            blocks.append('<pre><code class="language-python">print("hi")\nx = 1</code></pre>')
        elif r < 0.20:
            blocks.append(
                "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
            )
        elif r < 0.24:
            blocks.append(f"<blockquote><p>{_paragraph(rng)}</p></blockquote>")
        else:
            blocks.append(f"<p>{_paragraph(rng)}</p>")
    if rng.random() < 0.3:
        blocks.append("<p>Write to Ann Lee at ann.lee@example.com</p>")
    return FeedItem(
        guid=str(n),
        url=f"https://example.com/articles/{n}",
        title=f"Generated article {n}",
        content_html="".join(blocks),
        lead_image="https://example.com/lead.jpg" if rng.random() < 0.3 else None,
    )


def corpus_inputs(size: int = CORPUS_SIZE) -> list[Callable[[], Article]]:
    """Builders for `size` varied articles: the fixtures plus generated HTML."""
    rng = random.Random(20250128)
    seed_text = SEED.read_text(encoding="utf-8")
    builders: list[Callable[[], Article]] = [
        lambda: article_from_text(seed_text, fmt="txt", url="https://cn.wsj.com/a", source="WSJ"),
    ]
    for path in sorted(FIXTURES.glob("*.html")):
        builders.append(partial(article_from_text, path.read_text("utf-8"), fmt="html", title="F"))
    for path in sorted(FIXTURES.glob("*.md")):
        builders.append(partial(article_from_text, path.read_text("utf-8"), fmt="md"))
    n = 0
    while len(builders) < size:
        builders.append(partial(build_article, _html_article(rng, n), source="Bench"))
        n += 1
    return builders


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _summary(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    rate = len(times) / (sum(times) / 1000)
    median = statistics.median(times)
    return f"{label:<28} median {median:7.2f} ms   p99 {p99:7.2f} ms   {rate:8.0f} articles/s"


def _build_and_render(build: Callable[[], Article], options: RenderOptions) -> None:
    render_post(build(), options)


def main() -> None:
    options = RenderOptions()
    builders = corpus_inputs()
    articles = [build() for build in builders]
    for article in articles:  # warm-up: parser construction, regex compilation
        render_post(article, options)
    render_times = [_ms(partial(render_post, a, options)) for a in articles]
    pipeline_times = [_ms(partial(_build_and_render, b, options)) for b in builders]
    seed = articles[0]
    seed_render = [_ms(lambda: render_post(seed, options)) for _ in range(SEED_RUNS)]
    seed_pipeline = [
        _ms(partial(_build_and_render, builders[0], options)) for _ in range(SEED_RUNS)
    ]
    parts = [len(render_post(a, options)) for a in articles]
    print(f"corpus: {len(articles)} articles, {sum(parts)} messages, up to {max(parts)} parts")
    print(_summary("render (Article → messages)", render_times))
    print(_summary("pipeline (source → messages)", pipeline_times))
    print(_summary("seed render", seed_render))
    print(_summary("seed pipeline", seed_pipeline))


if __name__ == "__main__":
    main()
