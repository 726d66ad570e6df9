"""Writing the files under ``.govgate-cache/``: whole or not at all."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

DEFAULT_CACHE_DIR = ".govgate-cache"     # next to mkdocs.yml (scans) or at the repository's top (evidence)


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
