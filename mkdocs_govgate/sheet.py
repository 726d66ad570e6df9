"""The 审签表 (review and sign-off sheet) of one page: the archived record (归档保存) as printable HTML.

The rows follow the paper forms of seeds 002 and 004 (来文单位, 信息标题, 拟稿人, 网站管理员,
办公室主任/分管领导审核意见, 单位主要领导签批, 信息审核要点) but are generated from the policy: one
row per stage the page's classification requires, in stage order, labelled by the form row its
roles correspond to (or by the stage's own title).  Each signature shows what the verifier
says of it — a sign-off is shown as valid only when the verifier found nothing against it.

Pure: the page, its verdict, an evidence callable and the attestations go in; HTML comes out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from importlib import resources

from . import __version__
from .approval import APPROVED, INVALID, SENT_BACK, STALE, WAITING, Evidence, StageStatus
from .evidence.attest import Attestation
from .findings import Finding, Severity
from .i18n import Msg
from .page import Page, Signoff
from .policy import Policy, Stage
from .report import PageResult
from .retirement import WITHDRAWN
from .roster import Roster

# What the sheet says of one signature.
VALID, SUPERSEDED, NOT_COUNTED = "valid", "superseded", "not_counted"
SIGNATURE_STATUS = {
    VALID: Msg("✓ 有效", "✓ valid"),
    STALE: Msg("⚠ 已失效（内容已改动）", "⚠ stale (content changed)"),
    INVALID: Msg("✗ 无效", "✗ invalid"),
    SENT_BACK: Msg("↩ 退回（签名有效）", "↩ sent back (signature valid)"),
    WAITING: Msg("… 待前一环节完成", "… waits for the previous stage"),
    SUPERSEDED: Msg("— 已被本环节后续记录取代", "— superseded by a later entry"),
    NOT_COUNTED: Msg("— 不计入（本页分级不需要该环节）", "— not counted (stage not required)"),
}
DECISIONS = {"approve": Msg("同意", "approve"), "revise": Msg("退回修改", "revise"), "reject": Msg("不同意", "reject")}
CLASSIFICATIONS = {"general": Msg("一般", "general"), "important": Msg("重要", "important"),
                   "special": Msg("特级", "special")}
# The paper form's rows (seed 004 附件), by the roles a stage accepts.
ROLE_ROWS = {
    "section_chief": Msg("办公室主任审核意见", "Office director's review"),
    "site_admin": Msg("网站管理员", "Website administrator"),
    "secrecy_officer": Msg("保密审核意见", "Secrecy review"),
    "deputy_leader": Msg("分管领导审核意见", "Deputy leader's review"),
    "principal_leader": Msg("单位主要领导签批", "Principal leader's approval"),
    "superior_leader": Msg("上级领导批示", "Superior leader's instruction"),
}
# 信息审核要点 (seed 004): which findings speak to each point; the first matching point takes a finding.
CHECKLIST: tuple[tuple[Msg, tuple[str, ...], tuple[str, ...]], ...] = (
    (Msg("政治性", "Political soundness"), ("sensitive.", "expression.political"), ("sensitive",)),
    (Msg("保密性", "Secrecy"), ("secret.",), ("secret",)),
    (Msg("真实性", "Authenticity (sources)"), ("reprint.",), ("reprint",)),
    (Msg("时效性", "Timeliness"), ("metadata.expired", "metadata.withdrawn"), ()),
    (Msg("准确性", "Accuracy"), ("expression.leader_title", "link.text_mismatch"), ()),
    (Msg("完整性", "Completeness"), ("metadata.", "input."), ("metadata", "input")),
    (Msg("安全性", "Security (personal data, links)"), ("pii.", "link."), ("pii", "link")),
    (Msg("文字、图片、格式、符号", "Text, images, format, symbols"), ("expression.",), ("expression",)),
)


@dataclass
class SignatureRow:
    signoff: Signoff
    stage_title: str
    name: str
    role: str
    unit: str
    post: str                      # 职务
    status: str
    reasons: list[Msg]
    attestation: Attestation


@dataclass
class StageRow:
    stage: Stage
    label: Msg
    status: StageStatus
    signatures: list[SignatureRow]
    eligible: list[str]            # "name（id）" of the people who may still sign


@dataclass
class CheckItem:
    label: Msg
    blocking: int
    warnings: int


@dataclass
class Sheet:
    site_name: str
    path: str
    title: str
    unit: str
    column: str
    date: str
    classification: str | None
    author: str
    digest: str
    evidence_mode: str
    stages: list[StageRow]
    others: list[SignatureRow]     # entries of stages this page's classification does not need
    checklist: list[CheckItem]
    findings: list[Finding]
    waivers: list[tuple[str, str, str]]
    approved: bool
    content_blocked: bool
    retired: Msg | None
    missing: list[str]
    generated_at: dt.datetime
    version: str = __version__
    notes: list[Msg] = field(default_factory=list)


# -- building the model ---------------------------------------------------------------------

def _text(value: object) -> str:
    return "" if value is None else str(value)


def row_label(stage: Stage) -> Msg:
    for role in stage.roles:
        if role in ROLE_ROWS:
            return ROLE_ROWS[role]
    return Msg(stage.title, stage.title)


def signature_status(page: Page, signoff: Signoff, decisive: StageStatus | None, digest: str,
                     evidence: Evidence | None, required: bool) -> tuple[str, list[Msg]]:
    """The sheet's verdict on one entry; the evaluator's verdict wins for the entry that decides a stage."""
    if decisive is not None and decisive.status == APPROVED:
        return VALID, []
    # The evaluator checks evidence only where nothing else voided the entry: the record lists every problem.
    problems = evidence(page, signoff) if evidence is not None else [
        Msg("签名证据未核验", "the signature evidence was not checked")]
    if decisive is not None and decisive.status == INVALID:
        return INVALID, list(decisive.reasons) + [p for p in problems if p not in decisive.reasons]
    if problems:
        return INVALID, problems
    if decisive is not None:
        if decisive.status == STALE or signoff.digest != digest:
            return STALE, list(decisive.reasons) if decisive.status == STALE else [
                Msg("签核后内容已改动", "the content changed after this sign-off")]
        if decisive.status == SENT_BACK:
            return SENT_BACK, []
        return WAITING, list(decisive.reasons)
    if signoff.digest != digest:
        return STALE, [Msg("签核后内容已改动", "the content changed after this sign-off")]
    return (SUPERSEDED if required else NOT_COUNTED), []


def _person(roster: Roster, policy: Policy, person_id: str, stage: Stage | None) -> tuple[str, str, str, str]:
    person = roster.person(person_id)
    if person is None:
        return f"{person_id}（不在名册中 / not in the roster）", "", "", ""
    roles = [r for r in person.roles if stage is None or r in stage.roles] or list(person.roles)
    return person.name, "、".join(policy.role_title(r) for r in roles), person.unit, person.title


def _check_item(finding: Finding) -> int | None:
    """Index of the review point a finding speaks to: by rule first, else by category."""
    for index, (_, prefixes, _) in enumerate(CHECKLIST):
        if finding.rule.startswith(prefixes):
            return index
    for index, (_, _, categories) in enumerate(CHECKLIST):
        if finding.category in categories:
            return index
    return None


def checklist(findings: Iterable[Finding]) -> list[CheckItem]:
    items = [CheckItem(label, 0, 0) for label, _, _ in CHECKLIST]
    for finding in findings:
        index = _check_item(finding) if finding.severity is not Severity.INFO else None
        if index is not None:
            if finding.blocking:
                items[index].blocking += 1
            else:
                items[index].warnings += 1
    return items


def build_sheet(result: PageResult, policy: Policy, roster: Roster, evidence: Evidence | None,
                attest: Callable[[Page, Signoff], Attestation], *, attachment_findings: Iterable[Finding] = (),
                site_name: str = "", now: dt.datetime | None = None, evidence_mode: str = "") -> Sheet:
    page, verdict, digest = result.page, result.verdict, result.digest
    assert page is not None and verdict is not None and digest is not None
    decisive = {s.signoff.index: s for s in verdict.stages if s.signoff is not None}
    required = {s.stage.id for s in verdict.stages}

    def row(signoff: Signoff) -> SignatureRow:
        stage = policy.stages.get(signoff.stage)
        status, reasons = signature_status(page, signoff, decisive.get(signoff.index), digest.value, evidence,
                                           signoff.stage in required)
        name, role, unit, post = _person(roster, policy, signoff.by, stage)
        return SignatureRow(signoff, stage.title if stage else signoff.stage, name, role, unit, post, status, reasons,
                            attest(page, signoff))

    rows = {s.index: row(s) for s in page.signoffs}
    stages = []
    for status in verdict.stages:
        eligible = []
        for pid in status.eligible:
            person = roster.person(pid)
            eligible.append(f"{person.name}（{pid}）" if person else pid)
        stages.append(StageRow(status.stage, row_label(status.stage), status,
                               [rows[s.index] for s in page.signoffs if s.stage == status.stage.id], eligible))
    others = [rows[s.index] for s in page.signoffs if s.stage not in required]
    author_id = page.author or ""
    author = roster.person(author_id)
    findings = [f for f in list(result.findings) + list(attachment_findings) if f.severity is not Severity.INFO]
    retired = None
    if result.retired is not None:
        kind = Msg("已撤下", "withdrawn") if result.retired.kind == WITHDRAWN else Msg("已过期", "expired")
        details = "，".join(x for x in (result.retired.since.isoformat() if result.retired.since else "",
                                        result.retired.by, result.retired.reason) if x)
        retired = Msg(f"{kind.zh}{'（' + details + '）' if details else ''}",
                      f"{kind.en}{' (' + details + ')' if details else ''}")
    return Sheet(
        site_name=site_name, path=page.path, title=page.title, unit=_text(page.meta.get("unit")),
        column=_text(page.meta.get("column")), date=_text(page.meta.get("date")),
        classification=verdict.classification,
        author=(f"{author.name}（{author_id}）" + (f"，{author.unit}" if author.unit else "")
                + (f"，{author.title}" if author.title else "")) if author else author_id,
        digest=digest.value, evidence_mode=evidence_mode, stages=stages, others=others,
        checklist=checklist(findings), findings=findings,
        waivers=[(w.rule, "***" if w.rule.startswith("pii.") else w.match, w.reason) for w in page.waivers],
        approved=result.approved and not result.content_blocked, content_blocked=result.content_blocked,
        retired=retired, missing=[s.stage.title for s in verdict.stages if not s.done],
        generated_at=now or dt.datetime.now(dt.UTC).astimezone())


# -- rendering ------------------------------------------------------------------------------

def template_css(name: str) -> str:
    return resources.files("mkdocs_govgate").joinpath("templates", name).read_text(encoding="utf-8")


def fmt_time(value: dt.datetime) -> str:
    return value.isoformat(sep=" ", timespec="minutes")


def _time_cell(value: dt.datetime) -> str:
    day, _, clock = fmt_time(value).partition(" ")
    return f'<time datetime="{escape(value.isoformat())}"><span>{escape(day)}</span> <span>{escape(clock)}</span></time>'


def page_head(title: str, css: str, lang: str) -> str:
    """Document start shared by the sheet and the dashboard: no scripts, no external resources."""
    return ("<!DOCTYPE html>\n"
            f'<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
            'img-src data:">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{css}</style></head>")


class _Renderer:
    def __init__(self, sheet: Sheet, lang: str):
        self.sheet, self.lang = sheet, lang

    def t(self, zh: str, en: str) -> str:
        return escape(en if self.lang == "en" else zh)

    def m(self, msg: Msg) -> str:
        return escape(msg.render(self.lang))

    def render(self) -> str:
        s = self.sheet
        heading = (s.site_name + " " if s.site_name and self.lang == "en" else s.site_name) + (
            "Review and sign-off sheet (审签表)" if self.lang == "en" else "信息发布审签表")
        parts = [page_head(f"{heading} — {s.title}", template_css("sheet.css"), self.lang),
                 '<body><main class="sheet">',
                 f'<header><h1>{escape(heading)}</h1><p class="doc-id">{self.t("页面", "Page")}：'
                 f'<code>{escape(s.path)}</code></p></header>',
                 self._form(), self._signatures(), self._findings(), self._footer(), "</main></body></html>\n"]
        return "".join(parts)

    def _field_row(self, label: str, value: str, cls: str = "") -> str:
        value = value or '<span class="blank">—</span>'
        return f'<tr class="{cls}"><th scope="row">{label}</th><td colspan="3">{value}</td></tr>'

    def _form(self) -> str:
        s = self.sheet
        classification = CLASSIFICATIONS.get(s.classification or "")
        klass = (self.m(classification) if classification else escape(s.classification or "")) or ""
        rows = [
            '<table class="form">',
            '<colgroup><col class="label"><col><col class="label"><col></colgroup>',
            self._field_row(self.t("来文单位", "Submitting unit"), escape(s.unit), "unit"),
            self._field_row(self.t("信息标题", "Title"), f'<strong class="title">{escape(s.title)}</strong>', "title"),
            f'<tr><th scope="row">{self.t("栏目", "Column")}</th><td>{escape(s.column) or "—"}</td>'
            f'<th scope="row">{self.t("信息分级", "Classification")}</th><td class="classification">{klass or "—"}</td></tr>',
            f'<tr><th scope="row">{self.t("发布日期", "Date")}</th><td>{escape(s.date) or "—"}</td>'
            f'<th scope="row">{self.t("证据模式", "Evidence")}</th><td>{escape(s.evidence_mode) or "—"}</td></tr>',
            self._field_row(self.t("拟稿人", "Author"), escape(s.author), "author"),
        ]
        for stage in s.stages:
            rows.append(self._stage_row(stage))
        rows.append(self._field_row(self.t("信息审核要点", "Review points"), self._checklist(), "checklist"))
        if s.waivers:
            items = "".join(f"<li><code>{escape(rule)}</code> 「{escape(match)}」：{escape(reason)}</li>"
                            for rule, match, reason in s.waivers)
            rows.append(self._field_row(self.t("豁免事项", "Waivers"), f"<ul class=\"plain\">{items}</ul>"))
        rows.append(self._field_row(
            self.t("信息详细内容", "Content"),
            self.t("见页面 ", "See page ") + f"<code>{escape(s.path)}</code>" + self.t("（可另附）。内容摘要：",
                                                                                     " (attached). Content digest: ")
            + f'<code class="digest">{escape(s.digest)}</code>', "content"))
        rows.append(self._field_row(self.t("审核结论", "Outcome"), self._outcome(), "outcome"))
        rows.append("</table>")
        return "".join(rows)

    def _stage_row(self, stage: StageRow) -> str:
        entries = []
        for sig in stage.signatures:
            decision = DECISIONS.get(sig.signoff.decision, Msg(sig.signoff.decision, sig.signoff.decision))
            entries.append(
                f'<div class="entry status-{sig.status}">'
                f'<p class="opinion"><span class="decision">{self.m(decision)}</span>{escape(sig.signoff.opinion)}</p>'
                f'<p class="signed">{self.t("签名", "Signed")}：<span class="name">{escape(sig.name)}</span>'
                f'<span class="role">{escape(sig.role)}</span>'
                f'<time>{escape(fmt_time(sig.signoff.at))}</time>'
                f'<span class="badge {sig.status}">{self.m(SIGNATURE_STATUS[sig.status])}</span></p></div>')
        if not stage.signatures:
            eligible = "、".join(stage.eligible) if self.lang != "en" else ", ".join(stage.eligible)
            entries.append(f'<p class="unsigned">{self.t("尚未签核", "Not signed yet")}'
                           + (f"（{self.t('可签', 'eligible')}：{escape(eligible)}）" if eligible else "") + "</p>")
        label = (f'{self.m(stage.label)}<small>{escape(stage.stage.title)}</small>')
        return (f'<tr class="stage stage-{escape(stage.status.status)}" data-stage="{escape(stage.stage.id)}">'
                f'<th scope="row">{label}</th><td colspan="3">{"".join(entries)}</td></tr>')

    def _checklist(self) -> str:
        items = []
        for number, item in enumerate(self.sheet.checklist, 1):
            if item.blocking:
                mark, cls = self.t(f"✗ {item.blocking} 处问题", f"✗ {item.blocking} problem(s)"), "fail"
            elif item.warnings:
                mark, cls = self.t(f"⚠ {item.warnings} 处提示", f"⚠ {item.warnings} warning(s)"), "warn"
            else:
                mark, cls = "✓", "pass"
            items.append(f'<li class="{cls}"><span class="n">{number}.</span><span class="label">{self.m(item.label)}'
                         f'</span><span class="mark">{mark}</span></li>')
        note = self.t("依据内容安全规则自动核查；人工审核意见见各环节签批。",
                      "Checked by the content rules; the reviewers' own judgement is in their sign-offs.")
        return f'<ol class="points">{"".join(items)}</ol><p class="note">{note}</p>'

    def _outcome(self) -> str:
        s = self.sheet
        if s.retired is not None:
            return f'<span class="verdict retired">{self.t("不予发布：", "Not published: ")}{self.m(s.retired)}</span>'
        if s.approved:
            return f'<span class="verdict ok">{self.t("✓ 审核完成，准予发布", "✓ review complete: cleared for publication")}</span>'
        reasons = []
        if s.missing:
            reasons.append(self.t("未完成环节：", "stages not complete: ") + escape(
                ("、" if self.lang != "en" else ", ").join(s.missing)))
        if s.content_blocked:
            reasons.append(self.t("内容检查未通过", "content rules failed"))
        if not reasons:
            reasons.append(self.t("页面存在阻止发布的问题", "the page has blocking problems"))
        return (f'<span class="verdict no">{self.t("✗ 未获准发布", "✗ not cleared for publication")}</span>'
                f'<span class="why">{"；".join(reasons) if self.lang != "en" else "; ".join(reasons)}</span>')

    def _signatures(self) -> str:
        s = self.sheet
        rows = [sig for stage in s.stages for sig in stage.signatures] + s.others
        head = "".join(f"<th>{self.t(zh, en)}</th>" for zh, en in (
            ("环节", "Stage"), ("签核人", "Signer"), ("时间", "Time"), ("结论与意见", "Decision and opinion"),
            ("签核提交", "Commit"), ("密钥指纹", "Key fingerprint"), ("核验", "Verification")))
        body = []
        for number, sig in enumerate(sorted(rows, key=lambda r: r.signoff.index), 1):
            a = sig.attestation
            decision = DECISIONS.get(sig.signoff.decision, Msg(sig.signoff.decision, sig.signoff.decision))
            commit = (f'<code>{escape(a.commit)}</code>' if a.commit else '<span class="blank">—</span>') + (
                f'<small class="note">{self.m(a.commit_note)}</small>' if a.commit_note else "")
            key = (f'<code>{escape(a.fingerprint)}</code>' if a.fingerprint else '<span class="blank">—</span>') + (
                f'<small class="note">{self.m(a.key_note)}</small>' if a.key_note else "")
            who = (f'<span class="name">{escape(sig.name)}</span>'
                   f'<small>{escape(sig.role)}</small><small>{escape(sig.unit)}'
                   f'{("，" + escape(sig.post)) if sig.post else ""}</small>')
            reasons = "".join(f"<li>{self.m(r)}</li>" for r in sig.reasons)
            body.append(
                f'<tr class="signature {sig.status}" data-status="{sig.status}" data-stage="{escape(sig.signoff.stage)}">'
                f'<td class="seq">{number}</td><td class="stage">{escape(sig.stage_title)}'
                f'<small>{escape(sig.signoff.stage)}</small></td>'
                f'<td class="who">{who}</td><td class="time">{_time_cell(sig.signoff.at)}</td>'
                f'<td class="decision"><b>{self.m(decision)}</b> {escape(sig.signoff.opinion)}</td>'
                f'<td class="commit">{commit}</td><td class="fingerprint">{key}</td>'
                f'<td class="status"><span class="badge {sig.status}">{self.m(SIGNATURE_STATUS[sig.status])}</span>'
                + (f'<ul class="reasons">{reasons}</ul>' if reasons else "") + "</td></tr>")
        if not body:
            body.append(f'<tr><td colspan="8" class="blank">{self.t("尚无签核记录", "no sign-offs yet")}</td></tr>')
        return (f'<section class="signatures"><h2>{self.t("签名核验记录", "Signatures and their verification")}</h2>'
                f'<table class="sigs"><thead><tr><th>#</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
                "</section>")

    def _findings(self) -> str:
        if not self.sheet.findings:
            return ""
        rows = []
        for finding in self.sheet.findings:
            data = finding.as_dict(self.lang)   # personal data stays redacted
            place = f"{data['path']}:{data['line']}" if data["line"] else data["path"]
            rows.append(f'<tr class="{escape(data["severity"])}"><td><code>{escape(place)}</code></td>'
                        f'<td><code>{escape(data["rule"])}</code></td><td>{escape(data["severity"])}</td>'
                        f'<td>{escape(data["message"])}'
                        + (f' 「{escape(data["match"])}」' if data.get("match") else "") + "</td></tr>")
        return (f'<section class="findings"><h2>{self.t("内容检查发现", "Content findings")}</h2>'
                f'<table class="list"><tbody>{"".join(rows)}</tbody></table></section>')

    def _footer(self) -> str:
        s = self.sheet
        note = self.t("本表由 govgate 依据页面签核记录与签名证据自动生成，核验状态以生成时的名册与策略为准，归档保存。",
                      "Generated by govgate from the page's sign-offs and their signatures; verified at generation "
                      "time against the roster and policy then in force. File for the record.")
        return (f'<footer><p>{self.t("内容摘要", "Content digest")}：<code>{escape(s.digest)}</code></p>'
                f'<p>{self.t("生成时间", "Generated")}：<time class="generated">{escape(fmt_time(s.generated_at))}</time>'
                f' · govgate {escape(s.version)}</p><p class="note">{note}</p></footer>')


def render_sheet(sheet: Sheet, lang: str = "zh") -> str:
    return _Renderer(sheet, lang).render()
