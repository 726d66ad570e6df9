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

import gzip
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from ..context import suppressed
from ..matcher import KeyMatcher
from ..model import Rule
from ..normalise import NormText, is_cjk
from . import Hit

# categories whose names of 7+ characters accept any substitution inside them
_ANY_SUB = frozenset({"country", "organ"})
_DIVISION_SUFFIX = "省市县区旗州盟"
_COUNTRY = "中华人民共和国"


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    category: str

    @property
    def any_sub(self) -> bool:
        return self.category in _ANY_SUB and len(self.text) >= 7   # halves of 3+ characters

    def fixed(self, i: int) -> bool:
        """Position ``i`` may not be substituted (a division's type character)."""
        return self.category in ("division", "county") and i == len(self.text) - 1 and self.text[-1] in _DIVISION_SUFFIX


@dataclass(frozen=True)
class Dictionary:
    """Word sets are dicts of str (``dict.fromkeys``) and character groups are str: the garbage
    collector does not track those, whereas walking 80,000 set entries at every full collection
    halved the page-by-page speed."""

    names: tuple[Name, ...]
    valid: dict[str, None]          # names that are never typos (targets, former and short names)
    lookalike: dict[str, str]       # character → its look-alikes
    homophone: dict[str, str]       # character → the characters that sound the same
    common: dict[str, None]


def _data(name: str) -> str:
    return (resources.files("mkdocs_govgate") / "rules" / "data" / name).read_text("utf-8")


def _rows(text: str) -> Iterator[list[str]]:
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


@lru_cache(maxsize=1)
def builtin() -> Dictionary:
    names = []
    valid_only = []
    for category, text in _rows(_data("names.txt")):
        if category == "valid":      # a compound of protected names: its parts are checked
            valid_only.append(text)
            continue
        names.append(Name(text, category))
        if category == "law" and text.startswith(_COUNTRY):
            # 《刑事诉讼法》 is the usual short form; a slip in the prefix is the country's name's
            # finding, so the short form alone is checked (and 140 laws do not share one anchor)
            names[-1] = Name(text[len(_COUNTRY):], category)
    valid = {n.text for n in names} | {_COUNTRY + n.text for n in names if n.category == "law"} | set(valid_only)
    for status, name in _rows(_data("divisions.txt")):
        valid.add(name)
        if status in ("current", "county") and len(name) >= 3:
            # 2,800 county names with same-sound variants would triple the automaton (and its
            # cache misses, page by page): counties take look-alike characters only
            names.append(Name(name, "division" if status == "current" else "county"))
    lookalike: dict[str, set[str]] = {}
    for (group,) in _rows(_data("confusables.txt")):
        for ch in group:
            lookalike.setdefault(ch, set()).update(c for c in group if c != ch)
    homophone: dict[str, set[str]] = {}
    for _, group in _rows(_data("homophones.txt")):
        for ch in group:
            homophone.setdefault(ch, set()).update(c for c in group if c != ch)
    raw = (resources.files("mkdocs_govgate") / "rules" / "data" / "common_words.txt.gz").read_bytes()
    common = dict.fromkeys(w for w in gzip.decompress(raw).decode("utf-8").splitlines() if w and not w.startswith("#"))
    return Dictionary(tuple(dict.fromkeys(names)), dict.fromkeys(sorted(valid)),
                      {k: "".join(sorted(v)) for k, v in lookalike.items()},
                      {k: "".join(sorted(v)) for k, v in homophone.items()}, common)


_KINDS = ("var", "pre", "suf", "swap")


class ProtectedNames:
    """The automata over one dictionary plus a site's names (built once per name set).

    ``matcher`` holds what can only be an error — every allowed variant of every name, and the
    halves of the few long state names that accept any substitution or insertion — so clean
    text yields almost no hits and the pass runs at the automaton's speed; ``exact`` (the
    valid names) is consulted only around a candidate.  Payloads are packed integers in an
    array (name index × 4 + kind): see KeyMatcher for why.
    """

    def __init__(self, extra: Iterable[Name] = ()):
        base = builtin()
        self.d = base
        self.names = tuple(dict.fromkeys(list(base.names) + [n for n in extra if len(n.text) >= 2]))
        self.valid = base.valid | dict.fromkeys(n.text for n in self.names)
        codes: dict[str, int | list[int]] = {}

        def add(key: str, index: int, kind: str) -> None:
            code = index * 4 + _KINDS.index(kind)
            old = codes.get(key)
            if old is None:
                codes[key] = code
            else:
                codes[key] = (old if isinstance(old, list) else [old]) + [code]

        for index, name in enumerate(self.names):
            t = name.text
            if name.any_sub:
                half = len(t) // 2
                add(t[:half], index, "pre")
                add(t[half:], index, "suf")
                add(t[:half - 1] + t[half] + t[half - 1] + t[half + 1:], index, "swap")
            for variant in self._variants(name):
                add(variant, index, "var")
        self.keys = tuple(codes)
        self.codes = array("q", (c if isinstance(c, int) else -1 for c in codes.values()))
        self.multi = {i: tuple(c) for i, c in enumerate(codes.values()) if isinstance(c, list)}
        exact = sorted(t for t in self.valid if len(t) >= 3)
        self.exact = KeyMatcher(exact)
        self.exact_words = tuple(exact)

    def _payloads(self, index: int) -> tuple[int, ...]:
        code = self.codes[index]
        return (code,) if code >= 0 else self.multi[index]

    # -- what one edit may be -----------------------------------------------------------------
    def _sub_ok(self, name: Name, i: int, wrong: str) -> bool:
        right = name.text[i]
        if name.fixed(i) or not is_cjk(wrong):
            return False
        if wrong in self.d.lookalike.get(right, ""):
            return True
        if i == 0 or i == len(name.text) - 1:
            return False
        return name.any_sub or (name.category != "county" and wrong in self.d.homophone.get(right, ""))

    def _variants(self, name: Name) -> Iterator[str]:
        """Every allowed one-character substitution (the rules of _sub_ok, by table) and, for
        names of four or more characters, every inner deletion and every swap of neighbours."""
        t = name.text
        out: set[str] = set()
        for i, right in enumerate(t):
            if name.fixed(i):
                continue
            wrongs = self.d.lookalike.get(right, "")
            if 0 < i < len(t) - 1 and name.category != "county":
                wrongs += self.d.homophone.get(right, "")
            out.update(t[:i] + wrong + t[i + 1:] for wrong in wrongs)
        if len(t) >= 5:      # 和田地区 minus 田 is the everyday 和地区 (国家和地区)
            out.update(t[:i] + t[i + 1:] for i in range(1, len(t) - 1))
            out.update(t[:i] + t[i + 1] + t[i] + t[i + 2:] for i in range(len(t) - 1) if t[i] != t[i + 1])
        for variant in out:
            if variant != t and self._plausible_error(variant):
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

    def _glued(self, text: str, a: int, b: int, name: Name) -> bool:
        """Ordinary words, not a misspelt name: an edge character of the span forms a common
        word with the character outside it (期内|向县 is 期内 + 向县, not 内乡县; 工作中|组织部署
        is not 中央组织部), or, in a three-character name, the changed character forms one with
        its neighbour inside the span (天校区 is 天 + 校区, 国方法 is 国 + 方法)."""
        if name.any_sub:
            return False
        common = self.d.common
        if (a > 0 and text[a - 1:a + 1] in common) or (b < len(text) and text[b - 1:b + 1] in common):
            return True
        if len(name.text) == 3 and b - a == 3 and name.category != "leader":
            i = next((k for k in range(3) if text[a + k] != name.text[k]), -1)
            if i >= 0 and ((i > 0 and text[a + i - 1:a + i + 1] in common)
                           or (i < 2 and text[a + i:a + i + 2] in common)):
                return True
        return False

    # -- scanning ---------------------------------------------------------------------------
    @cached_property
    def matcher(self) -> KeyMatcher:
        """Its own automaton, for use without the engine's shared pass."""
        return KeyMatcher(list(self.keys))

    def candidates(self, text: str, raw: list[tuple[int, int, int]] | None = None,
                   offset: int = 0) -> list[tuple[int, int, Name]]:
        """``raw``/``offset``: matches of a shared pass in which this dictionary's keys start
        at index ``offset`` (WordMatcher.share)."""
        found: list[tuple[int, int, Name]] = []
        if raw is None:
            raw, offset = self.matcher.find(text), 0
        for index, start, end in raw:
            if index < offset:
                continue
            for code in self._payloads(index - offset):
                found.extend(self._verify(text, start, end, self.names[code >> 2], _KINDS[code & 3]))
        kept: list[tuple[int, int, Name]] = []
        for a, b, name in sorted(found, key=lambda f: (f[0], -len(f[2].text), -f[1])):
            if self._covered(text, a, b, name.text):
                continue
            if kept and a < kept[-1][1]:
                continue      # one finding per place: the longer name wins
            kept.append((a, b, name))
        return kept

    def _verify(self, text: str, start: int, end: int, name: Name, kind: str) -> Iterator[tuple[int, int, Name]]:
        size = len(name.text)
        if kind in ("var", "swap"):
            spans = [(start, end)]
        elif kind == "pre":
            if text.startswith(name.text, start):
                return        # the name written right (the usual case): nothing to verify
            spans = [(start, start + n) for n in (size - 1, size, size + 1)]
        else:
            if text.endswith(name.text, 0, end):
                return
            spans = [(end - n, end) for n in (size - 1, size, size + 1)]
        for a, b in spans:
            if a < 0 or b > len(text):
                continue
            span = text[a:b]
            if span == name.text or not self._plausible_error(span):
                continue
            if (kind == "var" or self._one_edit(name, span)) and not self._glued(text, a, b, name):
                yield a, b, name

    def _covered(self, text: str, a: int, b: int, name: str) -> bool:
        """The span lies inside a correct valid name, or overlaps a correct writing of ``name``."""
        lo = max(0, a - 40)
        for index, s, e in self.exact.find(text[lo:b + 40]):
            s, e = s + lo, e + lo
            if e <= a or s >= b:
                continue
            if (s <= a and b <= e) or self.exact_words[index] == name:
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

    @property
    def keys(self) -> tuple[str, ...]:
        return self.names.keys

    def scan(self, nt: NormText, raw: list[tuple[int, int, int]] | None = None, offset: int = 0) -> Iterator[Hit]:
        context = self.rule.data.get("context")
        for a, b, name in self.names.candidates(nt.compact, raw, offset):
            if suppressed(context, nt.compact, a, b):
                continue
            start, end = nt.compact_span(a, b)
            suggestion = self.rule.suggestion.format(right=name.text) if self.rule.suggestion else None
            yield Hit(self.rule, start, end, suggestion=suggestion)
