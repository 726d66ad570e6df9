"""Pattern rules: regexes behind a gitleaks-style keyword pre-filter.

The keywords of all pattern rules are found in one regex pass per view (a ``str.find`` per
keyword scans the text once per keyword; for a handful of CJK keywords, whose first UTF-8 byte
is common, Aho-Corasick is slower than the regex engine's first-character skip).  A rule whose
keywords are absent is skipped; a rule with ``scope: line`` (every match lies within one line
holding a keyword, as for the classified-marking patterns) runs its regexes on those lines only.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from ..context import suppressed
from ..model import Rule
from ..normalise import NormText, normalise_word
from . import Hit, excepted


class PatternRules:
    def __init__(self, rules: Iterable[Rule]):
        self.rules = list(rules)
        self.allow = {rule.id: {normalise_word(a) for a in rule.allow} for rule in self.rules}
        # the compact finder also finds the keywords of layout-proof rules (see _layout): one pass
        layout = {k for r in self.rules if r.data.get("layout") for k in r.keywords}
        self.finders = {"norm": KeywordFinder({k for r in self.rules if r.view == "norm" for k in r.keywords}),
                        "compact": KeywordFinder({k for r in self.rules if r.view == "compact" for k in r.keywords}
                                                 | layout)}

    def scan(self, nt: NormText) -> Iterator[Hit]:
        found = {view: finder.find(nt.norm if view == "norm" else nt.compact)
                 for view, finder in self.finders.items()}
        tables: list[tuple[tuple[int, int], str]] | None = None
        cells = False
        for rule in self.rules:
            if rule.data.get("layout") and rule.view == "norm":
                if tables is None:      # once per text: table lines without their bars; any emphasis
                    tables = [(m.span(), _LAYOUT_RE.sub("", m.group())) for m in _TABLE_LINE_RE.finditer(nt.norm)] \
                        if "|" in nt.norm else []
                    cells = bool(_CELLS_RE.search(nt.norm))
                yield from self._layout(rule, nt, found["compact"], tables, cells)
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

    def _layout(self, rule: Rule, nt: NormText, found: dict[str, list[int]],
                tables: list[tuple[tuple[int, int], str]], cells_anywhere: bool) -> Iterator[Hit]:
        """The rule's patterns once more on lines where layout splits a keyword or its
        marking: 机 密 ★ 1 年, **机**密, 机<br>密, | 机密 | ★ | 1年 |.  The compact view joins
        what spaces, emphasis and soft line breaks split, so the keywords are looked for there;
        those lines are then read with the layout characters (spaces, line breaks, table bars,
        emphasis) removed."""
        text = nt.norm
        seen: set[tuple[int, int]] = set()
        cells = bool(tables) or cells_anywhere
        for keyword in rule.keywords:
            for at in found.get(keyword, ()):
                start = nt.to_norm(at)
                end = nt.to_norm(at + len(keyword) - 1) + 1
                whole = end - start == len(keyword)
                if whole and not cells:
                    continue        # written whole, and no table bars or emphasis anywhere
                a = text.rfind("\n", 0, start) + 1
                b = text.find("\n", end)
                b = len(text) if b < 0 else b
                if whole and not _CELLS_RE.search(text, a, b):
                    continue        # written whole on a plain line: the plain pass has judged it
                if (a, b) not in seen:
                    seen.add((a, b))
                    yield from self._squeezed(rule, nt, a, b)
        for region, squeezed in tables:     # a keyword split over table cells: | 机 | 密★ |
            if region not in seen and any(k in squeezed for k in rule.keywords):
                seen.add(region)
                yield from self._squeezed(rule, nt, *region)

    def _squeezed(self, rule: Rule, nt: NormText, a: int, b: int) -> Iterator[Hit]:
        runs = [m.span() for m in _KEPT_RE.finditer(nt.norm, a, b)]
        squeezed = "".join(nt.norm[x:y] for x, y in runs)
        starts, at = [], 0                  # where each kept run starts in ``squeezed``
        for x, y in runs:
            starts.append(at)
            at += y - x

        def source(i: int) -> int:
            k = bisect.bisect_right(starts, i) - 1
            return runs[k][0] + i - starts[k]

        for pattern in rule.patterns:
            for hit in pattern.finditer(squeezed):
                x, y = hit.span()
                if x == y or excepted(rule, squeezed, x, y):
                    continue
                start, end = nt.norm_span(source(x), source(y - 1) + 1)
                yield Hit(rule, start, end)


_LAYOUT_RE = re.compile(r"[\s|*_~`>#]")
_KEPT_RE = re.compile(r"[^\s|*_~`>#]+")
_CELLS_RE = re.compile(r"[|*_~`]")
_TABLE_LINE_RE = re.compile(r"(?m)^[^\n|]*\|[^\n]*$")


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
