"""The one evaluation path: every enforcement point asks this module, so they cannot disagree."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from .approval import Evidence, evaluate
from .digest import compute_digest
from .errors import GateError
from .findings import Finding, Severity
from .i18n import Msg
from .links import is_page_path
from .page import Page
from .report import PageResult, Report
from .retirement import retirement
from .site import SiteConfig, Trust, load_trust

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".svg", ".xml")


class ContentRules(Protocol):
    def scan_page(self, page: Page) -> list[Finding]: ...
    def scan_html(self, path: str, html: str, *, waivers=()) -> list[Finding]: ...
    def scan_attachment(self, path: str, abs_path: Path) -> list[Finding]: ...


def error_finding(error: GateError, path: str = "", rule: str = "input.error", category: str = "input") -> Finding:
    return Finding(error.path or path, error.line, error.column, rule, category, Severity.BLOCK, error.message,
                   suggestion=error.hint)


def _file_finding(path: str, rule: str, message: Msg, hint: Msg | None = None) -> Finding:
    return Finding(path, 0, 0, rule, "input", Severity.BLOCK, message, suggestion=hint)


class Gate:
    def __init__(self, config: SiteConfig, *, rules: ContentRules | None = None, evidence: Evidence | None = None,
                 trust: Trust | None = None):
        self.config = config
        self.trust = trust or load_trust(config)
        self.rules = rules
        self.evidence = evidence
        self.today = dt.date.today()

    def close(self) -> None:
        """Release the evidence verifier (it writes its cache on close)."""
        close = getattr(self.evidence, "close", None)
        if close is not None:
            close()

    @property
    def docs_dir(self) -> Path:
        return self.config.docs_dir

    def load_page(self, rel_path: str) -> Page:
        return Page.load(self.docs_dir, rel_path)

    def check_page(self, rel_path: str) -> PageResult:
        try:
            page = self.load_page(rel_path)
        except GateError as error:
            return PageResult(rel_path, None, [error_finding(error, rel_path)])
        return self.check_loaded(page)

    def check_loaded(self, page: Page) -> PageResult:
        digest = compute_digest(page, self.docs_dir, self.config.use_directory_urls)
        verdict = evaluate(page, self.trust.policy, self.trust.roster, digest.value, self.evidence)
        findings = [error_finding(p, page.path) for p in digest.problems] + list(verdict.findings)
        if self.rules is not None:
            findings.extend(self.rules.scan_page(page))
        return PageResult(page.path, verdict, findings, digest, page, retirement(page.meta, self.today))

    def check_site(self, page_paths: Iterable[str], other_paths: Iterable[str]) -> Report:
        """Pages plus every other file that would be published from docs_dir."""
        report = Report()
        for rel_path in sorted(page_paths):
            report.pages.append(self.check_page(rel_path))
        linked = {f for p in report.pages if p.digest for f in p.digest.files}
        for rel_path in sorted(other_paths):
            report.findings.extend(self.check_file(rel_path, rel_path in linked))
        return report

    def check_file(self, rel_path: str, linked: bool) -> list[Finding]:
        abs_path = self.docs_dir / rel_path
        if rel_path.rsplit("/", 1)[-1] == ".meta.yml":
            return [_file_finding(rel_path, "input.meta_file",
                                  Msg("不支持按目录设置的 .meta.yml：它绕过页面签核改变页面信息",
                                      "folder-level .meta.yml is not supported: it changes pages outside their sign-offs"),
                                  Msg("把这些设置写进各页面的页首信息", "put these settings into each page's front-matter"))]
        if rel_path in self.config.assets:
            return self._scan_file(rel_path, abs_path)
        if not linked:
            return [_file_finding(rel_path, "approval.unlinked_file",
                                  Msg("该文件没有被任何页面引用，未经审核，不能发布",
                                      "this file is linked from no page, so nobody reviewed it; it cannot be published"),
                                  Msg("在审核的页面中链接它（其内容随页面一起签核），或删除它",
                                      "link it from a page (it is then signed off with that page), or remove it"))]
        return self._scan_file(rel_path, abs_path)

    def _scan_file(self, rel_path: str, abs_path: Path) -> list[Finding]:
        if self.rules is None:
            return []
        if rel_path.lower().endswith(HTML_SUFFIXES):
            try:
                text = abs_path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                return [_file_finding(rel_path, "input.encoding", Msg("文件不是 UTF-8 文本", "file is not UTF-8 text"))]
            return self.rules.scan_html(rel_path, text)
        return self.rules.scan_attachment(rel_path, abs_path)

    def discover(self) -> tuple[list[str], list[str], list[Finding]]:
        """Pages and other files under docs_dir as MkDocs would publish them, plus symlink findings."""
        pages, others, findings = [], [], []
        for folder, dirs, files in os.walk(self.docs_dir, followlinks=False):
            rel_folder = Path(folder).relative_to(self.docs_dir).as_posix()
            for name in list(dirs):
                rel = name if rel_folder == "." else f"{rel_folder}/{name}"
                if (Path(folder) / name).is_symlink():
                    findings.append(symlink_finding(rel))
                    dirs.remove(name)
                elif name.startswith(".") or (rel_folder == "." and name == "templates"):
                    dirs.remove(name)   # MkDocs' default exclude_docs
            for name in files:
                rel = name if rel_folder == "." else f"{rel_folder}/{name}"
                if (Path(folder) / name).is_symlink():
                    findings.append(symlink_finding(rel))
                elif name == ".meta.yml" or not name.startswith("."):
                    (pages if is_page_path(name) else others).append(rel)
        return sorted(pages), sorted(others), findings


def symlink_finding(rel_path: str) -> Finding:
    return _file_finding(rel_path, "input.symlink",
                         Msg("文档目录中有符号链接：MkDocs 会跟随它发布未经审核的内容",
                             "symbolic link in the docs directory: MkDocs would follow it and publish unreviewed content"),
                         Msg("用真实文件替换符号链接", "replace the symbolic link with the real file"))


