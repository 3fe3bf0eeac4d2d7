"""Extractive summary: ranking, redundancy, length, order and what is never included."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.analysis.rank import pagerank, similarity_graph, tfidf, tokens
from bot.analysis.summary import (
    BUDGET_UTF16,
    EXTRACTIVE_NAME,
    MAX_SENTENCES,
    Summary,
    candidates,
    extractive_summary,
    rank,
    strip_dateline,
    target_count,
    utf16_len,
)

SEED = Path(__file__).parent / "fixtures" / "analysis" / "wsj-deepseek-zh.txt"  # copy of the seed
FIXTURES = Path(__file__).parent / "fixtures" / "analysis"


def _seed() -> str:
    return SEED.read_text(encoding="utf-8")


def test_tokens_use_cjk_bigrams_and_stemmed_words() -> None:
    assert tokens("英伟达股价") == ["英伟", "伟达", "达股", "股价"]
    assert tokens("The strikes ended") == ["strik", "end"]


def test_similarity_graph_is_symmetric_and_links_shared_terms() -> None:
    vectors = tfidf([tokens(s) for s in ["cats chase mice", "mice fear cats", "rain falls"]])
    graph = similarity_graph(vectors)
    assert graph[0][1] == pytest.approx(graph[1][0]) and graph[0][1] > 0
    assert 2 not in graph[0] and graph[2] == {}


def test_similarity_graph_keeps_only_the_strongest_neighbours() -> None:
    docs = [["a", "b", "c"], ["a", "b", "c", "x"], ["a", "y", "z", "w"], ["q"]]
    full = similarity_graph(tfidf(docs))
    pruned = similarity_graph(tfidf(docs), keep=1)
    assert [sorted(row) for row in full] == [[1, 2], [0, 2], [0, 1], []]
    # 0 and 1 keep each other; 2 keeps its strongest (0); the weak 1–2 edge goes.
    assert [sorted(row) for row in pruned] == [[1, 2], [0], [0], []]
    assert pruned[0][2] == full[0][2] == pruned[2][0]


def test_pagerank_prefers_the_hub() -> None:
    hub = {1: 1.0, 2: 1.0, 3: 1.0}
    graph = [hub, {0: 1.0}, {0: 1.0}, {0: 1.0}]
    scores = pagerank(graph, [1.0, 1.0, 1.0, 1.0])
    assert max(range(4), key=lambda i: scores[i]) == 0
    assert sum(scores) == pytest.approx(1.0)


def test_pagerank_follows_the_position_prior_when_there_are_no_edges() -> None:
    scores = pagerank([{}, {}, {}], [3.0, 2.0, 1.0])
    assert scores[0] > scores[1] > scores[2]


CENTRAL = (
    "The central bank raised interest rates to fight inflation.\n"
    "Gardeners in the valley planted tulips along the river this spring.\n"
    "Higher interest rates make mortgages and business loans more expensive.\n"
    "Inflation has stayed above the central bank target for two years.\n"
    "The bank said rates could rise again if inflation does not slow.\n"
    "A local choir performed songs at the harvest festival on Sunday.\n"
)


def test_rank_puts_the_on_topic_sentences_above_the_off_topic_ones() -> None:
    cands = candidates(CENTRAL)
    scores, _ = rank(cands)
    by_text = {c.text: s for c, s in zip(cands, scores, strict=True)}
    tulips = by_text["Gardeners in the valley planted tulips along the river this spring."]
    choir = by_text["A local choir performed songs at the harvest festival on Sunday."]
    on_topic = by_text["Inflation has stayed above the central bank target for two years."]
    assert on_topic > tulips and on_topic > choir


def test_summary_keeps_article_order_and_skips_off_topic() -> None:
    s = extractive_summary(CENTRAL, "en")
    assert len(s.sentences) == 2
    positions = [CENTRAL.index(x) for x in s.sentences]
    assert positions == sorted(positions)
    assert not any("tulips" in x or "choir" in x for x in s.sentences)
    assert s.text == " ".join(s.sentences)


def test_redundant_sentence_is_not_repeated() -> None:
    text = (
        "Oil prices jumped ten percent after the pipeline explosion in Texas.\n"
        "Oil prices jumped ten percent after the pipeline explosion in Texas on Monday.\n"
        "Refiners warned that gasoline could cost more by the summer holidays.\n"
        "Investigators are still looking for the cause of the pipeline explosion.\n"
        "Airlines said higher fuel costs would squeeze their profits this year.\n"
    )
    s = extractive_summary(text, "en")
    assert sum("Oil prices jumped" in x for x in s.sentences) == 1


def test_seed_summary_excludes_metadata_headings_and_fits_a_message() -> None:
    s = extractive_summary(_seed(), "zh")
    assert 2 <= len(s.sentences) <= MAX_SENTENCES == 3
    for bad in ("文/", "翻译", "阅读时长", "wsj.com", "频道推荐", "Mobot", "印刷版", "2025-01-28T"):
        assert bad not in s.text
    assert "什么是 DeepSeek?" not in s.sentences
    assert utf16_len(s.text) <= BUDGET_UTF16
    assert s.text == "".join(s.sentences)
    assert s.method == EXTRACTIVE_NAME == "extractive-v17"


def test_seed_summary_mentions_the_story() -> None:
    s = extractive_summary(_seed(), "zh")
    assert "DeepSeek" in s.text and "英伟达" in s.text


def test_summary_is_deterministic() -> None:
    assert extractive_summary(_seed()) == extractive_summary(_seed())


def test_markdown_input_gives_plain_sentences() -> None:
    md = (FIXTURES / "harbor-port-en.md").read_text(encoding="utf-8")
    s = extractive_summary(md, "en")
    assert s.sentences
    assert not any(ch in s.text for ch in "#*[]")
    assert "Write to" not in s.text and "By Laura" not in s.text


@pytest.mark.parametrize(("n", "wanted"), [(1, 1), (2, 2), (10, 2), (39, 2), (40, 3), (500, 3)])
def test_target_count(n: int, wanted: int) -> None:
    assert target_count(n, None) == wanted


def test_max_sentences_overrides_the_target() -> None:
    s = extractive_summary(_seed(), "zh", max_sentences=2)
    assert len(s.sentences) == 2


def test_budget_caps_very_long_sentences() -> None:
    long_sentence = "Regulators examined " + "the merger terms in great detail and " * 60
    text = "\n".join(f"{long_sentence} Case {i} closed." for i in range(20))
    s = extractive_summary(text, "en", max_sentences=8)
    assert s.sentences
    assert utf16_len(s.text) <= BUDGET_UTF16


@pytest.mark.parametrize("text", ["", "   \n\n", "# Only a heading", "文/ 某记者\n翻译:某人"])
def test_nothing_to_summarise(text: str) -> None:
    assert extractive_summary(text) == Summary("", [], EXTRACTIVE_NAME)


def test_quote_heavy_sentences_rank_below_reporting() -> None:
    opening = "The city council approved the new budget for schools on Tuesday night.\n"
    closing = "The budget adds money for school buses and for new teachers next year.\n"
    quoted = "“The budget for schools is the best budget we have ever approved,” the mayor said.\n"
    reported = "The mayor said the budget for schools was the best budget ever approved.\n"
    quoted_score = rank(candidates(opening + quoted + closing))[0][1]
    reported_score = rank(candidates(opening + reported + closing))[0][1]
    assert quoted_score < reported_score


def test_quotation_or_question_never_opens_the_summary() -> None:
    text = (
        "“We have never seen a storm like this one,” the harbour master said.\n"
        "Will the port reopen before the holidays?\n"
        "A storm closed the port of Kelby on Monday and stranded forty ships at anchor.\n"
        "Port officials said repairs to the breakwater would take two weeks.\n"
    )
    s = extractive_summary(text, "en")
    assert s.sentences[0].startswith("A storm closed the port")


def test_dangling_sentence_needs_its_antecedent() -> None:
    text = (
        "此外,该公司还将在明年推出三款新车型,覆盖更多细分市场。\n"
        "星河汽车周一公布第三季度财报,营收同比增长百分之二十,创下历史新高。\n"
        "其中,电动车销量占总销量的一半以上,成为增长的主要动力。\n"
        "公司预计第四季度营收将继续保持两位数增长。\n"
    )
    s = extractive_summary(text, "zh")
    assert s.sentences[0].startswith("星河汽车")
    assert not any(x.startswith("此外") for x in s.sentences)
    later = "要知道,作曲家曾在南京创作并生活多年,记者采访了他的家人。\n" + text
    assert not extractive_summary(later, "zh").sentences[0].startswith("要知道")
    for i, x in enumerate(s.sentences):
        if x.startswith("其中"):
            assert i > 0 and s.sentences[i - 1].startswith("星河汽车")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "LONDON — Britain's economy grew faster than expected.",
            "Britain's economy grew faster than expected.",
        ),
        ("(CNN)A new law takes effect on Monday.", "A new law takes effect on Monday."),
        ("新华社北京3月5日电 国务院今天发布了新的规划。", "国务院今天发布了新的规划。"),
        ("（记者 王小明）市政府今天召开新闻发布会。", "市政府今天召开新闻发布会。"),
        (
            "April 17, 2015 -- Imagine being sick in the hospital with an infection.",
            "Imagine being sick in the hospital with an infection.",
        ),
        ("17 April 2015 — The strike ended on Friday.", "The strike ended on Friday."),
        (
            "SEOUL, South Korea — A plan to impeach the president has failed.",
            "A plan to impeach the president has failed.",
        ),
        ("WASHINGTON, D.C. -- Lawmakers voted late.", "Lawmakers voted late."),
        ("A plan — not a good one — failed.", "A plan — not a good one — failed."),
        ("NEW YORK, March 4 (Reuters) - Stocks fell sharply.", "Stocks fell sharply."),
        ("【明報專訊】政府昨日向立法會提交草案。", "政府昨日向立法會提交草案。"),
        ("法治日报记者 韩雪 通讯员 李明 主播被判刑。", "主播被判刑。"),
        ("记者发现，这里的房价很高。", "记者发现，这里的房价很高。"),
    ],
)
def test_datelines_are_stripped(raw: str, clean: str) -> None:
    assert strip_dateline(raw) == clean


def test_boilerplate_and_captions_are_left_out() -> None:
    text = (
        "Share this with Facebook Twitter Email Copy this link\n"
        "Media playback is not supported on this device\n"
        "Rescued: The fisherman, 52, waves from the deck The coastguard rescued a fisherman "
        "whose boat sank off the coast of Cornwall on Sunday.\n"
        "He had spent nine hours clinging to a cool box before a helicopter found him.\n"
        "The coastguard said calm weather had helped the search.\n"
    )
    s = extractive_summary(text, "en")
    assert "Share this" not in s.text and "Media playback" not in s.text
    assert s.sentences[0].startswith("The coastguard rescued a fisherman")


@pytest.mark.parametrize(
    "line",
    [
        "https://platform.twitter.com/widgets/tweet_button.html?count=vertical&lang=ar&via=cnn",
        "SLG46620V block diagram (from device datasheet)",
        "2018年6月18日 10:01　発信地：カノ/ナイジェリア [ ナイジェリア アフリカ ]",
        "(EDIT: removed the link to the post, because the critics got what they wanted.)",
        "is an example of an inline equation that the renderer shows in the text.",
        "…sorry, I should explain what the council meant by the word budget here.",
        "Now, read this post by Samantha Bielefeld: The Elephant in the Room.",
    ],
)
def test_links_unpunctuated_lines_asides_and_fragments_are_not_summary_material(
    line: str,
) -> None:
    text = (
        f"{line}\n\n"
        "The city council approved a new budget for schools and roads on Tuesday evening.\n\n"
        "The budget raises spending on repairs by a fifth after two years of cuts.\n\n"
        "Council members said the plan would be reviewed again in the spring."
    )
    summary = extractive_summary(text, "en")
    assert line not in summary.text
    assert summary.sentences[0].startswith("The city council approved")


def test_a_fragment_is_never_picked_even_right_after_its_sentence() -> None:
    text = (
        "The ability to mix math and text in one paragraph matters to every reader here.\n\n"
        "is an example of an inline equation that the renderer shows in the text.\n\n"
        "Display equations look good on a page of samples and print well too."
    )
    assert all(not s.startswith("is an") for s in extractive_summary(text, "en").sentences)


def test_a_quoted_line_ending_on_an_emoticon_is_still_a_sentence() -> None:
    texts = [c.text for c in candidates('"No lines at the airport and the flight is on time :)"')]
    assert texts == ['"No lines at the airport and the flight is on time :)"']


def test_an_article_with_no_punctuation_at_all_still_gets_a_summary() -> None:
    text = "\n\n".join(
        f"Item {i} of a feed whose editors never end a paragraph with a full stop, however "
        f"long the paragraph runs on about flood number {i}"
        for i in range(4)
    )
    assert extractive_summary(text, "en").sentences


def test_summary_is_short_for_a_typical_article() -> None:
    body = "\n".join(
        f"Officials in district {i} reported that the flood had damaged {i + 3} bridges and "
        f"closed {i * 2 + 1} schools across the region this week."
        for i in range(25)
    )
    en = extractive_summary(body, "en")
    assert 1 <= len(en.sentences) <= 3 and len(en.text.split()) <= 80
    zh_body = "\n".join(
        f"第{i}区官员表示,洪水冲毁了{i + 3}座桥梁,本周全区共有{i * 2 + 1}所学校停课。"
        for i in range(25)
    )
    zh = extractive_summary(zh_body, "zh")
    assert 1 <= len(zh.sentences) <= 3 and len(zh.text) <= 150


def test_chinese_captions_and_attribution_fragments_do_not_open() -> None:
    text = (
        "图为王小明在实验室工作时的近影。\n"
        "“我们终于找到了答案。”在南京的实验室里,研究员王小明告诉记者。\n"
        "南京一家研究所的团队研发出一种新型电池材料,充电时间缩短了一半。\n"
        "研究团队表示,这种材料有望在三年内投入量产。\n"
    )
    s = extractive_summary(text, "zh")
    assert s.sentences[0].startswith("南京一家研究所")
    assert "图为" not in s.text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "A storm closed three airports in the north on Monday.\n"
            "Flights were cancelled as snow kept falling and crews cleared runways.\n"
            "Snow crews said runways would stay shut while snow kept falling.\n"
            "Snow also closed schools, and snow ploughs worked through the night.\n",
            "en",
        ),
        (
            "北方三座机场周一因暴风雪关闭。\n"
            "大雪持续，航班取消，工人连夜清理跑道上的积雪。\n"
            "工人表示，大雪不停，跑道上的积雪难以清理。\n"
            "大雪还让学校停课，铲雪车连夜清理积雪。\n",
            "zh",
        ),
    ],
)
def test_first_sentence_that_may_open_anchors_the_summary(text: str, language: str) -> None:
    s = extractive_summary(text, language)
    assert s.sentences[0] == text.splitlines()[0]
    assert len(s.sentences) >= 2


CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "articles"


@pytest.mark.parametrize("page", ["nytimes-3", "nytimes-4", "wapo-1", "wapo-2", "yahoo-2"])
def test_news_pages_summaries_leave_out_captions_and_promos(page: str) -> None:
    from bot.content.pipeline import load_article_file

    article = load_article_file(CORPUS / f"readability_{page}.html")
    summary = extractive_summary(article.content_markdown, article.language)
    assert summary.sentences
    for sentence in summary.sentences:
        assert "Credit" not in sentence and "Getty" not in sentence
        assert not sentence.startswith(("[", "In this photo"))
        assert " reacts as he visits " not in sentence  # wapo-2's photo caption


def test_a_blockquoted_excerpt_is_not_summary_material_unless_it_is_all_there_is() -> None:
    text = (
        "A flaw in a popular online game makes it easy to crash the servers that host it.\n\n"
        "The programmer who found it published proof-of-concept code on Thursday.\n\n"
        "> In my case, I chose to create lists within lists, down to five levels deep.\n\n"
        "The game's developer has not yet released a fix for the flaw."
    )
    assert not any("In my case" in c.text for c in candidates(text))
    assert not any("In my case" in s for s in extractive_summary(text, "en").sentences)
    only = "> The council met on Tuesday and approved the new budget for the schools."
    assert extractive_summary(only, "en").sentences


def test_a_list_of_lines_is_summarised_from_its_lines_not_its_one_question() -> None:
    text = "\\\n".join(  # Markdown of "<p>\\+ Added …<br>\\+ Added …<br>…</p>"
        [
            "\\+ Added granite, andesite and diorite stone blocks, with smooth versions of each",
            "\\+ Added slime blocks and iron trapdoors to the creative inventory for builders",
            "\\+ Added a new player model with smaller arms, and a new skin called Alex?",
            "\\+ Villagers will now harvest crops and plant new ones in their own farms",
        ]
    )
    summary = extractive_summary(text, "en")
    assert summary.sentences[0].startswith("+ Added granite")  # not the one question
    assert not any(s.endswith("\\") for s in summary.sentences)


@pytest.mark.parametrize(
    ("opening", "dangles"),
    [
        ("Increasingly it is being used as a tool by teachers and nurses alike.", True),
        ("Reportedly they left the building before the police arrived at noon.", True),
        ("Early this year, police arrived at the building to question the staff.", False),
    ],
)
def test_an_adverb_then_a_pronoun_does_not_open(opening: str, dangles: bool) -> None:
    text = (
        f"{opening}\n\n"
        "Surveys suggest that while most people have heard of autism, few understand it.\n\n"
        "A charity made a film this summer to show people what living with it is like."
    )
    assert extractive_summary(text, "en").sentences[0].startswith(opening[:12]) is not dangles


_BUDGET_EN = (
    "The city council approved a new budget for schools and roads on Tuesday evening, "
    "after a long debate.\n\n"
    "The budget raises spending on repairs by a fifth after two years of cuts to local "
    "services.\n\n"
    "Council members said the plan would be reviewed again in the spring, when new "
    "figures arrive."
)
_BUDGET_ZH = (
    "市议会周二晚间经过长时间讨论，通过了用于学校和道路建设的新预算。\n\n"
    "在连续两年削减地方服务开支之后，这份预算将维修支出提高了五分之一。\n\n"
    "议员们表示，明年春天新的数据出炉后，将再次审议这一计划。"
)
_PAGE_CHROME_EN = [
    "By John Smith, Senior Correspondent",
    "Updated 3:45 PM ET, Tue March 5, 2024",
    "Photo: Reuters/John Smith",
    "Advertisement",
    "Related: City council faces budget crisis",
    "Read more: How the council spends your money",
    "Sign up for our daily newsletter to get the latest news.",
    "This article was originally published on The Conversation.",
    "Image caption: Council members during the vote on Tuesday.",
    "Image copyright Getty Images",
    "Listen to this article · 5 min read",
    "Follow us on Twitter and Facebook for more news.",
    "Copyright 2024 The Associated Press. All rights reserved.",
    "Reporting by John Smith; Editing by Jane Doe",
    "Contact the author at john.smith@example.com.",
    "Subscribe now for unlimited access to our journalism.",
    "Click here to read the full report on the budget.",
    "Have a news tip? Email us at tips@example.com.",
    "© 2024 Example News. All rights reserved.",
    "Additional reporting by Jane Doe in London.",
    "The views expressed here are the author's own.",
    "Getty Images",
    "First published on Tue 5 Mar 2024 10.00 GMT",
    "Last modified on Tue 5 Mar 2024 11.00 GMT",
    "Want more stories like this? Sign up for our newsletter.",
    "Watch: Council votes on the new budget",
]
_PAGE_CHROME_ZH = [
    "本报记者 王小明 摄",
    "（原标题：市议会通过新预算）",
    "责任编辑：李华",
    "来源：新华社",
    "图片来源：视觉中国",
    "点击关注，获取更多资讯",
    "本文系作者授权发布，未经许可不得转载。",
    "【纠错】",
    "扫码下载客户端，阅读更多新闻。",
    "文/王小明",
    "编辑 / 李华 校对 / 张伟",
    "（完）",
    "声明：本文仅代表作者观点，不代表本站立场。",
    "更多精彩内容，请关注我们的微信公众号。",
    "记者 王小明 通讯员 李华",
    "新华社北京3月5日电",
    "视频加载中...",
    "相关阅读：市议会预算危机",
    "延伸阅读：预算如何使用",
    "版权所有，未经授权禁止转载。",
]


@pytest.mark.parametrize(
    ("line", "language"),
    [(line, "en") for line in _PAGE_CHROME_EN] + [(line, "zh") for line in _PAGE_CHROME_ZH],
)
def test_page_chrome_anywhere_in_the_body_stays_out_of_the_summary(
    line: str, language: str
) -> None:
    body, second = (_BUDGET_EN, "\n\nCouncil") if language == "en" else (_BUDGET_ZH, "\n\n议员")
    for text in (f"{line}\n\n{body}", body.replace(second, f"\n\n{line}{second}")):
        summary = extractive_summary(text, language)
        assert summary.sentences
        assert not any(line[:8] in s for s in summary.sentences), (line, summary.sentences)
