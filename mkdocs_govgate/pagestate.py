"""Where a page stands while a reviewer's command changes it: its committed blob and working file,
the repository's govgate lock, and the journal of writes not committed yet (so a rerun after a kill
says exactly how to finish or undo one).  pagewrite.py does the writing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shlex
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .evidence.gitobjects import run_git
from .i18n import Msg
from .signer import Refused

try:
    import fcntl
except ImportError:      # Windows: no advisory locks; git's own index lock still refuses a second commit
    fcntl = None  # type: ignore[assignment]

LOCK_WAIT = 60.0        # seconds another govgate writer in the same repository may hold the lock


@dataclass(frozen=True)
class PageFile:
    abs_path: Path
    rel: str            # relative to docs_dir (the page's path in the gate)
    repo_root: Path
    repo_path: str      # relative to the repository root (trailers, git pathspecs)

    @property
    def git_dir(self) -> Path:
        return Path(run_git(self.repo_root, "rev-parse", "--absolute-git-dir").decode().strip())


# -- one govgate writer at a time per repository --------------------------------------------------

@contextlib.contextmanager
def repo_lock(page: PageFile) -> Iterator[None]:
    """Serialises `govgate approve`/`retract` in one repository (the lock goes with the process, even on kill -9)."""
    if fcntl is None:
        yield
        return
    path = page.git_dir / "govgate.lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise Refused(Msg(f"无法创建锁文件 {path}：{exc.strerror}", f"cannot create the lock file {path}: "
                          f"{exc.strerror}")) from None
    try:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Refused(Msg("另一个 govgate 签核或撤稿正在本仓库中进行，请稍后重试",
                                      "another govgate approve or retract is running in this repository; retry "
                                      "when it has finished")) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)


# -- the journal of writes not yet committed --------------------------------------------------------

@dataclass(frozen=True)
class Pending:
    """A write whose commit is not made yet: kept in the git directory until the commit is made or undone."""

    page: PageFile
    journal: Path
    original: str        # SHA-256 of the bytes before
    written: str         # SHA-256 of the bytes written
    message: Path        # the commit message, for the exact command that finishes it

    @staticmethod
    def _paths(page: PageFile) -> tuple[Path, Path]:
        folder = page.git_dir / "govgate-pending"
        key = hashlib.sha256(page.repo_path.encode()).hexdigest()[:16]
        return folder / f"{key}.json", folder / f"{key}.msg"

    @classmethod
    def begin(cls, page: PageFile, original: bytes, new_bytes: bytes, message: str) -> Pending:
        journal, message_file = cls._paths(page)
        pending = cls(page, journal, _sha(original), _sha(new_bytes), message_file)
        try:
            journal.parent.mkdir(exist_ok=True)
            message_file.write_text(message, encoding="utf-8")
            journal.write_text(json.dumps({"path": page.repo_path, "original": pending.original,
                                           "written": pending.written}), encoding="utf-8")
        except OSError as exc:
            pending.end()
            raise Refused(Msg(f"无法在 git 目录中记录本次写入（{exc.strerror}），文件未改动",
                              f"cannot record this write in the git directory ({exc.strerror}); the file was not "
                              "changed"), Msg("腾出磁盘空间后重试", "free disk space, then retry")) from None
        return pending

    @classmethod
    def find(cls, page: PageFile) -> Pending | None:
        journal, message_file = cls._paths(page)
        try:
            data = json.loads(journal.read_text(encoding="utf-8"))
            return cls(page, journal, data["original"], data["written"], message_file)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @classmethod
    def settle(cls, page: PageFile) -> None:
        """Forget a journal whose write was committed or undone since, and leftovers of killed runs."""
        pending = cls.find(page)
        if pending is not None:
            working = _sha(read_working(page, missing_ok=True))
            if working == pending.original or not _differs_from_head(page):
                pending.end()
        for stray in scratch_folder(page).glob(f".{page.abs_path.name}.govgate-*.*"):
            pid = stray.name.rsplit(".", 2)[-2].removeprefix("govgate-")
            if pid.isdigit() and not _alive(int(pid)):
                stray.unlink(missing_ok=True)

    def end(self) -> None:
        for path in (self.journal, self.message):
            path.unlink(missing_ok=True)

    def unfinished(self) -> Refused:
        """The rerun's answer when the working file is exactly what an interrupted run wrote."""
        working = _sha(read_working(self.page, missing_ok=True))
        path = shlex.quote(self.page.repo_path)
        undo = f"git checkout HEAD -- {path}"
        if working != self.written:
            return Refused(Msg(f"{self.page.repo_path} 中有一次被中断的 govgate 写入，之后文件又被改动过",
                               f"{self.page.repo_path} holds an interrupted govgate write, changed again since"),
                           Msg(f"撤销全部未提交的改动：{undo}，然后重新审核",
                               f"undo every uncommitted change: {undo}; then run the command again"))
        finish = f"git commit -S --only -F {shlex.quote(str(self.message))} -- {path}"
        return Refused(
            Msg(f"{self.page.repo_path} 中有一条被中断的 govgate 签核/撤稿记录尚未提交（不要直接 git commit：那样提交的记录没有签名尾注）",
                f"{self.page.repo_path} holds a govgate entry from an interrupted approve/retract that was never "
                "committed (do not simply git commit it: that commit would lack the signed trailer)"),
            Msg(f"完成它：{finish}；或撤销它：{undo}，再重新执行命令",
                f"finish it: {finish}; or undo it: {undo}, then run the command again"))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid != os.getpid()


def scratch_folder(page: PageFile) -> Path:
    """Where new and moved-aside files wait: the git directory (nothing stray in docs_dir), unless it is on
    another file system (a rename cannot cross it), then the page's folder."""
    folder = page.git_dir / "govgate-pending"
    try:
        folder.mkdir(exist_ok=True)
        if folder.stat().st_dev == page.abs_path.parent.stat().st_dev:
            return folder
    except OSError:
        pass
    return page.abs_path.parent


def read_working(page: PageFile, missing_ok: bool = False) -> bytes:
    try:
        return page.abs_path.read_bytes()
    except OSError as exc:
        if missing_ok:
            return b""
        raise Refused(Msg(f"无法读取 {page.repo_path}：{exc.strerror}", f"cannot read {page.repo_path}: {exc.strerror}")) \
            from None


def head_blob(page: PageFile) -> str | None:
    out = run_git(page.repo_root, "rev-parse", "--verify", "-q", f"HEAD:{page.repo_path}", check=False)
    return out.decode().strip() or None


def blob_id(page: PageFile, data: bytes) -> str:
    """The blob git would store for ``data`` at this path (its clean filters, e.g. autocrlf, applied)."""
    return run_git(page.repo_root, "hash-object", f"--path={page.repo_path}", "--stdin", input=data).decode().strip()


def _differs_from_head(page: PageFile) -> bool:
    return bool(run_git(page.repo_root, "status", "--porcelain", "--", page.repo_path).strip())
