from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from kit import Key, Repo, make_openpgp_key, make_ssh_key  # noqa: E402


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
    """The developer's own git config, keyring and ~/.ssh never take part."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GNUPGHOME", str(home / "no-gnupg"))
    monkeypatch.delenv("GOVGATE_TRUST_ROOT", raising=False)
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    for name in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def repo(tmp_path: Path, keys: dict[str, Key], gnupghome: Path) -> Repo:
    return Repo(tmp_path / "site", keys, gnupghome)


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PYTHONHASHSEED", "0")
