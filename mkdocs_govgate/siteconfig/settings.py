"""The settings of a site, from its safely read configuration: one typed reading for every adapter."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from ..i18n import Msg
from .reader import Loader, RawConfig, read_config

GATE_PLUGIN = "govgate"
GATE_DEFAULTS = {"policy": "signoffs/policy.yml", "reviewers": "signoffs/reviewers.yml", "rules_dir": "signoffs/rules",
                 "on_unapproved": "fail", "report_dir": None, "lang": "zh", "assets": [],
                 # what an admin allows beyond the defaults (judge.py), and more files to seal (sealed.py)
                 "allow_plugins": [], "allow_markdown_extensions": [], "publish_types": [], "sealed": []}
_LISTS = ("assets", "allow_plugins", "allow_markdown_extensions", "publish_types", "sealed")


@dataclass(frozen=True)
class PluginEntry:
    name: str                 # as written: "search", "material/blog", "govgate"
    options: dict
    enabled: bool = True

    @property
    def base_name(self) -> str:
        """Without a theme namespace: ``material/blog`` → ``blog``."""
        return self.name.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class GateOptions:
    policy: str
    reviewers: str
    rules_dir: str
    on_unapproved: str
    report_dir: str | None
    lang: str
    assets: tuple[str, ...]
    allow_plugins: tuple[str, ...] = ()
    allow_markdown_extensions: tuple[str, ...] = ()
    publish_types: tuple[str, ...] = ()       # file suffixes published although the rules cannot read them
    sealed: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()      # options the gate does not know (trust_root and cache_dir are refused)


@dataclass(frozen=True)
class SiteSettings:
    """What the configuration says, paths relative to the repository root (posix)."""

    config_files: tuple[str, ...]       # mkdocs.yml first, then its INHERIT chain
    data: dict                          # the merged configuration (no INHERIT): what MkDocs is given
    site_root: str                      # folder of mkdocs.yml ("" = repository root)
    docs_dir: str
    site_dir: str
    site_name: str
    custom_dir: str | None
    theme_name: str | None
    plugins: tuple[PluginEntry, ...]
    markdown_extensions: tuple[str, ...]
    hooks: tuple[str, ...]
    extra_css: tuple[str, ...]
    extra_javascript: tuple[str, ...]
    extra_templates: tuple[str, ...]
    use_directory_urls: bool
    gate: GateOptions | None
    problems: tuple[Msg, ...] = field(default=())    # shapes the gate cannot read (refused by the judge)

    def at_root(self, rel: str) -> str:
        """A path the configuration gives relative to mkdocs.yml's folder, as a repository path."""
        return posixpath.normpath(posixpath.join(self.site_root, rel)) if self.site_root else posixpath.normpath(rel)

    def in_docs(self, rel: str) -> str:
        return posixpath.normpath(posixpath.join(self.docs_dir, rel))

    def plugin(self, name: str) -> PluginEntry | None:
        return next((p for p in self.plugins if p.name == name), None)


def load_settings(config_path: str, load: Loader) -> SiteSettings:
    """``config_path``: mkdocs.yml relative to the repository root that ``load`` reads from."""
    return settings_from(read_config(config_path, load))


def settings_from(raw: RawConfig) -> SiteSettings:
    data = raw.data
    problems: list[Msg] = []
    site_root = posixpath.dirname(raw.files[0])
    at_root = (lambda rel: posixpath.normpath(posixpath.join(site_root, rel))) if site_root else posixpath.normpath

    def text(key: str, default: str | None) -> str | None:
        value = data.get(key, default)
        if value is None or isinstance(value, str):
            return value
        problems.append(Msg(f"配置项 {key} 必须是文字", f"setting {key} must be text"))
        return default

    def names(value: object, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, list):
            out = []
            for item in value:
                if isinstance(item, str):
                    out.append(item)
                elif isinstance(item, dict) and isinstance(item.get("path"), str):   # extra_javascript: {path: …}
                    out.append(item["path"])
                elif isinstance(item, dict) and len(item) == 1 and isinstance(next(iter(item)), str):
                    out.append(next(iter(item)))
                else:
                    problems.append(Msg(f"配置项 {key} 中有无法识别的条目", f"setting {key} has an entry govgate cannot read"))
            return tuple(out)
        if isinstance(value, dict):
            return tuple(str(k) for k in value)
        problems.append(Msg(f"配置项 {key} 的格式无法识别", f"setting {key} has a shape govgate cannot read"))
        return ()

    theme = data.get("theme")
    theme_name = custom_dir = None
    if isinstance(theme, str):
        theme_name = theme
    elif isinstance(theme, dict):
        theme_name = theme.get("name") if isinstance(theme.get("name"), str) else None
        if theme.get("custom_dir") is not None:
            if isinstance(theme["custom_dir"], str):
                custom_dir = at_root(theme["custom_dir"])
            else:
                problems.append(Msg("theme.custom_dir 必须是文件夹路径", "theme.custom_dir must be a folder path"))
    elif theme is not None:
        problems.append(Msg("theme 的格式无法识别", "theme has a shape govgate cannot read"))

    plugins = _plugins(data.get("plugins", ["search"]), problems)
    gate_entry = next((p for p in plugins if p.name == GATE_PLUGIN), None)
    return SiteSettings(
        config_files=raw.files, data=data, site_root=site_root,
        docs_dir=at_root(text("docs_dir", "docs") or "docs"), site_dir=at_root(text("site_dir", "site") or "site"),
        site_name=str(data.get("site_name") or ""), custom_dir=custom_dir, theme_name=theme_name, plugins=plugins,
        markdown_extensions=names(data.get("markdown_extensions"), "markdown_extensions"),
        hooks=names(data.get("hooks"), "hooks"), extra_css=names(data.get("extra_css"), "extra_css"),
        extra_javascript=names(data.get("extra_javascript"), "extra_javascript"),
        extra_templates=names(data.get("extra_templates"), "extra_templates"),
        use_directory_urls=data.get("use_directory_urls", True) is not False,
        gate=_gate_options(gate_entry, problems) if gate_entry else None, problems=tuple(problems))


def _plugins(value: object, problems: list[Msg]) -> tuple[PluginEntry, ...]:
    """MkDocs accepts a list of names / one-key mappings, or one mapping of name → options."""
    items: list[tuple[object, object]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and len(item) == 1:
                items.append(next(iter(item.items())))
            else:
                items.append((item, {}))
    elif isinstance(value, dict):
        items = list(value.items())
    elif value is not None:
        problems.append(Msg("plugins 的格式无法识别", "plugins has a shape govgate cannot read"))
    entries = []
    for name, options in items:
        options = {} if options is None else options
        if not isinstance(name, str) or not isinstance(options, dict):
            problems.append(Msg(f"plugins 中有无法识别的条目：{name!r}", f"plugins has an entry govgate cannot read: "
                                f"{name!r}"))
            continue
        entries.append(PluginEntry(name, options, options.get("enabled", True) is not False))
    return tuple(entries)


def _gate_options(entry: PluginEntry, problems: list[Msg]) -> GateOptions:
    values = {**GATE_DEFAULTS, **{k: v for k, v in entry.options.items() if k in GATE_DEFAULTS}}
    for key in ("policy", "reviewers", "rules_dir", "on_unapproved", "lang"):
        if not isinstance(values[key], str):
            problems.append(Msg(f"govgate 的 {key} 必须是文字", f"govgate's {key} must be text"))
            values[key] = GATE_DEFAULTS[key]
    if values["report_dir"] is not None and not isinstance(values["report_dir"], str):
        problems.append(Msg("govgate 的 report_dir 必须是文件夹路径", "govgate's report_dir must be a folder path"))
        values["report_dir"] = None
    lists = {}
    for key in _LISTS:
        value = values[key]
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            problems.append(Msg(f"govgate 的 {key} 必须是文字列表", f"govgate's {key} must be a list of text"))
            value = [a for a in value if isinstance(a, str)] if isinstance(value, list) else []
        lists[key] = tuple(value)
    unknown = tuple(sorted(k for k in entry.options if k not in GATE_DEFAULTS and k != "enabled"))
    return GateOptions(values["policy"], values["reviewers"], values["rules_dir"], values["on_unapproved"],
                       values["report_dir"], values["lang"], **lists, unknown=unknown)
