"""The real pre-commit framework runs the gate on a real commit."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sitekit import BIN, Site

ROOT = Path(__file__).resolve().parents[1]


def git(site: Site, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=site.root, capture_output=True, text=True, env=env, timeout=120)


def setup_repo(site: Site, tmp_path: Path) -> dict:
    env = dict(os.environ, HOME=str(tmp_path), GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
               PRE_COMMIT_HOME=str(tmp_path / "pre-commit-cache"), PATH=f"{BIN}:{os.environ['PATH']}")
    git(site, "init", "-q", "-b", "main", env=env)
    git(site, "config", "user.name", "编辑甲", env=env)
    git(site, "config", "user.email", "editor1@example.gov.cn", env=env)
    site.write(".pre-commit-config.yaml", (
        "repos:\n  - repo: local\n    hooks:\n      - id: govgate\n        name: govgate\n"
        "        entry: govgate-pre-commit\n        language: system\n"
        "        files: ^(content/|signoffs/|mkdocs\\.ya?ml$)\n        require_serial: true\n        verbose: true\n"))
    result = subprocess.run([str(BIN / "pre-commit"), "install"], cwd=site.root, capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    git(site, "add", "-A", env=env)
    return env


def test_draft_commits_with_a_note_of_what_is_missing(site, tmp_path):
    env = setup_repo(site, tmp_path)
    site.page("tzgg/a.md", "# 通知\n\n正文。\n")
    git(site, "add", "-A", env=env)
    result = git(site, "commit", "-m", "草稿", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "approval.missing" in result.stdout + result.stderr


def test_malformed_front_matter_is_refused_and_file_kept(site, tmp_path):
    env = setup_repo(site, tmp_path)
    bad = "---\ntitle: 通知\nclassification: general\nclassification: special\n---\n正文\n"
    path = site.write("content/tzgg/bad.md", bad)
    git(site, "add", "-A", env=env)
    result = git(site, "commit", "-m", "坏页面", env=env)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "tzgg/bad.md" in output and "重复" in output
    assert path.read_text(encoding="utf-8") == bad           # no data loss
    assert git(site, "log", "--oneline", env=env).stdout == ""  # nothing committed


def test_require_approval_hook_refuses_unapproved_pages(site, tmp_path):
    site.page("tzgg/a.md", "正文\n")
    result = site.run(str(BIN / "govgate-pre-commit"), "--require-approval", "content/tzgg/a.md")
    assert result.returncode == 1 and "approval.missing" in result.stdout
    site.approve("tzgg/a.md")
    result = site.run(str(BIN / "govgate-pre-commit"), "--require-approval", "content/tzgg/a.md")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_manifest_is_valid_for_pre_commit():
    from pre_commit.clientlib import load_manifest  # noqa: PLC0415

    hooks = {h["id"]: h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert hooks["govgate"]["entry"] == "govgate-pre-commit"
    assert "--require-approval" in hooks["govgate-require-approval"]["entry"]
