"""Bytes of a feed → text, whatever encoding it declares (or fails to declare).

Chinese feeds often declare GB2312 or Big5 but use characters only their
supersets have (镕, 堃, HKSCS…), and servers often send a charset the document
contradicts; both end as mojibake unless decoded with care.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatch, CharsetMatches

# Declared names → the superset browsers (WHATWG) actually decode with.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cn-big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
}
_SINGLE_BYTE = frozenset({"cp1252", "iso8859-1", "iso8859-15", "cp1251", "koi8-r"})
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)


def charset_from_headers(headers: Mapping[str, str] | None) -> str | None:
    """The charset parameter of the Content-Type header, if any."""
    if not headers:
        return None
    for name, value in headers.items():
        if name.lower() == "content-type":
            match = _CHARSET_PARAM.search(value)
            return match[1] if match else None
    return None


def canonical_codec(name: str | None) -> str | None:
    """A Python codec for a declared name, widened to its superset; None if unknown."""
    if not name:
        return None
    lowered = name.strip().lower()
    lowered = _SUPERSETS.get(lowered, lowered)
    try:
        return codecs.lookup(lowered).name
    except LookupError:
        return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _wide_codec(data: bytes) -> str | None:
    """UTF-16/32 without a byte-order mark, told by where the zero bytes of the first
    (ASCII) character fall, as XML 1.0 appendix F describes."""
    head = data[:4]
    if len(head) < 4:
        return None
    zeros = (head[0] == 0, head[1] == 0, head[2] == 0, head[3] == 0)
    return {
        (False, True, True, True): "utf-32-le",
        (True, True, True, False): "utf-32-be",
        (False, True, False, True): "utf-16-le",
        (True, False, True, False): "utf-16-be",
    }.get(zeros)


def _web_default(matches: CharsetMatches, best: CharsetMatch) -> str:
    """windows-1252 when the detector finds it exactly as likely as its pick.

    On short Western text charset-normalizer ties cp1250, cp1252, cp1257… (no chaos, same
    coherence) and picks the first, which turns French 'être à' into 'ętre ŕ'. Browsers
    read undeclared Western pages as windows-1252 (the WHATWG default), so that wins a tie.
    """
    tied = {m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
    return "cp1252" if "cp1252" in tied else str(best.encoding)


def decode_document(data: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Decode `data`; return the text and the codec that decoded it.

    Order: a byte-order mark (or the zero bytes of UTF-16/32 without one); the
    document's own declaration; the HTTP charset;
    UTF-8; detection. A single-byte declaration never wins over bytes that are
    valid UTF-8, since it would decode anything (and usually is a server default).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), codec
    wide = _wide_codec(data)
    if wide is not None:
        return data.decode(wide, errors="replace"), wide
    declared: list[str] = []
    match = _XML_DECL_ENCODING.match(data[:1024])
    for name in (match[1].decode("ascii") if match else None, charset_from_headers(headers)):
        found = canonical_codec(name)
        if found and found not in declared:
            declared.append(found)
    utf8 = _strict(data, "utf-8")
    for codec in declared:
        if codec in _SINGLE_BYTE and utf8 is not None and not data.isascii():
            return utf8, "utf-8"
        text = _strict(data, codec)
        if text is not None:
            return text, codec
    if utf8 is not None:
        return utf8, "utf-8"
    import charset_normalizer  # ~2.5 MiB, needed only for feeds that declare nothing usable

    matches = charset_normalizer.from_bytes(data[:65536])
    best = matches.best()
    if best is not None:
        guess = canonical_codec(_web_default(matches, best)) or best.encoding
        text = _strict(data, guess)
        if text is not None:
            return text, guess
    fallback = declared[0] if declared else "utf-8"
    return data.decode(fallback, errors="replace"), fallback
