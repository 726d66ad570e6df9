"""Vale-style rules: existence (word lists) and substitution (wrong → right); patterns.py has regexes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..context import suppressed
from ..matcher import WordMatcher
from ..model import Rule
from ..normalise import NormText, normalise_word
from . import Hit, excepted


class WordRules:
    """All existence and substitution rules in one automaton: one pass over the text."""

    def __init__(self, rules: Iterable[Rule], share: tuple[str, ...] = ()):
        self.matcher = WordMatcher()
        self.matcher.share(share)
        self.allow: dict[str, set[str]] = {}
        for rule in rules:
            if rule.kind == "existence":
                for word in rule.words:
                    self.matcher.add(word, (rule, None))
            elif rule.kind == "substitution":
                for wrong, right in rule.swap.items():
                    if normalise_word(wrong) != normalise_word(right):
                        self.matcher.add(wrong, (rule, right))
            self.allow[rule.id] = {normalise_word(a) for a in rule.allow}
        self.matcher.build()

    def scan(self, nt: NormText, raw: list[tuple[int, int, int]] | None = None) -> Iterator[Hit]:
        """``raw``: the shared pass's matches (WordMatcher.find), when the caller ran it."""
        text = nt.compact
        for hit in self.matcher.iter(text, raw):
            rule, right = hit.payload
            if hit.word in self.allow.get(rule.id, ()):
                continue
            if excepted(rule, text, hit.start, hit.end):
                continue
            if suppressed(rule.data.get("context"), text, hit.start, hit.end):
                continue
            start, end = nt.compact_span(hit.start, hit.end)
            suggestion = rule.suggestion.format(right=right) if (right and rule.suggestion) else None
            yield Hit(rule, start, end, suggestion=suggestion)
