"""What makes two feeds' items the same article: the canonical link, or the same text.

The link is compared without tracking parameters (utm_*, fbclid, …), fragment,
default port, `www.` or a trailing slash, with the remaining query sorted. A link
to a site's front page identifies nothing (some feeds give every item their
homepage) and is not used. The text is compared NFKC-normalised, case-folded,
with whitespace collapsed, and only when there is enough of it to mean something.
Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.models import Article

MIN_TEXT_CHARS = 200  # shorter texts (teasers, "Read more") are too alike across articles
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hmb_", "__hs", "_hs")
_TRACKING = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "ref", "ref_src", "ref_url", "referrer", "cmpid", "spm", "scm",
        "share_source", "share_medium", "feature", "si", "s_cid", "ncid", "ocid", "xtor",
        "_ga", "_gl", "oly_enc_id", "oly_anon_id", "vero_id", "wt_mc", "wt.mc_id",
    }
)  # fmt: skip
_SPACES = re.compile(r"\s+")


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str | None) -> str | None:
    """The link without what varies between feeds for the same page; None if it names no page."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)
    )
    if not path and not query:
        return None  # a front page
    return urlunsplit(("https", host, path, urlencode(query), ""))


def content_key(article: Article) -> str | None:
    """A hash of the article's normalised text, or None when it is too short to identify it."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", article.content_markdown or ""))
    text = text.casefold()
    if len(text) < MIN_TEXT_CHARS:
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
