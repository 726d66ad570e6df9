from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sitekit import Site, admin_pin  # noqa: E402


@pytest.fixture(autouse=True)
def _pinned_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pin CI would hold for the test sites (sitekit's admin seals their configuration)."""
    monkeypatch.setenv("GOVGATE_TRUST_ROOT", admin_pin())


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site-root")


@pytest.fixture
def exclude_site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site-root", on_unapproved="exclude")
