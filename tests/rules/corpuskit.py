"""The rules corpus (tests/rules/corpus): clean articles and planted problems with their
expected rule ids.  Shared by test_corpus.py and benchmarks/rules_quality.py, so it only uses
absolute imports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from mkdocs_govgate.findings import Finding
from mkdocs_govgate.page import Page
from mkdocs_govgate.rules import RuleEngine

CORPUS = Path(__file__).resolve().parent / "corpus"
TODAY = dt.date(2024, 6, 1)


def expected() -> dict[str, list[str]]:
    """corpus-relative path → expected rule ids ([] = clean)."""
    data = yaml.safe_load((CORPUS / "expected.yml").read_text("utf-8"))
    return {name: list(ids or []) for name, ids in data.items()}


def files() -> list[str]:
    return sorted(p.relative_to(CORPUS).as_posix() for folder in ("clean", "planted")
                  for p in (CORPUS / folder).iterdir() if p.is_file())


def engine() -> RuleEngine:
    return RuleEngine.load(CORPUS / "site", {"today": TODAY})


def scan(rules: RuleEngine, name: str, path: Path | None = None) -> list[Finding]:
    """Findings for one corpus file, scanned the way the gate scans that kind of file."""
    path = path or CORPUS / name
    if path.suffix == ".md":
        return rules.scan_page(Page.from_bytes(name, path.read_bytes()))
    if path.suffix == ".html":
        return rules.scan_html(name, path.read_text("utf-8"))
    return rules.scan_attachment(name, path)
