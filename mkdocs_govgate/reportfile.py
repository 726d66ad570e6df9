"""The per-build audit record written to ``report_dir`` (never inside ``site_dir``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from . import __version__
from .errors import GateError
from .i18n import Msg
from .report import Report


def check_report_dir(report_dir: Path, site_dir: Path) -> None:
    report_dir, site_dir = report_dir.absolute(), site_dir.absolute()
    if report_dir == site_dir or report_dir.is_relative_to(site_dir):
        raise GateError(Msg("report_dir 不能位于 site_dir 之内：审核记录不能随网站发布",
                            "report_dir must not be inside site_dir: the audit record must never be published"),
                        str(report_dir))


def report_document(report: Report, lang: str = "zh", outcome: str = "built") -> dict:
    document = report.as_dict(lang)
    document["generated_at"] = dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")
    document["govgate_version"] = __version__
    document["outcome"] = outcome
    timelines = {}
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
    document["timelines"] = timelines
    return document


def write_report(report: Report, report_dir: Path, lang: str = "zh", outcome: str = "built") -> Path:
    """Write ``govgate-report.json`` atomically; returns its path."""
    report_dir.mkdir(parents=True, exist_ok=True)
    target = report_dir / "govgate-report.json"
    text = json.dumps(report_document(report, lang, outcome), ensure_ascii=False, indent=2)
    handle, temp = tempfile.mkstemp(dir=report_dir, prefix=".govgate-report-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temp, target)
    return target
