"""The fast paths (issue #4: 20 MB/s) give exactly what the straightforward code gives.

Each optimisation — folding found characters instead of translating every one, piecewise
position maps, pre-filtered regexes run on windows — is checked here against a plain
reference on texts built to hit the edge cases (evasions, expanders, entities, astral
characters, numbers at window edges).
"""

from __future__ import annotations

import html
import random
import re
import unicodedata

import pytest

from mkdocs_govgate.rules import RuleEngine
from mkdocs_govgate.rules.detectors import patterns as pattern_mod
from mkdocs_govgate.rules.detectors import pii
from mkdocs_govgate.rules.fold import _bmp_table, bmp_candidates, fold_char, fold_text
from mkdocs_govgate.rules.links import SCRIPT_RE, URL_RE, _script_matches, _url_matches
from mkdocs_govgate.rules.normalise import (
    _ATTR_RE,
    _FILLER,
    _SOFT_NL,
    _TOKEN_RE,
    BLOCK_TAGS,
    CJK,
    TEXT_ATTRS,
    normalise,
)

from .helpers import SEEDS

PIECES = [
    "博彩", "網絡賭博", "ＢＯＣＡＩ", "cialis", "specialist", "430124199003071232", "6222021234567890128",
    "13812345678", "138 1234 5678", "+86 139 1234 5678", "0086 138-1234-5678", "91430100MA4L2A3B1N",
    "91430100MA4L2A3B1Nı", "Y1430100MA4L2A3B1N", "٠١٢٣٤٥٦٧٨٩", "4٠١٢٨٨٨٨٨٨٨٨١٨٨١", "ſ", "\u212a", "İ", "ı",
    "http://x.com/a", "https://www.gov.cn/x", "www.bad.cn", "bad.com", "ｗｗｗ．ｂａｄ．ｃｏｍ", "1.5", "a.b", "//x.y",
    "[中国政府网](http://other.example)", "](javascript:alert(1))", "\n\njavascrıpt:", "data:text/html", "DATA",
    "<a href='http://ad.com' style='display:none'>x</a>", "<img alt=\"博彩\" src=\"a.png\">", "<b>", "</b>",
    "<br>", "<!-- 博彩 -->", "<!--", "-->", "--!>", "--->", "&#21338;", "&amp;", "&nbsp;", "&#x535a;&#x5f69;",
    "&lt;b&gt;", "&", "<", ">", "……", "㎡", "℃", "①", "⑩", "㈠", "㈱", "⒈", "ﬁ", "™", "½", "\u200b", "\ufeff", "\u00ad",
    "\u202e", "\U000e0041", "\U0001d41a", "\U0002a6d6", "𠀀", "秘密★1年", "絕密★長期", "密级：机密", "【秘密】",
    "内部资料 注意保存", "内部\n资料", "工作秘密", "未经议决", "县长张三", "截止目前", "台湾总统", "\n", "\n\n", "- ", "|",
    "**", "_", "~", "`", " ", "\t", ".", "、", "，", "。", "（", "）", "：", "\u3000", "\xa0", "#", "> ", "1. ", "12345",
    "2024-01-09", "彩", "博", "a", "1", "X", "\r\n", "[", "]", "(", ")", "!",
    "\U000104a0\U000104a1", "1381234\U000104a3\U000104a4\U000104a55678", "430124\U000104a0",   # astral digits
]


def _texts(seed: int, count: int, longest: int = 30) -> list[str]:
    rnd = random.Random(seed)
    lines = [line for p in sorted(SEEDS.glob("*.txt")) for line in p.read_text("utf-8").split("\n") if line]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rnd.randint(1, longest)):
            if rnd.random() < 0.2:
                parts.append(rnd.choice(lines)[:rnd.randint(1, 60)])
            else:
                piece = rnd.choice(PIECES)
                filler = rnd.choice(["", "", "*", " ", "\u200b", "\n", "<b>", ".", "&shy;"])
                parts.append(filler.join(piece) if filler else piece)
        out.append("".join(parts))
    return out


# -- folding -------------------------------------------------------------------------------

def test_candidates_cover_every_bmp_character_that_folds():
    candidates = set(bmp_candidates())
    table = _bmp_table()
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        out = fold_char(ch)
        assert out == ch or ch in candidates, hex(cp)
        assert table[cp] == (out if len(out) == 1 else ch), hex(cp)


def _fold_reference(text: str) -> tuple[str, list[tuple[int, str]]]:
    folded, grown = [], []
    for i, ch in enumerate(text):
        out = fold_char(ch) if not ch.isascii() else ch
        folded.append(out if len(out) == 1 else ch)
        if len(out) != 1:
            grown.append((i, out))
    return "".join(folded), grown


@pytest.mark.parametrize("text", [
    "網絡賭博平臺，請注意。" * 3000,                           # dense: translated in blocks
    "各乡镇人民政府，县直各单位：" * 3000 + "網絡……㎡",           # sparse: found and substituted
    "".join(p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))) * 3,
    "𝐀𝐁網" * 5000 + "⑩",                                       # astral characters
    ("薴苧" * 40 + "各乡镇人民政府，县直各单位：" * 400) * 2,      # 薴 → 苧 → 苎: fold once, not twice
])
def test_fold_text_equals_per_character_folding(text):
    assert fold_text(text) == _fold_reference(text)


# -- views and position maps ---------------------------------------------------------------

_CJK_GAP = re.compile(rf"(?<=[{CJK}])(?:{_FILLER}|{_SOFT_NL})+(?=[{CJK}])")
_ASCII_GAP = re.compile(r"(?<=[A-Za-z0-9])[*_~`]+(?=[A-Za-z0-9])")


def _reference_views(text: str, markup: bool) -> tuple[str, str, list[int], list[int], list[int]]:
    """The straightforward algorithm: one offset per character, tokens by finditer."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def add(out: str, start: int, end: int) -> None:
        chars.append(out)
        starts.extend([start] * len(out))
        ends.extend([end] * len(out))

    def plain(part: str, base: int) -> None:
        for i, ch in enumerate(part):
            add(fold_char(ch) if not ch.isascii() else ch, base + i, base + i + 1)

    def emit(part: str, base: int, markup: bool) -> None:
        pos = 0
        for m in _TOKEN_RE.finditer(part):
            kind = m.lastgroup
            if kind in ("tag", "comment") and not markup:
                continue
            plain(part[pos:m.start()], base + pos)
            pos = m.end()
            s, e = base + m.start(), base + m.end()
            if kind == "entity":
                add("".join(fold_char(c) if not c.isascii() else c for c in html.unescape(m.group())), s, e)
            elif kind == "tag":
                values = [(a.group(g), m.start("attrs") + a.start(g))
                          for a in _ATTR_RE.finditer(m.group("attrs") or "") if a.group("key").lower() in TEXT_ATTRS
                          for g in ["dq" if a.group("dq") is not None else "sq" if a.group("sq") is not None
                                    else "bare"]]
                if values or m.group("name").lower() in BLOCK_TAGS:
                    add("\n\n", s, s + 1)
                    for value, offset in values:
                        emit(value, base + offset, False)
                        add("\n\n", s, s + 1)
        plain(part[pos:], base + pos)

    emit(text, 0, markup)
    norm = "".join(chars)
    gaps = sorted([m.span() for m in _CJK_GAP.finditer(norm)] + [m.span() for m in _ASCII_GAP.finditer(norm)])
    kept, pos = [], 0
    for a, b in gaps:
        kept.extend(range(pos, max(a, pos)))
        pos = max(pos, b)
    kept.extend(range(pos, len(norm)))
    compact = "".join(norm[i] for i in kept)
    low = compact.lower()
    compact = low if len(low) == len(compact) else "".join(c.lower() if len(c.lower()) == 1 else c for c in compact)
    return norm, compact, starts, ends, kept


@pytest.mark.parametrize("seed", range(4))
def test_views_and_maps_equal_the_reference(seed):
    for text in _texts(seed, 150):
        for markup in (True, False):
            nt = normalise(text, markup=markup)
            assert (nt.norm, nt.compact, nt.starts, nt.ends, nt.cmap) == _reference_views(text, markup), repr(text)


def test_long_mixed_text_maps_back():
    text = "\n".join(_texts(9, 60, longest=80)) * 3          # several fold blocks
    nt = normalise(text)
    assert (nt.norm, nt.compact, nt.starts, nt.ends, nt.cmap) == _reference_views(text, True)


def test_line_columns():
    text = "甲\n乙丙\n\n丁戊己\n庚" + "辛" * 50
    nt = normalise(text)
    expected = {offset: (text[:offset].count("\n") + 1, offset - (text[:offset].rfind("\n") + 1) + 1)
                for offset in range(len(text))}
    assert {offset: nt.line_col(offset) for offset in expected} == expected
    assert nt.line_cols(reversed(range(0, len(text), 3))) == {k: v for k, v in expected.items() if k % 3 == 0}


# -- pre-filtered regexes --------------------------------------------------------------------

def _spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@pytest.mark.parametrize("seed", range(3))
def test_number_windows_find_what_a_full_scan_finds(seed):
    for text in _texts(100 + seed, 200):
        norm = normalise(text).norm
        windows = pii.windows(norm)
        for regex in (pii.ID_RE, pii.BANK_RE, pii.USCC_RE, pii.MOBILE_RE):
            assert _spans(pii._find(regex, norm, windows)) == _spans(regex.finditer(norm)), repr(norm)


@pytest.mark.parametrize("seed", range(3))
def test_url_and_script_prefilters_find_what_a_full_scan_finds(seed):
    for text in _texts(200 + seed, 200):
        norm = normalise(text).norm
        assert _spans(_url_matches(norm)) == _spans(URL_RE.finditer(norm)), repr(norm)
        assert _spans(_script_matches(norm)) == _spans(SCRIPT_RE.finditer(norm)), repr(norm)


def test_keyword_finder_reports_overlapping_occurrences():
    finder = pattern_mod.KeywordFinder(["秘密", "工作秘密", "密级", "工作", "秘"])
    text = "本件属工作秘密级，秘密"
    expected = {k: [m.start() for m in re.finditer(f"(?={re.escape(k)})", text)]
                for k in ["秘密", "工作秘密", "密级", "工作", "秘"]}
    assert finder.find(text) == expected


def test_line_scope_finds_what_a_whole_text_scan_finds():
    line_engine = RuleEngine.load(None)
    text_engine = RuleEngine.load(None)
    for rule in text_engine.rules.values():
        if rule.scope == "line":
            rule.scope = "text"
    text_engine = RuleEngine(text_engine.ruleset)      # rebuilt with the whole-text scope
    assert any(r.scope == "line" for r in line_engine.rules.values())
    for text in _texts(300, 300):
        secret = [(f.rule, f.line, f.column, f.match) for f in line_engine.scan_text("a.md", text)
                  if f.category == "secret"]
        assert secret == [(f.rule, f.line, f.column, f.match) for f in text_engine.scan_text("a.md", text)
                          if f.category == "secret"], repr(text)


def test_fold_is_nfkc_then_simplified():
    assert fold_char("網") == "网" and fold_char("Ａ") == "A" and fold_char("…") == "..."
    assert fold_char("①") == unicodedata.normalize("NFKC", "①")
