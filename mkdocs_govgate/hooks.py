"""pre-commit entry point: editors get feedback before they commit.

Drafts must stay committable (review happens on committed text), so by default a
missing sign-off is reported, not refused; content findings and unreadable input are
refused.  ``--require-approval`` refuses unapproved pages too (for a publishing branch).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .engines import build_gate
from .errors import GateError
from .findings import Finding, Severity
from .gate import Gate
from .i18n import Msg
from .links import is_page_path
from .render import render_findings
from .report import Report
from .sitefinder import site_from_mkdocs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="govgate-pre-commit")
    parser.add_argument("filenames", nargs="*", type=Path)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--require-approval", action="store_true")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except GateError as error:
        print(error.render(args.lang), file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    site = site_from_mkdocs(args.config, Path.cwd(), args.lang)
    gate = build_gate(site)   # loads and validates policy and roster even when only they changed
    try:
        return _check_changed(gate, args)
    finally:
        gate.close()


def _check_changed(gate: Gate, args: argparse.Namespace) -> int:
    docs_dir = gate.docs_dir.absolute()
    changed = []
    for name in args.filenames:
        path = name.absolute()
        if path.is_relative_to(docs_dir) and path.exists():
            changed.append(path.relative_to(docs_dir).as_posix())
    pages = [p for p in changed if is_page_path(p)]
    report = Report([gate.check_page(p) for p in pages])
    attachments = [p for p in changed if not is_page_path(p)]
    if attachments:   # whether an attachment is linked (and so reviewed) depends on every page
        all_pages, _, _ = gate.discover()
        report.findings.extend(gate.check_site(all_pages, attachments).findings)
    findings = report.all_findings()
    if not args.require_approval:
        findings = [_as_info(f) if f.category == "approval" else f for f in findings]
    if findings:
        print(render_findings(findings, args.lang))
    blocking = [f for f in findings if f.severity is Severity.BLOCK]
    if blocking:
        print(Msg(f"govgate：{len(blocking)} 个问题阻止提交。", f"govgate: {len(blocking)} problem(s) block this commit.")
              .render(args.lang), file=sys.stderr)
        return 1
    return 0


def _as_info(finding: Finding) -> Finding:
    return Finding(finding.path, finding.line, finding.column, finding.rule, finding.category, Severity.INFO,
                   finding.message, finding.match, finding.suggestion, finding.location)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
