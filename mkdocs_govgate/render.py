"""Plain-text rendering of gate results for terminals and build logs."""

from __future__ import annotations

from itertools import groupby

from .findings import Finding
from .report import Report

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
    findings = report.all_findings()
    blocking = [f for f in findings if f.blocking]
    heading, clean = _HEADINGS["en" if lang == "en" else "zh"]
    if not blocking:
        head = clean
    else:
        head = heading.format(n=len(blocking), p=len({f.path for f in blocking}))
    body = render_findings(findings, lang, only_blocking)
    return head + ("\n" + body if body else "")
