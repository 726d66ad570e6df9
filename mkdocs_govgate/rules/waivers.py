"""Waivers: a reviewed exception in the page's front-matter (covered by the digest, so approved
with the page).  A waiver names a rule and the exact text it matched, and gives a reason."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..findings import Finding, Severity
from ..i18n import Msg

WAIVER_INVALID = "waiver.invalid"
WAIVER_REFUSED = "waiver.refused"
WAIVER_STALE = "waiver.stale"


def _field(waiver: Any, name: str) -> Any:
    return waiver.get(name) if isinstance(waiver, dict) else getattr(waiver, name, None)


def _clear(finding: Finding) -> str:
    return str(finding.extra.get("clear", finding.match))


def _same(finding: Finding, text: str) -> bool:
    if text in (_clear(finding), finding.match):
        return True
    if finding.category == "pii":     # 138 0000 0000 and 13800000000 are one number
        return re.sub(r"[^0-9A-Za-z]", "", text).upper() == re.sub(r"[^0-9A-Za-z]", "", _clear(finding)).upper()
    return False


def apply_waivers(findings: Iterable[Finding], waivers: Iterable[Any], waivable_secret_rules: Iterable[str] = (),
                  *, path: str = "") -> tuple[list[Finding], list[Finding]]:
    """(kept findings, problems with the waivers themselves).

    A waiver silences exactly the findings of its rule whose matched text equals ``match``
    (personal data is compared in clear, though reports only show it redacted).  A waiver
    of a ``secret`` rule is refused unless the policy lists the rule as waivable; a waiver
    that silences nothing is stale (warn) so that obsolete exceptions get cleaned up.
    """
    findings = list(findings)
    waivable = set(waivable_secret_rules)
    problems: list[Finding] = []
    silenced: set[int] = set()
    where = path or (findings[0].path if findings else "")
    for waiver in waivers:
        rule, match, reason = (_field(waiver, k) for k in ("rule", "match", "reason"))
        line = int(_field(waiver, "line") or 0)
        if not all(isinstance(v, str) and v.strip() for v in (rule, match, reason)):
            problems.append(Finding(where, line, 1 if line else 0, WAIVER_INVALID, "input", Severity.BLOCK,
                                    Msg("豁免条目须填写 rule、match 和 reason", "a waiver needs rule, match and reason")))
            continue
        if rule.startswith("secret.") and rule not in waivable:
            problems.append(Finding(
                where, line, 1 if line else 0, WAIVER_REFUSED, "secret", Severity.BLOCK,
                Msg(f"不能豁免涉密规则 {rule}：涉密信息不得上网", f"secret rule {rule} cannot be waived"),
                match=match, suggestion=Msg("确需豁免的（如考试结束后公开的试卷），由策略文件 waivable_secret_rules 列明",
                                            "where a waiver is legitimate (an exam paper after the exam), the "
                                            "policy must list the rule in waivable_secret_rules")))
            continue
        hits = [i for i, f in enumerate(findings) if f.rule == rule and _same(f, match)]
        if not hits:
            shown = "***" if rule.startswith("pii.") else match   # never echo personal data
            problems.append(Finding(
                where, line, 1 if line else 0, WAIVER_STALE, "input", Severity.WARN,
                Msg(f"豁免条目未匹配任何问题（{rule}），请删除过期的豁免",
                    f"waiver matches no finding ({rule}); remove the stale waiver"), match=shown))
        silenced.update(hits)
    kept = [f for i, f in enumerate(findings) if i not in silenced]
    return kept, problems
