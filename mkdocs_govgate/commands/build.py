"""``govgate build [MkDocs build options]``: verify the sealed configuration, then build with exactly it.

A plain ``mkdocs build`` cannot protect against an mkdocs.yml that drops or disables the gate, and
MkDocs' own loader runs ``!!python`` tags and imports ``hooks:`` while reading it.  Here the
configuration is read safely, judged (siteconfig/judge.py) and proved sealed (configtrust.py)
before MkDocs sees anything; MkDocs is then handed the very settings that were judged, as plain
JSON with no tags and no INHERIT, so nothing in the repository is interpreted twice.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from pathlib import Path

from ..cliargs import h
from ..engines import build_gate
from ..errors import GateError
from ..i18n import Msg
from ..siteconfig.settings import SiteSettings
from ..sitefinder import find_config_file, read_site_settings, site_from_settings
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    build = sub.add_parser("build", parents=[common], help=h("核验封签的站点配置后构建站点（CI 与服务器使用）",
                                                               "verify the sealed configuration, then build the site "
                                                               "(what CI and the server run)"))
    build.add_argument("--site-dir", "-d", default=None, help=h("输出目录（同 MkDocs 的 --site-dir）",
                                                                 "output folder (MkDocs' --site-dir)"))
    build.add_argument("--strict", "-s", action="store_true", default=None,
                       help=h("有警告即失败（同 MkDocs 的 --strict）", "fail on warnings (MkDocs' --strict)"))
    build.add_argument("--verbose", "-v", action="store_true", help=h("显示详细日志", "show the detailed log"))
    build.set_defaults(run=_build)


def configuration_json(data: dict, display: str) -> bytes:
    """The judged settings as JSON (valid YAML without any tag) for MkDocs to load."""
    try:
        return json.dumps(data, ensure_ascii=False, default=_plain).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise GateError(Msg(f"配置中有无法交给 MkDocs 的值：{exc}", f"the configuration holds a value that cannot be "
                            f"handed to MkDocs: {exc}"), display) from None


def _plain(value: object) -> str:
    import datetime as dt  # noqa: PLC0415

    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def sealed_configuration(config: Path | None, lang: str) -> tuple[Path, SiteSettings]:
    """mkdocs.yml (``config``, else found upwards) and its settings, read safely, judged and proved sealed
    (GateError otherwise: exit 2) before MkDocs may see it."""
    config_file = config or find_config_file(Path.cwd())
    if config_file is None:
        raise GateError(Msg("找不到 mkdocs.yml", "no mkdocs.yml found"), str(Path.cwd()))
    config_file = Path(config_file).resolve()
    repo_root, settings = read_site_settings(config_file)
    build_gate(site_from_settings(repo_root, settings, lang)).close()
    return config_file, settings


def _build(args: argparse.Namespace, lang: str) -> int:
    config_file, settings = sealed_configuration(args.config, lang)
    payload = configuration_json(settings.data, settings.config_files[0])
    log_to_stderr(logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO)
    from mkdocs.commands.build import build  # noqa: PLC0415 - MkDocs only for this command
    from mkdocs.config import load_config  # noqa: PLC0415
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError, PluginError  # noqa: PLC0415

    stream = io.BytesIO(payload)
    try:
        config = load_config(stream, config_file_path=str(config_file), site_dir=args.site_dir, strict=args.strict)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except ConfigurationError as exc:
        print(f"govgate build: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except (Abort, BuildError, PluginError) as exc:
        print(Msg("govgate build：构建未通过，未发布任何内容", "govgate build: the build failed; nothing was published")
              .render(lang) + f"\n{exc}", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def log_to_stderr(level: int) -> None:
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
