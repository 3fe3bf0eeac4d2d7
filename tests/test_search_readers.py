"""/search and inline search through the real Application and the stand-in Telegram.

The world of test_scope_readers: a public channel, a private one (with discussion
groups), an unrelated group, articles never posted. Every post's text mentions
the bridge, so one query shows exactly whose posts each reader may find.
"""

from __future__ import annotations

from tests.test_scope_readers import (  # the shared world fixture and its chats
    MEMBER,
    PRIVATE_GROUP,
    PUBLIC,
    READER,
    UNRELATED,
    World,
    _publish,
    world,
)

__all__ = ["world"]

TITLES = ("Open bridge", "Secret budget", "Early notice", "Baseline item", "Queued item")


def _found(answer: str) -> set[str]:
    return {title for title in TITLES if title in answer}


async def test_each_reader_finds_only_what_they_may_see(world: World) -> None:
    assert _found(await world.group(UNRELATED, "/search bridge")) == {"Open bridge"}
    assert _found(await world.private(READER, "/search BRIDGE")) == {"Open bridge"}
    member = await world.private(MEMBER, "/search bridge")
    assert _found(member) == {"Open bridge", "Secret budget", "Early notice"}
    group = await world.group(PRIVATE_GROUP, "/search river bridge")
    assert _found(group) == {"Open bridge", "Secret budget", "Early notice"}
    # Newest first, with the link.
    assert group.index("Secret budget") < group.index("Open bridge") < group.index("Early")
    assert "https://news.example/Secret budget" in group
    # Words from one post only; and a word nobody may see.
    assert _found(await world.private(MEMBER, "/search Victor Hale")) == {"Secret budget"}
    assert "No post matches" in await world.private(READER, "/search Victor Hale")
    assert "No post matches" in await world.private(READER, "/search Nobody was meant")


async def test_usage_and_paging(world: World) -> None:
    assert "Usage: /search" in await world.private(READER, "/search")
    for n in range(11):
        await _publish(world, PUBLIC, f"Ferry {n:02d}", "Lu Wei", f"渡轮第{n}班准时出发")
    first = await world.private(READER, "/search 渡轮")
    assert "Ferry 10" in first and "Ferry 01" in first and "Ferry 00" not in first
    assert "/search 渡轮 page 2" in first
    second = await world.private(READER, "/search 渡轮 page 2")
    assert "Ferry 00" in second and "Ferry 01" not in second and "page 3" not in second
    assert "11. Ferry 00" in second


async def test_inline_mode_searches_public_channels_only(world: World) -> None:
    world.fake.inline_query(MEMBER, "bridge")
    await world.deliver_updates()
    answer = world.fake.inline_answers[-1]
    assert [r["title"] for r in answer["results"]] == ["Open bridge"]
    assert answer["results"][0]["input_message_content"]["message_text"].startswith(
        "Open bridge\nhttps://news.example/"
    )
    assert not answer.get("next_offset")
    world.fake.inline_query(MEMBER, "budget between us")
    await world.deliver_updates()
    assert world.fake.inline_answers[-1]["results"] == []


async def test_inline_mode_pages_with_the_offset(world: World) -> None:
    for n in range(21):
        await _publish(world, PUBLIC, f"Ferry {n:02d}", "Lu Wei", "The ferry leaves on time")
    world.fake.inline_query(READER, "ferry")
    await world.deliver_updates()
    first = world.fake.inline_answers[-1]
    assert len(first["results"]) == 20 and first["next_offset"] == "2"
    world.fake.inline_query(READER, "ferry", offset="2")
    await world.deliver_updates()
    assert [r["title"] for r in world.fake.inline_answers[-1]["results"]] == ["Ferry 00"]
