"""Plain-text tables for terminals, aligned by display width (a CJK character takes two cells).

Cells may hold several lines (a row is as tall as its tallest cell).  Text from pages (titles,
opinions, reasons) is shown with control characters replaced, so a crafted title cannot move
the cursor or recolour the terminal.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence

Cell = str | Sequence[str]


@functools.cache
def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0   # combining marks, zero-width spaces and joiners take no cell
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    if text.isascii():
        return len(text)   # clean() already replaced control characters
    return sum(map(char_width, text))


def clean(text: str) -> str:
    """One line of harmless text: control characters (ESC, CR, tabs …) become spaces or '?'."""
    if text.isprintable():   # no control, format (bidi overrides …) or separator characters: the common case
        return text
    out = []
    for ch in text:
        if ch in "\t\n\r":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co") or ch in "\u2028\u2029\u202e\u202d\u2066\u2067\u2068":
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` cells, ending in '…' when cut."""
    text = clean(text)
    if width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, cells: int) -> str:
    return text + " " * max(cells - width(text), 0)


def _lines(cell: Cell) -> list[str]:
    if isinstance(cell, str):
        return [clean(cell)] if cell else [""]
    return [clean(line) for line in cell] or [""]


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], indent: str = "  ", gap: str = "  ") -> str:
    cells = [[_lines(c) for c in row] for row in rows]
    widths = [width(h) for h in headers]
    for row in cells:
        for i, lines in enumerate(row):
            widths[i] = max(widths[i], *(width(line) for line in lines))
    out = [indent + gap.join(pad(h, widths[i]) for i, h in enumerate(headers)).rstrip()]
    out.append(indent + gap.join("-" * w for w in widths))
    for row in cells:
        height = max(len(lines) for lines in row)
        for n in range(height):
            parts = [pad(lines[n] if n < len(lines) else "", widths[i]) for i, lines in enumerate(row)]
            out.append((indent + gap.join(parts)).rstrip())
    return "\n".join(out)
