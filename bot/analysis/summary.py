"""Extractive summary: two or three sentences that say what happened, in article order.

News puts the story first, so the ranking is PacSum-style: a sentence scores by
how much of the *later* text it anticipates (directed centrality) times a prior
that decays with its position. Sentences that cannot stand alone — a dangling
"其中…"/"However…" without its antecedent, captions, datelines, bylines,
share-bar boilerplate, questions — are never the opening, and the first three are
never picked at all.

Deterministic and offline, so the caller can cache it per article under
`EXTRACTIVE_NAME`; bump the version whenever the output may change.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from bot.analysis.compress import compress
from bot.analysis.marks import top_level
from bot.analysis.rank import cosine, similarity_graph, tfidf, tokens
from bot.analysis.sentences import split_paragraph
from bot.analysis.text import cjk_count, detect_language, latin_words, paragraphs, text_weight

EXTRACTIVE_NAME = "extractive-v17"

MAX_RANKED = 300  # sentences ranked at most: keeps the graph O(n²) bounded
MIN_SENTENCES = 2
MAX_SENTENCES = 3
LONG_ARTICLE = 40  # candidates from which an article is long enough for a third sentence
LONG_ARTICLE_SENTENCES = 3
BUDGET_UTF16 = 3500  # hard cap: leaves room for a label inside one 4096-unit message
WORDS_EN = 80  # typical English budget (words)
CHARS_ZH = 150  # typical Chinese budget (characters)
TYPICAL_WEIGHT = 1200  # text_weight of a typical article; budgets grow with log2 beyond
REDUNDANT = 0.45  # cosine above which a sentence repeats a chosen one
MIN_WEIGHT = 12  # shorter sentences (fragments, datelines) are not summary material
FORWARD = 1.0  # PacSum: weight of similarity to later sentences
BACKWARD = -0.3  # … and to earlier ones (a sentence that only repeats is not central)
PRIOR_EXPONENT = 0.6  # how fast the position prior decays
CENTRALITY_SHARE = 0.9  # how much centrality moves a sentence against its position
DENSITY_SHARE = 0.6  # centrality: share of keyword density against PacSum centrality
DENSITY_SMOOTHING = 8  # tokens added to a sentence's length: very short ones are not dense
LENGTH_NORM = 30  # text_weight of an ordinary sentence; longer ones pay LENGTH_EXPONENT
LENGTH_EXPONENT = 0.5
OPENER_PENALTY = 0.8  # sentences that may not open rank a little lower elsewhere too
QUOTE_PENALTY = 0.5  # mostly-quotation sentences rank below reporting

_DANGLING = re.compile(
    r"^(?:其中|此外|另外|这类|這類|这些|這些|这种|這種|这一|這一|这|這|那|此|该|該|其(?![实實])|它|他|她|"
    r"当天|當天|当日|當日|同时|同時|对此|對此|因此|所以|但是|但|而且|而|然而|不过|不過|换言之|換言之|"
    r"随后|隨後|此后|此後|与此同时|與此同時|除此之外|据悉|據悉|我们|我們|我|要知道|須知|须知|"
    r"(?:however|this|these|those|that|he|she|it|they|his|her|its|their|him|them|but|and|also|"
    r"meanwhile|still|so|then|instead|yet|moreover|furthermore|besides|meanwhile|nevertheless|"
    r"nonetheless|thus|hence|therefore|in addition|as a result|even so|by contrast|there|i|we)\b|"
    # "Increasingly it is used …", "Reportedly they …": an adverb, then a pronoun
    r"[a-z]+ly,?\s+(?:it|they|he|she|his|her|its|their)\b)",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"share this with|copy this link|media playback is (?:not |un)supported|read more|"
    r"click here|sign up|subscribe|ireport|all rights reserved|follow us|"
    r"^(?:image|media|video|photo) (?:caption|source|copyright|credit)\b|"  # BBC's labels
    r"^(?:additional )?(?:reporting|editing|writing) by\b|views expressed (?:here|in this)|"
    # "Now, read this post by X: …"
    r"^(?:(?:now|so|first|also|but),\s+)?(?:read|watch|listen to|see)\s+"
    r"(?:this|the full|our|my|also)\s+"
    r"(?:post|story|article|piece|interview|review|video|report|coverage)\b|"
    r"原标题|原標題|责任编辑|責任編輯|免责声明|免責聲明|图片来源|圖片來源|点击|點擊|扫码|掃碼|"
    r"资料图|資料圖|视频截图|視頻截圖|(?:^|\s)（完）|关注我们|關注我們|本文来源|本文來源|转载|轉載|"
    r"^(?:图为|圖為|上图|下图|左图|右图|图：|图:|视频[-：:]|視頻[-：:])|供图|供圖|截图。?$|截圖。?$|"
    r"[（(]来源[：:]|^(?:声明|聲明)[：:]|仅代表作者|僅代表作者|不代表本(?:站|网|網|平台|报|報)",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    # NEW YORK (Reuters) -
    r"^(?:[A-Z][A-Z .,'-]{2,40}"
    r"(?:,\s+(?:[A-Z][A-Za-z.'-]+(?:\s+[A-Z][A-Za-z.'-]+){0,3}|[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"
    r"\s*(?:\([^)]{1,30}\))?\s*[—–-]{1,2}\s+|"  # LONDON —, SEOUL, South Korea —, X, March 4 -
    # April 17, 2015 -- / 17 April 2015 —
    r"(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8} \d{4})\s*[—–-]{1,2}\s+|"
    r"(?:[A-Z][\w.'-]*(?:[ ,]+[A-Z][\w.'-]*){0,3}\s*)?\((?:CNN|AP|Reuters|AFP|BBC|UPI|Bloomberg)\)"
    r"(?:\s*[—–-]{1,2})?\s*|"  # (CNN), Kathmandu, Nepal (CNN) --
    r"[（(](?:记者|記者|通讯员|通訊員|本报|本報)[^）)]{0,40}[）)]\s*|"  # （记者 王某）
    r"【[^】]{1,60}】\s*|"  # 【明報專訊】, 【环球时报驻法国特派记者 李晨】
    # "科技日报记者 张蕾 ", "法治日报记者 韩雪 通讯员 李明 ": credits before the story
    r"(?:[^\s，。“”「」]{0,16}?(?:记者|記者|通讯员|通訊員)\s*[\u4e00-\u9fff·]{2,4}\s+)+|"
    r"(?:新华社|新華社|中新社|中新网|中新網|人民网|人民網|央视网|央視網|本报|本報|[^\s，。]{2,12}网)"
    r"[^，。]{0,20}?\d{1,2}月\d{1,2}日(?:电|電|讯|訊)\s*(?:[（(][^）)]{0,20}[）)])?\s*)"
)
_CAPTION = re.compile(r"^(?:[A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,2}|[\u4e00-\u9fff]{2,6}):\s")
# where a caption without a full stop runs into the story's first sentence
_GLUE = re.compile(r"(?<=[a-z0-9)]) (?=(?:A|An|The|Police|Officers|Mr|Mrs|Ms|Dr) [a-z]*)")
# "…,海新科技董事长杨敬辉当面告诉笔者。" right after a quotation: only its attribution
_ATTRIBUTION_ONLY = re.compile(
    r"(?:说|表示|告诉[^,，。]{0,8}|称|指出|介绍|回忆|said|says|told [^,.]{0,30}|added)[。.!！]?$",
    re.IGNORECASE,
)
_OPEN_MARKS = "“\"'‘「『«"
_CLOSERS = "”\"’'」』»)）]】"
_TERMINAL = ".!?。！？…"
_URL = re.compile(r"(?:https?://|www\.)\S+")
# a fragment cut from its context: "is an example of an inline equation." (not "iPhone…")
_LOWER_START = re.compile(r"^(?:…|\.\.\.|[a-z](?![a-z]*[A-Z]))")  # "…sorry, I should…" too
_PHOTO = re.compile(r"\((?:pictured|photo|file photo|left|right|above|below)\)|\bpictured\b", re.I)


@dataclass(frozen=True)
class Summary:
    text: str
    sentences: list[str]
    method: str


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    position: int
    opener: bool  # may open the summary (no dangling reference, not a quotation or question)
    standalone: bool  # may be picked without the sentence before it
    quoted: bool = False  # mostly inside quotation marks
    excerpt: bool = False  # from a blockquote: a quoted post, letter or tweet


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _quoted_share(sentence: str) -> float:
    inside = sum(s.end - s.start for s in top_level(sentence))
    return inside / max(1, len(sentence))


def strip_dateline(sentence: str) -> str:
    """Drop a leading dateline or reporter credit: "LONDON — …", "新华社北京3月5日电 …"."""
    m = _DATELINE.match(sentence)
    return sentence[m.end() :].lstrip() if m else sentence


def strip_caption(sentence: str) -> str | None:
    """A photo caption glued to the text ("Accused: Dr X, 38, has denied… A senior doctor…").

    Returns the text after the glue point, None when the sentence is only a caption,
    or the sentence itself when it has no caption label.
    """
    if not _CAPTION.match(sentence):
        return sentence
    glue = _GLUE.search(sentence)
    return sentence[glue.end() :] if glue else None


def _is_junk(sentence: str) -> bool:
    """Boilerplate, captions, share bars, links and asides that no summary should quote."""
    if _BOILERPLATE.search(sentence) or _PHOTO.search(sentence):
        return True
    if sum(len(m.group(0)) for m in _URL.finditer(sentence)) * 2 > len(sentence):
        return True  # a link standing as a line: "https://platform.twitter.com/…"
    return sentence[:1] in "(（[【" and sentence.rstrip(_TERMINAL)[-1:] in ")）]】"


def terminated(sentence: str) -> bool:
    """Ends like a sentence: a caption, a title or a dateline line usually does not."""
    end = sentence.rstrip()
    if end[-1:] in '”"」』»' and end[:1] in _OPEN_MARKS:
        return True  # a quoted utterance is whole even if it ends on ":)"
    return end.rstrip(_CLOSERS + " ")[-1:] in _TERMINAL


def candidates(text: str) -> list[_Candidate]:
    """Body sentences long enough to stand alone, in article order."""
    out: list[_Candidate] = []
    for para in paragraphs(text):
        if para.kind != "body":
            continue
        previous_quoted = False
        for raw in split_paragraph(para.text):
            after_quote, previous_quoted = previous_quoted, raw[:1] in _OPEN_MARKS
            sentence = strip_caption(strip_dateline(raw))
            if not sentence or sentence[-1] in ":：" or text_weight(sentence) < MIN_WEIGHT:
                continue
            if _is_junk(sentence):
                continue
            if _LOWER_START.match(sentence):
                continue  # what is left where a formula, a link or a quotation was cut out
            attribution = after_quote and bool(_ATTRIBUTION_ONLY.search(sentence))
            dangling = bool(_DANGLING.match(sentence)) or attribution
            question = sentence.rstrip("”\"’'」』)）").endswith(("?", "？"))
            mostly_quoted = _quoted_share(sentence) > 0.5
            previous_quoted = previous_quoted or mostly_quoted
            quoted = sentence[:1] in _OPEN_MARKS or mostly_quoted
            opener = not (dangling or question or quoted)
            out.append(
                _Candidate(sentence, len(out), opener, not dangling, mostly_quoted, para.excerpt)
            )
    # not captions, titles or list lines; not blockquoted excerpts of someone else's text
    # (a quoted post, letter, tweet), unless the article is nothing else. Positions stay
    # the article's: the prior is about where text sits.
    ended = [c for c in out if terminated(c.text)]
    if not any(c.opener for c in ended):
        ended = out  # a changelog or a list of lines: none of them ends like a sentence
    return [c for c in ended if not c.excerpt] or ended


def target_count(n: int, max_sentences: int | None) -> int:
    """Two sentences; a long article (LONG_ARTICLE candidates or more) may take three."""
    if max_sentences is not None:
        return max(1, min(n, max_sentences))
    wanted = LONG_ARTICLE_SENTENCES if n >= LONG_ARTICLE else MIN_SENTENCES
    return min(n, wanted)


def budget(cands: list[_Candidate], language: str) -> int:
    """Words (English) or characters (Chinese) allowed, growing gently with length."""
    weight = sum(text_weight(c.text) for c in cands)
    growth = 1.0 + 0.25 * math.log2(max(1.0, weight / TYPICAL_WEIGHT))
    base = CHARS_ZH if language == "zh" else WORDS_EN
    return int(base * min(growth, 1.75))


def _size(sentence: str, language: str) -> int:
    return (
        cjk_count(sentence) + len(latin_words(sentence))
        if language == "zh"
        else len(latin_words(sentence)) + cjk_count(sentence)
    )


def rank(cands: list[_Candidate]) -> tuple[list[float], list[dict[str, float]]]:
    """PacSum-style directed centrality blended with a position prior, per candidate."""
    docs = [tokens(c.text) for c in cands]
    vectors = tfidf(docs)
    graph = similarity_graph(vectors)
    n = len(cands)
    raw = []
    for i, row in enumerate(graph):
        forward = sum(w for j, w in row.items() if j > i)
        backward = sum(w for j, w in row.items() if j < i)
        raw.append(FORWARD * forward + BACKWARD * backward)
    density = _density(docs)
    low, high = min(raw, default=0.0), max(raw, default=0.0)
    spread = (high - low) or 1.0
    dlow, dhigh = min(density, default=0.0), max(density, default=0.0)
    dspread = (dhigh - dlow) or 1.0
    scores = []
    for i, c in enumerate(cands):
        central = (1 - DENSITY_SHARE) * (raw[i] - low) / spread + DENSITY_SHARE * (
            density[i] - dlow
        ) / dspread
        prior = (1.0 + c.position) ** -PRIOR_EXPONENT
        score = prior * (1.0 - CENTRALITY_SHARE + CENTRALITY_SHARE * central)
        score /= max(1.0, text_weight(c.text) / LENGTH_NORM) ** LENGTH_EXPONENT
        if c.quoted:
            score *= QUOTE_PENALTY
        if not c.opener:
            score *= OPENER_PENALTY
        scores.append(score)
    del n
    return scores, vectors


def _density(docs: list[list[str]]) -> list[float]:
    """How much of each sentence is words the rest of the article keeps using."""
    total: dict[str, int] = {}
    for doc in docs:
        for t in doc:
            total[t] = total.get(t, 0) + 1
    out = []
    for doc in docs:
        own: dict[str, int] = {}
        for t in doc:
            own[t] = own.get(t, 0) + 1
        mass = sum(math.log1p(total[t] - own[t]) for t in doc)
        out.append(mass / (len(doc) + DENSITY_SMOOTHING))
    return out


def _select(cands: list[_Candidate], count: int, language: str) -> list[_Candidate]:
    scores, vectors = rank(cands)
    order = sorted(range(len(cands)), key=lambda i: (-scores[i], i))
    if cands[0].opener:  # news: the first sentence, when it can open, anchors the summary
        order.remove(0)
        order.insert(0, 0)
    allowed = budget(cands, language)
    chosen: list[int] = []
    used = used_utf16 = 0
    for i in order:
        if len(chosen) >= count:
            break
        c = cands[i]
        if not c.standalone and (i - 1) not in chosen:
            continue
        if (not chosen or i < min(chosen)) and not c.opener:
            continue
        if any(cosine(vectors[i], vectors[j]) > REDUNDANT for j in chosen):
            continue
        size = _size(c.text, language)
        if chosen and used + size > allowed:
            continue
        if used_utf16 + utf16_len(c.text) + 1 > BUDGET_UTF16:
            continue
        chosen.append(i)
        used += size
        used_utf16 += utf16_len(c.text) + 1
    if not chosen:  # nothing may open: fall back to the best-ranked sentence that fits
        fits = [i for i in order if utf16_len(cands[i].text) <= BUDGET_UTF16]
        chosen = fits[:1]
    return [cands[i] for i in sorted(chosen)]


def join_sentences(sentences: list[str], language: str) -> str:
    return ("" if language == "zh" else " ").join(sentences)


def extractive_summary(
    text: str, language: str | None = None, *, max_sentences: int | None = None
) -> Summary:
    """Summarise an article body (Markdown or plain text) without any network."""
    lang = detect_language(text, language)
    cands = [replace(c, text=compress(c.text, lang)) for c in candidates(text)[:MAX_RANKED]]
    if not cands:
        return Summary("", [], EXTRACTIVE_NAME)
    picked = _select(cands, target_count(len(cands), max_sentences), lang)
    sentences = [c.text for c in picked]
    return Summary(join_sentences(sentences, lang), sentences, EXTRACTIVE_NAME)
