"""Each attack on history evidence, refused with a message that names it; plus the honest paths."""

from __future__ import annotations

import subprocess

import pytest
from kit import PAGE, Repo, forge, roster_yaml

from mkdocs_govgate.errors import GateError


def only(problems: dict[str, list[str]], stage: str = "first#0") -> str:
    return " | ".join(problems[stage])


# -- honest paths -----------------------------------------------------------------------------

def test_general_page_walks_all_stages_with_ed25519_rsa_and_openpgp(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0      # ssh-ed25519
    assert repo.approve("content/a.md", "second", "webadmin1") == 0  # ssh-rsa key, rsa-sha2-512 signature
    assert repo.approve("content/a.md", "final", "deputy1") == 0     # OpenPGP
    assert repo.problems() == {"first#0": [], "second#1": [], "final#2": []}
    verdict = repo.verdict()
    assert verdict.approved, [f.message.en for f in verdict.findings]


def test_ecdsa_reviewer(repo):
    assert repo.approve("content/a.md", "first", "chief2") == 0
    assert repo.problems() == {"first#0": []}


def test_important_page_needs_principal(tmp_path, keys, gnupghome):
    repo = Repo(tmp_path / "imp", keys, gnupghome, classification="important")
    for stage, who in (("first", "chief1"), ("second", "webadmin1"), ("final", "deputy1")):
        assert repo.approve("content/a.md", stage, who) == 0
    assert not repo.verdict().approved
    assert repo.approve("content/a.md", "principal", "principal1") == 0
    assert repo.verdict().approved


def test_unrelated_commits_after_approval_keep_it_valid(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    repo.write("content/b.md", PAGE.format(classification="general", extra=""))
    repo.commit("another page", signer=None)
    assert repo.problems() == {"first#0": []}


# -- forged approval commits ------------------------------------------------------------------

def test_unsigned_approval_commit(repo):
    forge(repo, "first", "chief1", signer=None)
    assert "not signed" in only(repo.problems())
    assert not repo.verdict().approved


def test_signed_by_unknown_key(repo):
    forge(repo, "first", "chief1", signer="mallory")
    assert "not registered for chief1" in only(repo.problems())


def test_signed_by_another_reviewers_key(repo):
    forge(repo, "first", "chief1", signer="chief2")
    assert "signed with chief2's key, not chief1's" in only(repo.problems())


def test_author_and_committer_spoofed_but_signed_by_attacker(repo):
    env = {"GIT_AUTHOR_NAME": "chief1", "GIT_COMMITTER_NAME": "chief1",
           "GIT_AUTHOR_EMAIL": "chief1@example.gov.cn", "GIT_COMMITTER_EMAIL": "chief1@example.gov.cn"}
    forge(repo, "first", "chief1", signer="mallory", env=env)
    assert "not registered for chief1" in only(repo.problems())


def test_key_registered_but_person_lacks_role(repo):
    forge(repo, "first", "webadmin1", signer="webadmin1")
    assert "holds no role allowed to sign stage 'first'" in only(repo.problems())


def test_trailer_disagrees_with_entry(repo):
    forge(repo, "first", "chief1", signer="chief1", trailer={"stage": "final", "digest": "sha256:" + "0" * 64})
    text = only(repo.problems())
    assert "trailer states stage 'final'" in text and "trailer states digest" in text


def test_trailer_missing(repo):
    repo.approve("content/a.md", "first", "chief1")
    text = repo.read("content/a.md")
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.write("content/a.md", text)
    repo.commit("approve", signer="chief1")
    assert "lacks trailer" in only(repo.problems())


def test_approval_commit_also_changes_page_content(repo):
    forge(repo, "first", "chief1", signer="chief1")
    body = repo.read("content/a.md")
    repo.git("reset", "-q", "--soft", "HEAD~1")
    repo.write("content/a.md", body.replace("请做好安全生产工作。", "请做好安全生产工作。另：放假十天。"))
    msg = repo.git("log", "-1", "--format=%B", "HEAD@{1}")
    repo.commit(msg, signer="chief1")
    text = only(repo.problems())
    assert "also changes the page content" in text


def test_approval_commit_also_changes_other_files(repo):
    forge(repo, "first", "chief1", signer="chief1", also={"content/b.md": "x"})
    assert "changes other files too" in only(repo.problems())


def test_key_added_to_roster_in_the_approval_commit(repo, keys):
    roster = roster_yaml(keys, {"chief1": {"keys": [keys["chief1"].public, keys["mallory"].public]}})
    forge(repo, "first", "chief1", signer="mallory", also={"signoffs/reviewers.yml": roster})
    with pytest.raises(GateError, match="no admin signed"):
        repo.problems()


def test_entry_edited_after_its_commit(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    text = repo.read("content/a.md")
    repo.write("content/a.md", text.replace("opinion: 同意发布", "opinion: 同意发布，无需再审"))
    repo.commit("tweak opinion", signer=None)
    assert "not signed" in only(repo.problems())


def test_entry_time_edited_after_its_commit(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    text = repo.read("content/a.md")
    at_line = next(line for line in text.splitlines() if "at: " in line)
    repo.write("content/a.md", text.replace(at_line, "    at: 2020-01-01T00:00:00+08:00"))
    repo.commit("backdate", signer="chief1")
    assert "lacks trailer" in only(repo.problems()) or "not signed" in only(repo.problems())


def test_stage_relabelled_by_later_commit(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    repo.write("content/a.md", repo.read("content/a.md").replace("stage: first", "stage: final"))
    repo.commit("relabel", signer=None)
    assert "not signed" in only(repo.problems(), "final#0")


def test_signoff_copied_from_another_page(repo):
    repo.write("content/b.md", repo.read("content/a.md"))
    repo.commit("twin page", signer=None)
    assert repo.approve("content/a.md", "first", "chief1") == 0
    text = repo.read("content/a.md")
    repo.write("content/b.md", text)
    repo.commit("copy approval", signer=None)
    assert repo.problems("a.md") == {"first#0": []}
    assert "not signed" in only(repo.problems("b.md"))


def test_uncommitted_entry_has_no_evidence(repo):
    forge(repo, "first", "chief1", signer=None)
    repo.git("reset", "-q", "--soft", "HEAD~1")
    assert "not in a committed version" in only(repo.problems())


def test_entries_reordered_to_fake_stage_order(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    assert repo.approve("content/a.md", "second", "webadmin1") == 0
    text = repo.read("content/a.md")
    head, _, rest = text.partition("signoffs:\n")
    entries, _, tail = rest.partition("\n---\n")
    first, second = entries.split("  - stage: second")
    repo.write("content/a.md", head + "signoffs:\n" + "  - stage: second" + second + "\n" + first.rstrip("\n")
               + "\n---\n" + tail)
    repo.commit("reorder", signer=None)
    problems = repo.problems()
    assert any("out of their history order" in p for p in problems["first#1"])


def test_unsigned_merge_introducing_a_signoff(repo):
    base = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("content/c.md", "side work\n")
    repo.commit("side", signer=None)
    repo.git("checkout", "-q", "main")
    forge(repo, "first", "chief1", signer=None)          # the forged entry on a branch …
    forged = repo.read("content/a.md")
    repo.git("reset", "-q", "--hard", base)
    repo.git("merge", "-q", "--no-ff", "--no-commit", "side")
    repo.write("content/a.md", forged)                    # … lands through an evil merge
    repo.commit("Merge branch 'side'", signer=None)
    assert len(repo.git("log", "-1", "--format=%P").split()) == 2
    assert "not signed" in only(repo.problems())


def test_signed_approval_on_branch_merged_with_merge_commit(repo):
    repo.git("checkout", "-q", "-b", "review")
    assert repo.approve("content/a.md", "first", "chief1") == 0
    repo.git("checkout", "-q", "main")
    repo.write("content/c.md", "other\n")
    repo.commit("other", signer=None)
    repo.git("merge", "-q", "--no-ff", "-m", "merge review", "review")
    assert repo.problems() == {"first#0": []}


# -- revocation and dates ---------------------------------------------------------------------

def test_backdated_signature_after_valid_until(repo, keys):
    repo.write("signoffs/reviewers.yml", roster_yaml(keys, {"chief1": {"valid_until": "2024-01-31"}}))
    repo.commit("chief1 transferred", signer="root1")
    old = {"GIT_COMMITTER_DATE": "2024-01-10T10:00:00+08:00", "GIT_AUTHOR_DATE": "2024-01-10T10:00:00+08:00"}
    forge(repo, "first", "chief1", signer="chief1", env=old, at="2024-01-10T10:00:00+08:00")
    assert "authorisation ended on 2024-01-31" in only(repo.problems())


def test_rollback_of_roster_cannot_undo_key_retirement(repo, keys):
    original = repo.read("signoffs/reviewers.yml")
    repo.write("signoffs/reviewers.yml", roster_yaml(keys, {"chief1": {"keys": [keys["chief2"].public],
                                                                       "roles": ["section_chief"]},
                                                            "chief2": {"absent": True}}))
    repo.commit("chief1 key retired", signer="root1")
    repo.write("signoffs/reviewers.yml", original)
    repo.commit("roll back the roster", signer="root1")
    assert repo.approve("content/a.md", "first", "chief1") == 0
    assert "retired from the roster earlier" in only(repo.problems())


def test_rollback_of_valid_until_does_not_restore_authorisation(repo, keys):
    original = repo.read("signoffs/reviewers.yml")
    repo.write("signoffs/reviewers.yml", roster_yaml(keys, {"chief1": {"valid_until": "2024-01-31"}}))
    repo.commit("chief1 left", signer="root1")
    repo.write("signoffs/reviewers.yml", original)
    repo.commit("roll back", signer="root1")
    forge(repo, "first", "chief1", signer="chief1")
    assert "authorisation ended" in only(repo.problems())


def test_compromised_key_voids_earlier_signatures(repo, keys):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    assert repo.problems() == {"first#0": []}
    repo.write("signoffs/reviewers.yml", roster_yaml(keys, compromised=[keys["chief1"].public]))
    repo.commit("chief1's key leaked", signer="root1")
    assert "compromised" in only(repo.problems())


def test_revocation_does_not_void_earlier_signatures(repo, keys):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    repo.write("signoffs/reviewers.yml", roster_yaml(keys, {"chief1": {"keys": [keys["mallory"].public]}}))
    repo.commit("chief1 has a new key", signer="root1")
    assert repo.problems() == {"first#0": []}


# -- the trust store protects itself ----------------------------------------------------------

def test_non_admin_adds_own_key_then_approves(repo, keys):
    repo.write("signoffs/reviewers.yml", roster_yaml(keys, {"chief1": {"keys": [keys["mallory"].public]}}))
    repo.commit("add my key", signer="mallory")
    forge(repo, "first", "chief1", signer="mallory")
    with pytest.raises(GateError, match="no admin signed"):
        repo.verifier()
    repo.git("revert", "--no-edit", "HEAD~1")      # reverting restores the trusted store …
    assert "not registered for chief1" in only(repo.problems())   # … and the forged approval still fails


def test_policy_weakened_by_non_admin(repo):
    repo.write("signoffs/policy.yml", repo.read("signoffs/policy.yml").replace("general:   [first, second, final]",
                                                                               "general:   [first]"))
    repo.commit("simplify", signer="chief1")
    with pytest.raises(GateError, match="no admin signed"):
        repo.verifier()


def test_two_admins_required(repo, keys):
    repo.write("signoffs/policy.yml", repo.read("signoffs/policy.yml") + "admins_required: 2\n")
    repo.commit("two admins from now on", signer="root1")
    repo.write("signoffs/reviewers.yml", roster_yaml(keys, {"chief1": {"keys": [keys["mallory"].public]}}))
    repo.commit("one admin changes the roster", signer="root1")
    with pytest.raises(GateError, match="needs 2 admins"):
        repo.verifier()
    repo.commit("second admin confirms", signer="root2", allow_empty=True)
    repo.verifier().close()


def test_history_rewritten_away_from_trust_root(repo):
    repo.git("checkout", "-q", "--orphan", "rewritten")
    repo.commit("new history", signer=None)
    with pytest.raises(GateError, match="does not descend from the trust root"):
        repo.verifier()


def test_trust_root_signed_by_other_key_is_refused(repo):
    from mkdocs_govgate.evidence.history import HistoryEvidence
    from mkdocs_govgate.evidence.truststore import TrustRoot

    root = TrustRoot(repo.root_commit, repo.keys["mallory"].fingerprint)
    with pytest.raises(GateError, match="pinned admin key"):
        HistoryEvidence(repo.root, repo.root / "content", root)


def test_trust_root_from_environment(repo, monkeypatch):
    from mkdocs_govgate.evidence.truststore import TrustRoot

    monkeypatch.setenv("GOVGATE_TRUST_ROOT", f"{repo.root_commit}:{repo.keys['root1'].fingerprint}")
    assert TrustRoot.from_outside(repo.root) == TrustRoot(repo.root_commit, repo.keys["root1"].fingerprint)
    monkeypatch.delenv("GOVGATE_TRUST_ROOT")
    repo.git("config", "--unset", "govgate.trustRoot")       # the clone's own pin, as a reviewer sets it
    with pytest.raises(GateError, match="no trust root"):
        TrustRoot.from_outside(repo.root)


# -- git-level attacks ------------------------------------------------------------------------

def test_shallow_clone_says_fetch_depth_0(repo, tmp_path):
    repo.approve("content/a.md", "first", "chief1")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    from mkdocs_govgate.evidence.history import HistoryEvidence

    with pytest.raises(GateError) as info:
        HistoryEvidence(clone, clone / "content", repo.trust_root())
    assert "fetch-depth: 0" in info.value.render("en") and "fetch-depth: 0" in info.value.render("zh")


def _rewrite_head(repo: Repo, transform) -> None:  # noqa: ANN001
    raw = subprocess.run(["git", "cat-file", "commit", "HEAD"], cwd=repo.root, capture_output=True, check=True).stdout
    new = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"], cwd=repo.root,
                         input=transform(raw), capture_output=True, check=True).stdout.decode().strip()
    repo.git("update-ref", "refs/heads/main", new)


def test_duplicate_gpgsig_header(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    forged_sig_commit = repo.git("rev-parse", "HEAD")

    def duplicate(raw: bytes) -> bytes:
        head, _, message = raw.partition(b"\n\n")
        lines = head.split(b"\n")
        start = next(i for i, line in enumerate(lines) if line.startswith(b"gpgsig "))
        end = start + 1
        while end < len(lines) and lines[end].startswith(b" "):
            end += 1
        return b"\n".join(lines[:end] + lines[start:end] + lines[end:]) + b"\n\n" + message

    _rewrite_head(repo, duplicate)
    assert repo.git("rev-parse", "HEAD") != forged_sig_commit
    assert "extra signature header 'gpgsig'" in only(repo.problems())


def test_gpgsig_sha256_header_is_refused(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    _rewrite_head(repo, lambda raw: raw.replace(b"\ngpgsig ", b"\ngpgsig-sha256 ", 1))
    assert "gpgsig-sha256" in only(repo.problems())


def test_signature_made_for_file_namespace(repo, tmp_path):
    forge(repo, "first", "chief1", signer=None)

    def resign(raw: bytes) -> bytes:
        (tmp_path / "payload").write_bytes(raw)
        subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "file", "-f", repo.keys["chief1"].signing,
                        str(tmp_path / "payload")], check=True, capture_output=True)
        sig = (tmp_path / "payload.sig").read_bytes().rstrip(b"\n").replace(b"\n", b"\n ")
        head, _, message = raw.partition(b"\n\n")
        return head + b"\ngpgsig " + sig + b"\n\n" + message

    _rewrite_head(repo, resign)
    assert "namespace is 'file'" in only(repo.problems())


def test_openpgp_good_signature_by_key_outside_roster(repo, keys, gnupghome):
    # the key is in the signer's own keyring (and so "good" to git), but not in the roster
    forge(repo, "final", "deputy1", signer=keys["mallory_pgp"])
    assert "not among the roster's public keys" in only(repo.problems(), "final#0") or \
        "cannot be checked" in only(repo.problems(), "final#0")


def test_homoglyph_by_is_unknown(repo):
    forge(repo, "first", "chief1".replace("i", "і"), signer="chief1")   # Cyrillic і
    problems = repo.problems()
    assert any("has no person" in p for p in problems["first#0"])
