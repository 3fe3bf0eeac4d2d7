"""Formatter speed and memory on real article HTML (../shared/corpus/articles/).

Run by hand: `.venv/bin/python bench/format.py [--runs N]`. For every page, the median of N
runs of `format_html` (all stages: parse, clean, metadata, render, split) and of
`markdownify(html)` alone; reports the sum of the per-article medians of each and their
ratio (target ≤ 0.37), then the peak RSS of a fresh process that formats every page once
(target ≤ 40 MiB), then the seed's median.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import format_html  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "articles"
SEED = ROOT / "tests" / "fixtures" / "articles" / "wsj-deepseek-zh.txt"
RATIO_TARGET = 0.37
RSS_TARGET_MIB = 40


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def page_paths() -> list[Path]:
    return sorted(CORPUS.glob("*.html"))


def load_page(path: Path) -> tuple[str, str, dict[str, str]]:
    """(name, html, {title, url, source}) for one page of the corpus."""
    name = path.name.removesuffix(".html").removesuffix(".source")
    meta_path = CORPUS / f"{name}.metadata.json"
    meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
    args = {
        "title": str(meta.get("title") or ""),
        "url": f"https://example.org/{name}",
        "source": str(meta.get("siteName") or ""),
    }
    return path.name, _decode(path.read_bytes()), args


def load_pages() -> list[tuple[str, str, dict[str, str]]]:
    return [load_page(path) for path in page_paths()]


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def rss_child() -> None:
    """Format every page once in this (fresh) process and print the peak RSS in MiB.

    Pages are read one at a time, so the figure is the formatter's, not the corpus's."""
    for path in page_paths():
        _, html, args = load_page(path)
        format_html(html, **args)
    print(peak_rss_mib())


def peak_rss_mib() -> float:
    """This process's peak RSS. VmHWM, since ru_maxrss survives exec and so can report the
    parent's peak from before the fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.rss_child:
        rss_child()
        return
    from markdownify import markdownify

    pages = load_pages()
    for _, html, args in pages:  # warm-up: imports, regex compilation
        format_html(html, **args)
        markdownify(html)
    ours = theirs = 0.0
    for _, html, args in pages:
        ours += median_ms(partial(format_html, html, **args), opts.runs)
        theirs += median_ms(partial(markdownify, html), opts.runs)
    ratio = ours / theirs
    out = subprocess.run(
        [sys.executable, __file__, "--rss-child"], capture_output=True, text=True, check=True
    )
    rss = float(out.stdout.strip().splitlines()[-1])
    seed = SEED.read_text("utf-8")
    seed_html = "".join(f"<p>{line}</p>" for line in seed.splitlines()[1:] if line.strip())
    seed_args = {"title": seed.splitlines()[0], "url": "https://e.com/s", "source": "WSJ"}
    seed_ms = median_ms(partial(format_html, seed_html, **seed_args), 50)
    print(f"corpus: {len(pages)} pages, median of {opts.runs} runs each")
    print(f"format_html  sum of medians {ours:8.1f} ms")
    print(f"markdownify  sum of medians {theirs:8.1f} ms")
    mark = "ok" if ratio <= RATIO_TARGET else "OVER TARGET"
    print(f"ratio        {ratio:.3f} (target ≤ {RATIO_TARGET}) {mark}")
    mark = "ok" if rss <= RSS_TARGET_MIB else "OVER TARGET"
    print(f"peak RSS     {rss:.1f} MiB for a process formatting every page "
          f"(target ≤ {RSS_TARGET_MIB}) {mark}")  # fmt: skip
    print(f"seed         median {seed_ms:.2f} ms")


if __name__ == "__main__":
    main()
