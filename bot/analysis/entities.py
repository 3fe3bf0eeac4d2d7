"""Who the article talks about: people (full name, surname, role) and organisations.

A quotation's speaker is often only "Cooperman", "he" or "该公司"; the
tracker remembers every introduction and mention so such references resolve to
the full name the article gave first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot.analysis.lexicon import (
    CJK_ROLE_END,
    CJK_ROLES,
    CJK_SURNAMES,
    CJK_SURNAMES_ALL,
    CJK_VERB,
    CONTRACTION,
    EN_ROLE_WORDS,
    FAMILY_GENDER,
    HONORIFIC,
    HONORIFIC_GENDER,
    HONORIFIC_WORDS,
    NOT_NAME_START,
    ORG_WORDS,
    PLACE_PREFIXES,
    SPEECH_VERB,
    TITLE_ROLES,
    words,
)
from bot.analysis.marks import top_level
from bot.analysis.sentences import sentence_starts
from bot.analysis.text import is_cjk_char

Pos = tuple[int, int]  # (paragraph index, character offset)

# Latin capitals and small letters with their accented forms (José, Müller, Łukasz, Søren);
# Latin Extended-A mixes cases, so it stands in both
_UP = "A-ZÀ-ÖØ-Þ\u0100-\u017f"
_LOW = "a-zß-öø-ÿ\u0100-\u017f"
_TOKEN = rf"(?:[{_UP}]\.|[{_UP}][{_UP}{_LOW}0-9'’&-]*)"
_PARTICLE = r"(?:(?:de|van|von|der|da|di|del|la|le|bin|al)\s+)"
LATIN_SEQ = re.compile(rf"(?<![\w.]){_TOKEN}(?:[ ]+{_PARTICLE}?{_TOKEN})*")
_NAME_TOKEN = re.compile(
    rf"(?:[{_UP}]\.|(?:Mc|Mac|O['’])?[{_UP}][{_LOW}]+(?:[-'’][{_UP}]?[{_LOW}]+)*)"
)
_PAREN = re.compile(r"[(（][^()（）]*[)）]")
_CLAUSE_DELIM = re.compile(r"[,，、;；:：。！？!?“”\"「」『』]")
_CJK_ROLE = re.compile(f"(?:{CJK_ROLES})(?=[\u4e00-\u9fff])")
_CJK_DOT_NAME = re.compile(r"(?:[A-Z][·•・‧])?[\u4e00-\u9fff]{1,8}(?:[·•・‧][\u4e00-\u9fff]{1,8})+")
_MASTHEAD = re.compile("[报報网網刊]|日报|日報|电视台|電視台|通讯社|通訊社")
_DOT_CUT = "的是在和与與及为為由对對向从從被把将將了让讓给給据據称稱说說表示在于於"
_CJK_HONORIFIC_NAME = re.compile(
    r"([\u4e00-\u9fff])(先生|女士|小姐|老师|老師|教授|博士|医生|醫生|阿姨|大爷|大爺|师傅|師傅|奶奶|爷爷|爺爺|"
    r"校长|校長|主任|书记|書記|局长|局長|院长|院長|经理|經理|部长|部長|县长|縣長|市长|市長|队长|隊長|"
    r"律师|律師|警官|董事长|董事長|总裁|總裁|太太|太(?![\u4e00-\u9fff]))"
)
CJK_HONORIFIC_GENDER = {
    "先生": "m",
    "女士": "f",
    "小姐": "f",
    "阿姨": "f",
    "奶奶": "f",
    "大爷": "m",
    "大爺": "m",
    "爷爷": "m",
    "爺爺": "m",
    "太太": "f",
    "太": "f",
}
_CLAUSE_OPENING = frozenset(["", "\n", "。", "，", ",", "”", '"', "！", "？", "：", "」"])
_SURNAME_RUN3 = re.compile("(?=([" + "".join(sorted(CJK_SURNAMES)) + "][\u4e00-\u9fff]{2}))")
_CJK_VERB = CJK_VERB
_CJK_BEFORE_VERB = re.compile(
    r"([\u4e00-\u9fff]{2,6}?)(?:周.|昨天|今天|日前|也|还|還|则|則|曾|又|当时|當時|随后|隨後)?$"
)
_GLOSS = re.compile(r"([\u4e00-\u9fff]{2,12})[(（]([A-Z][A-Za-z0-9&.'’ -]{1,40})[)）]")
_GENERIC_TAILS = words(
    "公司 集团 银行 基金 研究 科技 机构 大学 学院 协会 中心 交易所 市场 指数 股份 "
    "控股 资本 证券 投资 管理 技术 研究所 集团公司 有限公司 保险 汽车 电子 能源 "
    "航空 地产 医药 通信 电信 电力 化工 钢铁 物流 食品 传媒 网络 软件 半导体 芯片 "
    "制药 生物 集團 銀行 機構 證券 投資 資本 技術 電子 能源 醫藥 通信 電信 電力 網路 軟體 "
    "半導體 晶片 製藥 控股 保險 汽車"
)
_CLAUSE_OPENER = re.compile(
    r"^(?:而|但|[则則]|[据據]|另外|此外|不[过過]|[随隨][后後]|同[时時]|然而)"
)
_FUNCTION_PREFIX = re.compile(r"^.*[的和与與及但而是在为為从從到其这這那了、]")
_NOT_NAME_CHARS = frozenset(
    "都也还還则則曾对對向在是被把将將会會要就已又的了们們者等和与與及或而但"
)
COMMON_ACRONYMS = words(
    "AI GPU GPUs CPU ETF ETFs IPO GDP US UK EU UN API App CEO CFO CTO PC TV AM PM OK"
)
_EN_ROLE_COMMA = re.compile(
    r"(?:^|[.;:“”\"]\s*|,\s*)(?:(?:its|his|her|their|the|a|an)\s+)?([A-Za-z][^,.;“”\"]{1,60}),\s*$",
    re.IGNORECASE,
)
_HONORIFIC_DISPLAY = {
    "mr": "Mr",
    "mrs": "Mrs",
    "ms": "Ms",
    "miss": "Miss",
    "dr": "Dr",
    "prof": "Prof",
}
# "Darren Turner was brought in…": a subject followed by a verb acts like a person
_PERSON_VERB_AFTER = re.compile(
    r",?\s+(?:was|is|has|had|will|would|could|can|did|does|who|wrote|told|won|went|"
    r"(?!(?:red|bed|shed|need|feed|seed|speed|weed|breed)\b)[a-z]{3,}ed)\b"
)
_AGE_APPOSITIVE = re.compile(r",\s+(?:(?:a|an)\s+)?\d{1,3}(?:-year-old\b|,)")
# "her mother, Fiona, said": a person the article names by one name after a family noun
_FAMILY_BEFORE = re.compile(
    rf"\b(?:his|her|their|my|our|the|[A-Z][\w'’-]*['’]s?)\s+({'|'.join(FAMILY_GENDER)}),\s+$"
)
_INDEFINITE_BEFORE = re.compile(r"\b(?:[Aa]|[Aa]n)\s+$")
_NAME_TITLES = frozenset(["Sir", "Dame", "Lord", "Lady"])
# "Robert Abrams, a geriatric psychiatrist at X Hospital said": a speaker with an appositive
_APPOSITIVE_VERB = re.compile(
    rf",\s+(?:a|an|the)\s[^,.;:]{{3,90}}?,?\s+(?:{SPEECH_VERB.pattern})", re.IGNORECASE
)
_ROLE_REACH = 160  # characters around a name searched for its role
_EN_APPOSITIVE = re.compile(r"^,\s*(?:the |a |an )?([^,;\"“”]{3,80}?)(?=,|;|\.(?:\s|$)|$)")


@dataclass(slots=True)
class Person:
    name: str
    surname: str
    role: str | None = None
    gender: str | None = None
    evidence: bool = False
    mentions: list[Pos] = field(default_factory=list)


@dataclass(slots=True)
class Org:
    name: str
    display: str
    mentions: list[Pos] = field(default_factory=list)


@dataclass(slots=True)
class Registry:
    people: dict[str, Person] = field(default_factory=dict)
    orgs: dict[str, Org] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # CJK name → Latin gloss


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out spans (quotations, parentheticals) keeping offsets."""
    chars = list(text)
    for a, b in spans:
        for i in range(a, min(b, len(chars))):
            chars[i] = " "
    return "".join(chars)


def paren_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _PAREN.finditer(text)]


def strip_parens(text: str) -> str:
    """Drop parentheticals, leaving one space where Latin text meets the cut."""
    prev = None
    while prev != text:
        prev, text = text, _PAREN.sub(" ", text)
    text = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff，。、])", "", text)
    return re.sub(r"\s{2,}", " ", text)


def is_org_name(name: str) -> bool:
    """Capitalised words that may name an organisation (not "AI", "R1" or "CEO")."""
    if len(name.rstrip(".")) < 2 or name in COMMON_ACRONYMS or re.search(r"\d", name):
        return False  # not "X." ("wrote on X."), "AI", "R1"
    if name.rsplit(" ", 1)[-1].rstrip(".").lower() in HONORIFIC_WORDS:
        return False  # "Kansas Gov. Sam Brownback": a title before a name
    return name.lower() not in EN_ROLE_WORDS


def is_person_shape(tokens: list[str]) -> bool:
    """Two to four name-like words, none an organisation or place word."""
    if not 2 <= len(tokens) <= 4 or tokens[0] in NOT_NAME_START:
        return False
    if not all(_NAME_TOKEN.fullmatch(t) for t in tokens):
        return False
    if tokens[-1].rstrip(".").lower() in HONORIFIC_WORDS:
        return False  # "Kansas Gov. Sam Brownback": the title belongs to the name after it
    return not any(t.rstrip(".") in ORG_WORDS or t in ORG_WORDS for t in tokens)


def split_role_prefix(tokens: list[str]) -> tuple[list[str], list[str]]:
    """ "Acme Chief Executive John Smith" → (["Acme", "Chief", "Executive"], ["John", "Smith"])."""
    last_role = -1
    for i, t in enumerate(tokens):
        if t.lower() in EN_ROLE_WORDS:
            last_role = i
    return tokens[: last_role + 1], tokens[last_role + 1 :]


def cjk_role_before(before: str) -> str | None:
    """The role phrase that ends right before a name ("… 的首席执行官"), if any."""
    clause = _CLAUSE_DELIM.split(strip_parens(before))[-1]
    clause = _CLAUSE_OPENER.sub("", clause.strip()).strip()
    clause = re.sub(r"\s+", " ", clause)
    if re.match(r"(?:他们|她们|我们|他們|她們|我們|他|她|我|是|成了|成为)", clause):
        return None  # "他们代表…" is a clause, not a title
    if clause and CJK_ROLE_END.search(clause) and len(clause) <= 60:
        return clause
    return None


def en_role_before(before: str) -> str | None:
    """Role words right before a name: "said Acme analyst Jane Roe", "its chief, Jane Roe"."""
    comma = _EN_ROLE_COMMA.search(before)
    if comma and comma.group(1).split()[-1].lower() in EN_ROLE_WORDS:
        return comma.group(1)
    clause = _CLAUSE_DELIM.split(before)[-1]
    last = clause.split()[-1:]
    if not last or last[0].lower() not in EN_ROLE_WORDS:
        return None  # cheap test first: the verb pattern below is large
    words = SPEECH_VERB.sub("", clause).strip().split()
    if words and words[-1].lower() in EN_ROLE_WORDS:
        return " ".join(words[-6:])
    return None


def en_role_after(after: str) -> str | None:
    m = _EN_APPOSITIVE.match(after)
    if not m:
        return None
    role = m.group(1).strip()
    if SPEECH_VERB.match(role) or role.lower().startswith(("who ", "which ", "that ")):
        return None
    role = re.split(r"\s+(?:who|which|that|whose)\b", role)[0].strip()
    if any(w.lower().strip(".,") in EN_ROLE_WORDS for w in role.split()):
        return role
    return None


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in '.!?。！？:："“”「」'


def role_near(text: str, start: int, end: int) -> str | None:
    before = text[max(0, start - _ROLE_REACH) : start]
    after = text[end : end + _ROLE_REACH]
    return cjk_role_before(before) or en_role_before(before) or en_role_after(after)


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    tokens: list[str]
    role: str | None
    honorific: str | None


# an office named by its department, right before the department's capitals:
# "Secretary of State Antony Blinken", "Chancellor of the Exchequer Rachel Reeves"
_OFFICE_OF = re.compile(
    r"\b((?:[Ss]ecretary|[Mm]inister|[Cc]hancellor|[Gg]overnor|[Dd]irector|[Cc]ommissioner|"
    r"[Cc]hairman|[Cc]hairwoman|[Pp]resident|[Hh]ead|[Cc]hief) of (?:the )?)$"
)


def latin_mentions(text: str) -> list[Mention]:
    """Capitalised word runs, minus leading sentence words and role titles."""
    out: list[Mention] = []
    for m in LATIN_SEQ.finditer(text):
        tokens = m.group(0).split()
        if tokens and re.search(r"['’]s?$", tokens[-1]) and len(tokens[-1]) > 2:
            tokens[-1] = re.sub(r"['’]s?$", "", tokens[-1])  # possessive: "Ms Jackson's"
        start = m.start()
        while tokens and (
            (tokens[0] in NOT_NAME_START and tokens[0] not in PLACE_PREFIXES)
            or CONTRACTION.search(tokens[0])
            or (tokens[0] in PLACE_PREFIXES and len(tokens) == 1)
        ):
            start = text.index(tokens[1], start + len(tokens[0])) if len(tokens) > 1 else m.end()
            tokens = tokens[1:]
        title = None
        while tokens and tokens[0].rstrip(".").lower() in HONORIFIC_WORDS:
            title = tokens[0].rstrip(".").lower()
            start = text.index(tokens[1], start + len(tokens[0])) if len(tokens) > 1 else m.end()
            tokens = tokens[1:]
        owner = next(
            (j for j, t in enumerate(tokens[:-1]) if re.search(r"['’]s$", t)), None
        )  # "Ikea's Ingrid Franov": the name follows the possessive
        if owner is not None:
            start = text.index(tokens[owner + 1], start + len(" ".join(tokens[: owner + 1])))
            tokens = tokens[owner + 1 :]
        if not tokens:
            continue
        office = _OFFICE_OF.search(text, max(0, start - 40), start)
        if office and len(tokens) >= 3:  # "Secretary of State Antony Blinken"
            keep = 3 if re.fullmatch(r"[A-Z]\.", tokens[-2]) else 2
            if is_person_shape(tokens[-keep:]):
                department = " ".join(tokens[:-keep])
                start = text.index(tokens[-keep], start + len(department))
                name = tokens[-keep:]
                office_role = f"{office.group(1)}{department}"
                out.append(Mention(start, start + len(" ".join(name)), name, office_role, title))
                continue
        prefix, name = split_role_prefix(tokens)
        if prefix and name:
            start = text.index(name[0], start + len(" ".join(prefix)))
        if not name:
            continue
        end = start + len(" ".join(name))
        if title is None:
            hon = HONORIFIC.search(text[max(0, start - 8) : start])
            title = hon.group(1).lower() if hon else None
        role = " ".join(prefix) if prefix else TITLE_ROLES.get(title or "")
        out.append(Mention(start, end, name, role, title))
    return out


def _verb_adjacent(text: str, start: int, end: int) -> bool:
    after = text[end : end + 16]
    before = text[max(0, start - 12) : start]
    return bool(
        re.match(rf"\s*(?:周.|[,，]|\s)*(?:{SPEECH_VERB.pattern})", after, re.IGNORECASE)
        or re.search(rf"(?:{SPEECH_VERB.pattern})\s*$", before, re.IGNORECASE)
    )


def _visible(text: str) -> str:
    quotes = [(s.start, s.end) for s in top_level(text)]
    return mask(text, quotes + paren_spans(text))


def _add_person(reg: Registry, name: str, pos: Pos, role: str | None, evidence: bool) -> Person:
    person = reg.people.get(name)
    if person is None:
        person = Person(name, name.split()[-1].rstrip("."))
        reg.people[name] = person
    person.mentions.append(pos)
    person.role = person.role or role
    person.evidence = person.evidence or evidence
    return person


def _family_named(visible: str, m: Mention) -> str | None:
    """The family noun before a one-word name in apposition ("her mother, Fiona,"), if any."""
    if len(m.tokens) != 1 or m.honorific or visible[m.end : m.end + 1] != ",":
        return None
    family = _FAMILY_BEFORE.search(visible, max(0, m.start - 40), m.start)
    return family.group(1) if family else None


def _without_opener(m: Mention, visible: str, full_text: str) -> Mention:
    """ "Enter Stuart R. Kaplan, a graduate…": a capitalised word opening the sentence is not
    part of a name the article also gives without it."""
    if len(m.tokens) < 3 or m.honorific or not _sentence_initial(visible, m.start):
        return m
    rest = " ".join(m.tokens[1:])
    if full_text.count(rest) < 2 or full_text.count(" ".join(m.tokens)) > 1:
        return m
    start = visible.index(m.tokens[1], m.start + len(m.tokens[0]))
    return replace(m, start=start, tokens=m.tokens[1:])


def _scan_latin(
    reg: Registry, index: int, text: str, visible: str, full_text: str
) -> list[Mention]:
    singles: list[Mention] = []
    named_orgs: list[tuple[int, int]] = []  # where "… of Health and Social Care" runs
    for m in (_without_opener(m, visible, full_text) for m in latin_mentions(visible)):
        if any(a <= m.start < b for a, b in named_orgs):
            continue  # "Social Care" inside "Department of Health and Social Care"
        pos = (index, m.start)
        role = m.role or role_near(text, m.start, m.end)
        if len(m.tokens) == 2 and m.tokens[0] in _NAME_TITLES:
            fuller = next((p for p in reg.people.values() if p.name.split()[:2] == m.tokens), None)
            if fuller is not None:  # "Sir Peter" after "Sir Peter Lampl"
                fuller.mentions.append(pos)
                continue
        described = _INDEFINITE_BEFORE.search(visible, max(0, m.start - 4), m.start)
        if is_person_shape(m.tokens) and not described:  # not "…, a Virginia Democrat"
            evidence = bool(
                role
                or m.honorific
                or _verb_adjacent(visible, m.start, m.end)
                or _PERSON_VERB_AFTER.match(visible, m.end)
                or _APPOSITIVE_VERB.match(visible, m.end)
            )
            person = _add_person(reg, " ".join(m.tokens), pos, role, evidence)
            if m.honorific in HONORIFIC_GENDER:
                person.gender = HONORIFIC_GENDER[m.honorific]
        elif (
            len(m.tokens) == 1
            and not m.honorific
            and _AGE_APPOSITIVE.match(visible, m.end)
            and not any(m.tokens[0] in (p.surname, p.name.split()[0]) for p in reg.people.values())
        ):  # "Elena, a 40-year-old Muscovite": a person known by one name; "Parata, 75,"
            # after "Hori Parata", "Yoon, 63," after "Yoon Suk Yeol" are them again (a
            # single, linked below)
            _add_person(reg, m.tokens[0], pos, role, True)
            continue
        elif family := _family_named(visible, m):
            person = _add_person(reg, m.tokens[0], pos, role, True)
            person.gender = person.gender or FAMILY_GENDER[family]
            continue
        elif len(m.tokens) == 1 or m.honorific:
            singles.append(m)
        key = " ".join(m.tokens)
        capitalised_word = len(m.tokens) == 1 and key[1:].islower() and key not in ORG_WORDS
        if capitalised_word and _sentence_initial(visible, m.start):
            continue  # "Economists had warned…" is a sentence start, not a company
        if not is_person_shape(m.tokens) and not m.honorific and is_org_name(key):
            tail = _ORG_OF.match(visible, m.end) if m.tokens[-1] in ORG_WORDS else None
            key += tail.group(0) if tail else ""  # "Bank of England", "Advocates of Kansas"
            if tail:
                named_orgs.append((m.end, tail.end()))
            reg.orgs.setdefault(key, Org(key, key)).mentions.append(pos)
    return singles


_CAPITALISED_RUN = rf"[{_UP}][\w'’.-]*(?: [{_UP}][\w'’.-]*)*"  # as names: "Bank of Québec"
# the rest of an organisation's name: "… of Kansas and Mid-Missouri", "… of the Environment"
_ORG_OF = re.compile(rf" (?:of|for) (?:the )?{_CAPITALISED_RUN}(?: (?:and|&) {_CAPITALISED_RUN})?")


def cjk_name_after_role(text: str, start: int, full_text: str) -> str | None:
    """The 2–4 character name right after a role noun ("发言人王立新在…" → "王立新").

    Prefer the longest length the article repeats; else stop before a verb or a
    function character; else assume the common three characters.
    """
    run = re.match(r"[\u4e00-\u9fff]{2,4}", text[start:])
    if not run or run.group(0)[0] in _NOT_NAME_CHARS:
        return None
    if run.group(0)[0] not in CJK_SURNAMES_ALL and run.group(0)[0] not in "小老阿":
        return None  # "陈校长急需解决…": what follows a title is not always a name
    cand = run.group(0)
    for k in range(len(cand), 1, -1):
        if full_text.count(cand[:k]) >= 2:
            return cand[:k] if not SPEECH_VERB.search(cand[:k]) else None
    for k in range(2, len(cand) + 1):
        rest = text[start + k :]
        if re.match(rf"(?:{SPEECH_VERB.pattern})|[在也还還则則曾对對向,，。、]", rest):
            return cand[:k] if not SPEECH_VERB.search(cand[:k]) else None
    return cand[:3] if len(cand) >= 3 and not SPEECH_VERB.search(cand[:3]) else None


def dot_name_at(text: str, start: int) -> str | None:
    """A transliterated name joined by a middle dot right at `start` ("戴夫·汉森…")."""
    m = _CJK_DOT_NAME.match(text, start)
    name = _trim_dot_tail(m.group(0)) if m else None
    return name if name and _plausible_dot_name(name) else None


def _plausible_dot_name(name: str) -> bool:
    """Not a verb or a masthead joined by a dot ("告诉中国青年报·中国青年网记者")."""
    return not (SPEECH_VERB.search(name) or _MASTHEAD.search(name))


def _trim_dot_tail(name: str) -> str:
    """Cut what follows a dotted name: "戴夫·汉森表示" → "戴夫·汉森"."""
    at = max(name.rfind(dot) for dot in "·•・‧")
    if at < 0:
        return name
    head, sep, last = name[:at], name[at], name[at + 1 :]
    verb = SPEECH_VERB.search(last)
    if verb:
        last = last[: verb.start()]
    cut = re.search(f"[{_DOT_CUT}{_NOT_NAME_CHARS}]", last)
    if cut:
        last = last[: cut.start()]
    last = _AFTER_NAME.sub("", last[:7])[:5]  # "加西亚赛后" → "加西亚"
    return f"{head}{sep}{last}" if len(last) >= 1 else head


# when and how, written right after a name: "曼努埃尔·加西亚赛后说", "…今日表示"
_AFTER_NAME = re.compile(
    r"(?:赛后|賽後|会后|會後|今天|昨天|今日|昨日|日前|近日|当天|當天|[周週][一二三四五六日天]|"
    r"也|还|還|则|則|曾|又|亦|再)+$"
)


def _trim_dot_name(name: str) -> str:
    """Cut what precedes a dotted name: "德国的迈克尔•布兰德" → "迈克尔•布兰德"."""
    first, rest = re.split(r"[·•・‧]", name, maxsplit=1)[0], name
    if len(first) == 1 and first.isascii():
        return name
    cut = re.sub(f"^.*(?:{CJK_ROLES}|[{_DOT_CUT}])", "", first)
    cut = cut[-5:] if len(cut) > 5 else cut
    return (cut or first[-2:]) + rest[len(first) :]


def short_name(name: str) -> str:
    """The form an article repeats: the last part of a dotted name, else the name."""
    parts = re.split(r"[·•・‧]", name)
    return parts[-1] if len(parts) > 1 and len(parts[-1]) >= 2 else name


def _cjk_before_verbs(visible: str) -> list[tuple[int, str]]:
    """(end offset, run) of the CJK run (2–6 characters) right before each verb of saying."""
    out = []
    for verb in _CJK_VERB.finditer(visible):
        floor = max(0, verb.start() - 10)
        m = _CJK_BEFORE_VERB.search(visible[floor : verb.start()])
        if m:
            out.append((floor + m.end(1), m.group(1)))
    return out


# a sentence that opens on a name and says what only a person is ("王小明今年45岁",
# "张伟是一名出租车司机", "李华毕业于…")
_CJK_PERSON_PREDICATE = re.compile(
    r"(?:^|(?<=[。！？!?\n]))([\u4e00-\u9fff]{2,3})(?=今年\d{1,3}岁|今年\d{1,3}歲|是一名|是一位|"
    r"出生于|出生於|出生在|毕业于|畢業於|担任|擔任|现任|現任|曾任|"
    rf"是[^，。；,;]{{0,16}}?(?:{CJK_ROLES})(?:[，。；,;]|$))"  # "李明是北京大学教授。"
)


def _scan_cjk_people(reg: Registry, index: int, visible: str) -> None:
    """Dotted foreign names, surname + honorific (温先生) and names right before a verb."""
    for m in _CJK_DOT_NAME.finditer(visible):
        name = _trim_dot_tail(_trim_dot_name(m.group(0)))
        if not _plausible_dot_name(name):
            continue
        at = m.start() + m.group(0).index(name)
        evidence = _verb_adjacent(visible, at, at + len(name))
        person = _add_person(reg, name, (index, at), None, evidence)
        person.surname = short_name(name)
    for m in _CJK_HONORIFIC_NAME.finditer(visible):
        if m.group(1) in CJK_SURNAMES_ALL:
            person = _add_person(reg, m.group(0), (index, m.start()), None, True)
            person.surname = m.group(0)
            person.gender = person.gender or CJK_HONORIFIC_GENDER.get(m.group(2))
    for m in _CJK_PERSON_PREDICATE.finditer(visible):
        run = m.group(1)
        if run[0] in CJK_SURNAMES_ALL and not re.search(CJK_ROLES, run):
            person = _add_person(reg, run, (index, m.start(1)), None, True)
            person.surname = run  # "王小明今年45岁，是一名…": only a person is said so
    for end, found in _cjk_before_verbs(visible):
        run = re.sub(f"^.*[{_DOT_CUT}，,。、：:；;]", "", found)
        run = re.sub(r"^(?:而|但|则|則|另外|此外|随后|隨後|同时|同時|然而|并|並)", "", run)
        if (
            2 <= len(run) <= 3
            and run[0] in CJK_SURNAMES_ALL
            and run not in reg.people
            and not any(run in p.name for p in reg.people.values() if is_cjk_char(p.name[0]))
            and not re.search(f"[{_DOT_CUT}]|{CJK_ROLES}", run)
        ):
            person = _add_person(reg, run, (index, end - len(run)), None, True)
            person.surname = run


def _frequent_names(reg: Registry, full_text: str) -> None:
    """Three-character runs led by a family name that the article repeats (彭静旋 ×3)."""
    counts: dict[str, int] = {}
    for m in _SURNAME_RUN3.finditer(full_text):
        run = m.group(1)
        if not any(c in _NOT_NAME_CHARS for c in run):
            counts[run] = counts.get(run, 0) + 1
    for run, n in counts.items():
        if n < 2 or run in reg.people or re.search(CJK_ROLES, run) or SPEECH_VERB.search(run):
            continue
        if any(run in p.name or p.name in run for p in reg.people.values()):
            continue
        before = {full_text[m.start() - 1 : m.start()] for m in re.finditer(run, full_text)}
        after = {full_text[m.end() : m.end() + 1] for m in re.finditer(run, full_text)}
        opens = any(b in _CLAUSE_OPENING for b in before)  # "。吴翔宇自称…": a subject
        if (n >= 3 or opens) and len(before) >= 2 and len(after) >= 2:
            person = Person(run, run, evidence=True)
            reg.people[run] = person


def _scan_cjk(reg: Registry, index: int, text: str, visible: str, full_text: str) -> None:
    _scan_cjk_people(reg, index, visible)
    for m in _CJK_ROLE.finditer(visible):
        dotted = dot_name_at(visible, m.end())
        if dotted:
            person = _add_person(
                reg, dotted, (index, m.end()), cjk_role_before(text[: m.end()]), True
            )
            person.surname = short_name(dotted)
            continue
        name = cjk_name_after_role(visible, m.end(), full_text)
        if name is None:
            continue
        if full_text.count(name) < 2 and not _verb_adjacent(visible, m.end(), m.end() + len(name)):
            name = name if len(name) == 3 else None
        if name:
            role = cjk_role_before(text[: m.end()])
            _add_person(reg, name, (index, m.end()), role, True)
    for person in list(reg.people.values()):
        if is_cjk_char(person.name[0]):
            for form in dict.fromkeys((person.name, person.surname)):
                for m in re.finditer(re.escape(form), visible):
                    if (index, m.start()) not in person.mentions:
                        person.mentions.append((index, m.start()))


def _scan_glosses(reg: Registry, full_text: str, index: int, text: str) -> None:
    for m in _GLOSS.finditer(text):
        run, latin = m.group(1), m.group(2).strip()
        if is_person_shape(latin.split()):
            continue
        name = _gloss_name(run, full_text)
        if name:
            reg.aliases.setdefault(name, latin)


def _gloss_name(run: str, full_text: str) -> str | None:
    """The CJK name a Latin gloss explains: "…制造商英伟达(Nvidia)" → "英伟达".

    The longest tail of the run that the article repeats is the name, unless that
    tail is a generic word such as 公司; then the run is cut at its last function
    word ("但伯恩斯坦研究公司" → "伯恩斯坦研究公司").
    """
    for k in range(min(6, len(run)), 1, -1):
        tail = run[-k:]
        if full_text.count(tail) >= 2:
            if tail not in _GENERIC_TAILS:
                return tail
            break
    cut = _FUNCTION_PREFIX.sub("", run)
    return cut if 2 <= len(cut) <= 8 else None


def _link_surnames(reg: Registry, singles: list[tuple[int, Mention]]) -> None:
    by_surname: dict[str, list[Person]] = {}
    for person in reg.people.values():
        by_surname.setdefault(person.surname, []).append(person)
    for index, m in singles:
        for person in by_surname.get(m.tokens[-1], []):
            if person.mentions and person.mentions[0] < (index, m.start):
                person.mentions.append((index, m.start))
                person.evidence = True
                if m.honorific in HONORIFIC_GENDER:
                    person.gender = HONORIFIC_GENDER[m.honorific]
                break
        else:
            first = [
                p
                for p in reg.people.values()
                if " " in p.name
                and p.name.split()[0] == m.tokens[0]
                and p.mentions
                and p.mentions[0] < (index, m.start)
            ]  # only people named before: "Lee Sang-min" later does not make "Lee" ambiguous
            if len(m.tokens) == 1 and len(first) == 1:
                # "Lee" after "Lee Jae-myung", "Xi" after "Xi Jinping": the family name first
                first[0].mentions.append((index, m.start))
                first[0].evidence = True
                continue
            if m.honorific and len(m.tokens) == 1 and m.honorific in _HONORIFIC_DISPLAY:
                # "Mrs May" with no full name earlier: the article's own name for her
                name = f"{_HONORIFIC_DISPLAY[m.honorific]} {m.tokens[0]}"
                person = _add_person(reg, name, (index, m.start), None, True)
                person.surname = m.tokens[0]
                person.gender = HONORIFIC_GENDER.get(m.honorific)
                by_surname.setdefault(m.tokens[0], []).append(person)


def _org_mentions(reg: Registry, index: int, visible: str) -> None:
    for alias, latin in reg.aliases.items():
        display = f"{alias}（{latin}）"
        for m in re.finditer(re.escape(alias), visible):
            org = reg.orgs.setdefault(alias, Org(alias, display))
            org.display = display
            org.mentions.append((index, m.start()))


def sentence_like(heading: str) -> bool:
    """A standfirst set as a heading ("Snopes staff writer David Emery posted to Twitter
    asking…"), not a Title Case headline whose capitals would all look like names."""
    words_ = re.findall(r"[A-Za-z][\w'’-]*", heading)
    lower = sum(1 for w in words_ if w[0].islower())
    return len(words_) >= 8 and lower * 2 >= len(words_)


def _scan_dek_names(reg: Registry, deks: list[tuple[int, str]]) -> None:
    """Full names a standfirst introduces, so the body's bare surname links to them."""
    for index, text in deks:
        visible = _visible(text)
        for m in latin_mentions(visible):
            if is_person_shape(m.tokens) and m.tokens[0] not in NOT_NAME_START:
                _add_person(reg, " ".join(m.tokens), (index, m.start), m.role, False)


def build_registry(
    paras: list[tuple[int, str]],
    deks: list[tuple[int, str]] | None = None,
    starts: dict[int, list[int]] | None = None,
) -> Registry:
    """Scan body paragraphs (index, text) once for people and organisations; `deks` are
    sentence-like headings, read for the full names they introduce and nothing else;
    `starts` are the paragraphs' sentence starts, when the caller has them already."""
    reg = Registry()
    full_text = "\n".join(t for _, t in paras)
    singles: list[tuple[int, Mention]] = []
    _scan_dek_names(reg, [d for d in deks or [] if sentence_like(d[1])])
    for index, text in paras:
        _scan_glosses(reg, full_text, index, text)
    _frequent_names(reg, full_text)
    for index, text in paras:
        visible = _visible(text)
        singles.extend((index, m) for m in _scan_latin(reg, index, text, visible, full_text))
        _scan_cjk(reg, index, text, visible, full_text)
        _org_mentions(reg, index, visible)
    _link_surnames(reg, singles)
    for person in reg.people.values():
        person.mentions.sort()
        reg.orgs.pop(person.surname, None)
    for org in reg.orgs.values():
        org.mentions.sort()
    if starts is None:
        starts = {i: sentence_starts(text) for i, text in paras}
    _genders_from_pronouns(reg, paras, starts)
    return reg


# a sentence that opens on a subject pronoun: "She interviewed …"; not a quotation that
# does ("“She's 87,” he said": she is whoever the speaker talks about)
_OPENING_PRONOUN = re.compile(r"[(\s]*(?:(He|She)\b|(他|她)(?![们們]))")


def _genders_from_pronouns(
    reg: Registry, paras: list[tuple[int, str]], starts: dict[int, list[int]]
) -> None:
    """A sentence naming one person, followed by one that opens on "He"/"She" (他/她), tells
    that person's gender, unless the article ever says otherwise; "she said" can then no
    longer pick the man named last."""
    named: dict[int, list[tuple[int, Person]]] = {}
    for person in reg.people.values():
        for index, offset in person.mentions:
            named.setdefault(index, []).append((offset, person))
    votes: dict[str, set[str]] = {}
    previous: list[Person] = []
    for index, text in paras:
        first = starts[index]
        bounds = list(zip(first, [*first[1:], len(text)], strict=True))
        for start, end in bounds:
            opening = _OPENING_PRONOUN.match(text, start)
            if opening and len({p.name for p in previous}) == 1:
                he = opening.group(1) == "He" or opening.group(2) == "他"
                votes.setdefault(previous[0].name, set()).add("m" if he else "f")
            previous = [p for offset, p in named.get(index, []) if start <= offset < end]
    for name, genders in votes.items():
        person = reg.people[name]
        if person.gender is None and len(genders) == 1:
            person.gender = next(iter(genders))
