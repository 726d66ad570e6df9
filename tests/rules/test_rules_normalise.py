"""The normalised views map every character back to its exact source position."""

from __future__ import annotations

import sys
import unicodedata

from mkdocs_govgate.rules.normalise import INVISIBLE_RANGES, normalise


def test_every_format_character_is_invisible():
    covered = {c for a, b in INVISIBLE_RANGES for c in range(a, b + 1)}
    cf = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert cf <= covered


def test_offsets_map_back():
    text = "前言&#21338;<b>彩</b>\u200b網站"
    nt = normalise(text)
    assert nt.compact == "前言博彩网站"
    start = nt.compact.index("博彩")
    a, b = nt.compact_span(start, start + 2)
    assert text[a:b] == "&#21338;<b>彩"
    a, b = nt.compact_span(nt.compact.index("网"), nt.compact.index("网") + 2)
    assert text[a:b] == "網站"


def test_line_and_column(engine):
    text = "第一行\n第二行 博 彩\n"
    [finding] = engine.scan_text("a.md", text, first_line=10, first_column=5)
    assert (finding.line, finding.column) == (11, 5)
    [finding] = engine.scan_text("a.md", "前博彩", first_line=3, first_column=5)
    assert (finding.line, finding.column) == (3, 6)


def test_columns_count_characters_not_bytes(engine):
    [finding] = engine.scan_text("a.md", "｜全角＆中文，博彩")
    assert finding.column == 8 and finding.match == "博彩"
