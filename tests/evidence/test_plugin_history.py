"""End to end in history mode: real signed commits by `govgate approve`, then a real `mkdocs build`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kit import forge

BIN = Path(sys.executable).parent


def prepare(repo) -> dict[str, str]:
    repo.write("signoffs/rules/allowed_domains.txt", "www.mkdocs.org\n")   # the theme's footer credit
    repo.commit("允许主题页脚链接", signer="root1")
    env = dict(os.environ, GNUPGHOME=str(repo.gnupghome),
               GOVGATE_TRUST_ROOT=f"{repo.root_commit}:{repo.keys['root1'].fingerprint}")
    return env


def build(repo, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "mkdocs"), "build"], cwd=cwd or repo.root, capture_output=True, text=True,
                          env=env, timeout=300)


def approve_all(repo) -> None:
    for stage, signer in (("first", "chief1"), ("second", "webadmin1"), ("final", "deputy1")):
        assert repo.approve("content/a.md", stage, signer, opinion="同意") == 0


def test_signed_approvals_publish(repo):
    env = prepare(repo)
    approve_all(repo)
    result = build(repo, env)
    assert result.returncode == 0, result.stderr
    assert (repo.root / "site" / "a" / "index.html").is_file()


def test_forged_unsigned_approval_is_refused_by_the_build(repo):
    env = prepare(repo)
    assert repo.approve("content/a.md", "first", "chief1") == 0
    assert repo.approve("content/a.md", "second", "webadmin1") == 0
    forge(repo, "final", "deputy1", signer=None)          # the editor writes the last entry herself
    result = build(repo, env)
    assert result.returncode != 0
    assert "final" in result.stderr and not any((repo.root / "site").rglob("*.html"))


def test_missing_trust_root_fails_closed(repo):
    env = prepare(repo)
    approve_all(repo)
    env.pop("GOVGATE_TRUST_ROOT")
    repo.git("config", "--unset", "govgate.trustRoot")
    result = build(repo, env)
    assert result.returncode != 0 and "GOVGATE_TRUST_ROOT" in result.stderr + result.stdout


def test_shallow_clone_says_how_to_fix(repo, tmp_path):
    env = prepare(repo)
    approve_all(repo)
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    result = build(repo, env, cwd=clone)
    assert result.returncode != 0 and "fetch-depth: 0" in result.stderr


def test_uncommitted_roster_change_is_refused(repo):
    env = prepare(repo)
    approve_all(repo)
    roster = repo.root / "signoffs" / "reviewers.yml"
    roster.write_text(roster.read_text(encoding="utf-8").replace("roles: [editor]", "roles: [editor, deputy_leader]"),
                      encoding="utf-8")
    result = build(repo, env)
    assert result.returncode != 0 and "uncommitted" in result.stderr.replace("未提交", "uncommitted")
