"""``govgate audit SITE_DIR``: 回头看 — re-check a built or deployed site with today's rules and sources."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..audit import AuditInputs, AuditResult, audit_site, kinds_summary
from ..cliargs import at_least, h, progress_bar
from ..engines import build_gate
from ..errors import GateError
from ..i18n import Msg
from ..render import render_findings
from ..sitefinder import find_config_file, site_from_mkdocs
from ..terminal import emit
from . import EXIT_FINDINGS, EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    audit = sub.add_parser("audit", parents=[common],
                           help=h("回头看：用当前规则复查已构建或已部署的网站", "re-check a built or deployed site "
                                  "with today's rules"))
    audit.add_argument("site_dir", type=Path, metavar="SITE_DIR", help=h("构建出的网站目录（如 site）或已部署的副本",
                                                                          "the built site (e.g. site) or a deployed copy"))
    audit.add_argument("--format", choices=("text", "json"), default="text",
                       help=h("输出格式：text（默认）或 json", "output format: text (default) or json"))
    bar = audit.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help=h("总是显示进度条（默认：只在标准错误是终端时显示）",
                            "always show the progress bar (default: only when stderr is a terminal)"))
    bar.add_argument("--no-progress", dest="progress", action="store_false", help=h("不显示进度条", "no progress bar"))
    audit.set_defaults(run=_audit)


def _inputs(config_file: Path | None, site_dir: Path) -> AuditInputs:
    """Theme folders and pages without sources, from the same mkdocs.yml the build used."""
    from mkdocs.config import load_config  # noqa: PLC0415 - only this adapter needs MkDocs
    from mkdocs.exceptions import ConfigurationError  # noqa: PLC0415

    try:
        mk = load_config(str(config_file))
    except (ConfigurationError, OSError) as exc:
        raise GateError(Msg(f"无法读取 MkDocs 配置：{exc}", f"cannot read the MkDocs configuration: {exc}"),
                        str(config_file)) from None
    dirs = [Path(d) for d in mk.theme.dirs]
    extra: list[tuple[str, Path]] = []
    if "search" in mk.plugins:   # the search plugin adds its scripts and language files when it runs
        import mkdocs.contrib.search as search  # noqa: PLC0415

        base = Path(search.__file__).parent
        dirs.append(base / "templates")
        languages = base / "lunr-language"
        if languages.is_dir():
            extra = [(f"search/{p.name}", p) for p in sorted(languages.iterdir()) if p.is_file()]
    return AuditInputs(site_dir.resolve(), tuple(dirs), frozenset(mk.theme.static_templates),
                       bool(mk.use_directory_urls), mk.site_url or "", tuple(extra))


def _audit(args: argparse.Namespace, lang: str) -> int:
    config_file = args.config or find_config_file(Path.cwd())
    if config_file is None:
        raise GateError(Msg("找不到 mkdocs.yml：审核需要网站的配置与源文件", "mkdocs.yml not found: the audit needs the "
                            "site's configuration and sources"),
                        hint=Msg("在网站仓库中运行，或用 --config 指定 mkdocs.yml", "run it inside the site's repository, "
                                 "or give --config mkdocs.yml"))
    site = site_from_mkdocs(config_file, Path.cwd(), lang)
    inputs = _inputs(config_file, args.site_dir)
    gate = build_gate(site)
    try:
        with progress_bar(args, lang, forced=args.progress) as bar:
            result = audit_site(gate, inputs, bar)
    finally:
        gate.close()
    blocking = result.blocking
    result.findings = at_least(result.findings, args.severity)
    if args.format == "json":
        print(json.dumps(result.as_dict(lang), ensure_ascii=False, indent=2))
    elif args.quiet:
        body = render_findings(result.findings, lang)
        if body:
            emit(body)
    else:
        emit(render_audit(result, lang))
    return EXIT_FINDINGS if blocking else EXIT_OK


def render_audit(result: AuditResult, lang: str) -> str:
    blocking = [f for f in result.findings if f.blocking]
    head = Msg(f"govgate 回头看：{result.site_dir}，共 {len(result.files)} 个文件（{{kinds}}）。",
               f"govgate audit: {result.site_dir}, {len(result.files)} file(s) ({{kinds}}).").render(lang)
    head = head.replace("{kinds}", kinds_summary(result, lang))
    if blocking:
        verdict = Msg(f"发现 {len(blocking)} 个必须处理的问题，涉及 {len({f.path for f in blocking})} 个网上文件：",
                      f"{len(blocking)} problem(s) to act on in {len({f.path for f in blocking})} online file(s):")
    else:
        verdict = Msg("未发现必须处理的问题。", "no problems to act on.")
    body = render_findings(result.findings, lang)
    return "\n".join([head, verdict.render(lang)] + ([body] if body else []))
