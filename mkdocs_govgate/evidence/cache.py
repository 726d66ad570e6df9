"""Cache of verification results: a build where nothing changed skips history entirely.

Results are keyed by HEAD's commit id (which fixes all history), the trust store's tree id
at HEAD, the pinned trust root and the verifier version: any new commit means verifying
again (a page's verdict depends on its whole history and on today's trust store, e.g. a key
marked compromised later).  The file is JSON under
``.govgate-cache/`` (configurable).  A file that does not parse or does not have exactly
the expected shape is ignored and rewritten, never trusted.  The cache directory must be
as trustworthy as the checkout itself: in CI do not restore it from untrusted branches.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..cachefile import load_json, save_json
from ..i18n import Msg

CACHE_FILE = "evidence.json"


def cache_key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def entry_id(entry: str) -> str:
    """An entry's key (every field, the signature too) by its hash: 5,000 pages' keys would take tens of MB."""
    return hashlib.sha256(entry.encode("utf-8", "surrogatepass")).hexdigest()


class ResultCache:
    def __init__(self, folder: Path, key: str):
        self.path = folder / CACHE_FILE
        self.key = key
        self.pages: dict[str, dict] = {}       # repo path → {"blob": oid, "entries": {entry key: [[zh, en], …]}}
        self.hit = False
        self.dirty = False
        self._loaded = False     # read on first use: a hook that judges no sign-off never parses the file

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        data = load_json(self.path)
        if not _well_formed(data):
            return
        if data["key"] == self.key:
            self.pages = data["pages"]
            self.hit = True

    def lookup(self, repo_path: str, blob: str, entry: str) -> list[Msg] | None:
        self._load()
        page = self.pages.get(repo_path)
        key = entry_id(entry)
        if not page or page["blob"] != blob or key not in page["entries"]:
            return None
        return [Msg(zh, en) for zh, en in page["entries"][key]]

    def store(self, repo_path: str, blob: str, entry: str, problems: list[Msg]) -> None:
        self._load()
        page = self.pages.setdefault(repo_path, {"blob": blob, "entries": {}})
        if page["blob"] != blob:
            page.update(blob=blob, entries={})
        page["entries"][entry_id(entry)] = [[m.zh, m.en] for m in problems]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        save_json(self.path, {"key": self.key, "pages": self.pages})
        self.dirty = False


def _is_msg_list(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(m, list) and len(m) == 2 and all(isinstance(t, str) for t in m) for m in value)


def _well_formed(data: object) -> bool:
    if not isinstance(data, dict) or set(data) != {"key", "pages"} or not isinstance(data["key"], str):
        return False
    pages = data["pages"]
    if not isinstance(pages, dict):
        return False
    return all(isinstance(page, dict) and set(page) == {"blob", "entries"} and isinstance(page["blob"], str)
               and isinstance(page["entries"], dict)
               and all(isinstance(k, str) and _is_msg_list(v) for k, v in page["entries"].items())
               for page in pages.values())
