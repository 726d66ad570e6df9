"""Red team of issue #11 (history mode): attacks on the sealed configuration that still work.

Each test is marked ``xfail(strict=True)``: it fails on the current code (the attack works) and
turns into an error the day the hole is closed (then remove the mark).
"""

from __future__ import annotations

import pytest

from mkdocs_govgate.errors import GateError


@pytest.mark.xfail(strict=True, reason="red team: a merge restores any earlier admin-accepted configuration "
                   "(truststore._walk_once accepts a merge whose configuration equals any parent's effective state)")
def test_merge_rolls_back_the_sealed_configuration(repo):
    strict = repo.read("signoffs/policy.yml")
    weak = strict.replace("general:   [first, second, final]", "general:   [first]")
    assert weak != strict
    # history an admin made: a one-stage trial, then three stages again (both signed by the admin)
    repo.write("signoffs/policy.yml", weak)
    trial = repo.commit("trial: one stage", signer="root1")
    repo.write("signoffs/policy.yml", strict)
    repo.commit("back to three stages", signer="root1")
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
    # the current code accepts this: the effective policy is the weak one again, one sign-off publishes
    with pytest.raises(GateError, match="no admin signed"):
        repo.verifier().close()
