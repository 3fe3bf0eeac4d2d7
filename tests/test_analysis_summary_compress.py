"""Sentence compression: attribution tails, source leads, asides and markers go; the rest stays."""

from __future__ import annotations

import pytest

from bot.analysis.compress import compress
from bot.analysis.summary import extractive_summary


@pytest.mark.parametrize(
    ("raw", "short"),
    [
        (
            "The Hubble Space Telescope has been key to the discoveries, "
            "NASA said in a news release.",
            "The Hubble Space Telescope has been key to the discoveries.",
        ),
        (
            "Nancy Perry will no longer teach at the school and retires at the end of the year, "
            "city schools superintendent Chuck Ledbetter announced on Tuesday.",
            "Nancy Perry will no longer teach at the school and retires at the end of the year.",
        ),
        (
            "Rescuers pulled the man from the rubble on the outskirts of the capital around noon "
            "on Tuesday, said Pushparam K.C., a spokesman for the Armed Police Force.",
            "Rescuers pulled the man from the rubble on the outskirts of the capital around noon "
            "on Tuesday.",
        ),
        (
            "Two bridges and a school were closed after the river burst its banks overnight, "
            "according to local police.",
            "Two bridges and a school were closed after the river burst its banks overnight.",
        ),
        (
            "Meanwhile, the International Committee of the Red Cross (ICRC) expects the "
            "evacuation to take several days.",
            "The International Committee of the Red Cross expects the evacuation to take "
            "several days.",
        ),
        (
            "In an op-ed published on Wednesday, Nick Loeb explained why he is fighting to keep "
            "the two embryos he shares with the actress.",
            "Nick Loeb explained why he is fighting to keep the two embryos he shares with the "
            "actress.",
        ),
        (
            "On Wednesday afternoon, Khanal had just had surgery and was resting with family.",
            "Khanal had just had surgery and was resting with family.",
        ),
    ],
)
def test_english_compression(raw: str, short: str) -> None:
    assert compress(raw, "en") == short


@pytest.mark.parametrize(
    ("raw", "short"),
    [
        (
            "全国居民消费价格同比上涨2.1%，涨幅比上月回落0.3个百分点，国家统计局发言人表示。",
            "全国居民消费价格同比上涨2.1%，涨幅比上月回落0.3个百分点。",
        ),
        (
            "据新华社报道，香港行政长官梁振英到立法会接受质询，并向香港民众道歉。",
            "香港行政长官梁振英到立法会接受质询，并向香港民众道歉。",
        ),
        (
            "梁振英就其大宅的违章建筑（僭建）问题到立法会接受质询，并向香港民众道歉。",
            "梁振英就其大宅的违章建筑问题到立法会接受质询，并向香港民众道歉。",
        ),
    ],
)
def test_chinese_compression(raw: str, short: str) -> None:
    assert compress(raw, "zh") == short


@pytest.mark.parametrize(
    "kept",
    [
        # a frame whose remainder would open with a pronoun keeps its antecedent context
        "In a statement on Monday, he said the company would cut two thousand jobs next year.",
        # a leading phrase that carries content is not a frame
        "In the UK, more than a quarter of autistic people were asked to leave a public place.",
        # the "said" clause is the news, not an attribution
        "The plan was approved in March, but the minister said the costs would rise next year.",
        # a quotation keeps its speaker
        '"We will rebuild every school in the valley before winter," the governor said.',
        "The law allows the procedure if “necessary to protect the life of the mother,” "
        "according to a statement.",
        # too little would be left
        "Prices rose, officials of the national statistics office said on Monday in a statement.",
    ],
)
def test_compression_keeps_what_carries_meaning(kept: str) -> None:
    assert compress(kept, "en") == kept


def test_summary_sentences_are_compressed() -> None:
    text = (
        "A storm brought heavy snow and ice to much of the eastern region on Wednesday, "
        "the national weather service said.\n"
        "Thousands of homes lost power as lines came down across three states overnight.\n"
        "Forecasters expect calmer weather and rising temperatures by the weekend.\n"
    )
    s = extractive_summary(text, "en")
    assert s.sentences[0] == (
        "A storm brought heavy snow and ice to much of the eastern region on Wednesday."
    )
