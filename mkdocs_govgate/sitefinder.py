"""Finding a site's settings from mkdocs.yml, so the CLI and hooks see what the plugin sees."""

from __future__ import annotations

from pathlib import Path

from .errors import GateError
from .i18n import Msg
from .site import DEFAULT_DOCS_DIR, SiteConfig


def find_config_file(start: Path) -> Path | None:
    for folder in [start.resolve(), *start.resolve().parents]:
        for name in ("mkdocs.yml", "mkdocs.yaml"):
            if (folder / name).is_file():
                return folder / name
    return None


def site_from_mkdocs(config_file: Path | None, start: Path, lang: str | None = None) -> SiteConfig:
    """SiteConfig from mkdocs.yml's govgate plugin entry; defaults when there is no mkdocs.yml."""
    if config_file is None:
        config_file = find_config_file(start)
    if config_file is None:
        if not (start / "signoffs").is_dir():   # neither a site nor a bare trust store: say what is missing
            raise GateError(Msg("找不到 mkdocs.yml：当前目录及其上级目录都不是网站目录",
                                "mkdocs.yml not found: neither this folder nor a parent is a site"), str(start),
                            hint=Msg("在网站目录（有 mkdocs.yml 的目录）中运行，或用 --config 指明 mkdocs.yml；"
                                     "新网站先运行 govgate init",
                                     "run it in the site's folder (where mkdocs.yml is), or give --config mkdocs.yml; "
                                     "for a new site, run govgate init first"))
        return SiteConfig.at(start, DEFAULT_DOCS_DIR, lang=lang or "zh")
    from mkdocs.config import load_config  # noqa: PLC0415 - only the adapter needs MkDocs
    from mkdocs.exceptions import ConfigurationError  # noqa: PLC0415

    try:
        mk = load_config(str(config_file))
    except (ConfigurationError, OSError) as exc:
        raise GateError(Msg(f"无法读取 MkDocs 配置：{exc}", f"cannot read the MkDocs configuration: {exc}"),
                        str(config_file)) from None
    plugin = mk.plugins.get("govgate")
    if plugin is None:
        raise GateError(Msg("mkdocs.yml 没有启用 govgate 插件", "mkdocs.yml does not enable the govgate plugin"),
                        str(config_file), hint=Msg("在 plugins 中加入 govgate", "add govgate under plugins"))
    settings = plugin.config
    root = config_file.resolve().parent
    assets = sorted({str(a) for a in list(mk.extra_css) + [str(s) for s in mk.extra_javascript]} | set(settings.assets))
    site = SiteConfig.at(root, Path(mk.docs_dir), settings.policy, settings.reviewers, settings.rules_dir,
                         lang or settings.lang, [a for a in assets if "://" not in a])
    site.on_unapproved = settings.on_unapproved
    site.use_directory_urls = bool(mk.use_directory_urls)
    site.trust_root = settings.trust_root
    site.cache_dir = root / settings.cache_dir if settings.cache_dir else None
    return site
