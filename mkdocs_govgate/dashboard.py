"""The build's audit dashboard (``govgate-report.html``): the state of the site at a glance.

One self-contained HTML file beside ``govgate-report.json`` in ``report_dir``: summary counts
with an inline SVG chart, per-column freshness, every page with its stages and sign-off
timeline, withdrawn and expired pages, and every finding.  No scripts, no external assets: it
opens offline from the CI artefact.  Findings are shown through ``Finding.as_dict``, so
personal data stays redacted.  Pure: a report in, HTML out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from .approval import APPROVED, INVALID, MISSING, SENT_BACK, STALE, WAITING, StageStatus
from .freshness import FreshnessResult
from .i18n import Msg
from .page import Signoff
from .report import PageResult, Report
from .retirement import WITHDRAWN
from .roster import Roster
from .sheet import CLASSIFICATIONS, DECISIONS, fmt_time, page_head, template_css

# A page's state in this build, most serious reason first.
PUBLISHED, RETIRED, BLOCKED = "published", "retired", "blocked"
STATES: dict[str, tuple[Msg, str]] = {
    PUBLISHED: (Msg("已获准发布", "cleared and published"), "#2e7d32"),
    WAITING: (Msg("待审核", "waiting for review"), "#1565c0"),
    SENT_BACK: (Msg("已退回", "sent back"), "#b58900"),
    STALE: (Msg("签核失效", "sign-off stale"), "#e65100"),
    INVALID: (Msg("签核无效", "sign-off invalid"), "#ad1457"),
    RETIRED: (Msg("已撤下/过期", "withdrawn or expired"), "#757575"),
    BLOCKED: (Msg("内容未通过", "blocked by content"), "#c62828"),
}
STAGE_MARKS = {APPROVED: "✓", MISSING: "○", SENT_BACK: "↩", STALE: "⚠", INVALID: "✗", WAITING: "…"}
STAGE_STATUS = {APPROVED: Msg("已通过", "approved"), MISSING: Msg("未签核", "not signed"),
                SENT_BACK: Msg("退回", "sent back"), STALE: Msg("失效", "stale"), INVALID: Msg("无效", "invalid"),
                WAITING: Msg("待前序环节", "waits for the previous stage")}


def page_state(result: PageResult) -> str:
    if result.retired is not None:
        return RETIRED
    if result.verdict is None or result.content_blocked:
        return BLOCKED
    if result.approved:
        return PUBLISHED
    statuses = {s.status for s in result.verdict.stages}
    for state in (SENT_BACK, STALE, INVALID):
        if state in statuses:
            return state
    return WAITING


def summary(report: Report) -> dict[str, int]:
    counts = dict.fromkeys(STATES, 0)
    for result in report.pages:
        counts[page_state(result)] += 1
    return counts


@dataclass
class DashboardInput:
    report: Report
    lang: str = "zh"
    outcome: str = "built"
    site_name: str = ""
    roster: Roster | None = None
    freshness: FreshnessResult | None = None
    generated_at: dt.datetime | None = None
    version: str = ""


class _Dashboard:
    def __init__(self, data: DashboardInput):
        self.d = data
        self.lang = data.lang

    def t(self, zh: str, en: str) -> str:
        return escape(en if self.lang == "en" else zh)

    def m(self, msg: Msg) -> str:
        return escape(msg.render(self.lang))

    def name(self, person_id: str) -> str:
        person = self.d.roster.person(person_id) if self.d.roster else None
        return f"{person.name}（{person_id}）" if person and self.lang != "en" else (
            f"{person.name} ({person_id})" if person else person_id)

    def render(self) -> str:
        d = self.d
        title = (d.site_name + " — " if d.site_name else "") + self.t("发布审核报告", "Publishing audit report")
        return "".join([
            page_head(title, template_css("dashboard.css"), self.lang), "<body><main>",
            self._header(title), self._summary(), self._freshness(), self._pages(), self._retired(),
            self._findings(), self._footer(), "</main></body></html>\n"])

    # -- sections ---------------------------------------------------------------------------

    def _header(self, title: str) -> str:
        d = self.d
        ok = d.outcome == "built"
        held = len({f.path for f in d.report.publishable_findings() if f.blocking})
        if not ok:
            outcome = self.t("构建失败，未发布", "build failed; nothing published")
        elif held:   # on_unapproved: exclude — the site was built without the files that have problems
            outcome = self.t(f"已构建：{held} 个有问题的文件未发布", f"built without the {held} file(s) with problems")
        else:
            outcome = self.t("构建成功，全部发布", "build succeeded; everything published")
        when = fmt_time(d.generated_at) if d.generated_at else ""
        return (f'<header><h1>{escape(title)}</h1><p class="sub"><span class="outcome {"ok" if ok else "failed"}">'
                f'{outcome}</span>{self.t("生成时间", "Generated")}：<time class="generated">{escape(when)}</time>'
                f" · govgate {escape(d.version)}</p></header>")

    def _summary(self) -> str:
        counts = summary(self.d.report)
        findings = self.d.report.all_findings()
        if self.d.freshness is not None:
            findings = findings + self.d.freshness.findings
        blocking = sum(1 for f in findings if f.blocking)
        warnings = sum(1 for f in findings if f.severity.value == "warn")
        cards = "".join(
            f'<div class="card" data-state="{state}" style="border-top-color:{colour}">'
            f'<span class="count">{counts[state]}</span><span class="label">{self.m(label)}</span></div>'
            for state, (label, colour) in STATES.items())
        totals = (f'<p class="totals">{self.t("页面", "Pages")}：<b class="pages-total">{len(self.d.report.pages)}</b>'
                  f' · {self.t("阻止发布的问题", "Blocking findings")}：<b class="block">{blocking}</b>'
                  f' · {self.t("提醒", "Warnings")}：<b class="warn">{warnings}</b></p>')
        return (f'<section class="summary"><h2>{self.t("概况", "Summary")}</h2>{totals}<div class="cards">{cards}</div>'
                f"{self._chart(counts)}</section>")

    def _chart(self, counts: dict[str, int]) -> str:
        """Horizontal bars, one per state: inline SVG, readable without colour (numbers at the bars)."""
        label_w, bar_w, row_h = 130, 440, 26
        top = max(counts.values()) or 1
        rows = []
        for i, (state, (label, colour)) in enumerate(STATES.items()):
            y = i * row_h
            width = round(bar_w * counts[state] / top) if counts[state] else 0
            rows.append(
                f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" class="axis">{self.m(label)}</text>'
                f'<rect x="{label_w}" y="{y + 4}" width="{max(width, 1)}" height="{row_h - 8}" rx="2" fill="{colour}"'
                f' data-state="{state}"><title>{self.m(label)}: {counts[state]}</title></rect>'
                f'<text x="{label_w + max(width, 1) + 6}" y="{y + 17}" class="value">{counts[state]}</text>')
        height = row_h * len(STATES)
        return (f'<svg class="chart" role="img" viewBox="0 0 {label_w + bar_w + 40} {height}" '
                f'width="{label_w + bar_w + 40}" height="{height}" aria-label="{self.t("页面状态分布", "Pages by state")}">'
                f'{"".join(rows)}</svg>')

    def _freshness(self) -> str:
        fresh = self.d.freshness
        heading = f'<h2>{self.t("栏目更新频率", "Column freshness")}</h2>'
        if fresh is None:
            return (f'<section class="freshness">{heading}<p class="muted">'
                    f'{self.t("本次未评估（缺少审核策略）", "not evaluated (no policy available)")}</p></section>')
        note = f'<p class="note warn">{self.m(fresh.calendar_note)}</p>' if fresh.calendar_note else ""
        rows = []
        for column in fresh.columns:
            if column.rule is None:
                need, window, status = (self.t("未设要求", "no threshold"), "—",
                                        f'<span class="chip muted">{self.t("—", "—")}</span>')
                bar = ""
            else:
                need = self.t(f"{column.rule.per_working_days} 个工作日内 ≥ {column.rule.min_updates} 条",
                              f"≥ {column.rule.min_updates} in {column.rule.per_working_days} working day(s)")
                assert column.window is not None
                window = f"{column.window[0]} — {column.window[1]}"
                status = (f'<span class="chip ok">✓ {self.t("达标", "on track")}</span>' if column.ok else
                          f'<span class="chip warn">⚠ {self.t("更新不足", "too few updates")}</span>')
                bar = self._mini_bar(len(column.in_window), column.rule.min_updates)
            rows.append(
                f'<tr class="column" data-column="{escape(column.key)}" data-ok="{str(column.ok).lower()}">'
                f'<td><b>{escape(column.name(self.lang))}</b><small><code>{escape(column.key)}</code></small></td>'
                f"<td>{need}</td><td>{escape(window)}</td>"
                f'<td class="num">{len(column.in_window) if column.rule else "—"}{bar}</td>'
                f'<td>{escape(column.latest.isoformat()) if column.latest else "—"}</td>'
                f'<td class="num">{len(column.updates)}</td><td>{status}</td></tr>')
        head = "".join(f"<th>{self.t(zh, en)}</th>" for zh, en in (
            ("栏目", "Column"), ("要求", "Threshold"), ("统计区间（工作日）", "Window (working days)"),
            ("区间内更新", "Updates in window"), ("最近更新", "Latest update"), ("已发布", "Published"),
            ("状态", "Status")))
        intro = self.t(f"评估日：{fresh.as_of}；工作日按中国大陆法定节假日与调休计算。提醒不阻止发布。",
                       f"As of {fresh.as_of}; working days follow mainland China's holidays and make-up working days. "
                       "Warnings never stop publication.")
        return (f'<section class="freshness">{heading}<p class="muted">{intro}</p>{note}'
                f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>')

    @staticmethod
    def _mini_bar(count: int, need: int) -> str:
        width, filled = 80, min(80, round(80 * count / need)) if need else 80
        colour = "#2e7d32" if count >= need else "#e65100"
        return (f'<svg class="mini" width="{width}" height="8" viewBox="0 0 {width} 8">'
                f'<rect width="{width}" height="8" rx="2" fill="#e0e0e0"/>'
                f'<rect width="{filled}" height="8" rx="2" fill="{colour}"/></svg>')

    def _pages(self) -> str:
        rows = []
        order = [*list(STATES)[1:], PUBLISHED]   # what needs attention first
        for result in sorted(self.d.report.pages, key=lambda r: (order.index(page_state(r)), r.path)):
            rows.append(self._page_row(result))
        head = "".join(f"<th>{self.t(zh, en)}</th>" for zh, en in (
            ("页面", "Page"), ("分级", "Class"), ("状态", "State"), ("审核环节", "Review stages"),
            ("签核记录", "Sign-off timeline"), ("发现", "Findings")))
        return (f'<section class="pages"><h2>{self.t("页面", "Pages")}</h2>'
                f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>')

    def _page_row(self, result: PageResult) -> str:
        state = page_state(result)
        label, colour = STATES[state]
        title = result.verdict.title if result.verdict else result.path
        column = result.page.meta.get("column") if result.page is not None else None
        classification = CLASSIFICATIONS.get(result.classification or "")
        klass = self.m(classification) if classification else escape(result.classification or "—")
        stages = "".join(self._stage_chip(s) for s in (result.verdict.stages if result.verdict else []))
        blocking = sum(1 for f in result.findings if f.blocking)
        warnings = sum(1 for f in result.findings if f.severity.value == "warn")
        found = (f'<span class="chip block">{blocking}</span>' if blocking else "") + (
            f'<span class="chip warn">{warnings}</span>' if warnings else "") or "—"
        return (f'<tr class="page" data-path="{escape(result.path)}" data-state="{state}">'
                f'<td><b>{escape(title)}</b><small><code>{escape(result.path)}</code>'
                f'{(" · " + escape(str(column))) if column else ""}</small></td>'
                f'<td class="nowrap">{klass}</td>'
                f'<td><span class="state" style="background:{colour}">{self.m(label)}</span></td>'
                f'<td class="stages">{stages or "—"}</td><td>{self._timeline(result)}</td><td>{found}</td></tr>')

    def _stage_chip(self, status: StageStatus) -> str:
        who = ""
        if status.signoff is not None:
            who = f"{escape(self.name(status.signoff.by))} · {escape(status.signoff.at.date().isoformat())}"
        word = "" if status.status == APPROVED else self.m(STAGE_STATUS[status.status]) + (" · " if who else "")
        reasons = "; ".join(r.render(self.lang) for r in status.reasons)
        return (f'<span class="stage {status.status}" title="{escape(reasons)}">{STAGE_MARKS[status.status]} '
                f'{escape(status.stage.title)}<small>{word}{who}</small></span>')

    def _timeline(self, result: PageResult) -> str:
        entries: list[Signoff] = sorted(result.page.signoffs, key=lambda s: (s.at, s.index)) if result.page else []
        if not entries:
            return f'<span class="muted">{self.t("无", "none")}</span>'
        current = result.digest.value if result.digest else None
        items = []
        for s in entries:
            decision = DECISIONS.get(s.decision, Msg(s.decision, s.decision))
            old = s.digest != current
            items.append(f'<li class="{escape(s.decision)}{" old" if old else ""}"><time>{escape(fmt_time(s.at))}'
                         f'</time> <b>{escape(s.stage)}</b> {escape(self.name(s.by))} · {self.m(decision)}'
                         + (f' <em>{self.t("（针对旧版本）", "(earlier content)")}</em>' if old else "")
                         + f"<small>{escape(s.opinion)}</small></li>")
        return (f'<details><summary>{len(entries)} {self.t("条", "entries")}</summary>'
                f'<ol class="timeline">{"".join(items)}</ol></details>')

    def _retired(self) -> str:
        retired = [r for r in self.d.report.pages if r.retired is not None]
        if not retired:
            return ""
        rows = []
        for result in retired:
            r = result.retired
            assert r is not None
            kind = Msg("已撤下", "withdrawn") if r.kind == WITHDRAWN else Msg("已过期", "expired")
            rows.append(f'<tr class="retired" data-path="{escape(result.path)}"><td><code>{escape(result.path)}</code>'
                        f"</td><td>{self.m(kind)}</td><td>{escape(r.since.isoformat() if r.since else '—')}</td>"
                        f"<td>{escape(self.name(r.by)) if r.by else '—'}</td><td>{escape(r.reason) or '—'}</td>"
                        f"<td>{self._record_check(getattr(r, 'verified', None))}</td></tr>")
        head = "".join(f"<th>{self.t(zh, en)}</th>" for zh, en in (
            ("页面", "Page"), ("类型", "Kind"), ("日期", "Since"), ("撤稿人", "By"), ("原因", "Reason"),
            ("撤稿记录签名", "Record signature")))
        return (f'<section class="retired"><h2>{self.t("已撤下或过期的页面（不予发布）", "Withdrawn or expired (not published)")}'
                f'</h2><table class="grid"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></section>')

    def _record_check(self, verified: bool | None) -> str:
        if verified is None:
            return "—"
        if verified:
            return f'<span class="chip ok">✓ {self.t("已核验", "verified")}</span>'
        return f'<span class="chip block">✗ {self.t("未通过核验（页面仍不发布）", "does not verify (still offline)")}</span>'

    def _findings(self) -> str:
        findings = self.d.report.all_findings()
        if self.d.freshness is not None:
            findings = findings + self.d.freshness.findings
        heading = f'<h2>{self.t("全部发现", "All findings")}（{len(findings)}）</h2>'
        if not findings:
            return f'<section class="findings">{heading}<p class="muted">{self.t("无", "none")}</p></section>'
        rows = []
        for finding in findings:
            data = finding.as_dict(self.lang)   # personal data stays redacted
            place = f"{data['path']}:{data['line']}" if data["line"] else data["path"]
            if data.get("location"):
                place += f" [{data['location']}]"
            rows.append(
                f'<tr class="finding {escape(data["severity"])}"><td><code>{escape(place)}</code></td>'
                f'<td><span class="sev {escape(data["severity"])}">{escape(data["severity"])}</span></td>'
                f'<td><code>{escape(data["rule"])}</code></td><td>{escape(data["message"])}'
                + (f' 「{escape(data["match"])}」' if data.get("match") else "")
                + (f'<small>{escape(data["suggestion"])}</small>' if data.get("suggestion") else "") + "</td></tr>")
        head = "".join(f"<th>{self.t(zh, en)}</th>" for zh, en in (
            ("位置", "Where"), ("级别", "Severity"), ("规则", "Rule"), ("说明", "Message")))
        return (f'<section class="findings">{heading}<table class="grid"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></section>')

    def _footer(self) -> str:
        text = self.t("本报告写在 report_dir（不在 site_dir 内），不随网站发布。个人信息已脱敏。",
                      "This report lives in report_dir (outside site_dir) and is never published. "
                      "Personal data is redacted.")
        return f"<footer>{text}</footer>"


def render_dashboard(data: DashboardInput) -> str:
    return _Dashboard(data).render()
