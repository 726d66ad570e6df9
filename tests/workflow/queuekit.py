"""Shared set-up for the `govgate status` and `govgate retract` tests: a real repository in
history-evidence mode, real SSH keys, real signed commits, the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evidence"))

from kit import PAGE, Key, Repo, isolate_home, make_ssh_key, roster_yaml  # noqa: E402
from sitekit import BIN  # noqa: E402

__all__ = ["PAGE", "Key", "Repo", "BIN", "roster_yaml", "keyfolder", "keys", "gnupghome", "isolated_home", "site",
           "page_text", "Workflow"]


@pytest.fixture(scope="module")
def keyfolder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workflow-keys")


@pytest.fixture(scope="module")
def gnupghome(keyfolder: Path) -> Path:
    home = keyfolder / "gnupg"
    home.mkdir(mode=0o700, exist_ok=True)
    return home


@pytest.fixture(scope="module")
def keys(keyfolder: Path) -> dict[str, Key]:
    names = ("editor1", "chief1", "chief2", "webadmin1", "deputy1", "principal1", "root1", "root2", "mallory")
    return {name: make_ssh_key(keyfolder, name) for name in names}


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_home(tmp_path, monkeypatch, extra_path=BIN)


def page_text(title: str, body: str, *, author: str = "editor1", classification: str = "general") -> str:
    return (f"---\ntitle: {title}\ndate: 2025-01-09\ncolumn: 通知公告\nunit: 县应急管理局\nauthor: {author}\n"
            f"classification: {classification}\n---\n{body}")


class Workflow:
    """A kit Repo plus the CLI and `mkdocs build` as CI and people run them."""

    def __init__(self, repo: Repo, *, report_dir: bool = True):
        self.repo = repo
        root = repo.root
        plugin = "  - govgate:\n      report_dir: report\n" if report_dir else "  - govgate\n"
        repo.write("mkdocs.yml", f"site_name: 测试县人民政府\ndocs_dir: content\ntheme:\n  name: mkdocs\n"
                                 f"  highlightjs: false\nplugins:\n  - search\n{plugin}")
        repo.write(".gitignore", ".govgate-cache/\nsite/\nreport/\n")
        repo.commit("站点配置", signer="root1")      # configuration: an admin commits it (issue #11)
        repo.write("signoffs/rules/allowed_domains.txt", "www.mkdocs.org\n")   # the theme's footer credit
        repo.commit("允许主题页脚链接", signer="root1")
        self.env = {**os.environ, "GNUPGHOME": str(repo.gnupghome),
                    "GOVGATE_TRUST_ROOT": f"{repo.root_commit}:{repo.keys['root1'].fingerprint}",
                    "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
        self.root = root

    def run(self, *args: str, signer: str | None = None) -> subprocess.CompletedProcess:
        """Run a command in the repository; ``signer`` sets git's signing key as that person would."""
        if signer is not None:
            self.use_key(signer)
        try:
            return subprocess.run([str(a) for a in args], cwd=self.root, capture_output=True, text=True,
                                  env=self.env, timeout=300)
        finally:
            if signer is not None:
                self.repo.git("config", "--unset", "user.signingkey", check=False)

    def use_key(self, person: str | Key) -> None:
        key = person if isinstance(person, Key) else self.repo.keys[person]
        self.repo.git("config", "gpg.format", key.format)
        self.repo.git("config", "user.signingkey", key.signing)

    def govgate(self, *args: str, signer: str | None = None) -> subprocess.CompletedProcess:
        return self.run(str(BIN / "govgate"), *args, signer=signer)

    def status_json(self, *args: str, signer: str | None = None) -> dict:
        result = self.govgate("status", "--format", "json", *args, signer=signer)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def build(self) -> subprocess.CompletedProcess:
        return self.run(str(BIN / "mkdocs"), "build")

    def add_page(self, rel: str, text: str, message: str = "新稿件") -> None:
        self.repo.write(f"content/{rel}", text)
        self.repo.commit(message, signer=None)

    def approve(self, rel: str, *stages: tuple[str, str], action: str = "approve", opinion: str | None = None) -> None:
        for stage, signer in stages:
            assert self.repo.approve(f"content/{rel}", stage, signer, action=action, opinion=opinion) == 0

    def approve_all(self, rel: str) -> None:
        self.approve(rel, ("first", "chief1"), ("second", "webadmin1"), ("final", "principal1"))

    def report(self) -> dict:
        return json.loads((self.root / "report" / "govgate-report.json").read_text(encoding="utf-8"))

    def site_text(self) -> str:
        chunks = []
        for path in sorted((self.root / "site").rglob("*")):
            if path.is_file():
                text = path.read_bytes().decode("utf-8", errors="replace")
                chunks += [path.relative_to(self.root / "site").as_posix(), text]
                if path.suffix == ".json":   # the search index writes Chinese as \\uXXXX
                    chunks.append(json.dumps(json.loads(text), ensure_ascii=False))
        return "\n".join(chunks)


@pytest.fixture
def site(tmp_path: Path, keys: dict[str, Key], gnupghome: Path) -> Workflow:
    return Workflow(Repo(tmp_path / "site", keys, gnupghome))
