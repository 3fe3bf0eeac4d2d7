"""End to end: `chatwire feeds add --translate zh-Hans` and `chatwire run` as subprocesses,
an English corpus article in the feed, the LLM stand-in as the endpoint, Telegram faked
over HTTP: the post arrives in Chinese with headings, quotation, links and credit."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pytest_httpserver import HTTPServer

from bot.standin import FakeTelegram, serve_in_thread
from bot.standin.llm import FakeLLM, serve_llm
from tests.cli_helpers import run_chatwire

CHANNEL = -1001234567001
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "articles"
ARTICLE_URL = "https://www.aclu.org/blog/facebook-tracking-me"


def _feed() -> str:
    html = (CORPUS / "readability_aclu.html").read_text(encoding="utf-8")
    meta = json.loads((CORPUS / "readability_aclu.metadata.json").read_text(encoding="utf-8"))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>ACLU</title>
<link>https://www.aclu.org/</link><language>en</language>
<item><title>{meta["title"]}</title><link>{ARTICLE_URL}</link>
<guid>aclu-facebook</guid><dc:creator>{meta["byline"]}</dc:creator>
<pubDate>Thu, 05 Apr 2018 06:00:00 GMT</pubDate>
<content:encoded><![CDATA[{html}]]></content:encoded></item></channel></rss>"""


def _wait_for(predicate: Callable[[], object], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "POLL_TICK_SECONDS": "0.5",
        "PUBLISH_TICK_SECONDS": "0.5",
        "TRANSLATE_TICK_SECONDS": "0.5",
        "LOG_LEVEL": "INFO",
    }


def _chatwire(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_chatwire(*args, env=env, cwd=cwd)


def test_translate_is_refused_in_one_line_without_an_endpoint(tmp_path: Path) -> None:
    add = _chatwire(
        [
            "feeds",
            "add",
            "https://example.com/feed.xml",
            "--channel",
            "-100123",
            "--translate",
            "zh-Hans",
        ],
        _env(tmp_path),
        tmp_path,
    )
    assert add.returncode == 1
    assert add.stderr.strip().count("\n") == 0
    assert "TRANSLATE_LLM_URL" in add.stderr


def test_an_english_article_is_posted_in_chinese_with_structure_and_credit(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        _feed(), content_type="application/rss+xml"
    )
    fake = FakeTelegram()
    fake.add_channel(CHANNEL, "中文频道", username="zh_channel")
    llm = FakeLLM()
    with serve_llm(llm) as llm_url, serve_in_thread(fake) as server:
        env = _env(tmp_path) | {
            "TRANSLATE_LLM_URL": llm_url,
            "TRANSLATE_LLM_MODEL": "standin-mt",
            "TRANSLATE_NAME": "Stand-in MT",
            "TRANSLATE_LLM_API_KEY": "sk-test-key",
        }
        feed_url = httpserver.url_for("/feed.xml")
        add = _chatwire(
            ["feeds", "add", feed_url, "--channel", str(CHANNEL), "--backfill", "1",
             "--translate", "zh-hans"],
            env,
            tmp_path,
        )  # fmt: skip
        assert add.returncode == 0, add.stderr
        env |= {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": server.base_url}
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            arrived = _wait_for(lambda: fake.sent_to(CHANNEL), timeout=90)
            time.sleep(3)  # a multi-part post: let the rest arrive
        finally:
            proc.send_signal(signal.SIGTERM)
            output, _ = proc.communicate(timeout=60)
    assert arrived, output
    assert proc.returncode == 0, output
    assert "sk-test-key" not in output
    assert llm.auth and all(a == "Bearer sk-test-key" for a in llm.auth)
    records = fake.sent_to(CHANNEL)
    text = "\n".join(r.text or "" for r in records)
    entities = [e for r in records for e in (r.entities or [])]
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    assert han > 1000 and han * 3 > latin, text[:500]
    assert "Facebook collects" not in text and "Information from other" not in text
    links = {e.get("url") for e in entities if e["type"] == "text_link"}
    assert "https://en.wikipedia.org/wiki/Web_bug" in links  # a link inside a paragraph
    assert ARTICLE_URL in links  # the title and 阅读原文 link the original
    assert any(e["type"] == "blockquote" for e in entities)
    assert sum(e["type"] == "bold" for e in entities) >= 8  # title and seven subheads
    last = records[-1].text or ""
    assert "翻译：Stand-in MT" in last and "阅读原文" in last and "Daniel Kahn Gillmor" in last
