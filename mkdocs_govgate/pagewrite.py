"""Changing one page the way reviewers' commands do: locate it, splice text into its exact bytes,
replace it without losing anyone's save, and commit exactly those bytes alone with one signed commit
(put back if the commit fails).

Used by ``govgate approve`` (a sign-off entry) and ``govgate retract`` (a ``withdrawn:`` record).

What is signed is the committed version (HEAD's blob): the working file must equal it when the
command starts and again, under the repository's govgate lock, just before the file is replaced;
the commit is made from a temporary index holding exactly the blob written, so an editor's save
landing at any moment can never slip into the reviewer's signed commit.  A journal in the git
directory records a write until its commit is made, so a rerun after a kill says exactly how to
finish or undo it.
"""

from __future__ import annotations

import contextlib
import errno
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from . import safereplace
from .evidence.gitobjects import git_env, run_git
from .i18n import Msg
from .pagestate import PageFile, Pending, blob_id, head_blob, read_working, repo_lock, scratch_folder
from .signer import SETUP_HINT, Refused
from .site import SiteConfig


def locate(site: SiteConfig, path: str, cwd: Path) -> PageFile:
    """The page at ``path`` (relative to ``cwd``): inside docs_dir, in a repository, committed as is."""
    abs_path = (cwd / path).absolute()
    docs_dir = site.docs_dir.absolute()
    if not abs_path.is_relative_to(docs_dir) or not abs_path.is_file():
        raise Refused(Msg(f"{path} 不是站点文档目录中的页面", f"{path} is not a page in the site's docs directory"))
    if abs_path.is_symlink():
        raise Refused(Msg(f"{path} 是符号链接：门禁不发布符号链接，也不会把它替换成普通文件",
                          f"{path} is a symbolic link: the gate publishes none, and will not replace it by a "
                          "regular file"), Msg("用真实文件替换符号链接并提交", "replace the link by the real file and commit"))
    rel = abs_path.relative_to(docs_dir).as_posix()
    repo_root = Path(run_git(cwd, "rev-parse", "--show-toplevel").decode().strip())
    repo_path = abs_path.resolve().relative_to(repo_root.resolve()).as_posix()
    page = PageFile(abs_path, rel, repo_root, repo_path)
    Pending.settle(page)
    # `git commit --only` would commit uncommitted edits along with the entry, under the signer's name
    if run_git(repo_root, "status", "--porcelain", "--", repo_path).strip():
        pending = Pending.find(page)
        if pending is not None:
            raise pending.unfinished()
        raise Refused(Msg(f"{repo_path} 有未提交的改动：请先提交内容，再审核已提交的版本",
                          f"{repo_path} has uncommitted changes: commit the content first, then review what was "
                          "committed"))
    return page


def committed_bytes(page: PageFile) -> bytes:
    """The page as committed at HEAD, which the working file must equal (the reviewer signs the committed text)."""
    head = head_blob(page)
    if head is None:
        raise Refused(Msg(f"{page.repo_path} 尚未提交：请先提交内容，再审核", f"{page.repo_path} is not committed yet: "
                          "commit it first, then review it"))
    data = read_working(page)
    if blob_id(page, data) != head:
        raise Refused(Msg(f"{page.repo_path} 与已提交的版本不一致：请先提交内容，再审核已提交的版本",
                          f"{page.repo_path} differs from its committed version: commit the content first, then "
                          "review what was committed"))
    return data


def refuse_uncommitted(page: PageFile, paths: list[str]) -> None:
    """The attachments a digest covers must be committed as they are, like the page itself."""
    if not paths:
        return
    changed = run_git(page.repo_root, "status", "--porcelain", "--", *paths).decode().strip()
    if changed:
        raise Refused(Msg(f"页面引用的文件有未提交的改动：{changed.splitlines()[0][3:]}；请先提交，再审核",
                          f"a file the page links has uncommitted changes: {changed.splitlines()[0][3:]}; commit "
                          "it first, then review"))


def raw_index(source: str, normalised_offset: int) -> int:
    """Index in ``source`` of the character at ``normalised_offset`` of its newline-normalised form."""
    i = n = 0
    while n < normalised_offset:
        i += 2 if source.startswith("\r\n", i) else 1
        n += 1
    return i


def splice_at(raw: bytes, offset: int, block: str, cut: int = 0) -> bytes:
    """``raw`` with ``block`` inserted at ``offset`` of its decoded, newline-normalised text (replacing the
    ``cut`` characters there, which hold no line break): BOM, line endings (even mixed) and every other byte kept."""
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    source = raw[len(bom):].decode("utf-8")
    position = raw_index(source, offset)
    newline = "\r\n" if "\r\n" in source else "\n"
    return bom + (source[:position] + block.replace("\n", newline) + source[position + cut:]).encode("utf-8")


_CHANGED = Msg("文件在处理过程中被别人改动，已放弃，对方的版本原样保留", "the file was changed by someone else while we "
               "were working on it; nothing was written and their version was kept")


def atomic_write(path: Path, data: bytes, expected: bytes, scratch: Path | None = None) -> safereplace.Aside:
    """Replace ``path`` by ``data`` only if it holds ``expected``, never overwriting a save made meanwhile."""
    try:
        try:
            return safereplace.replace(path, expected, data, scratch or path.parent)
        except safereplace.CannotWrite as exc:
            if exc.errno != errno.EXDEV or scratch in (None, path.parent):
                raise      # EXDEV: the folder is another mount of the same file system; work beside the page
            return safereplace.replace(path, expected, data, path.parent)
    except safereplace.Changed as changed:
        hint = None
        if changed.kept_at is not None:
            hint = Msg(f"对方的版本保存在 {changed.kept_at}", f"their version is kept at {changed.kept_at}")
        raise Refused(_CHANGED, hint) from None
    except safereplace.CannotWrite as exc:
        raise Refused(Msg(f"无法写入 {path.name}（{exc.strerror}），文件未改动", f"cannot write {path.name} "
                          f"({exc.strerror}); the file was not changed"),
                      Msg("腾出磁盘空间或确认目录可写后重试", "free disk space or make the folder writable, then retry")) from None


def write_and_commit(page: PageFile, original: bytes, new_bytes: bytes, message: str) -> None:
    """Write the page, then make one signed commit holding exactly ``new_bytes`` for it and nothing else;
    on failure put the file back (and say so only when it was)."""
    with repo_lock(page):
        if blob_id(page, read_working(page)) != head_blob(page) or read_working(page) != original:
            raise Refused(_CHANGED)      # committed or saved by someone else since we read it
        new_blob = blob_id(page, new_bytes)
        pending = Pending.begin(page, original, new_bytes, message)
        try:
            aside = atomic_write(page.abs_path, new_bytes, original, scratch_folder(page))
        except BaseException:       # nothing was written: nothing to finish or undo
            pending.end()
            raise
        try:
            with _term_as_interrupt():
                _commit(page, new_bytes, message)
        except Refused as refusal:
            restored = aside.restore(new_bytes)
            pending.end()
            done = (Msg("文件已恢复原样；", "the file was restored; ") if restored else
                    Msg("文件已被别人改动，保留其版本（未恢复）；", "the file was changed by someone else meanwhile and "
                        "was left as they saved it (not restored); "))
            raise Refused(done + refusal.message, refusal.hint) from None
        except BaseException:      # interrupted: undo unless the commit was made after all
            if head_blob(page) != new_blob:
                aside.restore(new_bytes)
            else:
                aside.discard()
            pending.end()
            raise
        aside.discard()
        pending.end()


@contextlib.contextmanager
def _term_as_interrupt() -> Iterator[None]:
    """SIGTERM (a CI cancel, `kill`) while committing undoes the write like Ctrl-C does, instead of leaving it."""
    def interrupt(signum, frame):  # noqa: ANN001, ARG001 - signal handler signature
        raise KeyboardInterrupt
    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:              # not the main thread: leave signals as they are
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _commit(page: PageFile, new_bytes: bytes, message: str) -> None:
    """One signed commit: HEAD's tree with this page's blob replaced by ``new_bytes`` (a temporary index,
    as `git commit --only` makes, but holding our bytes rather than whatever the file holds by then)."""
    blob = run_git(page.repo_root, "hash-object", "-w", f"--path={page.repo_path}", "--stdin",
                   input=new_bytes).decode().strip()
    mode = run_git(page.repo_root, "ls-tree", "HEAD", "--", page.repo_path).decode().split(" ", 1)[0] or "100644"
    with tempfile.TemporaryDirectory(prefix="govgate-index-") as tmp:
        env = {**git_env(), "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        for args in (["read-tree", "HEAD"], ["update-index", "--cacheinfo", f"{mode},{blob},{page.repo_path}"]):
            _git(page, args, env)
        # No hook runs: the commit is exactly the sign-off, and a hook (pre-commit's reads .pre-commit-config.yaml
        # from the checkout, which an editor may have changed) would run repository code with the signer's key at hand
        proc = subprocess.run(["git", "-c", "core.hooksPath=/dev/null", "commit", "-S", "-F", "-"], cwd=page.repo_root,
                              input=message.encode(), capture_output=True, check=False, env=env)
    if proc.returncode != 0:
        err = (proc.stderr + proc.stdout).decode(errors="replace").strip()
        raise _commit_failure(err)
    # the real index follows the commit (as --only does); failing that only leaves `git status` showing it staged
    subprocess.run(["git", "reset", "-q", "--", page.repo_path], cwd=page.repo_root, capture_output=True,
                   check=False, env=git_env())


def _git(page: PageFile, args: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(["git", *args], cwd=page.repo_root, capture_output=True, check=False, env=env)
    if proc.returncode != 0:
        raise _commit_failure(proc.stderr.decode(errors="replace").strip())


def _commit_failure(err: str) -> Refused:
    """Why the commit failed, with the hint that fits: signing set-up only for signing failures, and never
    git's "remove the lock file manually" while another git process may hold it."""
    if "index.lock" in err or "another git process" in err.lower():
        return Refused(Msg("提交失败：仓库中另一个 git 进程正在运行", "the commit failed: another git process is running "
                           "in this repository"),
                       Msg("等它结束后重试；只有确认没有 git 进程在运行时，才可删除 .git/index.lock",
                           "retry when it has finished; delete .git/index.lock only once you are sure no git process "
                           "runs"))
    signing = any(word in err.lower() for word in ("sign", "gpg", "ssh-keygen", "secret key"))
    return Refused(Msg(f"签名提交失败：{err}", f"the signed commit failed: {err}"), SETUP_HINT if signing else None)
