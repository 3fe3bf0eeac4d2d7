"""Show a message in a terminal roughly as Telegram would: ANSI styles for entities."""

from __future__ import annotations

from bot.models import Entity, OutgoingMessage

_SGR: dict[str, str] = {
    "bold": "1",
    "italic": "3",
    "underline": "4",
    "strikethrough": "9",
    "code": "36",
    "pre": "36",
    "text_link": "34;4",
    "blockquote": "2",
    "spoiler": "7",
}


def _code_point_bounds(text: str, entity: Entity) -> tuple[int, int]:
    """UTF-16 offsets of `entity` → code-point indices into `text`."""
    start = end = -1
    units = 0
    for i, ch in enumerate(text):
        if units == entity.offset:
            start = i
        if units == entity.offset + entity.length:
            end = i
        units += 2 if ord(ch) > 0xFFFF else 1
    if start < 0:
        start = len(text)
    if end < 0:
        end = len(text)
    return start, end


def render_ansi(message: OutgoingMessage, *, color: bool) -> str:
    """The message text; with `color`, entities become ANSI styles and links show their URL."""
    lines: list[str] = []
    if message.photo:
        lines.append(f"[photo: {message.photo}]")
    if not color:
        lines.append(message.text)
        return "\n".join(lines)
    opens: dict[int, list[Entity]] = {}
    closes: dict[int, list[Entity]] = {}
    for entity in message.entities:
        start, end = _code_point_bounds(message.text, entity)
        opens.setdefault(start, []).append(entity)
        closes.setdefault(end, []).append(entity)
    active: list[Entity] = []
    out: list[str] = []
    for i in range(len(message.text) + 1):
        changed = False
        for entity in closes.get(i, []):
            if entity in active:
                active.remove(entity)
                changed = True
                if entity.type == "text_link" and entity.url:
                    out.append(f"\x1b[0m\x1b[2m <{entity.url}>")
        if i in opens:
            active.extend(opens[i])
            changed = True
        if changed:
            codes = ";".join(_SGR.get(e.type, "") for e in active if e.type in _SGR)
            out.append("\x1b[0m" + (f"\x1b[{codes}m" if codes else ""))
        if i < len(message.text):
            out.append(message.text[i])
    out.append("\x1b[0m")
    lines.append("".join(out))
    return "\n".join(lines)
