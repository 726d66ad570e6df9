"""Detectors: each turns a normalised text (or front-matter) into hits of its rules."""

from __future__ import annotations

from dataclasses import dataclass

from ...i18n import Msg
from ..model import Rule

# Where a context window stops: a sentence or paragraph boundary.
_STOPS = "。！？!?；;\n"


@dataclass
class Hit:
    """A rule matched original text [start, end); ``shown`` replaces it in reports (redaction)."""

    rule: Rule
    start: int
    end: int
    shown: str | None = None
    clear: str | None = None
    suggestion: Msg | None = None
    message: Msg | None = None


def excepted(rule: Rule, text: str, start: int, end: int) -> bool:
    """Is text[start:end] in a context the rule's exceptions name (same sentence only)?"""
    exc = rule.exceptions
    if not exc:
        return False
    if exc.before:
        before = text[max(0, start - exc.window):start]
        cut = max(before.rfind(c) for c in _STOPS)
        before = before[cut + 1:]
        if any(word in before for word in exc.before):
            return True
    if exc.after:
        after = text[end:end + exc.window]
        cuts = [i for i in (after.find(c) for c in _STOPS) if i >= 0]
        after = after[:min(cuts)] if cuts else after
        if any(word in after for word in exc.after):
            return True
    for phrase in exc.phrases:
        # the match sits inside a longer legitimate phrase
        lo = max(0, end - len(phrase))
        pos = text.find(phrase, lo, start + len(phrase))
        while pos != -1 and pos <= start:
            if pos + len(phrase) >= end:
                return True
            pos = text.find(phrase, pos + 1, start + len(phrase))
    return False
