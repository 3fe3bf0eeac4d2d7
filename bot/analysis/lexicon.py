"""Word lists and patterns shared by the entity tracker and the quote finder."""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated words of `text`."""
    return frozenset(text.split())


# Simplified and traditional forms; bare 说/說 and 称/稱 exclude the compounds that
# are not speech (小说, 据说, 说法, 称为, 名称, …).
_CJK_VERBS = (
    "补充说|补充道|補充說|補充道|接着说|接著說|解释说|解释道|解釋說|解釋道|回忆说|回忆道|"
    "回憶說|回憶道|总结道|總結道|写道|寫道|写到|寫到|说道|說道|表示|指出|认为|認為|强调|強調|"
    "坦言|直言|透露|警告|告诉|告訴|提到|谈到|談到|回应|回應|回答|问道|問道|感叹|感嘆|笑称|"
    "笑稱|宣称|宣稱|声称|聲稱|承认|承認|形容|评价|評價|称赞|稱讚|介绍|介紹|呼吁|呼籲|坦承|"
    "重申|批评|批評|吐槽|调侃|調侃|缓颊|緩頰|回复|回覆|反问|反問|追问|追問|质疑|質疑|抱怨|怒斥|痛斥|"
    "嘲讽|嘲諷|感慨|留言|发文|發文|直言|坦言|喊道|叹道|嘆道|答道|笑道|证实|證實|说明|說明|"
    # "委员张近东提出“…”", never "提出建议" (the end: where a text stops at the quotation)
    "提出(?=\\s*[:：︰,，]?\\s*(?:[“「]|$))|"
    # Hong Kong and Taiwan papers: "法官續指：「…」", "他指，「…」"
    "指(?=\\s*[:：︰,，]\\s*(?:[“「『]|$))|"
    # verbs that introduce words only when a quotation follows at once ("他补充：“…”")
    "(?:补充|補充|解释|解釋|提醒|分析|建议|建議|反驳|反駁|哭诉|哭訴|忆述|憶述|直指)"
    "(?=\\s*(?:道|称|稱|说|說)?\\s*(?:[:：︰,，]|[“「『]|$))|"
    "辩称|辯稱|辩解称|辯解稱|辩解|辯解|"
    "回忆(?=\\s*[:：︰,，])|回憶(?=\\s*[:：︰,，])|"  # "雷越岚回忆，…，“…”"
    "(?<![报報知难難味])道(?=\\s*[,，:：︰“「])|直接回|(?<=[,，])[回亏虧](?=[“「])|写信(?=\\s*[:：])|寫信(?=\\s*[:：])|"
    "(?<![小学學传傳据據听聽虽雖演游遊劝勸以如])[说說](?![法服明])|"
    "(?<![名堪号號简簡俗统統对對人职職昵暱尊相声聲宣笑自])[称稱](?![为為之作号號呼赞讚])"
)
_EN_VERBS = (
    r"\b(?:said|says|say|told|tells|added|adds|wrote|writes|explained|noted|argued|asked|"
    r"replied|recalled|stated|declared|warned|insisted|continued|remarked|acknowledged|"
    r"admitted|conceded|predicted|observed|suggested|emphasi[sz]ed|stressed|commented|"
    r"announced|tweeted|posted|quipped|cautioned|claimed|contended|maintained|responded|"
    r"answered|explains|recalls|remembers|remembered|wonders|wondered|asks|insists|admits|"
    r"concedes|notes|argues|warns|reveals|revealed|confirmed|confirms|boasted|joked|laughed|"
    r"shouted|yelled|screamed|snapped|retorted|fired back|shot back|pleaded|urged|vowed|"
    r"promised|complained|testified|whispered|cried|sighed|added|describes|described|"
    r"instructed|demanded|countered|recounted|exclaimed|lamented|interjected|reasoned|"
    r"pointed out|saying|"
    r"(?:(?:is|was|were|has been|had been)\s+)?(?:once\s+|also\s+|later\s+)?quoted\s+as\s+saying|"
    r"according to)\b"
)
CJK_VERBS = _CJK_VERBS


def _first_chars(alternation: str) -> str:
    """The characters a CJK verb alternative can start with (after any lookbehind)."""
    out: set[str] = set()
    for alt in alternation.split("|"):
        alt = re.sub(r"^\(\?<!\[[^\]]*\]\)", "", alt)
        m = re.match(r"\[([^\]]+)\]|(.)", alt)
        if m:
            out.update(m.group(1) or m.group(2))
    return "".join(sorted(out))


# A lookahead on the first character lets the engine skip most positions at once
# (the plain alternation costs ~15 ms per 10,000 characters; this ~2 ms).
_EN_FIRST = "".join(sorted({w[0] for w in re.findall(r"\b[a-z]+", _EN_VERBS[6:])}))
CJK_VERB = re.compile(f"(?=[{_first_chars(_CJK_VERBS)}])(?:{_CJK_VERBS})")
SPEECH_VERB = re.compile(
    f"(?=[{_first_chars(_CJK_VERBS)}])(?:{_CJK_VERBS})"
    f"|\\b(?=[{_EN_FIRST}{_EN_FIRST.upper()}])(?i:{_EN_VERBS})"
)

CJK_ROLES = (
    "首席执行官|首席執行官|执行长|執行長|首席财务官|首席財務官|首席技术官|首席技術官|首席运营官|"
    "首席營運官|首席投资官|首席投資官|首席经济学家|首席經濟學家|首席策略师|首席策略師|执行官|"
    "執行官|联合创始人|聯合創始人|创始人|創始人|创办人|創辦人|董事长|董事長|副董事长|副董事長|"
    "副总裁|副總裁|总裁|總裁|总经理|總經理|副总经理|副總經理|经理|經理|分析师|分析師|经济学家|"
    "經濟學家|策略师|策略師|新闻发言人|新聞發言人|发言人|發言人|副教授|教授|研究员|研究員|主管|"
    "负责人|負責人|合伙人|合夥人|董事|总监|總監|副部长|副部長|部长|部長|局长|局長|市长|市長|"
    "省长|省長|总统|總統|首相|总理|總理|大使|基金经理|基金經理|交易员|交易員|律师|律師|主任|院长|"
    "院長|校长|校長|委员|委員|议员|議員|秘书长|秘書長|顾问|顧問|工程师|工程師|学者|學者|作家|"
    "医生|醫生|居民|员工|員工|农民|農民|司机|司機|科学家|科學家|老板|老闆|总编辑|總編輯|主编|"
    "主編|高管|副行长|副行長|行长|行長|CEO|CFO|CTO|COO|CIO|村民|市民|村支书|書記|书记|镇长|鎮長|县长|縣長|"
    "乡长|鄉長|村长|村長|站长|站長|所长|所長|队长|隊長|社长|社長|厂长|廠長|店长|店長|店主|医师|醫師|"
    "护士|護士|民警|警官|博主|家长|家長|车主|車主|业主|業主|老师|老師|教练|教練|球员|球員|演员|演員|"
    "导演|導演|艺人|藝人|法官|检察官|檢察官|会长|會長|秘书|秘書|助理|代表|专家|專家|主席|副主席|"
    "理事长|理事長|处长|處長|科长|科長|总编|總編|记者|記者|网友|網友|学生|學生|同学|同學|人士|"
    "行政长官|行政長官|特首|国务卿|國務卿|外长|外長|防长|防長|州长|州長|议长|議長|总干事|總幹事|"
    "总书记|總書記|副总统|副總統|总督|總督|将军|將軍|司令|首席部长|首席部長|"
    "次长|次長|署长|署長|司长|司長|庭长|庭長|检察长|檢察長|组长|組長|班长|班長|团长|團長|"
    "机长|機長|船长|船長|首长|首長|立委|主委|财务长|財務長|技术长|技術長|营运长|營運長|资讯长|"
    "資訊長|區議員|区议员|业者|業者|店家|商家|摊贩|攤販|民众|民眾|网民|網民|消费者|"
    "消費者|住户|住戶|租户|租戶|受访者|受訪者|目击者|目擊者|"
    "公诉人|公訴人|检方|檢方|辩方|辯方|控方|证人|證人|被告人|被告|原告|犯罪嫌疑人|嫌疑人|嫌犯|"
    "干事|幹事|营养师|營養師|药剂师|藥劑師|会计师|會計師|建筑师|建築師|讲师|講師|牧师|牧師|"
    "理财师|理財師|心理师|心理師|治疗师|治療師|护理师|護理師|技师|技師|工作人员|工作人員|知情人|"
    "教师|教師|工人|游客|遊客|乘客|患者|病人|志愿者|志願者|店员|店員|保安|厨师|廚師|警察|消防员|"
    "消防員|飞行员|飛行員|运动员|運動員|选手|選手|歌手|作者|画家|畫家|诗人|詩人|摄影师|攝影師|"
    "设计师|設計師|程序员|程序員|创业者|創業者|投资人|投資人|企业家|企業家|商人|大学生|大學生|"
    "研究生|博士生|留学生|留學生|党员|黨員|干部|幹部|官员|官員|主帅|主帥|总教练|總教練|"
    "前锋|前鋒|后卫|後衛|门将|門將|中场|中場|球迷|车主|車主|护工|護工|药师|藥師"
)
# Characters of transliterated foreign names (普京, 拜登, 马克龙, 泽连斯基, 默克尔): a run made
# only of these, right after a role or before a verb of saying, is a name although no
# Chinese family name opens it.
TRANSLITERATION_CHARS = frozenset(
    "阿埃艾安昂奥澳巴拜班邦贝本比彼毕宾波伯博布查达戴丹德登迪蒂丁东杜多厄恩尔法菲芬费丰弗"
    "福盖甘冈戈格根古哈海汉豪赫亨胡霍基吉加贾杰金卡凯坎康柯科克肯孔库奎拉莱赖兰朗劳勒雷"
    "里利连列林琳隆卢鲁伦罗洛马迈麦曼芒梅门蒙米莫默姆穆纳奈南内尼宁努诺帕潘佩彭皮珀普齐"
    "奇恰乔切钦琼丘萨塞桑瑟森沙尚绍舍申施什斯松苏索塔泰坦汤唐特滕图托瓦万旺威韦维温沃乌"
    "伍西希谢辛休亚扬耶伊英尤扎泽詹朱卓兹佐京娃娜莎丽娅琪黛妮露龙顿茨朔舒涅柴契瑞赛斐黑"
    "爾維內亞諾薩魯貝羅蘭倫馬龍納麥邁萊賴頓達奧鮑潔麗婭澤連斯盧喬愛瑪蓋豐費"
)
CJK_ROLE_END = re.compile(f"(?:{CJK_ROLES})$")
EN_ROLE_WORDS = words(
    "chief executive ceo cfo cto coo cio president founder co-founder cofounder chairman "
    "chairwoman chair director analyst economist strategist spokesman spokeswoman "
    "spokesperson professor partner manager head minister secretary senator governor mayor "
    "investor researcher lawyer attorney adviser advisor trader editor scientist engineer "
    "official ambassador leader owner officer principal commissioner lawmaker representative "
    "chancellor premier dean fellow author consultant expert vice economist scholar "
    "resident worker student teacher doctor nurse farmer driver novelist historian "
    "general superintendent architect inspector detective sergeant constable captain colonel "
    "major lieutenant admiral commander justice coach manager psychiatrist psychologist "
    "surgeon physician campaigner activist blogger pastor vicar priest bishop astronaut "
    "administrator curator musician singer actor actress artist designer architect "
    # (not words that are also common surnames: Baker, Cook, Porter, Player …)
    "headteacher headmaster headmistress parent passenger frontman frontwoman guitarist "
    "drummer bassist rapper comedian presenter broadcaster journalist reporter columnist "
    "poet photographer developer entrepreneur paramedic midwife shopkeeper landlord tenant "
    "commuter motorist cyclist witness victim survivor protester volunteer councillor "
    "councilor mp mep sheriff coroner prosecutor barrister solicitor defendant pupil "
    "graduate firefighter soldier veteran striker midfielder defender goalkeeper winger jockey"
)
# Place words that may open an organisation's or a place's name, never a person's
PLACE_PREFIXES = words(
    "New San Los Las Hong Wall Silicon United North South East West Saudi Mount Lake Fort "
    "Northwest Northeast Southwest Southeast Central"
)
# Capitalised words that start sentences or places but never a person's name.
NOT_NAME_START = words(
    "The A An But And Or When While If In On At For As After Before Since Then This That "
    "These Those It He She They We I His Her Their Our Its There Here What Why How Who "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December New San Los Las Hong Wall "
    "Silicon United North South East West Saudi Mount Lake Fort Last Next Some Many Most "
    "Still Yet So Shares Investors Analysts However Meanwhile Also Even Only Like Under Over "
    "Although Though Other Another Because Despite During Whilst Whereas Unlike With Without "
    "Speaking Asked Writing Northwest Northeast Southwest Southeast Central Former Both Each "
    "Every Dear Thanks Please Yes No Oh Well Now Today Tomorrow Yesterday You Your One Instead "
    "Perhaps Maybe Indeed Later Earlier Again Often Sometimes Never Always Already Just Rather "
    "Once Until Unless Whether Upon Within Through Throughout Across Among Amid Against Beyond "
    "Following Having Being Eventually Finally Initially Suddenly Together Nevertheless "
    "Nonetheless Moreover Furthermore Besides Otherwise Thus Hence Therefore Where Which Not "
    "To From Into Onto Of By"
)
# "Don’t say “…”", "We’re told": a contraction opens a sentence, it never names anyone
CONTRACTION = re.compile(r"(?:n['’]t|['’](?:re|ll|ve|d|m))$", re.IGNORECASE)
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
    "Entertainment Pictures Records Club League Union Police Army Navy Court Senate Congress "
    "Academy School Schools Primary Hospital Cathedral Prison Airport Station Museum "
    "Library Stadium Team Federation Society Authority Service Board Tribunal Parliament "
    "Assembly Government Cabinet Labour Conservative Conservatives Democrats Republicans NHS "
    "BBC CNN Council Agency Organisation Organization Centre Network Charity Campaign Alliance "
    "Advocates Coalition Initiative Project Watch Parenthood Institution Union Unions "
    "Infirmary Clinic Hospice Gallery Theatre Theater Church Chapel Mosque Temple Synagogue "
    "Zoo Arena Hotel Restaurant Brewery Pharmaceuticals Laboratories Railway Railways "
    "Medicine Care"
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
# Titles before a surname: never a name on their own ("Mr: ..." is no speaker).
HONORIFIC_WORDS = words("mr mrs ms miss mx dr prof gov sen rep gen pres judge")
# "the relieved father", "her mother, Fiona,": the gender a family or person noun gives
FAMILY_GENDER = {
    "father": "m",
    "dad": "m",
    "husband": "m",
    "son": "m",
    "man": "m",
    "boy": "m",
    "brother": "m",
    "grandfather": "m",
    "mother": "f",
    "mum": "f",
    "mom": "f",
    "wife": "f",
    "daughter": "f",
    "woman": "f",
    "girl": "f",
    "sister": "f",
    "grandmother": "f",
}
HONORIFIC_GENDER = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f"}
PRONOUNS = {"他": "m", "她": "f", "he": "m", "she": "f"}  # gender only rules candidates out
PLURAL_PRONOUNS = frozenset({"they", "他们", "他們", "她们", "她們"})
ORG_REFERENCE = re.compile(
    r"^(?:[该該](?:公司|机构|機構|集团|集團|银行|銀行|基金|组织|組織|企业|企業)|公司方面|公司|"
    # "the company", "the advocacy group", "the US-based firm"
    r"the (?:[\w-]+ ){0,2}?(?:company|firm|bank|group|agency|organi[sz]ation|charity|union|"
    r"council|ministry|department|association|coalition|campaign|watchdog|regulator|"
    r"carrier|airline|retailer|insurer|lender|broadcaster|newspaper|network|party))$",
    re.IGNORECASE,
)
# 太太/太 and 生 are Hong Kong's Mrs and Mr ("李太", "陳生")
CJK_HONORIFIC = re.compile(r"^([\u4e00-\u9fff])(?:先生|女士|小姐|教授|博士|太太|太|生)$")
# Leading words of a speaker phrase that are not part of it.
PHRASE_PREFIX = re.compile(
    r"^(?:[,，、:：;；\s—–-]|而|但是|但|[则則]|且|[据據]|另外|此外|不[过過]|[随隨]后|[随隨]後|同[时時]|然而|[并並]|"
    r"and |but |while |as )+",
    re.IGNORECASE,
)
# Words after a name that can sit between it and its verb ("Smith 周一表示").
PHRASE_SUFFIX = re.compile(
    r"(?:[,，\s]|周[一二三四五六日天]|昨天|今天|日前|此前|近日|也|则|还|曾|在[^,，。]{0,12}上|"
    r"on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|in an interview|"
    r"in a statement|on [a-z]+day|later|also|then|once|previously|recently|repeatedly|"
    r"has|have|had|had once|has also|would|will)+$",
    re.IGNORECASE,
)
TITLE_BEFORE = re.compile(
    r"(?:以|题为|名为|名叫|称为|称之为|叫做|叫作|所谓|被称为|称作|短语|词语|口号|标语|"
    r"\bdubbed|\bcalled|\btitled|\bheadlined|\bnamed|so-called|known as|\bphrase|\bterm|"
    r"\bword|\bslogan|\bmotto|\binscription|\binscribed(?: with)?|\bemblazoned with|"
    r"\bengraved with|\bcaptioned|\bhashtag|"
    # "Above the oven hangs a hand-painted sign: “…”"
    r"\b(?:sign|placard|banner|poster|notice|plaque|sticker|t-shirt)s?(?:\s+reading)?\s*[:,]|"
    # a work named right after its kind: "In her book “A Paradise Built in Hell,” Solnit…"
    r"\b(?:book|novel|memoir|biography|autobiography|essay|poem|song|album|single|film|movie|"
    r"documentary|play|musical|opera|series|show|programme|program|episode|podcast|column|"
    r"article|painting|exhibition|report|study|paper)s?|"
    # words printed on something ("each issue bore the words, “…”"), not "refused with the
    # words: “…”", which someone said
    r"\b(?:bore|bears?|bearing|carr(?:y|ies|ied|ying)|reads?|reading|printed|painted|stamped|"
    r"scrawled|display(?:s|ed|ing)?)\s+the\s+words[,:]?)\s*$",
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
    "陳楊黃趙吳劉鄭謝韓馮鄧蕭蔣葉蘇呂盧鍾譚陸範賈韋鄒孫馬許張羅龍賀顧龔萬錢嚴湯歐陽諸"
)
# Wider set for the name tracker: a name right before a verb of saying is a person.
CJK_SURNAMES_ALL = CJK_SURNAMES | frozenset(
    "施康贺倪严洪武温柏伍岳柳翟殷艾童祝甘蓝易卓骆蒲牛邢詹左鲁单包苗俞华鲍管宁葛庞安关丛符"
    "霍戚柯滕凌欧齐尚房纪舒屈项祁毕聂阮谷佟申景魏章纪边缪裴娄耿文蔺钟靳汪晏曲"
    "习尹桂麦濮栾朴區鄺冼岑甄容溫賴赖莊庄簡简游塗涂龐麥倪"
    # Japanese family names as Chinese news writes them (岸田文雄, 菅义伟, 鸠山由纪夫)
    "岸菅野麻鸠茂铃佐渡斋桥泽冈仓荒樱织"
)
