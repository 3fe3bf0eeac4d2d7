"""Chinese typography: full-width marks inside Chinese sentences, a space between CJK and Latin.

Readers of Chinese expect `，。：；？！（）` in Chinese sentences and one space between Han
characters and Latin letters or digits (the pangu convention). Feeds often carry half-width
marks (`市场普遍相信,…`), so the formatter polishes text spans before rendering.

The rules are about neighbours, never about word lists:

* A half-width mark right after a Han character (or after Chinese punctuation) is Chinese
  punctuation. After Latin text it is Chinese only when the sentence is Chinese and the Latin
  run before it is a name or a term (`英伟达 ETF,周一`, `什么是 DeepSeek?`), not an English
  phrase (`他说 "Hello, world." 然后` keeps its English comma and full stop). An English mark is
  followed by a space; a Chinese one is not, so `world. 然后` stays English.
* Never touched: URLs, e-mail addresses, inline code in backticks, numbers (`1,000`, `3.5`,
  `10:30`), runs of dots (`...`), quote marks.
* Parentheses convert as a pair when what is outside them, or inside them, is Chinese, so
  `英伟达(Nvidia)一直` becomes `英伟达（Nvidia）一直` and never `（Nvidia)`.
* Japanese lines (kana present) are left exactly as they are: Japanese uses `、。` rather than
  `，`, and Japanese news text does not put spaces between kanji and digits or Latin words.
  Korean (Hangul) is written with spaces and half-width marks already; it is not CJK here.

`polish_cjk` is idempotent: polishing polished text changes nothing.
"""

from __future__ import annotations

import re

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HAN_CHAR = re.compile(f"[{_HAN}]")
_KANA_CHAR = re.compile(f"[{_KANA}]")
_HANGUL_CHAR = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
# Chinese (full-width) punctuation that, like a Han character, makes a following mark Chinese.
_CJK_PUNCT = frozenset("，。、：；！？（）《》〈〉「」『』【】〔〕…—～·")
_TO_FULL = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_CLOSERS = frozenset("”’」』》〉】）\"'")

_URL = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_DOMAIN = re.compile(r"\b[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:com|net|org|cn|io|gov|edu)\b")
_TLD = re.compile(r"\.(?:com|net|org|cn|io|gov|edu)\b")
_CODE = re.compile(r"`[^`\n]+`")
_URL_TAIL = ".,;:!?'\")"
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_MARK = re.compile(r"[,.:;?!()]")
_PAREN = re.compile(r"[()]")
_BLANKS = " \t\u00a0"
_SPACE_AFTER_HAN = re.compile(f"([{_HAN}])(?=[A-Za-z0-9$])")
_SPACE_BEFORE_HAN = re.compile(f"([A-Za-z0-9%])(?=[{_HAN}])")


def _is_han(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x2FA1F
    )


def _is_chinese_context(ch: str) -> bool:
    return _is_han(ch) or ch in _CJK_PUNCT


def _is_latin_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _protected(line: str) -> bytearray:
    """Positions (1) inside a URL, an e-mail address, a domain or inline code."""
    mask = bytearray(len(line))
    lower = line.lower()
    for pattern, hint in (
        (_CODE, "`" in line),
        (_EMAIL, "@" in line),
        (_URL, "://" in line or "www." in lower),
        (_DOMAIN, _TLD.search(lower) is not None),
    ):
        if not hint:
            continue
        for m in pattern.finditer(line):
            start, end = m.start(), m.end()
            if pattern is _URL:
                while end > start and line[end - 1] in _URL_TAIL:
                    end -= 1
            mask[start:end] = b"\x01" * (end - start)
    return mask


def _is_japanese(line: str) -> bool:
    """Kana in a line make it Japanese (a Chinese line quoting one katakana name stays Chinese)."""
    kana = len(_KANA_CHAR.findall(line))
    if kana < 2:
        return False
    han = len(_HAN_CHAR.findall(line))
    return kana * 10 >= han


def _english_phrase(run: str) -> bool:
    """Whether Latin text before a mark reads as English words rather than a name or a term."""
    if re.search(r"[,.;:!?]\s", run):
        return True
    words = _LATIN_WORD.findall(run)
    lower = sum(1 for w in words if len(w) > 1 and w[0].islower())
    return lower >= 2 or len(words) >= 5


def _prev_index(line: str, i: int) -> int:
    j = i - 1
    while j >= 0 and line[j] in " \t\u00a0":
        j -= 1
    return j


def _next_index(line: str, i: int) -> int:
    j = i + 1
    while j < len(line) and line[j] in " \t\u00a0":
        j += 1
    return j


class _LatinRuns:
    """The Latin text between the last Chinese character and a mark, for one line.

    Whether such a run reads as English only grows as the run grows (more words, more
    punctuation), so once a run is English from some mark on it is English for every later
    mark: remembering that keeps a long Latin stretch linear instead of quadratic.
    """

    def __init__(self, line: str, mask: bytearray) -> None:
        self._line = line
        self._mask = mask
        self._last: list[int] = []  # index of the last Chinese character before each position
        self._english_from: dict[int, int] = {}  # run start → first mark where it is English

    def _last_chinese(self, i: int) -> int:
        if not self._last:  # built on first use: most lines never ask
            last = -1
            for k, ch in enumerate(self._line):
                self._last.append(last)
                if _is_chinese_context(ch):
                    last = k
        return self._last[i]

    def english_before(self, i: int) -> tuple[bool, bool]:
        """Whether the run before position i reads as English; whether there is Chinese
        before it at all."""
        j = self._last_chinese(i)
        known = self._english_from.get(j)
        if known is not None and i >= known:
            return True, j >= 0
        line, mask = self._line, self._mask
        run = "".join(" " if mask[k] else line[k] for k in range(j + 1, i))
        english = _english_phrase(run)
        if english:
            self._english_from[j] = i
        return english, j >= 0


_MATCHING = {"”": "“", "’": "‘", "」": "「", "』": "『", "》": "《", "】": "【", "）": "（"}


def _quote_is_chinese(line: str, close: int) -> bool:
    """Whether the quotation closing at `close` sits in Chinese text or quotes Chinese."""
    mark = line[close]
    opener = _MATCHING.get(mark, mark)
    start = line.rfind(opener, 0, close)
    if start < 0:
        return False
    if _HAN_CHAR.search(line[start + 1 : close]):
        return True
    p = _prev_index(line, start)
    return p >= 0 and _is_chinese_context(line[p])


def _chinese_word_in_english(line: str, p: int, n: int) -> bool:
    """`The word 你好, meaning hello`: a Chinese word set in an English sentence (spaced
    from English before it), its mark followed by a space and English; p is the Han
    character before the mark, n the first character after the mark's blanks."""
    if n >= len(line) or not (line[n].isascii() and line[n].isalpha()):
        return False
    if line[n - 1] not in _BLANKS:
        return False
    j = p
    while j >= 0 and _is_han(line[j]):
        j -= 1
    if j < 0 or line[j] not in _BLANKS:
        return False
    k = _prev_index(line, j + 1)
    return k >= 0 and line[k].isascii() and line[k].isalpha()


def _mark_is_chinese(line: str, i: int, runs: _LatinRuns) -> bool:
    ch = line[i]
    before = line[i - 1] if i > 0 else ""
    after = line[i + 1] if i + 1 < len(line) else ""
    if ch == "." and (before == "." or after == "."):
        return False  # an ellipsis or a path, not a full stop
    if before.isdigit() and after.isdigit():
        return False  # 1,000  3.5  10:30
    if ch == "." and (_is_latin_alnum(after) or before.isdigit()):
        return False  # file.txt, 微信.WeChat, a list number `1.窗户`
    if ch in ":" and after == "/":
        return False
    p = _prev_index(line, i)
    n = _next_index(line, i)
    left = line[p] if p >= 0 else ""
    right = line[n] if n < len(line) else ""
    if left and _is_chinese_context(left):
        return not _chinese_word_in_english(line, p, n)
    if not left:
        return False
    if left in _CLOSERS and _quote_is_chinese(line, p):
        return True
    # After Latin text or a quote: Chinese only if the sentence is Chinese and the Latin run is
    # a name/term, and the mark is glued to what follows (English puts a space after its marks).
    english, chinese_before = runs.english_before(i)
    if english:
        return False
    if right and (_is_han(right) or right in _CJK_PUNCT):
        return n == i + 1 or (chinese_before and left not in _CLOSERS)
    if not right:  # end of the line: a Chinese sentence ending in a Latin word
        return chinese_before and left not in _CLOSERS
    return False


def _pair_parens(line: str, mask: bytearray) -> dict[int, int]:
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in _PAREN.finditer(line):
        i = m.start()
        ch = line[i]
        if mask[i]:
            continue
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs[stack.pop()] = i
    return pairs


def _parens_are_chinese(line: str, start: int, end: int) -> bool:
    p = _prev_index(line, start)
    n = _next_index(line, end)
    left = line[p] if p >= 0 else ""
    right = line[n] if n < len(line) else ""
    if left == "]":
        return False  # a Markdown link target: [text](url)
    if left.isascii() and left.isalpha() and right.isascii() and right.isalpha():
        return False  # an English sentence around a Chinese aside: `Xi Jinping (习近平) said`
    if _HAN_CHAR.search(line[start + 1 : end]):
        return True
    if left and _is_latin_alnum(left) and p == start - 1:
        return False  # f(x), print(x): a call, not an aside
    return bool((left and _is_chinese_context(left)) or (right and _is_chinese_context(right)))


def _is_korean(line: str) -> bool:
    """Hangul text (with or without Hanja) is spaced and punctuated the Western way."""
    hangul = len(_HANGUL_CHAR.findall(line))
    return hangul > 0 and hangul >= len(_HAN_CHAR.findall(line))


def _polish_line(line: str) -> str:
    if not _HAN_CHAR.search(line) or _is_japanese(line) or _is_korean(line):
        return line
    # A converted mark can make the next one Chinese (`31岁女,变态?`): repeat to a fixed point,
    # which makes polishing idempotent. Each round only turns half-width marks full-width.
    if _MARK.search(line):
        for _ in range(8):
            converted = _convert_marks(line)
            if converted == line:
                break
            line = converted
    return _space_line(line, _protected(line))


def _convert_marks(line: str) -> str:
    mask = _protected(line)
    convert: set[int] = set()
    pairs = _pair_parens(line, mask) if "(" in line else {}
    paired = set(pairs) | set(pairs.values())
    for start, end in pairs.items():
        if _parens_are_chinese(line, start, end):
            convert.update((start, end))
    runs = _LatinRuns(line, mask)
    for m in _MARK.finditer(line):
        i = m.start()
        ch = line[i]
        if mask[i] or i in paired:
            continue
        if ch in "()":  # a bracket without its pair: Chinese if the text it faces is
            p = _prev_index(line, i)
            n = _next_index(line, i)
            near = line[p] if p >= 0 and ch == "(" else (line[n] if n < len(line) else "")
            if near and _is_chinese_context(near):
                convert.add(i)
        elif _mark_is_chinese(line, i, runs):
            convert.add(i)
    if not convert:
        return line
    # Full-width marks carry their own spacing: spaces around a converted mark go.
    chars = list(line)
    for i in convert:
        chars[i] = _TO_FULL[line[i]]
        j = i - 1
        while j >= 0 and line[j] in _BLANKS:
            chars[j] = ""
            j -= 1
        j = i + 1
        while j < len(line) and line[j] in _BLANKS:
            chars[j] = ""
            j += 1
    return "".join(chars)


def _space_line(line: str, mask: bytearray) -> str:
    """Pangu spacing outside protected spans, and where text meets a protected span."""
    if not any(mask):
        return _SPACE_AFTER_HAN.sub(r"\1 ", _SPACE_BEFORE_HAN.sub(r"\1 ", line))
    pieces: list[str] = []
    start = 0
    while start < len(line):
        kind = mask[start]
        end = start
        while end < len(line) and mask[end] == kind:
            end += 1
        piece = line[start:end]
        if not kind:
            piece = _SPACE_AFTER_HAN.sub(r"\1 ", _SPACE_BEFORE_HAN.sub(r"\1 ", piece))
        if pieces and needs_space(pieces[-1][-1], piece[0]):
            pieces.append(" ")
        pieces.append(piece)
        start = end
    return "".join(pieces)


def needs_space(left: str, right: str, *, language: str | None = None) -> bool:
    """Whether one space belongs between two adjacent characters (pangu: `中文 GPU`, `GPU 中文`).

    For joining inline spans too (`中文` + bold `GPU`): pass the texts on either side. Kana
    never asks for a space, nor does a Japanese or Korean article (`language`).
    """
    if not left or not right:
        return False
    if language and language.split("-")[0].lower() in ("ja", "ko"):
        return False
    a, b = left[-1], right[0]
    if _is_han(a):
        return b.isascii() and (b.isalnum() or b == "$")
    if _is_han(b):
        return a.isascii() and (a.isalnum() or a == "%")
    return False


def polish_cjk(text: str, *, language: str | None = None) -> str:
    """Full-width punctuation inside Chinese sentences and pangu spacing; other text unchanged.

    `language` is the article's (from `detect_language`): Japanese and Korean articles are
    returned as they are, since a kanji-only line (`3/9(木) 18:45配信`) cannot tell by itself.
    """
    if not _HAN_CHAR.search(text):
        return text
    if language and language.split("-")[0].lower() in ("ja", "ko"):
        return text
    if _is_japanese(text):
        return text
    return "\n".join(_polish_line(line) for line in text.split("\n"))


def polish_spans(parts: list[str], *, language: str | None = None) -> list[str]:
    """`polish_cjk` over adjacent inline spans (plain, bold, link…) read as one text, so a
    mark is judged by its sentence (`**DeepSeek**` + `?` → `？`), with each span's text
    returned in place: marks convert inside their span, dropped blanks vanish from theirs,
    and a space is added only inside a span. Between spans, ask `needs_space`.
    """
    joined = "".join(parts)
    polished = polish_cjk(joined, language=language)
    if polished == joined:
        return list(parts)
    owner = [k for k, part in enumerate(parts) for _ in part]
    out: list[list[str]] = [[] for _ in parts]
    i = j = 0
    while j < len(polished):
        p = polished[j]
        if i < len(joined):
            o = joined[i]
            if o == p or _TO_FULL.get(o) == p:
                out[owner[i]].append(p)
                i += 1
                j += 1
                continue
            if o in _BLANKS:  # a blank dropped beside a full-width mark
                i += 1
                continue
        if p == " " and 0 < i < len(joined):  # pangu spacing
            if owner[i - 1] == owner[i]:
                out[owner[i]].append(" ")
            j += 1
            continue
        return [polish_cjk(part, language=language) for part in parts]  # cannot happen
    return ["".join(chars) for chars in out]


__all__ = ["needs_space", "polish_cjk", "polish_spans"]
