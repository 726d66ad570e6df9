"""Pattern rules: regexes behind a gitleaks-style keyword pre-filter.

The keywords of all pattern rules are found in one regex pass per view (a ``str.find`` per
keyword scans the text once per keyword; for a handful of CJK keywords, whose first UTF-8 byte
is common, Aho-Corasick is slower than the regex engine's first-character skip).  A rule whose
keywords are absent is skipped; a rule with ``scope: line`` (every match lies within one line
holding a keyword, as for the classified-marking patterns) runs its regexes on those lines only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ..context import suppressed
from ..model import Rule
from ..normalise import NormText, normalise_word
from . import Hit, excepted


class PatternRules:
    def __init__(self, rules: Iterable[Rule]):
        self.rules = list(rules)
        self.allow = {rule.id: {normalise_word(a) for a in rule.allow} for rule in self.rules}
        self.finders = {view: KeywordFinder({k for r in self.rules if r.view == view for k in r.keywords})
                        for view in ("norm", "compact")}

    def scan(self, nt: NormText) -> Iterator[Hit]:
        found = {view: finder.find(nt.norm if view == "norm" else nt.compact)
                 for view, finder in self.finders.items()}
        for rule in self.rules:
            if rule.data.get("layout") and rule.view == "norm":
                yield from self._layout(rule, nt)
            text = nt.norm if rule.view == "norm" else nt.compact
            if rule.keywords:
                starts = [s for k in rule.keywords for s in found[rule.view].get(k, ())]
                if not starts:
                    continue    # gitleaks-style pre-filter: no keyword, no regex
                spans = _lines(text, starts) if rule.scope == "line" else [(0, len(text))]
            else:
                spans = [(0, len(text))]
            allow = self.allow[rule.id]
            for pattern in rule.patterns:
                # on a line span, look-behinds and ^ still see the text before; its end is an end of text
                for m in (m for a, b in spans for m in pattern.finditer(text, a, b)):
                    a, b = m.span()
                    if a == b or normalise_word(m.group()) in allow or excepted(rule, text, a, b):
                        continue
                    if suppressed(rule.data.get("context"), text, a, b):
                        continue
                    start, end = nt.norm_span(a, b) if rule.view == "norm" else nt.compact_span(a, b)
                    yield Hit(rule, start, end)

    def _layout(self, rule: Rule, nt: NormText) -> Iterator[Hit]:
        """The rule's patterns once more on lines where layout splits a keyword or its
        marking: 机 密 ★ 1 年, **机**密, 机<br>密, | 机密 | ★ | 1年 |.  Those lines are read
        with the layout characters (spaces, line breaks, table bars, emphasis) removed."""
        text = nt.norm
        finder = _split_finder(rule.keywords)
        seen: set[tuple[int, int]] = set()
        for m in finder.finditer(text):
            a = text.rfind("\n", 0, m.start()) + 1
            b = text.find("\n", m.end())
            b = len(text) if b < 0 else b
            c = text.find("\n", b + 1) if b < len(text) else b
            # the lines the keyword spans, and those with the next line (★ 1年 may follow)
            for region in ((a, b), (a, len(text) if c < 0 else c)):
                if region in seen or not _LAYOUT_RE.search(text, *region):
                    continue        # nothing split: the plain pass has judged it
                seen.add(region)
                yield from self._squeezed(rule, nt, *region)

    def _squeezed(self, rule: Rule, nt: NormText, a: int, b: int) -> Iterator[Hit]:
        region = nt.norm[a:b]
        kept = [i for i, ch in enumerate(region) if not _LAYOUT_RE.match(ch)]
        squeezed = "".join(region[i] for i in kept)
        for pattern in rule.patterns:
            for hit in pattern.finditer(squeezed):
                x, y = hit.span()
                if x == y or excepted(rule, squeezed, x, y):
                    continue
                start, end = nt.norm_span(a + kept[x], a + kept[y - 1] + 1)
                yield Hit(rule, start, end)


_LAYOUT_RE = re.compile(r"[\s|*_~`>#]")


@lru_cache(maxsize=64)
def _split_finder(keywords: tuple[str, ...]) -> re.Pattern:
    """A keyword with layout between its characters, or a keyword on a line with table bars
    or emphasis (where the plain patterns' separators do not reach)."""
    split = "|".join(r"[\s|*_~`]*".join(map(re.escape, k)) for k in sorted(keywords, key=len, reverse=True))
    return re.compile(split)


def _lines(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """[start, end) of each line holding one of ``starts``, in order, without the newline."""
    spans: list[tuple[int, int]] = []
    for at in sorted(starts):
        if spans and at < spans[-1][1]:
            continue
        end = text.find("\n", at)
        spans.append((text.rfind("\n", 0, at) + 1, len(text) if end < 0 else end))
    return spans


class KeywordFinder:
    """Every occurrence of every keyword, overlapping ones included."""

    def __init__(self, keywords: Iterable[str]):
        # longest first: at one position the regex reports the longest keyword there; the
        # others starting there are exactly its prefixes
        self.keywords = sorted(set(keywords), key=lambda k: (-len(k), k))
        self.regex = re.compile("|".join(map(re.escape, self.keywords))) if self.keywords else None
        self.prefixes = {k: [p for p in self.keywords if p != k and k.startswith(p)] for k in self.keywords}

    def find(self, text: str) -> dict[str, list[int]]:
        """keyword → start offsets of its occurrences in ``text``."""
        found: dict[str, list[int]] = {}
        if self.regex is None:
            return found
        m = self.regex.search(text)
        while m:
            at = m.start()
            for word in (m.group(), *self.prefixes[m.group()]):
                found.setdefault(word, []).append(at)
            m = self.regex.search(text, at + 1)   # not m.end(): keywords may overlap
        return found
