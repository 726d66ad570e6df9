"""Text from pages made harmless for a terminal, and measured in terminal cells.

Titles, opinions and reasons come from files anyone may commit: control characters (ESC, CR,
bidi overrides …) are replaced so a crafted title cannot move the cursor or recolour the
terminal.  Widths are rich's cell widths (a CJK character takes two cells).
"""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len

_BIDI = "\u2028\u2029\u202e\u202d\u2066\u2067\u2068"


def width(text: str) -> int:
    return cell_len(text)


def clean(text: str) -> str:
    """One line of harmless text: control characters become spaces or '?'."""
    if text.isprintable():   # no control, format (bidi overrides …) or separator characters: the common case
        return text
    out = []
    for ch in text:
        if ch in "\t\n\r":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co") or ch in _BIDI:
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` cells, ending in '…' when cut."""
    text = clean(text)
    if cell_len(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"
