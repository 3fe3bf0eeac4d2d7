"""Boilerplate blocks: page furniture that follows an article into its extracted text.

Share and subscribe buttons, editor and copyright trailers, "continue reading", "related"
lists, "originally published in … on Medium", "Powered by …", "report a typo" notes,
breadcrumbs, comment invitations and link lists at the head or tail of a page. Each rule is a
signal, not a list of sentences:

* short: boilerplate is a line or two; a real paragraph that merely mentions sharing or
  subscribing is long and is never flagged by a keyword;
* anchored: the keyword opens the block (`分享到：`, `Related:`), or the block is nothing but
  such words (`Facebook Twitter Email`);
* position: weaker signals (`编辑：某某`, a link-dense line) count only at the head or tail
  of the article (`at_edge`);
* link density: a short block that is mostly link text at an edge is navigation;
* repetition (`repeated_rows`): a row that recurs on every row of a layout is a header.

Image credits (`图片来源：…`, `Photo: Getty Images`) are not boilerplate: they are credits.
Reasons are short English codes (`share`, `subscribe`, `editor`, …) for logs and tests.
Chinese rules are written in Simplified characters; Traditional text is read through OpenCC.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from bot.content.language import to_simplified

_SPACE = re.compile(r"\s+")
# Brackets and bullets that often wrap a trailer: [责任编辑:…]  (责编：…)  【纠错】  · Share
_WRAP = "[]【】()（）〔〕<>《》|·•*-—–:：,，;；!！ \u3000"


def _f(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# (reason, pattern anchored at the start, longest block it may match, as `_weight`). Patterns
# see the text with its
# wrapping brackets stripped and whitespace collapsed. Chinese keywords get tighter limits:
# a Chinese sentence can open with 订阅 or 关注 and still be news.
_RULES: tuple[tuple[str, re.Pattern[str], int], ...] = (
    (
        "share",
        _f(
            r"^(?:share this\b|share (?:on|via) \w+|share(?: (?:article|story|post|page))?$"
            r"|tweet this|pin it$|email this|print this(?: article| page| story)?$|share[:：])"
        ),
        140,
    ),
    (
        "share",
        _f(
            r"^(?:分享到|分享至|分享给|转播到|转发到|一键分享|分享[:：]|收藏本文|打印本文|关闭窗口"
            r"|微信扫一扫|扫一扫分享|用微信扫描|扫描二维码|长按识别二维码|长按二维码)"
        ),
        80,
    ),
    (
        "share",
        _f(
            r"^(?:この(?:ニュース|[記记]事|ページ)を(?:シェア|共有|ツイート)|(?:シェア|ツイート)する$"
            r"|はてなブックマーク|LINEで送る|[記记]事を保存|印刷する$)"
        ),
        60,
    ),
    (
        "subscribe",
        _f(
            r"^(?:sign up (?:for|to) (?:our|the|a)\b|subscribe$|subscribe (?:to|now|for|here)\b"
            r"|get (?:our|the) .{0,40}newsletter|newsletter sign[- ]?up|join our (?:mailing|email)"
            r"|follow us\b|like us on\b|download (?:our|the) app|get the app\b"
            r"|follow (?:@\w+|[A-Z][\w.]*(?: [A-Z][\w.]*){0,3}"
            r" on (?:twitter|facebook|instagram|x)\b))"
        ),
        200,
    ),
    (
        "subscribe",
        _f(
            r"^(?:订阅(?:本|我们|号|频道|更多|[:：])|欢迎关注|关注我们|点击(?:关注|订阅)|扫码(?:关注|下载)"
            r"|关注.{0,12}(?:微信公众号|公众号|官方微博|微信号|客户端)|下载.{0,10}(?:客户端|app))"
        ),
        60,
    ),
    (
        "editor",
        _f(
            r"^(?:责任编辑|责编|本文编辑|值班编辑|网络编辑|编审|审校|审核|校对|监制|运营编辑)\s*[:：/]"
            r"|^(?:责任编辑|责编)\s*\S{1,12}$"
        ),
        60,
    ),
    ("editor", _f(r"^(?:edited by|editing by|reporting by .{0,80}editing by)\b"), 160),
    (
        "copyright",
        _f(
            r"^(?:(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}|by\b))"
            r"|^(?:版权所有|版权声明|免责声明|声明[:：])"
            r"|^本文(?:系|为|来自).{0,20}(?:原创|转载|授权)"
        ),
        300,
    ),
    (
        "continue-reading",
        _f(
            r"^(?:continue reading|read (?:the )?(?:full|rest of (?:the|this))"
            r" (?:story|article|post|text|piece|interview|entry|report)\b|read more\b|keep reading"
            r"|click here to (?:read|continue)|阅读全文|查看全文|展开全文|阅读原文"
            r"|点击(?:查看|阅读)|(?:更多|详情)(?:请|内容)?(?:点击|见|查看)|未完待续)"
        ),
        120,
    ),
    (
        "related",
        _f(
            r"^(?:related(?: articles?| stories| coverage| content| posts?| links?)?(?:[:：]|$)"
            r"|related (?:articles?|stories|coverage|content|posts?|links?|reading)\b"
            r"|recommended (?:for you|reading|stories|articles)\b|you (?:may|might) (?:also )?like"
            r"|(?:more (?:on this|from|stories|coverage)|see also|read next|also read|don't miss"
            r"|trending(?: now)?|recommended|read also|most read|most popular)\s*(?:[:：]|$)"
            r"|相关(?:阅读|新闻|文章|报道|报导|链接|推荐|专题)|推荐阅读|延伸阅读|热门推荐|热点推荐|猜你喜欢"
            r"|你可能(?:也)?(?:喜欢|感兴趣)|更多精彩|往期回顾|往期推荐|精彩推荐|热门文章|点击进入专题)"
        ),
        160,
    ),
    (
        "originally-published",
        _f(
            r"^(?:this|the) (?:article|story|post|piece|essay|interview) (?:was |is )?"
            r"(?:first |originally )(?:appeared|published)|^originally published (?:in|on|at|by)\b"
            r"|^a version of this (?:article|story|post) (?:originally |first )?(?:appeared|ran)"
            r"|^本文(?:首发|原载|原发|最初发表|首刊)(?:于|在)|^原文(?:首发|刊载)于"
        ),
        300,
    ),
    (
        "powered-by",
        _f(r"^(?:powered by\b|proudly powered by\b|技术支持[:：]|由.{1,20}提供技术支持)"),
        120,
    ),
    (
        "report-typo",
        _f(
            r"^(?:report (?:a|an) (?:typo|error|correction|problem)|spotted (?:a|an) (?:typo|error)"
            r"|found (?:a|an) (?:typo|error)|send (?:us )?a correction|submit a correction"
            r"|纠错|我要纠错|报错|有错别字|举报(?:电话|邮箱|入口))"
        ),
        160,
    ),
    (
        "comments",
        _f(
            r"^(?:leave a (?:comment|reply)|post a comment|add a comment"
            r"|join the (?:conversation|discussion)|\d+\s+comments?$|comments?$|view comments"
            r"|show comments|发表评论|我要评论|网友评论|查看评论|评论\s*\d*$|\d+\s*条评论|参与讨论)"
        ),
        80,
    ),
    (
        "advertisement",
        _f(
            r"^(?:advertisement|advertising|sponsored(?: content)?|ad|广告|推广|赞助)$"
            r"|^(?:advertisement|advert)\s*[-–—:|]|^(?:skip|close) (?:advertisement|ad)$"
            r"|^(?:story|article|text) continues below(?: (?:the )?advertisement)?$"
            r"|^scroll (?:down )?to continue(?: with content| reading)?$"
        ),
        60,
    ),
    ("breadcrumb", _f(r"^(?:您的位置|你的位置|当前位置|所在位置|位置)[:：]"), 120),
    (
        "widget",
        _f(
            r"^(?:listen to (?:this )?(?:article|story|podcast)\b|text size$|font size$|print$"
            r"|back to top$|toggle caption$|hide caption$|enlarge this image$|view gallery$"
            r"|media playback is (?:not supported|unsupported) on (?:this|your) device"
            r"|(?:字体|字号)\s*[:：]?\s*[【\[]?\s*大\s*中\s*小|打印$|关闭$|返回顶部$|点击图片进入下一页"
            r"|点击(?:播放|查看大图)$|\d+\s*/\s*\d+$)"
        ),
        80,
    ),
    (
        "originally-published",
        _f(
            r"^the post .{1,200} (?:appeared|was published) first on .{1,100}$"
            r"|^本文来自(?:微信)?公众号|^来源\s*[:：].{1,30}(?:公众号|微信号)"
        ),
        400,
    ),
    (
        "placeholder",
        _f(r"^(?:图片|图|视频|音频|动图|image|photo|picture|video|audio|gallery|slideshow)$"),
        20,
    ),
    ("original-title", _f(r"^(?:原标题|原題|original (?:title|headline))\s*[:：]"), 200),
)
# Phrases that mark a short block wherever they stand in it (the rules above are anchored).
_ANYWHERE: tuple[tuple[str, re.Pattern[str], int], ...] = (
    (
        "subscribe",
        _f(r"\b(?:sign up for (?:our|the) .{0,40}newsletter|subscribe to our newsletter)\b"),
        200,
    ),
    (
        "copyright",
        _f(
            r"all rights reserved|版权所有|转载请注明"
            r"|未经.{0,10}(?:许可|授权|同意).{0,20}(?:转载|使用|复制|摘编)"
        ),
        300,
    ),
    ("originally-published", _f(r"\boriginally published in .{1,100} on medium\b"), 300),
    (
        "report-typo",
        _f(r"\b(?:report (?:a|an) (?:typo|error)|spotted (?:a|an) (?:typo|error))\b"),
        160,
    ),
)
# At the head or tail only: weaker trailers.
_EDGE_RULES: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("editor", _f(r"^编辑\s*[:：/]|^\(编辑\s*[:：]"), 40),
    # a like/vote counter left by a widget (`+1`, `👍 12`) at the head or tail
    ("counter", _f(r"^(?:[+＋]\d{1,6}|[👍❤♥]\s*\d{0,6})$"), 10),
    # a gallery or "more pictures" link label standing alone at the head or tail
    (
        "gallery",
        _f(r"^(?:图集|組圖|组图|图片集|圖集|高清组图|photo gallery|gallery|写真特集)$"),
        30,
    ),
)

_LONGEST = 420  # no rule applies to a longer block (caps are at most 400, brackets aside)
_SOCIAL = frozenset(
    {"facebook", "twitter", "x", "linkedin", "pinterest", "reddit", "email", "e-mail", "mail",
     "print", "whatsapp", "telegram", "tumblr", "flipboard", "pocket", "copy", "link", "share",
     "tweet", "messenger", "sms", "weibo", "wechat", "微博", "微信", "qq", "qq空间", "豆瓣",
     "朋友圈", "新浪微博", "腾讯微博", "人人网", "复制链接", "分享", "打印", "收藏", "comments",
     "シェア", "ツイート", "いいね", "はてブ", "共有",
     "comment", "save", "more", "google+", "line"}
)  # fmt: skip
_CRUMB_SEPARATOR = re.compile(r"\s*(?:>|»|›|→|/|＞|〉)\s*")
_HOME = _f(r"^(?:首页|主页|网站首页|home|homepage|startseite|accueil|inicio)$")
_WORD = re.compile(r"[^\W\d_]{2,}|[\u3400-\u9fff]")
_CREDIT = _f(
    r"^(?:photo|photograph|image|picture|illustration|video|graphic|credit|courtesy|source"
    r"|图片来源|图片|图|摄影|摄|来源|视频|插图)\s*(?:by\b|credit\b|[:：/])\s*\S"
    r"|^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+)+ ?/ ?[A-Z][\w&.' -]+$"  # Jane Doe/AP
    r"|^©\s*(?!\d)\S"  # © Getty Images
)
_SENTENCE_END = re.compile(r"[.!?。！？]\s*$")
_IMAGE_FILE = re.compile(
    r"^(?:[^\w\s]{1,3}\s*|\[[^\]]{1,6}\]\s*)?"  # a leading 🖼, 📷 or [图片]
    r"[\w\-.~()%+,=@/]+(?:\s[\w\-.~()%+]+){0,2}"
    r"\.(?:jpe?g|png|gif|webp|bmp|tiff?|heic|heif|avif|svg)$",
    re.IGNORECASE,
)


def _normal(text: str) -> str:
    """NFKC, whitespace collapsed, Traditional Chinese read as Simplified (責任編輯 = 责任编辑)."""
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE.sub(" ", text).strip()
    return to_simplified(text) if len(text) <= _LONGEST else text


def _weight(text: str) -> int:
    """Length where a CJK character counts as two (it holds about a word's worth): from the
    UTF-8 size, where a CJK character takes three bytes (an accented letter counts 1.5)."""
    return len(text) + (len(text.encode("utf-8")) - len(text)) // 2


def _is_breadcrumb(text: str) -> bool:
    parts = [p for p in _CRUMB_SEPARATOR.split(text) if p]
    if not 2 <= len(parts) <= 8 or _weight(text) > 120 or _SENTENCE_END.search(text):
        return False
    if any(_weight(p) > 40 or not _WORD.search(p) for p in parts):
        return False  # every crumb is a short name: `∇ × B → 0` is not a trail
    separators = len(_CRUMB_SEPARATOR.findall(text))
    if "/" in text and not re.search(r"[>»›→＞〉]", text):
        return bool(_HOME.match(parts[0])) and separators >= 2  # Home / News / World
    return bool(_HOME.match(parts[0])) or separators >= 2


def _only_share_words(text: str) -> bool:
    words = [w for w in re.split(r"[\s|/·•,，、]+", text.lower()) if w]
    return len(words) >= 2 and all(w.strip(_WRAP) in _SOCIAL for w in words)


def is_image_filename(text: str) -> bool:
    """A line that is only an image file's name: `12-IMG_3886.jpg`, `🖼 IMG_0042.JPG`."""
    line = _normal(text)
    return 0 < len(line) <= 120 and bool(_IMAGE_FILE.match(line))


def boilerplate_reason(text: str, *, link_chars: int = 0, at_edge: bool = False) -> str | None:
    """Why this block is boilerplate (`share`, `editor`, `related`, …), or None for content.

    `link_chars` is how many of its characters are link text; `at_edge` says the block is
    among the first or last few of the article, where navigation and trailers sit.
    """
    if len(text) > _LONGEST and sum(map(len, text.split())) > _LONGEST:
        return None  # long even without its spaces: a body paragraph, not worth normalizing
    normal = _normal(text)
    if not normal or len(normal) > _LONGEST:
        return None  # every signal below is for short blocks: body paragraphs cost nothing
    if len(normal) <= 120 and _IMAGE_FILE.match(normal):
        return "image-file-name"
    core = normal.strip(_WRAP)
    weight = _weight(core)
    if weight <= 160 and _CREDIT.match(core):
        return None
    for reason, pattern, longest in _RULES:
        if weight <= longest and (
            pattern.match(core) or (normal != core and pattern.match(normal))
        ):
            return reason
    for reason, pattern, longest in _ANYWHERE:
        if weight <= longest and pattern.search(core):
            return reason
    if weight <= 120 and _only_share_words(core):
        return "share"
    if weight <= 120 and _CRUMB_SEPARATOR.search(core) and _is_breadcrumb(core):
        return "breadcrumb"
    if at_edge:
        for reason, pattern, longest in _EDGE_RULES:
            if weight <= longest and (pattern.match(core) or pattern.match(normal)):
                return reason
        if (
            link_chars
            and weight <= 300
            and link_chars >= 0.5 * len(normal)
            and not _SENTENCE_END.search(normal)
        ):
            return "link-dense"  # navigation, tags, "more stories" titles; not a linked sentence
    return None


def is_credit(text: str) -> bool:
    """An image or media credit (`Photo by …`, `图片来源：…`, `Jane Doe/AP`, `© Getty`)."""
    line = _normal(text)
    return _weight(line) <= 160 and bool(_CREDIT.match(line))


def repeated_rows(texts: list[str]) -> set[int]:
    """Indexes of short rows whose text recurs three times or more (a sidebar or layout
    header repeated on every row, a `Photo` placeholder under every picture); each
    recurrence is returned, the first one too.

    Pass the rows or blocks of running text; code lines and data-table cells repeat by nature
    and must not be passed. Credits repeat legitimately (the same photographer under every
    photo) and are never returned, nor are rows with no letters.
    """
    keys = [_normal(t).casefold() for t in texts]
    counts = Counter(k for k in keys if k and _weight(k) <= 100 and _WORD.search(k))
    return {
        i
        for i, (key, text) in enumerate(zip(keys, texts, strict=True))
        if counts.get(key, 0) >= 3 and not is_credit(text)
    }


__all__ = ["boilerplate_reason", "is_credit", "is_image_filename", "repeated_rows"]
