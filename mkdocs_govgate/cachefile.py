"""Where the gate's caches live (never in the checkout), and writing them whole or not at all."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from .errors import GateError
from .i18n import Msg

LEGACY_CACHE_DIR = ".govgate-cache"     # where older versions kept it: refused when committed
CACHE_ENV = "GOVGATE_CACHE_DIR"


def cache_folder(repo_root: Path) -> Path:
    """The caches of the site at ``repo_root``: ``$GOVGATE_CACHE_DIR`` (CI: a folder its own cache step
    restores), else the user's cache folder.  Never inside the checkout, where anyone who can push could
    plant verification results or a forgotten retraction."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        folder = Path(configured).expanduser().resolve()
        if folder.is_relative_to(repo_root.resolve()):
            raise GateError(Msg("GOVGATE_CACHE_DIR 在仓库检出目录之内：缓存只能放在仓库之外",
                                "GOVGATE_CACHE_DIR is inside the checkout: caches must live outside the repository"),
                            str(folder))
        return folder
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
