"""A whole web page → its metadata (og:title, <title>, og:image, author, lang) and main content.

The main content is the element holding most paragraph text once navigation, sidebars,
comments and share bars are set aside — the scoring idea of Readability, kept small: each
paragraph gives its length (and one point per clause mark) to its parent and half to its
grandparent; link-heavy candidates lose in proportion to their link text.
"""

from __future__ import annotations

import re
from typing import Any

_JUNK_TAGS = ("script", "style", "noscript", "nav", "aside", "form", "footer", "iframe[src*=ad]")
_NEGATIVE = re.compile(
    r"comment|sidebar|share|social|related|footer|\bnav|menu|breadcrumb|advert|\bads?\b|"
    r"promo|subscribe|newsletter|popup|cookie|widget|recommend|disqus|sponsor|banner|"
    r"masthead|toolbar|tags?\b|login|signup|outbrain|taboola|hot|rank|modal",
    re.I,
)
_POSITIVE = re.compile(r"article|content|post|entry|main|story|body|text|detail|news", re.I)
_CLAUSE = re.compile(r"[,，、。；;]")
_PARAGRAPHS = "p, pre, td, blockquote, li"
LEADERS = 5


def page_meta(tree: Any) -> dict[str, str]:
    """What the page's <head> says: title, og:title, image, author, site, lang."""
    found: dict[str, str] = {}
    head = tree.head
    if head is not None:
        for meta in head.css("meta"):
            attrs = meta.attributes
            key = str(attrs.get("property") or attrs.get("name") or "").lower()
            value = " ".join(str(attrs.get("content") or "").split())
            if not key or not value:
                continue
            if key in ("og:title", "twitter:title") and "og_title" not in found:
                found["og_title"] = value
            elif key in ("og:image", "twitter:image", "og:image:url") and "image" not in found:
                found["image"] = value
            elif key in ("author", "article:author", "byline", "dc.creator") and (
                "author" not in found
            ):
                found["author"] = value
            elif key in ("og:site_name", "application-name") and "site" not in found:
                found["site"] = value
            elif key in ("content-language", "og:locale") and "lang" not in found:
                found["lang"] = value
        title = head.css_first("title")
        if title is not None:
            text = " ".join(title.text(deep=True).split())
            if text:
                found["title"] = text
    root = tree.root
    if root is not None and root.attributes.get("lang"):
        found["lang"] = str(root.attributes["lang"])
    return found


def _class_id(node: Any) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def main_content(tree: Any) -> Any:
    """The element most likely to hold the article (the body when nothing stands out)."""
    body = tree.body
    if body is None:
        return tree.root
    for junk in body.css(", ".join(_JUNK_TAGS)):
        junk.decompose()
    for node in body.css("div, section, ul, header, span, table"):
        # a negative name on a small element: drop; on a big one, keep (it may be a wrapper)
        if (
            _NEGATIVE.search(_class_id(node))
            and not _POSITIVE.search(str(node.attributes.get("class") or ""))
            and len(node.text(deep=True)) < 3000
        ):
            node.decompose()
    scores: dict[int, float] = {}
    nodes: dict[int, Any] = {}
    for p in body.css(_PARAGRAPHS):
        text = p.text(deep=True)
        size = len(text.strip())
        if size < 20:
            continue
        score = 1 + len(_CLAUSE.findall(text)) + min(size // 80, 3)
        parent = p.parent
        for share in (1.0, 0.5):
            if parent is None or parent.tag in ("html",):
                break
            key = parent.mem_id
            if key not in scores:
                nodes[key] = parent
                scores[key] = (_POSITIVE.search(_class_id(parent)) and 25) or 0
                scores[key] += (parent.tag == "article" and 25) or 0
            scores[key] += score * share
            parent = parent.parent
    best, best_score = None, 0.0
    # link density (a walk over each candidate's text) only for the few best candidates
    leaders = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:LEADERS]
    for key, total in leaders:
        node = nodes[key]
        text_len = len(node.text(deep=True)) or 1
        link_len = sum(len(a.text(deep=True)) for a in node.css("a"))
        final = total * (1 - min(link_len / text_len, 1.0))
        if final > best_score:
            best, best_score = node, final
    if best is None:
        return body
    # a best node that is one paragraph among siblings: take the parent
    if best.tag in ("p", "li", "td"):
        best = best.parent or best
    return best
