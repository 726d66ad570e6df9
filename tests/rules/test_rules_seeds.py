"""The five source regulations are real public documents: the gate must let them through."""

from __future__ import annotations

import pytest

from .helpers import SEEDS, blocking, make_page

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def test_seeds_present():
    assert len(SEED_FILES) == 5


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_text_has_no_blocking_finding(engine, seed):
    findings = engine.scan_text(seed.name, seed.read_text("utf-8"))
    assert blocking(findings) == [], [f.render() for f in findings]


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_as_page_and_as_html_has_no_blocking_finding(engine, seed):
    text = seed.read_text("utf-8")
    assert blocking(engine.scan_page(make_page(text))) == []
    html = "<html><body>" + "".join(f"<p>{line}</p>\n" for line in text.split("\n")) + "</body></html>"
    assert blocking(engine.scan_html("site/a/index.html", html)) == []


def test_seed_with_planted_problem_is_caught(engine):
    text = SEED_FILES[2].read_text("utf-8")
    lines = text.split("\n")
    lines.insert(40, "秘密★1年")
    findings = blocking(engine.scan_text("seed.md", "\n".join(lines)))
    assert [(f.rule, f.line, f.column) for f in findings] == [("secret.marking", 41, 1)]
