"""Changing one page the way reviewers' commands do: locate it, splice text into its exact bytes,
replace it atomically, and commit it alone with one signed commit (restored if the commit fails).

Used by ``govgate approve`` (a sign-off entry) and ``govgate retract`` (a ``withdrawn:`` record).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .evidence.gitobjects import run_git
from .i18n import Msg
from .signer import SETUP_HINT, Refused
from .site import SiteConfig


@dataclass(frozen=True)
class PageFile:
    abs_path: Path
    rel: str            # relative to docs_dir (the page's path in the gate)
    repo_root: Path
    repo_path: str      # relative to the repository root (trailers, git pathspecs)


def locate(site: SiteConfig, path: str, cwd: Path) -> PageFile:
    """The page at ``path`` (relative to ``cwd``): inside docs_dir, in a repository, committed as is."""
    abs_path = (cwd / path).absolute()
    docs_dir = site.docs_dir.absolute()
    if not abs_path.is_relative_to(docs_dir) or not abs_path.is_file():
        raise Refused(Msg(f"{path} 不是站点文档目录中的页面", f"{path} is not a page in the site's docs directory"))
    rel = abs_path.relative_to(docs_dir).as_posix()
    repo_root = Path(run_git(cwd, "rev-parse", "--show-toplevel").decode().strip())
    repo_path = abs_path.resolve().relative_to(repo_root.resolve()).as_posix()
    # `git commit --only` would commit uncommitted edits along with the entry, under the signer's name
    if run_git(repo_root, "status", "--porcelain", "--", repo_path).strip():
        raise Refused(Msg(f"{repo_path} 有未提交的改动：请先提交内容，再审核已提交的版本",
                          f"{repo_path} has uncommitted changes: commit the content first, then review what was "
                          "committed"))
    return PageFile(abs_path, rel, repo_root, repo_path)


def raw_index(source: str, normalised_offset: int) -> int:
    """Index in ``source`` of the character at ``normalised_offset`` of its newline-normalised form."""
    i = n = 0
    while n < normalised_offset:
        i += 2 if source.startswith("\r\n", i) else 1
        n += 1
    return i


def splice_at(raw: bytes, offset: int, block: str) -> bytes:
    """``raw`` with ``block`` inserted at ``offset`` of its decoded, newline-normalised text:
    BOM, line endings (even mixed) and every other byte kept."""
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    source = raw[len(bom):].decode("utf-8")
    position = raw_index(source, offset)
    newline = "\r\n" if "\r\n" in source else "\n"
    return bom + (source[:position] + block.replace("\n", newline) + source[position:]).encode("utf-8")


def atomic_write(path: Path, data: bytes, expected: bytes) -> None:
    """Replace ``path`` by ``data`` in one rename, only if it still holds ``expected``."""
    if path.read_bytes() != expected:
        raise Refused(Msg("文件在处理过程中被改动，已放弃", "the file changed while we were working on it; nothing was "
                          "written"))
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".govgate")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_and_commit(page: PageFile, original: bytes, new_bytes: bytes, message: str) -> None:
    """Write the page, then make one signed commit holding only it; on failure put the file back."""
    atomic_write(page.abs_path, new_bytes, original)
    proc = subprocess.run(["git", "commit", "-S", "--only", "-F", "-", "--", page.repo_path], cwd=page.repo_root,
                          input=message.encode(), capture_output=True, check=False)
    if proc.returncode != 0:
        if page.abs_path.read_bytes() == new_bytes:
            atomic_write(page.abs_path, original, new_bytes)
        err = (proc.stderr + proc.stdout).decode(errors="replace").strip()
        raise Refused(Msg(f"签名提交失败，文件已恢复原样：{err}", f"the signed commit failed; the file was restored: {err}"),
                      SETUP_HINT)
