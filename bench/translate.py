"""Translation's pure stages on the corpus: segmenting, checks and rebuilding per article.

Run: .venv/bin/python bench/translate.py. Prints the median and worst milliseconds per
article for prepare (sanitize + segment + metadata), check (stand-in answer checked) and
rebuild, the blocks and characters sent, and how many articles rebuild to the same HTML
when each block is "translated" to itself (up to whitespace: placeholders round-trip).
"""

from __future__ import annotations

import html as html_module
import re
import statistics
import time
from pathlib import Path

from bot.content.clean import sanitize_html
from bot.content.pipeline import build_article
from bot.models import FeedItem
from bot.standin.llm import fake_translate
from bot.translate.checks import check_batch
from bot.translate.engine import prepare, source_html
from bot.translate.segment import segment

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "articles"


def _norm(markup: str) -> str:
    """HTML compared up to whitespace runs and character references."""
    return (
        re.sub(r"\s+", " ", html_module.unescape(markup))
        .replace("> <", "><")
        .replace(" <", "<")
        .replace("> ", ">")
        .strip()
    )


def main() -> None:
    times: dict[str, list[float]] = {"prepare": [], "check": [], "rebuild": []}
    same = total = blocks = chars = 0
    for path in sorted(CORPUS.glob("readability_*.html")):
        if path.name.endswith(".source.html"):
            continue
        html = path.read_text(encoding="utf-8")
        article = build_article(FeedItem(guid=path.name, url=None, title="T", content_html=html))
        t0 = time.perf_counter()
        src = prepare(article)
        t1 = time.perf_counter()
        sources = [b.source for b in src.document.blocks]
        answer = [fake_translate(s) for s in sources]
        t2 = time.perf_counter()
        try:
            check_batch(sources, answer, "zh-Hans")
        except Exception as exc:  # a stand-in answer a check refuses: show it
            print(f"{path.name}: {exc}")
        t3 = time.perf_counter()
        src.document.rebuild(answer)
        t4 = time.perf_counter()
        times["prepare"].append(t1 - t0)
        times["check"].append(t3 - t2)
        times["rebuild"].append(t4 - t3)
        clean = source_html(article)
        doc = segment(clean)
        again = sanitize_html(doc.rebuild([b.source for b in doc.blocks]))
        same += _norm(again) == _norm(clean)
        total += 1
        blocks += len(sources)
        chars += src.chars
    for name, values in times.items():
        ms = [v * 1000 for v in values]
        print(f"{name:8s} median {statistics.median(ms):7.2f} ms   max {max(ms):7.2f} ms")
    print(f"{total} articles, {blocks} blocks, {chars} characters sent")
    print(f"identity round trip: {same}/{total} rebuild to the same sanitized HTML")


if __name__ == "__main__":
    main()
