"""Golden posts for a dozen representative inputs (reviewed by eye when they change).

Each golden file in tests/golden/ records, per message, the photo, the length, the entities
and the text's head and tail (the whole text's sha256 pins the rest), so a change anywhere
in a post shows up here as a readable diff, without copying corpus articles into the repo.
Regenerate after a deliberate change with
`CHATWIRE_UPDATE_GOLDEN=1 pytest tests/test_render_golden.py` and read the diff before committing.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from bot import format_html
from bot.content.pipeline import EmptyItem, build_article
from bot.ingest.parse import parse_feed
from bot.render.messages import message_json
from bot.render.post import render_post

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOLDEN = Path(__file__).parent / "golden"
SEED = Path(__file__).parent / "fixtures" / "articles" / "wsj-deepseek-zh.txt"
HEAD = 600
TAIL = 300

# (golden name, kind, corpus path or fixture) — chosen to cover every shape: Chinese news
# pages (Simplified), a Japanese page, an English page with embeds, code, a data table,
# a whole page with navigation, a podcast feed, a YouTube feed, untitled Atom entries.
PAGES = {
    "qq_zh_page": "articles/gne_qq_qq.source.html",
    "people_zh_poems": "articles/gne_people_1.source.html",
    "xinhua_zh_page": "articles/trafilatura_xinhuanet_c_1125597921.source.html",
    "youth_zh_fragment": "articles/readability_youth.html",
    "afp_ja_page": "articles/newspaper_japanese_article2.source.html",
    "cnn_en_page": "articles/newspaper_cnn_article.source.html",
    "engadget_embeds": "articles/readability_engadget.html",
    "mozilla_code": "articles/readability_002.html",
    "factorio_table": "articles/readability_keep-tabular-data.html",
}
FEEDS = {
    "nightvale_podcast": "feeds/feedrs_rss20_nightvale_podcast.xml",
    "youtube_feed": "feeds/feedrs_atom_mediarss_youtube.xml",
    "untitled_atom": "feeds/newsboat_atom_items_without_titles.xml",
}


def _digest(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for m in messages:
        text = str(m["text"])
        shown: dict[str, Any] = {"length": len(text)}
        if "photo" in m:
            shown["photo"] = m["photo"]
        shown["head"] = text[:HEAD]
        if len(text) > HEAD:
            shown["tail"] = text[-TAIL:]
        shown["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        shown["entities"] = [
            " ".join(str(e[k]) for k in ("type", "offset", "length", "url", "language") if k in e)
            for e in m["entities"]
        ]
        out.append(shown)
    return out


def _page(rel: str) -> list[dict[str, Any]]:
    path = CORPUS / rel
    name = path.name.removesuffix(".html").removesuffix(".source")
    meta_path = path.with_name(f"{name}.metadata.json")
    meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
    html = path.read_bytes().decode("utf-8", errors="replace")
    title = "" if path.name.endswith(".source.html") else str(meta.get("title") or "")
    return format_html(html, title=title, url=f"https://example.org/{name}", source="")


def _feed(rel: str) -> list[dict[str, Any]]:
    feed = parse_feed((CORPUS / rel).read_bytes(), f"https://feeds.example/{Path(rel).name}")
    posts: list[dict[str, Any]] = []
    for item in feed.items[:3]:
        try:
            article = build_article(item, source=feed.title, feed_language=feed.language)
        except EmptyItem:
            posts.append({"empty": True})
            continue
        posts.extend(message_json(m) for m in render_post(article))
    return posts


def _seed() -> list[dict[str, Any]]:
    lines = SEED.read_text("utf-8").splitlines()
    html = "".join(f"<p>{line}</p>" for line in lines[1:] if line.strip())
    return format_html(html, title=lines[0], url="https://cn.wsj.com/a", source="华尔街日报")


CASES: dict[str, Any] = {
    "seed_wsj_zh": _seed,
    **{name: (lambda rel=rel: _page(rel)) for name, rel in PAGES.items()},
    **{name: (lambda rel=rel: _feed(rel)) for name, rel in FEEDS.items()},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    if name != "seed_wsj_zh" and not CORPUS.exists():
        pytest.skip("no ../shared/corpus here")
    produced = CASES[name]()
    digest = [p if p.get("empty") else _digest([p])[0] for p in produced]
    path = GOLDEN / f"{name}.json"
    if os.environ.get("CHATWIRE_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(digest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    expected = json.loads(path.read_text("utf-8"))
    assert digest == expected
