"""Detectors: each turns a normalised text (or front-matter) into hits of its rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...i18n import Msg
from ..model import Rule

# Where a context window stops: a sentence or paragraph boundary.
_STOPS = "。！？!?；;\n"
_FIRST_STOP_RE = re.compile(f"[{_STOPS}]")
_LAST_STOP_RE = re.compile(f"[{_STOPS}][^{_STOPS}]*\\Z")


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


@lru_cache(maxsize=1024)
def _any_of(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, words)))


def excepted(rule: Rule, text: str, start: int, end: int) -> bool:
    """Is text[start:end] in a context the rule's exceptions name (same sentence only)?"""
    exc = rule.exceptions
    if not exc:
        return False
    if exc.before:
        before = text[max(0, start - exc.window):start]
        cut = _LAST_STOP_RE.search(before)
        if _any_of(exc.before).search(before, cut.start() + 1 if cut else 0):
            return True
    if exc.after:
        after = text[end:end + exc.window]
        cut = _FIRST_STOP_RE.search(after)
        if _any_of(exc.after).search(after, 0, cut.start() if cut else len(after)):
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
