"""Direct quotations and who said them, for Chinese and English news text.

A quotation counts only when the article attributes it through a verb of
saying — before it ("X 表示:“…”", "X said: “…”") or after it ("“…,” X said").
Scare quotes, quoted terms and titles have no such verb and are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.analysis.entities import (
    LATIN_SEQ,
    Person,
    Pos,
    Registry,
    build_registry,
    cjk_role_before,
    en_role_after,
    en_role_before,
    is_person_shape,
    latin_mentions,
    strip_parens,
)
from bot.analysis.lexicon import (
    CJK_HONORIFIC,
    CJK_ROLE_END,
    CJK_ROLES,
    CJK_SURNAMES,
    CJK_SURNAMES_ALL,
    CONTRACTION,
    FAMILY_GENDER,
    HONORIFIC_WORDS,
    NOT_NAME_START,
    ORG_REFERENCE,
    PHRASE_PREFIX,
    PHRASE_SUFFIX,
    PLACE_PREFIXES,
    PLURAL_PRONOUNS,
    PRONOUNS,
    SPEECH_VERB,
    TITLE_AFTER,
    TITLE_BEFORE,
    TRANSLITERATION_CHARS,
    words,
)
from bot.analysis.marks import OPEN_TO_CLOSE, TOP_LEVEL_OPENERS, Span, top_level
from bot.analysis.sentences import SENTENCE_DOT, sentence_starts
from bot.analysis.text import cjk_count, is_cjk_char, paragraphs, text_weight

QUOTES_NAME = "quotes-v40"  # cache key for find_quotes results; bump when output may change
MAX_PHRASE = 48  # text_weight of a speaker phrase ("Salesforce 首席执行官 Marc Benioff")
MAX_LEAD_IN = 30  # text_weight between a verb and the quotation it introduces
PRONOUN_WINDOW = 4  # paragraphs back that a pronoun may reach
_STOPS = re.compile(rf"[。！？!?；;]|{SENTENCE_DOT}(?=\s|$)")  # not "Mr." or "F."
_END_PUNCT = ",，.。!！?？…;；:："
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_JUNCTION = "\u2063"  # marks where a continued quotation's paragraphs were joined
_ANY_MARK = re.compile("[“\"'‘「『«]")
_SPACE = " \t\u200e\u200f\u00a0"
_CLAUSE_START = re.compile(r"[.!?。！？,，;；:：“”\"「」]")
_REPORT_VERB = re.compile(
    rf"{SPEECH_VERB.pattern}|\b(?:believes?|believed|thinks?|thought|recalls?|recalled|"
    r"remembers?|remembered|feels?|felt|hopes?|hoped|fears?|feared|wonders?|wondered|"
    r"describes?|described|admits?|insists?|explains?|adds?)\b|觉得|覺得|回忆|回憶|希望|坦言|感慨",
    re.IGNORECASE,
)
_ROLE_NOUNS = (
    r"spokes(?:man|woman|person)|representative|official|officer|source|statement|"
    r"head teacher|headteacher|teacher|doctor|nurse|witness|neighbou?r|friend|relative|"
    r"resident|student|police|spokesman|prosecutor|judge|lawyer|attorney|analyst|expert|"
    r"insider|employee|worker|manager|director|minister|secretary|commissioner|chairman|"
    r"chairwoman|chief|leader|source|woman|man|mother|father|wife|husband|son|daughter|"
    r"dad|mum|mom|brother|sister|boy|girl|grandfather|grandmother|user|customer|fan|viewer|"
    r"reader|parent|passenger|traveller|traveler|shopper|voter|member|supporter|critic|"
    r"victim|survivor|patient|pupil|child|neighbour|neighbor|colleague|owner"
)
_UNNAMED_EN = re.compile(
    rf"(?:a|an|the|one|another|his|her|their)\s+((?:[\w'’-]+\s+){{0,3}}(?:{_ROLE_NOUNS})"
    r"(?:\s+(?:for|of|at|from|with|in|on)\s+[^,;:“”\"]{1,60}?)?)",
    re.IGNORECASE,
)
# "officials said", "police said": a group the article does not name
_UNNAMED_GROUP = re.compile(
    r"((?:(?:[A-Z][\w'’-]*|local|senior|federal|state|city|county|government|military|"
    r"health|security|rescue|fire)\s+){0,2}"
    r"(?:officials|police|witnesses|residents|experts|analysts|investigators|authorities|"
    r"prosecutors|researchers|scientists|campaigners|protesters|sources|officers|doctors|"
    r"organisers|organizers|rescuers))"
)
_UNNAMED_ZH = re.compile(
    r"((?:一位|一名|有|该|這位|这位)?[\u4e00-\u9fff]{0,10}(?:发言人|發言人|负责人|負責人|工作人员|"
    r"工作人員|民警|村民|居民|男子|女子|业主|業主|市民|店员|店員|员工|員工|司机|司機|游客|遊客|乘客|"
    r"家长|家長|医生|醫生|老师|老師|律师|律師))"
)
# where an English speaker phrase starts: "…referred to the Commission - while he once"
_EN_CLAUSE_BREAK = re.compile(
    r"\s[-–—]\s|\b(?:while|whereas|but|who|which|because|although|when)\s", re.IGNORECASE
)
_INDEFINITE = re.compile(
    r"(?:也|还|還|更)?(?:有人|有的人|也有人|有些人|不少人|很多人|someone|somebody|one person|"
    r"one man|one woman|others|many|some)(?:也|还|還|则|則)?",
    re.IGNORECASE,
)
_INVERTED = re.compile(
    r"\s+(?:(?:Mr|Mrs|Ms|Dr|Sir|Lord)\.?\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}\s*[,:]?\s*"
)
_AFTER_VERB = re.compile(
    r"[,”\"’']\s*(?:said|says|added|adds|explained|explains|according to|wrote|writes)\s+"
    r"(?:[A-Z][\w&]*['’]s\s+|the\s+)?$"
)
_OBJECT_BEFORE = re.compile(
    r"\b(?:to|at|with|for|from|by|about|towards|toward|against|asked|told|thanked)\s+"
    r"(?:(?:Mr|Mrs|Ms|Dr|Miss)\.?\s+)?$",
    re.IGNORECASE,
)
# an epithet in apposition: "Name, “…,” verbs on" with no verb of saying on either side
_EPITHET_BEFORE = re.compile(r"\b[A-Z][\w'’-]+,$")
_EPITHET_AFTER = re.compile(
    rf"(?!(?:{SPEECH_VERB.pattern}))(?!(?:he|she|they|it|I|we)\b)[a-z][a-z'’-]+\s"
)
_TITLE_DOT = re.compile(
    r"\b(" + "|".join(sorted(w.capitalize() for w in HONORIFIC_WORDS)) + r")\.(?=\s+[A-Z])"
)
_PRONOUN_OPENS = re.compile(r"^(he|she|He|She)\s+[a-z]+(?:ed|s)?\b(?!\s*$)")
_DEFINITE = re.compile(r"^(?:the|his|her|their)\s", re.IGNORECASE)
_CJK_TIME = (
    r"(?:\d{1,4}年)?(?:\d{1,2}月)?(?:\d{1,2}[日号號])?"
    r"(?:上午|下午|晚间|晚間|晚上|早上|凌晨|当天|當天)?"
)
# days and relative times a subject may carry: "拜登周二…", "李家超今日…"
_CJK_DAY = (
    r"(?:今日|昨日|明日|当日|當日|早前|稍早|本周|本週|上周|上週|"
    r"[周週][一二三四五六日天]|星期[一二三四五六日天])"
)
_CJK_CORE_PREFIX = re.compile(
    rf"^(?:{_CJK_TIME}|{_CJK_DAY}|此前|近日|日前|昨天|今天|随后|隨後|对此|對此|经常|經常|常常|一直|"
    r"有位|有名|有|一位|一名|一些|这名|這名|这位|這位|该名|該名|赛后|賽後|会后|會後)+"
)
_CJK_CORE_SUFFIX = re.compile(
    rf"(?:{_CJK_TIME}|{_CJK_DAY}|[对對向跟和与與给給][^,，。]{{1,12}}|"
    r"接受[^,，。]{1,20}(?:采访|採訪|专访|專訪|查询|查詢|访问|訪問)(?:时|時)?|"
    # how it was said: "激动地说", "苦笑說"
    r"激动地|激動地|无奈地|無奈地|坦然地|感慨地|认真地|認真地|平静地|平靜地|兴奋地|興奮地|"
    r"坚定地|堅定地|坦率地|笑着|笑著|苦笑|哭着|哭著|叹气|嘆氣|"
    r"在[^,，。]{1,15}(?:上|中|时|時|里|裡|后|後|前)|"
    # "法官判刑時指出", "李太作供時哭訴": what the speaker was doing
    r"(?:判刑|作供|求情|陈词|陳詞|宣判|开庭|開庭|发言|發言|讲话|講話|演讲|演講|致辞|致詞|回应|回應|"
    r"受访|受訪|作证|作證|出席|会见|會見|谈及|談及|提及|谈到|談到|被问及|被問及|被问到|被問到|"
    r"答问|答問)(?:时|時)|"
    r"曾|也|还|還|又|续|續|另|则|則|再次|随后|隨後|当时|當時|赛后|賽後|会后|會後|事后|事後|"
    r"官方微博|官微|微博|公众号|公眾號|"
    r"此前|近日|日前|昨天|今天|公开|公開|哭诉|哭訴|补充|補充|回应|回應|通报|通報|发布|發布|同时|同時|"
    r"如此|这样|這樣|对外|對外|于|於|当面|當面|当场|當場|亲自|親自|公开|公開|自|"
    r"发文|發文|撰文|透露|解释|解釋|表示|认为|認為|强调|強調|指出|告诉|告訴|回答|回忆|回憶)+$"
)
_INTRODUCED = re.compile(
    rf"(?:{SPEECH_VERB.pattern}|[回亏虧骂罵批评評喊问問答])\s*[:：︰,，]?\s*$", re.IGNORECASE
)
_INTRODUCED_LIST = re.compile(
    rf"(?:{SPEECH_VERB.pattern}|[回亏虧骂罵喊问問答]|批评|批評)\s*[:：︰,，]?\s*[“「\"]"
)
# "店员告诉中国青年报记者“五五分成”": said to the reporter, however short
_TOLD_REPORTER = re.compile(
    r"(?:告诉|告訴|对|對|向)[^,，。“”「」]{0,24}(?:记者|記者|笔者|筆者)(?:说|說|表示)?\s*[:：︰]?\s*$"
)
_VOCATIVE = re.compile(
    r"(?:妈妈|媽媽|爸爸|妈|媽|爸|宝贝|寶貝|孩子|老师|老師|医生|醫生|大夫|叔叔|阿姨|爷爷|爺爺|奶奶|"
    r"姐姐|哥哥|弟弟|妹妹|儿子|兒子|女儿|女兒|同学们|同學們|大家|各位|朋友们|朋友們|亲爱的|親愛的)"
    r"[啊呀,，!！]"
)
# "网友整理董又霖主持语录,…,其中出现“A”、“B”": a person's collected sayings, quoted in a list
_SAYINGS = re.compile(
    r"(?:语录|語錄|金句|名言|名句)[^。！？!?“”「」]{0,30}(?:[“「][^。！？!?]*?[”」]、)*$"
)
_ROLE_THEN_NAME = re.compile(rf"(?:{CJK_ROLES})([\u4e00-\u9fff][\u4e00-\u9fff·•]{{1,6}})$")
_DESCRIBED_ROLE = re.compile(
    rf"的([\u4e00-\u9fff]{{0,6}}(?:{CJK_ROLES}|老人|母亲|母親|父亲|父親|妈妈|媽媽|爸爸))$"
)
_PLURAL_ROLE = re.compile(rf"((?:{CJK_ROLES})[们們])")
_NAME_THEN_ROLE = re.compile(rf"([\u4e00-\u9fff]{{2,3}})({CJK_ROLES}|院士|先生|女士)")
_NAME_THEN_ADVERB = re.compile(
    r"^([\u4e00-\u9fff]{2,3})(?:就|也|还|還|则|則|曾|又|便|亦|再|更|一直|随即|隨即|当即|當即|立即|"
    r"一边|一邊|一面)"
)
_CJK_SPEAKER_TAIL = re.compile(
    r"(?:奶奶|爷爷|爺爺|母亲|母親|父亲|父親|妈妈|媽媽|爸爸|家属|家屬|家人|局|部|院|委|厅|廳|署|办|辦|"
    r"公司|集团|集團|政府|大使馆|大使館|组织|組織|协会|協會|银行|銀行|学校|學校|医院|醫院|法院|警方|方面|网友|網友|人士|"
    r"媒体|媒體|交警|公安|消防|气象台|氣象台|海关|海關|中心|联盟|聯盟|联合会|聯合會|商会|商會|足总|足總)$"
)
_CJK_PLURAL_PRONOUNS = words(
    "我们 我們 你们 你們 他们 他們 她们 她們 它们 它們 人们 人們 咱们 咱們"
)
_CJK_DESCRIBED_SUBJECT = re.compile(
    r"^((?:[老小]|[\u4e00-\u9fff]{1,2})?(?:奶奶|爷爷|爺爺|母亲|母親|父亲|父親|妈妈|媽媽|爸爸|"
    r"妻子|丈夫|儿子|兒子|女儿|女兒|家属|家屬))(?![\u4e00-\u9fff]{0,1}们)"
)
_CJK_PLACE_SUFFIX = re.compile(
    r"在[^,，。在]{1,15}(?:上|中|时|時|里|裡|后|後|前)[\u4e00-\u9fff]{0,6}$|"
    r"在[^,，。在“”「」]{2,8}$"  # "拜登在白宫" (说): where, not who
)
_PROPOSED = re.compile(r"提出\s*[:：︰,，]?\s*$")
_IN_WORDS = re.compile(r"^In (?:(.{2,60}?)['’]s?|(his|her|their)) (?:own )?words$")
_POSSESSIVE_PRONOUN = {"his": "he", "her": "she", "their": "they"}
_IN_VIEW = re.compile(r"^[在据據](?=[^,，]{2,12}(?:看来|看來|眼中|眼里|眼裡|心中|心里|心裡)$)")
_CJK_BARE = re.compile(r"[\u4e00-\u9fff·•・]{2,10}")
_NOT_BARE = "的了是在和与與及或但而就都把被让讓给給这這那哪什么麼谁誰吗嗎呢吧啊也还還"
_CJK_NOT_SPEAKER = words(
    "报道 報道 报告 報告 文章 数据 數據 消息 声明 聲明 资料 資料 研究 调查 調查 "
    "结果 結果 记者 記者 有人 大家 人们 人們 网上 網上 一边 一邊 一面 业绩 業績 "
    "外界 媒体 媒體 舆论 輿論 评论 評論 分析 传言 傳言"
)
_SUBJECT_OPENERS = re.compile(
    r"^(?:(?:but|and|as|then|so|while|when|yet|later|meanwhile|随后|隨後|而|但|则|則|并|並|据|據|"
    r"其中|此外|另外|同时|同時|当时|當時|后来|後來)\s*)+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quote:
    quote: str
    speaker: str
    role: str | None


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    role: str | None


@dataclass(slots=True)
class _Found:
    pos: Pos
    parts: list[str]
    speaker: Speaker | None
    own: bool = False  # attributed by its own verb, not taken from context


def _is_speech_shaped(text: str, span: Span) -> bool:
    """False for scare quotes, quoted terms, titles and parenthetical phrases."""
    inner = span.inner(text).strip()
    if not inner:
        return False
    full_sentence = inner[-1] in _END_PUNCT or text[span.end : span.end + 1] in ("。", ".")
    before = text[: span.start].rstrip()
    introduced = bool(
        _INTRODUCED.search(before[-8:])
        or _TOLD_REPORTER.search(before[-30:])
        or _SAYINGS.search(before[-60:])
    ) or (before.endswith("、") and bool(_INTRODUCED_LIST.search(before[-400:])))
    sentence_start = max([0, *(m.end() for m in _STOPS.finditer(before))])
    clause_initial = before.endswith((",", "，", ":", "：", "︰")) and bool(
        SPEECH_VERB.search(before, sentence_start)
    )  # "X认为,如果…,“一翻眼就暴露了”": a clause of its own after the verb
    if introduced and _PROPOSED.search(before[-8:]) and not full_sentence:
        return False  # "提出“共同富裕”的目标": a proposal's name, not words said
    if introduced:
        floor = 3
    elif (full_sentence and inner[-1] in _END_PUNCT) or clause_initial:
        floor = 4
    else:
        floor = 10
    if text_weight(inner) < floor:
        return False
    after = text[span.end :].lstrip()
    if before.endswith(("(", "（", "《")) and after.startswith((")", "）", "》")):
        return False
    epithet = _EPITHET_BEFORE.search(before[-40:]) and _EPITHET_AFTER.match(after)
    if epithet and not SPEECH_VERB.search(after[:30]):
        return False  # "Lorenz, “the father of chaos,” started…": a name's epithet

    return not (TITLE_BEFORE.search(before[-24:]) or TITLE_AFTER.match(after))


def _clean_phrase(phrase: str) -> str:
    phrase = _TITLE_DOT.sub(r"\1", strip_parens(phrase))  # "Dr. Feel" → "Dr Feel"
    phrase = PHRASE_PREFIX.sub("", phrase.strip())
    phrase = PHRASE_SUFFIX.sub("", phrase)
    return phrase.strip(" ,，、:：")


class _Resolver:
    """Turns a speaker phrase at a position into a full name and role."""

    def __init__(
        self, reg: Registry, sentence_starts: dict[int, list[int]], texts: dict[int, str]
    ) -> None:
        self.reg = reg
        self.sentence_starts = sentence_starts
        self.texts = texts
        self.full_text = "\n".join(texts.values())
        self.unnamed: list[tuple[Pos, Speaker]] = []  # "a spokesman" speakers, in order seen

    def person_by_surname(self, surname: str, pos: Pos) -> Speaker | None:
        """The person a bare surname stands for: of those sharing it, the one seen last."""
        best = None
        for person in self.reg.people.values():
            if person.surname == surname and person.mentions and person.mentions[0] <= pos:
                last = max(m for m in person.mentions if m <= pos)
                if best is None or last > best[0]:
                    best = (last, person)
        return Speaker(best[1].name, best[1].role) if best else None

    def pronoun(self, gender: str, pos: Pos) -> Speaker | None:
        """The nearest compatible person, preferring one last seen as a subject."""
        best: tuple[tuple[bool, Pos], Person] | None = None
        for person in self.reg.people.values():
            if person.gender and gender and person.gender != gender:
                continue
            earlier = [m for m in person.mentions if m < pos and m[0] >= pos[0] - PRONOUN_WINDOW]
            if not earlier:
                continue
            subject = [m for m in earlier if self._is_subject(m)]
            # someone who just opened a sentence is a person even if never seen speaking
            recent = any(m[0] >= pos[0] - 1 for m in subject) and " " in person.name
            if not (person.evidence or recent):
                continue
            key = (bool(subject), max(subject or earlier))
            if best is None or key > best[0]:
                best = (key, person)
        near = [(p, sp) for p, sp in self.unnamed if p < pos and p[0] >= pos[0] - 2]
        if near and (best is None or near[-1][0] > best[0][1]):
            return near[-1][1]
        return Speaker(best[1].name, best[1].role) if best else None

    def _is_subject(self, pos: Pos) -> bool:
        """A mention that opens its clause ("Cleary 又让…", "But Smith said")."""
        text = self.texts.get(pos[0], "")
        before = _CLAUSE_START.split(text[: pos[1]])[-1]
        before = _SUBJECT_OPENERS.sub("", before.strip())
        if text_weight(before) <= 2:
            return True
        if _AFTER_VERB.search(text[max(0, pos[1] - 24) : pos[1]]):
            return True  # "…, said Ikea's Ingrid Franov": the speaker of an inverted attribution
        return bool(cjk_role_before(before) or en_role_before(before)) and text_weight(before) <= 24

    def org_reference(self, pos: Pos, *, subject_only: bool = False) -> Speaker | None:
        """ "该公司" / "the company": the first organisation earlier in its own sentence ("In a
        post announcing Energy Control's service, the group promised…"), else the first
        one of the nearest earlier sentence."""
        best: tuple[tuple[int, int, int], str] | None = None
        here = (pos[0], self._sentence_of(pos))
        if not subject_only:
            same = [
                (m[1], org.display)
                for org in self.reg.orgs.values()
                for m in org.mentions
                if m[0] == pos[0] and m[1] < pos[1] and self._sentence_of(m) == here[1]
            ]
            if same:
                return Speaker(min(same)[1], None)
        for org in self.reg.orgs.values():
            for m in org.mentions:
                sentence = (m[0], self._sentence_of(m))
                if sentence >= here or m[0] < pos[0] - 1:
                    continue
                if subject_only and not self._opens_sentence(m):
                    continue
                key = (*sentence, -m[1])
                if best is None or key > best[0]:
                    best = (key, org.display)
        return Speaker(best[1], None) if best else None

    def _opens_sentence(self, pos: Pos) -> bool:
        """The mention is its sentence's subject: "The agency warned…", not "…told the agency"."""
        starts = self.sentence_starts.get(pos[0], [0])
        start = max((s for s in starts if s <= pos[1]), default=0)
        lead = self.texts.get(pos[0], "")[start : pos[1]]
        return not _SUBJECT_OPENERS.sub("", re.sub(r"^[Tt]he\b", "", lead.strip())).strip()

    def _sentence_of(self, pos: Pos) -> int:
        starts = self.sentence_starts.get(pos[0], [0])
        return sum(1 for s in starts if s <= pos[1])

    def latin(self, phrase: str, pos: Pos) -> Speaker | None:
        inside_orgs = [
            (at, at + len(name))
            for name in self.reg.orgs
            if " " in name and (at := phrase.find(name)) >= 0
        ]  # "Social Care" in "the Department of Health and Social Care" is nobody
        mentions = [
            m
            for m in latin_mentions(phrase)
            if not _OBJECT_BEFORE.search(phrase[max(0, m.start - 14) : m.start])
            and phrase[m.end : m.end + 2] not in ("'s", "’s")
            and not any(a <= m.start and m.end <= b for a, b in inside_orgs)
        ]  # "He turned to Mr Kennedy … and said": Kennedy is spoken to, not speaking; in
        # "Lee Jae-myung, Yoon’s rival, described…" Yoon is neither
        for m in reversed(mentions):
            if is_person_shape(m.tokens):
                name = " ".join(m.tokens)
                known = self.reg.people.get(name)
                if known is None or not known.evidence:
                    continue
                role = self._role_in(phrase, m.start, m.end) or known.role
                return Speaker(name, role)
        for m in reversed(mentions):
            found = self.person_by_surname(m.tokens[-1], pos)
            if found and (len(m.tokens) == 1 or m.honorific):
                return Speaker(found.name, self._role_in(phrase, m.start, m.end) or found.role)
        for m in reversed(mentions):
            if len(m.tokens) == 1 and not m.honorific:
                first = [
                    p
                    for p in self.reg.people.values()
                    if p.name.split()[0] == m.tokens[0] and p.mentions and p.mentions[0] < pos
                ]
                if len(first) == 1 and " " in first[0].name:  # "Vladimir" after "Vladimir Frolov"
                    return Speaker(first[0].name, first[0].role)
        for m in reversed(mentions):
            if is_person_shape(m.tokens):
                name = " ".join(m.tokens)
                fuller = self.fuller_name(m.tokens)
                if fuller:
                    return fuller
                return Speaker(name, self._role_in(phrase, m.start, m.end) or m.role)
        return None

    def described(self, phrase: str, description: str, pos: Pos) -> Speaker | None:
        """ "the relieved father", "the home secretary": the named person it stands for.

        Only a definite description resolves: to the person whose role contains it,
        or for family words (father, wife…) to the nearest person of that gender.
        """
        if not _DEFINITE.match(phrase):
            return None
        words_ = description.lower().split()
        for size in (2, 1):
            tail = " ".join(words_[-size:])
            if len(words_) < size:
                continue
            for person in self.reg.people.values():
                if person.role and tail in person.role.lower() and person.mentions[0] < pos:
                    return Speaker(person.name, person.role)
        gender = FAMILY_GENDER.get(words_[-1]) if words_ else None
        aged = bool(re.match(r"(?:the\s+)?\d{1,3}-year-old\b", phrase, re.IGNORECASE))
        if gender or aged:  # "the relieved father"; "the 61-year-old retired teacher"
            found = self.pronoun(gender or "", pos)
            if found and found.name in self.reg.people:
                return found
        return None

    def fuller_name(self, tokens: list[str]) -> Speaker | None:
        """ "Sir Peter" after "Sir Peter Lampl": the full name the article gave first."""
        for person in self.reg.people.values():
            parts = person.name.split()
            if len(parts) > len(tokens) and parts[: len(tokens)] == tokens:
                return Speaker(person.name, person.role)
        return None

    @staticmethod
    def _role_in(phrase: str, start: int, end: int) -> str | None:
        return (
            cjk_role_before(phrase[:start])
            or en_role_before(phrase[:start])
            or (en_role_after(phrase[end:]))
        )

    def cjk(self, phrase: str, pos: Pos) -> Speaker | None:
        if not cjk_count(phrase):
            return None
        phrase = _cjk_core(phrase) or phrase
        for person in self.reg.people.values():
            if is_cjk_char(person.name[-1]) and phrase.endswith(person.name):
                role = cjk_role_before(phrase[: -len(person.name)]) or person.role
                return Speaker(person.name, role)
        for person in self.reg.people.values():
            dotted = re.search("[·•・‧]", person.name) and len(person.surname) >= 2
            if dotted and phrase.endswith(person.surname):  # "汉森" for 戴夫·汉森
                return Speaker(person.name, person.role)
        hon = CJK_HONORIFIC.match(phrase)
        if hon:
            for person in self.reg.people.values():
                if person.name.startswith(hon.group(1)) and is_cjk_char(person.name[0]):
                    return Speaker(person.name, person.role)
        for alias, org in self.reg.orgs.items():
            if is_cjk_char(alias[0]) and re.fullmatch(rf"{re.escape(alias)}(?:方面|公司)?", phrase):
                return Speaker(org.display, None)
        if _CJK_NAME.fullmatch(phrase) and phrase[0] in CJK_SURNAMES and phrase[-1] != "们":
            return Speaker(phrase, None)
        if _transliterated(phrase):
            return self._remember(Speaker(phrase, None), pos)  # "普京说：“…”"
        core = _cjk_core(phrase)
        tail = _ROLE_THEN_NAME.search(core)
        if (
            tail
            and (
                tail.group(1)[0] in CJK_SURNAMES_ALL
                or re.search("[·•]", tail.group(1))
                or _transliterated(tail.group(1))
            )
            and not re.search(f"[{_NOT_BARE}]", tail.group(1))
            and not re.search(CJK_ROLES, tail.group(1))
            and len(re.sub("[·•]", "", tail.group(1)))
            <= (5 if _transliterated(tail.group(1)) else 4)
        ):
            name = tail.group(1)  # "大禾村村民陈福香": the words after the role are the name
            found = Speaker(name, cjk_role_before(core[: -len(name)]))
            # a foreign name ("总统普京") is in no registry: "他" finds it through here
            return self._remember(found, pos) if _transliterated(name) else found
        titled = _NAME_THEN_ROLE.fullmatch(core)
        if titled and titled.group(1)[0] in CJK_SURNAMES_ALL:
            return Speaker(titled.group(1), titled.group(2))  # "钟南山院士"
        lead = _NAME_THEN_ADVERB.match(phrase)
        if lead and lead.group(1)[0] in CJK_SURNAMES_ALL:
            return Speaker(lead.group(1), None)  # "施志安就引用…的话说"
        return None

    def seen_at_start(self, phrase: str, rest: int) -> Speaker | None:
        """A speaker already quoted opens the phrase: "小刚嘟囔半天" → 小刚."""
        for _, speaker in reversed(self.unnamed):
            name = speaker.name
            if len(name) >= 2 and phrase.startswith(name) and len(phrase) - len(name) <= rest:
                return speaker
        return None

    def cjk_bare(self, phrase: str, pos: Pos) -> Speaker | None:
        """A short subject the article uses as a name ("小花奶奶", "拉布", "市教育局")."""
        core = _cjk_core(phrase)
        described = _DESCRIBED_ROLE.search(core) or _PLURAL_ROLE.fullmatch(core)
        if described:  # "一位不愿透露姓名的业内人士", "村民们": a description, nobody named
            return self._remember(Speaker(described.group(1), None), pos)
        if core == phrase or not core:
            return self._bare(core, pos) if core else None
        return self._resolve_clean(core, pos) or self._bare(core, pos)

    def _bare(self, core: str, pos: Pos) -> Speaker | None:
        if not _CJK_BARE.fullmatch(core) or re.search(f"[{_NOT_BARE}]", core):
            return None
        if core in _CJK_NOT_SPEAKER or core in _CJK_PLURAL_PRONOUNS:
            return None
        holder = self._holder_of(core, pos)
        if holder is not None:
            return holder  # "法官續指" after "法官郭偉倫…": the judge named before
        if (
            self.full_text.count(core) < 2
            and not _CJK_SPEAKER_TAIL.search(core)
            and not CJK_ROLE_END.search(core)
        ):
            return None  # a one-off noun ("作用") is not someone the article follows; a
            # role ("专家分析：“…”") is a description that speaks
        return self._remember(Speaker(core, None), pos)

    def _holder_of(self, role: str, pos: Pos) -> Speaker | None:
        """The person named earlier with this role, the most recently mentioned one."""
        best: tuple[Pos, Person] | None = None
        for person in self.reg.people.values():
            if not (person.role and person.role.endswith(role) and is_cjk_char(role[0])):
                continue
            earlier = [m for m in person.mentions if m < pos]
            if earlier and (best is None or max(earlier) > best[0]):
                best = (max(earlier), person)
        return Speaker(best[1].name, best[1].role) if best else None

    def _remember(self, speaker: Speaker, pos: Pos) -> Speaker:
        """A speaker named nowhere in the registry, kept so that a later 他/she finds it."""
        if not self.unnamed or self.unnamed[-1][0] < pos:
            self.unnamed.append((pos, speaker))
        return speaker

    def resolve(self, phrase: str, pos: Pos) -> Speaker | None:
        phrase = _clean_phrase(phrase)
        if not phrase or text_weight(phrase) > MAX_PHRASE:
            return None
        clause = _EN_CLAUSE_BREAK.split(re.split(r"[,，;；]", phrase)[-1])[-1].strip() or phrase
        first = re.split(r"[,，;；]", phrase)[0].strip()
        bare = re.sub(r"^(?:[Tt]he|[Aa]n?)\s+", "", phrase)
        org = self.reg.orgs.get(bare) if " " in bare else None
        if org is not None and bare not in self.reg.people:
            return Speaker(org.display, None)  # "the Department of Health and Social Care"
        named = self._appositive_head(phrase, pos)
        if named:
            return named
        related = self._relation(clause, pos)
        if related:
            return related
        for candidate in dict.fromkeys((clause, phrase)):
            found = self._resolve_clean(candidate, pos)
            if found:
                return found
        opener = _PRONOUN_OPENS.match(first)
        if opener:  # "He turned to X, …, and said"
            return self._resolve_clean(opener.group(1), pos)
        for candidate in dict.fromkeys(
            (clause, phrase, first, _cjk_core(clause), _cjk_core(first))
        ):
            if _INDEFINITE.fullmatch(candidate):
                return Speaker("", None)  # "有人说" / "someone shouted": said, by nobody named
            unnamed = (
                _UNNAMED_EN.fullmatch(candidate)
                or _UNNAMED_GROUP.fullmatch(candidate)
                or _UNNAMED_ZH.fullmatch(candidate)
            )
            if unnamed:  # "a spokesman for the council said": the article names no one
                named = self.described(candidate, unnamed.group(1), pos)
                if named:
                    return named
                speaker = Speaker(unnamed.group(1).strip(), None)
                if not self.unnamed or self.unnamed[-1][0] < pos:
                    self.unnamed.append((pos, speaker))
                return speaker
        return None

    def _relation(self, phrase: str, pos: Pos) -> Speaker | None:
        """ "Smith's family", "the lawyer of John Smith", "his widow": someone known only
        by whose they are; the speaker is that relation, never the person it is of."""
        m = _OWNED.fullmatch(phrase) or _OF_OWNER.fullmatch(phrase)
        if m:
            owner = self.latin(m.group("owner"), pos)
            return Speaker(f"{owner.name if owner else m.group('owner')}’s {m.group('rel')}", None)
        m = _POSSESSED.fullmatch(phrase)
        if m is None:
            return None
        gender = {"his": "m", "her": "f"}.get(m.group("poss").lower())
        owner = self.pronoun(gender, pos) if gender else None
        if owner is None or not owner.name:
            return Speaker(phrase, None)
        return Speaker(f"{owner.name}’s {m.group('rel')}", None)

    def _appositive_head(self, phrase: str, pos: Pos) -> Speaker | None:
        """ "Igor Zagorskiy, deputy director of the Russian Anti-Doping Agency, Rusada, told":
        the person heading an appositive chain, not the body named at its end."""
        segments = [s.strip() for s in re.split(r"[,，]", phrase)]
        if len(segments) < 3 or not segments[1][:1].islower():
            return None
        found = self.latin(segments[0], pos)
        if found is None or found.name not in self.reg.people:
            return None
        return Speaker(found.name, found.role or en_role_after(", " + segments[1]))

    def _resolve_clean(self, phrase: str, pos: Pos) -> Speaker | None:
        low = phrase.lower()
        if low in PRONOUNS:
            return self.pronoun(PRONOUNS[low], pos)
        if low in PLURAL_PRONOUNS:  # "they said": the spokesman or the organisation before
            near = [(p, sp) for p, sp in self.unnamed if p < pos and p[0] >= pos[0] - 2]
            return near[-1][1] if near else self.org_reference(pos)
        if ORG_REFERENCE.match(phrase):
            found = self.org_reference(pos)
            if found is None and low.startswith("the "):
                found = Speaker(phrase[4:], None)  # "the airline said", no airline named
            return found
        if low == "it":  # "…,” it said: the body that opened the sentence before, if any
            return self.org_reference(pos, subject_only=True)
        found = self.latin(phrase, pos)
        if found:
            return found
        found = self.cjk(phrase, pos)
        if found:
            return found
        if cjk_count(phrase) and not latin_mentions(phrase):
            found = self.cjk_bare(phrase, pos) or self.seen_at_start(_cjk_core(phrase), 6)
            if found:
                return found
        head, _, rest = phrase.partition(",")
        head = re.sub(r"^[Tt]he\s+(?=[A-Z])", "", head.strip())  # "the White House said"
        if head.rstrip(".").lower() in HONORIFIC_WORDS:
            return None  # "Mr:" alone is never a name
        opener = head.split()[0] if head else ""
        if (
            LATIN_SEQ.fullmatch(head)
            and (opener not in NOT_NAME_START or opener in PLACE_PREFIXES)
            and not CONTRACTION.search(opener)
        ):
            named = latin_mentions(head)
            if named and named[-1].role and len(named[-1].tokens) == 1:
                head = named[-1].tokens[0]  # "President Assad" → "Assad"
            org = self.reg.orgs.get(head)  # "Nvidia said", "Smith, a lawyer, said"
            return Speaker(
                org.display if org else head, en_role_after(f",{rest}") if rest else None
            )
        return None


def _transliterated(name: str) -> bool:
    """A foreign name written in Chinese: 普京, 马克龙, 泽连斯基 (2–5 such characters)."""
    return 2 <= len(name) <= 5 and all(c in TRANSLITERATION_CHARS for c in name)


def _cjk_core(phrase: str) -> str:
    """Drop dates, addressees and adverbials around a subject: "6月2日拉布在议会中" → "拉布"."""
    if not cjk_count(phrase):
        return phrase.strip()
    prev = None
    core = phrase.strip()
    while prev != core:
        prev = core
        core = _CJK_CORE_PREFIX.sub("", core).strip()
        core = _CJK_CORE_SUFFIX.sub("", core).strip()
        core = _CJK_PLACE_SUFFIX.sub("", core).strip()
    return core


def _sentence_end(text: str, start: int, limit: int) -> int:
    m = _STOPS.search(text, start, limit)
    return m.start() if m else limit


_QUOTED_AS = re.compile(r"\bquoted\s+([^,;:“”\"]{2,60}?)\s+as\s+saying\b")
_DASH_CREDIT = re.compile(
    r"\s*(?:—{1,2}|–|--)\s*([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}|[\u4e00-\u9fff·]{2,8})"
    r"(?:\s*[,，][^“”\"\n]{0,80})?\s*"
)


def _after(text: str, span: Span, limit: int) -> tuple[str, str] | None:
    """("X said" form) → (speaker phrase, text after the verb up to the next quotation)."""
    end = _sentence_end(text, span.end, limit)
    window = text[span.end : end]
    quoted = _QUOTED_AS.search(window)
    if quoted:  # "…," Reuters quoted John Smith as saying.
        return quoted.group(1), text[span.end + quoted.end() : limit]
    credit = _DASH_CREDIT.fullmatch(text, span.end, limit)
    if credit:  # "“…” — Jane Smith, director of the agency": a pull quote's credit
        return credit.group(1), ""
    verb = SPEECH_VERB.search(window)
    if verb is None or verb.group(0).lower() == "saying":
        return None  # "“A.” X retweeted it, saying, “B”": "saying" only ever leads into words
    phrase = window[: verb.start()]
    rest_start = span.end + verb.end()
    if not _clean_phrase(phrase):  # "…," said Jane Doe, an analyst.
        phrase = window[verb.end() :].split(",")[0]  # the name, not the appositive's nouns
        rest_start = end
    if re.search(r"[“”\"「」]", phrase) or text_weight(_clean_phrase(phrase)) > MAX_PHRASE:
        return None
    leads_on = limit < len(text) and not text[span.end + verb.end() : limit].strip(" ,，:：︰")
    new_clause = re.search(r"[,，;；]\s*\S", phrase.strip(" ,，")) or re.match(
        r"\s*[,，;；]\s*(?:但|而|也|还|還|又|不过|不過)", phrase
    )
    if leads_on and new_clause:
        return None  # "“A”,但…,也有人缓颊“B”": the verb introduces the next quotation
    if cjk_count(phrase) and re.search(r"[,，;；]", _clean_phrase(phrase)):
        if re.match(r"\s*(?:[这這此该該的一等]|对此|對此|就此|对于?这|對於?這)", phrase):
            # "“…”这一判断,他表示认同" / "“…”对此,李博灏认为…": the quotation is an object
            # here, or what the next speaker answers
            return None
        phrase = re.split(r"[,，;；]", _clean_phrase(phrase))[-1]
    return phrase, text[rest_start:limit]


# "Smith's family", "the lawyer of John Smith", "his widow": known by whose they are
_RELATIONS = (
    r"(?P<rel>family|relatives|parents|mother|father|wife|husband|son|daughter|brother|"
    r"sister|widow|widower|partner|girlfriend|boyfriend|fianc[ée]e?|lawyers?|attorneys?|"
    r"solicitors?|agent|publicist|manager|friends?|colleagues?|neighbou?rs?|aides?)"
)
_OWNER = r"(?P<owner>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})"
_OWNED = re.compile(rf"(?:[Tt]he |[Aa]n? )?{_OWNER}['’]s? {_RELATIONS}")  # "Smith's family"
_OF_OWNER = re.compile(rf"(?:[Tt]he |[Aa]n? )?{_RELATIONS} of {_OWNER}")  # "the family of X"
_POSSESSED = re.compile(rf"(?P<poss>[Hh]is|[Hh]er|[Tt]heir) {_RELATIONS}")  # "his family"
# a verb, perhaps where or to whom, then a colon: it leads into the quotation after it
_COLON_LEAD = re.compile(r"[^.!?。！？“”\"「」\n]{0,60}?[:：︰]\s*")
# verbs whose object is who was spoken to: the name after them is not the speaker
_ADDRESSEE_VERBS = frozenset({"told", "tells", "asked", "asks", "urged", "warned", "assured"})


def _before(text: str, start: int, floor: int) -> str | None:
    """("X 表示:“…”" form) → the speaker phrase before the verb that leads into `start`."""
    stop = max([floor, *(m.end() for m in _STOPS.finditer(text, floor, start))])
    lead = text[stop:start]
    if stop == floor > 0 and lead[:1].strip() and lead[:1] not in ",，;；":
        # right after an earlier quotation the first clause ends that one's sentence
        cut = re.search(r"[,，;；]", lead)
        if cut and SPEECH_VERB.search(lead, cut.end()):
            lead = lead[cut.end() :]
    for verb in reversed(list(SPEECH_VERB.finditer(lead))):
        lead_in = lead[verb.end() :]
        if text_weight(lead_in) > MAX_LEAD_IN:
            break
        possessive = re.search(r"['’]s\W*$", lead_in)  # "said Yoon’s “…”": whose, not who
        addressed = verb.group(0).lower() in _ADDRESSEE_VERBS  # "told The Independent “…”"
        if _INVERTED.fullmatch(lead_in) and not possessive and not addressed:
            return lead_in  # "…, says Bethan, “…”"
        phrase = lead[: verb.start()]
        if verb.group(0) == "道" and re.search(r"[\u4e00-\u9fff]{4}$", phrase):
            phrase = phrase[:-2]  # "英国媒体渲染道": the verb's own stem goes with it
        return phrase
    return None


def _spoken_line(text: str, span: Span) -> bool:
    """A Chinese paragraph that is one whole spoken sentence in quotation marks."""
    inner = span.inner(text).strip()
    alone = not text[: span.start].strip(_SPACE) and not text[span.end :].strip(_SPACE + "。")
    return (
        alone
        and cjk_count(inner) >= 8
        and inner[-1:] in "。！？!?…"
        # people talking (first/second person or addressing someone), not a slogan or a title
        and bool(re.search(r"[我你您咱]", inner) or _VOCATIVE.match(inner))
    )


_APPOSITIVE_TAIL = re.compile(
    r",\s+(?:a|an|the|who|whose|his|her|its|their|one of)\s[^“”\"]*$|"
    # "…,” adds Jules Middleton, blogger and pastor at The Point Church.": a bare role
    r"^(\W*\w+\s+[^,“”\"]+),\s+(?!.*\b(?:is|are|was|were|has|have|had|will|would|can|could|"
    r"did|does|do|who|which|that)\b)[^“”\"]*$",
    re.IGNORECASE,
)
_ADDS_CONTENT = (
    r"(?:that|who|which|whose|whom|adding|noting|saying|explaining|arguing|insisting|but|yet|"
    r"although|though|because|while|whereas)\b"
)
# a word, not a quoted name: "Radio 4's" is one, "‘Mirkov’" is not
_WORD_OF_COMPLEMENT = rf"(?!{_ADDS_CONTENT})(?![‘'])(?:(?:[A-Z]\.)+|[^\s“”‘\"«»「」.!?。！？,;:]+)"
# what an English attribution may carry after its verb: "of himself and his party",
# "reporters aboard Air Force One", "on Tuesday", "in a statement" (no new clause or sentence)
_ATTRIBUTION_COMPLEMENT = re.compile(
    rf"\s*,?\s+{_WORD_OF_COMPLEMENT}(?:,?\s+{_WORD_OF_COMPLEMENT}){{0,13}}"
    r"(?:\s*[.,:;—–]|(?<=\.))\s*",  # "… wrote on X." ends on the dot of its last word
    re.IGNORECASE,
)


# "“A,” he said, adding, “B.”": the attribution leads straight on into the next part
_LEADS_ON = re.compile(
    r"\s*,?\s+(?:and\s+)?(?:adding|noting|continuing|explaining|concluding)\s*[,:]?\s*"
)


def _joins(rest: str, *, attributed: bool = False) -> bool:
    """Does the next quotation continue this one after its attribution?

    Yes when only punctuation separates them: "“A,” X said, “B.”", "“A,” X said. “B.”",
    or two paragraphs of one quotation. When `rest` follows an attribution's verb, also when
    it only says where, when or to whom ("“A,” X said on Tuesday. “B.”"), but not when it
    adds words of its own ("…, adding that …") or a new sentence ("X said. He paused.").
    """
    if re.fullmatch(r"[\s,，:：;；.。—–\-\u200e\u200f\u2063]*", rest):
        return True
    return attributed and bool(_ATTRIBUTION_COMPLEMENT.fullmatch(rest) or _LEADS_ON.fullmatch(rest))


class _Finder:
    def __init__(
        self, paras: list[tuple[int, str]], deks: list[tuple[int, str]] | None = None
    ) -> None:
        starts = {i: sentence_starts(t) for i, t in paras}
        self.resolver = _Resolver(build_registry(paras, deks, starts), starts, dict(paras))
        self.paras = paras

    def run(self) -> list[Quote]:
        found: list[_Found] = []
        prev: tuple[int, str] | None = None
        prev_speaker: Speaker | None = None  # last speaker quoted in the previous paragraph
        tail: _Found | None = None
        for index, text in self.paras:
            colon_phrase = None
            context: Speaker | None = prev_speaker
            if prev is not None:
                if prev[1].rstrip()[-1:] in ":：︰":
                    colon_phrase = _before(prev[1], len(prev[1].rstrip()) - 1, 0)
                if context is None and _ANY_MARK.search(text):
                    context = self._reported_subject(
                        prev[0], prev[1], len(prev[1])
                    ) or self._paragraph_subject(prev[0], prev[1])
            items = self._paragraph(index, text, colon_phrase, context, tail)
            found.extend(items)
            prev_speaker = next(
                (f.speaker for f in reversed(items) if f.speaker and f.speaker.name), None
            )
            if items:
                named = items[-1].speaker is not None and bool(items[-1].speaker.name)
                tail = items[-1] if named and self.ends_on_quote(text) else None
            elif tail is None or not self.ends_on_quote(text):
                tail = None
            prev = (index, text)
        return _assemble(found)

    def _reported_subject(self, index: int, text: str, end: int) -> Speaker | None:
        found = self._reported_subject_any(index, text, end)
        return found if found and found.name else None

    def _reported_subject_any(self, index: int, text: str, end: int) -> Speaker | None:
        """Who the last reported speech before `end` is about ("Mr Jones says it…")."""
        for verb in list(_REPORT_VERB.finditer(text, max(0, end - 400), end))[::-1][:3]:
            phrase = _before(text, verb.end(), 0)
            if phrase is None:
                stop = max([0, *(m.end() for m in _STOPS.finditer(text, 0, verb.start()))])
                phrase = text[stop : verb.start()]
            found = self.resolver.resolve(phrase, (index, verb.start()))
            if found:
                return found
        return None

    def _clause_subject(self, index: int, text: str, start: int) -> Speaker | None:
        """The person who opens the sentence a quotation ends ("温先生松了口气,“…”")."""
        stop = max([0, *(m.end() for m in _STOPS.finditer(text, 0, start))])
        clauses = re.split(r"[,，;；]", text[stop:start])
        for clause in dict.fromkeys((clauses[-1], clauses[0])):
            found = self._subject_in(index, stop, clause)
            if found:
                return found
        return None

    def _subject_in(self, index: int, stop: int, clause: str) -> Speaker | None:
        clause = _SUBJECT_OPENERS.sub("", PHRASE_PREFIX.sub("", clause.strip())).strip()
        clause = re.sub(r"^[在当當](?=[他她])", "", clause)  # "在他访问嘉宾时" → "他…"
        clause = _IN_VIEW.sub("", clause)  # "在张严看来" → "张严…": whose view follows
        if not clause:
            return None
        words_of = _IN_WORDS.match(clause)
        if words_of:  # "In Dr. Shadlen's words, “…”", "In her own words: “…”"
            owner = words_of.group(1) or _POSSESSIVE_PRONOUN[words_of.group(2)]
            return self.resolver.resolve(owner, (index, stop))
        head = re.match(r"(?:他们|她们|他|她|[Hh]e|[Ss]he)(?![\u4e00-\u9fff]{0,1}们)", clause)
        if head:
            return self.resolver.resolve(head.group(0), (index, stop))
        pos = (index, stop)
        for person in self.resolver.reg.people.values():
            for form in dict.fromkeys((person.name, person.surname)):
                if len(form) >= 2 and clause.startswith(form) and is_cjk_char(form[0]):
                    return Speaker(person.name, person.role)
        mentions = latin_mentions(clause)
        opening = mentions and (
            mentions[0].start == 0
            or clause[: mentions[0].start].strip().rstrip(".").lower() in HONORIFIC_WORDS
        )
        if mentions and opening:
            found = self.resolver.resolve(clause[: mentions[0].end], pos)
            known = found is not None and (
                found.name in self.resolver.reg.people
                or self.resolver.full_text.count(found.name) >= 3
            )
            return found if known else None  # someone the article follows, never "Ordinary …"
        described = _CJK_DESCRIBED_SUBJECT.match(clause)
        if described:  # "老母亲得知…": a kinship or role noun opens the clause
            return Speaker(described.group(1), None)
        return None

    def _paragraph(
        self,
        index: int,
        text: str,
        colon_phrase: str | None,
        context: Speaker | None,
        tail: _Found | None = None,
    ) -> list[_Found]:
        """Quotations of one paragraph; `tail` is a quotation the previous paragraph ended on."""
        spans = top_level(text)
        out: list[_Found] = []
        last_speaker: Speaker | None = None
        carry: list[str] = []  # an unattributed quotation right before the next one
        open_item = tail if tail and spans and not text[: spans[0].start].strip(_SPACE) else None
        for k, span in enumerate(spans):
            limit = spans[k + 1].start if k + 1 < len(spans) else len(text)
            if not (open_item or _is_speech_shaped(text, span)):
                carry = []
                continue
            item = _Found((index, span.start), [span.inner(text).strip()], None)
            after = _after(text, span, limit)
            if after is not None and self._introduces_next(text, spans, k, index):
                after = None  # "X表示,“A。”Y则回答称,“B”": Y's verb leads into B, not A
            own = self._attribute(text, spans, k, after, colon_phrase, index)
            own_after = after is not None and self.resolver.resolve(after[0], item.pos) is not None
            junction = _JUNCTION in text[max(0, span.start - 3) : span.start]
            # the last paragraph of a continued quotation may carry the only attribution
            takes_over = junction and open_item is not None and not open_item.own and own_after
            same = own is None or (open_item is not None and own == open_item.speaker)
            if open_item is not None and (takes_over or (not own_after and same)):
                open_item.parts.extend(item.parts)
                if takes_over and own is not None:
                    open_item.speaker, open_item.own = own, True
                item.speaker = open_item.speaker
            else:
                open_item = None
                item.speaker = own
                item.own = own is not None
                nobody = own is None or not own.name
                listed = (
                    nobody
                    and k > 0
                    and out
                    and out[-1].pos == (index, spans[k - 1].start)
                    and text[: span.start].rstrip().endswith("、")
                )  # only the item right before a “A”、“B” list item lends its speaker
                if listed and text[out[-1].pos[1] : span.start].count("“") <= 12:
                    item.speaker = out[-1].speaker  # “A”、“B”: items of one list
                whole = item.parts[0][-1:] in _END_PUNCT or text[span.end : span.end + 1] in "。."
                if item.speaker is None and whole:
                    item.speaker = self._from_context(index, text, span, last_speaker, context)
                if item.speaker is None and self._same_subject(text, spans, k, out, index):
                    item.speaker = last_speaker  # "X直接回“A”,见到Y,亏“B”": one subject
                if item.speaker is None and _SAYINGS.search(
                    text[max(0, span.start - 400) : span.start]
                ):
                    item.speaker = self._sayings_of(index, text, span.start)
                if item.speaker is None and self._opens_clause(text, span):
                    item.speaker = self._subject_after(index, text, span) or (
                        self._reported_subject(index, text, span.start)
                        if text[: span.start].strip(_SPACE + _JUNCTION)
                        else None
                    )
                if item.speaker is None and _spoken_line(text, span):
                    item.speaker = Speaker("", None)  # a line of dialogue nobody is named for
                if item.speaker:
                    item.parts = carry + item.parts
                    last_speaker = item.speaker
                    out.append(item)
            current = open_item or (out[-1] if out and item.speaker else None)
            by_after = (
                after is not None
                and item.speaker is not None
                and bool(item.speaker.name)
                and (
                    # "“A,” he said. “B.”": a pronoun there is this quotation's attribution,
                    # whoever it was resolved to
                    after[0].strip().lower() in PRONOUNS
                    or self.resolver.resolve(after[0], item.pos) == item.speaker
                )
            )
            rest = after[1] if by_after and after else text[span.end : limit]
            # "“A,” X said on Tuesday. “B.”" (after "“A.” X said…" a new sentence has begun)
            attributed = by_after and not item.parts[-1].endswith(".")
            joins = _joins(rest, attributed=attributed)
            open_item = current if current and k + 1 < len(spans) and joins else None
            if item.speaker is None and not text[span.end : limit].strip(_SPACE + _JUNCTION + "\n"):
                carry = carry + item.parts
            else:
                carry = []
        return out

    def _introduces_next(self, text: str, spans: list[Span], k: int, index: int) -> bool:
        """The verb after quotation k runs straight into the next one, and k has its own speaker."""
        if k + 1 >= len(spans):
            return False
        span = spans[k]
        verbs = list(SPEECH_VERB.finditer(text, span.end, spans[k + 1].start))
        if not verbs:
            return False
        lead = text[verbs[-1].end() : spans[k + 1].start]
        if _COLON_LEAD.fullmatch(lead):
            return True  # "王强回答：“B”", "Oduya later posted on Instagram: “B”"
        if lead.strip(" ,，:：︰"):
            return False
        phrase = _before(text, span.start, spans[k - 1].end if k else 0)
        return phrase is not None and self.resolver.resolve(phrase, (index, span.start)) is not None

    @staticmethod
    def ends_on_quote(text: str) -> bool:
        """Only an attribution (or nothing) follows the paragraph's last quotation."""
        spans = top_level(text)
        if not spans:
            return False
        rest = text[spans[-1].end :]
        verb = SPEECH_VERB.search(rest)
        if verb:
            rest = rest[: verb.start()] + rest[verb.end() :]
            # "…,” says Parata, a fierce elder of the tribe.": who the speaker is, not news
            rest = _APPOSITIVE_TAIL.sub(lambda m: m.group(1) or "", rest)
            return text_weight(rest) <= 24
        return text_weight(rest) <= 4

    def _from_context(
        self,
        index: int,
        text: str,
        span: Span,
        last_speaker: Speaker | None,
        context: Speaker | None,
    ) -> Speaker | None:
        """A quotation with no verb of its own: speaker from the sentence or paragraph before."""
        lead = text[: span.start].rstrip(" \u200e\u200f")
        if not lead.strip():
            return self._subject_after(index, text, span) or context
        if lead[-1] in ",，:：︰—–":
            return (
                self._reported_in_sentence(index, text, span.start)
                or self._clause_subject(index, text, span.start)
                or last_speaker
                or self._previous_sentence_subject(index, text, span.start)
            )
        if lead[-1] in "。.!?！？”\"’'」』":
            return (
                last_speaker
                or self._reported_subject(index, text, span.start)
                or self._subject_after(index, text, span)
                or self._previous_sentence_subject(index, text, span.start)
            )
        if is_cjk_char(lead[-1]) and span.inner(text).strip()[-1:] in "。！？!?…":
            # "刘明听了眼睛一红“辞职信我收回吧……”": a whole spoken sentence ends the clause
            found = self._clause_subject(index, text, span.start)
            if found and found.name in self.resolver.reg.people:
                return found
        return None

    def _reported_in_sentence(self, index: int, text: str, start: int) -> Speaker | None:
        """ "教体局通报称,…,小刚…,“…”": the subject of a verb of saying earlier in the sentence."""
        stop = max([0, *(m.end() for m in _STOPS.finditer(text, 0, start))])
        verbs = list(SPEECH_VERB.finditer(text, stop, start))
        if not verbs:
            return None
        phrase = text[stop : verbs[0].start()]
        return self.resolver.resolve(phrase, (index, verbs[0].start()))

    def _subject_after(self, index: int, text: str, span: Span) -> Speaker | None:
        """ "“…。”吴翔宇自称…": a known person opening the sentence right after the quotation."""
        follow = text[span.end :].lstrip(_SPACE + "，,。.")
        clause = re.split(r"[,，;；:：。.!?！？]", follow)[0]
        found = self._subject_in(index, span.end, clause) if clause else None
        if found is None and cjk_count(clause):
            found = self._role_then_known(clause)
        return found if found and found.name in self.resolver.reg.people else None

    @staticmethod
    def _same_subject(text: str, spans: list[Span], k: int, out: list[_Found], index: int) -> bool:
        """Quotation k follows a verb, in the same sentence as the last quotation found."""
        if not k or not out or out[-1].pos != (index, spans[k - 1].start):
            return False
        speaker = out[-1].speaker
        if speaker is None or not speaker.name or out[-1].parts[-1][-1:] in "。！？!?":
            return False  # nobody named, or the last quotation ended its own sentence
        start = spans[k].start
        return bool(_INTRODUCED.search(text[max(0, start - 8) : start])) and not _STOPS.search(
            text, spans[k - 1].end, start
        )

    def _sayings_of(self, index: int, text: str, start: int) -> Speaker | None:
        """Whose 语录/金句/名言 the sentence lists: a known person named just before the word."""
        stop = max([0, *(m.end() for m in _STOPS.finditer(text, 0, start))])
        word = list(re.finditer(r"语录|語錄|金句|名言|名句", text[stop:start]))
        if not word:
            return None
        window = text[max(stop, stop + word[0].start() - 16) : stop + word[0].start()]
        best: tuple[int, int, Speaker] | None = None
        for person in self.resolver.reg.people.values():
            at = window.rfind(person.name) if len(person.name) >= 2 else -1
            # at one place, the form the article uses most ("董又霖", not "董又霖主")
            key = (at, self.resolver.full_text.count(person.name))
            if at >= 0 and (best is None or key > best[:2]):
                best = (*key, Speaker(person.name, person.role))
        return best[2] if best else None

    @staticmethod
    def _opens_clause(text: str, span: Span) -> bool:
        """ "“…”,刘兴亮劝导…": a quotation opening its sentence, a comma after it."""
        lead = text[: span.start].rstrip(_SPACE + _JUNCTION)
        opens = not lead.strip() or lead[-1] in "。.!?！？”\"’'」』"
        return opens and text[span.end : span.end + 1] in (",", "，")

    def _role_then_known(self, clause: str) -> Speaker | None:
        """ "院长刘兴亮从…分析", "镇居民杨一飞谈起…": a described known person opens the clause."""
        best: tuple[int, Speaker] | None = None
        for person in self.resolver.reg.people.values():
            name = person.name
            if len(name) < 2 or not is_cjk_char(name[0]):
                continue
            at = clause.find(name)
            if 0 < at <= 24 and CJK_ROLE_END.search(clause[:at]) and (best is None or at < best[0]):
                best = (at, Speaker(name, person.role))
        return best[1] if best else None

    def _paragraph_subject(self, index: int, text: str) -> Speaker | None:
        """The person a paragraph is about: the subject of its last sentences, last first."""
        ends = [m.end() for m in _STOPS.finditer(text)] or [len(text)]
        if ends[-1] < len(text.rstrip()):
            ends.append(len(text))
        for end in reversed(ends[-4:]):
            found = self._previous_sentence_subject(index, text, end)
            if found and found.name:
                return found
        return None

    def _previous_sentence_subject(self, index: int, text: str, start: int) -> Speaker | None:
        """The person who opens the quotation's sentence or the one before ("彭静旋…。“…”")."""
        bounds = [0, *(m.end() for m in _STOPS.finditer(text, 0, start))]
        sentences = [(bounds[-1], start)]
        if len(bounds) >= 2:
            sentences.append((bounds[-2], bounds[-1]))
        for begin, end in sentences:
            for clause in reversed(re.split(r"[,，;；:：]", text[begin:end])):
                found = self._subject_in(index, begin, clause)
                if found:
                    return found
                seen = self.resolver.seen_at_start(clause.strip(), 8)
                if (
                    seen
                    and seen.name
                    and not _CJK_SPEAKER_TAIL.match(clause.strip()[len(seen.name) :])
                ):
                    return seen  # "小刚沉默了一会。…说:“…”"
        return None

    def _attribute(
        self,
        text: str,
        spans: list[Span],
        k: int,
        after: tuple[str, str] | None,
        colon_phrase: str | None,
        index: int,
    ) -> Speaker | None:
        """Speaker from the text after the quotation, before it, or a colon lead-in."""
        span = spans[k]
        pos = (index, span.start)
        floor = spans[k - 1].end if k else 0
        phrase = _before(text, span.start, floor)
        # "杨书记信心满满：“A。”刘芳表示，…": a colon names the speaker before the words
        colon_led = text[floor : span.start].rstrip().endswith((":", "：", "︰"))
        if colon_led and phrase is not None and (found := self.resolver.resolve(phrase, pos)):
            return found
        if colon_led and cjk_count(text[floor : span.start]):
            found = self._clause_subject(index, text, span.start)  # "杨书记信心满满：“…”"
            if found:
                return found
        if after and (found := self.resolver.resolve(after[0], pos)):
            return found
        if phrase is not None and (found := self.resolver.resolve(phrase, pos)):
            return found
        if phrase is not None and cjk_count(phrase):  # "…,他…,直接回“…”": the clause's subject
            found = self._clause_subject(index, text, span.start)
            if found:
                return found
        if colon_phrase is not None and not text[: span.start].strip():
            return self.resolver.resolve(colon_phrase, (index - 1, len(text)))
        return None


def merge_open_quotes(paras: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join a paragraph whose quotation stays open with the next one that reopens it.

    English news continues a multi-paragraph quotation by leaving the closing
    mark off and opening the next paragraph with a fresh one.
    """
    out: list[tuple[int, str]] = []
    for index, text in paras:
        if out:
            prev_index, prev = out[-1]
            spans = top_level(prev)
            if spans and not spans[-1].closed and text.lstrip()[:1] in TOP_LEVEL_OPENERS:
                closer = OPEN_TO_CLOSE[prev[spans[-1].start]]
                out[-1] = (prev_index, f"{prev.rstrip()}{closer}{_JUNCTION} {text.lstrip()}")
                continue
        out.append((index, text))
    return out


def _wide(ch: str) -> bool:
    """CJK characters and full-width punctuation: no space goes next to them."""
    return bool(ch) and (is_cjk_char(ch) or ord(ch) >= 0x3000)


def _join_parts(parts: list[str]) -> str:
    """Join the pieces of a split quotation ("A," X said, "B." → "A, B.")."""
    out = parts[0]
    for part in parts[1:]:
        if out.endswith(",") and re.match(r"[A-Z]", part) and not re.match(r"I\b", part):
            out = out[:-1] + "."  # "…industry," + "The pioneers…" were two sentences
        elif re.search(r"[A-Za-z0-9]$", out) and re.match(r"[A-Z]", part):
            out += " …"  # "“…what is written” in that law, X said. “There…”": words left out
        elif out and part and is_cjk_char(out[-1]) and is_cjk_char(part[0]):
            out += "，"  # "“…这样的事情”，马莉说，“爸爸…”": the comma stood outside the marks
        tight = _wide(out[-1:]) or (out[-1:] in ",.;:!?" and _wide(part[:1]))
        out = out + ("" if tight else " ") + part
    return out.rstrip(",，:： ")


def _assemble(found: list[_Found]) -> list[Quote]:
    return [
        Quote(_join_parts(f.parts), f.speaker.name, f.speaker.role)
        for f in sorted(found, key=lambda f: f.pos)
        if f.speaker is not None
    ]


def find_quotes(text: str, language: str | None = None) -> list[Quote]:
    """Direct quotations with their speakers, in article order.

    Each quotation is its own entry, so a speaker quoted twice appears twice.
    `language` is a hint only; both Chinese and English rules always run.
    """
    del language
    tagged = paragraphs(text)
    paras = [(p.index, p.text) for p in tagged if p.kind == "body"]
    deks = [(p.index, p.text) for p in tagged if p.kind == "heading"]
    return _Finder(merge_open_quotes(paras), deks).run()
