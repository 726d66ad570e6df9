"""The real pre-commit framework runs the gate on a real commit."""

from __future__ import annotations

import os
import re
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
    front = hooks["govgate-front-matter"]
    assert front["entry"] == "govgate-pre-commit --front-matter-only"
    assert not front["require_serial"]          # each file on its own: pre-commit may split the list


LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<rule>[a-z_]+\.[a-z_]+) \S")

BAD_FRONT_MATTER = """---
title: 通知
date: 2025-01-09
column: 通知公告
author: nobody
classification: secret
signoffs:
  - stage: first
    by: chief1
waivers:
  - rule: pii.mobile
---
正文
"""


def test_front_matter_hook_reports_one_line_per_problem(site):
    site.page("tzgg/good.md", "正文。\n\n秘密★1年\n")       # the body is the other hook's business
    site.write("content/tzgg/bad.md", BAD_FRONT_MATTER)
    site.write("content/tzgg/dup.md", "---\ntitle: 甲\ntitle: 乙\n---\n正文\n")
    site.write("content/files/a.docx", b"not a document")      # not a page: not this hook's business
    result = site.run(str(BIN / "govgate-pre-commit"), "--front-matter-only", "content/tzgg/good.md",
                      "content/tzgg/bad.md", "content/tzgg/dup.md", "content/files/a.docx")
    assert result.returncode == 1, result.stdout + result.stderr
    found = [LINE.match(line) for line in result.stdout.splitlines()]
    assert all(found), result.stdout
    assert [(m["path"], int(m["line"]), m["rule"]) for m in found] == [
        ("content/tzgg/bad.md", 1, "metadata.required"),          # unit
        ("content/tzgg/bad.md", 5, "approval.author"),            # nobody is not in the roster
        ("content/tzgg/bad.md", 6, "approval.classification"),    # secret is no classification
        ("content/tzgg/bad.md", 6, "metadata.classification"),
        ("content/tzgg/bad.md", 8, "approval.entry"),             # a sign-off lacking its fields
        ("content/tzgg/bad.md", 11, "approval.entry"),            # a waiver without match and reason
        ("content/tzgg/dup.md", 3, "input.front_matter"),         # strict YAML: duplicate key
    ]
    assert "unit" in result.stdout and "重复" in result.stdout


def test_front_matter_hook_passes_valid_pages_and_ignores_state(site):
    site.page("tzgg/a.md", "正文\n", withdrawn="政策已废止")         # withdrawn is a state, not a mistake
    site.page("tzgg/b.md", "联系人：13812345678\n")                  # content is not its business
    result = site.run(str(BIN / "govgate-pre-commit"), "--front-matter-only", "content/tzgg/a.md",
                      "content/tzgg/b.md")
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr
    site.page("tzgg/c.md", "正文\n", expires="2025-13-01")            # but an unreadable date is
    result = site.run(str(BIN / "govgate-pre-commit"), "--front-matter-only", "content/tzgg/c.md")
    assert result.returncode == 1 and re.search(r"^content/tzgg/c\.md:\d+:1: metadata\.expired ", result.stdout,
                                                re.MULTILINE), result.stdout


def test_content_hook_prints_one_line_per_finding(site):
    site.page("tzgg/a.md", "正文。\n\n联系人：13812345678\n")
    result = site.run(str(BIN / "govgate-pre-commit"), "content/tzgg/a.md")
    assert result.returncode == 1
    lines = [LINE.match(line) for line in result.stdout.splitlines()]
    assert all(lines), result.stdout
    mobile = next(m for m in lines if m["rule"] == "pii.mobile")
    text = (site.docs / "tzgg/a.md").read_text(encoding="utf-8").split("\n")
    assert text[int(mobile["line"]) - 1][int(mobile["col"]) - 1:].startswith("13812345678")
    assert "13812345678" not in result.stdout                      # reports are redacted
