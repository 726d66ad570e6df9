"""``govgate check [PATH…]``: sign-offs and content rules, as text, JSON or SARIF."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cliargs import h, progress_bar, shown_report
from ..engines import build_gate
from ..errors import GateError
from ..formats import to_json, to_sarif
from ..freshness import evaluate_freshness
from ..gate import Gate
from ..i18n import Msg
from ..links import is_page_path
from ..render import render_findings, render_report
from ..report import Report
from ..site import SiteConfig
from ..sitefinder import site_from_mkdocs
from ..terminal import emit
from . import EXIT_FINDINGS, EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    check = sub.add_parser("check", parents=[common], help=h("检查签核与内容规则", "check sign-offs and content rules"),
                           description=h("用构建时同样的规则检查页面：签核是否齐全有效、内容是否安全。退出码：0 无阻止发布的问题，"
                                         "1 有，2 配置或运行错误。",
                                         "check pages as the build does: sign-offs complete and valid, content safe. "
                                         "Exit status: 0 no blocking problems, 1 some, 2 configuration or runtime error."))
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help=h("要检查的页面、附件或目录（默认：整个网站）", "pages, attachments or folders to check "
                              "(default: the whole site)"))
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                       help=h("输出格式：text 文本（默认）、json、sarif（代码扫描平台）", "output format: text (default), "
                              "json, sarif (code-scanning platforms)"))
    check.set_defaults(run=_check)


def _site_relative(gate: Gate, path: Path) -> str:
    absolute = path.absolute()
    docs_dir = gate.docs_dir.absolute()
    if not absolute.is_relative_to(docs_dir):
        raise GateError(Msg("路径不在站点文档目录中", "path is not inside the site's docs directory"), str(path),
                        hint=Msg(f"文档目录是 {docs_dir}", f"the docs directory is {docs_dir}"))
    return absolute.relative_to(docs_dir).as_posix()


def _check(args: argparse.Namespace, lang: str) -> int:
    site = site_from_mkdocs(args.config, Path.cwd(), lang)
    gate = build_gate(site)
    try:
        with progress_bar(args, lang) as bar:
            gate.progress = bar
            return _check_with(gate, site, args, lang)
    finally:
        gate.close()


def _check_with(gate: Gate, site: SiteConfig, args: argparse.Namespace, lang: str) -> int:
    pages, others, findings = gate.discover()
    if args.paths:
        chosen: set[str] = set()
        for path in args.paths:
            rel = _site_relative(gate, path)
            if path.is_dir():
                prefix = "" if rel == "." else rel + "/"
                chosen |= {p for p in pages + others if p.startswith(prefix)}
            elif path.exists():
                chosen.add(rel)
            else:
                raise GateError(Msg("文件不存在", "no such file"), str(path))
        pages_to_check = [p for p in pages if p in chosen]
        if any(not is_page_path(p) for p in chosen):
            # whether an attachment is linked depends on every page
            full = gate.check_site(pages, [p for p in others if p in chosen])
            report = Report([p for p in full.pages if p.path in chosen], full.findings)
        else:
            report = gate.check_site(pages_to_check, [])
        report.findings.extend(f for f in findings if f.path in chosen)
    else:
        report = gate.check_site(pages, others)
        report.findings.extend(findings)
        # per-column update rate (seed 003 §4): warnings only, and only for the whole site
        report.findings.extend(evaluate_freshness(report, gate.trust.policy.freshness, gate.today).findings)
    shown = shown_report(report, args.severity)
    if args.format == "json":
        print(to_json(shown, lang))
    elif args.format == "sarif":
        print(to_sarif(shown, lang, base=site.display(gate.docs_dir) + "/"))
    elif args.quiet:   # the finding lines only: nothing at all when clean
        body = render_findings(shown.publishable_findings(), lang)
        if body:
            emit(body)
    else:
        emit(render_report(shown, lang))
    return EXIT_FINDINGS if report.blocking else EXIT_OK
