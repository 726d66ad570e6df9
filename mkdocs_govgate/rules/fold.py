"""Character folding: NFKC width folding, then traditional → simplified, one character at a time.

Folding is per character so that every output character still comes from one source
character.  Almost every character folds to exactly one character (，→ , 網 → 网 Ａ → A);
the few that expand (… → ..., ㎡ → m2, ⑩ → 10) are reported with their positions so the
caller can map each of their output characters back to the one source character.

Speed matters here (issue #4: 20 MB/s end to end): ``str.translate`` costs 30–55 ns per
character whatever it changes, so instead the characters that fold are found with one regex
scan over a precomputed class, the frequent ones are replaced with ``str.replace`` (a C loop)
and the rare ones with ``re.sub``.  Only text dense with folding characters (traditional
Chinese) is translated through a table, block by block.  Every path folds each character
once, as ``fold_char`` does (test_rules_fastpaths.py checks them against it).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")
# Characters so frequent in Chinese text that replacing them unconditionally is cheapest.
_COMMON = "，：；（）！？\u3000\u00a0"
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
# one str.replace pass over n characters costs about as much as n/1600 re.sub callbacks
_REPLACE_RATIO = 1600


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """NFKC then traditional → simplified for one character; output may be 0..n characters."""
    folded = unicodedata.normalize("NFKC", ch)
    out = []
    for c in folded:
        if ord(c) < 0x3400:
            out.append(c)
            continue
        simple = _T2S.convert(c)
        out.append(simple if len(simple) == 1 else c)
    return "".join(out)


def _ranges(chars: list[str]) -> str:
    """A regex class body for ``chars`` (sorted), runs written as ranges."""
    out: list[str] = []
    codes = sorted({ord(c) for c in chars})
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        out.append(f"\\u{codes[i]:04x}" if i == j else f"\\u{codes[i]:04x}-\\u{codes[j]:04x}")
        i = j + 1
    return "".join(out)


def bmp_candidates() -> list[str]:
    """Every BMP character that ``fold_char`` may change (a superset; checked by a test).

    NFKC-unstable characters plus those OpenCC converts; the CJK block is converted in one
    call with a newline between characters (no dictionary phrase contains a newline, so each
    character is converted on its own, as ``fold_char`` does).
    """
    out = [chr(cp) for cp in range(0x80, 0x10000)
           if not 0xD800 <= cp < 0xE000 and not unicodedata.is_normalized("NFKC", chr(cp))]
    cjk = [chr(cp) for cp in range(0x3400, 0x10000) if not 0xD800 <= cp < 0xE000]
    converted = _T2S.convert("\n".join(cjk)).split("\n")
    if len(converted) == len(cjk):
        out.extend(a for a, b in zip(cjk, converted, strict=True) if a != b)
    else:  # pragma: no cover - cannot tell which ones convert: let fold_char judge them all
        out.extend(cjk)
    return out


@lru_cache(maxsize=1)
def _candidate_re() -> re.Pattern:
    # built on first use (~20 ms), not at import: the CLI's other commands never fold text
    return re.compile(f"[{_ranges(bmp_candidates())}]")


@lru_cache(maxsize=1)
def _expanding_re() -> re.Pattern:
    # fold_char keeps one character per NFKC output character, so these are the NFKC expanders
    chars = [chr(cp) for cp in range(0x80, 0x10000)
             if not 0xD800 <= cp < 0xE000 and len(unicodedata.normalize("NFKC", chr(cp))) != 1]
    return re.compile(f"[{_ranges(chars)}]")


class _FoldTable(dict):
    """code point → its one-character fold, or itself (expanders stay in place): for translate."""

    def __missing__(self, code: int) -> str | int:
        out = fold_char(chr(code))
        value: str | int = out if len(out) == 1 else code
        self[code] = value
        return value


_TABLE = _FoldTable()


@lru_cache(maxsize=1)
def _bmp_table() -> list[str]:
    """The same mapping as a list over the BMP: str.translate indexes a list ~2x faster than it
    hashes into a dict.  Built on first use (~40 ms)."""
    table = [chr(cp) for cp in range(0x10000)]
    for ch in bmp_candidates():
        out = fold_char(ch)
        if len(out) == 1:
            table[ord(ch)] = out
    return table


# Above this share of folding characters (traditional text) one str.translate pass (~30 ns a
# character) is cheaper than finding and substituting each of them (~300 ns each).
_DENSE = 1 / 10
_SAMPLE = 2048
_BLOCK = 8192


@lru_cache(maxsize=1)
def _common_pairs() -> tuple[tuple[str, str], ...]:
    return tuple((c, fold_char(c)) for c in _COMMON if len(fold_char(c)) == 1 and fold_char(c) != c)


def has_astral(text: str) -> bool:
    """Any character outside the BMP (their regex classes are slow: test once, cheaply)."""
    return not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def fold_text(text: str, astral: bool | None = None) -> tuple[str, list[tuple[int, str]]]:
    """``text`` with every character folded that folds to one character (same length), and
    the ``(position, output)`` of the characters that fold to another length, left in place.
    ``astral``: whether ``text`` has characters beyond the BMP, if the caller knows."""
    if text.isascii():
        return text, []
    if len(text) <= _BLOCK:
        return _fold_block(text, astral)
    # Folding is per character, so blocks fold independently; each block picks its own way
    # (a traditional chapter inside simplified text is translated, the rest substituted).
    parts: list[str] = []
    expansions: list[tuple[int, str]] = []
    for at in range(0, len(text), _BLOCK):
        block, grown = _fold_block(text[at:at + _BLOCK], astral)
        parts.append(block)
        expansions.extend((at + p, out) for p, out in grown)
    return "".join(parts), expansions


def _fold_block(text: str, astral: bool | None) -> tuple[str, list[tuple[int, str]]]:
    for c, d in _common_pairs():
        text = text.replace(c, d)
    rx = _candidate_re()
    astral = has_astral(text) if astral is None else astral
    sample = min(len(text), _SAMPLE)
    found = rx.findall(text, 0, sample)
    if len(found) > sample * _DENSE:
        return _fold_dense(text, astral)
    if sample < len(text):
        found += rx.findall(text, sample)
        if len(found) > len(text) * _DENSE:     # the sample was not typical of the block
            return _fold_dense(text, astral)
    if astral:
        found += _ASTRAL_RE.findall(text)
    if not found:
        return text, []
    counts = Counter(found)
    single: dict[str, str] = {}
    grown: dict[str, str] = {}
    for c in counts:
        out = fold_char(c)
        if out != c:
            (single if len(out) == 1 else grown)[c] = out
    # no regex is compiled here: a page's own set of characters would cost a compile per page
    expansions = _expansions(text, astral) if grown else []
    rare: dict[str, str] = {}
    if any(out in single for out in single.values()):
        # a chain (薴 → 苧 → 苎): one replace after another would fold 薴 twice; one pass instead
        return text.translate({ord(c): out for c, out in single.items()}), expansions
    for c, out in single.items():
        if counts[c] * _REPLACE_RATIO > len(text):
            text = text.replace(c, out)
        else:
            rare[c] = out
    if rare:    # the remaining candidates: rare ones change, the others (expanders …) stay
        text = rx.sub(lambda m: rare.get(m.group(), m.group()), text)
        if astral:
            text = _ASTRAL_RE.sub(lambda m: rare.get(m.group(), m.group()), text)
    return text, expansions


def _expansions(text: str, astral: bool) -> list[tuple[int, str]]:
    """(position, output) of every character that folds to another length."""
    found = [(m.start(), fold_char(m.group())) for m in _expanding_re().finditer(text)]
    if astral:
        found += [(m.start(), fold_char(m.group())) for m in _ASTRAL_RE.finditer(text)
                  if len(fold_char(m.group())) != 1]
        found.sort()
    return found


def _fold_dense(text: str, astral: bool) -> tuple[str, list[tuple[int, str]]]:
    # astral characters are beyond the list (translate leaves them as they are): use the dict
    return text.translate(_TABLE if astral else _bmp_table()), _expansions(text, astral)
