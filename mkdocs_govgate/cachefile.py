"""Where the gate's caches live (never in the checkout), and writing them whole or not at all."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import tempfile
from pathlib import Path

LEGACY_CACHE_DIR = ".govgate-cache"     # where older versions kept it: refused when committed
CACHE_ENV = "GOVGATE_CACHE_DIR"
CACHE_KEY_ENV = "GOVGATE_CACHE_KEY"


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


def _cache_key() -> bytes | None:
    """``$GOVGATE_CACHE_KEY``: a secret CI holds for protected branches only; with it, cache files carry an
    HMAC and a file without a valid one is ignored (a shared runner's other jobs cannot plant entries)."""
    key = os.environ.get(CACHE_KEY_ENV, "")
    return key.encode("utf-8") if key else None


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def save_json(path: Path, data: object) -> None:
    """``data`` as compact JSON at ``path``, replaced atomically (a reader never sees half a file), with an
    HMAC when ``$GOVGATE_CACHE_KEY`` is set.

    A cache that cannot be written only costs time: errors are ignored.
    """
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    key = _cache_key()
    if key is not None:
        body = json.dumps({"hmac": _mac(key, body), "data": body}, ensure_ascii=False, separators=(",", ":"))
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(body)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)


def load_json(path: Path) -> object | None:
    """What :func:`save_json` wrote; None when absent, unreadable, or (with ``$GOVGATE_CACHE_KEY``) not
    authenticated by that key.  Callers check the shape: a cache is never trusted blindly."""
    try:
        text = path.read_text(encoding="utf-8")
        key = _cache_key()
        if key is None:
            return json.loads(text)
        wrapper = json.loads(text)
        if not (isinstance(wrapper, dict) and isinstance(wrapper.get("hmac"), str)
                and isinstance(wrapper.get("data"), str)
                and hmac.compare_digest(wrapper["hmac"], _mac(key, wrapper["data"]))):
            return None
        return json.loads(wrapper["data"])
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
