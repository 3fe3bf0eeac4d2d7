"""Local text input for `preview`, `summary` and `quotes`: refuse binaries, detect encodings.

A .txt or .md file carries no charset, and a wrong guess is silent mojibake: Latin-1
French read as GBK becomes "Caf� cr鑝e". UTF-8 (and BOMs) first; otherwise whether the
bytes read as runs of CJK characters (Chinese, Japanese, Korean) or as Latin text with
an accent here and there decides the family, and charset-normalizer picks within it.
"""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "an executable (ELF)"),
    (b"MZ", "a Windows executable"),
    (b"\xcf\xfa\xed\xfe", "an executable (Mach-O)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_CJK_ENCODINGS = ["gb18030", "big5hkscs", "cp932", "cp949"]
_CONTROL_OK = frozenset(b"\t\n\r\f\v\x1b")


def binary_kind(data: bytes) -> str | None:
    """What a binary file is ('an executable (ELF)', 'binary data'), or None for text."""
    for magic, words in _MAGIC:
        if data.startswith(magic):
            return words
    if data.startswith(tuple(bom for bom, _ in _BOMS)):
        return None
    head = data[:8192]
    if not head:
        return None
    if b"\x00" in head:
        return "binary data"
    controls = sum(1 for byte in head if byte < 32 and byte not in _CONTROL_OK)
    if controls / len(head) > 0.01:
        return "binary data"
    return None


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, kana
        or 0x3400 <= code <= 0x9FFF  # ideographs
        or 0xAC00 <= code <= 0xD7AF  # hangul
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF
    )


def _cjk_share(text: str) -> float:
    """Share of non-ASCII characters that are CJK in runs of two or more: near 1 for real
    CJK text, low when Latin text with accents was misread as a CJK encoding."""
    wide = [i for i, c in enumerate(text) if ord(c) > 127]
    if not wide:
        return 0.0
    in_runs = sum(
        1
        for i in wide
        if _is_cjk(text[i])
        and ((i > 0 and _is_cjk(text[i - 1])) or (i + 1 < len(text) and _is_cjk(text[i + 1])))
    )
    return in_runs / len(wide)


def decode_text(data: bytes) -> str:
    """The text of a local file whatever its (undeclared) encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    readings = {}
    for encoding in _CJK_ENCODINGS:
        try:
            readings[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    cjk = {enc: text for enc, text in readings.items() if _cjk_share(text) >= 0.8}
    if cjk:
        if len(cjk) == 1:
            return next(iter(cjk.values()))
        import charset_normalizer

        best = charset_normalizer.from_bytes(data, cp_isolation=list(cjk)).best()
        if best is not None and best.encoding in cjk:
            return cjk[best.encoding]
        return next(iter(cjk.values()))  # gb18030 first: the widest
    return data.decode("cp1252", errors="replace")  # what browsers read Latin-1 labels as
