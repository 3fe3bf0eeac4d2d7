"""Sanitize feed HTML with nh3 down to the tags the formatter understands."""

from __future__ import annotations

import re

import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
        "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section",
        "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "pre": {"class"},
    "td": {"colspan"},
    "th": {"colspan"},
    "ol": {"start"},
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})
DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {"script", "style", "noscript", "iframe", "object", "embed", "template", "svg", "math",
     "form", "button", "select", "textarea"}
)  # fmt: skip


MAX_DEPTH = 64
"""Element nesting kept; deeper elements lose their tags, never their text.

The HTML → Markdown converter recurses once per level, so a few hundred nested tags
(broken or hostile feed HTML) would raise RecursionError and fail the whole feed.
"""
MAX_BLOCK_NESTING = 16
"""Lists, list items and quotes kept inside one another: each nests the Markdown one
level, and markdown-it drops (silently) what lies deeper than 20 levels."""
_NESTING_TAGS = frozenset({"ul", "ol", "li", "blockquote"})
_VOID_TAGS = frozenset({"br", "hr", "img"})
_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s",
     "samp", "small", "span", "strike", "strong", "sub", "sup", "u"}
)  # fmt: skip
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*>")


def sanitize_html(html: str) -> str:
    """Untrusted feed HTML → HTML holding only formatting tags, safe links and images."""
    if not html:
        return ""
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    return limit_depth(clean)


def limit_depth(html: str) -> str:
    """Unwrap elements nested deeper than MAX_DEPTH (lists and quotes: MAX_BLOCK_NESTING).

    Expects nh3's output: balanced tags, and `<`/`>` escaped everywhere but in tags.
    An unwrapped element keeps its text; a block one leaves a space between words.
    """
    if html.count("<") <= MAX_BLOCK_NESTING:
        return html
    out: list[str] = []
    open_tags: list[tuple[bool, bool]] = []  # per open element: (tag kept, nests Markdown)
    depth = nesting = last = 0
    for m in _ANY_TAG.finditer(html):
        closing, name = m[1] == "/", m[2].lower()
        nests = name in _NESTING_TAGS
        if name in _VOID_TAGS:
            keep = True
        elif closing:
            keep, nests = open_tags.pop() if open_tags else (True, False)
            depth -= int(keep)
            nesting -= int(keep and nests)
        else:
            keep = depth < MAX_DEPTH and not (nests and nesting >= MAX_BLOCK_NESTING)
            open_tags.append((keep, nests))
            depth += int(keep)
            nesting += int(keep and nests)
        out.append(html[last : m.start()])
        out.append(m[0] if keep else ("" if name in _INLINE_TAGS else " "))
        last = m.end()
    out.append(html[last:])
    return "".join(out)
