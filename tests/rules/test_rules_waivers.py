"""apply_waivers as a pure function."""

from __future__ import annotations

from mkdocs_govgate.findings import Finding, Severity
from mkdocs_govgate.i18n import Msg
from mkdocs_govgate.rules import apply_waivers


def _finding(rule: str, match: str, clear: str | None = None) -> Finding:
    return Finding("a.md", 3, 1, rule, rule.split(".")[0], Severity.BLOCK, Msg("x", "x"), match=match,
                   extra={"clear": clear if clear is not None else match})


def test_pii_waiver_compares_clear_text():
    findings = [_finding("pii.mobile", "138****5678", "13812345678"), _finding("pii.mobile", "139****5678", "13912345678")]
    kept, problems = apply_waivers(findings, [{"rule": "pii.mobile", "match": "138 1234 5678", "reason": "公开",
                                               "line": 2}], ())
    assert [f.match for f in kept] == ["139****5678"] and problems == []


def test_waiver_needs_reason_and_exact_rule():
    findings = [_finding("sensitive.gambling", "博彩")]
    kept, problems = apply_waivers(findings, [{"rule": "sensitive.gambling", "match": "博彩", "reason": ""}], ())
    assert kept == findings and [p.rule for p in problems] == ["waiver.invalid"] and problems[0].blocking
    kept, problems = apply_waivers(findings, [{"rule": "sensitive.porn", "match": "博彩", "reason": "r"}], ())
    assert kept == findings and [p.rule for p in problems] == ["waiver.stale"]


def test_stale_pii_waiver_does_not_echo_the_number():
    _, [problem] = apply_waivers([], [{"rule": "pii.id_card", "match": "430124199003071232", "reason": "r"}], (),
                                 path="a.md")
    assert "430124199003071232" not in str(problem.as_dict()) and problem.path == "a.md"


def test_secret_waiver_only_when_listed():
    findings = [_finding("secret.marking", "绝密★启用前")]
    waiver = {"rule": "secret.marking", "match": "绝密★启用前", "reason": "考试已结束"}
    kept, problems = apply_waivers(findings, [waiver], ())
    assert kept == findings and problems[0].rule == "waiver.refused" and problems[0].blocking
    kept, problems = apply_waivers(findings, [waiver], ["secret.marking"])
    assert kept == [] and problems == []
