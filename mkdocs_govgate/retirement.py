"""Pages taken offline: withdrawn (撤稿, `govgate retract`) or past their `expires:` date (废止无效内容).

A retired page is left out of every build, whatever ``on_unapproved`` says, and its findings no
longer stop the build: the point of a retraction is that the rest of the site keeps publishing
while the page stays offline.  The record (who, when, why) stays in the page and in the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .dates import as_date

WITHDRAWN, EXPIRED = "withdrawn", "expired"
UNVERIFIED_RULE = "approval.withdrawn_unverified"   # the warning on a withdrawal record nobody verifiably made


@dataclass(frozen=True)
class Retirement:
    kind: str                      # WITHDRAWN | EXPIRED
    since: dt.date | None          # None when the page gives no usable date
    reason: str = ""
    by: str = ""                   # roster id of the person who retracted it
    at: str = ""                   # the retraction's time as written
    # withdrawn records only: True when the record's signature verifies against the roster, False when
    # not (the page stays offline all the same), None when not checked or not a signed record
    verified: bool | None = None

    def as_dict(self) -> dict[str, str | bool | None]:
        return {"kind": self.kind, "since": self.since.isoformat() if self.since else None,
                "reason": self.reason, "by": self.by, "at": self.at, "verified": self.verified}


def _date_or_none(value: Any) -> dt.date | None:
    try:
        return as_date(value)
    except ValueError:
        return None


def retirement(meta: Mapping[str, Any], today: dt.date) -> Retirement | None:
    """Whether the page is offline today, and why."""
    withdrawn = meta.get("withdrawn")
    if withdrawn not in (None, False, ""):
        if isinstance(withdrawn, Mapping):   # written by `govgate retract`
            at = withdrawn.get("at")
            since = _date_or_none(at)
            return Retirement(WITHDRAWN, since, str(withdrawn.get("reason") or ""), str(withdrawn.get("by") or ""),
                              at.isoformat() if hasattr(at, "isoformat") else str(at or ""))
        since = _date_or_none(withdrawn)
        if since is None or since <= today:   # true, a reason, or a date already reached
            reason = withdrawn if isinstance(withdrawn, str) and since is None else ""
            return Retirement(WITHDRAWN, since, reason)
    expires = _date_or_none(meta.get("expires"))
    if expires is not None and expires < today:
        return Retirement(EXPIRED, expires)
    return None
