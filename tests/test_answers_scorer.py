"""The answers-quality scorer's arithmetic, and the gold labels' consistency.

These check the measuring stick (bench/answers_quality.py and tests/gold/answers), never that
the algorithm meets its targets: that is what running the scorer reports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.bench_helpers import load_bench

aq = load_bench("answers_quality")

CORPUS_PRESENT = (aq.SHARED / "corpus" / "answers").is_dir()
needs_corpus = pytest.mark.skipif(not CORPUS_PRESENT, reason="../shared/corpus not present")


def g(text: str | tuple[str, ...], speaker: str | None = "Ann Lee", *aliases: str) -> Any:
    parts = (text,) if isinstance(text, str) else text
    return aq.GoldQuote(parts, speaker, aliases)


# --- tokens ---------------------------------------------------------------------------------------


def test_english_tokens_are_lowercased_words_without_punctuation() -> None:
    assert aq.tokens("“We dodged a bullet,” said Steve's team.", "en") == [
        "we",
        "dodged",
        "a",
        "bullet",
        "said",
        "steve",
        "s",
        "team",
    ]


def test_chinese_tokens_are_characters_with_latin_words_and_numbers_whole() -> None:
    assert aq.tokens("英伟达股价下跌 17%，AI 交易。", "zh") == [
        "英",
        "伟",
        "达",
        "股",
        "价",
        "下",
        "跌",
        "17",
        "ai",
        "交",
        "易",
    ]


def test_fullwidth_forms_normalise_before_tokenising() -> None:
    assert aq.tokens("ＡＢＣ１２３", "zh") == ["abc123"]


# --- matching ----------------------------------------------------------------------------------


def test_overlap_f1_known_values() -> None:
    assert aq.overlap_f1(["a", "b", "c", "d"], ["a", "b"]) == pytest.approx(2 / 3)
    assert aq.overlap_f1(["a"], []) == 0.0
    assert aq.overlap_f1(["a", "a", "b"], ["a", "b", "b"]) == pytest.approx(2 / 3)


def test_match_is_one_to_one_and_prefers_the_better_pair() -> None:
    gold = [g("one two three four"), g("one two three four five six")]
    pred = [aq.PredQuote("one two three four five six", "Ann Lee")]
    [m] = aq.match_quotes(gold, pred, "en")
    assert (m.gold, m.pred, m.score) == (1, 0, 1.0)


def test_match_threshold_is_token_f1_of_one_half() -> None:
    gold = [g("a b c d e f")]
    assert aq.match_quotes(gold, [aq.PredQuote("a", None)], "en") == []  # F1 = 2/7
    assert aq.match_quotes(gold, [aq.PredQuote("a x y z", None)], "en") == []  # F1 = 0.2
    assert len(aq.match_quotes(gold, [aq.PredQuote("a b c", None)], "en")) == 1  # F1 = 2/3


def test_half_of_a_split_quote_matches_and_the_other_half_is_a_false_alarm() -> None:
    gold = [g(("We know where to look. We know how to look,", "In most cases we have it."))]
    pred = [
        aq.PredQuote("We know where to look. We know how to look,", "Ann Lee"),
        aq.PredQuote("In most cases we have it.", "Ann Lee"),
    ]
    c = aq.score_quotes(gold, pred, "en")
    assert (c.tp, c.fp, c.fn) == (1, 1, 0)


def test_precision_recall_f1() -> None:
    gold = [g("alpha beta gamma"), g("delta epsilon zeta"), g("eta theta iota")]
    pred = [aq.PredQuote("alpha beta gamma", "Ann Lee"), aq.PredQuote("kappa lambda mu", "Ann Lee")]
    c = aq.score_quotes(gold, pred, "en")
    assert (c.tp, c.fp, c.fn) == (1, 1, 2)
    assert c.precision == pytest.approx(0.5)
    assert c.recall == pytest.approx(1 / 3)
    assert c.f1 == pytest.approx(0.4)
    assert len(c.misses) == 2 and len(c.false_alarms) == 1


def test_empty_gold_and_empty_prediction_is_perfect_and_empty_gold_punishes_predictions() -> None:
    assert aq.score_quotes([], [], "zh").precision == 1.0
    c = aq.score_quotes([], [aq.PredQuote("好的好的好的", "某人")], "zh")
    assert (c.tp, c.fp, c.fn, c.precision) == (0, 1, 0, 0.0)


def test_optional_gold_neither_rewards_nor_punishes() -> None:
    gold = [aq.GoldQuote(("life begins at fertilization",), "Nick Loeb", (), optional=True)]
    hit = aq.score_quotes(gold, [aq.PredQuote("life begins at fertilization", "Loeb")], "en")
    miss = aq.score_quotes(gold, [], "en")
    assert (hit.tp, hit.fp, hit.fn) == (0, 0, 0)
    assert (miss.tp, miss.fp, miss.fn) == (0, 0, 0)


# --- speakers ----------------------------------------------------------------------------------


def test_speaker_normalisation() -> None:
    assert aq.normalise_speaker("Dr. Tourgeman") == aq.normalise_speaker("dr tourgeman")
    assert aq.normalise_speaker("戴夫·汉森") == aq.normalise_speaker("戴夫汉森")
    assert aq.normalise_speaker("The Sentencing Council") == aq.normalise_speaker(
        "Sentencing Council"
    )
    assert aq.normalise_speaker("Mr Obama") != aq.normalise_speaker("Obama")


def test_speaker_accuracy_accepts_aliases_and_skips_null_speakers() -> None:
    gold = [
        g("one two three", "Ellen Stofan", "Stofan", "Ms Stofan"),
        g("four five six", "Ellen Stofan", "Stofan", "Ms Stofan"),
        g("seven eight nine", "Ellen Stofan", "Stofan"),
        g("ten eleven twelve", None),
    ]
    pred = [
        aq.PredQuote("one two three", "ms. stofan"),
        aq.PredQuote("four five six", "Ellen  Stofan"),
        aq.PredQuote("seven eight nine", "Mr"),
        aq.PredQuote("ten eleven twelve", "Anyone"),
    ]
    c = aq.score_quotes(gold, pred, "en")
    assert c.tp == 4
    assert (c.speaker_right, c.speaker_checked) == (2, 3)
    assert c.speaker_accuracy == pytest.approx(2 / 3)
    assert len(c.wrong_speakers) == 1


def test_missing_predicted_speaker_is_wrong() -> None:
    c = aq.score_quotes([g("a b c", "Ann Lee")], [aq.PredQuote("a b c", None)], "en")
    assert (c.speaker_right, c.speaker_checked) == (0, 1)


# --- ROUGE -------------------------------------------------------------------------------------


def test_rouge_known_values_english() -> None:
    ref = aq.tokens("the cat sat on the mat", "en")
    cand = aq.tokens("the cat lay on the mat", "en")
    # unigrams: 5 of 6 shared → P = R = F = 5/6
    assert aq.rouge_n(ref, cand, 1) == pytest.approx(5 / 6)
    # bigrams: the-cat, on-the, the-mat shared of 5 → 3/5
    assert aq.rouge_n(ref, cand, 2) == pytest.approx(3 / 5)
    # LCS: the cat on the mat = 5
    assert aq.rouge_l(ref, cand) == pytest.approx(5 / 6)


def test_rouge_unequal_lengths_and_clipping() -> None:
    ref = ["a", "b", "c", "d"]
    cand = ["a", "a", "a", "b"]
    # clipped overlap: a once, b once = 2; P = 2/4, R = 2/4
    assert aq.rouge_n(ref, cand, 1) == pytest.approx(0.5)
    ref2 = ["a", "b", "c", "d", "e", "f"]
    cand2 = ["a", "c", "e"]
    # LCS 3; P = 1, R = 1/2 → F = 2/3
    assert aq.rouge_l(ref2, cand2) == pytest.approx(2 / 3)
    assert aq.rouge_n(ref2, cand2, 2) == 0.0


def test_lcs_length() -> None:
    assert aq.lcs_length(list("ABCBDAB"), list("BDCABA")) == 4
    assert aq.lcs_length([], ["a"]) == 0


def test_rouge_chinese_by_character() -> None:
    scores = aq.rouge("英伟达股价暴跌", "英伟达股价上涨", "zh")
    assert scores["r1"] == pytest.approx(5 / 7)
    assert scores["r2"] == pytest.approx(4 / 6)
    assert scores["rl"] == pytest.approx(5 / 7)


def test_rouge_ignores_ptb_quote_tokens_and_case() -> None:
    assert aq.rouge(
        "`` We dodged a bullet , '' he said .", "“We dodged a bullet,” he said.", "en"
    ) == {
        "r1": pytest.approx(1.0),
        "r2": pytest.approx(1.0),
        "rl": pytest.approx(1.0),
    }


def test_rouge_of_empty_candidate_is_zero() -> None:
    assert aq.rouge("some reference", "", "en") == {"r1": 0.0, "r2": 0.0, "rl": 0.0}


# --- Lead-k ------------------------------------------------------------------------------------


def test_sentence_splitter_keeps_abbreviations_and_initials() -> None:
    text = 'Mr. Smith met Gen. Lee in the U.S. on Monday. He said: "It was fine." Then J. Doe left!'
    assert aq.split_sentences(text) == [
        "Mr. Smith met Gen. Lee in the U.S. on Monday.",
        'He said: "It was fine."',
        "Then J. Doe left!",
    ]


def test_chinese_sentences_end_at_full_stops_and_closing_quotes() -> None:
    assert aq.split_sentences("他来了。她说：“走吧！”我们走") == [
        "他来了。",
        "她说：“走吧！”",
        "我们走",
    ]


def test_lead_skips_lines_that_are_not_prose() -> None:
    text = (
        "Share this withEmailFacebookCopy this link\n\nMedia playback is not supported\n\n"
        "First sentence here. Second one.\n\nA heading\n\nThird sentence."
    )
    assert aq.lead(text, 1) == "First sentence here."
    assert aq.lead(text, 3) == "First sentence here. Second one. Third sentence."
    assert aq.lead("标题\n\n第一句。第二句！\n\n第三句。", 2) == "第一句。第二句！"


# --- aggregation and report ------------------------------------------------------------------


def test_aggregate_micro_averages_quotes_and_means_rouge() -> None:
    art = aq.Article(Path("x.json"), Path("x.txt"), "en", ())
    sys_a = {"r1": 0.4, "r2": 0.2, "rl": 0.3}
    lead = {"r1": 0.3, "r2": 0.1, "rl": 0.2}
    r1 = aq.ArticleResult(
        art,
        aq.QuoteCounts(tp=3, fp=1, fn=0, speaker_checked=3, speaker_right=3),
        {"system": sys_a, "lead1": lead, "lead2": lead, "lead3": lead},
    )
    r2 = aq.ArticleResult(art, aq.QuoteCounts(tp=1, fp=0, fn=3, speaker_checked=1), None)
    out = aq.aggregate([r1, r2])
    assert out["quotes"]["precision"] == pytest.approx(4 / 5)
    assert out["quotes"]["recall"] == pytest.approx(4 / 7)
    assert out["quotes"]["speaker_accuracy"] == pytest.approx(3 / 4)
    assert out["summary"]["articles_with_reference"] == 1
    assert out["summary"]["r1_margin_over_best_lead"] == pytest.approx(0.1)
    text = aq.render({"en": out})
    assert "target ≥ 0.93" in text and "BELOW" in text


# --- label files -------------------------------------------------------------------------------


def test_label_loader_rejects_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"file": "x.txt", "language": "fr", "quotes": []}))
    with pytest.raises(aq.LabelError):
        aq.load_label(bad, tmp_path)
    bad.write_text(json.dumps({"file": "x.txt", "language": "en", "quotes": [{"text": ""}]}))
    with pytest.raises(aq.LabelError):
        aq.load_label(bad, tmp_path)
    bad.write_text(json.dumps({"file": "x.txt", "language": "en", "quotes": [{"text": "a b"}]}))
    (tmp_path / "x.txt").write_text("no such words here")
    assert aq.check_article(aq.load_label(bad, tmp_path)) != []


def _label_files() -> list[Path]:
    return sorted(p for gold in aq.GOLD_SETS.values() for p in gold.glob("*/*.json"))


def _all_articles() -> list[Any]:
    return [a for gold in aq.GOLD_SETS.values() for a in aq.load_labels(gold)]


def test_there_are_at_least_twenty_labelled_articles_per_language() -> None:
    articles = aq.load_labels()
    for language in aq.LANGUAGES:
        assert sum(a.language == language for a in articles) >= 20, language


def test_every_label_file_sits_under_its_language_and_names_its_text() -> None:
    for path in _label_files():
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert raw["language"] == path.parent.name, path
        if "file" not in raw:  # a probe: its text is in the label
            assert raw["text"].strip(), path
            continue
        assert Path(raw["file"]).stem == path.stem, path
        assert not Path(raw["file"]).is_absolute() and ".." not in Path(raw["file"]).parts


def test_no_article_is_labelled_twice() -> None:
    raws = [json.loads(p.read_text(encoding="utf-8")) for p in _label_files()]
    texts = [raw.get("file") or raw["text"] for raw in raws]
    assert len(texts) == len(set(texts))


@needs_corpus
def test_every_referenced_text_exists_and_every_span_occurs_verbatim() -> None:
    problems = [p for a in _all_articles() for p in aq.check_article(a)]
    assert problems == []


@needs_corpus
def test_speakers_and_aliases_are_well_formed() -> None:
    for article in _all_articles():
        for q in article.quotes:
            if q.speaker is not None:
                assert q.speaker == q.speaker.strip(), article.name
            assert all(a.strip() == a and a for a in q.aliases), article.name
            assert len(set(q.aliases)) == len(q.aliases), (article.name, q.aliases)


def test_an_html_page_is_read_as_the_product_stores_it(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><h1>T</h1><p>“We will win,” said <b>Ann Lee</b> today.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    article = aq.Article(tmp_path / "l.json", page, "en", ())
    text = article.read_text()
    assert "“We will win,” said **Ann Lee** today." in text
    assert "<p>" not in text


def test_the_held_out_pages_are_not_development_texts() -> None:
    pages = {
        raw["file"]
        for p in _label_files()
        if "file" in (raw := json.loads(p.read_text(encoding="utf-8")))
    }
    answers = {json.loads(p.read_text(encoding="utf-8"))["file"] for p in aq.GOLD.glob("*/*.json")}
    held_out = pages - answers
    assert held_out and all(f.startswith("corpus/articles/") for f in held_out)


def test_a_probe_keeps_its_text_in_its_label(tmp_path: Path) -> None:
    label = tmp_path / "p.json"
    label.write_text(
        json.dumps(
            {
                "language": "en",
                "text": "“We win,” Ann Lee said.",
                "quotes": [{"text": "We win,", "speaker": "Ann Lee"}],
            }
        ),
        encoding="utf-8",
    )
    article = aq.load_label(label, tmp_path)
    assert article.read_text() == "“We win,” Ann Lee said."
    assert aq.check_article(article) == []
    label.write_text(json.dumps({"language": "en", "quotes": []}), encoding="utf-8")
    with pytest.raises(aq.LabelError):
        aq.load_label(label, tmp_path)
