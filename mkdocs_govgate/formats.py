"""Machine-readable output of a gate run: JSON (DESIGN.md §4) and SARIF 2.1.0."""

from __future__ import annotations

import json

from . import __version__
from .report import Report

_SARIF_LEVEL = {"block": "error", "warn": "warning", "info": "note"}


def to_json(report: Report, lang: str = "zh") -> str:
    return json.dumps(report.as_dict(lang), ensure_ascii=False, indent=2)


def to_sarif(report: Report, lang: str = "zh", base: str = "") -> str:
    findings = report.all_findings()
    rules = sorted({f.rule for f in findings})
    results = []
    for finding in findings:
        region = {"startLine": max(finding.line, 1)}
        if finding.column:
            region["startColumn"] = finding.column
        result = {
            "ruleId": finding.rule,
            "level": _SARIF_LEVEL[finding.severity.value],
            "message": {"text": finding.message.render(lang)},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": base + finding.path},
                                                "region": region}}],
        }
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "govgate", "version": __version__,
                                      "rules": [{"id": r} for r in rules]}},
                  "results": results}],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2)
