"""The per-build audit record written to ``report_dir`` (never inside ``site_dir``).

Two files, each replaced atomically: ``govgate-report.json`` for machines and
``govgate-report.html``, the dashboard a site manager reads (see ``dashboard.py``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from . import __version__
from .dashboard import DashboardInput, page_state, render_dashboard, summary
from .errors import GateError
from .freshness import FreshnessResult, evaluate_freshness
from .i18n import Msg
from .outputfile import write_atomic
from .report import Report
from .site import Trust

JSON_NAME, HTML_NAME = "govgate-report.json", "govgate-report.html"


def check_report_dir(report_dir: Path, site_dir: Path) -> None:
    report_dir, site_dir = report_dir.absolute(), site_dir.absolute()
    if report_dir == site_dir or report_dir.is_relative_to(site_dir):
        raise GateError(Msg("report_dir 不能位于 site_dir 之内：审核记录不能随网站发布",
                            "report_dir must not be inside site_dir: the audit record must never be published"),
                        str(report_dir))


def report_document(report: Report, lang: str = "zh", outcome: str = "built",
                    freshness: FreshnessResult | None = None, generated_at: dt.datetime | None = None) -> dict:
    document = report.as_dict(lang)
    generated_at = generated_at or dt.datetime.now(dt.UTC).astimezone()
    document["generated_at"] = generated_at.isoformat(timespec="seconds")
    document["govgate_version"] = __version__
    document["outcome"] = outcome
    timelines, signoffs = {}, {}
    for page in report.pages:
        if page.verdict is None:
            continue
        timelines[page.path] = [
            {"stage": s.stage.id, "title": s.stage.title, "status": s.status,
             "by": s.signoff.by if s.signoff else None,
             "at": s.signoff.at.isoformat() if s.signoff else None,
             "decision": s.signoff.decision if s.signoff else None,
             "opinion": s.signoff.opinion if s.signoff else None}
            for s in page.verdict.stages]
        if page.page is not None:   # every entry, superseded ones too: the full history of the page's review
            current = page.digest.value if page.digest else None
            signoffs[page.path] = [
                {"stage": s.stage, "by": s.by, "decision": s.decision, "opinion": s.opinion,
                 "at": s.at.isoformat(), "digest": s.digest, "current_content": s.digest == current}
                for s in sorted(page.page.signoffs, key=lambda s: (s.at, s.index))]
    document["timelines"] = timelines
    document["signoffs"] = signoffs
    states = {p.path: page_state(p) for p in report.pages}
    for entry in document["pages"]:
        entry["state"] = states.get(entry["path"])
    document["summary"] = summary(report)
    document["retired"] = [{"path": p.path, **p.retired.as_dict()} for p in report.pages if p.retired]
    document["freshness"] = freshness.as_dict(lang) if freshness is not None else None
    if freshness is not None:
        document["findings"].extend(f.as_dict(lang) for f in freshness.findings)
    return document


def _replace(report_dir: Path, name: str, text: str) -> Path:
    return write_atomic(report_dir / name, text.encode("utf-8"))


def write_report(report: Report, report_dir: Path, lang: str = "zh", outcome: str = "built", *,
                 trust: Trust | None = None, site_name: str = "", today: dt.date | None = None) -> Path:
    """Write ``govgate-report.json`` and ``govgate-report.html``; returns the JSON file's path.

    ``trust`` (the build's policy and roster) adds per-column freshness and reviewers' names;
    without it both reports are still complete about pages, sign-offs and findings.
    """
    report_dir.mkdir(parents=True, exist_ok=True)
    generated_at = dt.datetime.now(dt.UTC).astimezone()
    freshness = None
    if trust is not None:
        freshness = evaluate_freshness(report, trust.policy.freshness, today or dt.date.today())
    document = report_document(report, lang, outcome, freshness, generated_at)
    target = _replace(report_dir, JSON_NAME, json.dumps(document, ensure_ascii=False, indent=2))
    html = render_dashboard(DashboardInput(report, lang, outcome, site_name, trust.roster if trust else None,
                                           freshness, generated_at, __version__))
    _replace(report_dir, HTML_NAME, html)
    return target


def report_written(json_path: Path, lang: str = "zh") -> str:
    """The build log's line naming both files: the JSON for machines, the dashboard for people."""
    html = json_path.with_name(HTML_NAME)
    return Msg(f"审核记录已写入 {json_path}；审核看板（用浏览器打开）：{html}",
               f"audit report written to {json_path}; dashboard (open in a browser): {html}").render(lang)
