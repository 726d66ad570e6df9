"""Real published pages (tests/rules/corpus/real): false positives on both sets, recall of
incident-modelled problems planted into held-out copies.  Used by rules_quality.py."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mkdocs_govgate.page import Page
from mkdocs_govgate.rules import RuleEngine

REAL = Path(__file__).resolve().parents[1] / "tests" / "rules" / "corpus" / "real"
TODAY = dt.date(2026, 12, 1)
FROZEN_AFTER = 116      # pages numbered above this were added after the rules were frozen
FRONT = ("---\ntitle: 页面\ndate: 2024-01-09\ncolumn: 工作动态\nunit: 县人民政府办公室\nauthor: editor\n"
         "classification: general\n---\n")


@dataclass(frozen=True)
class RealPage:
    file: str
    url: str
    kind: str          # ordinary | report | hijack

    @property
    def fresh(self) -> bool:
        """Added after the rules were frozen (README.md in the corpus folder)."""
        return int(self.file[:3]) > FROZEN_AFTER

    @property
    def held_out(self) -> bool:
        """The split fixed before any page was looked at (README.md in the corpus folder)."""
        return int(hashlib.sha1(self.url.encode()).hexdigest(), 16) % 3 == 0

    def text(self) -> str:
        return (REAL / "pages" / self.file).read_text("utf-8")


def pages() -> list[RealPage]:
    rows = (REAL / "sources.tsv").read_text("utf-8").splitlines()[1:]
    return [RealPage(*row.split("\t")) for row in rows if row.strip()]


def engine() -> RuleEngine:
    return RuleEngine.load(REAL / "site", {"today": TODAY})


def scan(rules: RuleEngine, name: str, body: str):
    return rules.scan_page(Page.from_bytes(name, (FRONT + body).encode("utf-8")))


@dataclass
class FalsePositives:
    pages: int = 0
    blocked: int = 0
    blocking: Counter = field(default_factory=Counter)   # rule → pages it blocked
    warned: Counter = field(default_factory=Counter)     # rule → pages it warned on
    examples: list = field(default_factory=list)


def false_positives(rules: RuleEngine, chosen: list[RealPage]) -> FalsePositives:
    out = FalsePositives()
    for page in chosen:
        findings = scan(rules, page.file, page.text())
        out.pages += 1
        blocking = {f.rule for f in findings if f.blocking}
        out.blocked += bool(blocking)
        out.blocking.update(blocking)
        out.warned.update({f.rule for f in findings if not f.blocking})
        out.examples += [f"{page.file}: {f.rule} {f.match}" for f in findings if f.blocking]
    return out


def _plant(body: str, text: str) -> str:
    """The problem as its own paragraph after the page's first paragraph."""
    head, sep, tail = body.partition("\n")
    return f"{head}\n\n{text}\n\n{tail}" if sep else f"{body}\n\n{text}\n"


def recall(rules: RuleEngine, chosen: list[RealPage]) -> tuple[Counter, Counter, list[str]]:
    """(caught, planted) per category over held-out copies, and the misses."""
    incidents = yaml.safe_load((REAL / "incidents.yml").read_text("utf-8"))["incidents"]
    caught: Counter = Counter()
    planted: Counter = Counter()
    misses: list[str] = []
    for page in chosen:
        body = page.text()
        for case in incidents:
            findings = scan(rules, page.file, _plant(body, case["text"]))
            planted[case["category"]] += 1
            if case["expect"] in {f.rule for f in findings}:
                caught[case["category"]] += 1
            else:
                misses.append(f"{page.file}: {case['expect']} ← {case['text']!r}")
    return caught, planted, misses
