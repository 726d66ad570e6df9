"""May this configuration build the site? The one place that says which settings the gate refuses."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..errors import GateError
from ..i18n import Msg
from .settings import GATE_PLUGIN, SiteSettings

ALLOWED_PLUGINS = frozenset({"search", GATE_PLUGIN})
# Plugins that build output the gate never sees, pull text from outside the pages, or run site code:
# refused even when an admin lists them.
REFUSED_PLUGINS = frozenset({"projects", "macros", "include-markdown", "include_markdown", "mkdocs-simple-hooks",
                             "simple-hooks", "meta", "gen-files", "monorepo", "multirepo", "techdocs-core",
                             "exec", "markdown-exec", "mkdocstrings", "redirects",
                             "group"})     # material's group nests plugins the judge would not see
# Markdown extensions that only change how the approved text is rendered.
ALLOWED_EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "legacy_attrs", "legacy_em",
    "md_in_html", "nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks", "extra", "codehilite",
    "pymdownx.betterem", "pymdownx.caret", "pymdownx.details", "pymdownx.highlight", "pymdownx.inlinehilite",
    "pymdownx.keys", "pymdownx.mark", "pymdownx.smartsymbols", "pymdownx.superfences", "pymdownx.tabbed",
    "pymdownx.tasklist", "pymdownx.tilde", "pymdownx.saneheaders", "pymdownx.magiclink",
})
# Whatever the spelling (module path, ":Class" suffix): these pull files from disk into a page at render time.
_INCLUDE_WORDS = ("snippet", "include", "embed", "macro", "exec")


@dataclass(frozen=True)
class ConfigProblem:
    path: str
    message: Msg
    hint: Msg | None = None


def extension_name(spec: str) -> str:
    """``markdown.extensions.toc:TocExtension`` → ``toc``: the name an allow-list compares."""
    name = spec.split(":", 1)[0].strip()
    return name.removeprefix("markdown.extensions.")


def configuration_problems(settings: SiteSettings) -> list[ConfigProblem]:
    """Every reason this configuration may not build the site (empty: it may)."""
    where = settings.config_files[0]
    problems = [ConfigProblem(where, m) for m in settings.problems]
    add = lambda message, hint=None: problems.append(ConfigProblem(where, message, hint))  # noqa: E731

    gate_like = [p for p in settings.plugins if p.base_name == GATE_PLUGIN]
    gate = settings.plugin(GATE_PLUGIN)
    if gate is None or settings.gate is None:
        add(Msg("plugins 中没有 govgate：没有门禁的构建一律拒绝", "plugins does not list govgate: a build without the gate "
                "is refused"), Msg("在 plugins 中加入 govgate（名称必须正好是 govgate）", "add govgate to plugins (named "
                                   "exactly govgate)"))
    elif not gate.enabled:
        add(Msg("govgate 插件被设为 enabled: false", "the govgate plugin is set to enabled: false"),
            Msg("删去 enabled 设置", "remove the enabled setting"))
    for other in gate_like:
        if other.name != GATE_PLUGIN:
            add(Msg(f"插件名 {other.name} 会以另一名称加载门禁", f"plugin name {other.name} loads the gate under another "
                    "name"), Msg("只用 govgate 这一个名称", "use the name govgate only"))
    if settings.gate is not None:
        options = settings.gate
        for key in options.unknown:
            if key == "trust_root":
                add(Msg("trust_root 不能写在仓库里：信任根只能在仓库之外固定", "trust_root cannot be set in the repository: "
                        "the trust root is pinned only outside it"),
                    Msg("删去该项；在 CI 变量 GOVGATE_TRUST_ROOT 或 git config govgate.trustRoot 中设置",
                        "remove it; set the CI variable GOVGATE_TRUST_ROOT or git config govgate.trustRoot"))
            elif key == "cache_dir":
                add(Msg("cache_dir 不能由仓库设置：缓存只放在检出目录之外", "cache_dir cannot be set by the repository: "
                        "caches live outside the checkout"),
                    Msg("删去该项；需要时设置环境变量 GOVGATE_CACHE_DIR", "remove it; set GOVGATE_CACHE_DIR if needed"))
            else:
                add(Msg(f"govgate 不认识的设置：{key}", f"unknown govgate setting: {key}"))
        if options.on_unapproved not in ("fail", "exclude"):
            add(Msg("on_unapproved 只能是 fail 或 exclude", "on_unapproved must be fail or exclude"))
        if options.report_dir is not None:
            report = settings.at_root(options.report_dir)
            for folder, label in ((settings.site_dir, "site_dir"), (settings.docs_dir, "docs_dir")):
                if _inside(report, folder) or _inside(folder, report):
                    add(Msg(f"report_dir（{report}）与 {label} 重叠：审核记录会被发布", f"report_dir ({report}) overlaps "
                            f"{label}: the audit report would be published"),
                        Msg("把 report_dir 放在站点与文档目录之外", "put report_dir outside site_dir and docs_dir"))
    allowed_plugins = ALLOWED_PLUGINS | set(settings.gate.allow_plugins if settings.gate else ())
    for plugin in settings.plugins:
        if plugin.base_name in REFUSED_PLUGINS or any(w in plugin.base_name for w in _INCLUDE_WORDS):
            add(Msg(f"不允许的插件 {plugin.name}：它会构建门禁看不到的输出、引入页面之外的文字或执行站点代码",
                    f"plugin {plugin.name} is not allowed: it builds output the gate never sees, pulls in text from "
                    "outside the pages, or runs site code"), Msg("从 plugins 中删去它", "remove it from plugins"))
        elif plugin.name not in allowed_plugins and plugin.base_name != GATE_PLUGIN:
            add(Msg(f"插件 {plugin.name} 未经管理员允许", f"plugin {plugin.name} is not allowed by an admin"),
                Msg(f"确需使用时，由管理员在 govgate 的 allow_plugins 中列出 {plugin.name} 并重新封签",
                    f"if it is needed, an admin lists {plugin.name} under govgate's allow_plugins and seals again"))
    if settings.hooks:
        add(Msg(f"不允许 hooks（{', '.join(settings.hooks)}）：它们在构建中执行仓库里的代码",
                f"hooks ({', '.join(settings.hooks)}) are not allowed: they run repository code in the build"),
            Msg("删去 hooks 设置", "remove the hooks setting"))
    allowed_extensions = ALLOWED_EXTENSIONS | set(settings.gate.allow_markdown_extensions if settings.gate else ())
    for spec in settings.markdown_extensions:
        name = extension_name(spec)
        if any(w in name.lower() for w in _INCLUDE_WORDS):
            add(Msg(f"不允许的 Markdown 扩展 {spec}：它在渲染时把磁盘上的其他文字并入页面，绕过签核摘要",
                    f"Markdown extension {spec} is not allowed: it pulls other text from disk into pages at render "
                    "time, outside the signed digest"), Msg("删去它，把内容直接写进页面", "remove it; write the content "
                                                            "into the page"))
        elif name not in allowed_extensions:
            add(Msg(f"Markdown 扩展 {spec} 未经管理员允许", f"Markdown extension {spec} is not allowed by an admin"),
                Msg("确需使用时，由管理员在 govgate 的 allow_markdown_extensions 中列出并重新封签",
                    "if it is needed, an admin lists it under govgate's allow_markdown_extensions and seals again"))
    for label, path in (("docs_dir", settings.docs_dir), ("site_dir", settings.site_dir),
                        ("theme.custom_dir", settings.custom_dir or "")):
        if path == ".." or path.startswith("../") or posixpath.isabs(path):
            add(Msg(f"{label} 指向仓库之外：{path}", f"{label} points outside the repository: {path}"))
    return problems


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/") or folder in ("", ".")


def refuse(problems: list[ConfigProblem]) -> None:
    """Raise one error listing every problem (fail closed before anything is built)."""
    if not problems:
        return
    first = problems[0]
    lines_zh = "；".join(p.message.zh for p in problems)
    lines_en = "; ".join(p.message.en for p in problems)
    raise GateError(Msg(f"站点配置不允许构建：{lines_zh}", f"the site configuration may not build the site: {lines_en}"),
                    first.path, hint=first.hint)
