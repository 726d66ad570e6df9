"""``govgate audit SITE_DIR``: 回头看 — re-check a built or deployed site with today's rules and sources."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TextIO

from ..audit import AuditInputs, AuditResult, audit_site, kinds_summary
from ..engines import build_gate
from ..errors import GateError
from ..i18n import Msg
from ..render import render_findings
from ..sitefinder import find_config_file, site_from_mkdocs
from . import EXIT_FINDINGS, EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    audit = sub.add_parser("audit", parents=[common],
                           help="回头看：用当前规则复查已构建或已部署的网站 / re-check a built or deployed site")
    audit.add_argument("site_dir", type=Path, metavar="SITE_DIR")
    audit.add_argument("--format", choices=("text", "json"), default="text")
    bar = audit.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="always show the progress bar (default: only when stderr is a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false")
    audit.set_defaults(run=_audit)


class ProgressBar:
    """One line on stderr, redrawn in place; quiet unless stderr is a terminal or it is forced."""

    WIDTH = 30

    def __init__(self, stream: TextIO, lang: str, min_interval: float = 0.1):
        self.stream = stream
        self.lang = lang
        self.min_interval = min_interval
        self._last = 0.0
        self._phase = ""
        self._drawn = False

    def __call__(self, done: int, total: int, phase: Msg) -> None:
        label = phase.render(self.lang)
        now = time.monotonic()
        if label == self._phase and done < total and now - self._last < self.min_interval:
            return
        if label != self._phase and self._drawn:
            self.stream.write("\n")
        self._phase, self._last = label, now
        filled = self.WIDTH * done // total if total else self.WIDTH
        self.stream.write(f"\r{label} [{'#' * filled}{'-' * (self.WIDTH - filled)}] {done}/{total}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()


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
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    bar = ProgressBar(sys.stderr, lang) if show else None
    gate = build_gate(site)
    try:
        result = audit_site(gate, inputs, bar)
    finally:
        gate.close()
        if bar:
            bar.close()
    if args.format == "json":
        print(json.dumps(result.as_dict(lang), ensure_ascii=False, indent=2))
    else:
        print(render_audit(result, lang))
    return EXIT_FINDINGS if result.blocking else EXIT_OK


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
