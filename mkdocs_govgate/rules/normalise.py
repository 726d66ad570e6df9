"""Normalised views of a text, each character mapped back to the original source offsets.

Two views are built from the original text:

``norm``     what a reader sees: HTML entities decoded, tags removed (the text of alt/title/
             href/src attributes kept as separate paragraphs, since it is published too),
             invisible format characters (category Cf and other fillers) removed, NFKC width
             folding, traditional → simplified Chinese *per character* (so lengths never
             change and offsets stay exact).  Separators are kept: PII and marking patterns
             need them.
``compact``  ``norm`` lower-cased, minus filler between two CJK characters (博*彩, 博 彩,
             博.彩, a soft line break, Markdown emphasis) and minus emphasis markers inside
             ASCII words.  Word lists are matched here.  Chinese punctuation is NOT filler: in
             市文博、彩陶专题展 the 、 separates two words, so 博彩 must not match.

``starts[i]``/``ends[i]`` give the original half-open span of ``norm[i]``; ``cmap[j]`` the
``norm`` index of ``compact[j]``.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import opencc

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
_INVISIBLE_CLASS = "".join(
    f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in INVISIBLE_RANGES
)

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
_SOFT_NL = r"\n(?![ \t]*(?:\n|[-+*][ \t]|\#|>|\||\d+[.)][ \t]|$))"
_CJK_GAP_RE = re.compile(rf"(?<=[{CJK}])(?:{_FILLER}|{_SOFT_NL})+(?=[{CJK}])")
_ASCII_GAP_RE = re.compile(r"(?<=[A-Za-z0-9])[*_~`]+(?=[A-Za-z0-9])")

_T2S = opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
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


@dataclass
class NormText:
    original: str
    norm: str
    starts: list[int]
    ends: list[int]
    compact: str = ""
    cmap: list[int] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)

    # -- mapping back -------------------------------------------------------------------
    def norm_span(self, a: int, b: int) -> tuple[int, int]:
        """Original [start, end) of norm[a:b]."""
        return self.starts[a], self.ends[b - 1] if b > a else self.starts[a]

    def compact_span(self, a: int, b: int) -> tuple[int, int]:
        return self.starts[self.cmap[a]], self.ends[self.cmap[b - 1]]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an original offset."""
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.original)]
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def plain(self, text: str, base: int) -> None:
        """Append original text[..] starting at original offset ``base`` (no markup inside)."""
        if not text:
            return
        if text.isascii():
            self.parts.append(text)
            self.starts.extend(range(base, base + len(text)))
            self.ends.extend(range(base + 1, base + len(text) + 1))
            return
        # Fast path: fold each distinct character once; when every change keeps the length,
        # one str.translate does the run and offsets stay an identity range.
        changed: dict[int, str] = {}
        for ch in set(text):
            if not ch.isascii():
                out = _fold_char(ch)
                if out != ch:
                    changed[ord(ch)] = out
        if all(len(out) == 1 for out in changed.values()):
            self.parts.append(text.translate(changed) if changed else text)
            self.starts.extend(range(base, base + len(text)))
            self.ends.extend(range(base + 1, base + len(text) + 1))
            return
        for i, ch in enumerate(text):     # some character expands (① → 1, ㈱ → (株)): map one by one
            out = changed.get(ord(ch), ch)
            self.parts.append(out)
            self.starts.extend([base + i] * len(out))
            self.ends.extend([base + i + 1] * len(out))

    def synthetic(self, text: str, start: int, end: int) -> None:
        self.parts.append(text)
        self.starts.extend([start] * len(text))
        self.ends.extend([end] * len(text))


def _emit_text(builder: _Builder, text: str, base: int, *, markup: bool) -> None:
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind in ("tag", "comment") and not markup:
            continue
        builder.plain(text[pos:m.start()], base + pos)
        pos = m.end()
        s, e = base + m.start(), base + m.end()
        if kind == "entity":
            decoded = html.unescape(m.group())
            folded = "".join(_fold_char(c) if not c.isascii() else c for c in decoded)
            builder.synthetic(folded, s, e)
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
                    _emit_text(builder, value, base + offset, markup=False)
                    builder.synthetic("\n\n", s, s + 1)
    builder.plain(text[pos:], base + pos)


def normalise(text: str, *, markup: bool = True) -> NormText:
    """Build both views of ``text``; ``markup=False`` for plain text (attachments)."""
    builder = _Builder()
    _emit_text(builder, text, 0, markup=markup)
    norm = "".join(builder.parts)
    nt = NormText(text, norm, builder.starts, builder.ends)
    nt.compact, nt.cmap = _compact(norm)
    return nt


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)   # keep lengths (İ)


def _compact(norm: str) -> tuple[str, list[int]]:
    gaps = sorted([(m.start(), m.end()) for m in _CJK_GAP_RE.finditer(norm)]
                  + [(m.start(), m.end()) for m in _ASCII_GAP_RE.finditer(norm)])
    if not gaps:
        return _lower(norm), list(range(len(norm)))
    parts, cmap, pos = [], [], 0
    for a, b in gaps:
        if a < pos:
            a = pos
        parts.append(norm[pos:a])
        cmap.extend(range(pos, a))
        pos = max(pos, b)
    parts.append(norm[pos:])
    cmap.extend(range(pos, len(norm)))
    return _lower("".join(parts)), cmap


def normalise_word(word: str) -> str:
    """A list entry in the form it is matched in (compact view)."""
    return normalise(word.strip()).compact.strip()


def is_cjk(ch: str) -> bool:
    return bool(re.match(f"[{CJK}]", ch))
