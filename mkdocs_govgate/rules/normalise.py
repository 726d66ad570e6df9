"""Normalised views of a text, each character mapped back to the original source offsets.

Two views are built from the original text:

``norm``     what a reader sees: HTML entities decoded, tags removed (the text of alt/title/
             href/src attributes kept as separate paragraphs, since it is published too),
             invisible format characters (category Cf and other fillers) removed, NFKC width
             folding, traditional → simplified Chinese *per character* (fold.py; every output
             character comes from one source character, so offsets stay exact).  Separators
             are kept: PII and marking patterns need them.
``compact``  ``norm`` lower-cased, minus filler between two CJK characters (博*彩, 博 彩,
             博.彩, a soft line break, Markdown emphasis) and minus emphasis markers inside
             ASCII words.  Word lists are matched here.  Chinese punctuation is NOT filler: in
             市文博、彩陶专题展 the 、 separates two words, so 博彩 must not match.

Position maps are piecewise: a run of plain text maps linearly, a decoded entity or an
expanded character maps to its source span.  ``norm_span``/``compact_span`` look the pieces up
with a binary search, so no per-character offset list is ever built (that alone cost more
than matching).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from .fold import fold_char, fold_text, has_astral

# Invisible characters: all of Unicode category Cf (U+200B…, bidi controls, BOM, tag chars;
# NFKC keeps them) plus fillers of other categories that render as nothing.
INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD),
    (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F), (0xE0100, 0xE01EF),
)


def _class(ranges) -> str:
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


_INVISIBLE_CLASS = _class(INVISIBLE_RANGES)

# Tags whose boundaries end a paragraph: text on either side must never join into one word.
BLOCK_TAGS = frozenset("""
address article aside blockquote body br caption dd details dialog div dl dt fieldset figcaption
figure footer form h1 h2 h3 h4 h5 h6 head header hr html iframe img input li main meta nav noscript
ol option p pre script section select style summary table tbody td textarea tfoot th thead title tr ul
video audio source link
""".split())
# Attributes whose values reach readers (or are link targets) and so are scanned as text.
TEXT_ATTRS = ("alt", "title", "href", "src", "content", "aria-label", "placeholder", "value", "data-src")

_TOKEN_RE = re.compile(
    r"(?P<comment><!--|--!?>)"
    r"|(?P<tag></?(?P<name>[A-Za-z][A-Za-z0-9:-]*)(?P<attrs>(?:\s[^<>]*)?)/?>)"
    r"|(?P<entity>&(?:\#[0-9]{1,7}|\#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
    rf"|(?P<invisible>[{_INVISIBLE_CLASS}]+)"
)
# Where a token may start.  Searched separately because one regex mixing them (or holding
# astral ranges) defeats the regex engine's first-character skip and scans 10× slower.
_TOKEN_START_RE = re.compile("[<&" + _class(r for r in INVISIBLE_RANGES if r[1] < 0x10000) + "]")
_COMMENT_END_RE = re.compile("--!?>")
_ASTRAL_INVISIBLE_RE = re.compile("[" + _class(r for r in INVISIBLE_RANGES if r[0] >= 0x10000) + "]")
_ATTR_RE = re.compile(
    r"""(?<![\w-])(?P<key>[A-Za-z][\w:-]*)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+))"""
)

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Filler that may sit between two CJK characters of one word.  Deliberately absent: Chinese
# punctuation (、，。；：！？ and their NFKC forms , ; : ! ? ( )), brackets, | (table cells) and /
# (lists), which separate words in real prose.
_FILLER = r"[ \t\u00a0*_~.\-+=#@$%^&'\"`·•・\\]"
# A newline is a soft break (a word may continue on the next line, as Markdown joins the lines)
# unless the next line starts a new block: blank line, list item, heading, quote, table row.
_BLOCK_START = r"[ \t]*(?:\n|[-+*][ \t]|\#|>|\||\d+[.)][ \t]|$)"
_SOFT_NL = rf"\n(?!{_BLOCK_START})"
# A run of filler with a CJK character on both sides.  Written to start with one character
# class (filler or newline; the look-behind and the soft-break test come after it) so that the
# regex engine skips straight to those characters instead of trying every position.
_CJK_GAP_RE = re.compile(
    rf"[{_FILLER[1:-1]}\n](?<=[{CJK}][\s\S])(?:(?<!\n)|(?!{_BLOCK_START}))(?:{_FILLER}|{_SOFT_NL})*(?=[{CJK}])"
)
_ASCII_GAP_RE = re.compile(r"[*_~`](?<=[A-Za-z0-9][*_~`])[*_~`]*(?=[A-Za-z0-9])")


class NormText:
    """The views of one text and the piecewise maps back to it (see the module docstring)."""

    def __init__(self, original: str, norm: str, pieces: tuple[list[int], list[int], list[int]],
                 compact: str, cpieces: tuple[list[int], list[int]]):
        self.original = original
        self.norm = norm
        self.compact = compact
        # norm pieces: start in norm, start in original, original end (-1: a linear piece)
        self._n, self._o, self._e = pieces
        # compact pieces: start in compact, start in norm (compact pieces are always linear)
        self._cc, self._cn = cpieces

    # -- mapping back -------------------------------------------------------------------
    def norm_start(self, i: int) -> int:
        """Original offset where norm[i] starts."""
        k = bisect.bisect_right(self._n, i) - 1 if len(self._n) > 1 else 0
        return self._o[k] + (i - self._n[k]) if self._e[k] < 0 else self._o[k]

    def norm_end(self, i: int) -> int:
        """Original offset where norm[i] ends."""
        k = bisect.bisect_right(self._n, i) - 1 if len(self._n) > 1 else 0
        return self._o[k] + (i - self._n[k]) + 1 if self._e[k] < 0 else self._e[k]

    def to_norm(self, j: int) -> int:
        """norm index of compact[j]."""
        k = bisect.bisect_right(self._cc, j) - 1 if len(self._cc) > 1 else 0
        return self._cn[k] + (j - self._cc[k])

    def norm_span(self, a: int, b: int) -> tuple[int, int]:
        """Original [start, end) of norm[a:b]."""
        return self.norm_start(a), self.norm_end(b - 1) if b > a else self.norm_start(a)

    def compact_span(self, a: int, b: int) -> tuple[int, int]:
        return self.norm_start(self.to_norm(a)), self.norm_end(self.to_norm(b - 1))

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an original offset."""
        return self.line_cols([offset])[offset]

    def line_cols(self, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
        """Line and column of each offset: one pass counting newlines between sorted offsets
        (cheaper than a table of every line start when findings are few and texts long)."""
        out: dict[int, tuple[int, int]] = {}
        text, line, pos, newline = self.original, 1, 0, -1
        for offset in sorted(set(offsets)):
            last = text.rfind("\n", pos, offset)
            if last >= 0:
                line += text.count("\n", pos, offset)
                newline = last
            out[offset] = line, offset - newline
            pos = offset
        return out

    # per-character maps, for callers that want them whole (built on demand)
    @property
    def starts(self) -> list[int]:
        return [self.norm_start(i) for i in range(len(self.norm))]

    @property
    def ends(self) -> list[int]:
        return [self.norm_end(i) for i in range(len(self.norm))]

    @property
    def cmap(self) -> list[int]:
        return [self.to_norm(j) for j in range(len(self.compact))]


class _Builder:
    """Collects norm as pieces of the folded original (linear) and synthetic text."""

    def __init__(self, folded: str, expansions: list[tuple[int, str]]):
        self.folded = folded
        self.exp_at = [p for p, _ in expansions]
        self.exp_out = [o for _, o in expansions]
        self.parts: list[str] = []
        self.n: list[int] = []
        self.o: list[int] = []
        self.e: list[int] = []
        self.size = 0

    def _piece(self, text: str, start: int, end: int) -> None:
        self.parts.append(text)
        self.n.append(self.size)
        self.o.append(start)
        self.e.append(end)
        self.size += len(text)

    def plain(self, a: int, b: int) -> None:
        """Original [a, b), which holds no markup: folded, expanded characters spliced in."""
        if self.exp_at:
            k = bisect.bisect_left(self.exp_at, a)
            while k < len(self.exp_at) and self.exp_at[k] < b:
                at = self.exp_at[k]
                if at > a:
                    self._piece(self.folded[a:at], a, -1)
                self.synthetic(self.exp_out[k], at, at + 1)
                a = at + 1
                k += 1
        if b > a:
            self._piece(self.folded[a:b], a, -1)

    def synthetic(self, text: str, start: int, end: int) -> None:
        if text:
            self._piece(text, start, end)


def _tokens(text: str, astral: bool) -> Iterator[re.Match]:
    """The matches of ``_TOKEN_RE.finditer(text)``, trying only where a token can start."""
    searches = [_TOKEN_START_RE.search, _COMMENT_END_RE.search]
    if astral:
        searches.append(_ASTRAL_INVISIBLE_RE.search)
    nexts = [search(text) for search in searches]
    pos = 0
    while True:
        for i, found in enumerate(nexts):
            if found is not None and found.start() < pos:
                nexts[i] = searches[i](text, pos)
        starts = [found.start() for found in nexts if found is not None]
        if not starts:
            return
        at = min(starts)
        m = _TOKEN_RE.match(text, at)
        if m:
            yield m
            pos = m.end()
        else:
            pos = at + 1


def _emit(builder: _Builder, text: str, base: int, *, markup: bool, astral: bool) -> None:
    pos = 0
    for m in _tokens(text, astral):
        kind = m.lastgroup
        if kind in ("tag", "comment") and not markup:
            continue
        builder.plain(base + pos, base + m.start())
        pos = m.end()
        s, e = base + m.start(), base + m.end()
        if kind == "entity":
            decoded = html.unescape(m.group())
            builder.synthetic("".join(fold_char(c) if not c.isascii() else c for c in decoded), s, e)
        elif kind == "invisible" or kind == "comment":
            continue    # comment delimiters vanish; the comment's text is published, so scanned
        elif kind == "tag":
            name = m.group("name").lower()
            values = []
            for a in _ATTR_RE.finditer(m.group("attrs") or ""):
                if a.group("key").lower() in TEXT_ATTRS:
                    group = "dq" if a.group("dq") is not None else "sq" if a.group("sq") is not None else "bare"
                    values.append((a.group(group), m.start("attrs") + a.start(group)))
            if values or name in BLOCK_TAGS:
                builder.synthetic("\n\n", s, s + 1)
                for value, offset in values:
                    _emit(builder, value, base + offset, markup=False, astral=astral)
                    builder.synthetic("\n\n", s, s + 1)
    builder.plain(base + pos, base + len(text))


def normalise(text: str, *, markup: bool = True) -> NormText:
    """Build both views of ``text``; ``markup=False`` for plain text (attachments)."""
    astral = has_astral(text)
    builder = _Builder(*fold_text(text, astral))
    _emit(builder, text, 0, markup=markup, astral=astral)
    if not builder.parts:
        builder.n, builder.o, builder.e = [0], [0], [-1]
    norm = builder.parts[0] if len(builder.parts) == 1 else "".join(builder.parts)
    compact, cpieces = _compact(norm)
    return NormText(text, norm, (builder.n, builder.o, builder.e), compact, cpieces)


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)   # keep lengths (İ)


def _compact(norm: str) -> tuple[str, tuple[list[int], list[int]]]:
    gaps = [] if norm.isascii() else [m.span() for m in _CJK_GAP_RE.finditer(norm)]
    if "*" in norm or "_" in norm or "~" in norm or "`" in norm:
        gaps += [m.span() for m in _ASCII_GAP_RE.finditer(norm)]
    if not gaps:
        return _lower(norm), ([0], [0])
    gaps.sort()
    parts, cc, cn, pos, size = [], [], [], 0, 0
    for a, b in gaps:
        if a > pos:
            parts.append(norm[pos:a])
            cc.append(size)
            cn.append(pos)
            size += a - pos
        pos = max(pos, b)
    if pos < len(norm):
        parts.append(norm[pos:])
        cc.append(size)
        cn.append(pos)
    if not cc:
        cc, cn = [0], [0]
    return _lower("".join(parts)), (cc, cn)


@lru_cache(maxsize=131072)
def normalise_word(word: str) -> str:
    """A list entry in the form it is matched in (compact view)."""
    return normalise(word.strip()).compact.strip()


def is_cjk(ch: str) -> bool:
    return bool(re.match(f"[{CJK}]", ch))
