"""第四级审核 / 回头看 (seed 002 §7(3)(4)): re-check what is ONLINE with today's rules and sources.

The build already refused anything unapproved; an audit asks whether that is still true of
the site as deployed: pages stay online after their approval lapsed or their source was
retracted, files get uploaded or replaced by hand, word lists grow.  Every file of the
built or deployed site is classified and judged:

* a page carries the plugin's stamp (``govgate-source`` + ``govgate-digest``): its source in
  docs_dir must exist, be approved today, not be retired, and have exactly the stamped digest;
* a docs_dir file (attachment, image, raw HTML) must be linked by a page approved today, or be
  a declared asset, and be byte-identical to what was approved;
* theme files are compared with the installed theme; theme pages (404.html), the search index
  and the sitemap have no source, so they are only scanned (and the index and sitemap may name
  only pages that are online);
* anything else has no source at all: uploaded by hand or left over from an old build.

Every HTML page, text file and attachment is scanned by the content rules as they are today.
"""

from __future__ import annotations

import gzip
import html as html_lib
import json
import multiprocessing
import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .digest import file_sha256
from .errors import GateError
from .findings import Finding, Severity
from .gate import HTML_SUFFIXES, Gate
from .i18n import Msg
from .links import is_page_path
from .pool import fork_pool
from .report import PageResult, Report
from .retirement import EXPIRED

# progress(done, total, phase) — phase is a short Msg naming what is being done
Progress = Callable[[int, int, Msg], None]

SEARCH_INDEX = "search/search_index.json"
SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")
# Written by deploy tools, not by the build: nothing to publish in them.
DEPLOY_FILES = (".nojekyll",)
PARALLEL_THRESHOLD = 64     # below this many files to scan, starting workers costs more than it saves
_STAMP_RE = re.compile(r'<meta name="govgate-(source|digest)" content="([^"]*)">')
_LOC_RE = re.compile(r"<loc>\s*([^<]*?)\s*</loc>", re.IGNORECASE)

PHASE_SOURCES = Msg("核对源文件", "checking sources")
PHASE_FILES = Msg("扫描网站文件", "scanning site files")


@dataclass(frozen=True)
class AuditInputs:
    """What the site's MkDocs configuration says about the files a build writes."""

    site_dir: Path
    theme_dirs: tuple[Path, ...] = ()          # copied theme files come from these, first match wins
    static_templates: frozenset[str] = frozenset({"404.html", "sitemap.xml"})   # theme pages without a source
    use_directory_urls: bool = True
    site_url: str = ""
    theme_files: tuple[tuple[str, Path], ...] = ()   # copied by plugins from elsewhere (search languages)

    def theme_source(self, rel: str) -> Path | None:
        explicit = dict(self.theme_files).get(rel)
        if explicit is not None:
            return explicit
        return next((d / rel for d in self.theme_dirs if (d / rel).is_file()), None)


@dataclass
class OnlineFile:
    path: str           # relative to the site folder
    kind: str           # page | theme_page | attachment | asset | theme | search_index | sitemap | unknown
    source: str = ""    # docs_dir path this file comes from, when it has one
    blocking: bool = False

    def as_dict(self) -> dict:
        return {"path": self.path, "kind": self.kind, "source": self.source or None, "ok": not self.blocking}


@dataclass
class AuditResult:
    site_dir: Path
    files: list[OnlineFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return any(f.blocking for f in self.findings)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for item in self.files:
            counts[item.kind] += 1
        return dict(sorted(counts.items()))

    def as_dict(self, lang: str = "zh") -> dict:
        blocking = [f for f in self.findings if f.blocking]
        return {
            "site_dir": str(self.site_dir),
            "summary": {"files": len(self.files), "kinds": self.counts(), "blocking": len(blocking),
                        "files_with_problems": len({f.path for f in blocking})},
            "files": [f.as_dict() for f in self.files],
            "findings": [f.as_dict(lang) for f in self.findings],
        }


def _finding(path: str, rule: str, message: Msg, hint: Msg | None = None, severity: Severity = Severity.BLOCK,
             location: str = "", category: str = "audit") -> Finding:
    return Finding(path, 0, 0, rule, category, severity, message, suggestion=hint, location=location)


def _rehome(finding: Finding, path: str, location: str) -> Finding:
    """A finding about a source or an index entry, reported at the online file it concerns."""
    return Finding(path, 0, 0, finding.rule, finding.category, finding.severity, finding.message, finding.match,
                   finding.suggestion, location, finding.extra)


def _order(finding: Finding) -> tuple:
    return (finding.path, finding.line, finding.column, finding.location, finding.rule, finding.match)


def expected_output(src: str, use_directory_urls: bool) -> str:
    """Where MkDocs writes the page built from ``src`` (mkdocs.structure.files.File.dest_uri)."""
    stem, _ = posixpath.splitext(src)
    folder, name = posixpath.split(stem)
    if name.lower() in ("index", "readme"):
        return posixpath.join(folder, "index.html")
    return posixpath.join(stem, "index.html") if use_directory_urls else stem + ".html"


def _url_to_file(url_path: str, use_directory_urls: bool) -> str:
    path = unquote(url_path.split("#", 1)[0].split("?", 1)[0]).lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path


def site_files(site_dir: Path) -> list[str]:
    """Every file a visitor could fetch, sorted; VCS folders of a deployed checkout are not part of it."""
    found = []
    for folder, dirs, files in os.walk(site_dir):
        dirs[:] = sorted(d for d in dirs if d not in (".git", ".hg", ".svn"))
        rel_folder = Path(folder).relative_to(site_dir).as_posix()
        for name in files:
            rel = name if rel_folder == "." else f"{rel_folder}/{name}"
            if rel not in DEPLOY_FILES:
                found.append(rel)
    return sorted(found)


def check_site_dir(site_dir: Path) -> list[str]:
    if not site_dir.is_dir():
        raise GateError(Msg("网站目录不存在", "the site folder does not exist"), str(site_dir),
                        hint=Msg("指定 mkdocs build 生成的目录（site_dir）或已部署网站的目录",
                                 "give the folder `mkdocs build` wrote (site_dir) or the deployed site's folder"))
    files = site_files(site_dir)
    if not any(f.lower().endswith((".html", ".htm")) for f in files):
        raise GateError(Msg("该目录不是构建好的网站：其中没有 HTML 页面", "this is not a built site: it holds no HTML page"),
                        str(site_dir), hint=Msg("先运行 mkdocs build，再审核 site_dir", "run `mkdocs build`, then audit site_dir"))
    return files


# -- scanning (may run in worker processes) ------------------------------------------------------

@dataclass(frozen=True)
class ScanJob:
    path: str                  # online path, findings are reported there
    abs_path: str
    mode: str                  # html | attachment | search_index | sitemap_gz
    waivers: tuple = ()
    index_waivers: tuple = ()  # search index: (location prefix, waivers) per page


_ENGINE = None   # the rule engine of the running audit; inherited by forked workers


def _scan_one(job: ScanJob) -> list[Finding]:
    engine = _ENGINE
    assert engine is not None
    path = Path(job.abs_path)
    if job.mode == "attachment":
        return engine.scan_attachment(job.path, path)
    try:
        data = path.read_bytes()
        if job.mode == "sitemap_gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        return [_finding(job.path, "input.encoding", Msg(f"无法读取为 UTF-8 文本：{exc}", f"cannot read as UTF-8 text: {exc}"),
                         category="input")]
    if job.mode == "search_index":
        return _scan_search_index(engine, job, text)
    # The plugin scanned each page before stamping it; the stamp's hex digest is not content.
    return engine.scan_html(job.path, _STAMP_RE.sub("", text), waivers=job.waivers)


def _scan_search_index(engine, job: ScanJob, text: str) -> list[Finding]:  # noqa: ANN001
    try:
        docs = json.loads(text).get("docs", [])
    except (ValueError, AttributeError):
        return [_finding(job.path, "input.search_index", Msg("搜索索引不是有效的 JSON", "the search index is not valid JSON"),
                         category="input")]
    waivers = dict(job.index_waivers)
    seen: set[tuple] = set()
    out = []
    for doc in docs if isinstance(docs, list) else []:
        if not isinstance(doc, dict):
            continue
        location = str(doc.get("location", ""))
        page = location.split("#", 1)[0]
        body = f"{doc.get('title', '')}\n{doc.get('text', '')}"
        for finding in engine.scan_html(job.path, body, waivers=waivers.get(page, ())):
            key = (page, finding.rule, finding.match)   # a page's sections repeat its text
            if key not in seen:
                seen.add(key)
                out.append(_rehome(finding, job.path, f"location: {page or '/'}"))
    return out


def run_scans(engine, jobs: list[ScanJob], progress: Progress | None = None) -> list[Finding]:  # noqa: ANN001
    """Scan every job; on several cores when there are many.  Results do not depend on the order of completion."""
    global _ENGINE
    _ENGINE = engine
    results: list[list[Finding]] = [[] for _ in jobs]
    workers = min(os.cpu_count() or 1, 8)
    done = 0
    try:
        if workers < 2 or len(jobs) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
            for index, job in enumerate(jobs):
                results[index] = _scan_one(job)
                done += 1
                if progress:
                    progress(done, len(jobs), PHASE_FILES)
        else:
            chunks = [list(range(i, min(i + 8, len(jobs)))) for i in range(0, len(jobs), 8)]
            with fork_pool(workers) as pool:
                futures = {pool.submit(_scan_chunk, [jobs[i] for i in chunk]): chunk for chunk in chunks}
                for future in as_completed(futures):
                    for index, found in zip(futures[future], future.result(), strict=True):
                        results[index] = found
                    done += len(futures[future])
                    if progress:
                        progress(done, len(jobs), PHASE_FILES)
    finally:
        _ENGINE = None
    return [f for found in results for f in found]


def _scan_chunk(jobs: list[ScanJob]) -> list[list[Finding]]:
    return [_scan_one(job) for job in jobs]


# -- the audit ----------------------------------------------------------------------------------

class Auditor:
    def __init__(self, gate: Gate, inputs: AuditInputs, progress: Progress | None = None):
        self.gate = gate
        self.inputs = inputs
        self.progress = progress
        self.docs_dir = gate.docs_dir
        self.result = AuditResult(inputs.site_dir)
        self.sources: dict[str, PageResult] = {}
        self.online_pages: dict[str, str] = {}        # online html path → source
        self.jobs: list[ScanJob] = []

    def display(self, rel: str) -> str:
        return self.gate.config.display(self.docs_dir / rel)

    def run(self) -> AuditResult:
        files = check_site_dir(self.inputs.site_dir)
        self._check_sources()
        approved_files = self._approved_files()
        stamped: dict[str, list[str]] = defaultdict(list)
        for rel in files:
            self._classify(rel, approved_files, stamped)
        self._check_copies(stamped)
        self._check_indexes(files)
        self.result.findings.extend(run_scans(self.gate.rules, self.jobs, self.progress))
        self._dedupe_source_findings()
        blocked = {f.path for f in self.result.findings if f.blocking}
        for item in self.result.files:
            item.blocking = item.path in blocked
        self.result.findings.sort(key=_order)
        return self.result

    # sources ------------------------------------------------------------------------------

    def _check_sources(self) -> None:
        pages, _others, _problems = self.gate.discover()
        report = Report()
        for index, rel in enumerate(pages, 1):
            report.pages.append(self.gate.check_page(rel))
            if self.progress:
                self.progress(index, len(pages), PHASE_SOURCES)
        self.sources = {p.path: p for p in report.pages}
        self.gate.close()   # evidence is done; scanning may fork

    def _cleared(self, result: PageResult) -> bool:
        return result.approved and not result.content_blocked and not result.retired

    def _approved_files(self) -> dict[str, dict[str, str]]:
        """docs_dir file → {approving page: approved sha256}."""
        files: dict[str, dict[str, str]] = defaultdict(dict)
        for result in self.sources.values():
            if self._cleared(result) and result.digest is not None:
                for rel, sha in result.digest.files.items():
                    files[rel][result.path] = sha
        return files

    # classification ----------------------------------------------------------------------

    def _classify(self, rel: str, approved_files: dict[str, dict[str, str]], stamped: dict[str, list[str]]) -> None:
        abs_path = self.inputs.site_dir / rel
        lower = rel.lower()
        if lower.endswith((".html", ".htm")):
            source, digest = self._stamp(abs_path)
            if source is not None:
                stamped[source].append(rel)
                self._page(rel, source, digest)
                return
        if rel == SEARCH_INDEX:
            self.result.files.append(OnlineFile(rel, "search_index"))
            return   # scanned once every page's waivers are known (_check_indexes)
        if rel in SITEMAPS:
            self.result.files.append(OnlineFile(rel, "sitemap"))
            self.jobs.append(ScanJob(rel, str(abs_path), "sitemap_gz" if rel.endswith(".gz") else "html"))
            return
        docs_file = self.docs_dir / rel
        if docs_file.is_file() and not is_page_path(rel):
            self._docs_file(rel, abs_path, approved_files.get(rel, {}))
            return
        if rel in self.inputs.static_templates:
            self.result.files.append(OnlineFile(rel, "theme_page"))
            self.jobs.append(ScanJob(rel, str(abs_path), "html"))
            return
        theme_file = self.inputs.theme_source(rel)
        if theme_file is not None and not lower.endswith((".html", ".htm")):
            self.result.files.append(OnlineFile(rel, "theme"))
            if file_sha256(theme_file) != file_sha256(abs_path):
                self._add(_finding(rel, "audit.theme_changed",
                                   Msg("主题文件与已安装主题中的同名文件不一致（被改动，或用另一版本主题构建）",
                                       "this theme file differs from the installed theme's (changed, or built with "
                                       "another theme version)"),
                                   Msg("重新构建并部署网站", "rebuild and redeploy the site"), Severity.WARN))
            return
        self._unknown(rel, abs_path)

    def _stamp(self, abs_path: Path) -> tuple[str | None, str | None]:
        try:
            text = abs_path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None, None
        end = text.lower().find("</head>")
        head = text[:end] if end >= 0 else text   # the plugin stamps the head; body text is not a stamp
        found: dict[str, set[str]] = defaultdict(set)
        for name, value in _STAMP_RE.findall(head):
            found[name].add(html_lib.unescape(value))
        if not found:
            return None, None
        sources, digests = found.get("source", set()), found.get("digest", set())
        source = sorted(sources)[0] if len(sources) == 1 else ""   # "" = unusable stamp
        digest = sorted(digests)[0] if len(digests) == 1 else None
        return source, digest

    def _add(self, finding: Finding) -> None:
        self.result.findings.append(finding)

    def _page(self, rel: str, source: str, digest: str | None) -> None:
        self.result.files.append(OnlineFile(rel, "page", source))
        self.online_pages[rel] = source
        result = self.sources.get(source)
        waivers: tuple = ()
        if not source or digest is None:
            self._add(_finding(rel, "audit.stamp_invalid",
                               Msg("页面的来源标记不完整或自相矛盾，无法核对其来源", "the page's source stamp is incomplete or "
                                   "contradictory: its source cannot be checked"),
                               Msg("重新构建并部署网站", "rebuild and redeploy the site")))
        elif result is None:
            self._add(_finding(rel, "audit.source_missing",
                               Msg(f"来源文件 {self.display(source)} 已不存在：网上的页面没有对应的审核稿",
                                   f"its source {self.display(source)} no longer exists: the page online has no "
                                   "reviewed original"),
                               Msg("从网站上撤下该页面（重新构建并部署）", "take the page down (rebuild and redeploy)")))
        else:
            waivers = tuple(result.page.waivers) if result.page else ()
            self._judge_source(rel, source, digest, result)
        self.jobs.append(ScanJob(rel, str(self.inputs.site_dir / rel), "html", waivers))

    def _judge_source(self, rel: str, source: str, digest: str, result: PageResult) -> None:
        shown = self.display(source)
        if result.retired:
            retired = result.retired
            kind = Msg("已过期", "expired") if retired.kind == EXPIRED else Msg("已撤下", "withdrawn")
            details = "，".join(x for x in (retired.since.isoformat() if retired.since else "", retired.by,
                                             retired.reason) if x)
            self._add(_finding(rel, "audit.retired",
                               Msg(f"来源 {shown} {kind.zh}（{details or '无说明'}），该页面必须从网上撤下",
                                   f"its source {shown} is {kind.en} ({details or 'no details'}): the page must be "
                                   "taken down"),
                               Msg("重新构建并部署网站（撤下的页面不会再发布）", "rebuild and redeploy (retired pages are left out)")))
            return
        if not result.approved:
            stages = self.gate.trust.policy.stages
            titles = [f"{stages[s].title}（{s}）" if s in stages else s for s in result.missing]
            missing = "、".join(titles)
            self._add(_finding(rel, "audit.unapproved",
                               Msg(f"来源 {shown} 目前未获准发布" + (f"（尚缺：{missing}）" if missing else "（签核无效或页首信息有误）"),
                                   f"its source {shown} is not approved now"
                                   + (f" (missing: {', '.join(result.missing)})" if missing else
                                      " (invalid sign-offs or front-matter)")),
                               Msg(f"撤下该页面，或完成审核后重新发布；详情：govgate check {shown}",
                                   f"take the page down, or complete the review and republish; details: "
                                   f"govgate check {shown}")))
        current = result.digest.value if result.digest else ""
        if digest != current:
            self._add(_finding(rel, "audit.digest_mismatch",
                               Msg(f"网上页面与来源 {shown} 当前的内容不一致（来源在构建后被修改，或网站由另一版本构建）",
                                   f"the page online does not match the current content of {shown} (the source "
                                   "changed after the build, or the site was built from another tree)"),
                               Msg("用当前审核通过的内容重新构建并部署", "rebuild from the approved sources and redeploy")))
        for finding in result.findings:
            if finding.blocking and finding.category not in ("approval", "input"):
                location = f"{shown}:{finding.line}" if finding.line else shown
                self._add(_rehome(finding, rel, location))

    def _docs_file(self, rel: str, abs_path: Path, approvals: dict[str, str]) -> None:
        is_asset = rel in self.gate.config.assets
        self.result.files.append(OnlineFile(rel, "asset" if is_asset else "attachment", rel))
        online_sha = file_sha256(abs_path)
        if is_asset:
            expected = {file_sha256(self.docs_dir / rel)}
        elif not approvals:
            linked_by = sorted(p.path for p in self.sources.values() if p.digest and rel in p.digest.files)
            self._add(_finding(rel, "audit.unlinked_attachment",
                               Msg("没有任何目前获准发布的页面链接该文件，它不应在网上"
                                   + (f"（仅被未获准或已撤下的页面链接：{', '.join(linked_by)}）" if linked_by else ""),
                                   "no page approved today links this file, so it must not be online"
                                   + (f" (only unapproved or retired pages link it: {', '.join(linked_by)})"
                                      if linked_by else "")),
                               Msg("从网站上删除该文件（重新构建并部署）", "remove it from the site (rebuild and redeploy)")))
            expected = set()
        else:
            expected = set(approvals.values())
        if expected and online_sha not in expected:
            self._add(_finding(rel, "audit.attachment_changed",
                               Msg("网上的文件与审核通过的文件不一致（被替换，或网站由另一版本构建）",
                                   "the file online differs from the approved one (replaced, or the site was built "
                                   "from another tree)"),
                               Msg("用审核通过的文件重新构建并部署", "rebuild from the approved files and redeploy")))
        mode = "html" if rel.lower().endswith(HTML_SUFFIXES) else "attachment"
        self.jobs.append(ScanJob(rel, str(abs_path), mode))

    def _unknown(self, rel: str, abs_path: Path) -> None:
        self.result.files.append(OnlineFile(rel, "unknown"))
        is_html = rel.lower().endswith((".html", ".htm"))
        what = Msg("该页面没有来源标记", "this page carries no source stamp") if is_html else Msg(
            "该文件不在文档目录中，也不属于主题", "this file is neither in the docs folder nor part of the theme")
        self._add(_finding(rel, "audit.unstamped" if is_html else "audit.unknown_file",
                           what + Msg("：没有经过审核的来源（手工上传，或旧版构建的遗留）",
                                      ": it has no reviewed source (uploaded by hand, or left over from an old build)"),
                           Msg("从网站上删除它；需要发布的内容请走审核流程", "remove it from the site; publish content "
                               "through the review process")))
        mode = "html" if rel.lower().endswith(HTML_SUFFIXES) else "attachment"
        self.jobs.append(ScanJob(rel, str(abs_path), mode))

    def _check_copies(self, stamped: dict[str, list[str]]) -> None:
        """A page is built to one address; copies elsewhere were not produced by the build."""
        for source, places in sorted(stamped.items()):
            if not source:
                continue
            expected = expected_output(source, self.inputs.use_directory_urls)
            for rel in places:
                if rel == expected:
                    continue
                if expected in places:
                    self._add(_finding(rel, "audit.copy",
                                       Msg(f"这是 {expected} 的副本，放在构建不会生成的位置",
                                           f"a copy of {expected} at an address the build does not produce"),
                                       Msg("从网站上删除该副本", "remove the copy from the site")))
                else:   # plugins such as material's blog move pages: worth a look, not a refusal
                    self._add(_finding(rel, "audit.moved",
                                       Msg(f"页面不在构建的默认位置（{expected}）", f"the page is not where a build puts it "
                                           f"({expected})"), severity=Severity.WARN))

    # search index and sitemap ------------------------------------------------------------

    def _check_indexes(self, files: list[str]) -> None:
        online = set(self.online_pages) | {f.path for f in self.result.files if f.kind == "theme_page"}
        if SEARCH_INDEX in files:
            self._search_index(online)
        for name in SITEMAPS:
            if name in files:
                self._sitemap(name, online)

    def _search_index(self, online: set[str]) -> None:
        abs_path = self.inputs.site_dir / SEARCH_INDEX
        waivers = []
        for rel, source in sorted(self.online_pages.items()):
            result = self.sources.get(source)
            if result is not None and result.page is not None and result.page.waivers:
                waivers.append((_page_location(rel, self.inputs.use_directory_urls), tuple(result.page.waivers)))
        self.jobs.append(ScanJob(SEARCH_INDEX, str(abs_path), "search_index", index_waivers=tuple(waivers)))
        try:
            docs = json.loads(abs_path.read_text(encoding="utf-8")).get("docs", [])
        except (OSError, ValueError, AttributeError):
            return   # reported by the scan
        locations = sorted({str(d.get("location", "")).split("#", 1)[0] for d in docs if isinstance(d, dict)})
        for location in locations:
            if _url_to_file(location, self.inputs.use_directory_urls) not in online:
                self._add(_finding(SEARCH_INDEX, "audit.index_orphan",
                                   Msg("搜索索引收录了一个不在网上的页面，其文字仍可被搜到",
                                       "the search index holds a page that is not online: its text can still be found"),
                                   Msg("重新构建并部署网站", "rebuild and redeploy the site"), location=f"location: {location or '/'}"))

    def _sitemap(self, name: str, online: set[str]) -> None:
        try:
            data = (self.inputs.site_dir / name).read_bytes()
            text = (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")
        except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
            return   # reported by the scan
        base = urlsplit(self.inputs.site_url).path if self.inputs.site_url else "/"
        for loc in sorted(set(_LOC_RE.findall(text))):
            path = urlsplit(html_lib.unescape(loc)).path
            if base and path.startswith(base):
                path = path[len(base):]
            if _url_to_file(path, self.inputs.use_directory_urls) not in online:
                self._add(_finding(name, "audit.index_orphan",
                                   Msg("站点地图列出了一个不在网上的页面的地址", "the sitemap lists the address of a page that is not "
                                       "online"),
                                   Msg("重新构建并部署网站", "rebuild and redeploy the site"), location=f"loc: {loc}"))

    def _dedupe_source_findings(self) -> None:
        """A source finding already seen in the page's HTML is one problem, reported once (at the HTML)."""
        in_html = {(f.path, f.rule, f.match) for f in self.result.findings if not f.location}
        self.result.findings = [f for f in self.result.findings
                                if not (f.location and f.path in self.online_pages and (f.path, f.rule, f.match) in in_html)]


def _page_location(rel: str, use_directory_urls: bool) -> str:
    """The search index's location of an online page file."""
    if rel.endswith("index.html") and (use_directory_urls or rel == "index.html"):
        return rel[: -len("index.html")]
    return rel


def audit_site(gate: Gate, inputs: AuditInputs, progress: Progress | None = None) -> AuditResult:
    return Auditor(gate, inputs, progress).run()


def kinds_summary(result: AuditResult, lang: str) -> str:
    names = {"page": Msg("页面", "pages"), "attachment": Msg("附件", "attachments"), "asset": Msg("资源", "assets"),
             "theme": Msg("主题文件", "theme files"), "theme_page": Msg("主题页面", "theme pages"),
             "search_index": Msg("搜索索引", "search index"), "sitemap": Msg("站点地图", "sitemaps"),
             "unknown": Msg("来源不明", "of unknown origin")}
    parts: Iterable[str] = (f"{names.get(k, Msg(k, k)).render(lang)} {n}" for k, n in result.counts().items())
    return ("，" if lang != "en" else ", ").join(parts)


__all__ = ["AuditInputs", "AuditResult", "Auditor", "OnlineFile", "audit_site", "expected_output"]
