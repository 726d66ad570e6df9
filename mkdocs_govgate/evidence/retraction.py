"""Retractions (``govgate retract``, 应急处置): checking the ``withdrawn:`` record, and making sure
a retraction cannot be undone by deleting it.

The record ``govgate retract`` writes into the page's front-matter::

    withdrawn:
      at: 2026-11-21T10:12:00+08:00
      by: lina
      reason: 发现含有涉密信息
      signature: |
        -----BEGIN SSH SIGNATURE-----
        …

``signature`` is an inline signature (SSHSIG, namespace ``govgate``, or an armored OpenPGP
detached signature) over the canonical JSON of {path, at, by, reason, decision: "withdraw"},
``path`` being the page's path in docs_dir.  The record is *verified* when that signature was
made by a key the roster registers for ``by``, not compromised, and ``by`` was authorised on
the day of ``at``.  Any ``withdrawn:`` entry takes the page offline, verified or not (taking
content down is never the dangerous direction); an unverified one is reported as a warning so
the site manager sees that someone wrote it by hand.

**Republishing by deleting the record.** The digest covers the front-matter without
``signoffs``, so deleting ``withdrawn:`` gives the page back exactly the digest its old
sign-offs were bound to: an editor could put retracted content back online with the approvals
it had before, in both evidence modes.  :class:`RetractionLedger` closes that hole: every retract
commit in HEAD's history (trailer ``Govgate-Decision: withdraw``) records the sign-off entries
the page held when it was taken down, and :class:`VoidedByRetraction` makes exactly those
entries stale.  Retracted content comes back only through a new review.  The ledger reads
history, so it needs the retract commit in the clone (history mode refuses shallow clones
anyway; inline mode sees what the checkout holds).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..approval import Evidence, Stale
from ..cachefile import load_json, save_json
from ..digest import canonical_json
from ..errors import GateError
from ..findings import Finding, Severity
from ..i18n import Msg
from ..page import Page, Signoff
from ..retirement import UNVERIFIED_RULE, WITHDRAWN, Retirement
from ..roster import Roster
from .gitobjects import ObjectReader, git_env, run_git
from .inline import INLINE_NAMESPACE, InlineEvidence
from .signatures import signer_key
from .sshsig import SignatureError
from .versions import read_version, signoff_key

WITHDRAW = "withdraw"
RECORD_KEYS = ("at", "by", "reason", "signature")
TRAILER_KEYS = ("Govgate-Page", "Govgate-Decision", "Govgate-By", "Govgate-At", "Govgate-Reason")


def withdrawal_payload(path: str, at: dt.datetime, by: str, reason: str) -> bytes:
    """What the record's signature covers (``path``: the page's path relative to docs_dir)."""
    return canonical_json({"path": path, "at": at.isoformat(), "by": by, "reason": reason, "decision": WITHDRAW})


def retract_message(repo_path: str, by: str, at: dt.datetime, reason: str) -> str:
    """The retract commit's message: trailers state page, decision, person, time and reason."""
    one_line = " ".join(reason.split())
    values = (repo_path, WITHDRAW, by, at.isoformat(), one_line)
    trailers = "\n".join(f"{k}: {v}" for k, v in zip(TRAILER_KEYS, values, strict=True))
    return f"govgate: withdraw {repo_path} by {by}\n\n{trailers}\n"


# -- the record in the page ----------------------------------------------------------------------

@dataclass(frozen=True)
class WithdrawalRecord:
    at: dt.datetime
    by: str
    reason: str
    signature: str | None


def read_record(value: Any) -> WithdrawalRecord | Msg:
    """The ``withdrawn:`` mapping as a record, or why it is not one `govgate retract` would write."""
    if not isinstance(value, Mapping):
        return Msg("withdrawn 不是 govgate retract 写入的记录（缺少撤稿人、时间和签名）",
                   "withdrawn is not a record written by `govgate retract` (no person, time or signature)")
    unknown = sorted(str(k) for k in value if k not in RECORD_KEYS)
    if unknown:
        return Msg(f"撤稿记录有未知字段 {', '.join(unknown)}", f"the withdrawal record has unknown field(s) "
                   f"{', '.join(unknown)}")
    at, by, reason, signature = (value.get(k) for k in RECORD_KEYS)
    if isinstance(at, str):
        try:
            at = dt.datetime.fromisoformat(at)
        except ValueError:
            at = None
    if not isinstance(at, dt.datetime) or at.tzinfo is None:
        return Msg("撤稿记录的时间 at 必须是带时区的日期时间", "the withdrawal record's 'at' must be a date-time with a time "
                   "zone")
    if not isinstance(by, str) or not by or not isinstance(reason, str) or not reason.strip():
        return Msg("撤稿记录必须写明撤稿人 by 和原因 reason", "the withdrawal record must name 'by' and a 'reason'")
    if signature is not None and not isinstance(signature, str):
        return Msg("撤稿记录的 signature 必须是文字", "the withdrawal record's signature must be text")
    return WithdrawalRecord(at, by, reason, signature or None)


class WithdrawalVerifier:
    """For the gate: ``(page, retirement) -> (retirement with verified set, findings)``."""

    def __init__(self, roster: Roster, trust_dir: Path | None = None):
        self.roster = roster
        self._inline = InlineEvidence(roster, trust_dir)   # its OpenPGP keyring: built from the roster only

    def close(self) -> None:
        self._inline.close()

    def problems(self, page: Page) -> list[Msg]:
        record = read_record(page.meta.get("withdrawn"))
        if isinstance(record, Msg):
            return [record]
        if not record.signature:
            return [Msg("撤稿记录没有签名", "the withdrawal record is not signed")]
        payload = withdrawal_payload(page.path, record.at, record.by, record.reason)
        try:
            key = signer_key(record.signature.encode("utf-8"), payload, INLINE_NAMESPACE, self._inline._openpgp)
        except SignatureError as exc:
            return [Msg("撤稿记录的签名无效：", "the withdrawal record's signature is not valid: ") + exc.message]
        if key in self.roster.compromised_keys:
            return [Msg("撤稿记录的签名密钥已被标记为泄露", "the withdrawal record was signed with a compromised key")]
        person = self.roster.person(record.by)
        if person is None:
            return [Msg(f"撤稿人 {record.by} 不在审核人员名册中", f"{record.by}, who is named as retracting the page, is not "
                        "in the reviewer roster")]
        if key not in person.keys:
            owners = [p.id for p in self.roster.people.values() if key in p.keys]
            who = owners[0] if owners else None
            return [Msg(f"撤稿记录的签名不是 {record.by} 的密钥所签" + (f"，而是 {who} 的" if who else ""),
                        f"the withdrawal record was not signed with a key of {record.by}"
                        + (f" but with {who}'s" if who else ""))]
        if not person.valid_on(record.at.date()):
            return [Msg(f"{person.name}（{person.id}）在 {record.at.date()} 不在授权有效期内",
                        f"{person.id} was not authorised on {record.at.date()}")]
        return []

    def __call__(self, page: Page, retired: Retirement) -> tuple[Retirement, list[Finding]]:
        if retired.kind != WITHDRAWN or not isinstance(page.meta.get("withdrawn"), Mapping):
            return retired, []   # expired, or a plain `withdrawn: <date>` reviewed with the page: nothing signed
        problems = self.problems(page)
        if not problems:
            return replace(retired, verified=True), []
        line = page.meta_lines.get("withdrawn", 1)
        reasons = Msg("；".join(p.zh for p in problems), "; ".join(p.en for p in problems))
        who = retired.by or "?"
        finding = Finding(page.path, line, 1, UNVERIFIED_RULE, "approval", Severity.WARN,
                          Msg(f"未经验证的撤稿记录（署名 {who}）：", f"unverified withdrawal record (names {who}): ")
                          + reasons,
                          suggestion=Msg("页面仍不予发布。请核实是谁写入了该记录；确需撤稿的，由名册中人员运行 govgate retract",
                                         "the page stays offline. Find out who wrote the record; a real retraction is "
                                         "made by a roster person with `govgate retract`"))
        return replace(retired, verified=False), [finding]


# -- the memory of retractions in history ---------------------------------------------------------

@dataclass(frozen=True)
class Retraction:
    commit: str
    page: str          # repository path
    by: str
    at: str
    reason: str


def _trailers(message: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in message.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in TRAILER_KEYS:
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def _retract_commits(root: Path, revisions: str) -> list[Retraction]:
    """Commits in ``revisions`` whose trailers say ``Govgate-Decision: withdraw``, oldest last."""
    out = run_git(root, "log", "-z", "--format=%H%n%B", "-E",
                  "--grep=^Govgate-Decision:[[:space:]]*withdraw[[:space:]]*$", revisions, "--")
    found = []
    for record in out.decode("utf-8", errors="replace").split("\0"):
        oid, _, message = record.strip("\n").partition("\n")
        trailers = _trailers(message)
        if not oid or WITHDRAW not in trailers.get("Govgate-Decision", []):
            continue
        first = {k: (v[0] if v else "") for k, v in trailers.items()}
        for page in trailers.get("Govgate-Page", []):
            found.append(Retraction(oid, page, first.get("Govgate-By", ""), first.get("Govgate-At", ""),
                                    first.get("Govgate-Reason", "")))
    return found


class _LedgerCache:
    """``retractions.json``: the HEAD it was built at and the retract commits up to it."""

    FILE, VERSION = "retractions.json", 1

    def __init__(self, folder: Path):
        self.path = folder / self.FILE
        self.saved: tuple[str, list[Retraction]] | None = None

    def load(self, root: Path, head: str) -> tuple[str, list[Retraction]] | None:
        try:
            data = load_json(self.path)
            assert isinstance(data, dict) and data["version"] == self.VERSION and isinstance(data["head"], str)
            retractions = [Retraction(*(str(x) for x in item)) for item in data["retractions"]]
            assert all(len(item) == 5 for item in data["retractions"])
        except (OSError, ValueError, KeyError, TypeError, AssertionError):
            return None   # absent or not exactly our shape: read history again, never trust it
        since = data["head"]
        if since != head and subprocess.run(["git", "merge-base", "--is-ancestor", since, head], cwd=root,
                                            env=git_env(), capture_output=True, check=False).returncode != 0:
            return None   # history was rewritten or another branch is checked out: read it all again
        self.saved = (since, retractions)
        return since, retractions

    def save(self, head: str, retractions: list[Retraction]) -> None:
        if self.saved == (head, retractions):
            return
        save_json(self.path, {"version": self.VERSION, "head": head,
                              "retractions": [[r.commit, r.page, r.by, r.at, r.reason] for r in retractions]})


class RetractionLedger:
    """Sign-off entries that a retraction took down: they never count again.

    Built from HEAD's history: the commits whose trailers say ``Govgate-Decision: withdraw`` and the
    page versions they hold.  Whether the retract commit is signed does not matter here: voiding
    sign-offs can only keep content offline.
    """

    def __init__(self, voided: dict[str, Retraction] | None = None):
        self.voided = voided or {}

    @classmethod
    def from_repo(cls, docs_dir: Path, cache_dir: Path | None = None) -> RetractionLedger:
        """``cache_dir``: remember the retract commits found up to HEAD, so the next run reads only newer
        history (the cache is trusted like the evidence cache: never restore it from untrusted branches)."""
        try:
            top = run_git(docs_dir, "rev-parse", "--show-toplevel", check=False).decode().strip()
        except GateError:
            top = ""       # no git at all
        if not top:
            return cls()   # not in git: no history to remember retractions by (inline mode only)
        root = Path(top)
        head = run_git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False).decode().strip()
        if not head:
            return cls()
        cache = _LedgerCache(cache_dir) if cache_dir is not None else None
        known = cache.load(root, head) if cache else None
        if known is None:
            retractions = _retract_commits(root, "HEAD")
        else:
            since, retractions = known
            if since != head:
                retractions = retractions + _retract_commits(root, f"{since}..HEAD")
        if cache is not None:
            cache.save(head, retractions)
        voided: dict[str, Retraction] = {}
        if retractions:
            with ObjectReader(root) as reader:
                for retraction in retractions:
                    found = reader.resolve(f"{retraction.commit}:{retraction.page}")
                    if found is None or found[1] != "blob":
                        continue
                    for key in read_version(retraction.page, reader.blob(found[0])).entries:
                        voided.setdefault(key, retraction)
        return cls(voided)

    def voiding(self, signoff: Signoff) -> Retraction | None:
        return self.voided.get(signoff_key(signoff)) if self.voided else None


class VoidedByRetraction:
    """Evidence that first asks the ledger: a sign-off a retraction took down is stale, whatever its signature."""

    def __init__(self, inner: Evidence | None, ledger: RetractionLedger):
        self.inner = inner
        self.ledger = ledger

    def __call__(self, page: Page, signoff: Signoff) -> list[Msg]:
        retraction = self.ledger.voiding(signoff)
        if retraction is not None:
            return [Stale(f"页面曾于 {retraction.at} 被 {retraction.by} 撤下（{retraction.reason}），撤下前的签核作废，须重新审核",
                          f"the page was withdrawn by {retraction.by} at {retraction.at} ({retraction.reason}); "
                          "sign-offs made before that no longer count: it must be reviewed again")]
        return self.inner(page, signoff) if self.inner is not None else []

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()

    def __getattr__(self, name: str) -> Any:   # the wrapped verifier's other attributes (history, cache …)
        return getattr(self.inner, name)
