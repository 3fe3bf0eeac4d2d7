"""Direct quotations: patterns, speaker resolution and what is not a quotation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.analysis.entities import sentence_like
from bot.analysis.quotes import Quote, find_quotes

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(q.speaker, q.quote) for q in find_quotes(text)]


# --- Chinese patterns -------------------------------------------------------


def test_cjk_quote_then_speaker() -> None:
    text = "“这是一个非常困难的决定,”Acme 首席执行官 John Harlow 说。"
    assert find_quotes(text) == [Quote("这是一个非常困难的决定", "John Harlow", "Acme 首席执行官")]


def test_cjk_speaker_then_colon_quote() -> None:
    text = "市政府发言人陈立伟表示:“我们会在本周内恢复全部供水。”"
    assert find_quotes(text) == [Quote("我们会在本周内恢复全部供水。", "陈立伟", "市政府发言人")]


def test_cjk_split_quote_is_joined() -> None:
    text = "「我们不会放弃,」分析师 Mary Chen 说,「市场最终会认可这种模式。」"
    assert _pairs(text) == [("Mary Chen", "我们不会放弃,市场最终会认可这种模式。")]


def test_cjk_lead_in_clause_between_verb_and_quote() -> None:
    text = "该部门负责人李建国指出,要解决这个问题,“必须先把数据标准统一起来”。"
    assert _pairs(text) == [("李建国", "必须先把数据标准统一起来")]


def test_cjk_surname_resolves_to_full_name_and_keeps_role() -> None:
    text = (
        "Harbor Analytics 首席经济学家 David Lin 上周发布了一份报告。\n"
        "“今年的增长会比预期更慢,”Lin 说。"
    )
    assert find_quotes(text) == [
        Quote("今年的增长会比预期更慢", "David Lin", "Harbor Analytics 首席经济学家")
    ]


def test_cjk_pronoun_resolves_to_nearest_person() -> None:
    text = (
        "清华大学教授张慧敏长期研究城市防洪。\n"
        "另一位学者 Tom Baker 则持不同看法。\n"
        "“我们的管网标准需要全面提高,这件事不能再拖了。”他说。"
    )
    assert _pairs(text) == [("Tom Baker", "我们的管网标准需要全面提高,这件事不能再拖了。")]


def test_cjk_company_reference_resolves_to_the_glossed_company() -> None:
    text = (
        "瑞安保险(Ruian Insurance)当天发布公告。该公司称,已启动应急预案,"
        "“对受灾客户开通绿色通道,做到应赔尽赔”。"
    )
    (quote,) = find_quotes(text)
    assert "瑞安保险" in quote.speaker and "Ruian Insurance" in quote.speaker
    assert quote.quote == "对受灾客户开通绿色通道,做到应赔尽赔"


def test_cjk_quote_in_next_paragraph_after_colon_lead() -> None:
    text = (
        "对此,Harbor Analytics 首席经济学家 David Lin 在报告中写道:\n"
        "“短期来看,洪涝会拖累消费和工业生产。”"
    )
    assert _pairs(text) == [("David Lin", "短期来看,洪涝会拖累消费和工业生产。")]


def test_cjk_verb_cheng_with_object_pronoun() -> None:
    text = "OpenAI 的首席执行官 Sam Altman 周一发文,称其“是一款非常令人印象深刻的模型”。"
    assert find_quotes(text) == [
        Quote("是一款非常令人印象深刻的模型", "Sam Altman", "OpenAI 的首席执行官")
    ]


def test_traditional_chinese() -> None:
    text = (
        "台積電(TSMC)發言人王怡君表示:「我們會持續擴大先進製程的投資。」\n"
        "「這是一個艱難的決定,」執行長 David Wu 說,「但我們別無選擇。」"
    )
    assert find_quotes(text) == [
        Quote("我們會持續擴大先進製程的投資。", "王怡君", "台積電發言人"),
        Quote("這是一個艱難的決定,但我們別無選擇。", "David Wu", "執行長"),
    ]


# --- English patterns -------------------------------------------------------


def test_english_said_after_with_appositive_role() -> None:
    text = '"Prices will keep rising this winter," said Jane Roe, an economist at Acme Bank.'
    assert find_quotes(text) == [
        Quote("Prices will keep rising this winter", "Jane Roe", "economist at Acme Bank")
    ]


def test_english_speaker_before_with_colon_and_told() -> None:
    text = (
        "Acme Chief Executive John Smith told reporters: “We expect to hire 500 people next year.”"
    )
    assert find_quotes(text) == [
        Quote("We expect to hire 500 people next year.", "John Smith", "Acme Chief Executive")
    ]


def test_english_split_quote_is_joined() -> None:
    text = "“We gave up more than we wanted,” Robert Klein said, “but a closed port earns nothing.”"
    assert _pairs(text) == [
        ("Robert Klein", "We gave up more than we wanted, but a closed port earns nothing.")
    ]


def test_english_according_to() -> None:
    text = '"The question is who pays for the transition," according to Samuel Ortiz, a consultant.'
    assert find_quotes(text) == [
        Quote("The question is who pays for the transition", "Samuel Ortiz", "consultant")
    ]


def test_english_pronouns_follow_the_nearest_matching_person() -> None:
    text = (
        "Ms. Anita Rao and Mr. Victor Hale both testified on Tuesday.\n"
        '"The backlog will take weeks to clear," she said.\n'
        '"I disagree with that estimate entirely," he said.'
    )
    assert _pairs(text) == [
        ("Anita Rao", "The backlog will take weeks to clear"),
        ("Victor Hale", "I disagree with that estimate entirely"),
    ]


def test_english_surname_and_honorific_resolve() -> None:
    text = (
        "Samuel Ortiz, a logistics consultant, advises shipping lines.\n"
        "Mr. Ortiz added: “The six-year term gives both sides time to retrain workers.”"
    )
    assert _pairs(text) == [
        ("Samuel Ortiz", "The six-year term gives both sides time to retrain workers.")
    ]


def test_english_multi_paragraph_quote() -> None:
    text = (
        "Jane Whitmore, the chief financial officer, spoke for an hour.\n\n"
        '"We have never seen demand like this. Orders doubled in a quarter.\n\n'
        '"Our factories cannot keep up," she said.'
    )
    assert _pairs(text) == [
        (
            "Jane Whitmore",
            "We have never seen demand like this. Orders doubled in a quarter. "
            "Our factories cannot keep up",
        )
    ]


def test_english_organisation_speaker() -> None:
    text = 'Nvidia said in a statement: "We will keep shipping chips to every customer."'
    assert _pairs(text) == [("Nvidia", "We will keep shipping chips to every customer.")]


def test_english_company_reference_skips_sentence_initial_words() -> None:
    text = (
        "Economists had warned about a slowdown.\n"
        "The port's operator, Meridian Terminals Inc., had argued for automation. "
        "Dockworkers disagreed with the plan.\n"
        '"Automation is the only way to stay competitive on the coast," the company said.'
    )
    assert _pairs(text) == [
        ("Meridian Terminals Inc", "Automation is the only way to stay competitive on the coast")
    ]


def test_cjk_bare_name_and_quote_before_the_attributed_one() -> None:
    text = "“我们明天一定会把所有货物送到。”“请大家放心,”张伟说。"
    assert _pairs(text) == [("张伟", "我们明天一定会把所有货物送到。请大家放心")]


def test_following_unattributed_quote_belongs_to_the_same_speaker() -> None:
    text = "“这件事没那么简单,”分析师 Mary Chen 表示。她补充了细节。“也许这只是开始。”"
    assert _pairs(text) == [("Mary Chen", "这件事没那么简单"), ("Mary Chen", "也许这只是开始。")]


# --- not quotations ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "太多投资者都挤在同一个“AI 交易”里。",
        "DeepSeek 的高光时刻来自近日发布的 “R1” 模型。",
        "他在《了不起的盖茨比》中插入一句错误短语(“Dan surfs in Portugal”)让模型找出来。",
        "本报道在 2025 年 1 月 28 日印刷版上以 “DeepSeek Flips Script on AI” 为题刊出。",
        "在一篇题为《暴雨之后,城市该如何“呼吸”》的评论文章中,作者呼吁加快改造。",
        "网友调侃所谓的“看海模式”,也有人把这种现象称为“逢雨必涝”。",
        'Some shippers have called the clause a "poison pill" that could deter investment.',
        'One newsletter titled its edition "The Deal That Saved Christmas" in bold type.',
        "The mayor called the strike a “wake-up call for the whole city” on Monday.",
        "“这是一段没有任何人说出来的很长很长的引号中的文字,它没有说话人。”",
        "Stacy Rasgon 在一份研究报告中指出,这些估算并没有包含研发、实验等前期投入。",
        "Delgado said the vote passed with 78% support and members would return on Wednesday.",
        "“一个时代的终结和另一个时代的开始”这一判断,他表示认同。",
    ],
)
def test_not_a_quotation(text: str) -> None:
    assert find_quotes(text) == []


_PIECES = st.sampled_from(
    [
        "“",
        "”",
        "「",
        "」",
        '"',
        "‘",
        "’",
        "(",
        ")",
        "《",
        "》",
        "。",
        ".",
        ",",
        ":",
        "\n",
        " ",
        "说",
        "表示",
        "他说",
        " he said",
        "said",
        "Mr. ",
        "John Smith",
        "Smith",
        "该公司",
        "英伟达(Nvidia)",
        "首席执行官",
        "王立新",
        "according to",
        "中文字",
        "abc",
        "#",
        "*",
        "…",
    ]
)


@given(st.lists(_PIECES, max_size=60).map("".join))
def test_any_text_gives_well_formed_quotes(text: str) -> None:
    for q in find_quotes(text):
        assert q.quote.strip() and q.speaker.strip()


def test_quote_with_unresolvable_pronoun_is_dropped() -> None:
    assert find_quotes("“我们明天一定会把所有的货物都送到客户手里,”他说。") == []


# --- whole articles -----------------------------------------------------------


def test_english_fixture() -> None:
    qs = find_quotes(_fixture("harbor-port-en.md"), "en")
    assert [(q.speaker, q.role) for q in qs] == [
        ("Maria Delgado", "president of the Pacific Dockworkers Union"),
        ("Robert Klein", "chief executive"),
        ("Anita Rao", "economist at the Brookings Institution"),
        ("Samuel Ortiz", "logistics consultant"),
        ("Helen Park", "Governor"),
    ]
    assert [q.quote for q in qs] == [
        "This contract protects the jobs of the people who actually move the cargo. "
        "Nobody here was against technology. We were against being replaced by it overnight.",
        "We gave up more than we wanted to, but a port that is closed earns nothing for anyone.",
        "The backlog will take weeks to clear, not days. "
        "Retailers that ordered holiday stock in September are going to feel it first.",
        "Automation is coming whether we like it or not. "
        "The question is who pays for the transition.",
        "When people stay at the table long enough, they usually find a way",
    ]
    joined = " ".join(q.quote for q in qs)
    for scare in ("poison pill", "Saved Christmas", "wake-up call"):
        assert scare not in joined


def test_attribution_sentence_between_halves_still_joins() -> None:
    text = (
        "“This is a classic story in our industry,” said Marc Benioff, chief executive of "
        "Salesforce. “The pioneers are not always the winners.”"
    )
    assert find_quotes(text) == [
        Quote(
            "This is a classic story in our industry. The pioneers are not always the winners.",
            "Marc Benioff",
            "chief executive of Salesforce",
        )
    ]


def test_a_new_sentence_between_quotes_keeps_them_apart() -> None:
    text = (
        "Jane Smith, a lawyer, spoke after the hearing. "
        "“We will win this case,” Smith said. She paused. “Then we will appeal.”"
    )
    assert find_quotes(text) == [
        Quote("We will win this case", "Jane Smith", "lawyer"),
        Quote("Then we will appeal.", "Jane Smith", "lawyer"),
    ]


def test_unintroduced_name_with_appositive_role() -> None:
    text = "“We will win this case.” Smith, a lawyer for the family, said on Monday."
    assert find_quotes(text) == [Quote("We will win this case.", "Smith", "lawyer for the family")]


def test_chinese_fixture() -> None:
    qs = find_quotes(_fixture("river-flood-zh.txt"), "zh")
    assert [(q.speaker, q.role) for q in qs[:2]] == [
        ("王立新", "国家气象中心发言人"),
        ("张慧敏", "清华大学水利系教授"),
    ]
    assert qs[0].quote == "目前最需要警惕的是中小河流的山洪和城市内涝,请公众尽量减少不必要的外出。"
    assert "瑞安保险" in qs[2].speaker
    assert qs[2].quote == "对受灾客户开通绿色通道,做到应赔尽赔、快赔早赔"
    assert (qs[3].speaker, qs[3].role) == ("David Lin", "Harbor Analytics 首席经济学家")
    assert qs[3].quote.startswith("短期来看")
    assert len(qs) == 4
    joined = "".join(q.quote for q in qs)
    for term in ("看海模式", "逢雨必涝", "呼吸", "城市内涝再敲警钟"):
        assert term not in joined


def test_unnamed_description_is_the_speaker() -> None:
    """When the article names no one, its description is the speaker (labelling rules)."""
    assert _pairs("“这波行情还远远没有结束,”分析人士说。") == [
        ("分析人士", "这波行情还远远没有结束")
    ]
    assert _pairs('"We will appeal the ruling," a spokesman for the council said.') == [
        ("spokesman for the council", "We will appeal the ruling")
    ]


# --- Answers v2: marks, continuation, attribution forms ---------------------


def test_british_single_quotes_and_apostrophes() -> None:
    text = "‘I’d be over the moon if we won, and we’ve got a chance,’ said Locke."
    assert _pairs(text) == [("Locke", "I’d be over the moon if we won, and we’ve got a chance")]


def test_straight_single_quotes_with_apostrophes_inside() -> None:
    text = (
        "Tom Hale, the club chairman, said the team was ready.\n"
        "Mr Hale said: 'We won't give up, and we don't expect to lose.'"
    )
    assert _pairs(text) == [("Tom Hale", "We won't give up, and we don't expect to lose.")]


def test_nested_quote_stays_inside_its_parent() -> None:
    text = "Anna Berg said: \"He told me 'you are late again' and walked out of the room.\""
    (quote,) = find_quotes(text)
    assert quote.speaker == "Anna Berg"
    assert quote.quote == "He told me 'you are late again' and walked out of the room."


def test_guillemets() -> None:
    assert _pairs("«We will win this election,» said Marie Dupont.") == [
        ("Marie Dupont", "We will win this election")
    ]


def test_quotation_continued_over_paragraphs_is_one_quotation() -> None:
    text = (
        '"The harvest was the worst in twenty years," said Jane Roe, a farmer in Kent.\n\n'
        '"We lost half of the wheat to the rain in August.\n\n'
        '"Next year we will plant earlier and hope for a dry summer."'
    )
    (quote,) = find_quotes(text)
    assert quote.speaker == "Jane Roe"
    assert quote.quote.startswith("The harvest was the worst in twenty years")
    assert "half of the wheat" in quote.quote
    assert quote.quote.endswith("hope for a dry summer.")


def test_split_quotation_with_a_sentence_break_is_one() -> None:
    text = '"We are not finished," Ms Holm said. "The work starts again on Monday."'
    assert _pairs(text) == [("Ms Holm", "We are not finished. The work starts again on Monday.")]


@pytest.mark.parametrize(
    "attribution",
    [
        "Ms Holm said on Monday.",
        "Ms Holm said of herself and her party.",
        "Ms Holm told reporters aboard Air Force One.",
        "Ms Holm told the U.S. Senate in a statement.",
        "Ms Holm told BBC Radio 4's Today programme.",
        "Ms Holm said, adding,",
    ],
)
def test_split_quotation_whose_attribution_says_where_or_to_whom_is_one(attribution: str) -> None:
    text = f'"We are not finished," {attribution} "The work starts again on Monday."'
    assert _pairs(text) == [("Ms Holm", "We are not finished. The work starts again on Monday.")]


@pytest.mark.parametrize(
    "between",
    [
        "Ms Holm said, adding that the talks had stalled.",
        "Ms Holm said. She paused.",
        "Ms Holm said of the cuts by ‘Mirkov’, a rival.",
    ],
)
def test_words_of_the_attribution_own_keep_the_halves_apart(between: str) -> None:
    text = f'"We are not finished," {between} "The work starts again on Monday."'
    assert [q for _, q in _pairs(text)] == [
        "We are not finished",
        "The work starts again on Monday.",
    ]


def test_speaker_after_with_quoted_as_saying() -> None:
    text = (
        "Carl Webb ran the mill for forty years.\n"
        '"A mill is only as good as its workers," he was once quoted as saying.'
    )
    assert _pairs(text) == [("Carl Webb", "A mill is only as good as its workers")]


def test_honorific_and_surname_resolve_to_the_full_name() -> None:
    text = (
        "Dr Ravi Mehta runs the children's clinic in Leeds.\n"
        '"Waiting lists are finally falling," Dr Mehta said.'
    )
    assert _pairs(text) == [("Ravi Mehta", "Waiting lists are finally falling")]


def test_a_bare_honorific_is_never_a_speaker() -> None:
    assert all(
        q.speaker not in ("Mr", "Dr", "Mrs")
        for q in find_quotes("1. Mr: “There is no reason to panic about the figures.”")
    )


def test_unnamed_honorific_name_is_kept_as_the_article_gives_it() -> None:
    text = (
        "Mrs Okafor opened the new library on Friday.\n"
        "“Every child in this town deserves a place to read,” she said."
    )
    assert _pairs(text) == [("Mrs Okafor", "Every child in this town deserves a place to read")]


def test_they_resolves_to_the_spokesman_before() -> None:
    text = (
        "A spokesman for the council said the bridge would reopen in May.\n"
        '"Safety comes first and we will not rush the repairs," they said.'
    )
    assert _pairs(text) == [
        ("spokesman for the council", "Safety comes first and we will not rush the repairs")
    ]


def test_quotation_after_a_narrative_sentence_takes_the_subject() -> None:
    text = (
        "Ron Pike, 91, still remembers the winter of 1947.\n\n"
        "Mr Pike says the snow reached the upstairs windows.\n\n"
        '"We dug a tunnel to the road and lived on potatoes for a month."'
    )
    assert _pairs(text) == [
        ("Ron Pike", "We dug a tunnel to the road and lived on potatoes for a month.")
    ]


def test_scare_quotes_and_slogans_are_not_quotations() -> None:
    text = (
        "Supporters marched for “common sense gun safety laws” outside the capitol.\n"
        "市场上的“AI 交易”正在降温,不少人开始谈论“泡沫”。\n"
        "The film “The Long Winter” opens on Friday."
    )
    assert find_quotes(text) == []


def test_cjk_dotted_name_and_its_short_form() -> None:
    text = (
        "机器人公司创始人戴夫·汉森表示:“机器人会成为人类的伙伴。”\n"
        "汉森说:“我们还需要十年时间才能做到这一点。”"
    )
    assert _pairs(text) == [
        ("戴夫·汉森", "机器人会成为人类的伙伴。"),
        ("戴夫·汉森", "我们还需要十年时间才能做到这一点。"),
    ]


def test_cjk_biaoshi_with_colon_and_honorific_name() -> None:
    text = "温先生对记者表示:“我相信孩子一定会回来的。”"
    assert _pairs(text) == [("温先生", "我相信孩子一定会回来的。")]


def test_cjk_quote_then_pronoun_speaker() -> None:
    text = "市民李女士在现场排队。\n“我已经等了三个小时,还是没有买到票。”她说。"
    assert _pairs(text) == [("李女士", "我已经等了三个小时,还是没有买到票。")]


def test_cjk_quotation_after_the_speakers_sentence() -> None:
    text = "李女士则表示,救援队一直很尽力。“我们不会放弃,一定要找到孩子。”"
    assert _pairs(text) == [("李女士", "我们不会放弃,一定要找到孩子。")]


def test_cjk_role_then_name_with_an_addressee() -> None:
    text = "“芯片的功耗问题还没有解决。”光明科技副总裁周晨对记者介绍,明年会有新方案。"
    assert _pairs(text) == [("周晨", "芯片的功耗问题还没有解决。")]


def test_cjk_list_of_quotations_shares_the_speaker() -> None:
    text = "网友批评“太尴尬了”、“讲话吞吞吐吐”。"
    assert _pairs(text) == [("网友", "太尴尬了"), ("网友", "讲话吞吞吐吐")]


def test_cjk_mismatched_closing_mark() -> None:
    text = '杨国禹认为,如果真的塞了纸,“一翻眼就能看到,理论上是不可能的"。'
    assert _pairs(text) == [("杨国禹", "一翻眼就能看到,理论上是不可能的")]


def test_indefinite_speaker_keeps_the_quotation_without_a_name() -> None:
    text = "主持人多次道歉后,也有人缓颊“其实有点好笑”、“给新人多一点鼓励吧。”"
    assert _pairs(text) == [("", "其实有点好笑"), ("", "给新人多一点鼓励吧。")]


def test_a_verb_that_introduces_the_next_quotation_does_not_attribute_the_previous() -> None:
    text = "众人批评“太尴尬了”,但是也有人缓颊“其实有点好笑”。"
    assert ("", "太尴尬了") not in _pairs(text)
    assert ("", "其实有点好笑") in _pairs(text)


def test_a_quotation_with_its_own_attribution_is_a_new_one() -> None:
    text = (
        '"Sales doubled in a month," Ingrid Holm told the conference.\n\n'
        '"And what customers wanted was more colour," she said.'
    )
    assert _pairs(text) == [
        ("Ingrid Holm", "Sales doubled in a month"),
        ("Ingrid Holm", "And what customers wanted was more colour"),
    ]


def test_continued_quotation_takes_the_attribution_of_its_last_paragraph() -> None:
    text = (
        "The harbour reopened on Friday after a week of repairs.\n\n"
        '"The storm broke the outer wall in two places.\n\n'
        '"We worked day and night to close the gaps," said Omar Reyes, the harbour master.'
    )
    (quote,) = find_quotes(text)
    assert quote.speaker == "Omar Reyes"
    assert quote.quote.startswith("The storm broke") and quote.quote.endswith("close the gaps")


def test_inverted_attribution_before_the_quotation() -> None:
    text = 'Before the new toilets opened, says Bethan Folen, "we had to drive for an hour."'
    assert _pairs(text) == [("Bethan Folen", "we had to drive for an hour.")]


def test_a_chinese_line_of_dialogue_with_nobody_named_is_kept() -> None:
    text = "“妈妈,我们什么时候才能回自己的家?”\n\n“城市里的口号是“团结就是力量”。”"
    assert _pairs(text) == [("", "妈妈,我们什么时候才能回自己的家?")]


def test_a_verb_that_runs_into_the_next_quotation_does_not_attribute_the_previous_one() -> None:
    text = "被问到原因时,王建国表示,“这是我们的责任。”李明则回答称,“我从小就想学科学。”"
    assert _pairs(text) == [
        ("王建国", "这是我们的责任。"),
        ("李明", "我从小就想学科学。"),
    ]
    text = (
        'Asked why, Anna Berg said, "It was our duty." '
        'Carl Olsen then replied, "I always wanted to study science."'
    )
    assert _pairs(text) == [
        ("Anna Berg", "It was our duty."),
        ("Carl Olsen", "I always wanted to study science."),
    ]


def test_in_someones_view_makes_them_the_speaker_of_the_next_quotation() -> None:
    text = (
        "工程师张严介绍,新手机的耗电量更大。\n\n"
        "在张严看来,电池技术还要再等几年。“现在的电池根本撑不住一整天的高速网络。”"
    )
    assert _pairs(text)[-1] == ("张严", "现在的电池根本撑不住一整天的高速网络。")


def test_one_could_say_is_not_a_verb_of_saying() -> None:
    text = (
        "工程师张严介绍,新手机的耗电量更大。\n\n"
        "在张严看来,手机可以说经历了“自行车、摩托车、小汽车、大卡车”。"
    )
    assert all("自行车" not in quote for _, quote in _pairs(text))


def test_a_described_known_person_after_the_quotation_is_its_speaker() -> None:
    text = (
        "研究院院长刘兴亮上周发布了行业报告。\n\n"
        "分析师王强表示,今年行业会继续整合。\n\n"
        "“资本寒冬里,涨价就成了企业自然而然的选择。”研究院院长刘兴亮从资本的角度分析原因。"
    )
    assert _pairs(text)[-1] == ("刘兴亮", "资本寒冬里,涨价就成了企业自然而然的选择。")


def test_a_quotation_opening_its_sentence_before_a_comma_takes_the_known_subject() -> None:
    text = (
        "研究院院长刘兴亮表示,今年行业会继续整合。\n\n"
        "“涨价是回归商业本质的理性行为”,刘兴亮劝导消费者理解涨价。"
    )
    assert _pairs(text)[-1] == ("刘兴亮", "涨价是回归商业本质的理性行为")
    text = (
        "市场总监刘颖认为,不同场景的价格从来都不统一。"
        "“商家掌握一定的定价权,有些是商家主动要求提高定价”,租金和消费水平相匹配。"
    )
    assert _pairs(text) == [("刘颖", "商家掌握一定的定价权,有些是商家主动要求提高定价")]


def test_a_whole_spoken_sentence_right_after_a_known_persons_clause() -> None:
    text = "体育老师刘明上周递交了辞职信。\n\n校长劝了很久,刘明听了眼睛一红“辞职信我收回吧……”"
    assert _pairs(text) == [("刘明", "辞职信我收回吧……")]


def test_a_short_quotation_told_to_the_reporter_is_speech() -> None:
    text = "在一家饮品店里,店员告诉本报记者“五五分成”。"
    assert _pairs(text) == [("店员", "五五分成")]
    assert _pairs("这种模式被业内称为“五五分成”。") == []


def test_a_second_verb_in_the_same_sentence_keeps_the_subject() -> None:
    text = (
        "演员董又霖主持了颁奖活动。\n\n"
        "在他访问嘉宾时,直接回“那还好吧”,见到男团现身,亏“一台车塞十一个人啊,违规”,让全场傻眼。"
    )
    assert _pairs(text) == [
        ("董又霖", "那还好吧"),
        ("董又霖", "一台车塞十一个人啊,违规"),
    ]


def test_a_chinese_line_addressing_someone_is_dialogue() -> None:
    text = "“爸爸,为什么今天还不能出门?”\n\n“为什么经济增长放缓了?”"
    assert _pairs(text) == [("", "爸爸,为什么今天还不能出门?")]


def test_a_persons_collected_sayings_listed_are_their_speech() -> None:
    text = (
        "演员董又霖昨晚在颁奖活动上担任主持。\n\n"
        "网友整理董又霖的主持语录,其中出现“唉……好难啊”、“我都想回家了”、“你这样穿舒服吗?”"
        "众人傻眼,批评“太尴尬了”、“讲话吞吞吐吐”。"
    )
    assert _pairs(text) == [
        ("董又霖", "唉……好难啊"),
        ("董又霖", "我都想回家了"),
        ("董又霖", "你这样穿舒服吗?"),
    ]


# --- American newsroom style and other attributions seen on unlabelled real news ----------


def test_us_honorific_with_full_stop_keeps_the_attribution() -> None:
    text = (
        "Tasos Georgelis runs the water department.\n\n"
        "“When you get a freeze and a thaw, the ground around the mains expands,” "
        "Mr. Georgelis said."
    )
    assert _pairs(text) == [
        ("Tasos Georgelis", "When you get a freeze and a thaw, the ground around the mains expands")
    ]


def test_inverted_attribution_takes_the_name_not_the_appositive() -> None:
    text = (
        "“The issue has just disappeared,” said Senator Mark Warner, a Virginia Democrat. "
        "“There’s collective amnesia.”\n\n"
        "“We exported a financial crisis a decade ago,” said William G. Gale, a senior fellow "
        "at the Brookings Institution."
    )
    assert [s for s, _ in _pairs(text)] == ["Mark Warner", "William G. Gale"]


def test_described_as_a_party_member_is_not_a_person() -> None:
    text = (
        "Senator James Lankford, an Oklahoma Republican who warned of the deficit, spoke.\n\n"
        "“I understand it’s a risk, but I think it’s an appropriate risk,” he said."
    )
    assert [s for s, _ in _pairs(text)] == ["James Lankford"]


def test_family_appositive_names_a_person_for_later_pronouns() -> None:
    text = (
        "Eloise Parry, 21, was taken to hospital on 12 April.\n\n"
        "“The drug was in her system,” her mother, Fiona, said in a statement.\n\n"
        "She added: “They never stood a chance of saving her.”"
    )
    assert [s for s, _ in _pairs(text)] == ["Fiona", "Fiona"]


def test_it_said_is_the_organisation_that_opened_the_sentence_before() -> None:
    text = (
        "The Food Standards Agency warned people to stay away from such products.\n\n"
        "“We advise the public not to take any tablets containing DNP,” it said in a statement."
    )
    assert _pairs(text) == [
        ("Food Standards Agency", "We advise the public not to take any tablets containing DNP")
    ]


def test_it_said_is_not_an_organisation_that_was_only_mentioned() -> None:
    text = (
        "Lord Nash wrote a letter to the Oldknow Academy Trust on Monday.\n\n"
        "“The Secretary of State is minded to terminate the funding agreement,” it said."
    )
    # "it" is the letter here: the speaker comes from context, never the Trust
    assert _pairs(text) == [
        ("Lord Nash", "The Secretary of State is minded to terminate the funding agreement")
    ]


def test_possessive_after_the_verb_is_not_an_inverted_speaker() -> None:
    text = (
        "Lee Jae-myung leads the Democratic Party.\n\n"
        "Lee, the Democratic Party leader, said Yoon’s “unconstitutional and illegal "
        "declaration of martial law” had caused chaos."
    )
    assert [s for s, _ in _pairs(text)] == ["Lee Jae-myung"]


def test_family_name_first_links_to_the_full_name() -> None:
    text = (
        "Xi Jinping met the delegation on Friday.\n\n"
        "“We will open our doors wider to the world,” Xi said."
    )
    assert [s for s, _ in _pairs(text)] == ["Xi Jinping"]


def test_words_left_out_between_two_parts_are_marked() -> None:
    text = (
        "Lotfi Azzouz directs Amnesty International in Tunisia.\n\n"
        "“We must pay attention to what is written” in that law, Azzouz said. “There is worry "
        "the government will use the attack.”"
    )
    assert _pairs(text) == [
        (
            "Lotfi Azzouz",
            "We must pay attention to what is written … There is worry the government will "
            "use the attack.",
        )
    ]


def test_pronoun_prefers_the_person_who_just_opened_a_sentence() -> None:
    text = (
        "Alison Beevers organised the party. “It was a great night,” she said.\n\n"
        "Bethan Folen and her daughter Lowri also enjoy days out now.\n\n"
        "She said: “Lowri's favourite thing to do is to watch Wales play rugby.”"
    )
    assert [s for s, _ in _pairs(text)] == ["Alison Beevers", "Bethan Folen"]


CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "articles"


def _page_text(name: str) -> str:
    from selectolax.lexbor import LexborHTMLParser

    html = (CORPUS / f"readability_{name}.html").read_text(encoding="utf-8")
    paras = (" ".join(n.text().split()) for n in LexborHTMLParser(html).css("p, blockquote"))
    return "\n\n".join(p for p in paras if p)


@pytest.mark.parametrize(
    ("page", "start", "speaker"),
    [
        ("nytimes-3", "When you get a freeze", "Tasos Georgelis"),
        ("nytimes-3", "so they cannot form", "Patrick McHugh"),
        ("nytimes-3", "Don’t get nervous", "Milton Velez"),
        ("nytimes-4", "The issue has just disappeared", "Mark Warner"),
        ("nytimes-4", "I understand it’s a risk", "James Lankford"),
        ("wapo-2", "While the United States is loved", "Robert M. Danin"),
        ("buzzfeed-1", "They never stood a chance", "Fiona"),
    ],
)
def test_us_and_uk_news_pages_from_the_corpus(page: str, start: str, speaker: str) -> None:
    found = [q for q in find_quotes(_page_text(page), "en") if q.quote.startswith(start)]
    assert [q.speaker for q in found] == [speaker]


def test_an_epithet_in_apposition_is_not_a_quotation() -> None:
    text = (
        "Edward Lorenz, “the father of chaos,” started a scientific revolution on the LGP-30, "
        "the historian Jennifer Light said."
    )
    assert _pairs(text) == []


def test_a_quotation_between_a_place_and_its_speakers_stays() -> None:
    text = "In London, “we are ready for the storm,” officials said on Monday."
    assert _pairs(text) == [("officials", "we are ready for the storm")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“We found three bodies in the rubble,” Nepalese police said.", "Nepalese police"),
        ("“The fire is under control,” officials said on Monday.", "officials"),
        ("“The road was blocked for hours,” local residents said.", "local residents"),
    ],
)
def test_an_unnamed_group_is_the_speaker(text: str, speaker: str) -> None:
    assert [s for s, _ in _pairs(text)] == [speaker]


def test_a_surname_before_a_comma_still_counts_as_a_mention() -> None:
    text = (
        "Fernando Caudevilla is a Spanish physician. Cristina Gil Lladanosa runs the lab.\n\n"
        "“In general, the cocaine is amazing,” says Caudevilla, saying the samples are pure. "
        "“We have found 100 percent cocaine,” he adds."
    )
    assert [s for s, _ in _pairs(text)] == ["Fernando Caudevilla", "Fernando Caudevilla"]


def test_title_with_full_stop_before_an_appositive_is_the_speaker() -> None:
    text = "“It got me sick,” Dr. Feel, an Evolution user, wrote on the site’s forums."
    assert [s for s, _ in _pairs(text)] == ["Dr Feel"]


def test_in_someones_words_names_the_speaker() -> None:
    text = (
        "Michael Shadlen led the study.\n\n"
        "In Dr. Shadlen's words, “Could that moment be tied to the person's awareness of "
        "having decided?”"
    )
    assert [s for s, _ in _pairs(text)] == ["Michael Shadlen"]


def test_in_his_own_words_names_the_speaker_the_pronoun_refers_to() -> None:
    text = (
        "Mayor John Smith spoke at the rally. "
        "In his own words: “I was wrong about the whole thing, and I am sorry.”"
    )
    assert [s for s, _ in _pairs(text)] == ["John Smith"]


@pytest.mark.parametrize(
    "text",
    [
        "Pamela Smith published a magazine, each issue of which bore the words, "
        "“my sheaf is small, but it is green.” She painted too.",
        "Jane Doe arrived. The banner behind her was emblazoned with "
        "“We will never forget what happened here today.”",
        "Jane Doe arrived. The placard she held read the words: "
        "“We will never forget what happened here today.”",
    ],
)
def test_words_printed_on_something_are_not_a_quotation(text: str) -> None:
    assert _pairs(text) == []


def test_words_someone_answers_with_are_still_a_quotation() -> None:
    text = (
        "Pavel Medvedev is the ombudsman. Typically, he says, lenders refuse with the words: "
        "“I've got a business to run and shareholders demand profits - I can't do it!”"
    )
    assert [q for _, q in _pairs(text)] == [
        "I've got a business to run and shareholders demand profits - I can't do it!"
    ]


def test_a_word_opening_the_sentence_is_not_part_of_a_known_name() -> None:
    text = (
        "The deck was bought by a businessman named Stuart R. Kaplan, founder of a games firm.\n\n"
        "Enter Stuart R. Kaplan, a graduate of the Wharton School. “I’m all yours,” he tells "
        "me, before launching into his personal history."
    )
    assert [s for s, _ in _pairs(text)] == ["Stuart R. Kaplan"]


def test_a_surname_with_an_age_after_the_full_name_is_the_same_person() -> None:
    text = (
        "Whale whisperer Hori Parata was seven when he attended his first stranding.\n\n"
        "Seven decades later, Parata, 75, has overseen more than 500 strandings.\n\n"
        "“Man’s greed in the ocean is hurting the whales,” says Parata, an elder of his tribe."
    )
    assert [s for s, _ in _pairs(text)] == ["Hori Parata"]


def test_a_one_word_name_with_an_age_is_still_a_person() -> None:
    text = "Elena, 40, runs a bakery in Moscow.\n\n“Prices doubled this year,” Elena said."
    assert [s for s, _ in _pairs(text)] == ["Elena"]


def test_the_group_is_the_organisation_earlier_in_its_own_sentence() -> None:
    text = (
        "Energy Control tests drugs in Barcelona. Users pay with Bitcoin. In the post "
        "announcing Energy Control’s service, the group promised that “All profits of this "
        "service are set aside for the maintenance of this project.”"
    )
    assert [s for s, _ in _pairs(text)] == ["Energy Control"]


def test_family_name_first_links_to_the_person_named_before_not_after() -> None:
    text = (
        "President Yoon Suk Yeol apologised on Saturday.\n\n"
        "Before his address, Yoon, 63, had not appeared in public.\n\n"
        "Lee Jae-myung, leader of the opposition and Yoon’s rival, described the address as "
        "“very disappointing.”\n\n"
        "“The statement was completely out of touch with the public,” Lee said.\n\n"
        "Interior minister Lee Sang-min resigned on Sunday."
    )
    assert [s for s, _ in _pairs(text)] == ["Lee Jae-myung", "Lee Jae-myung"]


@pytest.mark.parametrize(
    "text",
    [
        "Don’t say “Courtney, this post is so snobbish it literally burned up my computer.”",
        "You don’t need to say it. “That play was so funny I laughed my head off,” you say.",
    ],
)
def test_contractions_and_pronouns_never_name_a_speaker(text: str) -> None:
    assert _pairs(text) == []  # an example sentence, said by nobody


def test_a_full_name_from_a_standfirst_heading_names_the_bodys_surname() -> None:
    text = (
        "## Snopes fact checker and staff writer David Emery posted to Twitter asking a "
        "question about the protests\n\n"
        "Emery, a writer for the website, retweeted the story.\n\n"
        "In another tweet, Emery states, “Some people think they have to put words in his "
        "mouth to make him look bad.”"
    )
    assert [s for s, _ in _pairs(text)] == ["David Emery"]


@pytest.mark.parametrize(
    ("heading", "read"),
    [
        ("Fiona Parry issued a plea for people to stay away from pills containing DNP.", True),
        ("Storm Prompts Airlines To Relax Travel Policies Across The Country", False),
        ("Weather threatens holiday plans", False),
    ],
)
def test_only_sentence_like_headings_are_read_for_names(heading: str, read: bool) -> None:
    assert sentence_like(heading) is read


def test_cjk_proposed_quotation_and_the_reply_after_it() -> None:
    text = (
        "在两会上，全国政协委员张近东提出“当前中国经济的发展正在从数量型向质量型转变，"
        "消费升级将成为企业新一轮创新发展的动力。”对此，李博灏认为这也是他关注的问题。"
    )
    assert [s for s, _ in _pairs(text)] == ["张近东"]


@pytest.mark.parametrize(
    "text",
    [
        "会议上，市长王强提出“共同富裕示范区”的建设目标，并要求各部门落实。",
        "专家李明提出了“合理化建议”。",
    ],
)
def test_cjk_a_proposals_name_is_not_a_quotation(text: str) -> None:
    assert _pairs(text) == []


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "业内资深人士张凡坦言，“很多品牌的共享充电宝租金都有一定程度的上调，"
            "现在起码2元到3元每小时。”",
            "张凡",
        ),
        (
            "雷越岚回忆，今年9月在车站借充电宝时，租金5元/小时，她只能狠下心来，"
            "“我还特意设定了闹钟提前5分钟去还”。",
            "雷越岚",
        ),
    ],
)
def test_cjk_insider_role_and_recalled_speech(text: str, speaker: str) -> None:
    assert [s for s, _ in _pairs(text)] == [speaker]


def test_cjk_a_memory_is_not_a_verb_of_saying() -> None:
    assert _pairs("这段回忆，让他想起了“那个夏天的午后，我们一起去河边钓鱼。”") == []


def test_a_bare_surname_shared_by_two_people_is_the_one_seen_last() -> None:
    text = (
        "Bill Clinton attended the rally.\n\n"
        "Hillary Clinton spoke first. Hillary Clinton then took questions.\n\n"
        "“We will win this state,” Clinton said."
    )
    assert [s for s, _ in _pairs(text)] == ["Hillary Clinton"]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Igor Zagorskiy, deputy director of the Russian Anti-Doping Agency, Rusada, told the "
            "BBC: “There is always room for improvement. We are on that track.”",
            "Igor Zagorskiy",
        ),
        (
            "Jane Smith, head of research at the Food Standards Agency, FSA, said: “We are "
            "looking at it closely.”",
            "Jane Smith",
        ),
    ],
)
def test_the_person_heading_an_appositive_chain_is_the_speaker(text: str, speaker: str) -> None:
    assert [s for s, _ in _pairs(text)] == [speaker]


def test_cjk_halves_whose_comma_stood_outside_the_marks_join_with_a_comma() -> None:
    text = "“我觉得正规出版社不会去做这样的事情”，马莉说，“爸爸这首歌写的是孩子天真无邪。”"
    assert _pairs(text) == [
        ("马莉", "我觉得正规出版社不会去做这样的事情，爸爸这首歌写的是孩子天真无邪。")
    ]


def test_halves_split_by_a_pronoun_attribution_join_whoever_it_resolves_to() -> None:
    # "Warner" has no known gender, so "he" resolves to nobody; the speaker comes from context
    text = (
        "And Warner said he feels other sports should be concerned.\n\n"
        '"This iceberg spreads in two directions," he said. "Four or five nations have a problem."'
    )
    assert _pairs(text) == [
        ("Warner", "This iceberg spreads in two directions. Four or five nations have a problem.")
    ]


@pytest.mark.parametrize("kind", ["book", "new novel", "documentary", "column"])
def test_a_work_named_right_after_its_kind_is_a_title(kind: str) -> None:
    text = (
        f"In her {kind} “A Paradise Built in Hell: The Extraordinary Communities,” "
        "Rebecca Solnit wrote of the purpose people find in disaster."
    )
    assert find_quotes(text, "en") == []


def test_words_quoted_from_a_book_after_a_colon_are_still_a_quotation() -> None:
    text = "Ann Lee wrote in her book: “We were never afraid of the dark, not once in our lives.”"
    assert _pairs(text) == [("Ann Lee", "We were never afraid of the dark, not once in our lives.")]


def test_a_quotation_continues_after_an_attribution_that_describes_its_speaker() -> None:
    text = (
        "“Man’s greed in the ocean is hurting the whales,” says Hori Parata, a fierce and "
        "uncompromising elder of the Ngātiwai tribe of eastern Northland.\n\n"
        "“We’re having to put up with a lot of stuff today.”"
    )
    assert _pairs(text) == [
        (
            "Hori Parata",
            "Man’s greed in the ocean is hurting the whales. "
            "We’re having to put up with a lot of stuff today.",
        )
    ]


def test_saying_leads_into_the_next_quotation_not_back_to_the_one_before() -> None:
    text = (
        "David Emery writes for Snopes.\n\n"
        "The tweet from the magazine reads, “Chicago show interrupted by an angry fan.” "
        "Emery retweeted the story, saying, “Are there any fans who are not angry?”"
    )
    assert _pairs(text) == [("David Emery", "Are there any fans who are not angry?")]


def test_a_subordinating_word_opening_the_sentence_is_not_part_of_a_name() -> None:
    text = (
        "Ellen Fetter showed up at MIT. She interviewed with a woman who hired her.\n\n"
        "Once Fetter arrived in Building 24, Lorenz gave her a manual, and before long she "
        "was up to speed. “He carried a lot in his head,” she said."
    )
    assert _pairs(text) == [("Ellen Fetter", "He carried a lot in his head")]


def test_a_pronoun_opening_the_next_sentence_tells_a_persons_gender() -> None:
    text = (
        "Ellen Fetter said she came to MIT in 1961. She learned to program the machine.\n\n"
        "Edward Lorenz ran the project. He wrote the code by hand.\n\n"
        "Lorenz gave her a manual, and soon she was up to speed. "
        "“He carried a lot in his head,” she said."
    )
    assert _pairs(text) == [("Ellen Fetter", "He carried a lot in his head")]


def test_conflicting_pronouns_tell_no_gender() -> None:
    text = (
        "Alex Morgan came to MIT in 1961. She learned to program.\n\n"
        "Alex Morgan left in 1963. He moved to Boston.\n\n"
        "Jordan Blake ran the lab and hired Morgan. “It was hard work,” she said."
    )
    from bot.analysis.entities import build_registry
    from bot.analysis.text import paragraphs

    paras = [(p.index, p.text) for p in paragraphs(text) if p.kind == "body"]
    assert build_registry(paras).people["Alex Morgan"].gender is None


def test_a_quotation_continues_after_an_inverted_attribution_with_a_bare_role() -> None:
    text = (
        "“Jesus would definitely be on Twitter,” adds Jules Middleton, blogger and mission "
        "pastor at The Point Church in Burgess Hill, West Sussex.\n\n"
        "“He was a great communicator.”"
    )
    assert [q for _, q in _pairs(text)] == [
        "Jesus would definitely be on Twitter. He was a great communicator."
    ]


def test_a_bare_role_that_says_more_ends_the_quotation() -> None:
    text = (
        "“Jesus would definitely be on Twitter,” adds Jules Middleton, though the bishop of "
        "the diocese has his doubts about it.\n\n"
        "“He was a great communicator.”"
    )
    assert len(find_quotes(text, "en")) == 2


def test_a_described_organisation_with_its_full_name_speaks() -> None:
    text = (
        "The law, signed by Kansas Gov. Sam Brownback on Tuesday, bans the procedure.\n\n"
        "Planned Parenthood Advocates of Kansas and Mid-Missouri sharply criticized the move.\n\n"
        '"Kansas is now the sole state with this atrocious law," the advocacy group said.'
    )
    assert _pairs(text) == [
        (
            "Planned Parenthood Advocates of Kansas and Mid-Missouri",
            "Kansas is now the sole state with this atrocious law",
        )
    ]


def test_a_place_and_a_title_before_a_name_are_not_a_person() -> None:
    from bot.analysis.entities import build_registry

    reg = build_registry([(0, "The law was signed by Kansas Gov. Sam Brownback on Tuesday.")])
    assert "Kansas Gov" not in reg.people and "Kansas Gov" not in reg.orgs
    assert "Sam Brownback" in reg.people


@pytest.mark.parametrize(
    ("text", "speaker", "role"),
    [
        ("俄罗斯总统普京说：“西方国家的制裁不会起作用。”", "普京", "俄罗斯总统"),
        ("法国总统马克龙表示：“欧洲必须团结。”", "马克龙", "法国总统"),
        ("行政長官李家超表示：「政府會繼續全力支持受影響的市民。」", "李家超", "行政長官"),
        ("行政长官李家超今日表示：“政府会继续全力支持受影响的市民。”", "李家超", "行政长官"),
        ("美國總統拜登週二在白宮說：「這是一個歷史性的時刻。」", "拜登", "美國總統"),
        ("泽连斯基说：“我们需要更多的防空系统。”", "泽连斯基", None),
    ],
)
def test_chinese_roles_days_places_and_foreign_names(
    text: str, speaker: str, role: str | None
) -> None:
    [quote] = find_quotes(text, "zh")
    assert (quote.speaker, quote.role) == (speaker, role)


def test_a_pronoun_after_a_foreign_name_finds_it() -> None:
    text = "俄罗斯总统普京说：“制裁不会起作用。”\n\n他还说：“我们会继续走自己的路。”"
    assert [q.speaker for q in find_quotes(text, "zh")] == ["普京", "普京"]


def test_words_after_a_role_that_are_no_foreign_name_are_not_a_name() -> None:
    # "助理" is no name after "部长": the whole description speaks
    [quote] = find_quotes("部长助理表示：“这是一个历史性的时刻。”", "zh")
    assert quote.speaker == "部长助理"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("王小明是一名教师。\n\n“这个决定非常重要，我们会认真落实，”他说。", "王小明"),
        ("教师王小明在北京工作了十年。\n\n他说：“这个决定非常重要。”", "王小明"),
        ("张伟今年45岁，是一名出租车司机。他告诉记者：“生意越来越难做了。”", "张伟"),
        ("一位不愿透露姓名的业内人士对记者说：“这个决定非常重要。”", "业内人士"),
        ("以色列总理内塔尼亚胡说：“这个决定非常重要。”", "内塔尼亚胡"),
        ("日本首相岸田文雄表示，“这个决定非常重要。”", "岸田文雄"),
        ("据新华社报道，习近平强调：“这个决定非常重要。”", "习近平"),
    ],
)
def test_chinese_people_a_pronoun_or_a_description_can_reach(text: str, speaker: str) -> None:
    assert [q.speaker for q in find_quotes(text, "zh")] == [speaker]


def test_a_place_that_opens_a_sentence_is_no_person_for_a_pronoun() -> None:
    assert find_quotes("王府井是北京的商业街。他说：“这里很热闹。”", "zh") == []


_FIGHT = "We will not back down from this fight"


@pytest.mark.parametrize(
    ("text", "speaker", "role"),
    [
        (f'"{_FIGHT}," U.S. Secretary of State Antony Blinken said.', "Antony Blinken",
         "Secretary of State"),
        (f'"{_FIGHT}," Chancellor of the Exchequer Rachel Reeves told MPs.', "Rachel Reeves",
         "Chancellor of the Exchequer"),
        (f'"{_FIGHT}," the White House said in a statement.', "White House", None),
        (f'"{_FIGHT}," Reuters quoted John Smith as saying.', "John Smith", None),
        (f'"{_FIGHT}," John Smith\'s lawyer said.', "John Smith’s lawyer", None),
        (f'"{_FIGHT}," the family of John Smith said.', "John Smith’s family", None),
        (f'John Smith died on Monday. "{_FIGHT}," his family said.', "John Smith’s family",
         None),
    ],
)  # fmt: skip
def test_english_offices_institutions_and_relations_as_speakers(
    text: str, speaker: str, role: str | None
) -> None:
    [quote] = find_quotes(text, "en")
    assert (quote.speaker, quote.role) == (speaker, role)


def test_the_newspaper_someone_told_is_not_the_speaker() -> None:
    text = (
        "The coroner for that case, Sherrif Payne, who deemed the cause of death ecstasy "
        "toxicity, told *The Independent* “You never know the purity of what you take.”"
    )
    assert _pairs(text) == [("Sherrif Payne", "You never know the purity of what you take.")]


_NOT_SPEECH_EN = [
    'The film "The Last of Us" was praised by critics for its acting and its careful pacing.',
    'He called the plan a "disaster" and left the room without taking questions.',
    'The so-called "special military operation" entered its third year on Monday.',
    'Fans held signs saying "Bring Back Our Team" outside the stadium on Saturday.',
    'The hashtag "#MeToo" spread quickly across social media in the autumn of that year.',
    'She starred in "Pride and Prejudice" before moving to Hollywood in the late 1990s.',
    'The report, titled "A Fair Deal for Workers", was published by the union on Friday.',
    'The word "literally" is often misused by people who mean figuratively instead.',
    'In his book "The Art of the Deal," Trump wrote about negotiation and real estate.',
    "The company's motto, \"Don't be evil,\" was dropped from its code of conduct in 2018.",
    'Critics dubbed the building "the Walkie-Talkie" because of its unusual curved shape.',
    'The Times reported that the "new normal" would last for years, according to analysts.',
]
_NOT_SPEECH_ZH = [
    "美国提出所谓“印太战略”，拜登政府还推出了“芯片法案”。",
    "被称为“中国诺贝尔奖”的未来科学大奖今天公布了获奖名单。",
    "这部名为“流浪地球”的电影在海外上映后广受好评，票房突破十亿。",
    "网友纷纷表示这是“史上最难”的一次考试，相关话题登上热搜。",
    "普京总统提出了“大欧亚伙伴关系”的构想，得到多国响应。",
    "该市今年推出“一网通办”服务，市民办事更加方便。",
    "马克龙政府推行的“养老金改革”引发大规模抗议。",
    "特朗普的“美国优先”政策在国际上引发争议。",
    "“双减”政策实施一年来，学生课业负担明显减轻。",
    "泽连斯基表示感谢，但没有透露更多细节。",
]


@pytest.mark.parametrize(
    ("text", "language"), [(t, "en") for t in _NOT_SPEECH_EN] + [(t, "zh") for t in _NOT_SPEECH_ZH]
)
def test_titles_terms_slogans_and_signs_are_not_quotations(text: str, language: str) -> None:
    assert find_quotes(text, language) == []


def test_an_institution_described_but_never_named_is_the_speaker_as_described() -> None:
    text = '"We are deeply sorry for the disruption," the airline said in a statement on X.'
    assert _pairs(text) == [("airline", "We are deeply sorry for the disruption")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "李明是北京大学教授。\n\n“经济复苏需要时间。\n\n“政策效果会在明年显现。”他说。",
            [("李明", "经济复苏需要时间。政策效果会在明年显现。")],
        ),
        ("这位72岁的老人告诉记者：“我在这里住了一辈子。”", [("老人", "我在这里住了一辈子。")]),
        ("村民们说：“今年收成不错。”", [("村民们", "今年收成不错。")]),
        (
            "记者问：“你们什么时候复工？”工厂负责人王强回答：“下周一。”",
            [("王强", "下周一。")],
        ),
    ],
)
def test_chinese_continued_quotes_described_and_plural_speakers_and_answers(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(q.speaker, q.quote) for q in find_quotes(text, "zh")] == expected


@pytest.mark.parametrize(
    ("text", "language", "speaker"),
    [
        ("“The work starts again on Monday.” — Jane Smith, director of the agency", "en",
         "Jane Smith"),
        ("“生活不止眼前的苟且。”——高晓松", "zh", "高晓松"),
    ],
)  # fmt: skip
def test_a_pull_quote_is_credited_to_the_name_after_its_dash(
    text: str, language: str, speaker: str
) -> None:
    assert [q.speaker for q in find_quotes(text, language)] == [speaker]


def test_a_dash_after_a_quotation_that_goes_on_is_no_credit() -> None:
    text = "He read out the letter: “The work starts again on Monday” — and then left the room."
    assert find_quotes(text, "en") == []


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("勞動部次長黃志成表示，這項設計回應家長需求，「孩子臨時生病，家長只需請一兩天假。」",
         "黃志成"),
        ("李太在庭上作供時哭訴：「那是我和丈夫一輩子的積蓄。」", "李太"),
        ("法官郭偉倫判刑時指出，被告利用受害人的信任。法官續指：「本案涉及嚴重違反信任。」",
         "郭偉倫"),
        ("王明补充：“这只是第一步，后面还有很多工作要做。”", "王明"),
        ("专家分析：“这只是第一步，后面还有很多工作要做。”", "专家"),
        ("業者指，「生意比去年差很多，客人少了一半。」", "業者"),
    ],
)  # fmt: skip
def test_taiwan_and_hong_kong_attributions(text: str, speaker: str) -> None:
    assert [q.speaker for q in find_quotes(text, "zh")] == [speaker]


def test_a_verb_that_only_introduces_before_a_quotation_is_no_verb_elsewhere() -> None:
    assert find_quotes("数据分析显示，今年的“双十一”销售额增长了三成。", "zh") == []


def test_a_masthead_joined_by_a_dot_is_no_person() -> None:
    from bot.analysis.entities import build_registry

    text = "店员告诉中国青年报·中国青年网记者“五五分成”。"
    assert not [name for name in build_registry([(0, text)]).people if "报" in name]


def test_a_role_alone_is_the_person_named_with_it_before() -> None:
    text = "法官郭偉倫判刑時指出，被告利用受害人的信任。\n\n法官續指：「本案涉及嚴重違反信任。」"
    assert [(q.speaker, q.role) for q in find_quotes(text, "zh")] == [("郭偉倫", "法官")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("香港中小業主聯會主席馮志強接受本報查詢時說：「改裝一個單位動輒十多萬元。」", "馮志強"),
        ("這名工程師受訪時苦笑說：「上班壓力大，下午不喝一杯根本撐不下去。」", "工程師"),
        ("營養師陳品妤建議，民眾可選擇微糖。「如果真的戒不掉，至少從全糖改半糖。」", "陳品妤"),
        ("一名育有兩名子女的上班族母親受訪時坦言，「津貼多一點當然好。」", "上班族母親"),
        ("被告宋某某辩称：“直播带货本来就有表演成分，我只是想多卖点货。”", "宋某某"),
        ("公诉人指出：“这已经超出了正常营销宣传的范畴。”", "公诉人"),
    ],
)  # fmt: skip
def test_chinese_attribution_probes(text: str, speaker: str) -> None:
    assert [q.speaker for q in find_quotes(text, "zh")] == [speaker]


@pytest.mark.parametrize(
    ("text", "speaker", "role"),
    [
        (f'"{_FIGHT}," the United Nations said.', "United Nations", None),
        (f'"{_FIGHT}," North Korea said.', "North Korea", None),
        (f'"{_FIGHT}," the Department of Health and Social Care said.',
         "Department of Health and Social Care", None),
        (f'Headteacher Joanne Rigby said: "{_FIGHT}."', "Joanne Rigby", "Headteacher"),
        (f'Passenger Hannah Kirby said: "{_FIGHT}."', "Hannah Kirby", "Passenger"),
        (f'"{_FIGHT}," said Tom Baker.', "Tom Baker", None),
    ],
)  # fmt: skip
def test_english_institutions_places_and_sentence_opening_roles(
    text: str, speaker: str, role: str | None
) -> None:
    [quote] = find_quotes(text, "en")
    assert (quote.speaker, quote.role) == (speaker, role)


def test_a_pronoun_inside_a_quotation_tells_nobodys_gender() -> None:
    text = (
        "Margaret Elston was taken to the Royal Lancaster Infirmary after a fall. She waited "
        "three days.\n\n"
        "Her son, Paul Elston, said his mother had spent two nights on a trolley. "
        "\"She's 87, she's got a broken wrist,\" he said."
    )
    assert _pairs(text) == [("Paul Elston", "She's 87, she's got a broken wrist")]


def test_a_verb_with_where_and_a_colon_leads_into_the_next_quotation() -> None:
    text = (
        "Callum Reddy scored late and Ben Oduya levelled.\n\n"
        'Reddy, speaking to Sky Sports, added: "I just hit it and prayed." '
        'Oduya later posted on Instagram: "Never in doubt."'
    )
    assert _pairs(text) == [
        ("Callum Reddy", "I just hit it and prayed."),
        ("Ben Oduya", "Never in doubt."),
    ]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("大马国足昨晚以2比1逆转越南。\n\n西班牙籍主帅曼努埃尔·加西亚赛后在记者会上说："
         "“上半场我们踢得太保守了。”", "曼努埃尔·加西亚"),
        ("本市将迎来强降雨。\n\n北京交警官方微博30日下午发文提醒：“暴雨期间请尽量减少驾车"
         "出行。”", "北京交警"),
        ("走进桃坪村，民宿依山而建。\n\n“好多在外打工的都回来了。”村党支部书记杨德明一边带着"
         "记者参观，一边介绍。据杨德明介绍，全村已建成民宿32家。", "杨德明"),
        ("村党支部书记杨德明介绍了情况。\n\n谈到下一步打算，杨书记信心满满：“明年我们要把"
         "老茶园利用起来。”石门镇党委书记刘芳表示，镇里将推动连片发展。", "杨书记"),
        ("周怡萱擊敗南韓名將朴秀珍。\n\n朴秀珍賽後則說：「周是一個很難對付的選手。」",
         "朴秀珍"),
    ],
)  # fmt: skip
def test_chinese_attribution_probes_second_batch(text: str, speaker: str) -> None:
    assert [q.speaker for q in find_quotes(text, "zh")][:1] == [speaker]


def test_the_words_on_a_sign_after_a_colon_are_no_quotation() -> None:
    text = "Above the main oven hangs a hand-painted sign: “NO OPINIONS BEFORE 7 A.M.”"
    assert find_quotes(text, "en") == []


@pytest.mark.parametrize(
    "between",
    [
        "the agency wrote on X.",
        "the agency told reporters later, standing on the steps of the old county courthouse,",
    ],
)
def test_longer_attributions_still_join_the_halves(between: str) -> None:
    text = (
        "The National Weather Service issued a warning.\n\n"
        f'"Do not attempt to drive through flooded roads," {between} "Turn around, don\'t drown."'
    )
    assert len(find_quotes(text, "en")) == 1


def test_the_n_year_old_is_the_person_named_before() -> None:
    text = (
        "Last November, Helen Pryce ordered a corner sofa online. Seven months later, she "
        "is still waiting.\n\n"
        '"Every time I ring, I get a different story," the 61-year-old retired teacher wrote.'
    )
    assert _pairs(text) == [("Helen Pryce", "Every time I ring, I get a different story")]
