"""Protected names one edit off (严重表述错误: 中华人民共和国 → 中华人民共合国, 齐齐哈尔市 → 齐齐哈市).

The dictionary (rules/data/) holds the country's names, central state and Party organs, the
names of laws, all current administrative divisions (with former ones as valid names), the
standard formulations, plus the site's own names and leaders.  A span one edit from a
protected name — a substitution, an insertion, a deletion or a swap of two neighbours — that
is not itself a valid name or a common word is a finding, with the right form as suggestion.

Linear in the text: one Aho-Corasick pass finds
- for names of 4+ characters, their two halves (one edit leaves one half intact) and the
  name with its two middle characters swapped (the only swap that breaks both halves); each
  hit proposes at most three spans, verified with a one-edit comparison;
- for names of 2–3 characters, every allowed one-character variant, precomputed (a short
  name is only wrong by a look-alike or same-sound character);
- the exact valid names, so that a span inside or over a correct name is never a finding.

What counts as an edit, by position (false alarms come from the edges, where a neighbouring
word begins): inside a name, a substitution by a look-alike or same-sound character (any
character in a long name of the state, which is never legitimately one character off), one
inserted or dropped CJK character, or a swap; at the first or last character only a
look-alike substitution; never the type character of a division (…市 → …是 is a sentence).
"""

from __future__ import annotations

import bisect
import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..matcher import WordMatcher
from ..model import Rule
from ..normalise import NormText, is_cjk
from . import Hit

# categories whose names of 6+ characters accept any substitution inside them
_ANY_SUB = frozenset({"country", "organ"})
_DIVISION_SUFFIX = "省市县区旗州盟"


@dataclass(frozen=True)
class Name:
    text: str
    category: str

    @property
    def any_sub(self) -> bool:
        return self.category in _ANY_SUB and len(self.text) >= 6

    def fixed(self, i: int) -> bool:
        """Position ``i`` may not be substituted (a division's type character)."""
        return self.category == "division" and i == len(self.text) - 1 and self.text[-1] in _DIVISION_SUFFIX


@dataclass(frozen=True)
class Dictionary:
    names: tuple[Name, ...]
    valid: frozenset[str]          # names that are never typos (targets, former and short names)
    lookalike: dict[str, frozenset[str]]
    homophone: dict[str, frozenset[str]]
    common: frozenset[str]


def _data(name: str) -> str:
    return (resources.files("mkdocs_govgate") / "rules" / "data" / name).read_text("utf-8")


def _rows(text: str) -> Iterator[list[str]]:
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


@lru_cache(maxsize=1)
def builtin() -> Dictionary:
    names = [Name(row[1], row[0]) for row in _rows(_data("names.txt"))]
    valid = {n.text for n in names}
    for status, name in _rows(_data("divisions.txt")):
        valid.add(name)
        if status == "current" and len(name) >= 3:
            names.append(Name(name, "division"))
    lookalike: dict[str, set[str]] = {}
    for (group,) in _rows(_data("confusables.txt")):
        for ch in group:
            lookalike.setdefault(ch, set()).update(c for c in group if c != ch)
    homophone: dict[str, set[str]] = {}
    for _, group in _rows(_data("homophones.txt")):
        for ch in group:
            homophone.setdefault(ch, set()).update(c for c in group if c != ch)
    raw = (resources.files("mkdocs_govgate") / "rules" / "data" / "common_words.txt.gz").read_bytes()
    common = frozenset(w for w in gzip.decompress(raw).decode("utf-8").splitlines() if w and not w.startswith("#"))
    return Dictionary(tuple(dict.fromkeys(names)), frozenset(valid),
                      {k: frozenset(v) for k, v in lookalike.items()},
                      {k: frozenset(v) for k, v in homophone.items()}, common)


@dataclass(frozen=True)
class _Key:
    kind: str          # exact | pre | suf | swap | var
    name: Name | None = None


class ProtectedNames:
    """The automaton over one dictionary plus a site's names (built once per name set)."""

    def __init__(self, extra: Iterable[Name] = ()):
        base = builtin()
        self.d = base
        names = list(base.names) + [n for n in extra if len(n.text) >= 2]
        self.valid = base.valid | {n.text for n in names}
        self.matcher = WordMatcher()
        add = self.matcher.add
        for text in self.valid:
            if len(text) >= 3:
                add(text, _Key("exact"))
        for name in names:
            t = name.text
            if len(t) >= 4:
                half = len(t) // 2
                add(t[:half], _Key("pre", name))
                add(t[half:], _Key("suf", name))
                add(t[:half - 1] + t[half] + t[half - 1] + t[half + 1:], _Key("swap", name))
            else:
                for variant in self._variants(name):
                    add(variant, _Key("var", name))
        self.matcher.build()

    # -- what one edit may be -----------------------------------------------------------------
    def _sub_ok(self, name: Name, i: int, wrong: str) -> bool:
        right = name.text[i]
        if name.fixed(i) or not is_cjk(wrong):
            return False
        if wrong in self.d.lookalike.get(right, ()):
            return True
        if i == 0 or i == len(name.text) - 1:
            return False
        return name.any_sub or wrong in self.d.homophone.get(right, ())

    def _variants(self, name: Name) -> Iterator[str]:
        t = name.text
        for i, right in enumerate(t):
            for wrong in self.d.lookalike.get(right, frozenset()) | self.d.homophone.get(right, frozenset()):
                if self._sub_ok(name, i, wrong):
                    variant = t[:i] + wrong + t[i + 1:]
                    if self._plausible_error(variant):
                        yield variant

    def _plausible_error(self, span: str) -> bool:
        return span not in self.valid and span not in self.d.common

    def _one_edit(self, name: Name, span: str) -> bool:
        """Is ``span`` one allowed edit from ``name`` (never equal to it)?"""
        t = name.text
        if span == t:
            return False
        if len(span) == len(t):
            diff = [i for i in range(len(t)) if t[i] != span[i]]
            if len(diff) == 1:
                return self._sub_ok(name, diff[0], span[diff[0]])
            return (len(diff) == 2 and diff[1] == diff[0] + 1
                    and t[diff[0]] == span[diff[1]] and t[diff[1]] == span[diff[0]])
        if len(span) == len(t) - 1:      # a character of the name dropped, not at its edges
            p = next((i for i in range(len(span)) if span[i] != t[i]), len(span))
            if t[p + 1:] != span[p:]:
                return False
            q = p            # dropping any one of a run of equal characters gives the same span
            while q > 0 and t[q - 1] == t[p]:
                q -= 1
            return any(0 < i < len(t) - 1 for i in range(q, p + 1))
        if len(span) == len(t) + 1:      # one CJK character inserted inside the name
            p = next((i for i in range(len(t)) if span[i] != t[i]), len(t))
            return 0 < p < len(t) and span[p + 1:] == t[p:] and is_cjk(span[p])
        return False

    # -- scanning ---------------------------------------------------------------------------
    def candidates(self, text: str) -> list[tuple[int, int, Name]]:
        exact: list[tuple[int, int, str]] = []
        found: list[tuple[int, int, Name]] = []
        for hit in self.matcher.iter(text):
            key: _Key = hit.payload
            if key.kind == "exact":
                exact.append((hit.start, hit.end, hit.word))
                continue
            name = key.name
            size = len(name.text)
            if key.kind in ("var", "swap"):
                spans = [(hit.start, hit.end)]
            elif key.kind == "pre":
                spans = [(hit.start, hit.start + n) for n in (size - 1, size, size + 1)]
            else:
                spans = [(hit.end - n, hit.end) for n in (size - 1, size, size + 1)]
            for a, b in spans:
                if a < 0 or b > len(text):
                    continue
                span = text[a:b]
                if span == name.text or not self._plausible_error(span):
                    continue
                if key.kind == "var" or self._one_edit(name, span):
                    found.append((a, b, name))
        if not found:
            return []
        exact.sort()
        starts = [e[0] for e in exact]
        kept: list[tuple[int, int, Name]] = []
        for a, b, name in sorted(found, key=lambda f: (f[0], -len(f[2].text))):
            if _covered(exact, starts, a, b, name.text):
                continue
            if kept and a < kept[-1][1]:
                continue      # one finding per place: the longer name wins
            kept.append((a, b, name))
        return kept


def _covered(exact: list[tuple[int, int, str]], starts: list[int], a: int, b: int, name: str) -> bool:
    """The span lies inside a correct valid name, or overlaps a correct writing of ``name``."""
    i = bisect.bisect_left(starts, b)
    for s, e, word in reversed(exact[max(0, i - 64):i]):
        if e <= a:
            continue
        if s <= a and b <= e:
            return True
        if word == name:
            return True
    return False


@lru_cache(maxsize=16)
def protected_names(extra: tuple[Name, ...]) -> ProtectedNames:
    return ProtectedNames(extra)


class ProtectedRule:
    def __init__(self, rule: Rule):
        self.rule = rule
        extra = [Name(str(n), "site") for n in rule.data.get("names", [])]
        extra += [Name(str(x["name"]), "leader") for x in rule.data.get("leaders", []) if x.get("name")]
        self.names = protected_names(tuple(sorted(set(extra), key=lambda n: (n.text, n.category))))

    def scan(self, nt: NormText) -> Iterator[Hit]:
        for a, b, name in self.names.candidates(nt.compact):
            start, end = nt.compact_span(a, b)
            suggestion = self.rule.suggestion.format(right=name.text) if self.rule.suggestion else None
            yield Hit(self.rule, start, end, suggestion=suggestion)
