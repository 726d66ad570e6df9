"""Plain-text rendering of gate results for terminals and build logs."""

from __future__ import annotations

from itertools import groupby

from .findings import Finding
from .i18n import Msg
from .report import Report
from .retirement import EXPIRED, UNVERIFIED_RULE, WITHDRAWN, Retirement

_HEADINGS = {
    "zh": ("govgate：发现 {n} 个阻止发布的问题，涉及 {p} 个文件：", "govgate：未发现阻止发布的问题。"),
    "en": ("govgate: {n} blocking problem(s) in {p} file(s):", "govgate: no blocking problems."),
}


def render_findings(findings: list[Finding], lang: str = "zh", only_blocking: bool = False) -> str:
    chosen = [f for f in findings if f.blocking or not only_blocking]
    lines = []
    for path, group in groupby(chosen, key=lambda f: f.path):
        lines.append(f"  {path}")
        for finding in group:
            place = (f"{finding.line}:{finding.column}" if finding.column else str(finding.line)) if finding.line else "-"
            if finding.location:
                place += f" [{finding.location}]"
            text = f"    {place} {finding.severity.value} {finding.rule}: {finding.message.render(lang)}"
            if finding.match:
                text += f" 「{finding.match}」"
            if finding.suggestion:
                text += (" → 建议：" if lang != "en" else " → suggestion: ") + finding.suggestion.render(lang)
            lines.append(text)
    return "\n".join(lines)


def render_report(report: Report, lang: str = "zh", only_blocking: bool = False) -> str:
    findings = report.publishable_findings()
    blocking = [f for f in findings if f.blocking]
    heading, clean = _HEADINGS["en" if lang == "en" else "zh"]
    if not blocking:
        head = clean
    else:
        head = heading.format(n=len(blocking), p=len({f.path for f in blocking}))
    body = render_findings(findings, lang, only_blocking)
    retired = []
    for page in report.pages:
        if page.retired:
            retired.append(retired_line(page.path, page.retired, lang))
            # its findings stop nothing, but a withdrawal nobody verifiably made must be seen
            retired += [f"    ! {f.message.render(lang)}" for f in page.findings if f.rule == UNVERIFIED_RULE]
    return "\n".join([head] + ([body] if body else []) + retired)


def render_left_out_files(paths: list[str], lang: str = "zh") -> str:
    """Files left out without a finding of their own: attachments that only unpublished pages link."""
    why = Msg("只被未发布的页面链接（或没有页面链接），无人审核过", "linked only by pages that are not published (or by "
              "none): nobody reviewed it").render(lang)
    return "".join(f"\n  {path}\n    {why}" for path in paths)


def retired_line(path: str, retired: Retirement, lang: str) -> str:
    kind = {WITHDRAWN: Msg("已撤下", "withdrawn"), EXPIRED: Msg("已过期", "expired")}[retired.kind].render(lang)
    en = lang == "en"
    when = retired.at or (retired.since.isoformat() if retired.since else "")
    details = [x for x in (
        (("at " if en else "时间 ") + when) if when else "",
        (("by " if en else "撤稿人 ") + retired.by) if retired.by else "",
        (("reason: " if en else "原因：") + retired.reason) if retired.reason else "",
        {True: Msg("撤稿记录已验证", "record verified"), False: Msg("撤稿记录未经验证", "record NOT verified")}
        [retired.verified].render(lang) if retired.verified is not None else "") if x]
    text = f"{path}: [{kind}] " + Msg("不予发布", "not published").render(lang)
    if details:
        text += f" ({'; '.join(details)})" if en else f"（{'，'.join(details)}）"
    return text
