"""Approval evaluation: does a page carry every valid sign-off its classification requires?

Pure: no git, no cryptography.  Evidence (signed commits or inline signatures) plugs in
as a callable that returns the problems voiding one sign-off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .findings import Finding, Severity
from .i18n import Msg
from .page import Page, Signoff
from .policy import Policy, Stage
from .roster import Roster

Evidence = Callable[[Page, Signoff], list[Msg]]


class Stale(Msg):
    """An evidence problem meaning "genuine, but no longer counts: review again" (e.g. the page was
    withdrawn after this sign-off), as opposed to forged or unprovable evidence."""

APPROVED, MISSING, SENT_BACK, STALE, INVALID, WAITING = "approved", "missing", "sent_back", "stale", "invalid", "waiting"


@dataclass
class StageStatus:
    stage: Stage
    status: str
    signoff: Signoff | None = None
    reasons: list[Msg] = field(default_factory=list)
    eligible: list[str] = field(default_factory=list)   # ids of people who may sign it

    @property
    def done(self) -> bool:
        return self.status == APPROVED


@dataclass
class PageVerdict:
    path: str
    title: str
    classification: str | None
    stages: list[StageStatus]
    findings: list[Finding]

    @property
    def approved(self) -> bool:
        return (self.classification is not None and all(s.done for s in self.stages)
                and not any(f.blocking for f in self.findings))

    @property
    def missing(self) -> list[str]:
        return [s.stage.id for s in self.stages if not s.done]


class _Evaluation:
    def __init__(self, page: Page, policy: Policy, roster: Roster, digest: str, evidence: Evidence | None):
        self.page, self.policy, self.roster, self.digest, self.evidence = page, policy, roster, digest, evidence
        self.findings: list[Finding] = []

    def report(self, rule: str, message: Msg, line: int = 0, suggestion: Msg | None = None) -> None:
        self.findings.append(Finding(self.page.path, line, 1 if line else 0, rule, "approval", Severity.BLOCK,
                                     message, suggestion=suggestion))

    def run(self) -> PageVerdict:
        page, policy = self.page, self.policy
        for problem in page.problems:
            self.report("approval.entry", problem.message, problem.line, problem.hint)
        classification = self._classification()
        self._author()
        for signoff in page.signoffs:
            if signoff.stage not in policy.stages:
                self.report("approval.unknown_stage",
                            Msg(f"签核记录使用了审核策略中没有的环节 {signoff.stage}",
                                f"sign-off names stage {signoff.stage}, which the policy does not define"),
                            signoff.line)
        stages: list[StageStatus] = []
        if classification:
            previous: StageStatus | None = None
            for stage in policy.required_stages(classification):
                status = self._stage(stage, previous)
                stages.append(status)
                previous = status
        self._sent_back_content()
        return PageVerdict(page.path, page.title, classification, stages, self.findings)

    def _classification(self) -> str | None:
        value = self.page.meta.get("classification")
        line = self.page.meta_lines.get("classification", 1)
        if value is None:
            self.report("approval.classification",
                        Msg("页面没有标明信息分级 classification（一般/重要/特级）",
                            "page has no classification (general/important/special)"), line,
                        Msg("在页首信息中加入 classification: general", "add 'classification: general' to the front-matter"))
            return None
        resolved = self.policy.resolve_classification(value)
        if not resolved:
            known = ", ".join(self.policy.classifications)
            self.report("approval.classification",
                        Msg(f"未知的信息分级：{value!r}（可用：{known}，或 一般/重要/特级）",
                            f"unknown classification {value!r} (known: {known}, or 一般/重要/特级)"), line)
        return resolved

    def _author(self) -> None:
        author = self.page.meta.get("author")
        line = self.page.meta_lines.get("author", 1)
        if not isinstance(author, str) or not author:
            self.report("approval.author", Msg("页面没有注明拟稿人 author（名册中的 id）",
                                               "page names no author (a roster id)"), line)
        elif not self.roster.person(author):
            self.report("approval.author", Msg(f"拟稿人 {author} 不在审核人员名册中",
                                               f"author {author} is not in the reviewer roster"), line)

    def _stage(self, stage: Stage, previous: StageStatus | None) -> StageStatus:
        eligible = [p.id for p in self.roster.holders(stage.roles) if p.id != self.page.author]
        entries = [s for s in self.page.signoffs if s.stage == stage.id]
        status = StageStatus(stage, MISSING, eligible=eligible)
        if not entries:
            status.reasons.append(Msg("尚无签核", "not signed yet"))
            return self._finish(status)
        last = status.signoff = entries[-1]
        if last.decision != "approve":
            status.status = SENT_BACK
            verb = Msg("退回修改", "sent back for revision") if last.decision == "revise" else Msg("不同意发布", "rejected")
            status.reasons.append(Msg(f"{last.by} {verb.zh}：{last.opinion}", f"{last.by} {verb.en}: {last.opinion}"))
            return self._finish(status)
        if last.digest != self.digest:
            status.status = STALE
            status.reasons.append(Msg("签核后内容已改动，签核失效，需重新审核",
                                      "the content changed after this sign-off; it must be reviewed again"))
            return self._finish(status)
        status.reasons.extend(self._signer_problems(stage, last))
        if self.policy.ordered and previous is not None:
            if not previous.done:
                status.status = WAITING
                status.reasons.append(Msg(f"前一环节“{previous.stage.title}”尚未完成，本环节签核不能计入",
                                          f"the previous stage '{previous.stage.title}' is not complete, so this "
                                          "sign-off cannot count yet"))
                return self._finish(status)
            assert previous.signoff is not None
            if last.index < previous.signoff.index or last.at < previous.signoff.at:
                status.reasons.append(Msg(f"签核顺序错误：本环节早于前一环节“{previous.stage.title}”",
                                          f"out of order: signed before the previous stage '{previous.stage.title}'"))
        if not status.reasons and self.evidence is not None:
            status.reasons.extend(self.evidence(self.page, last))
        if not status.reasons:
            status.status = APPROVED
        else:
            status.status = STALE if all(isinstance(r, Stale) for r in status.reasons) else INVALID
        return self._finish(status)

    def _signer_problems(self, stage: Stage, signoff: Signoff) -> list[Msg]:
        person = self.roster.person(signoff.by)
        if person is None:
            return [Msg(f"签核人 {signoff.by} 不在审核人员名册中", f"signer {signoff.by} is not in the reviewer roster")]
        problems = []
        if not set(person.roles) & set(stage.roles):
            need = "、".join(self.policy.role_title(r) for r in stage.roles)
            problems.append(Msg(f"{person.name}（{person.id}）不具备本环节所需角色：{need}",
                                f"{person.id} lacks the role this stage needs: {', '.join(stage.roles)}"))
        if not person.valid_on(signoff.at.date()):
            problems.append(Msg(f"{person.name}（{person.id}）在签核时间 {signoff.at:%Y-%m-%d} 不在任职有效期内",
                                f"{person.id} was not valid on the sign-off date {signoff.at:%Y-%m-%d}"))
        if self.policy.separation_of_duties:
            if signoff.by == self.page.author:
                problems.append(Msg("拟稿人不能审核自己的稿件", "the author may not sign off their own page"))
            others = sorted({s.stage for s in self.page.signoffs if s.by == signoff.by and s.stage != stage.id})
            if others:
                problems.append(Msg(f"{person.name}（{person.id}）已签核本页其他环节（{', '.join(others)}），一人不能签两个环节",
                                    f"{person.id} also signed other stages of this page ({', '.join(others)}); "
                                    "one person may sign only one stage"))
        return problems

    def _finish(self, status: StageStatus) -> StageStatus:
        if status.status == APPROVED:
            return status
        names = "、".join(self._name(p) for p in status.eligible) or "（名册中无人具备该角色）"
        names_en = ", ".join(status.eligible) or "(nobody in the roster holds the role)"
        roles_zh = "、".join(self.policy.role_title(r) for r in status.stage.roles)
        reasons_zh = "；".join(r.zh for r in status.reasons)
        reasons_en = "; ".join(r.en for r in status.reasons)
        rule = {MISSING: "approval.missing", SENT_BACK: "approval.sent_back", STALE: "approval.stale",
                WAITING: "approval.order"}.get(status.status, "approval.invalid")
        line = status.signoff.line if status.signoff else self.page.meta_lines.get("signoffs", 1 if self.page.has_front_matter else 0)
        self.report(rule, Msg(f"{status.stage.title}（{status.stage.id}）未通过：{reasons_zh}。需由{roles_zh}签核（可签：{names}）",
                              f"{status.stage.id} ({status.stage.title}) not satisfied: {reasons_en}. Needs "
                              f"{', '.join(status.stage.roles)} (eligible: {names_en})"), line)
        return status

    def _name(self, person_id: str) -> str:
        person = self.roster.person(person_id)
        return f"{person.name}（{person_id}）" if person else person_id

    def _sent_back_content(self) -> None:
        """A revise/reject of exactly this content blocks, whatever approvals follow it."""
        for signoff in self.page.signoffs:
            if signoff.decision != "approve" and signoff.digest == self.digest:
                later = [s for s in self.page.signoffs if s.index > signoff.index and s.stage == signoff.stage]
                if later:  # otherwise the stage status already reports it
                    self.report("approval.sent_back",
                                Msg(f"{signoff.by} 已对当前内容作出“{signoff.decision}”决定，需修改内容后重新审核",
                                    f"{signoff.by} decided '{signoff.decision}' on exactly this content; "
                                    "it must change and be reviewed again"), signoff.line)


def evaluate(page: Page, policy: Policy, roster: Roster, digest: str, evidence: Evidence | None = None) -> PageVerdict:
    return _Evaluation(page, policy, roster, digest, evidence).run()
