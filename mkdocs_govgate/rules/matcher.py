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


class WordMatcher:
    """Many words → payloads; ASCII letters at an entry's edges need a non-letter next to them."""

    def __init__(self) -> None:
        self._automaton: object = None
        self._keys: list[str] = []
        self._payloads: dict[str, list[object]] = {}
        self._built = False

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

    def build(self) -> None:
        self._keys = list(self._payloads)
        if not self._keys:
            self._automaton = None
        elif ahocorasick_rs is not None:
            self._automaton = ahocorasick_rs.AhoCorasick(self._keys)
        else:
            self._automaton = ahocorasick.Automaton()
            for i, key in enumerate(self._keys):
                self._automaton.add_word(key, i)
            self._automaton.make_automaton()
        self._built = True

    def _raw(self, compact: str) -> Iterator[tuple[int, int, int]]:
        """(key index, start, end) of every occurrence, overlapping ones included."""
        if ahocorasick_rs is not None:
            yield from self._automaton.find_matches_as_indexes(compact, overlapping=True)
        else:
            for end, i in self._automaton.iter(compact):
                yield i, end - len(self._keys[i]) + 1, end + 1

    def iter(self, compact: str) -> Iterator[Hit]:
        if not self._payloads:
            return
        if not self._built:
            self.build()
        for index, start, stop in self._raw(compact):
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
