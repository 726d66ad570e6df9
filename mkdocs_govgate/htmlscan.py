"""Scanning every published byte of every page once: the rendered content, then the template around it.

MkDocs' default theme repeats the whole navigation in every page: at 5,000 pages each page
is ~0.8 MB of HTML, 4 GB for the site, almost all of it the same text over and over.  Scanning
each final page whole (as the plugin once did, after scanning its content already) cost more
than MkDocs itself.  Instead:

* ``on_env``: each page's rendered content is scanned once, whole, with the page's waivers
  (on all cores for a large site, cached by content).
* ``on_post_page``: that exact content string is cut out of the final HTML; what remains (theme,
  navigation, ``extra:`` values, attribution) is cut into *pieces* just before every ``<li``
  tag (``<li>``, ``<link>``: block-level, and the navigation of every theme is lists).  The
  normaliser ends a paragraph at a block-level tag, no token of it spans one, and no
  word-list, leader-title, personal-data, exception-context or line-scoped pattern match
  crosses a paragraph break (``rules/normalise.py``), so scanning the pieces one by one finds
  what a scan of the whole would.  A piece found clean (no blocking finding without waivers)
  is remembered and never scanned again; new pieces are scanned in batches, joined by a
  separator that closes anchors and ends the paragraph.
* What a piece cannot decide on its own goes to a full, exact scan of the whole page: a
  piece that could hide links from readers (``hidden``, ``display:none`` …, ``<iframe>``) or
  holds an unclosed ``<a>`` (link text and hidden ancestors span pieces), any finding at all,
  content whose edges are not block tags, and rule sets with patterns that are not line-scoped
  or that look behind.

A page whose template text was already proved clean in an earlier build (same rules, same day)
is skipped by the hash of that text (``ScanCache.clean``).
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import GateError
from .findings import Finding
from .i18n import Msg
from .pool import die_with_parent, parallel_map
from .scancache import CachedRules, content_id
from .stamp import stamped_bytes

# Where the template text is cut: before every ``<li``/``<link`` tag (block-level: the normaliser ends a
# paragraph there; navigation is lists in every theme).  str.split finds them at memory speed; a page
# holding some other ``<li…`` tag (a custom element) is scanned whole instead.
CUT = "<li"
_UNSAFE_CUT = re.compile(r"<li(?![\s>/]|nk[\s>/])")
# Rendered content whose first and last tags are block-level: cutting it out cannot join words.
_HARD_START = re.compile(r"\s*<(?:p|h[1-6]|div|ul|ol|dl|table|pre|blockquote|hr|figure|details|section|article"
                         r"|aside|nav|header|footer|main|form|iframe|img|video|audio|br)[\s>/]", re.IGNORECASE)
_HARD_END = re.compile(r"(?:</(?:p|h[1-6]|div|ul|ol|dl|table|pre|blockquote|figure|details|section|article|aside"
                       r"|nav|header|footer|main|form|iframe|video|audio)>|<(?:hr|br|img)\b[^<>]*>)\s*$", re.IGNORECASE)
# Pieces that need their surroundings: elements that can hide a link, and anchors split across pieces.
_NEEDS_CONTEXT = re.compile(
    r"""\shidden(?=[\s=>/])|type\s*=\s*["']?\s*hidden|display\s*:\s*none|visibility\s*:|opacity\s*:"""
    r"""|font-size\s*:\s*0|(?:width|height)\s*:\s*0|(?:width|height)\s*=\s*["']?\s*0"""
    r"""|(?:left|top|right|text-indent|margin-left|margin-top)\s*:\s*-|clip\s*:|<iframe""", re.IGNORECASE)
_A_OPEN = re.compile(r"<a[\s>]", re.IGNORECASE)
_A_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)
# Joins pieces of one batch: closes any anchor and ends the paragraph, so nothing spans two pieces.
_SEPARATOR = "\n</a></a></a><div></div>\n"
BATCH_CHARS = 200_000


def _needs_context(piece: str) -> bool:
    return bool(_NEEDS_CONTEXT.search(piece)) or len(_A_OPEN.findall(piece)) != len(_A_CLOSE.findall(piece))


def can_cut(engine: Any) -> bool:
    """Pieces decide alone only for rules that never look across a paragraph break."""
    for rule in getattr(engine, "rules", {}).values():
        if getattr(rule, "kind", "") == "pattern":
            if getattr(rule, "scope", "") != "line":
                return False
            if any("(?<" in getattr(p, "pattern", str(p)) for p in getattr(rule, "patterns", ())):
                return False
    return True


class RenderedScanner:
    """One per build: ``scan_contents`` in on_env, ``scan_page`` in on_post_page."""

    def __init__(self, rules: Any):
        self.rules = rules
        self.engine = rules.engine if isinstance(rules, CachedRules) else rules
        self.cache = rules.cache if isinstance(rules, CachedRules) else None
        self.cut = can_cut(self.engine)
        self.scanned: dict[str, str] = {}     # page → the content string scanned in on_env
        # template pieces that decide alone and are clean / that need the whole page; "first": a part's
        # text before its first cut, the others follow a cut (and so begin a <li> tag)
        self.clean: set[str] = set()
        self.clean_first: set[str] = set()
        self.context: set[str] = set()
        self.context_first: set[str] = set()
        self.full_scans = 0                   # pages that needed a full scan (for the profile)
        self.proved: list[str] = []           # template texts proved clean (keys for the scan cache)

    # -- on_env -------------------------------------------------------------------------------
    def scan_contents(self, items: list[tuple[str, str, list]], workers: int | None = None) -> list[Finding]:
        """(page, rendered content, waivers) → blocking findings, every page scanned whole once."""
        def task(item: tuple[str, str, list]) -> list[Finding]:
            path, html, waivers = item
            return [f for f in self.rules.scan_html(path, html, waivers=waivers) if f.blocking]

        results = parallel_map(task, items, workers=workers, harvest=self.cache.take_fresh if self.cache else None,
                               merge=self.cache.merge if self.cache else None)
        for path, html, _ in items:
            self.scanned[path] = html
        return [f for found in results for f in found]

    # -- on_post_page -------------------------------------------------------------------------
    def scan_page(self, path: str, output: str, waivers: Iterable[Any]) -> list[Finding]:
        """Blocking findings in the final HTML of ``path`` (its content was scanned by scan_contents)."""
        waivers = list(waivers)
        content = self.scanned.get(path, "")
        at = output.find(content) if content.strip() and _HARD_START.match(content) and _HARD_END.search(content) \
            else -1
        if at < 0:
            parts = [output]    # nothing to leave out: the whole page goes through the pieces
        elif output.find(content, at + len(content)) < 0:
            parts = [output[:at], output[at + len(content):]]
        else:
            parts = output.split(content)
        key = content_id("template", *parts)
        if self.cache is not None and self.cache.is_clean(key):
            return []
        if self.cut and self._pieces_clean(parts):
            self.proved.append(key)
            if self.cache is not None:
                self.cache.mark_clean(key)
            return []
        self.full_scans += 1    # needs the whole page, or something was found: the exact scan decides
        return [f for f in self.engine.scan_html(path, output, waivers=waivers) if f.blocking]

    def _pieces_clean(self, parts: list[str]) -> bool:
        """Every piece of ``parts`` already known clean, or scanned now and clean."""
        firsts, rest = [], []
        for part in parts:
            if _UNSAFE_CUT.search(part):
                return False
            first, *others = part.split(CUT)
            firsts.append(first)
            rest.extend(others)
        if self.clean_first.issuperset(firsts) and self.clean.issuperset(rest):
            return True
        new_first = set(firsts).difference(self.clean_first)
        new = set(rest).difference(self.clean)
        if not self.context.isdisjoint(new) or not self.context_first.isdisjoint(new_first):
            return False
        # a piece after a cut is scanned with the "<li" it was cut from: the bytes that are published
        texts = sorted([(piece, True) for piece in new_first] + [(CUT + piece, False) for piece in new])
        undecided = [(text, first) for text, first in texts if _needs_context(text)]
        for text, first in undecided:
            if first:
                self.context_first.add(text)
            else:
                self.context.add(text[len(CUT):])
        if undecided:
            return False
        batch: list[str] = []
        size = 0
        for text, _ in texts:
            batch.append(text)
            size += len(text)
            if size >= BATCH_CHARS:
                if not self._batch_clean(batch):
                    return False
                batch, size = [], 0
        if batch and not self._batch_clean(batch):
            return False
        self.clean_first.update(new_first)
        self.clean.update(new)
        return True

    def _batch_clean(self, batch: list[str]) -> bool:
        return not any(f.blocking for f in self.engine.scan_html("", _SEPARATOR.join(batch)))


# -- checking written pages in a second process -------------------------------------------------
BATCH_PAGES = 32      # pages handed over per message: one pipe write per page cost MkDocs more than the check


class BackgroundScan:
    """on_post_page hands each page to a forked process that checks and stamps it while MkDocs renders on.

    A page is handed over once the next one starts (MkDocs has then written it), and read back from
    site_dir: what is checked is the published file.  The worker then adds the page's stamp
    (stamp.py) to the file, so MkDocs' process never copies a page that may be 1 MB.  ``finish``
    (on_post_build) waits for the last page and returns every blocking finding; the plugin then
    fails the build, and on_build_error empties site_dir, as a finding in on_post_page itself would.
    A worker that dies fails the build.  ``pages`` (page → written path, waivers, stamp) is known to
    the worker from the fork, so only page names cross the pipe, a batch at a time.
    """

    def __init__(self, scanner: RenderedScanner, pages: dict[str, tuple[str, list, str]]):
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._proc = context.Process(target=_serve, args=(scanner, pages, child, os.getpid()), daemon=True,
                                     name="govgate-scan")
        self._proc.start()
        child.close()
        self._pending: tuple | None = None
        self._ready: list[tuple] = []
        self._known = set(pages)

    @staticmethod
    def available() -> bool:
        return "fork" in multiprocessing.get_all_start_methods()

    def page(self, path: str) -> bool:
        """``path`` will be written once on_post_page returns: it is checked and stamped after the next page starts.

        False for a page the worker was not told about (the caller checks and stamps it itself)."""
        if path not in self._known:
            return False
        self._hand_over(("file", path))
        return True

    def template(self, name: str, written: str) -> None:
        """A theme template (404.html, sitemap.xml) MkDocs writes to ``written`` once on_post_template returns."""
        self._hand_over(("written", name, written))

    def text(self, name: str, html: str) -> None:
        self._ready.append(("text", name, html))

    def _hand_over(self, job: tuple) -> None:
        if self._pending is not None:
            self._ready.append(self._pending)     # MkDocs has written it: the next one is being rendered
        self._pending = job
        if len(self._ready) >= BATCH_PAGES:
            try:
                self._conn.send(self._ready)
            except OSError:
                raise self._died() from None
            self._ready = []

    def _died(self) -> GateError:
        """The checker process is gone (killed, out of memory): the build stops, without blaming the page
        MkDocs happens to be writing (a BrokenPipeError there once read as that page's problem)."""
        self._proc.join(timeout=5)
        code = self._proc.exitcode
        return GateError(Msg(f"页面检查进程意外退出（退出码 {code}），无法确认已写出的页面，已停止发布；这与正在生成的页面无关",
                             f"the page checker process stopped unexpectedly (exit code {code}); the pages written "
                             "cannot be verified, so publication stopped. This is not about the page being built"),
                         hint=Msg("检查内存是否不足或进程是否被终止，然后重新构建",
                                  "check for lack of memory or a killed process, then build again"))

    def finish(self) -> tuple[list[Finding], dict[str, int], list[str]]:
        """Blocking findings, counts for the profile, and the template texts proved clean (for the scan cache)."""
        try:
            if self._pending is not None:
                self._ready.append(self._pending)
                self._pending = None
            self._conn.send(self._ready)
            self._ready = []
            self._conn.send(None)
            kind, payload, stats, proved = self._conn.recv()
        except (EOFError, OSError):
            raise self._died() from None
        finally:
            self.stop()
        if kind != "ok":
            raise RuntimeError(payload)
        return payload, stats, proved

    def stop(self) -> None:
        self._conn.close()
        if self._proc.is_alive():
            self._proc.kill()      # finish() has its answer already; on a failed build nobody waits for one
        self._proc.join()


def _serve(scanner: RenderedScanner, pages: dict[str, tuple[str, list, str]], conn: Any, parent: int) -> None:
    die_with_parent(parent)
    findings: list[Finding] = []
    try:
        while (batch := _receive(conn)) is not None:
            for job in batch:
                findings.extend(_check(scanner, pages, job))
        _reply(conn, ("ok", findings, {"pages_fully_rescanned": scanner.full_scans,
                                       "template_pieces_clean": len(scanner.clean) + len(scanner.clean_first)},
                      scanner.proved))
    except _Stopped:
        pass                    # the build failed elsewhere and stopped listening
    except Exception as exc:  # noqa: BLE001 - reported to the build, which then fails closed
        _reply(conn, ("error", f"{type(exc).__name__}: {exc}", {}, []))
    finally:
        conn.close()


def _check(scanner: RenderedScanner, pages: dict[str, tuple[str, list, str]], job: tuple) -> list[Finding]:
    if job[0] == "text":
        return scanner.scan_page(job[1], job[2], ())
    if job[0] == "written":
        _, path, written = job
        waivers, stamp = [], ""
    else:
        path = job[1]
        written, waivers, stamp = pages[path]
    try:
        raw = Path(written).read_bytes()
    except FileNotFoundError:
        return []               # MkDocs writes nothing for an empty page
    found = scanner.scan_page(path, raw.decode("utf-8"), waivers)
    if stamp and not found:
        Path(written).write_bytes(stamped_bytes(raw, stamp))
    return found


class _Stopped(Exception):
    pass


def _receive(conn: Any) -> tuple | None:
    try:
        return conn.recv()
    except (EOFError, OSError):
        raise _Stopped from None


def _reply(conn: Any, message: tuple) -> None:
    try:
        conn.send(message)
    except OSError:
        pass                    # nobody listens any more: the build has failed already
