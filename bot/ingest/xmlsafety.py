"""Make a decoded feed document safe to hand to an XML parser: no DTD can reach it.

Entity expansion is the one way a small feed becomes a huge parse: "billion
laughs" nests entities; a single 1 KB entity referenced 1.6 million times is a
*linear* 100x amplification that expat's own limit allows. feedparser keeps
"safe" entity declarations it finds before the first element (and its loose
parser expands them too), so the guard must be exact, not a byte search:

- it reads the *decoded* text (UTF-16/32, with or without a BOM, are decoded
  first), so no encoding hides a declaration;
- it walks the prolog token by token, so a comment such as `<!-- <a -->` does
  not end the search early;
- it rebuilds the prolog from what it understood: the XML declaration and the
  DOCTYPE's name and external id, never a comment, processing instruction or
  internal subset, so nothing a parser could read as a declaration survives.

A general entity declaration (`<!ENTITY name …>`) is refused with a clear error:
the body relies on it, and it is how bombs are built. An internal subset with
only parameter entities or other declarations (which affect DTD validation,
not the text) is dropped and the feed kept. External ids are never fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENTITY_REFUSAL = "refused: the document declares XML entities (possible XML bomb)"
_XML_DECL = re.compile(r"<\?xml(?:\s[^?]*)?\?>", re.S)
_VERSION = re.compile(r"""\bversion\s*=\s*["'](1\.[01])["']""")
_NAME_START = re.compile(r"[A-Za-z_:\u00c0-\uffff]")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class UnsafeXMLError(ValueError):
    """The document declares entities; `str(exc)` is fit for a feed's last error."""


@dataclass(slots=True)
class _Prolog:
    root: int
    """Index of the root element's `<` (or the text's length if there is none)."""
    xml_decl: str | None = None
    doctype: str | None = None
    general_entities: bool = False


def _skip_quoted(text: str, i: int) -> int:
    """Index after the quoted literal that starts at `i` (or the end of the text)."""
    end = text.find(text[i], i + 1)
    return len(text) if end < 0 else end + 1


def _skip_past(text: str, i: int, marker: str) -> int:
    end = text.find(marker, i)
    return len(text) if end < 0 else end + len(marker)


def _entity_kind(text: str, i: int) -> str:
    """'parameter' or 'general' for the `<!ENTITY` at `i`."""
    j = i + len("<!ENTITY")
    while j < len(text) and text[j].isspace():
        j += 1
    return "parameter" if text.startswith("%", j) else "general"


def _internal_subset(text: str, i: int, prolog: _Prolog) -> int:
    """Scan the internal subset that starts after `[` at `i`; the index after its `]`."""
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _skip_quoted(text, i)
        elif text.startswith("<!--", i):
            i = _skip_past(text, i + 4, "-->")
        elif text.startswith("<?", i):
            i = _skip_past(text, i + 2, "?>")
        elif text[i : i + 8].upper() == "<!ENTITY":
            if _entity_kind(text, i) == "general":
                prolog.general_entities = True
            i += 8
        elif c == "]":
            return i + 1
        else:
            i += 1
    return n


def _doctype(text: str, i: int, prolog: _Prolog) -> int:
    """Scan the DOCTYPE at `i`; keep its name and external id; the index after its `>`."""
    n = len(text)
    j = i + len("<!DOCTYPE")
    head_end: int | None = None
    while j < n:
        c = text[j]
        if c in "\"'":
            j = _skip_quoted(text, j)
        elif c == "[":
            head_end = j if head_end is None else head_end
            j = _internal_subset(text, j + 1, prolog)
        elif c == ">":
            break
        else:
            j += 1
    head = text[i : head_end if head_end is not None else j].rstrip()
    if prolog.doctype is None and "<" not in head[1:]:
        prolog.doctype = head + ">"
    return min(j + 1, n)


def scan_prolog(text: str) -> _Prolog:
    """Find the root element, and what stands before it, token by token."""
    n = len(text)
    prolog = _Prolog(root=n)
    i = 0
    while i < n:
        c = text[i]
        if c.isspace() or c == "\ufeff":
            i += 1
        elif text.startswith("<?", i):
            end = _skip_past(text, i + 2, "?>")
            if prolog.xml_decl is None and _XML_DECL.fullmatch(text, i, end):
                prolog.xml_decl = text[i:end]
            i = end
        elif text.startswith("<!--", i):
            i = _skip_past(text, i + 4, "-->")
        elif text[i : i + 9].upper() == "<!DOCTYPE":
            i = _doctype(text, i, prolog)
        elif text[i : i + 8].upper() == "<!ENTITY":
            prolog.general_entities = prolog.general_entities or _entity_kind(text, i) == "general"
            i = _skip_past(text, i, ">")
        elif text.startswith("<!", i):  # any other stray declaration: skipped
            i = _skip_past(text, i, ">")
        elif c == "<" and i + 1 < n and _NAME_START.match(text[i + 1]):
            prolog.root = i
            break
        else:  # stray text before the root: parsers will complain, we only skip it
            nxt = text.find("<", i + 1)
            i = n if nxt < 0 else nxt
    return prolog


def safe_xml_text(text: str) -> str:
    """The document with a rebuilt prolog (see the module doc); UnsafeXMLError if it
    declares general entities.

    Characters XML forbids (NUL and other C0 controls) are removed as well: they
    would let a parser that sniffs encodings read the bytes as another text.
    """
    text = _ILLEGAL.sub("", text)
    prolog = scan_prolog(text)
    if prolog.general_entities:
        raise UnsafeXMLError(ENTITY_REFUSAL)
    parts = []
    if prolog.xml_decl is not None:
        version = _VERSION.search(prolog.xml_decl)
        parts.append(f'<?xml version="{version[1] if version else "1.0"}" encoding="utf-8"?>\n')
    if prolog.doctype is not None:
        parts.append(prolog.doctype + "\n")
    parts.append(text[prolog.root :])
    return "".join(parts)
