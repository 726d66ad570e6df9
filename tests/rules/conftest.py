from __future__ import annotations

import pytest

from mkdocs_govgate.rules import RuleEngine

from .helpers import TODAY


@pytest.fixture(scope="session")
def engine() -> RuleEngine:
    return RuleEngine.load(None, {"today": TODAY})


@pytest.fixture(scope="session")
def scan(engine):
    """scan("text") → rule ids found in it."""
    def run(text: str) -> list[str]:
        return sorted(f.rule for f in engine.scan_text("t.md", text))
    return run
