"""Every published byte accounted for: what may be in ``site_dir`` after a build, and checking it is so.

The build records where each output comes from (origin) as MkDocs decides it; after every plugin
has written, :meth:`OutputInventory.audit` walks ``site_dir`` (dot-files included) and returns
each file with no known origin, each attachment of a type the rules cannot read (unless the
sealed configuration allows the suffix), the text outputs nobody else scanned (theme files of
the sealed ``custom_dir``, the search index) run through the content rules, and active content
(external scripts, stylesheets, redirects, frames) in every HTML or SVG file.
"""

from __future__ import annotations

import enum
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape as html_unescape
from pathlib import Path

from .activecontent import active_references
from .findings import Finding, Severity
from .i18n import Msg


class Origin(enum.Enum):
    PAGE = "page"                 # a page the gate cleared (scanned in on_env / on_post_page)
    ATTACHMENT = "attachment"     # a docs_dir file a cleared page links (scanned by the gate)
    CONFIG = "config"             # a file the sealed configuration names (extra_css …), in docs_dir
    SEALED_THEME = "sealed-theme"  # a static file of the sealed custom_dir: scanned here when text
    THEME = "theme"               # a file of the installed theme package
    TEMPLATE = "template"         # a rendered theme or extra template (scanned in on_post_template)
    GENERATED = "generated"       # written by MkDocs or an allowed plugin (search index): scanned here


# Attachments the content rules read, and images (no text to read); anything else needs an admin's yes.
READABLE_TYPES = frozenset({".docx", ".xlsx", ".pdf", ".txt", ".csv", ".html", ".htm"})
IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".ico", ".svg"})
TEXT_TYPES = frozenset({".html", ".htm", ".svg", ".xml", ".txt", ".css", ".js", ".json", ".md", ".csv", ".xhtml"})
ACTIVE_TYPES = frozenset({".html", ".htm", ".svg", ".xhtml", ".xml"})
# What the search plugin writes under search/ besides the files MkDocs lists.
_SEARCH_OUTPUTS = ("search/search_index.json",)
_SEARCH_SCRIPT_PREFIX = ("search/lunr.", "search/tinyseg.js")

Scan = Callable[[str, str], list[Finding]]         # (display path, text) → findings of the content rules


@dataclass
class OutputInventory:
    site_dir: Path
    publish_types: tuple[str, ...] = ()
    expected: dict[str, Origin] = field(default_factory=dict)
    search: bool = False

    def expect(self, dest: str, origin: Origin) -> None:
        self.expected[dest.replace(os.sep, "/")] = origin

    def origin_of(self, rel: str) -> Origin | None:
        if rel in self.expected:
            return self.expected[rel]
        if rel.endswith(".gz") and self.expected.get(rel[:-3]) is Origin.TEMPLATE:
            return Origin.TEMPLATE     # sitemap.xml.gz: MkDocs' gzip of a scanned template
        if self.search and (rel in _SEARCH_OUTPUTS or rel.startswith(_SEARCH_SCRIPT_PREFIX)):
            return Origin.GENERATED if rel.endswith(".json") else Origin.THEME
        return None

    def audit(self, scan: Scan, allowed_host: Callable[[str], bool]) -> tuple[list[Finding], list[Finding]]:
        """(files with no reviewed origin, findings in what was published)."""
        unknown: list[Finding] = []
        findings: list[Finding] = []
        if not self.site_dir.is_dir():
            return unknown, findings
        for folder, dirs, names in os.walk(self.site_dir):
            dirs.sort()
            # os.walk never enters a symlinked folder: what it points at would be published unaccounted
            linked = [d for d in dirs if (Path(folder) / d).is_symlink()]
            dirs[:] = [d for d in dirs if d not in linked]
            for name in sorted([*names, *linked]):
                path = Path(folder) / name
                rel = path.relative_to(self.site_dir).as_posix()
                origin = self.origin_of(rel)
                display = f"site/{rel}"
                if origin is None or path.is_symlink():
                    unknown.append(_finding(display, "output.unknown", Msg(
                        "输出目录中的文件没有经审核的来源（不是获准页面、其附件、封签配置或允许的插件输出）",
                        "a file in the output has no reviewed origin (not a cleared page, its attachment, sealed "
                        "configuration or an allowed plugin's output)")))
                    continue
                suffix = path.suffix.lower()
                if origin is Origin.ATTACHMENT and suffix not in READABLE_TYPES | IMAGE_TYPES \
                        and suffix not in self.publish_types:
                    findings.append(_finding(display, "output.unreadable_type", Msg(
                        f"附件类型 {suffix or '（无扩展名）'} 的内容无法检查，不能发布",
                        f"attachments of type {suffix or '(none)'} cannot be checked and are not published"),
                        Msg("改用 docx、xlsx、pdf 等可检查的格式；确需发布时由管理员在 publish_types 中允许并重新封签",
                            "use a checkable format (docx, xlsx, pdf); if it must be published, an admin allows the "
                            "suffix in publish_types and seals again")))
                    continue
                if suffix not in TEXT_TYPES or origin is Origin.THEME and suffix not in ACTIVE_TYPES:
                    continue
                data = path.read_bytes()
                if origin is Origin.ATTACHMENT:
                    problem = encoding_problem(data)
                    if problem is not None:
                        findings.append(_finding(display, "output.encoding", problem, Msg(
                            "另存为 UTF-8 后重新送审", "save it as UTF-8 and have it reviewed again")))
                        continue
                text = data.decode("utf-8", errors="replace")
                if rel.endswith("search_index.json") and origin is Origin.GENERATED:
                    findings.extend(_scan_search_index(display, text, scan))
                elif origin in (Origin.SEALED_THEME, Origin.GENERATED) or suffix == ".svg" and origin is Origin.ATTACHMENT:
                    findings.extend(scan(display, text))    # an image's text: nobody else reads it
                if suffix in ACTIVE_TYPES:
                    findings.extend(_active(display, text, allowed_host))
                if suffix == ".svg" and origin is not Origin.THEME:
                    findings.extend(_svg_scripts(display, text))
        return unknown, findings


def _scan_search_index(display: str, text: str, scan: Scan) -> list[Finding]:
    """The search index entry by entry (its text, unescaped; one entry per page section): what a visitor's
    search shows.  Scanned whole, the JSON of a large site is one multi-megabyte line."""
    try:
        docs = json.loads(text).get("docs", [])
    except (ValueError, AttributeError):
        return [_finding(display, "output.unreadable", Msg("搜索索引无法读取", "the search index cannot be read"))]
    findings: list[Finding] = []
    for doc in docs if isinstance(docs, list) else []:
        if isinstance(doc, dict):
            entry = f"{doc.get('title', '')}\n{doc.get('text', '')}"
            findings.extend(scan(f"{display}#{doc.get('location', '')}", entry))
    return findings


def _active(display: str, text: str, allowed_host: Callable[[str], bool]) -> list[Finding]:
    out = []
    for ref in active_references(text, allowed_host):
        out.append(Finding(display, ref.line, ref.column, "link.active_content", "link", Severity.BLOCK, Msg(
            f"<{ref.element}> 从站外地址加载、执行或跳转：{ref.url}（发布后可被他人改写页面）",
            f"<{ref.element}> loads, runs or redirects to an outside address: {ref.url} (the live page could be "
            "rewritten after review)"), match=ref.url[:200]))
    return out


# element names with any namespace prefix: <s:script> is an SVG script when s names the SVG namespace
_SVG_SCRIPT_RE = re.compile(r"<\s*(?:[\w.-]+:)?(?:script|foreignobject|handler)\b|\son[a-z]+\s*=|javascript\s*:",
                            re.IGNORECASE)
# Charsets a browser may pick that the rules do not read (the rules decode UTF-8, then GB18030).
_META_CHARSET_RE = re.compile(rb"""<meta[^>]*charset\s*=\s*["']?\s*([a-z0-9_:.-]+)""", re.IGNORECASE)
_READ_CHARSETS = {b"utf-8", b"utf8", b"gb2312", b"gbk", b"gb18030", b"us-ascii", b"ascii"}


def encoding_problem(data: bytes) -> Msg | None:
    """Why a text attachment may read differently to a browser than to the content rules (None: it cannot)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        return Msg("文本附件是 UTF-16 等编码：浏览器显示的文字与检查的不一样", "the text attachment is UTF-16 or similar: a "
                   "browser shows other text than the rules read")
    if b"\x1b" in data:
        return Msg("文本附件含有 ISO-2022 等转义编码：浏览器显示的文字与检查的不一样", "the text attachment holds ISO-2022 "
                   "style escape sequences: a browser shows other text than the rules read")
    declared = _META_CHARSET_RE.search(data[:4096])
    if declared and html_unescape(declared.group(1).decode("ascii", "replace")).lower().encode() not in _READ_CHARSETS:
        return Msg(f"网页附件声明了编码 {declared.group(1).decode('ascii', 'replace')}，检查只读 UTF-8 与国标编码",
                   f"the HTML attachment declares {declared.group(1).decode('ascii', 'replace')}; the rules read "
                   "UTF-8 and the GB encodings only")
    return None


def _svg_scripts(display: str, text: str) -> list[Finding]:
    """An image runs no code: scripts and event handlers in an SVG run on the site's origin when opened."""
    text = html_unescape(text)
    # a URL loses its tabs and newlines before a browser reads the scheme: java&#9;script: is javascript:
    match = _SVG_SCRIPT_RE.search(text) or _SVG_SCRIPT_RE.search(re.sub(r"[\t\n\r]", "", text))
    if match is None:
        return []
    return [Finding(display, 0, 0, "link.active_content", "link", Severity.BLOCK, Msg(
        f"SVG 图片中含有脚本或事件处理（{match.group().strip()}）：直接打开时会在本站执行",
        f"the SVG image holds a script or event handler ({match.group().strip()}): it runs on this site when "
        "opened"))]


def _finding(display: str, rule: str, message: Msg, hint: Msg | None = None) -> Finding:
    return Finding(display, 0, 0, rule, "output", Severity.BLOCK, message if hint is None else message + hint)


def empty_folder(folder: Path) -> list[str]:
    """Remove everything in ``folder`` (dot-files too), keeping the folder itself; what could not be
    removed, with the reason (every other file is still removed)."""
    if not folder.is_dir() or folder.is_symlink():
        return []
    left: list[str] = []

    def failed(function, path, info) -> None:  # noqa: ANN001, ARG001 - shutil.rmtree's onerror signature
        left.append(f"{path} ({getattr(info[1], 'strerror', info[1])})")

    for child in folder.iterdir():
        try:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, onerror=failed)
            else:
                child.unlink(missing_ok=True)
        except OSError as exc:
            left.append(f"{child} ({exc.strerror})")
    return left
