"""pre-commit entry point: editors get feedback before they commit.

Drafts must stay committable (review happens on committed text), so by default a
missing sign-off is reported, not refused; content findings and unreadable input are
refused.  ``--require-approval`` refuses unapproved pages too (for a publishing branch).
``--front-matter-only`` only validates the pages' front-matter (strict YAML, required
fields, known classification, author, sign-off and waiver entries, reprint fields): fast,
and each file on its own, so pre-commit may split the list over parallel calls.

The files pre-commit passes are scanned whole (``pre-commit run --files X`` checks all of
X, not a diff).  One line per finding: ``path:line:col: rule message``, paths as passed.
Exit codes: 0 clean, 1 findings block the commit, 2 configuration or runtime error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .approval import evaluate
from .cli import guarded
from .cliargs import add_output_options, add_version, at_least, cli_language, h, wanted_lang
from .engines import build_gate, build_rules
from .errors import GateError
from .findings import Finding, Severity, sort_key
from .gate import Gate, error_finding
from .i18n import Msg
from .links import is_page_path
from .page import Page
from .report import Report
from .site import SiteConfig, load_trust
from .sitefinder import site_from_mkdocs

# Sign-off findings that are about the front-matter as written, not about review progress.
FRONT_MATTER_APPROVAL_RULES = ("approval.entry", "approval.classification", "approval.author",
                               "approval.unknown_stage")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govgate-pre-commit", description=h(
        "pre-commit 钩子：检查要提交的页面和附件（内容规则、页首信息；缺少的签核只提示）。退出码：0 通过，1 有问题阻止提交，"
        "2 配置错误。",
        "pre-commit hook: checks the pages and attachments being committed (content rules, front-matter; missing "
        "sign-offs are only reported). Exit status: 0 clean, 1 problems block the commit, 2 configuration error."))
    add_version(parser, "govgate-pre-commit")
    parser.add_argument("filenames", nargs="*", type=Path, metavar="FILE",
                        help=h("要检查的文件（pre-commit 传入）", "the files to check (pre-commit passes them)"))
    parser.add_argument("--lang", choices=("zh", "en"), default="zh",
                        help=h("消息和帮助的语言：zh 中文（默认）或 en 英文", "language of messages and help: zh "
                               "Chinese (default) or en English"))
    parser.add_argument("--config", type=Path, default=None, metavar="MKDOCS_YML",
                        help=h("网站的 mkdocs.yml（默认：从当前目录向上查找）", "the site's mkdocs.yml (default: found "
                               "upwards from the current folder)"))
    parser.add_argument("--require-approval", action="store_true",
                        help=h("发布分支用：每个页面都必须已获准发布，缺少签核也阻止提交",
                               "for a publishing branch: every page must be approved; missing sign-offs block too"))
    parser.add_argument("--front-matter-only", action="store_true",
                        help=h("只检查所给页面的页首信息（不查内容规则和签核），很快",
                               "only validate the front-matter of the pages given (no content rules, no sign-offs): "
                               "fast"))
    add_output_options(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    with cli_language(wanted_lang(argv)):
        args = _parser().parse_args(argv)
    return guarded(lambda: _run(args), args.lang)


def _run(args: argparse.Namespace) -> int:
    site = site_from_mkdocs(args.config, Path.cwd(), args.lang)
    if args.front_matter_only:
        return _check_front_matter(site, args)
    gate = build_gate(site, verify_config=False)   # validates policy and roster even when only they changed
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
    retired = report.offline_paths()   # retracted pages (and files only they link) block nothing
    findings = [_as_info(f) if f.path in retired else f for f in report.all_findings()]
    if not args.require_approval:
        findings = [_as_info(f) if f.category == "approval" else f for f in findings]
    return _report(findings, docs_dir, args)


def _check_front_matter(site: SiteConfig, args: argparse.Namespace) -> int:
    trust = load_trust(site)
    rules = build_rules(site, trust)     # the site may change the required fields (overrides.yml)
    docs_dir = site.docs_dir.absolute()
    findings: list[Finding] = []
    for name in args.filenames:
        path = name.absolute()
        if not (path.is_relative_to(docs_dir) and path.is_file()):
            continue
        rel = path.relative_to(docs_dir).as_posix()
        if not is_page_path(rel):
            continue
        try:
            page = Page.load(docs_dir, rel)
        except GateError as error:      # strict YAML: duplicate keys, tabs, unclosed front-matter …
            findings.append(error_finding(error, rel, "input.front_matter"))
            continue
        verdict = evaluate(page, trust.policy, trust.roster, digest="")
        findings.extend(f for f in verdict.findings if f.rule in FRONT_MATTER_APPROVAL_RULES)
        findings.extend(rules.scan_front_matter(page))
    return _report(findings, docs_dir, args)


def _report(findings: list[Finding], docs_dir: Path, args: argparse.Namespace) -> int:
    lang = args.lang
    for finding in sorted(at_least(findings, args.severity), key=sort_key):
        print(_line(finding, docs_dir, lang))
    blocking = [f for f in findings if f.severity is Severity.BLOCK]
    if blocking:
        if not args.quiet:
            print(Msg(f"govgate：{len(blocking)} 个问题阻止提交。", f"govgate: {len(blocking)} problem(s) block this "
                      "commit.").render(lang), file=sys.stderr)
        return 1
    return 0


def _line(finding: Finding, docs_dir: Path, lang: str) -> str:
    """``path:line:col: rule message`` with the path as pre-commit passed it (from the repository
    root), so editors and terminals can jump to it."""
    path, shown = Path(finding.path), finding.path
    if not path.is_absolute() and (docs_dir / path).exists():
        path = docs_dir / path
    for base in (Path.cwd(), Path.cwd().resolve()):      # the site root, as pre-commit runs hooks
        if path.is_absolute() and path.is_relative_to(base):
            shown = path.relative_to(base).as_posix()
            break
    rule = finding.rule if finding.severity is Severity.BLOCK else f"{finding.rule} [{finding.severity.value}]"
    text = f"{shown}:{max(finding.line, 1)}:{max(finding.column, 1)}: {rule} {finding.message.render(lang)}"
    if finding.location:
        text += f" [{finding.location}]"
    if finding.match:
        text += f" 「{finding.match}」"
    if finding.suggestion:
        text += (" → 建议：" if lang != "en" else " → suggestion: ") + finding.suggestion.render(lang)
    return text


def _as_info(finding: Finding) -> Finding:
    return Finding(finding.path, finding.line, finding.column, finding.rule, finding.category, Severity.INFO,
                   finding.message, finding.match, finding.suggestion, finding.location)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
