"""Whatever the renderer produced, the publisher sends only http(s) and mailto links."""

from __future__ import annotations

import pytest

from bot.deliver.telegram_send import safe_link, to_message_entities
from bot.models import Entity


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/a",
        "http://news.example/a",
        "HTTPS://NEWS.EXAMPLE/",
        "mailto:desk@news.example",
    ],
)
def test_web_and_mail_links_are_kept(url: str) -> None:
    assert safe_link(url)
    [entity] = to_message_entities([Entity("text_link", 0, 4, url=url)])
    assert entity.url == url


@pytest.mark.parametrize(
    "url",
    [
        "tg://proxy?server=evil.example&port=443&secret=00",
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "//news.example/no-scheme",
        "https:",
        "",
        None,
    ],
)
def test_other_schemes_lose_the_link_but_keep_the_text(url: str | None) -> None:
    assert not safe_link(url)
    entities = [Entity("bold", 0, 4), Entity("text_link", 5, 8, url=url)]
    assert [(e.type, e.offset) for e in to_message_entities(entities)] == [("bold", 0)]
