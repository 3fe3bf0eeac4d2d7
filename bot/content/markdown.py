"""The stored Markdown copy (LLM prompts, /search snippets, export), written from the model.

`to_markdown` serializes the document model, escaping exactly what CommonMark would misread
and falling back to inline HTML tags where `**` would not close (next to punctuation).
`html_to_markdown` (markdownify, in `htmlmarkdown`) is kept for callers holding HTML only;
it is not on the path from HTML to messages.
"""

from __future__ import annotations

import re
import unicodedata

from bot.content.model import Block, Span

_INLINE_ESCAPE = re.compile(r"([\\`*_\[\]<>~])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"(?m)^(\s*)([#>+=-]|\d{1,9}[.)])")
_TABLE_PIPE = re.compile(r"\|")


_NEEDS_ESCAPE = re.compile(r"[\\`*_\[\]<>~&|]|^\s*(?:[#>+=-]|\d{1,9}[.)])", re.M)


def escape_markdown(text: str, *, in_table: bool = False) -> str:
    """Escape plain text so markdown-it reads it back verbatim."""
    if not _NEEDS_ESCAPE.search(text):
        return text  # the common case: one scan instead of three substitutions
    text = _INLINE_ESCAPE.sub(r"\\\1", text)
    text = _ENTITY_LIKE.sub(r"\\&", text)
    text = _LINE_START.sub(_escape_marker, text)
    if in_table:
        text = _TABLE_PIPE.sub(r"\\|", text)
    return text


def _escape_marker(m: re.Match[str]) -> str:
    marker = m.group(2)
    if marker[0].isdigit():
        return f"{m.group(1)}{marker[:-1]}\\{marker[-1]}"
    return f"{m.group(1)}\\{marker}"


def is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def html_to_markdown(html: str, *, base_url: str | None = None) -> str:
    """Sanitized HTML → Markdown through markdownify (imported only when asked for)."""
    from bot.content.htmlmarkdown import html_to_markdown as convert

    return convert(html, base_url=base_url)


_STYLE_MARKS = {"bold": "**", "italic": "*", "strike": "~~", "code": "`"}
_HTML_MARKS = {"bold": "b", "italic": "i", "strike": "s", "underline": "u", "spoiler": "u"}


def inline_markdown(text: str, spans: list[Span]) -> str:
    """Text with spans → Markdown (inline HTML where `**` would not close, as CommonMark says)."""
    if not spans:
        return escape_markdown(text)
    spans = merge_adjacent(without_nested_in_code(spans))
    opens: dict[int, list[Span]] = {}
    closes: dict[int, list[Span]] = {}
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if s.end > s.start:
            opens.setdefault(s.start, []).append(s)
            closes.setdefault(s.end, []).append(s)
    shared = {k for k, v in opens.items() if len(v) > 1} | {
        k for k, v in closes.items() if len(v) > 1
    }
    edges = shared | ({*opens} & {*closes})
    cuts = sorted({0, len(text), *opens, *closes})
    out: list[str] = []
    in_code = 0
    for a, b in zip(cuts, [*cuts[1:], None], strict=False):
        for s in reversed(closes.get(a, [])):
            out.append(_close(s, text, edges))
            in_code -= s.kind == "code"
        for s in opens.get(a, []):
            if s.kind == "code" and out and out[-1].endswith("`"):
                out.append("<!---->")  # two code spans in a row, not one broken one
            if s.kind == "link" and out and out[-1].endswith("!"):
                out[-1] = out[-1][:-1] + "\\!"  # "![" would start an image
            out.append(_open(s, text, edges))
            in_code += s.kind == "code"
        if b is not None:
            piece = text[a:b]
            out.append(piece if in_code else escape_markdown(piece))
    return "".join(out)


def merge_adjacent(spans: list[Span]) -> list[Span]:
    """`**a****b**` reads badly and `` `a``b` `` breaks: touching spans of one style become one."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.kind, s.url or "", s.start)):
        last = out[-1] if out else None
        if last and last.kind == s.kind and s.kind not in ("link", "code") and s.start <= last.end:
            last.end = max(last.end, s.end)
        else:
            out.append(Span(s.kind, s.start, s.end, s.url))
    return out


def without_nested_in_code(spans: list[Span]) -> list[Span]:
    """Code shows its text verbatim: no other style or link inside a code span."""
    code = [(s.start, s.end) for s in spans if s.kind == "code"]
    if not code:
        return spans
    return [s for s in spans if s.kind == "code" or not any(
        a <= s.start and s.end <= b for a, b in code)]  # fmt: skip


def _md_ok(s: Span, text: str, edges: set[int]) -> bool:
    """`**`/`*`/`~~` only where CommonMark will see them flank: plain letters inside, no other
    markup at the same place, and no mark (an emoji's combining part, a quote) just outside."""
    inner = text[s.start : s.end]
    if not inner.strip() or inner != inner.strip() or s.start in edges or s.end in edges:
        return False
    before = text[s.start - 1] if s.start else " "
    after = text[s.end] if s.end < len(text) else " "
    return not any(is_punct(c) or unicodedata.category(c)[0] == "M"
                   for c in (inner[0], inner[-1], before, after))  # fmt: skip


def _code_fence(code: str, opening: bool) -> str:
    """Backticks one longer than any run inside; a space where the code touches a backtick."""
    run = max((len(m) for m in re.findall(r"`+", code)), default=0)
    fence = "`" * (run + 1)
    if opening:
        return fence + " " if code.startswith("`") or (code[:1] == " " and code.strip()) else fence
    return " " + fence if code.endswith("`") or (code[-1:] == " " and code.strip()) else fence


def _open(s: Span, text: str, edges: set[int]) -> str:
    if s.kind == "link":
        return "["
    if s.kind == "code":
        return _code_fence(text[s.start : s.end], True)
    if s.kind in ("bold", "italic", "strike") and _md_ok(s, text, edges):
        return _STYLE_MARKS[s.kind]
    return f"<{_HTML_MARKS.get(s.kind, 'u')}>"


def _close(s: Span, text: str, edges: set[int]) -> str:
    if s.kind == "link":
        url = (s.url or "").replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        return f"]({url})"
    if s.kind == "code":
        return _code_fence(text[s.start : s.end], False)
    if s.kind in ("bold", "italic", "strike") and _md_ok(s, text, edges):
        return _STYLE_MARKS[s.kind]
    return f"</{_HTML_MARKS.get(s.kind, 'u')}>"


def _url(url: str | None) -> str:
    return (url or "").replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def _block_markdown(b: Block, out: list[str], indent: str = "", alt: bool = False) -> None:
    """Append `b` as Markdown; `alt` switches list markers so two lists in a row stay two."""
    kind = b.kind
    if kind == "paragraph":
        text = inline_markdown(b.text, b.spans).replace("\n", "\\\n")
        out.append(indent + text.replace("\n", "\n" + indent))
    elif kind == "heading":
        out.append(indent + "#" * min(max(b.level, 1), 6) + " " +
                   inline_markdown(b.text.replace("\n", " "), b.spans))  # fmt: skip
    elif kind == "quote":
        inner: list[str] = []
        prev_kind = ""
        for c in b.children:
            _block_markdown(c, inner, alt=c.kind == prev_kind == "list")
            prev_kind = c.kind
        quoted = "\n\n".join(inner)
        out.append("\n".join(indent + ("> " + line if line else ">")
                             for line in quoted.split("\n")))  # fmt: skip
    elif kind == "list":
        lines: list[str] = []
        number = b.start
        for item in b.children:
            bullet = "*" if alt else "-"
            marker = f"{number}{')' if alt else '.'}" if number is not None else bullet
            sub: list[str] = []
            prev_kind = ""
            for c in item.children:
                _block_markdown(c, sub, alt=c.kind == prev_kind == "list")
                prev_kind = c.kind
            body = "\n\n".join(sub) if sub else ""
            pad = " " * (len(marker) + 1)
            first, *rest = body.split("\n") if body else [""]
            lines.append(indent + marker + (" " + first if first else ""))
            lines.extend(indent + pad + line if line else "" for line in rest)
            if number is not None:
                number += 1
        out.append("\n".join(lines))
    elif kind == "code":
        fence = "````" if "```" in b.text else "```"
        out.append(f"{indent}{fence}{b.info or ''}\n{b.text}\n{indent}{fence}")
    elif kind == "figure":
        alt_text = (b.info or "").replace("[", "").replace("]", "")
        line = f"![{alt_text}]({_url(b.url)})"
        if b.text:
            line += "\n" + inline_markdown(b.text, b.spans)
        out.append(indent + line)
    elif kind == "embed":
        label = b.text or b.url or ""
        out.append(f"{indent}[{escape_markdown(label)}]({_url(b.url)})")
    elif kind == "table":
        rows = [r.children for r in b.children if r.children]
        if rows:
            width = max(len(r) for r in rows)
            cells = [[escape_markdown(c.text.replace("\n", " "), in_table=True) for c in r]
                     + [""] * (width - len(r)) for r in rows]  # fmt: skip
            lines = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * width]
            lines += ["| " + " | ".join(r) + " |" for r in cells[1:]]
            out.append("\n".join(lines))
    elif kind == "rule":
        out.append("---")
    elif b.children:
        for c in b.children:
            _block_markdown(c, out, indent)


def to_markdown(blocks: list[Block]) -> str:
    """Blocks → CommonMark (one blank line between blocks)."""
    out: list[str] = []
    alt = False
    previous: Block | None = None
    for b in blocks:
        same = b.kind == "list" and previous is not None and previous.kind == "list" and (
            (b.start is None) == (previous.start is None))  # fmt: skip
        alt = (not alt) if same else False
        _block_markdown(b, out, alt=alt)
        previous = b
    return "\n\n".join(s for s in out if s.strip())
