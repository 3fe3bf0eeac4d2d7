"""`chatwire demo` end to end: local feed → poller → formatter → publisher → stand-in → answers."""

from __future__ import annotations

import io

from bot.demo.run import run_demo


async def test_demo_shows_the_channel_and_the_answers() -> None:
    out = io.StringIO()
    assert await run_demo(out, color=False) == 0
    text = out.getvalue()
    channel = text.split("A reader replies", 1)[0]
    # All three articles posted, the seed in two parts with its footer, nothing leaked.
    assert "A small harbour town bets its winters on tidal power" in channel
    assert "Night trains are back, and this time they are full" in channel
    assert channel.count("DeepSeek 让科技和华尔街天翻地覆的那一天") == 1
    assert "（1/2）" in channel and "（2/2）" in channel  # part markers in Chinese
    assert "翻译：ChatGPT o1" in channel and "💬 回复本帖发表评论" in channel
    for leaked in ("gunjan.banerji@wsj.com", "Mobot", "频道推荐", "Illustration:"):
        assert leaked not in channel
    # The answers and the feedback round trip.
    answers = text.split("A reader replies", 1)[1]
    assert "摘要" in answers
    assert "Marc Benioff（Salesforce 首席执行官）" in answers
    assert "Feedback #1 from Lin" in answers
    assert "每篇帖子的标题就是原文链接。" in answers
    assert "no markup parsing used" in text
