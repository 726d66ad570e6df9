"""The one evaluation path: every enforcement point asks this module, so they cannot disagree."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from .approval import Evidence, evaluate
from .digest import PageDigest, compute_digest
from .errors import GateError
from .findings import Finding, Severity
from .i18n import Msg
from .links import is_page_path
from .page import Page
from .pool import parallel_map, start_child
from .report import PageResult, Report
from .retirement import Retirement, retirement
from .site import SiteConfig, Trust, load_trust

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".svg", ".xml")
T = TypeVar("T")


class ContentRules(Protocol):
    def scan_page(self, page: Page) -> list[Finding]: ...
    def scan_html(self, path: str, html: str, *, waivers=()) -> list[Finding]: ...
    def scan_attachment(self, path: str, abs_path: Path) -> list[Finding]: ...


class WithdrawalCheck(Protocol):
    """Judges a page's ``withdrawn:`` record (evidence/retraction.py): verified or not, with findings."""

    def __call__(self, page: Page, retired: Retirement) -> tuple[Retirement, list[Finding]]: ...


@dataclass
class Prepared:
    """A page read, digested and scanned, before its sign-offs are judged."""

    path: str
    page: Page | None = None
    digest: PageDigest | None = None
    rule_findings: list[Finding] = field(default_factory=list)
    error: GateError | None = None


class SiteCheck:
    """A site check under way (Gate.start_site_check): pages read, digested and scanned; attachments
    and sign-offs possibly still being checked in other processes.  ``report()`` waits for them."""

    def __init__(self, gate: Gate, prepared: list[Prepared], files_ready: Callable[[], tuple[list[Finding], dict]],
                 evidence_ready: Callable[[], None] | None, keep_sources: bool):
        self.gate = gate
        self.prepared = prepared
        self._files_ready: Callable[[], tuple[list[Finding], dict]] | None = files_ready
        self._evidence_ready = evidence_ready
        self._keep_sources = keep_sources
        self._report: Report | None = None

    def preliminary(self) -> Report:
        """What is known before sign-offs are judged: each page's input and content findings and whether
        it is retired (from its front-matter), no verdicts; no attachment findings yet."""
        return Report([self.gate._finish(p, judge=False) for p in self.prepared])

    def report(self) -> Report:
        if self._report is None:
            report = Report()
            try:
                assert self._files_ready is not None
                found, fresh = self._files_ready()
                self._files_ready = None
                report.findings.extend(found)
                if self.gate.scan_cache is not None:
                    self.gate.scan_cache.merge(fresh)
                if self._evidence_ready is not None:
                    self._evidence_ready()
                    self._evidence_ready = None
            except BaseException:
                self.cancel()
                raise
            report.pages = [self.gate._finish(p) for p in self.prepared]
            if not self._keep_sources:
                for result in report.pages:
                    if result.page is not None:
                        result.page.meta_lines = {}
            self._report = report
        return self._report

    def cancel(self) -> None:
        """Stop what still runs elsewhere (a failed build will not ask for the report)."""
        for child in (self._files_ready, self._evidence_ready):
            cancel = getattr(child, "cancel", None)
            if cancel is not None:
                cancel()
        self._files_ready = self._evidence_ready = None


def page_failure(path: str, error: Exception) -> GateError:
    """What the gate could not do with one page, as that page's error: the page is refused (or excluded)
    like any unreadable page, with its file named, and the rest of the site is checked as usual.

    Every input the readers are known to meet is a GateError with its line (tests/test_failclosed_fuzz.py);
    this is the net under them, so an unforeseen input costs one page, never the whole site."""
    detail = f"{type(error).__name__}: {error}"[:300]
    return GateError(Msg(f"门禁内部错误，无法检查本页（{detail}），本页不能发布",
                         f"internal error in the gate: it could not check this page ({detail}); the page cannot be "
                         "published"),
                     path, hint=Msg("请把本页与此消息报告给门禁维护者；改正页首信息或正文中异常的写法后重试",
                                    "report this page and message to the gate's maintainers; fix unusual writing in "
                                    "its front-matter or body, then try again"))


def error_finding(error: GateError, path: str = "", rule: str = "input.error", category: str = "input") -> Finding:
    return Finding(error.path or path, error.line, error.column, rule, category, Severity.BLOCK, error.message,
                   suggestion=error.hint)


def _file_finding(path: str, rule: str, message: Msg, hint: Msg | None = None) -> Finding:
    return Finding(path, 0, 0, rule, "input", Severity.BLOCK, message, suggestion=hint)


PHASE_PAGES = Msg("检查页面", "checking pages")
PHASE_FILES = Msg("检查附件", "checking attachments")


class Gate:
    def __init__(self, config: SiteConfig, *, rules: ContentRules | None = None, evidence: Evidence | None = None,
                 trust: Trust | None = None, withdrawals: WithdrawalCheck | None = None):
        self.config = config
        self.trust = trust or load_trust(config)
        self.rules = rules
        self.evidence = evidence
        self.withdrawals = withdrawals
        self.today = dt.date.today()
        self.progress: Callable[[int, int, Msg], None] | None = None   # the CLI's progress bar (terminal.py)

    def close(self) -> None:
        """Write the scan cache; release the evidence verifier (it writes its cache on close) and the withdrawal checker."""
        self.save_caches()
        for part in (self.evidence, self.withdrawals):
            close = getattr(part, "close", None)
            if close is not None:
                close()

    @property
    def docs_dir(self) -> Path:
        return self.config.docs_dir

    def load_page(self, rel_path: str) -> Page:
        return Page.load(self.docs_dir, rel_path)

    def check_page(self, rel_path: str) -> PageResult:
        return self._finish(self._prepare(rel_path))

    def check_loaded(self, page: Page) -> PageResult:
        return self._finish(self._prepare_loaded(page))

    # Checking a page is two steps: what needs only the page (parse, digest, content rules: run on
    # all cores for a large site), then the sign-offs, whose evidence lives in this process.
    def _prepare(self, rel_path: str) -> Prepared:
        try:
            page = self.load_page(rel_path)
        except GateError as error:
            return Prepared(rel_path, error=error)
        except Exception as error:   # noqa: BLE001 - one page's bytes never stop the site (see page_failure)
            return Prepared(rel_path, error=page_failure(rel_path, error))
        return self._prepare_loaded(page)

    def _prepare_lean(self, rel_path: str) -> Prepared:
        """_prepare, then the page's sources released (Page.release_sources): less to hold, and to send back from a worker."""
        prepared = self._prepare(rel_path)
        if prepared.page is not None:
            prepared.page.release_sources()
        return prepared

    def _prepare_loaded(self, page: Page) -> Prepared:
        try:
            digest = compute_digest(page, self.docs_dir, self.config.use_directory_urls)
            rule_findings = self.rules.scan_page(page) if self.rules is not None else []
        except Exception as error:   # noqa: BLE001 - one page's content never stops the site (see page_failure)
            return Prepared(page.path, error=page_failure(page.path, error))
        return Prepared(page.path, page, digest, rule_findings)

    def _finish(self, prepared: Prepared, judge: bool = True) -> PageResult:
        """The page's result; ``judge=False``: without a verdict on its sign-offs or its withdrawal record."""
        page, digest = prepared.page, prepared.digest
        if page is None or digest is None:
            assert prepared.error is not None
            return PageResult(prepared.path, None, [error_finding(prepared.error, prepared.path)])
        verdict = evaluate(page, self.trust.policy, self.trust.roster, digest.value, self.evidence) if judge else None
        findings = [error_finding(p, page.path) for p in digest.problems] + list(verdict.findings if verdict else ())
        findings.extend(prepared.rule_findings)
        retired = retirement(page.meta, self.today)
        if judge and retired is not None and self.withdrawals is not None:
            # an unverified `withdrawn:` still takes the page offline, with a warning naming it
            retired, more = self.withdrawals(page, retired)
            findings.extend(more)
        return PageResult(page.path, verdict, findings, digest, page, retired)

    def check_site(self, page_paths: Iterable[str], other_paths: Iterable[str], *,
                   workers: int | None = None, keep_sources: bool = True) -> Report:
        """Pages plus every other file that would be published from docs_dir.

        Parsing, digests and content rules run on all cores for a large site (``pool.py``); the
        report is the same as a serial run's, page for page and finding for finding.
        ``keep_sources=False`` (the plugin: MkDocs holds the site in memory too) releases each page's
        bytes, text, YAML tree and body once scanned (Page.release_sources) and its key lines once judged;
        its front-matter and sign-offs stay.
        """
        return self.start_site_check(page_paths, other_paths, workers=workers, keep_sources=keep_sources).report()

    def start_site_check(self, page_paths: Iterable[str], other_paths: Iterable[str], *, workers: int | None = None,
                         keep_sources: bool = True, background: bool = False) -> SiteCheck:
        """check_site in two steps: pages are parsed, digested and scanned now; sign-offs are verified
        (a large site: in a child process) and attachments checked when ``report()`` is asked for, or,
        ``background``, in child processes from now on while the caller goes on (MkDocs renders)."""
        prepare = self._prepare if keep_sources else self._prepare_lean
        prepared = self._map(prepare, sorted(page_paths), workers, phase=PHASE_PAGES)
        evidence_ready = self._prefill_evidence([p.page for p in prepared if p.page is not None])
        linked = {f for p in prepared if p.digest for f in p.digest.files}
        others = sorted(other_paths)
        # lean: attachments are read in workers even for a small site, so their parsers (PDF, Office:
        # ~40 MB) never load into the build's process
        min_items = None if keep_sources else 1

        def check_files() -> list[Finding]:
            found = self._map(lambda rel: self.check_file(rel, rel in linked), others, workers, min_items=min_items,
                              phase=PHASE_FILES)
            return [f for findings in found for f in findings]

        def in_child() -> tuple[list[Finding], dict]:     # and the scan results, for this process's cache
            return check_files(), self.scan_cache.take_fresh() if self.scan_cache is not None else {}

        files_ready: Callable[[], tuple[list[Finding], dict]] = start_child(in_child) if background and others \
            else lambda: (check_files(), {})
        return SiteCheck(self, prepared, files_ready, evidence_ready, keep_sources)

    def _prefill_evidence(self, pages: list[Page]) -> Callable[[], None] | None:
        """Let the history verifier answer for the whole site at once, in its own process (evidence/__init__.py);
        the returned function waits for it."""
        verifier = self.evidence
        while verifier is not None and not hasattr(verifier, "prefill"):
            verifier = getattr(verifier, "inner", None)     # wrappers such as VoidedByRetraction
        return verifier.prefill(pages) if verifier is not None else None

    @property
    def scan_cache(self):  # noqa: ANN201 - scancache.ScanCache | None
        """The content rules' result cache, when they have one (scancache.CachedRules)."""
        return getattr(self.rules, "cache", None)

    def _map(self, task: Callable[[str], T], items: list[str], workers: int | None,
             min_items: int | None = None, phase: Msg | None = None) -> list[T]:
        cache = self.scan_cache
        bar, told = self.progress, None
        if bar is not None and phase is not None:
            def told(done: int, total: int) -> None:
                bar(done, total, phase)
        return parallel_map(task, items, workers=workers, harvest=cache.take_fresh if cache else None,
                            merge=cache.merge if cache else None, min_items=min_items, progress=told)

    def release_evidence(self) -> None:
        """Close the evidence verifier (it writes its cache) and let it go: a build needs it only while checking."""
        close = getattr(self.evidence, "close", None)
        if close is not None:
            close()
        self.evidence = None

    def save_caches(self) -> None:
        save = getattr(self.rules, "save", None)
        if save is not None:
            save()

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


