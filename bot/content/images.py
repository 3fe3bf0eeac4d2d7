"""Which images are page furniture rather than content: trackers, icons, logos, avatars, spacers.

A post's photo must be a real content image. Pages and feeds also carry tracking pixels, ad
beacons, favicons, share/navigation buttons, author avatars, spacer GIFs and lazy-load
placeholders; none of them may become the lead photo. The signals, in order:

* declared size: `width`/`height` attributes, `…-32x32.png` in the name, `?w=60&h=60`
  in the query — under 100 px on a side is an icon, a pixel or a thumbnail, not a photo;
* where it comes from: analytics and ad hosts (`doubleclick`, `adnxs`, `stats.wordpress.com`,
  `hm.baidu.com`…), tracking paths (`/b/ss/`, `__utm.gif`, `/pixel`, `/beacon`, FeedBurner's
  `~r/` pixels and `~ff/` flares), `utm_` query parameters;
* what its name, `alt` and `class` say: icon, logo, avatar/gravatar, emoji, sprite, button,
  spacer, QR code (二维码), badge; a file name made only of interface words (`next_page`,
  `btn_close`, `arrow-left`);
* what it is: `.ico`, SVG (icons and logos; Telegram cannot send SVG as a photo anyway), a
  `data:` URI under a few kilobytes (placeholders, 1×1 GIFs).

Real content images pass: CDN URLs with query strings, thumbnails of 100 px and more. The
caller passes the real source of a lazy image (`data-src`), not its placeholder.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

_MIN_SIDE = 100
_BLANK = re.compile(r"\s")
_MAX_DATA_URI = 4096  # characters: a ~3 KB image is an icon, a placeholder or a QR code

# Host labels and domains of analytics, ad and tracking services.
_TRACKER_DOMAINS = (
    "doubleclick.net",
    "googlesyndication.com",
    "google-analytics.com",
    "googletagmanager.com",
    "googleadservices.com",
    "adnxs.com",
    "smartadserver.com",
    "scorecardresearch.com",
    "quantserve.com",
    "chartbeat.net",
    "statcounter.com",
    "xiti.com",
    "mc.yandex.ru",
    "amazon-adsystem.com",
    "taboola.com",
    "outbrain.com",
    "criteo.com",
    "criteo.net",
    "moatads.com",
    "rubiconproject.com",
    "pubmatic.com",
    "openx.net",
    "2mdn.net",
    "adform.net",
    "demdex.net",
    "omtrdc.net",
    "everesttech.net",
    "bat.bing.com",
    "facebook.com/tr",
    "stats.wordpress.com",
    "pixel.wp.com",
    "feedsportal.com",
    "pheedo.com",
    "hm.baidu.com",
    "cnzz.com",
    "51.la",
    "vgwort.de",
    "ivwbox.de",
    "truste.com",
    "yjtag.yahoo.co.jp",
    "imrworldwide.com",
)
_TRACKER_LABELS = frozenset(
    {"pixel", "pixels", "beacon", "tracking", "tracker", "analytics", "counter", "stat",
     "stats", "adserver", "ads", "adservice", "ad", "metrics", "telemetry", "tongji"}
)  # fmt: skip
_TRACKER_PATH = re.compile(
    r"/b/ss/|__utm\.gif|/utm\.gif|/pixel(?:[./?_-]|$)|/beacon(?:[./?_-]|$)|/track(?:ing)?/"
    r"|/ivw-?bin/|/avw-?bin/|/hit\.|/count(?:er)?(?:\.|/)|/~r/|/~ff/|/1x1\.|/1px\.|/spacer\."
    r"|/delivery/(?:avw|ajs|lg|ck)\.php|/[a-z0-9]\.gif$",
    re.IGNORECASE,
)
_FEEDBURNER = re.compile(r"feeds?\.feedburner\.com|feedproxy\.google\.com", re.IGNORECASE)
# Words that mark a file, alt text or class as page furniture.
_FURNITURE = re.compile(
    r"^(?:fav)?icons?\d*$|^(?:tv|nav|navi|app|menu|feed|rss|social|share|apple-touch)icons?$"
    r"|^logo|^(?:gr)?avatars?\d*$|^userpic|^emoji|^smil(?:ey|ies)$|^sprites?$|^spacer$"
    r"|^btn|^buttons?$|^badges?$|^qr-?codes?$|^qr$|^wx$|^erweima$|^ewm$|^branding$"
    r"|^authors?$|^ads?$|^adstream$|^advert"
    r"|^banner-?ads?$|^1px$|^1x1$|^pixel$|^transparent$|^placeholder$|^spinner$|^loading$",
    re.IGNORECASE,
)
_CJK_FURNITURE = (
    "二维码",
    "二維碼",
    "头像",
    "頭像",
    "图标",
    "圖標",
    "标志",
    "徽标",
    "广告",
    "廣告",
)
# A file name made only of these words is an interface image (`next_page.jpg`, `btn_close.gif`).
_UI_WORDS = frozenset(
    {"close", "next", "prev", "previous", "page", "play", "pause", "arrow", "left", "right",
     "up", "down", "top", "bottom", "back", "home", "search", "menu", "more", "print", "email",
     "mail", "share", "scrap", "reply", "expand", "contract", "zoom", "repost", "copy", "feed",
     "rss", "clear", "blank", "dot", "px", "bg", "del", "delete", "open", "toggle", "dark",
     "light", "mode", "on", "off", "seal", "lazy", "facebook", "fb", "twitter", "tw", "x",
     "linkedin", "pinterest", "google", "youtube", "instagram", "whatsapp", "telegram",
     "reddit", "weibo", "wechat", "weixin", "qq", "qzone", "douban", "line", "jpg", "jpeg",
     "gif", "png", "pdf", "doc", "zip", "rar"}
)  # fmt: skip
# Folders that hold site furniture (`/wp-content/themes/…`, `/skins/default/…`, `/icons/…`).
_FURNITURE_DIRS = frozenset(
    {"icons", "icon", "avatars", "avatar", "emoji", "emoticons", "smilies", "smileys", "logos",
     "ads", "ad", "sprites", "buttons", "badges", "themes", "theme", "skins", "skin",
     "filetype", "filetypes"}
)  # fmt: skip
_SIZE_IN_NAME = re.compile(r"(?<![\d.])(\d{1,4})x(\d{1,4})(?![\d])")
_HASHLIKE = re.compile(r"^(?=.*\d)[0-9a-f]{6,}$|^\d+$")
_SIZE_KEYS = {"w": "w", "width": "w", "h": "h", "height": "h", "s": "s", "size": "s", "sz": "s"}


def _px(value: str | None) -> int | None:
    """`"420px"` → 420; percentages, `auto` and junk → None."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*", value)
    return int(float(m.group(1))) if m else None


def _declared_small(width: int | None, height: int | None) -> bool:
    if width == 0 and height == 0:
        return True  # hidden
    return any(side is not None and 0 < side < _MIN_SIDE for side in (width, height))


def _size_in_url(path: str, query: str) -> bool:
    """A size written into the URL that is icon-sized: `-32x32.png`, `/60x60/`, `?w=50&h=50`."""
    for a, b in _SIZE_IN_NAME.findall(path):
        small, large = sorted((int(a), int(b)))
        if small >= 10 and large < _MIN_SIDE:  # 16x9 and 4x3 are aspect ratios, not sizes
            return True
    sizes: dict[str, int] = {}
    for key, value in parse_qsl(query):
        kind = _SIZE_KEYS.get(key.lower())
        if kind and value.isdigit():
            sizes[kind] = int(value)
    if "s" in sizes and 0 < sizes["s"] < _MIN_SIDE:
        return True
    return bool(sizes) and all(0 < v < _MIN_SIDE for v in sizes.values()) and len(sizes) >= 2


def _tracker(host: str, path: str, query: str) -> bool:
    where = host + path
    if any(domain in where for domain in _TRACKER_DOMAINS):
        return True
    if any(label in _TRACKER_LABELS for label in host.split(".")[:-2]):
        return True
    if _TRACKER_PATH.search(path) or (_FEEDBURNER.search(host) and "/~" in path):
        return True
    return any(key.lower().startswith("utm_") for key, _ in parse_qsl(query))


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^A-Za-z0-9]+", text) if w]


def _furniture_name(path: str) -> bool:
    segments = [s for s in unquote(path).lower().split("/") if s]
    if not segments:
        return False
    for segment in segments[:-1]:
        if segment in _FURNITURE_DIRS:
            return True
    name = segments[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    words = _words(stem)
    if any(_FURNITURE.search(w) for w in words):
        return True
    meaningful = [w for w in words if not _HASHLIKE.match(w)]
    return bool(meaningful) and all(w in _UI_WORDS for w in meaningful)


def _furniture_label(alt: str, classes: str) -> bool:
    """A class naming furniture, or a short alt text that does (`qq_logo`, `Avatar`); a
    sentence of alt text that merely mentions authors or a logo is a description."""
    class_words = _words(classes.lower().replace("wp-smiley", "smiley"))
    if any(_FURNITURE.search(w) or w.startswith("watermark") for w in class_words):
        return True
    words = _words(alt)
    if len(words) <= 3 and any(_FURNITURE.search(w) for w in words):
        return True
    return len(alt) <= 12 and any(word in alt for word in _CJK_FURNITURE)


def is_junk_image(
    src: str,
    *,
    width: str | None = None,
    height: str | None = None,
    alt: str = "",
    classes: str = "",
) -> bool:
    """True for a tracker, icon, logo, avatar, spacer or placeholder; False for a content image."""
    src = src.strip()
    if src[:5].lower() == "data:":
        return len(src) < _MAX_DATA_URI or src[5:18].lower().startswith("image/svg")
    if not src or src.startswith(("{", "[")) or _BLANK.search(src):
        return True  # not a URL (a lazy-load JSON blob, a template)
    if _declared_small(_px(width), _px(height)):
        return True
    parts = urlsplit(src if "//" in src else "//x/" + src.lstrip("/"))
    host = (parts.hostname or "").lower()
    path = parts.path
    if path.lower().endswith((".ico", ".svg", ".svgz")):
        return True
    if _tracker(host, path.lower(), parts.query):
        return True
    if _size_in_url(path, parts.query):
        return True
    if "gravatar.com" in host or host.startswith("avatar"):
        return True
    return _furniture_name(path) or _furniture_label(alt, classes)


__all__ = ["is_junk_image"]
