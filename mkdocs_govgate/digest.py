"""The content digest a sign-off is bound to (DESIGN.md §3).

SHA-256 over one canonical JSON document (sorted keys, UTF-8, no whitespace) holding
(a) the front-matter without ``signoffs``, (b) the body with only line endings
normalised, and (c) the path and SHA-256 of every local non-page file the page embeds
or links.  Links to other pages are not included: those pages are approved on their
own, and including them would void this page whenever a neighbour changes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import GateError
from .i18n import Msg
from .links import is_page_path, local_links
from .page import Page

DIGEST_PREFIX = "sha256:"


def _json_default(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot digest value of type {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=_json_default).encode("utf-8")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class PageDigest:
    value: str                                       # "sha256:<hex>"
    files: dict[str, str] = field(default_factory=dict)   # attachment path → sha256
    pages: set[str] = field(default_factory=set)          # linked page paths
    problems: list[GateError] = field(default_factory=list)


@functools.lru_cache(maxsize=8)   # one docs_dir per site; resolving it costs a system call per folder level
def _resolved(folder: Path) -> Path:
    return folder.resolve()


def compute_digest(page: Page, docs_dir: Path, use_directory_urls: bool = True) -> PageDigest:
    """Digest of ``page``; unresolvable attachments are problems (the page cannot be approved)."""
    result = PageDigest("")
    docs_root = _resolved(docs_dir)
    for link in local_links(page.path, page.body, page.body_line, use_directory_urls):
        if link.escapes:
            result.problems.append(GateError(
                Msg(f"链接指向文档目录之外：{link.target}", f"link points outside the docs directory: {link.target}"),
                page.path, link.line))
            continue
        target = docs_dir / link.target
        if is_page_path(link.target) or target.is_dir() or (docs_dir / (link.target + ".md")).is_file():
            result.pages.add(link.target)
            continue
        if not target.is_file():
            result.problems.append(GateError(
                Msg(f"引用的本地文件不存在：{link.target}", f"linked local file does not exist: {link.target}"),
                page.path, link.line, hint=Msg("补上该文件或改正链接", "add the file or fix the link")))
            continue
        if target.is_symlink() or not target.resolve().is_relative_to(docs_root):
            result.problems.append(GateError(
                Msg(f"引用的文件是符号链接，不能发布：{link.target}", f"linked file is a symbolic link: {link.target}"),
                page.path, link.line, hint=Msg("用文件本身替换符号链接", "replace the symbolic link by the file itself")))
            continue
        result.files[link.target] = file_sha256(target)
    payload = {
        "front_matter": page.content_meta(),
        "body": page.body,
        "files": [{"path": p, "sha256": h} for p, h in sorted(result.files.items())],
    }
    result.value = DIGEST_PREFIX + hashlib.sha256(canonical_json(payload)).hexdigest()
    return result


def page_digest(page: Page, docs_dir: Path, use_directory_urls: bool = True) -> str:
    return compute_digest(page, docs_dir, use_directory_urls).value
