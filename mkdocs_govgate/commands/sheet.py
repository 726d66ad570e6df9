"""``govgate sheet PATH [--out FILE] [--pdf]``: the page's 审签表 as printable HTML, or PDF through Chromium."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ..cliargs import h, progress_bar
from ..engines import build_gate
from ..errors import GateError
from ..evidence.attest import Attestor
from ..gate import Gate
from ..i18n import Msg
from ..outputfile import write_atomic
from ..sheet import build_sheet, render_sheet
from ..sitefinder import find_config_file, site_from_mkdocs
from . import EXIT_OK

EVIDENCE_NAMES = {"history": Msg("history（签名提交）", "history (signed commits)"),
                  "inline": Msg("inline（内嵌签名）", "inline (inline signatures)")}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sheet = sub.add_parser("sheet", parents=[common],
                           help=h("页面的信息发布审签表（HTML 或 PDF，归档保存）", "a page's review and sign-off sheet "
                                  "(HTML or PDF, for the archive)"))
    sheet.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                       help=h("页面（文档目录中的 Markdown 文件）；多个页面或目录时，每页一个文件写入 --out 目录",
                              "the page (a Markdown file in docs_dir); several pages or a folder: one file per page "
                              "in the --out folder"))
    sheet.add_argument("--out", "-o", type=Path, default=None, metavar="FILE",
                       help=h("写入此文件（默认：HTML 输出到标准输出；加 --pdf 时为 页面名-sheet.pdf）；多个页面时是目录"
                              "（默认当前目录）",
                              "write here (default: HTML to standard output; with --pdf, PAGE-sheet.pdf); for several "
                              "pages, a folder (default: the current one)"))
    sheet.add_argument("--pdf", action="store_true", help=h("用无界面 Chromium 打印为 PDF",
                                                             "print to PDF with headless Chromium"))
    sheet.set_defaults(run=_sheet)


def page_in_docs(gate: Gate, path: Path) -> str:
    absolute = path.absolute()
    docs_dir = gate.docs_dir.absolute()
    if not absolute.is_relative_to(docs_dir) or not absolute.is_file():
        raise GateError(Msg("不是站点文档目录中的页面文件", "not a page file in the site's docs directory"), str(path),
                        hint=Msg(f"文档目录是 {docs_dir}", f"the docs directory is {docs_dir}"))
    return absolute.relative_to(docs_dir).as_posix()


def _site_name(config: Path | None) -> str:
    config_file = config or find_config_file(Path.cwd())
    if config_file is None:
        return ""
    from mkdocs.config import load_config  # noqa: PLC0415 - only for the form's heading

    try:
        return str(load_config(str(config_file)).site_name or "")
    except Exception:  # noqa: BLE001 - the heading is optional; site_from_mkdocs already reported real errors
        return ""


def sheet_html(gate: Gate, rel: str, lang: str, site_name: str = "") -> str:
    """The 审签表 of one page, verified by the gate's evidence."""
    result = gate.check_page(rel)
    if result.page is None or result.verdict is None or result.digest is None:
        problem = result.findings[0].message if result.findings else Msg("无法读取页面", "cannot read the page")
        raise GateError(problem, rel)
    attachments = [f for name in sorted(result.digest.files) for f in gate.check_file(name, True)]
    policy, roster = gate.trust.policy, gate.trust.roster
    attestor = Attestor(gate.docs_dir, gate.config.policy_path.parent, roster, policy.evidence)
    try:
        sheet = build_sheet(result, policy, roster, gate.evidence, attestor.attest, attachment_findings=attachments,
                            site_name=site_name, evidence_mode=EVIDENCE_NAMES[policy.evidence].render(lang))
    finally:
        attestor.close()
    return render_sheet(sheet, lang)


def _sheet(args: argparse.Namespace, lang: str) -> int:
    site = site_from_mkdocs(args.config, Path.cwd(), lang)
    gate = build_gate(site)
    try:
        pages = _pages(gate, args.paths)
        pdf = args.pdf or (args.out is not None and args.out.suffix.lower() == ".pdf" and len(pages) == 1)
        if len(pages) == 1 and not any(p.is_dir() for p in args.paths):
            html = sheet_html(gate, pages[0], lang, _site_name(args.config))
            if not pdf and args.out is None:
                sys.stdout.write(html)
                return EXIT_OK
            target = args.out or Path(args.paths[0].stem + "-sheet.pdf")
            _write_sheet(html, target, pdf)
            print(Msg(f"审签表已写入 {target}", f"sheet written to {target}").render(lang))
            return EXIT_OK
        folder = args.out or Path.cwd()
        site_name = _site_name(args.config)
        with progress_bar(args, lang) as bar:
            for done, rel in enumerate(pages, 1):
                name = rel.removesuffix(".md").replace("/", "-") + ("-sheet.pdf" if pdf else "-sheet.html")
                _write_sheet(sheet_html(gate, rel, lang, site_name), folder / name, pdf)
                bar(done, len(pages), Msg("生成审签表", "writing sheets"))
    finally:
        gate.close()
    if not args.quiet:
        print(Msg(f"{len(pages)} 份审签表已写入 {folder}", f"{len(pages)} sheet(s) written to {folder}").render(lang))
    return EXIT_OK


def _pages(gate: Gate, paths: list[Path]) -> list[str]:
    """The pages named, a folder standing for every page in it."""
    found: list[str] = []
    for path in paths:
        if path.is_dir():
            found += [page_in_docs(gate, p) for p in sorted(path.rglob("*.md"))]
        else:
            found.append(page_in_docs(gate, path))
    return list(dict.fromkeys(found))


def _write_sheet(html: str, target: Path, pdf: bool) -> None:
    if not pdf:
        write_atomic(target, html.encode("utf-8"))
        return
    from ..browser import print_pdf  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="govgate-sheet-") as folder:
        source = Path(folder) / "sheet.html"
        source.write_text(html, encoding="utf-8")
        write_atomic(target, print_pdf(source, Path(folder) / "sheet.pdf").read_bytes())
