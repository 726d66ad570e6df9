"""Quality (issue #4 item 7): realistic clean articles pass, planted problems are all caught."""

from __future__ import annotations

import pytest

from . import corpuskit

EXPECTED = corpuskit.expected()


@pytest.fixture(scope="module")
def engine():
    return corpuskit.engine()


def test_manifest_lists_every_file():
    assert sorted(EXPECTED) == corpuskit.files()
    clean = [n for n in EXPECTED if n.startswith("clean/")]
    planted = [n for n in EXPECTED if n.startswith("planted/")]
    assert len(clean) >= 15 and len(planted) >= 30
    assert all(EXPECTED[n] == [] for n in clean) and all(EXPECTED[n] for n in planted)


@pytest.mark.parametrize("name", [n for n in EXPECTED if n.startswith("clean/")])
def test_clean_article_has_no_blocking_finding(engine, name):
    findings = corpuskit.scan(engine, name)
    assert [f.render("en") for f in findings if f.blocking] == []


@pytest.mark.parametrize("name", [n for n in EXPECTED if n.startswith("planted/")])
def test_planted_problem_is_caught_and_nothing_else_blocks(engine, name):
    findings = corpuskit.scan(engine, name)
    found = {f.rule for f in findings}
    expected = set(EXPECTED[name])
    assert expected <= found, f"missed {sorted(expected - found)}"
    assert {f.rule for f in findings if f.blocking} <= expected, [f.render("en") for f in findings]
    # every finding points into the file: a line (pages, HTML, text attachments) or a place
    assert all(f.line >= 1 or f.location or f.category in ("metadata", "reprint") for f in findings)
