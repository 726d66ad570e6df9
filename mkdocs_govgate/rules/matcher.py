"""Word-list matching with Aho-Corasick: linear in the text, whatever the list size.

A regex alternation over 10,000 words tries every alternative at every position; an automaton
visits each character once (see benchmarks/rules_bench.py).  ahocorasick-rs (Rust) is used:
pyahocorasick scans children linearly, which is slow for CJK lists whose words start with
thousands of different characters; pyahocorasick remains the fallback.  Entries are matched
on the compact view (normalise.py), so a list entry is normalised the same way before it is
added.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

try:
    import ahocorasick_rs
except ImportError:  # pragma: no cover - fallback when the Rust wheel is unavailable
    ahocorasick_rs = None
import ahocorasick

from .normalise import normalise_word


def _is_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


@dataclass(frozen=True)
class Hit:
    start: int          # compact offsets, half-open
    end: int
    word: str           # the list entry as normalised
    payload: object


class KeyMatcher:
    """Keys already in compact form → (key index, start, end) of every occurrence.

    For generated dictionaries of 100,000+ keys: no payload object per key (a tracked object
    per key makes every garbage collection walk them all, which halved the page-by-page speed)
    and no normalising (a second at every load for keys that are simplified CJK already).
    """

    def __init__(self, keys: list[str]):
        self.size = len(keys)
        if ahocorasick_rs is not None:
            self._rs = ahocorasick_rs.AhoCorasick(keys) if keys else None
        else:
            self._py = ahocorasick.Automaton()
            for i, key in enumerate(keys):
                self._py.add_word(key, (i, len(key)))
            self._py.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, int]]:
        if not self.size:
            return []
        if ahocorasick_rs is not None:
            return self._rs.find_matches_as_indexes(text, overlapping=True)
        return [(i, end - n + 1, end + 1) for end, (i, n) in self._py.iter(text)]


@lru_cache(maxsize=8)
def _automaton(keys: tuple[str, ...]) -> KeyMatcher:
    """Engines loaded again for the same site (tests, the plugin's serve loop) reuse it."""
    return KeyMatcher(list(keys))


class WordMatcher:
    """Many words → payloads; ASCII letters at an entry's edges need a non-letter next to them."""

    def __init__(self) -> None:
        self._automaton: object = None
        self._keys: list[str] = []
        self._payloads: dict[str, list[object]] = {}
        self._built = False
        self._extra: tuple[str, ...] = ()
        self.own = 0        # keys [0, own) are this matcher's words; the rest are ``extra``

    def add(self, word: str, payload: object) -> None:
        key = normalise_word(word)
        if not key:
            return
        self._payloads.setdefault(key, []).append(payload)
        self._built = False

    def add_many(self, words: Iterable[str], payload: object) -> None:
        for word in words:
            self.add(word, payload)

    def __len__(self) -> int:
        return len(self._payloads)

    def share(self, extra: tuple[str, ...]) -> None:
        """Also find ``extra`` (compact keys of another detector) in the same pass: one walk of
        the text instead of two; ``find`` reports them with indexes from ``own`` on."""
        self._extra = extra
        self._built = False

    def build(self) -> None:
        self._keys = list(self._payloads)
        self.own = len(self._keys)
        self._automaton = _automaton(tuple(self._keys) + self._extra) if self._keys or self._extra else None
        self._built = True

    def find(self, compact: str) -> list[tuple[int, int, int]]:
        """(key index, start, end) of every occurrence, overlapping ones included."""
        if not self._built:
            self.build()
        return self._automaton.find(compact) if self._automaton else []

    def iter(self, compact: str, raw: list[tuple[int, int, int]] | None = None) -> Iterator[Hit]:
        """This matcher's words in ``compact``; ``raw``: the result of ``find`` when the caller
        already ran it (shared with another detector)."""
        if not self._payloads:
            return
        for index, start, stop in (self.find(compact) if raw is None else raw):
            if index >= self.own:
                continue
            key = self._keys[index]
            payloads = self._payloads[key]
            end = stop - 1
            # An ASCII letter on the edge of an entry must not touch another letter ('specialist'
            # holds no 'cialis'); digits may ('bocai888', the usual spam spelling, is 'bocai').
            if _is_letter(key[0]) and start > 0 and _is_letter(compact[start - 1]):
                continue
            if _is_letter(key[-1]) and end + 1 < len(compact) and _is_letter(compact[end + 1]):
                continue
            for payload in payloads:
                yield Hit(start, end + 1, key, payload)
