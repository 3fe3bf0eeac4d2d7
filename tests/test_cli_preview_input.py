"""`chatwire preview` (and `summary`) on awkward input: binaries refused in one line,
undeclared encodings detected, empty feeds said so, the size limit `run` applies."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.textinput import binary_kind, decode_text
from tests.cli_helpers import run_chatwire

EMPTY_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
)


def preview(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    path = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return run_chatwire("preview", *args, env=path | env, cwd=tmp_path)


def only_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout
    [line] = result.stderr.strip().splitlines()
    assert result.stdout == ""
    return line


def test_an_executable_named_html_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    shutil.copyfile(sys.executable, target)
    line = only_line(preview(tmp_path, str(target)))
    assert line == "chatwire preview: page.html: an executable (ELF), not an article or a feed"


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_bytes(random.Random(5).randbytes(4000))
    assert "binary data" in only_line(preview(tmp_path, str(target)))


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Café crème\n\nLe garçon a commandé un café crème à la terrasse, dit-il.", "latin-1"),
        ("人工智能\n\n人工智能的发展正在改变全球经济格局，投资者重新评估科技公司的估值。", "gbk"),
        ("台灣科技\n\n台灣的經濟發展與科技產業正在快速成長，許多公司重新評估。", "big5"),
    ],
)
def test_text_files_are_decoded_by_what_they_hold(tmp_path: Path, text: str, encoding: str) -> None:
    target = tmp_path / "article.txt"
    target.write_bytes(text.encode(encoding))
    result = preview(tmp_path, str(target))
    assert result.returncode == 0, result.stderr
    assert text.splitlines()[-1] in result.stdout
    assert "\ufffd" not in result.stdout


def test_an_empty_feed_says_no_items(tmp_path: Path) -> None:
    (tmp_path / "empty.xml").write_bytes(EMPTY_FEED)
    result = preview(tmp_path, "empty.xml")
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.strip() == "chatwire preview: empty.xml: no items"


def test_an_empty_item_is_skipped_and_the_rest_is_shown(tmp_path: Path) -> None:
    (tmp_path / "mixed.xml").write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Mixed</title>'
        b"<item><guid>a</guid><title>Bridge reopens</title>"
        b"<description>The bridge reopened on Monday.</description></item>"
        b"<item><guid>b</guid></item></channel></rss>"
    )
    result = preview(tmp_path, "mixed.xml")
    assert result.returncode == 0, result.stderr
    assert "Bridge reopens" in result.stdout


def test_the_size_limit_is_the_one_run_applies(tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>Item {n}</title><link>https://e.example/{n}</link></item>"
        for n in range(200)
    )
    feed = tmp_path / "big.xml"
    feed.write_text(f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>')
    line = only_line(preview(tmp_path, str(feed), FETCH_MAX_BYTES="4096"))
    assert "larger than 4,096 bytes (FETCH_MAX_BYTES)" in line
    assert preview(tmp_path, str(feed)).returncode == 0


def test_summary_refuses_binaries_too(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"\x00\x01\x02" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "summary", str(target)],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"chatwire summary: error: {target}: binary data, not an article"
    )


def test_decoding_rules() -> None:
    assert decode_text("naïve — “quotes”".encode("cp1252")) == "naïve — “quotes”"
    assert decode_text("日本語のテキストです。東京は晴れ。".encode("cp932")).startswith("日本語")
    assert decode_text("\ufeffBOM".encode("utf-8")) == "BOM"
    assert decode_text("UTF-16 text".encode("utf-16")) == "UTF-16 text"
    assert binary_kind(b"plain text\twith tabs\n") is None
    assert binary_kind(b"%PDF-1.7 ...") == "a PDF document"
