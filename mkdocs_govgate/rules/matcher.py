"""Word-list matching with Aho-Corasick: linear in the text, whatever the list size.

A regex alternation over 10,000 words backtracks at every position; an automaton visits each
character once (see benchmarks/rules_bench.py).  Entries are matched on the compact view
(normalise.py), so a list entry is normalised the same way before it is added.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ahocorasick

from .normalise import normalise_word


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


@dataclass(frozen=True)
class Hit:
    start: int          # compact offsets, half-open
    end: int
    word: str           # the list entry as normalised
    payload: object


class WordMatcher:
    """Many words → payloads; ASCII words only match on word boundaries ('specialist' ≠ cialis)."""

    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton()
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
        self._automaton = ahocorasick.Automaton()
        for key, payloads in self._payloads.items():
            self._automaton.add_word(key, (key, tuple(payloads)))
        if self._payloads:
            self._automaton.make_automaton()
        self._built = True

    def iter(self, compact: str) -> Iterator[Hit]:
        if not self._payloads:
            return
        if not self._built:
            self.build()
        for end, (key, payloads) in self._automaton.iter(compact):
            start = end - len(key) + 1
            # Word boundaries apply only on the ASCII-alphanumeric edges of an entry.
            if _is_word_char(key[0]) and start > 0 and _is_word_char(compact[start - 1]):
                continue
            if _is_word_char(key[-1]) and end + 1 < len(compact) and _is_word_char(compact[end + 1]):
                continue
            for payload in payloads:
                yield Hit(start, end + 1, key, payload)
