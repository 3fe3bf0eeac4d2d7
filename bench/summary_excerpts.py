"""/summary against editors' excerpts: a second, held-out check of the extractive summary.

Run by hand: `.venv/bin/python bench/summary_excerpts.py [--verbose]`.
The corpus's Readability pages (../shared/corpus/articles/readability_*.html) come with the
excerpt Readability recorded for them (`.metadata.json`): the page's own description, written
by its editors. An excerpt that copies the article's words (Readability falls back to the
first paragraph) summarises nothing and is skipped. Each page is read as the product stores a
feed item (HTML → Markdown), summarised by `extractive_summary`, and scored with the same
ROUGE and Lead-k as bench/answers_quality.py. The summariser's ranking was never tuned on
these references (its junk rules were checked by reading every corpus page's summary); the
development set's references are CNN/Daily Mail highlights and XSum sentences, these are
the teasers of blogs, magazines and newspapers.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import answers_quality as aq  # noqa: E402  (a sibling script, not a package)

ARTICLES = aq.SHARED / "corpus" / "articles"
COPY_PREFIX = 40  # characters of an excerpt that, found in the text, make it a copy
MIN_EXCERPT = 40  # shorter excerpts ("Home", a site slogan) are not summaries


@dataclass(frozen=True)
class Page:
    name: str
    language: str
    text: str
    reference: str


def _letters(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def editor_excerpt(excerpt: str, text: str) -> bool:
    """Long enough, and not the article's own words copied (Readability's fallback)."""
    return len(excerpt) >= MIN_EXCERPT and _letters(excerpt)[:COPY_PREFIX] not in _letters(text)


def load_pages(folder: Path = ARTICLES) -> list[Page]:
    from bot.content.pipeline import load_article_file

    pages: list[Page] = []
    for meta in sorted(folder.glob("readability_*.metadata.json")):
        html = meta.with_name(meta.name.removesuffix(".metadata.json") + ".html")
        excerpt = (json.loads(meta.read_text(encoding="utf-8")).get("excerpt") or "").strip()
        if not html.is_file() or not excerpt:
            continue
        article = load_article_file(html)
        text = article.content_markdown or ""
        language = (article.language or "")[:2]
        if language in aq.LANGUAGES and editor_excerpt(excerpt, text):
            pages.append(Page(html.stem, language, text, excerpt))
    return pages


def score(pages: list[Page]) -> dict[str, dict[str, dict[str, float]]]:
    from bot.analysis.summary import extractive_summary

    per_page: dict[str, dict[str, dict[str, float]]] = {}
    for page in pages:
        system = extractive_summary(page.text, page.language).text
        scores = {"system": aq.rouge(page.reference, system, page.language)}
        for k in aq.LEADS:
            scores[f"lead{k}"] = aq.rouge(page.reference, aq.lead(page.text, k), page.language)
        per_page[page.name] = scores
    return per_page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--verbose", action="store_true", help="ROUGE-1 of every page")
    args = parser.parse_args(argv)
    pages = load_pages()
    per_page = score(pages)
    systems = ["system", *(f"lead{k}" for k in aq.LEADS)]
    for language in aq.LANGUAGES:
        names = [p.name for p in pages if p.language == language]
        if not names:
            continue
        print(f"== {language}: {len(names)} pages with an editor's excerpt")
        if args.verbose:
            for name in names:
                row = "  ".join(f"{s} {per_page[name][s]['r1']:.3f}" for s in systems)
                print(f"  {name:<40} {row}")
        means = {
            s: {m: sum(per_page[n][s][m] for n in names) / len(names) for m in ("r1", "r2", "rl")}
            for s in systems
        }
        print(f"    {'':<8}{'R-1':>7}{'R-2':>7}{'R-L':>7}")
        for s in systems:
            print(f"    {s:<8}" + "".join(f"{means[s][m]:7.3f}" for m in ("r1", "r2", "rl")))
        best = max(systems[1:], key=lambda s: means[s]["r1"])
        margin = means["system"]["r1"] - means[best]["r1"]
        print(f"    system R-1 − best lead ({best}) = {margin:+.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
