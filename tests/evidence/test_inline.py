"""Inline evidence: each entry carries its own signature, checked against the current roster."""

from __future__ import annotations

from kit import roster_yaml

from mkdocs_govgate.evidence.inline import InlineEvidence
from mkdocs_govgate.page import Page
from mkdocs_govgate.policy import Policy
from mkdocs_govgate.roster import Roster


def inline_problems(repo) -> dict[str, list[str]]:  # noqa: ANN001
    policy = Policy.load(repo.root / "signoffs/policy.yml")
    roster = Roster.load(repo.root / "signoffs/reviewers.yml", policy)
    verifier = InlineEvidence(roster, repo.root / "signoffs")
    page = Page.load(repo.root / "content", "a.md")
    try:
        return {s.stage: [m.en for m in verifier(page, s)] for s in page.signoffs}
    finally:
        verifier.close()


def test_inline_signatures_written_by_approve_verify(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0       # SSH
    assert repo.approve("content/a.md", "second", "webadmin1") == 0
    assert repo.approve("content/a.md", "final", "deputy1") == 0      # OpenPGP
    assert inline_problems(repo) == {"first": [], "second": [], "final": []}


def test_inline_signature_over_a_different_digest(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    text = repo.read("content/a.md")
    digest = next(line.split(": ")[1] for line in text.splitlines() if "digest: " in line)
    repo.write("content/a.md", text.replace(digest, "sha256:" + "1" * 64))
    assert "inline signature is not valid" in inline_problems(repo)["first"][0]


def test_inline_signature_claiming_another_person(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    repo.write("content/a.md", repo.read("content/a.md").replace("by: chief1", "by: chief2"))
    assert "not valid" in inline_problems(repo)["first"][0]


def test_inline_compromised_and_removed_keys(repo, keys):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    repo.write("signoffs/reviewers.yml", roster_yaml(keys, compromised=[keys["chief1"].public]))
    assert "compromised" in inline_problems(repo)["first"][0]
    repo.write("signoffs/reviewers.yml", roster_yaml(keys, {"chief1": {"keys": [keys["mallory"].public]}}))
    assert "not registered for chief1" in inline_problems(repo)["first"][0]


def test_inline_missing_signature(repo):
    from kit import forge

    forge(repo, "first", "chief1", signer="chief1")
    assert "no inline signature" in inline_problems(repo)["first"][0]
