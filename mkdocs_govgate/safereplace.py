"""Replacing a file that people may be editing at the same moment, without ever losing their save.

A plain "check, then rename over it" loses an editor's save that lands between the check and the
rename.  Here the file is first moved aside (one atomic rename: the path is then free), the moved
file is checked, and the new content is linked into the free path with ``link()``, which fails
instead of overwriting when an editor has saved a new file there meanwhile.  The moved-aside file
is checked once more after that (an editor writing in place through an old descriptor writes into
it) and put back if it changed.  Whoever saved last wins; nothing is overwritten unseen.

The moved-aside original is kept until the caller is done: putting it back is then a rename, which
needs no disk space (a full disk cannot stop the restore).
"""

from __future__ import annotations

import contextlib
import errno
import os
from dataclasses import dataclass
from pathlib import Path


class Changed(Exception):
    """The file did not hold what was expected: someone else's version is there now, and was kept."""

    def __init__(self, kept_at: Path | None = None):
        super().__init__("changed")
        self.kept_at = kept_at      # where their version is, when it could not be put back at the path


class CannotWrite(OSError):
    """Writing the new content failed (disk full, read-only folder…): nothing was changed."""


@dataclass
class Aside:
    """The original file, moved aside by ``replace``: ``restore()`` puts it back, ``discard()`` drops it."""

    path: Path
    aside: Path

    def restore(self, expected_now: bytes) -> bool:
        """Put the original back if the path still holds ``expected_now`` (what we wrote); False when
        someone saved since: their version stays (the original is the committed one: git has it)."""
        try:
            ours = _swap(self.path, expected_now, self.aside, suffix="ours")
        except Changed:
            self.discard()
            return False
        _unlink(ours)
        self.discard()
        return True

    def discard(self) -> None:
        _unlink(self.aside)


def scratch_name(path: Path, suffix: str) -> str:
    """Hidden, and naming this process: a later run removes what a killed one left (see pagewrite.Pending)."""
    return f".{path.name}.govgate-{os.getpid()}.{suffix}"


def write_new(path: Path, data: bytes, scratch: Path) -> Path:
    """``data`` in a new file in ``scratch`` (flushed to disk), with ``path``'s permissions."""
    tmp = scratch / scratch_name(path, "new")
    _unlink(tmp)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, path.stat().st_mode & 0o777)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        _unlink(tmp)
        raise CannotWrite(exc.errno, exc.strerror) from None
    return tmp


def replace(path: Path, expected: bytes, data: bytes, scratch: Path) -> Aside:
    """Replace ``path`` (which must hold ``expected``) by ``data``; raises Changed (their version kept) or
    CannotWrite (nothing changed)."""
    new = write_new(path, data, scratch)
    try:
        aside = _swap(path, expected, new, scratch)
    finally:
        _unlink(new)
    return Aside(path, aside)


def _swap(path: Path, expected: bytes, replacement: Path, scratch: Path | None = None, suffix: str = "old") -> Path:
    """``path`` ← ``replacement`` if it holds ``expected``; returns where the old file now is."""
    aside = (scratch or replacement.parent) / scratch_name(path, suffix)
    _unlink(aside)
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        raise Changed() from None
    except OSError as exc:                       # a read-only folder: nothing was changed
        raise CannotWrite(exc.errno, exc.strerror) from None
    if aside.read_bytes() != expected:          # their save landed before the rename: put it back
        raise Changed(_put_back(aside, path))
    try:
        os.link(replacement, path)
    except FileExistsError:                      # they saved a new file after the rename: theirs stays
        _unlink(aside)                           # (it held only `expected`, which the caller has)
        raise Changed() from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK):
            _put_back(aside, path)
            raise
        os.rename(replacement, path)             # no hard links here: a rename (without the link's guard)
    if aside.read_bytes() != expected:           # written in place through an old descriptor: theirs wins
        os.replace(aside, path)
        raise Changed()
    return aside


def _put_back(aside: Path, path: Path) -> Path | None:
    """``aside`` back at ``path`` unless a new file is there; returns where it stays if it could not go back."""
    try:
        os.link(aside, path)
    except FileExistsError:
        return aside
    except OSError:
        with contextlib.suppress(FileExistsError):
            os.rename(aside, path)
        return None if not aside.exists() else aside
    _unlink(aside)
    return None


def _unlink(path: Path) -> None:
    """Best effort: a scratch file that cannot be removed (read-only folder) is no reason to fail."""
    with contextlib.suppress(OSError):
        os.unlink(path)
