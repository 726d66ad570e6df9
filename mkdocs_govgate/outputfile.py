"""Writing the files people keep (审签表, audit reports): whole or not at all, with the user's umask.

A temporary file from ``tempfile.mkstemp`` is mode 0600; renamed into place it would stay
private whatever the user's umask says, so a report meant for the whole office (umask 002 or
022) could not be read by colleagues or the web server.  The file gets the mode a plain
``open(…, "w")`` would have given it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def current_umask() -> int:
    mask = os.umask(0o022)   # the only portable way to read it is to set it and put it back
    os.umask(mask)
    return mask


def write_atomic(target: Path, data: bytes, keep_mode: bool = False) -> Path:
    """``data`` at ``target``, replaced atomically, mode 0666 less the umask (``keep_mode``: an existing
    file's mode, e.g. an executable script the user keeps)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        keep = keep_mode and target.exists()
        os.chmod(temp, target.stat().st_mode & 0o7777 if keep else 0o666 & ~current_umask())
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)
    return target
