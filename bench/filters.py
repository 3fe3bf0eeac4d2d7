"""Cost of route filters: plain words and RE2 regexes per item, and RE2 against Python's re.

Run by hand: `.venv/bin/python bench/filters.py`. Times one verdict for a route with
five plain words and three regexes on real corpus articles (English and Chinese),
the first import and compile of re2, and a catastrophic pattern `(a+)+$` on growing
inputs with RE2 and with Python's backtracking `re` (which is stopped at 22 chars).
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.models import Article  # noqa: E402
from bot.routing import filters  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "answers"


def main() -> None:
    texts = [
        p.read_text("utf-8")
        for lang in ("en", "zh")
        for p in sorted((CORPUS / lang).glob("*.txt"))
        if not p.name.endswith(".summary.txt")
    ]
    started = time.perf_counter()
    route = filters.build(
        ["title:budget", "议会", "re:(?i)\\bclimate\\b", "author:lin"],
        ["sport", "体育", "re:(?i)sponsored|广告", "category:ads", "text:re:\\d{4}-\\d{2}"],
    )
    first_ms = (time.perf_counter() - started) * 1000
    print(f"first build (imports re2, compiles 3 regexes): {first_ms:.1f} ms")
    times = []
    for _ in range(20):
        for text in texts:
            article = Article(title=text[:80], content_markdown=text, authors=["Ada Lin"])
            begun = time.perf_counter()
            route.verdict(article)
            times.append((time.perf_counter() - begun) * 1000)
    times.sort()
    avg = sum(len(t) for t in texts) / len(texts)
    print(
        f"verdict, 9 rules, {len(texts)} articles (avg {avg:.0f} chars): "
        f"p50 {statistics.median(times):.3f} ms  p95 {times[int(len(times) * 0.95)]:.3f} ms"
    )
    catastrophic = filters.build(["re:(a+)+$"])
    for size in (18, 22, 1_000, 100_000):
        article = Article(title="x", content_markdown="a" * size + "!")
        begun = time.perf_counter()
        catastrophic.verdict(article)
        re2_ms = (time.perf_counter() - begun) * 1000
        line = f"(a+)+$ on {size:>6} chars: RE2 {re2_ms:8.3f} ms"
        if size <= 22:
            begun = time.perf_counter()
            re.search(r"(a+)+$", "a" * size + "!")
            line += f"   Python re {(time.perf_counter() - begun) * 1000:10.1f} ms"
        print(line)


if __name__ == "__main__":
    main()
