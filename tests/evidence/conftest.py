from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from kit import Key, Repo, isolate_home, make_openpgp_key, make_ssh_key  # noqa: E402


@pytest.fixture(scope="session")
def keyfolder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="session")
def gnupghome(keyfolder: Path) -> Path:
    return keyfolder / "gnupg"


@pytest.fixture(scope="session")
def keys(keyfolder: Path, gnupghome: Path) -> dict[str, Key]:
    folder = keyfolder
    gnupghome.mkdir(mode=0o700)
    result = {
        "editor1": make_ssh_key(folder, "editor1"),
        "chief1": make_ssh_key(folder, "chief1"),
        "chief2": make_ssh_key(folder, "chief2", "ecdsa"),
        "webadmin1": make_ssh_key(folder, "webadmin1", "rsa"),
        "deputy1": make_openpgp_key(gnupghome, "deputy1"),
        "principal1": make_ssh_key(folder, "principal1"),
        "root1": make_ssh_key(folder, "root1"),
        "root2": make_ssh_key(folder, "root2"),
        "mallory": make_ssh_key(folder, "mallory"),
        "mallory_pgp": make_openpgp_key(gnupghome, "mallory"),
    }
    return result


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_home(tmp_path, monkeypatch)


@pytest.fixture
def repo(tmp_path: Path, keys: dict[str, Key], gnupghome: Path) -> Repo:
    return Repo(tmp_path / "site", keys, gnupghome)


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PYTHONHASHSEED", "0")
