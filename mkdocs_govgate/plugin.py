"""The MkDocs plugin: CI's enforcement point.

It decides in ``on_files`` (before material's blog and any other plugin look at pages)
from its own strict parse of the sources, raises no later than ``on_env`` (before MkDocs
writes anything), and empties ``site_dir`` on any build error so nothing publishable is
left behind.
"""

from __future__ import annotations

import functools
import logging
import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section, _add_parent_links, _add_previous_and_next_links
from mkdocs.structure.pages import Page as MkPage

from .attribution import reprint_attribution
from .banner import draft_banner, preview_summary
from .buildguard import BuildGuard
from .engines import build_gate
from .errors import GateError
from .findings import Finding
from .gate import Gate, SiteCheck, symlink_finding
from .htmlscan import BackgroundScan, RenderedScanner
from .i18n import Msg
from .inventory import Origin, OutputInventory, empty_folder
from .navtitles import name_sections
from .page import text_hash
from .pageinfo import with_page_info
from .profiling import EventTimer
from .render import render_findings, render_left_out_files, retired_line
from .report import PageResult, Report
from .reportfile import check_report_dir, report_written, write_report
from .rules.waivers import apply_waivers
from .sitefinder import read_site_settings, site_from_settings
from .stamp import stamp_text, stamped
from .textfile import normalise_newlines

log = logging.getLogger("mkdocs.plugins.govgate")

# Extensions that pull text from disk into a page at render time, outside the page's digest.
# Findings about the docs folder itself, not one page: no page can be left out to fix them.
_SITE_RULES = ("input.symlink", "input.meta_file")
_ANCHOR_RE = re.compile(r"<a\b[^>]*?\bhref\s*=\s*(\"[^\"]*\"|'[^']*')[^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)


class GovGateConfig(base.Config):
    policy = c.Type(str, default="signoffs/policy.yml")
    reviewers = c.Type(str, default="signoffs/reviewers.yml")
    rules_dir = c.Type(str, default="signoffs/rules")
    on_unapproved = c.Choice(("fail", "exclude"), default="fail")
    report_dir = c.Optional(c.Type(str))
    lang = c.Choice(("zh", "en"), default="zh")
    assets = c.ListOfItems(c.Type(str), default=[])
    # read and judged by siteconfig/ (the safe reader), declared here so MkDocs accepts them
    allow_plugins = c.ListOfItems(c.Type(str), default=[])
    allow_markdown_extensions = c.ListOfItems(c.Type(str), default=[])
    publish_types = c.ListOfItems(c.Type(str), default=[])
    sealed = c.ListOfItems(c.Type(str), default=[])


def _fail_closed(method):
    """Any unexpected exception inside the gate stops the build (never a silent pass)."""

    @functools.wraps(method)
    def wrapper(self: GovGatePlugin, *args: Any, **kwargs: Any) -> Any:
        started = self.timer.start() if self.timer.enabled else None
        try:
            return method(self, *args, **kwargs)
        except (PluginError, Abort):
            raise
        except GateError as error:
            raise PluginError("govgate: " + error.render(self.lang)) from error
        except Exception as error:  # noqa: BLE001 - fail closed, whatever broke
            message = Msg(f"门禁内部错误，已停止发布：{type(error).__name__}: {error}",
                          f"internal error in the gate; publication stopped: {type(error).__name__}: {error}")
            raise PluginError("govgate: " + message.render(self.lang)) from error
        finally:
            if started is not None:
                self.timer.stop(method.__name__, started)

    return wrapper


class GovGatePlugin(BasePlugin[GovGateConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.dirty = False
        self.site_dir: Path | None = None
        self.docs_dir = Path()          # MkDocs' docs_dir, as MkDocs spells the files' paths
        self.site_name = ""
        self.report_dir: Path | None = None
        self.guard = BuildGuard(lambda: self._clean_up_failed_build(interrupted=True))
        self._reset()

    def _reset(self) -> None:
        """Per-build state: `mkdocs serve` keeps this instance across rebuilds."""
        self.gate: Gate | None = None
        self.site_check: SiteCheck | None = None      # fail mode: judged in on_env (on_files says why)
        self.symlinks: list[Finding] = []
        self.scanner: RenderedScanner | None = None
        self.background: BackgroundScan | None = None
        self.timer = EventTimer()     # GOVGATE_PROFILE=path.json: time per event handler
        self.report = Report()
        self.results: dict[str, PageResult] = {}
        self.excluded_urls: set[str] = set()
        self.approved_markdown: dict[str, str] = {}   # page → SHA-256 of the body the gate judged
        self.inventory: OutputInventory | None = None  # where every output file comes from (inventory.py)
        self.url_sources: dict[str, str] = {}          # a page's URL → its source (search entries' waivers)

    @property
    def lang(self) -> str:
        return self.config.get("lang") or "zh" if self.config else "zh"

    @property
    def preview(self) -> bool:
        """``mkdocs serve``: unapproved pages are shown as drafts with a banner, never published."""
        return self.command == "serve"

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.dirty = dirty

    def _refuse_dirty(self) -> None:
        """Raised from on_config, not on_startup, so that on_build_error empties site_dir."""
        if self.dirty and not self.preview:
            raise PluginError("govgate: " + Msg(
                "拒绝 --dirty 构建：它会保留旧页面（包括已撤下或未获批的页面）。请去掉 --dirty 重新构建。",
                "refusing a --dirty build: it keeps stale pages (withdrawn or unapproved ones included). "
                "Build again without --dirty.").render(self.lang))

    @_fail_closed
    def on_config(self, config):
        self._reset()
        if not self.preview:
            self.guard.arm()
        self.site_dir = Path(config.site_dir)
        self.site_name = str(config.site_name or "")
        self._refuse_dirty()
        # The gate judges the configuration file itself, read safely (the one reading every adapter uses),
        # never MkDocs' object of it; `govgate build` hands MkDocs exactly what was judged.
        if not config.config_file_path:
            raise GateError(Msg("构建没有配置文件：govgate 只核验磁盘上的 mkdocs.yml", "the build has no configuration "
                                "file: govgate verifies an mkdocs.yml on disk"))
        repo_root, settings = read_site_settings(Path(config.config_file_path))
        self._refuse_runtime_extras(config)
        if self.site_dir.is_symlink() or _is_symlinked(self.site_dir, Path(config.config_file_path).absolute().parent):
            # a committed symlink: nothing could empty it safely, and what it points at would be published
            raise GateError(Msg("site_dir 是符号链接：构建输出不能写到链接指向的别处", "site_dir is a symbolic link: the build "
                                "output cannot go where it points"), str(self.site_dir),
                            hint=Msg("删除该链接（site_dir 须是真实文件夹）", "remove the link (site_dir must be a real folder)"))
        site = site_from_settings(repo_root, settings, self.lang)
        self.report_dir = site.root / settings.gate.report_dir if settings.gate and settings.gate.report_dir else None
        if self.report_dir is not None:
            check_report_dir(self.report_dir, self.site_dir)
        self.gate = build_gate(site)     # proves the configuration sealed, or raises
        # MkDocs' own spelling of docs_dir (not resolved): the files it lists start with it, whatever the path
        # to the repository (a symlinked -f path made every page look like a theme file, checked by nobody)
        self.docs_dir = Path(config.docs_dir).absolute()
        if self.docs_dir.resolve() != self.gate.docs_dir.resolve():
            raise GateError(Msg("MkDocs 的 docs_dir 与门禁核验的不是同一文件夹", "MkDocs' docs_dir is not the folder the "
                                "gate verified"), str(self.docs_dir))
        self.inventory = OutputInventory(self.site_dir, settings.gate.publish_types if settings.gate else ())
        left = [] if self.preview else empty_folder(self.site_dir)   # dot-files too: only this build's output
        if left:
            raise GateError(Msg(f"无法清空输出目录：{'; '.join(left[:5])}", f"cannot empty the output folder: "
                                f"{'; '.join(left[:5])}"), str(self.site_dir),
                            hint=Msg("检查该目录的权限后重试", "check the folder's permissions and try again"))
        self.scanner = RenderedScanner(self.gate.rules) if self.gate.rules is not None else None
        return config

    def _refuse_runtime_extras(self, config) -> None:
        """What MkDocs loaded beyond the file the gate read (a plugin added by another plugin, hooks given
        on the command line): refused like the same settings in the file."""
        if config.hooks:
            raise GateError(Msg("不允许 hooks：它们在构建中执行仓库里的代码", "hooks are not allowed: they run repository "
                                "code in the build"), str(config.config_file_path))

    @event_priority(100)  # before material's blog (-50) and every other plugin decides pages
    @_fail_closed
    def on_files(self, files: Files, *, config) -> Files:
        assert self.gate is not None
        docs_dir = Path(config.docs_dir).absolute()
        pages, others, symlinks = [], [], []
        for file in files:
            if not self._from_docs_dir(file):
                continue   # theme files; custom_dir output is scanned in on_post_page
            if _is_symlinked(Path(file.abs_src_path), docs_dir):
                symlinks.append(symlink_finding(file.src_uri))
            elif file.is_documentation_page():
                pages.append(file.src_uri)
            else:
                others.append(file.src_uri)
        # MkDocs lists dot-files (excluded); add any it left out so each is reported once.
        others.extend(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob(".meta.yml"))
        self.symlinks = symlinks
        # Fail mode outside `mkdocs serve`: what is left to decide about sign-offs and attachments is only
        # "publish or stop", so they are checked in other processes while MkDocs reads and renders the
        # pages, and judged in on_env, before anything is written.  Whatever already blocks (unreadable
        # pages, content findings) stops the build here, with every other reason (the check is finished
        # first).  Memory: MkDocs holds the site too, so pages keep only what the build needs.
        defer = self.config.on_unapproved == "fail" and not self.preview
        self.site_check = self.gate.start_site_check(pages, sorted(set(others)), keep_sources=False, background=defer)
        if defer:
            self._use(self.site_check.preliminary())
            if not self.report.blocking:
                self._exclude(files, {p.path for p in self.report.pages if p.retired}, only_theirs=True)
                return files
        self._finish_check()
        self._decide(files)
        return files

    def _finish_check(self) -> None:
        """The complete report: waits for sign-offs and attachments checked elsewhere."""
        assert self.site_check is not None and self.gate is not None
        site_check, self.site_check = self.site_check, None
        self._use(site_check.report())
        self.gate.release_evidence()   # history index and signatures: not needed for the rest of the build

    def _use(self, report: Report) -> None:
        self.report = report
        self.report.findings.extend(self.symlinks)
        self.results = {p.path: p for p in self.report.pages}
        for result in self.report.pages:
            if result.page is not None:   # on_page_markdown compares the rendered Markdown with this hash
                self.approved_markdown[result.path] = result.page.markdown_hash

    def _decide(self, files: Files | None) -> None:
        """Stop the build, or leave pages out (``files`` None: on_env, where they were left out already)."""
        retired = {p.path for p in self.report.pages if p.retired}
        unapproved = {p.path for p in self.report.pages if not p.approved} | retired
        findings = self.report.publishable_findings()
        content = [f for f in findings if f.blocking and f.category not in ("approval", "input")]
        site_problems = [f for f in self.report.findings if f.blocking and f.rule in _SITE_RULES]
        if site_problems:
            # Not a page to leave out: a symlink or folder meta file changes what MkDocs reads.
            self._abort(Msg("文档目录中有不能发布的文件结构", "the docs directory holds files that cannot be published"),
                        site_problems)
        if self.preview:
            # Drafts stay in the navigation and carry our banner (on_page_content); MkDocs' own draft
            # marking would hide them from the menu and blame a `draft_docs` setting nobody wrote.
            # Withdrawn or expired pages are not previewed at all.
            for file in files or ():
                if file.src_uri in retired:
                    file.inclusion = InclusionLevel.EXCLUDED
            summary = preview_summary(self.report.pages, self.gate.trust.policy if self.gate else None, self.lang)
            if summary and files is not None:
                log.info(summary)   # info: a warning would abort `mkdocs serve --strict` whenever drafts exist
            return
        if content:
            self._abort(Msg("内容安全检查未通过，停止发布", "content rules failed; publication stopped"), content)
        if self.config.on_unapproved == "fail":
            blocking = [f for f in findings if f.blocking]
            if blocking:
                self._abort(Msg(f"{len({f.path for f in blocking})} 个文件未获准发布",
                                f"{len({f.path for f in blocking})} file(s) are not cleared for publication"), blocking)
            if files is not None:
                self._exclude(files, retired, only_theirs=True)
        else:
            assert files is not None
            self._exclude(files, unapproved)
        self._log_retired()

    def _log_retired(self) -> None:
        retired = [p for p in self.report.pages if p.retired]
        if not retired:
            return
        unverified = Msg("（撤稿记录未经验证：不是名册中的人签名所作）", " (withdrawal record not verified: no roster "
                         "member's signature)").render(self.lang)
        lines = ["  " + retired_line(p.path, p.retired, self.lang) + (unverified if p.retired.verified is False else "")
                 for p in retired]
        # an unverified record still takes the page offline; someone should confirm who did it
        level = logging.WARNING if any(p.retired.verified is False for p in retired) else logging.INFO
        log.log(level, Msg(f"{len(retired)} 个页面已撤下或过期，不予发布：", f"{len(retired)} page(s) withdrawn or "
                           "expired were left out:").render(self.lang) + "\n" + "\n".join(lines))

    def _exclude(self, files: Files, left_out_pages: set[str], only_theirs: bool = False) -> None:
        """Publish approved pages, the files they link and declared assets; nothing else.

        ``only_theirs``: leave out just these pages and the files no other page links (fail mode,
        where everything else has already passed).
        """
        assert self.gate is not None
        kept_pages = [p for p in self.report.pages if p.path not in left_out_pages and p.digest]
        kept_files = {f for p in kept_pages for f in p.digest.files} | set(self.gate.config.assets)
        theirs = {f for p in self.report.pages if p.path in left_out_pages and p.digest for f in p.digest.files}
        refused_files = {f.path for f in self.report.findings if f.blocking}
        left_out = []
        for file in files:
            if file.src_uri in left_out_pages:
                self.excluded_urls.add(_normal_url(file.url))
            elif file.is_documentation_page() or file.src_uri in kept_files and file.src_uri not in refused_files:
                continue
            elif not self._from_docs_dir(file) or file.inclusion.is_excluded():
                continue
            elif only_theirs and file.src_uri not in theirs:
                continue
            file.inclusion = InclusionLevel.EXCLUDED
            left_out.append(file.src_uri)
        if left_out and not only_theirs:
            blocking = [f for f in self.report.publishable_findings() if f.blocking]
            log.info(Msg(f"以下 {len(left_out)} 个文件未获准发布，已排除：",
                         f"{len(left_out)} file(s) not cleared for publication were left out:")
                     .render(self.lang) + "\n" + render_findings(blocking, self.lang)
                     + render_left_out_files(sorted(set(left_out) - {f.path for f in blocking}), self.lang))

    def _from_docs_dir(self, file: File) -> bool:
        assert self.gate is not None
        return bool(file.abs_src_path) and not file.generated_by and Path(file.abs_src_path).absolute().is_relative_to(
            self.docs_dir)

    def _page_meta(self, src_uri: str) -> dict | None:
        result = self.results.get(src_uri)
        return result.page.meta if result is not None and result.page is not None else None

    def _abort(self, headline: Msg, findings: list[Finding]) -> None:
        raise PluginError("govgate: " + headline.render(self.lang) + "\n" + render_findings(findings, self.lang))

    @_fail_closed
    def on_nav(self, nav: Navigation, *, config, files: Files) -> Navigation:
        """An explicit ``nav:`` still lists excluded pages (title, prev/next): take them out."""
        def hidden(page: MkPage) -> bool:   # drafts stay visible in `mkdocs serve`
            return page.file.inclusion.is_excluded() and not self.preview

        if not config.nav:   # automatic navigation: sections named after their column (通知公告), not "Tzgg"
            name_sections(nav.items, self._page_meta)
        if not any(hidden(p) for p in nav.pages):
            return nav
        items = _prune(nav.items, hidden)
        pages = [p for p in nav.pages if not hidden(p)]
        _add_previous_and_next_links(pages)
        _add_parent_links(items)
        return Navigation(items, pages)

    @event_priority(-100)  # after every other plugin: what is rendered must be what was approved
    @_fail_closed
    def on_page_markdown(self, markdown: str, *, page: MkPage, config, files: Files) -> str:
        result = self.results.get(page.file.src_uri)
        if result is None or result.page is None or self.preview:
            return markdown
        # Compared with the text the gate judged (not a fresh read: the file may change in between).
        # MkDocs drops the newlines that follow the front-matter; nothing else may differ.
        if text_hash(normalise_newlines(markdown)) != self.approved_markdown.get(page.file.src_uri):
            raise PluginError("govgate: " + Msg(
                f"{page.file.src_uri}：有插件在渲染前改动了页面文字，发布的内容将与审核的内容不一致",
                f"{page.file.src_uri}: a plugin changed the page's text before rendering; what would be "
                "published differs from what was approved").render(self.lang))
        return markdown

    @_fail_closed
    def on_page_content(self, html: str, *, page: MkPage, config, files: Files) -> str:
        html = self._unlink_excluded(html, page)
        result = self.results.get(page.file.src_uri)
        if result is not None and result.page is not None:
            if not page.is_index:   # articles show 发布日期 and 来源 under the title; column pages do not
                html = with_page_info(html, result.page.meta, self.lang)
            html += reprint_attribution(result.page.meta, self.lang)   # 转载 must name its source
        if self.preview and result is not None and (not result.approved or result.content_blocked):
            policy = self.gate.trust.policy if self.gate else None
            html = draft_banner(result, policy, self.gate.trust.roster if self.gate else None, self.lang) + html
        return html

    def _unlink_excluded(self, html: str, page: MkPage) -> str:
        """Links to an excluded page would reveal its address: keep the link text only."""
        if not self.excluded_urls:
            return html
        base_url = page.file.url

        def replace(match: re.Match) -> str:
            href = match.group(1)[1:-1].split("#", 1)[0].split("?", 1)[0]
            if not href or "://" in href or href.startswith(("mailto:", "//")):
                return match.group(0)
            target = posixpath.normpath(posixpath.join(posixpath.dirname("/" + base_url), href)).lstrip("/")
            if _normal_url(target) in self.excluded_urls:
                return match.group(2)
            return match.group(0)

        return _ANCHOR_RE.sub(replace, html)

    @_fail_closed
    def on_env(self, env, *, config, files: Files):
        """Last point before MkDocs writes: the deferred check's verdict, then the rendered text of every
        page (macros, snippets, attr_list …)."""
        if self.site_check is not None:
            self._finish_check()
            self._decide(None)
        self._record_outputs(files, config)
        if self.gate is None or self.scanner is None:
            return env
        # Each page's rendered content, scanned whole once (on all cores for a large site; never
        # forked under `mkdocs serve`, whose server runs threads); on_post_page scans the rest.
        items = [(file.src_uri, file.page.content, self._waivers(file.src_uri)) for file in files.documentation_pages()
                 if file.page is not None and file.page.content is not None and not file.inclusion.is_excluded()]
        findings = self.scanner.scan_contents(items, workers=1 if self.preview else None)
        if findings and not self.preview:
            self._abort(Msg("渲染后的页面内容未通过内容安全检查", "rendered pages failed the content rules"), findings)
        if not self.preview and BackgroundScan.available():
            # the template text of written pages is checked on the second core while MkDocs renders
            pages = {file.src_uri: (file.abs_dest_path, self._waivers(file.src_uri), self._stamp_text(file.src_uri))
                     for file in files.documentation_pages() if not file.inclusion.is_excluded()}
            self.background = BackgroundScan(self.scanner, pages)
        return env

    def _record_outputs(self, files: Files, config) -> None:
        """The origin of every file MkDocs will write (the files are final here)."""
        if self.inventory is None or self.gate is None:
            return
        self.inventory.search = any(name.rsplit("/", 1)[-1] == "search" for name in config.plugins)
        custom_dir = Path(config.theme.custom_dir).absolute() if config.theme.custom_dir else None
        assets = set(self.gate.config.assets)
        for file in files:
            if file.inclusion.is_excluded():
                continue
            if file.is_documentation_page():
                origin = Origin.PAGE
            elif file.generated_by:
                origin = Origin.GENERATED
            elif self._from_docs_dir(file):
                origin = Origin.CONFIG if file.src_uri in assets else Origin.ATTACHMENT
            elif custom_dir is not None and Path(file.abs_src_path).absolute().is_relative_to(custom_dir):
                origin = Origin.SEALED_THEME
            else:
                origin = Origin.THEME
            self.inventory.expect(file.dest_uri, origin)
            if origin is Origin.PAGE:
                self.url_sources[_normal_url(file.url)] = file.src_uri

    @event_priority(-100)  # after every other plugin: what is scanned must be what is written
    @_fail_closed
    def on_post_page(self, output: str, *, page: MkPage, config) -> str:
        """The final HTML (theme overrides, ``extra:`` values): a finding here empties site_dir.

        The content on_env scanned is cut out; the template text around it is scanned once per
        distinct piece (htmlscan.py).  The page's own waivers apply, or waived body text would block.
        """
        if self.gate is None or self.scanner is None or self.preview:
            return output
        src_uri = page.file.src_uri
        if self.background is not None and self.background.page(src_uri):
            return output     # checked and stamped in the second process once MkDocs has written it
        self._abort_on_template(self.scanner.scan_page(src_uri, output, self._waivers(src_uri)))
        return stamped(output, self._stamp_text(src_uri))

    @_fail_closed
    def on_post_template(self, output_content: str, *, template_name: str, config) -> str:
        """Theme templates published beside the pages (404.html, sitemap.xml): scanned like a page's template text."""
        if self.inventory is not None:
            self.inventory.expect(template_name, Origin.TEMPLATE)
        if self.scanner is not None and not self.preview:
            if self.background is not None and template_name in config.theme.static_templates:
                # MkDocs writes a theme template to site_dir/<name> once this returns
                self.background.template(template_name, str(Path(config.site_dir) / template_name))
            elif self.background is not None:
                self.background.text(template_name, output_content)
            else:
                self._abort_on_template(self.scanner.scan_page(template_name, output_content, ()))
        return output_content

    def _abort_on_template(self, findings: list[Finding]) -> None:
        if findings:
            self._abort(Msg("最终页面（含主题与 extra 设置）未通过内容安全检查",
                            "the final page (theme and extra values included) failed the content rules"), findings)

    def _stamp_text(self, src_uri: str) -> str:
        """Names the source and approved digest in the page, so `govgate audit` can match what is online."""
        result = self.results.get(src_uri)
        return "" if result is None or result.digest is None else stamp_text(src_uri, result.digest.value)

    def _waivers(self, src_uri: str) -> list:
        result = self.results.get(src_uri)
        return result.page.waivers if result is not None and result.page is not None else []

    @event_priority(-100)  # last: every plugin has written what it writes
    @_fail_closed
    def _check_outputs(self, *, config) -> None:
        """Every file in site_dir has a reviewed origin and was scanned; else the build fails (``exclude``:
        files of no known origin are removed and reported)."""
        if self.inventory is None or self.gate is None or self.preview:
            return
        rules = self.gate.rules

        def scan(display: str, text: str) -> list[Finding]:
            if display.endswith((".html", ".htm", ".svg", ".xml", ".xhtml")):
                return rules.scan_html(display, text)
            found = rules.scan_text(display, text)
            # a search index entry ("…search_index.json#job/#section"): its page's approved waivers hold there too
            source = self.url_sources.get(_normal_url(display.split("#")[1])) if "#" in display else None
            if source is None or not found:
                return found
            kept, _ = apply_waivers(found, self._waivers(source), rules.ruleset.waivable_secret_rules, path=display)
            return kept

        unknown, findings = self.inventory.audit(scan, rules.host_allowed)
        if unknown and self.config.on_unapproved == "exclude" and not findings:
            for finding in unknown:
                (self.site_dir / finding.path.removeprefix("site/")).unlink(missing_ok=True)
            log.warning(Msg(f"输出目录中 {len(unknown)} 个文件没有经审核的来源，已删除：",
                            f"{len(unknown)} file(s) in the output had no reviewed origin and were removed:")
                        .render(self.lang) + "\n" + render_findings(unknown, self.lang))
            return
        if unknown or findings:
            self._abort(Msg("输出目录中有未经审核或未通过检查的内容，停止发布",
                            "the output holds content that was not reviewed or failed the checks; publication "
                            "stopped"), [*unknown, *findings])

    @event_priority(100)  # first: other plugins then see the site checked and stamped
    @_fail_closed
    def _check_site(self, *, config) -> None:
        started = self.timer.start() if self.timer.enabled else None    # this event's own time, for the profile
        if self.background is not None:
            background, self.background = self.background, None
            findings, stats, proved = background.finish()
            self.timer.notes.update(stats)
            cache = self.gate.scan_cache if self.gate else None
            for key in proved if cache is not None else ():
                cache.mark_clean(key)
            self._abort_on_template(findings)
        if self.gate is not None:
            self.gate.close()
        if self.report_dir is not None and not self.preview:
            path = write_report(self.report, self.report_dir, self.lang, "built",
                                trust=self.gate.trust if self.gate else None, site_name=self.site_name)
            log.info(report_written(path, self.lang))
        if started is not None:
            self.timer.stop("on_post_build", started)
        self._write_profile()
        self.guard.disarm()

    on_post_build = CombinedEvent(_check_site, _check_outputs)

    def _write_profile(self) -> None:
        if self.timer.enabled:
            if self.scanner is not None and "pages_fully_rescanned" not in self.timer.notes:
                self.timer.notes.update(pages_fully_rescanned=self.scanner.full_scans,
                                        template_pieces_clean=len(self.scanner.clean) + len(self.scanner.clean_first))
            self.timer.write()

    @event_priority(100)  # first: another plugin's handler that raises must not skip this clean-up
    def on_build_error(self, *, error: Exception) -> None:
        """Leave nothing publishable behind: MkDocs may already have written part of the site."""
        self.guard.disarm()
        self._clean_up_failed_build()

    def _clean_up_failed_build(self, interrupted: bool = False) -> None:
        """Also run at exit after Ctrl-C, SIGTERM or a plugin's SystemExit (``interrupted``: buildguard.py).
        Each step on its own: one that fails is reported and the next still runs; site_dir is emptied first."""
        self._empty_site_dir()
        for step in (lambda: self._stop_background(interrupted), self._write_failed_report):
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - the build is failing anyway; keep cleaning up
                log.error(f"govgate: {type(exc).__name__}: {exc}")

    def _stop_background(self, interrupted: bool) -> None:
        if self.background is not None:
            background, self.background = self.background, None
            background.stop()
        if self.site_check is not None:
            try:     # the audit report of a failed build still names every page's verdict; not when interrupted
                if not interrupted:
                    self._finish_check()
            finally:
                if self.site_check is not None:
                    self.site_check.cancel()
                    self.site_check = None
        if self.gate is not None:
            self.gate.close()
        self._write_profile()

    def _write_failed_report(self) -> None:
        if self.report_dir is not None and not self.preview and self.report.pages:
            try:
                path = write_report(self.report, self.report_dir, self.lang, "failed",
                                    trust=self.gate.trust if self.gate else None, site_name=self.site_name)
                log.info(report_written(path, self.lang))
            except OSError as exc:   # the build is failing anyway; say so, keep cleaning up
                log.error(f"govgate: cannot write the audit report: {exc}")

    def _empty_site_dir(self) -> None:
        if self.preview or self.site_dir is None or not self.site_dir.is_dir():
            return
        left = empty_folder(self.site_dir)
        if left:
            log.error(Msg("构建失败，但无法清空输出目录 {d}：{left}。其中可能有未经审核的内容，切勿发布该目录",
                          "build failed, but {d} could not be emptied: {left}. It may hold unreviewed content: do "
                          "not publish it").format(d=self.site_dir, left="; ".join(left[:5])).render(self.lang))
            return
        log.error(Msg("构建失败，已清空输出目录 {d}，不留下可发布的内容", "build failed; emptied {d} so nothing publishable "
                      "is left behind").format(d=self.site_dir).render(self.lang))


def _is_symlinked(source: Path, docs_dir: Path) -> bool:
    """The file, or a folder between it and docs_dir, is a symbolic link."""
    path = source.absolute()
    while path != docs_dir and docs_dir in path.parents:
        if path.is_symlink():
            return True
        path = path.parent
    return False


def _normal_url(url: str) -> str:
    url = url.lstrip("/")
    if url.endswith("index.html"):
        url = url[: -len("index.html")]
    return url.rstrip("/")


def _prune(items: list, hidden) -> list:
    kept = []
    for item in items:
        if isinstance(item, Section):
            item.children = _prune(item.children, hidden)
            if item.children:
                kept.append(item)
        elif not (isinstance(item, MkPage) and hidden(item)):
            kept.append(item)
    return kept


__all__ = ["GovGatePlugin", "GovGateConfig"]
