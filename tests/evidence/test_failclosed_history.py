"""Issue #12 item 1: nothing committed once in history may stop the site for good.

An editor commits a page whose front-matter holds an empty ``signoffs:`` key (a plausible template),
then deletes it.  Every later build, approve and check still reads that version from history: it must
be judged (its sign-offs do not count), never an internal error.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kit import PAGE
from test_plugin_history import approve_all, build, prepare

from mkdocs_govgate.evidence.versions import read_version

BIN = Path(sys.executable).parent
TEMPLATE = "---\ntitle: 模板\nauthor: editor1\nclassification: general\nsignoffs:\n---\n正文\n"
POISON = [
    TEMPLATE,
    "---\ntitle: x\nsignoffs:\n\n# 注释\n---\n",
    "---\ntitle: x\nsignoffs:\n  - stage: first\n    by: a\n    at: 2025-02-30T10:00:00+08:00\n---\n",
    "---\ntitle: x\nsignoffs:\n" + "  - stage: first\n    by: chief1\n    decision: approve\n    opinion: ok\n"
    "    at: 2024-13-09T10:12:00+08:00\n    digest: sha256:" + "a" * 64 + "\n---\n",
    "---\n" + "[" * 1000 + "\n---\n",
    "---\na: " + "9" * 5000 + "\n---\n",
    "---\na: \"\\U00110000\\ud800\"\n---\n",
    "---\n<<: {a: 1}\nsignoffs:\n---\n",
]


def test_every_stored_version_is_read_or_judged_unreadable():
    for text in POISON:
        version = read_version("a.md", text.encode())     # never raises
        assert version.entries == ()


def test_poisoned_page_in_history_does_not_stop_the_site(repo):
    env = prepare(repo)
    repo.write("content/template.md", TEMPLATE)
    repo.commit("模板", signer=None)
    (repo.root / "content/template.md").unlink()
    repo.commit("删除模板", signer=None)
    approve_all(repo)                                      # approve reads history through its hooks too
    result = build(repo, env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (repo.root / "site" / "a" / "index.html").is_file()
    check = subprocess.run([str(BIN / "govgate"), "check"], cwd=repo.root, capture_output=True, text=True, env=env,
                           timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Traceback" not in check.stderr


PRE_COMMIT_CONFIG = (
    "repos:\n  - repo: local\n    hooks:\n      - id: govgate\n        name: govgate\n"
    "        entry: govgate-pre-commit\n        language: system\n"
    "        files: ^(content/|signoffs/|mkdocs\\.ya?ml$)\n        require_serial: true\n")


def test_poisoned_history_does_not_stop_approve_in_the_pre_commit_hook(repo, monkeypatch):
    env = prepare(repo)
    monkeypatch.setenv("GOVGATE_TRUST_ROOT", env["GOVGATE_TRUST_ROOT"])
    monkeypatch.setenv("PATH", f"{BIN}:{env['PATH']}")          # the hook runs govgate-pre-commit from PATH
    repo.write(".pre-commit-config.yaml", PRE_COMMIT_CONFIG)
    repo.commit("pre-commit", signer="root1")          # site configuration: an admin's signed commit (#11)
    repo.write("content/template.md", TEMPLATE)
    repo.commit("模板", signer=None)
    (repo.root / "content/template.md").unlink()
    repo.commit("删除模板", signer=None)
    installed = subprocess.run([str(BIN / "pre-commit"), "install"], cwd=repo.root, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    repo.write("content/b.md", PAGE.format(classification="general", extra=""))
    repo.commit("新稿件", signer=None)       # an editor's commit runs the real hook, which reads history
    approve_all(repo)                       # approval commits run no hooks (the red team's #11 fix)
    assert repo.verdict().approved
