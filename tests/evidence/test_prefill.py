"""A large site verifies its sign-offs in a child process (CachedHistoryEvidence.prefill): same verdicts.

The child path normally starts at 200 uncached sign-offs; here it is forced for a small history
holding honest approvals (SSH Ed25519, RSA, OpenPGP) and two forgeries, and compared with the
in-process path and with the deferred check a fail-mode build runs.
"""

from __future__ import annotations

import os

import pytest
from kit import PAGE, forge
from sitekit import gate_report

from mkdocs_govgate import evidence
from mkdocs_govgate.evidence.history import HistoryEvidence

pytestmark = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="the child process is forked")


def test_sign_offs_verified_in_a_child_process_are_judged_as_in_this_one(repo, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GOVGATE_TRUST_ROOT", f"{repo.root_commit}:{repo.keys['root1'].fingerprint}")
    monkeypatch.setenv("GNUPGHOME", str(repo.gnupghome))
    for stage, signer in (("first", "chief1"), ("second", "webadmin1"), ("final", "deputy1")):
        assert repo.approve("content/a.md", stage, signer, opinion="同意") == 0
    for name in ("b", "c"):
        repo.write(f"content/{name}.md", PAGE.format(classification="general", extra=""))
    repo.commit("两篇新稿", signer=None)
    forge(repo, "first", "chief1", signer=None, page="b.md")          # the editor writes the entry herself
    forge(repo, "first", "chief1", signer="mallory", page="c.md")     # signed, by a key nobody registered

    verifiers = tmp_path / "verifier-pids"
    built = HistoryEvidence.__init__

    def recording(self, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        with open(verifiers, "a") as out:
            out.write(f"{os.getpid()}\n")
        built(self, *args, **kwargs)

    monkeypatch.setattr(HistoryEvidence, "__init__", recording)
    monkeypatch.setattr(evidence, "PREFILL_MIN", 10**9)
    here = gate_report(repo.root, tmp_path / "cache-here")
    assert {int(p) for p in verifiers.read_text().split()} == {os.getpid()}
    verifiers.unlink()
    monkeypatch.setattr(evidence, "PREFILL_MIN", 1)
    child = gate_report(repo.root, tmp_path / "cache-child")
    assert os.getpid() not in {int(p) for p in verifiers.read_text().split()}, "history was read in this process"
    deferred = gate_report(repo.root, tmp_path / "cache-deferred", deferred=True)

    for lang in ("zh", "en"):
        assert child.as_dict(lang) == here.as_dict(lang) == deferred.as_dict(lang)
    verdicts = {p.path: p.approved for p in here.pages}
    assert verdicts == {"a.md": True, "b.md": False, "c.md": False}
    messages = {p.path: " ".join(f.message.en for f in p.findings) for p in child.pages}
    assert "not signed" in messages["b.md"] and "not registered for chief1" in messages["c.md"]
