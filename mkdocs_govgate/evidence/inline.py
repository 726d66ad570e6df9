"""Inline evidence: a signature inside each sign-off entry, checked against the CURRENT roster.

The entry's ``signature:`` is an SSHSIG (namespace ``govgate``) or an armored OpenPGP
detached signature over the canonical JSON of {digest, stage, by, decision, at, path} (sorted
keys, UTF-8, no whitespace).  It survives squash and rebase merges, but it is weaker than
history evidence: there is no record of *when* in history it was made, so a revocation
only takes effect through ``valid_until`` (compared with the entry's own ``at``, which
the signer chose) or ``compromised_keys``; removing a key from the roster voids every
inline signature it made.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..digest import canonical_json
from ..i18n import Msg
from ..page import Page, Signoff
from ..roster import Roster
from .openpgp import RosterKeyring
from .signatures import signer_key
from .sshsig import SignatureError

INLINE_NAMESPACE = "govgate"


def signed_payload(signoff: Signoff, path: str) -> bytes:
    return canonical_json(signoff.signed_fields(path))


def payload_for(digest: str, stage: str, by: str, decision: str, at: dt.datetime, path: str) -> bytes:
    """``path``: the page relative to docs_dir (``tzgg/a.md``)."""
    return canonical_json({"digest": digest, "stage": stage, "by": by, "decision": decision, "at": at.isoformat(),
                           "path": path})


class InlineEvidence:
    """``(page, signoff) -> problems`` for ``evidence: inline``; ``trust_dir`` holds ``keys/*.asc``."""

    def __init__(self, roster: Roster, trust_dir: Path | None = None):
        self.roster = roster
        self.trust_dir = trust_dir
        self._openpgp = RosterKeyring(roster, trust_dir)

    def close(self) -> None:
        self._openpgp.close()

    def __call__(self, page: Page, signoff: Signoff) -> list[Msg]:
        if not signoff.signature:
            return [Msg("签核记录没有内嵌签名（signature），内嵌证据模式下不能计入",
                        "the sign-off has no inline signature, which evidence: inline requires")]
        try:
            key = signer_key(signoff.signature.encode("utf-8"), signed_payload(signoff, page.path), INLINE_NAMESPACE,
                             self._openpgp)
        except SignatureError as exc:
            return [Msg("内嵌签名无效：", "inline signature is not valid: ") + exc.message]
        if key in self.roster.compromised_keys:
            return [Msg("签名密钥已被标记为泄露（compromised），其全部签名无效",
                        "the signing key is marked compromised: all its signatures are void")]
        person = self.roster.person(signoff.by)
        if person is None or key not in person.keys:
            owners = [p.id for p in self.roster.people.values() if key in p.keys]
            if owners:
                return [Msg(f"内嵌签名出自 {owners[0]} 的密钥，不是 {signoff.by}",
                            f"the inline signature was made with {owners[0]}'s key, not {signoff.by}'s")]
            return [Msg(f"内嵌签名的密钥不在名册中 {signoff.by} 名下", f"the inline signature's key is not registered for "
                        f"{signoff.by} in the roster")]
        if not person.valid_on(signoff.at.date()):
            return [Msg(f"{signoff.by} 在 {signoff.at.date()} 不在授权有效期内", f"{signoff.by} is not authorised on "
                        f"{signoff.at.date()}")]
        return []
