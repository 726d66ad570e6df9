"""Content-rule results kept between runs, keyed by exactly what was scanned.

A rebuild where nothing changed must not rescan 5,000 pages.  Each result is stored under
the SHA-256 of (what kind of scan, the path, the exact bytes scanned, the page's waivers);
the whole file belongs to one key: the rules' fingerprint (every rule and word list) and
today's date (expiry and birth-date checks depend on it), so a change of rules or day
starts afresh.  Template text found clean is remembered by its hash alone.

The file is JSON in the cache folder (``scans.json``, outside the checkout: cachefile.cache_folder).  A file that does not
parse or does not have exactly the expected shape is ignored and rewritten, never trusted.
Like the evidence cache, the folder must be as trustworthy as the checkout: in CI do not
restore it from untrusted branches.  Clear personal data (``Finding.extra``) is never stored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .cachefile import load_json, save_json
from .findings import Finding, Severity
from .i18n import Msg

CACHE_FILE = "scans.json"
CACHE_VERSION = "scans-1"


def content_id(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def _encode(finding: Finding) -> list:
    suggestion = [finding.suggestion.zh, finding.suggestion.en] if finding.suggestion else None
    return [finding.path, finding.line, finding.column, finding.rule, finding.category, finding.severity.value,
            [finding.message.zh, finding.message.en], finding.match, suggestion, finding.location]


def _decode(data: list) -> Finding:
    path, line, column, rule, category, severity, message, match, suggestion, location = data
    return Finding(path, line, column, rule, category, Severity(severity), Msg(*message), match,
                   Msg(*suggestion) if suggestion else None, location)


def _well_formed(data: object) -> bool:
    if not isinstance(data, dict) or set(data) != {"key", "results", "clean"} or not isinstance(data["key"], str):
        return False
    results, clean = data["results"], data["clean"]
    if not isinstance(results, dict) or not isinstance(clean, list) or not all(isinstance(c, str) for c in clean):
        return False
    for value in results.values():
        if not isinstance(value, list):
            return False
        for item in value:
            try:
                _decode(item)
            except (TypeError, ValueError):
                return False
    return True


class ScanCache:
    def __init__(self, folder: Path | None, fingerprint: str, today: dt.date):
        self.path = folder / CACHE_FILE if folder is not None else None
        self.key = content_id(CACHE_VERSION, fingerprint, today.isoformat())
        self.results: dict[str, list] = {}
        self.clean: set[str] = set()
        self.dirty = False
        self._fresh: dict[str, list] = {}     # stored since the last take_fresh (worker → parent)
        self._load()

    def _load(self) -> None:
        if self.path is None:
            return
        data = load_json(self.path)
        if _well_formed(data) and data["key"] == self.key:
            self.results = data["results"]
            self.clean = set(data["clean"])

    def findings(self, key: str, scan: Callable[[], list[Finding]]) -> list[Finding]:
        """Cached findings under ``key``, else ``scan()`` (stored)."""
        cached = self.results.get(key)
        if cached is not None:
            return [_decode(item) for item in cached]
        found = scan()
        self.store(key, found)
        return found

    def lookup(self, key: str) -> list[Finding] | None:
        cached = self.results.get(key)
        return None if cached is None else [_decode(item) for item in cached]

    def store(self, key: str, findings: Iterable[Finding]) -> None:
        self.results[key] = self._fresh[key] = [_encode(f) for f in findings]
        self.dirty = True

    def take_fresh(self) -> dict[str, list]:
        """Results stored since the last call: a worker process hands them to the parent's cache."""
        fresh, self._fresh = self._fresh, {}
        return fresh

    def merge(self, fresh: dict[str, list]) -> None:
        if fresh:
            self.results.update(fresh)
            self._fresh.update(fresh)     # fresh here too: a worker with workers of its own hands them on
            self.dirty = True

    def is_clean(self, key: str) -> bool:
        return key in self.clean

    def mark_clean(self, key: str) -> None:
        if key not in self.clean:
            self.clean.add(key)
            self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        save_json(self.path, {"key": self.key, "results": self.results, "clean": sorted(self.clean)})
        self.dirty = False


class CachedRules:
    """The rule engine behind a ScanCache: same methods, same results, scanned once per content."""

    def __init__(self, engine: Any, cache: ScanCache):
        self.engine = engine
        self.cache = cache

    def __getattr__(self, name: str) -> Any:    # fingerprint(), rules, ruleset … of the engine
        return getattr(self.engine, name)

    def scan_page(self, page: Any) -> list[Finding]:
        key = content_id("page", page.path, page.raw)
        return self.cache.findings(key, lambda: self.engine.scan_page(page))

    def scan_html(self, path: str, html: str, *, waivers: Iterable[Any] = ()) -> list[Finding]:
        waivers = list(waivers)
        key = content_id("html", path, html, repr(waivers))
        return self.cache.findings(key, lambda: self.engine.scan_html(path, html, waivers=waivers))

    def scan_attachment(self, path: str, abs_path: Path) -> list[Finding]:
        try:
            data = Path(abs_path).read_bytes()
        except OSError:
            return self.engine.scan_attachment(path, abs_path)   # the engine reports it, uncached
        key = content_id("file", path, data)
        cached = self.cache.lookup(key)
        if cached is not None:
            return cached
        found = self.engine.scan_attachment(path, abs_path)
        with contextlib.suppress(OSError):
            if Path(abs_path).read_bytes() == data:    # stored only if the file did not change meanwhile
                self.cache.store(key, found)
        return found

    def save(self) -> None:
        self.cache.save()


# The code a cached scan result depends on: the rules, their packs, and how pages are read.
_SCAN_CODE = ("rules/**/*.py", "rulepacks/*.yml", "page.py", "quickyaml.py", "yamlstrict.py", "textfile.py",
              "findings.py", "scancache.py")


def code_stamp() -> str:
    """Size and time of the code scan results depend on: cached results never outlive the code."""
    package = Path(__file__).parent
    stamp = hashlib.sha256()
    for path in sorted(p for pattern in _SCAN_CODE for p in package.glob(pattern)):
        info = path.stat()
        stamp.update(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return stamp.hexdigest()


def cached(engine: Any, folder: Path) -> CachedRules:
    """``engine`` behind the scan cache, kept in ``folder`` next to the evidence cache (outside the checkout)."""
    return CachedRules(engine, ScanCache(folder, engine.fingerprint() + ":" + code_stamp(), dt.date.today()))
