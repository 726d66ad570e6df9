"""Where the gate's caches live (never in the checkout), and writing them whole or not at all."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

LEGACY_CACHE_DIR = ".govgate-cache"     # where older versions kept it: refused when committed
CACHE_ENV = "GOVGATE_CACHE_DIR"


def cache_folder(repo_root: Path) -> Path:
    """The caches of the site at ``repo_root``: ``$GOVGATE_CACHE_DIR`` (CI: a folder its own cache step
    restores; GitLab can only cache inside the project folder, so it may be there as long as nothing in it
    is committed, which configtrust refuses), else the user's cache folder.  Never a folder of the
    repository's own files, where anyone who can push could plant verification results or a forgotten
    retraction."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "govgate" / hashlib.sha256(str(repo_root.resolve()).encode()).hexdigest()[:16]


def save_json(path: Path, data: object) -> None:
    """``data`` as compact JSON at ``path``, replaced atomically (a reader never sees half a file).

    A cache that cannot be written only costs time: errors are ignored.
    """
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
