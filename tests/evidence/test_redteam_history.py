"""Red team of issue #11 (history mode, the server hook, approve): attacks on the sealed configuration.

A test marked ``xfail(strict=True)`` is an attack that still works; unmarked tests are holes the red
team closed (their docstrings say what was wrong), or the honest path a fix must keep.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kit import roster_yaml

from mkdocs_govgate.errors import GateError

HOOK = Path(__file__).resolve().parents[2] / "hooks" / "pre-receive"


def later(repo, seconds: int) -> dict[str, str]:
    """Commit dates ``seconds`` after the trust root's (an admin's changes are seconds apart in real life)."""
    when = int(repo.git("log", "-1", "--format=%ct", repo.root_commit)) + seconds
    return {"GIT_COMMITTER_DATE": f"@{when} +0800", "GIT_AUTHOR_DATE": f"@{when} +0800"}


def test_merge_cannot_roll_back_the_sealed_configuration(repo):
    """Was: truststore._walk_once accepted a merge whose configuration equalled ANY parent's effective state, so
    a branch made before an admin's later change restored the older configuration unsigned.  Fixed: a merge
    keeps unsigned only the newest configuration among its parents."""
    strict = repo.read("signoffs/policy.yml")
    weak = strict.replace("general:   [first, second, final]", "general:   [first]")
    assert weak != strict
    # history an admin made: a one-stage trial, then three stages again (both signed by the admin)
    repo.write("signoffs/policy.yml", weak)
    trial = repo.commit("trial: one stage", signer="root1", env=later(repo, 60))
    repo.write("signoffs/policy.yml", strict)
    repo.commit("back to three stages", signer="root1", env=later(repo, 120))
    repo.verifier().close()
    # the editor: a branch from the trial commit, merged back with the trial's policy (no signature at all)
    repo.git("checkout", "-q", "-b", "old", trial)
    repo.write("content/b.md", "unrelated\n")
    repo.commit("side work", signer=None)
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "old")
    repo.write("signoffs/policy.yml", weak)
    repo.commit("Merge branch 'old'", signer=None)
    assert len(repo.git("log", "-1", "--format=%P").split()) == 2
    with pytest.raises(GateError, match="no admin signed"):
        repo.verifier().close()


def test_approve_does_not_run_an_editors_pre_commit_configuration(repo, tmp_path: Path) -> None:
    """Was: `govgate approve` (and retract) never verify the sealed configuration, and their commit ran the clone's
    hooks, so an editor's unsigned .pre-commit-config.yaml ran on the reviewer's machine, keys at hand (issue item
    1 through another door).  Fixed: the sign-off commit runs with core.hooksPath=/dev/null."""
    marker = tmp_path / "marker"
    pre_commit = Path(sys.executable).parent / "pre-commit"
    # the admin's pre-commit configuration (as `govgate init` writes it), signed
    repo.write(".pre-commit-config.yaml", "repos:\n- repo: local\n  hooks:\n    - id: govgate\n      name: govgate\n"
               "      entry: govgate-pre-commit\n      language: system\n      files: ^(content/|signoffs/)\n")
    repo.commit("pre-commit", signer="root1")
    # the editor's unsigned change (made on the editor's machine), on the branch the reviewer is asked to approve
    repo.write(".pre-commit-config.yaml", "repos:\n- repo: local\n  hooks:\n    - id: x\n      name: x\n"
               f"      entry: touch {marker}\n      language: system\n      always_run: true\n"
               "      pass_filenames: false\n")
    repo.commit("tidy", signer=None)
    assert not marker.exists()
    # the reviewer's clone has pre-commit enabled, as the README asks
    subprocess.run([str(pre_commit), "install"], cwd=repo.root, check=True, capture_output=True)
    # approve first proves the configuration sealed (it is not: refused), and its commit runs no hooks anyway
    with pytest.raises(GateError, match="pre-commit-config"):
        repo.approve("content/a.md", "first", "chief1")
    assert not marker.exists(), "the editor's code ran during the reviewer's approval"


def test_force_push_dropping_an_admins_revocation_is_refused(repo, keys, tmp_path: Path, monkeypatch) -> None:
    """Was: the pre-receive hook judged only the new tip, so a force-push rewriting the publishing branch to drop an
    admin's signed revocation was accepted (the shorter history still verifies).  Fixed: non-fast-forward updates
    of the publishing branch are refused."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")  # the hook's govgate
    server = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(server)], check=True)
    shutil.copy2(HOOK, server / "hooks" / "pre-receive")
    subprocess.run(["git", "-C", str(server), "config", "govgate.trustRoot",
                    f"{repo.root_commit}:{keys['root1'].fingerprint}"], check=True)

    def push(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "push", *args, str(server), "HEAD:refs/heads/main"], cwd=repo.root,
                              capture_output=True, text=True, env={**os.environ, "GNUPGHOME": str(repo.gnupghome)},
                              timeout=300)

    for stage, signer in (("first", "chief1"), ("second", "webadmin1"), ("final", "deputy1")):
        assert repo.approve("content/a.md", stage, signer) == 0
    before = repo.git("rev-parse", "HEAD")
    assert push().returncode == 0
    # chief1's key leaked: the admin gives chief1 a new key (the old one is retired from then on)
    repo.write("signoffs/reviewers.yml", roster_yaml(keys, {"chief1": {"keys": [keys["mallory"].public]}}))
    repo.commit("chief1: new key, the leaked one retired", signer="root1")
    assert push().returncode == 0
    # whoever holds the leaked key rewrites main to before the retirement
    repo.git("reset", "-q", "--hard", before)
    result = push("--force")
    assert result.returncode != 0, "the server accepted a history without the admin's revocation"
    assert "fast-forward" in result.stderr or "快进" in result.stderr, result.stderr


def test_merge_with_the_old_branch_first_cannot_roll_back_either(repo):
    strict = repo.read("signoffs/policy.yml")
    weak = strict.replace("general:   [first, second, final]", "general:   [first]")
    repo.write("signoffs/policy.yml", weak)
    trial = repo.commit("trial: one stage", signer="root1", env=later(repo, 60))
    repo.write("signoffs/policy.yml", strict)
    repo.commit("back to three stages", signer="root1", env=later(repo, 120))
    repo.git("checkout", "-q", "-b", "old", trial)
    repo.write("content/b.md", "unrelated\n")
    repo.commit("side work", signer=None)
    repo.git("merge", "-q", "--no-ff", "--no-commit", "main")    # the old branch is the FIRST parent
    repo.write("signoffs/policy.yml", weak)
    repo.commit("Merge branch 'main' into old", signer=None)
    with pytest.raises(GateError, match="no admin signed"):
        repo.verifier().close()


def test_merge_bringing_in_a_newer_admin_change_is_accepted(repo):
    """The honest path the rule must keep: an admin's change made on a branch, merged unsigned afterwards."""
    repo.git("checkout", "-q", "-b", "admin-change")
    strict = repo.read("signoffs/policy.yml")
    repo.write("signoffs/policy.yml", strict + "admins_required: 1\n")
    repo.commit("policy: explicit admins_required", signer="root1", env=later(repo, 60))
    repo.git("checkout", "-q", "main")
    repo.write("content/c.md", "other work\n")
    repo.commit("other work", signer=None)
    repo.git("merge", "-q", "--no-ff", "-m", "merge admin-change", "admin-change")
    repo.verifier().close()
