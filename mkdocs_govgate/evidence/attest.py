"""Where a sign-off's evidence lives, for the archived 审签表: its commit and its key's fingerprint.

The verdict (valid, stale, invalid) is the verifier's job (``history``/``inline``); this module
only finds the facts a person files with the record:

* the commit that introduced the entry into the page: the oldest commit in the page's history
  whose version holds the entry while its first parent's version does not, and whether it is
  an approval commit (its trailers state this page, stage, signer, decision and digest) —
  the same commit in history and inline mode;
* the key that made the evidence signature (the commit's in ``history`` mode, the entry's
  ``signature:`` in ``inline`` mode) as ``SHA256:…`` (SSH) or its OpenPGP fingerprint, and
  whether the roster registers that key for the signer.

Keys are checked against the roster only (OpenPGP through ``signoffs/keys/``), never a keyring.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import GateError
from ..i18n import Msg
from ..page import Page, Signoff
from ..roster import Roster
from .gitobjects import BadCommit, ObjectReader, run_git
from .inline import INLINE_NAMESPACE, signed_payload
from .openpgp import RosterKeyring
from .signatures import GIT_NAMESPACE, signer_key
from .sshsig import SignatureError, key_blob_from_line, key_fingerprint
from .trailers import ApprovalTrailer, parse_trailer
from .versions import read_version, signoff_key


@dataclass(frozen=True)
class Attestation:
    commit: str | None = None          # full id of the commit that introduced the entry
    commit_note: Msg | None = None     # why there is no commit, or why it is no approval commit
    key: str | None = None             # roster-normalised identity of the evidence key
    fingerprint: str | None = None     # SHA256:… or the OpenPGP fingerprint
    key_note: Msg | None = None        # why there is no key, or that the roster does not register it for the signer


def fingerprint(identity: str) -> str:
    """``ssh-ed25519 AAAA…`` → ``SHA256:…``; ``openpgp:FPR`` → ``FPR`` in groups of four."""
    if identity.startswith("openpgp:"):
        fpr = identity.split(":", 1)[1].upper()
        return "OpenPGP " + " ".join(fpr[i:i + 4] for i in range(0, len(fpr), 4))
    try:
        return key_fingerprint(key_blob_from_line(identity))
    except SignatureError:
        return identity


INLINE_COMMIT_NOTE = Msg("内嵌签名：由签核记录本身的签名证明（见签名密钥栏），提交只记录它进入版本库的时间",
                         "inline evidence: the entry's own signature proves it (see the signing key); the commit only "
                         "records when it entered the repository")


class Attestor:
    """Built once for a site; ``attest(page, signoff)`` for each entry; ``close()`` at the end."""

    def __init__(self, docs_dir: Path, trust_dir: Path, roster: Roster, mode: str):
        self.docs_dir, self.trust_dir, self.roster, self.mode = docs_dir, trust_dir, roster, mode
        self._openpgp = RosterKeyring(roster, trust_dir)
        self.repo_root: Path | None = None
        self.reader: ObjectReader | None = None
        self.no_history: Msg | None = None
        self._history: dict[str, list[str]] = {}
        self._open_repository()

    def _open_repository(self) -> None:
        out = run_git(self.docs_dir, "rev-parse", "--show-toplevel", check=False).decode().strip()
        if not out:
            self.no_history = Msg("站点不在 Git 仓库中，没有提交记录", "the site is not in a git repository: no commits")
            return
        self.repo_root = Path(out)
        if run_git(self.repo_root, "rev-parse", "--is-shallow-repository", check=False).decode().strip() == "true":
            self.no_history = Msg("浅克隆，缺少历史提交（git fetch --unshallow）",
                                  "shallow clone: the history is missing (git fetch --unshallow)")
            return
        if not run_git(self.repo_root, "rev-parse", "--verify", "-q", "HEAD", check=False).strip():
            self.no_history = Msg("仓库还没有任何提交", "the repository has no commits")
            return
        self.reader = ObjectReader(self.repo_root)

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
        self._openpgp.close()

    # -- the key ----------------------------------------------------------------------------

    def _key(self, signature: bytes | None, payload: bytes, namespace: str, by: str) -> tuple[str | None, Msg | None]:
        if signature is None:
            return None, Msg("没有签名", "no signature")
        try:
            identity = signer_key(signature, payload, namespace, self._openpgp)
        except SignatureError as exc:
            return None, Msg("签名无法核验：", "the signature does not verify: ") + exc.message
        person = self.roster.person(by)
        if person is None or identity not in person.keys:
            return identity, Msg(f"该密钥不是名册为 {by} 登记的密钥", f"the roster does not register this key for {by}")
        return identity, None

    # -- the commit -------------------------------------------------------------------------

    def _commits(self, repo_path: str) -> list[str]:
        """Commits that changed the page, oldest first (parents before children)."""
        if repo_path not in self._history:
            assert self.repo_root is not None
            out = run_git(self.repo_root, "log", "--format=%H", "--topo-order", "--reverse", "--full-history",
                          "HEAD", "--", repo_path, check=False).decode()
            self._history[repo_path] = out.split()
        return self._history[repo_path]

    def _holds(self, commit: str, repo_path: str, key: str) -> bool:
        assert self.reader is not None
        found = self.reader.resolve(f"{commit}:{repo_path}")
        if not found or found[1] != "blob":
            return False
        return key in read_version(repo_path, self.reader.blob(found[0])).entries

    def _introduction(self, repo_path: str, signoff: Signoff) -> str | None:
        key = signoff_key(signoff)
        for commit in self._commits(repo_path):
            if not self._holds(commit, repo_path, key):
                continue
            assert self.reader is not None
            parents = self.reader.commit(commit).parents
            if not parents or not self._holds(parents[0], repo_path, key):
                return commit
        return None

    def attest(self, page: Page, signoff: Signoff) -> Attestation:
        commit_id, commit_note, commit_signature, commit_payload = None, self.no_history, None, b""
        if self.reader is not None and self.repo_root is not None:
            repo_path = page.abs_path.resolve().relative_to(self.repo_root.resolve()).as_posix()
            try:
                commit_id = self._introduction(repo_path, signoff)
                if commit_id is None:
                    commit_note = Msg("该签核记录尚未提交到 Git 历史中", "the entry is not in a committed version")
                else:
                    commit = self.reader.commit(commit_id)
                    commit_signature, commit_payload = commit.signature, commit.payload
                    commit_note = _approval_commit_note(commit.message, ApprovalTrailer(
                        repo_path, signoff.stage, signoff.by, signoff.decision, signoff.digest))
            except BadCommit as exc:
                commit_note = exc.message
            except GateError as exc:   # missing objects: history that cannot be read is said, not hidden
                commit_note = exc.message
        if self.mode != "history" and (commit_id is not None or commit_note is self.no_history):
            # inline evidence: the entry's own signature is the proof; the commit only dates it
            commit_note = INLINE_COMMIT_NOTE
        if self.mode == "history":
            if commit_id is None:
                key, key_note = None, Msg("没有签核提交，无从确定签名密钥", "no approval commit, so no signing key")
            else:
                key, key_note = self._key(commit_signature, commit_payload, GIT_NAMESPACE, signoff.by)
        else:
            raw = signoff.signature.encode("utf-8") if signoff.signature else None
            key, key_note = self._key(raw, signed_payload(signoff, page.path), INLINE_NAMESPACE, signoff.by)
        return Attestation(commit_id, commit_note, key, fingerprint(key) if key else None, key_note)


def _approval_commit_note(message: str, expected: ApprovalTrailer) -> Msg | None:
    trailer = parse_trailer(message)
    if isinstance(trailer, Msg):
        return Msg("不是签核提交（提交消息没有完整的 Govgate 尾注）", "not an approval commit (no complete Govgate trailers)")
    if trailer != expected:
        return Msg("提交尾注与签核记录不一致", "the commit's trailers do not state this entry")
    return None
