"""Word lists and patterns shared by the entity tracker and the quote finder."""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated words of `text`."""
    return frozenset(text.split())


_CJK_VERBS = (
    "补充说|补充道|接着说|解释说|解释道|回忆说|回忆道|总结道|写道|写到|说道|表示|指出|认为|"
    "强调|坦言|直言|透露|警告|告诉|提到|谈到|回应|回答|问道|感叹|笑称|宣称|声称|承认|形容|"
    "评价|称赞|(?<![小学传据听虽演游劝])说(?![法服明])|"
    "(?<![名堪号简俗统对人职昵尊相声宣笑])称(?![为之作号呼赞])"
)
_EN_VERBS = (
    r"\b(?:said|says|say|told|tells|added|adds|wrote|writes|explained|noted|argued|asked|"
    r"replied|recalled|stated|declared|warned|insisted|continued|remarked|acknowledged|"
    r"admitted|conceded|predicted|observed|suggested|emphasi[sz]ed|stressed|commented|"
    r"announced|tweeted|posted|quipped|cautioned|claimed|contended|maintained|responded|"
    r"answered|according to)\b"
)
SPEECH_VERB = re.compile(f"(?:{_CJK_VERBS})|(?:{_EN_VERBS})", re.IGNORECASE)

CJK_ROLES = (
    "首席执行官|首席财务官|首席技术官|首席运营官|首席投资官|首席经济学家|首席策略师|执行官|"
    "联合创始人|创始人|创办人|董事长|副董事长|副总裁|总裁|总经理|副总经理|经理|分析师|"
    "经济学家|策略师|发言人|新闻发言人|教授|副教授|研究员|主管|负责人|合伙人|董事|总监|部长|"
    "副部长|局长|市长|省长|总统|首相|总理|大使|基金经理|交易员|律师|主任|院长|"
    "校长|委员|议员|秘书长|顾问|工程师|学者|作家|医生|律师|居民|员工|农民|司机|科学家|老板|总编辑|主编|高管|行长|副行长|"
    "CEO|CFO|CTO|COO|CIO"
)
CJK_ROLE_END = re.compile(f"(?:{CJK_ROLES})$")
EN_ROLE_WORDS = words(
    "chief executive ceo cfo cto coo cio president founder co-founder cofounder chairman "
    "chairwoman chair director analyst economist strategist spokesman spokeswoman "
    "spokesperson professor partner manager head minister secretary senator governor mayor "
    "investor researcher lawyer attorney adviser advisor trader editor scientist engineer "
    "official ambassador leader owner officer principal commissioner lawmaker representative "
    "chancellor premier dean fellow author consultant expert vice economist scholar "
    "resident worker student teacher doctor nurse farmer driver novelist historian"
)
# Capitalised words that start sentences or places but never a person's name.
NOT_NAME_START = words(
    "The A An But And Or When While If In On At For As After Before Since Then This That "
    "These Those It He She They We I His Her Their Our Its There Here What Why How Who "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December New San Los Las Hong Wall "
    "Silicon United North South East West Saudi Mount Lake Fort Last Next Some Many Most "
    "Still Yet So Shares Investors Analysts However Meanwhile Also Even Only Like Under Over"
)
ORG_WORDS = words(
    "Capital Management Office Research Affiliates Technology Technologies Markets Market "
    "Group Inc Inc. Corp Corp. Corporation Company Co Co. Partners Bank Fund Funds Holdings "
    "Direct Global Family Street Journal News Times Post University College Institute "
    "Association Council Ministry Department Agency Investments Advisors Advisers Securities "
    "Asset Assets Ventures Labs Analytics Consulting Partnership Systems Solutions Services "
    "International National Federal "
    "Reserve Exchange Index Trust Foundation Center Centre Committee Commission Party Motors "
    "Airlines Energy Media Network Networks Software Semiconductor Electronics Health "
    "Insurance Financial Finance House Valley City County State States Island Islands Bay "
    "River Square Road Avenue Ltd LLC Plc AG SA GmbH Industries Airways Studios "
    "Entertainment Pictures Records Club League Union Police Army Navy Court Senate Congress"
)
HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr|Prof|Gov|Sen|Rep|Gen|Pres|Judge|Sir)\.?\s+$")
TITLE_ROLES = {
    "gov": "Governor",
    "sen": "Senator",
    "rep": "Representative",
    "gen": "General",
    "pres": "President",
    "judge": "Judge",
}
HONORIFIC_GENDER = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}
PRONOUNS = {"他": "m", "她": "f", "he": "m", "she": "f"}
ORG_REFERENCE = re.compile(
    r"^(?:该公司|该机构|该集团|该银行|该基金|该组织|该企业|公司方面|公司|the company|the firm|"
    r"the bank|the group|the agency|the organi[sz]ation)$",
    re.IGNORECASE,
)
CJK_HONORIFIC = re.compile(r"^([\u4e00-\u9fff])(?:先生|女士|小姐|教授|博士)$")
# Leading words of a speaker phrase that are not part of it.
PHRASE_PREFIX = re.compile(
    r"^(?:[,，、:：;；\s—–-]|而|但|则|且|据|另外|此外|不过|随后|同时|然而|并|"
    r"and |but |while |as )+",
    re.IGNORECASE,
)
# Words after a name that can sit between it and its verb ("Smith 周一表示").
PHRASE_SUFFIX = re.compile(
    r"(?:[,，\s]|周[一二三四五六日天]|昨天|今天|日前|此前|近日|也|则|还|曾|在[^,，。]{0,12}上|"
    r"on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|in an interview|"
    r"in a statement|on [a-z]+day|later|also|then)+$",
    re.IGNORECASE,
)
TITLE_BEFORE = re.compile(
    r"(?:以|题为|名为|名叫|称为|称之为|叫做|叫作|所谓|被称为|称作|短语|词语|口号|标语|"
    r"\bdubbed|\bcalled|\btitled|\bheadlined|\bnamed|so-called|known as|\bphrase|\bterm|"
    r"\bword|\bslogan)\s*$",
    re.IGNORECASE,
)
TITLE_AFTER = re.compile(
    r"^\s*(?:为题|为名|一词|一书|这个词|这一说法|的说法|这句话|之称|字样|标签|的口号)"
)
# The most common Chinese family names: a bare 2–4 character phrase before a verb
# of saying is taken as a person's name only when it starts with one of these.
CJK_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳司马上官诸葛"
)
