from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sitekit import Site  # noqa: E402


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site-root")


@pytest.fixture
def exclude_site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site-root", on_unapproved="exclude")
