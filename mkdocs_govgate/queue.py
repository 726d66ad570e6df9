"""The review queue (``govgate status``): the gate's report seen as work waiting for people.

Pure: built from a :class:`~mkdocs_govgate.report.Report` the gate already made (no file is read
again), the policy and the roster.  Every page falls in exactly one group, in this order of
precedence:

``retired``    withdrawn or expired: offline whatever its sign-offs say (已撤下)
``mine``       a stage the configured signer may sign now (待我签)
``sent_back``  a reviewer sent the current content back (revise/reject): waits for the editor (退回修改)
``stale``      a sign-off no longer counts because the content changed after it, or the page was
               withdrawn since: waits for a new review (已过期签核)
``pending``    anything else not yet cleared: stages missing, invalid or waiting, content findings (待审)
``published``  every stage approved and no blocking finding (已发布)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from .approval import APPROVED, SENT_BACK, STALE, StageStatus
from .findings import Severity
from .i18n import Msg
from .policy import CLASSIFICATION_ALIASES, Policy
from .report import PageResult, Report
from .retirement import Retirement
from .roster import Roster

RETIRED, MINE, SENT_BACK_GROUP, STALE_GROUP, PENDING, PUBLISHED = (
    "retired", "mine", "sent_back", "stale", "pending", "published")
GROUPS = (MINE, SENT_BACK_GROUP, STALE_GROUP, PENDING, PUBLISHED, RETIRED)   # display order
GROUP_TITLES = {
    MINE: Msg("待我签", "waiting for me"),
    SENT_BACK_GROUP: Msg("退回修改", "sent back"),
    STALE_GROUP: Msg("已过期签核", "stale sign-offs"),
    PENDING: Msg("待审", "in review"),
    PUBLISHED: Msg("已发布", "published"),
    RETIRED: Msg("已撤下", "withdrawn or expired"),
}
CLASSIFICATION_TITLES = {v: k for k, v in CLASSIFICATION_ALIASES.items()}   # general → 一般

# (page result, stage id) → may the configured signer sign it now?  Injected by the command
# (it is approve's own check), so the queue stays free of git and keys.
MaySign = Callable[[PageResult, str], bool]
# findings the stages themselves show; every other approval/input finding is listed as a problem
_STAGE_RULES = ("approval.missing", "approval.sent_back", "approval.stale", "approval.order", "approval.invalid")


@dataclass(frozen=True)
class Who:
    id: str
    name: str

    def label(self, lang: str = "zh") -> str:
        return self.id if lang == "en" or self.name == self.id else self.name

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class SignoffView:
    by: Who
    decision: str
    opinion: str
    at: dt.datetime
    current: bool            # bound to the page's current content

    def as_dict(self) -> dict:
        return {"by": self.by.id, "name": self.by.name, "decision": self.decision, "opinion": self.opinion,
                "at": self.at.isoformat(), "current": self.current}


@dataclass(frozen=True)
class QueueStage:
    id: str
    title: str
    status: str                          # approval.APPROVED, MISSING, SENT_BACK, STALE, INVALID, WAITING
    signoff: SignoffView | None          # the entry that decides the stage (the last of that stage)
    reasons: tuple[Msg, ...]
    eligible: tuple[Who, ...]            # open stages only: who may sign it: role, not the author, authorised
                                         # today, and (separation of duties) no other stage of this page signed
    mine: bool = False

    @property
    def done(self) -> bool:
        return self.status == APPROVED

    @property
    def waits_for_editor(self) -> bool:
        """Sent back on exactly the current content: nothing to review until the editor revises."""
        return self.status == SENT_BACK and self.signoff is not None and self.signoff.current

    def as_dict(self, lang: str = "zh") -> dict:
        return {"stage": self.id, "title": self.title, "status": self.status,
                "signoff": self.signoff.as_dict() if self.signoff else None,
                "eligible": [w.as_dict() for w in self.eligible],
                "reasons": [r.render(lang) for r in self.reasons], "mine": self.mine}


@dataclass
class QueueEntry:
    path: str
    title: str
    classification: str | None
    group: str
    approved: bool
    stages: list[QueueStage]
    findings: dict[str, int]             # content findings by severity (block, warn, info)
    problems: list[Msg] = field(default_factory=list)   # input/approval problems outside the stages
    retired: Retirement | None = None
    retired_by: Who | None = None

    def classification_label(self, lang: str = "zh") -> str:
        if not self.classification:
            return "?"
        return self.classification if lang == "en" else CLASSIFICATION_TITLES.get(self.classification,
                                                                                 self.classification)

    @property
    def done(self) -> list[QueueStage]:
        return [s for s in self.stages if s.done]

    @property
    def open(self) -> list[QueueStage]:
        return [s for s in self.stages if not s.done]

    def as_dict(self, lang: str = "zh") -> dict:
        retired = None
        if self.retired is not None:
            retired = {**self.retired.as_dict(), "name": self.retired_by.name if self.retired_by else None}
        return {"path": self.path, "title": self.title, "classification": self.classification, "group": self.group,
                "approved": self.approved, "findings": dict(self.findings),
                "stages": [s.as_dict(lang) for s in self.stages],
                "problems": [p.render(lang) for p in self.problems], "retired": retired}


@dataclass
class Queue:
    entries: list[QueueEntry]
    me: Who | None = None

    def group(self, name: str) -> list[QueueEntry]:
        return [e for e in self.entries if e.group == name]

    def summary(self) -> dict[str, int]:
        counts = {"total": len(self.entries)}
        counts.update({g: 0 for g in GROUPS})
        for entry in self.entries:
            counts[entry.group] += 1
        return counts

    def as_dict(self, lang: str = "zh", only_mine: bool = False) -> dict:
        """The documented JSON shape (schema ``govgate-status/1``); pages sorted by path."""
        pages = [e for e in self.entries if e.group == MINE] if only_mine else self.entries
        return {"schema": "govgate-status/1", "me": self.me.as_dict() if self.me else None,
                "summary": self.summary(), "pages": [e.as_dict(lang) for e in pages]}


class _Builder:
    def __init__(self, policy: Policy, roster: Roster, may_sign: MaySign | None, today: dt.date):
        self.policy, self.roster, self.may_sign, self.today = policy, roster, may_sign, today
        self._who: dict[str, Who] = {}

    def who(self, person_id: str) -> Who:
        who = self._who.get(person_id)
        if who is None:
            person = self.roster.person(person_id)
            who = self._who[person_id] = Who(person_id, person.name if person else person_id)
        return who

    def entry(self, result: PageResult) -> QueueEntry:
        verdict = result.verdict
        content = [f for f in result.findings if f.category not in ("approval", "input")]
        findings = {s.value: sum(1 for f in content if f.severity is s) for s in Severity}
        problems = [f.message for f in result.findings
                    if f.category in ("approval", "input") and f.rule not in _STAGE_RULES]
        stages = [self.stage(result, s) for s in verdict.stages] if verdict else []
        entry = QueueEntry(result.path, verdict.title if verdict else result.path, result.classification, PENDING,
                           result.approved and not result.content_blocked, stages, findings, problems)
        if result.retired is not None:
            entry.retired = result.retired
            entry.retired_by = self.who(result.retired.by) if result.retired.by else None
        entry.group = self.group(entry)
        return entry

    def stage(self, result: PageResult, status: StageStatus) -> QueueStage:
        signoff = None
        if status.signoff is not None:
            s = status.signoff
            current = result.digest is not None and s.digest == result.digest.value
            signoff = SignoffView(self.who(s.by), s.decision, s.opinion, s.at, current)
        eligible = () if status.done else tuple(self.who(p) for p in self.eligible(result, status))
        stage = QueueStage(status.stage.id, status.stage.title, status.status, signoff, tuple(status.reasons), eligible)
        if (self.may_sign is not None and not stage.done and not stage.waits_for_editor
                and result.retired is None and self.may_sign(result, stage.id)):
            stage = QueueStage(stage.id, stage.title, stage.status, stage.signoff, stage.reasons, stage.eligible,
                               mine=True)
        return stage

    def eligible(self, result: PageResult, status: StageStatus) -> list[str]:
        """The gate's role holders (author excluded), narrowed to who could sign today."""
        signoffs = result.page.signoffs if result.page else []
        people = []
        for person_id in status.eligible:
            person = self.roster.person(person_id)
            if person is None or not person.valid_on(self.today):
                continue
            if self.policy.separation_of_duties and any(
                    s.by == person_id and s.stage != status.stage.id for s in signoffs):
                continue
            people.append(person_id)
        return people

    @staticmethod
    def group(entry: QueueEntry) -> str:
        if entry.retired is not None:
            return RETIRED
        if any(s.mine for s in entry.stages):
            return MINE
        if any(s.waits_for_editor for s in entry.stages):
            return SENT_BACK_GROUP
        if any(s.status == STALE for s in entry.stages):
            return STALE_GROUP
        return PUBLISHED if entry.approved else PENDING


def build_queue(report: Report, policy: Policy, roster: Roster, *, me: Who | None = None,
                may_sign: MaySign | None = None, today: dt.date | None = None) -> Queue:
    builder = _Builder(policy, roster, may_sign, today or dt.date.today())
    return Queue([builder.entry(r) for r in sorted(report.pages, key=lambda r: r.path)], me)
