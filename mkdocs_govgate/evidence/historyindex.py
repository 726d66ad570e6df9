"""One pass over history: the commit graph, and for every page the commits that changed it.

A single ``git log --raw`` (tree diffs done by git in C) replaces thousands of per-page
``git log -- PATH`` calls; merges are diffed against each parent separately, so a change
brought in by a merge is never missed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .gitobjects import run_git

ZERO_OID = "0" * 40


@dataclass(frozen=True)
class Change:
    """``path`` changed in ``commit``: its blob in each parent (None: absent) and in the commit."""

    commit: str
    old: tuple[str | None, ...]
    new: str | None


@dataclass
class HistoryIndex:
    head: str
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)         # topological: parents first
    changes: dict[str, list[Change]] = field(default_factory=dict)   # tracked path → changes, oldest first
    changed_paths: dict[tuple[str, int], int] = field(default_factory=dict)  # (commit, parent index) → count
    touches_trust: set[tuple[str, int]] = field(default_factory=set)       # (commit, parent index)
    touched: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)   # every path each commit changed

    def is_ancestor_or_self(self, commit: str) -> bool:
        return commit in self.order


def _parse_raw(tokens: list[bytes], start: int) -> tuple[list[tuple[str, str, str]], int]:
    """Raw diff entries from NUL-split ``--raw -z`` output: ``(old_oid, new_oid, path)``."""
    entries = []
    i = start
    while i < len(tokens):
        meta = tokens[i].lstrip(b"\n")
        if not meta.startswith(b":"):
            break
        fields = meta[1:].split(b" ")
        path = tokens[i + 1].decode("utf-8", errors="surrogateescape")
        old_mode, new_mode = fields[0], fields[1]
        old = fields[2].decode() if old_mode not in (b"000000", b"160000") else ZERO_OID
        new = fields[3].decode() if new_mode not in (b"000000", b"160000") else ZERO_OID
        entries.append((old, new, path))
        i += 2
    return entries, i


def build_index(repo_root: Path, head: str, tracked_prefix: str, trust_prefix: str) -> HistoryIndex:
    index = HistoryIndex(head)
    out = run_git(repo_root, "log", "--topo-order", "--reverse", "--root", "--raw", "-r", "--no-renames",
                  "--no-abbrev", "-z", "--format=%x01%H %P", head)
    tokens = out.split(b"\0")
    merges: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if not token.startswith(b"\x01"):
            continue
        ids = token[1:].decode().split()
        commit, parents = ids[0], tuple(ids[1:])
        index.parents[commit] = parents
        index.order[commit] = len(index.order)
        entries, i = _parse_raw(tokens, i)
        if len(parents) > 1:
            merges.append(commit)
            continue
        _record(index, commit, 0, entries, tracked_prefix, trust_prefix)
    for commit in merges:
        _record_merge(index, repo_root, commit, tracked_prefix, trust_prefix)
    for changes in index.changes.values():
        changes.sort(key=lambda change: index.order[change.commit])
    return index


def _blob(oid: str) -> str | None:
    return None if oid == ZERO_OID else oid


def _record(index: HistoryIndex, commit: str, parent_index: int, entries: list[tuple[str, str, str]],
            tracked_prefix: str, trust_prefix: str) -> None:
    index.changed_paths[(commit, parent_index)] = len(entries)
    index.touched[(commit, parent_index)] = tuple(path for _, _, path in entries)
    for old, new, path in entries:
        if path.startswith(trust_prefix):
            index.touches_trust.add((commit, parent_index))
        if path.startswith(tracked_prefix):
            index.changes.setdefault(path, []).append(Change(commit, (_blob(old),), _blob(new)))


def _record_merge(index: HistoryIndex, repo_root: Path, commit: str, tracked_prefix: str, trust_prefix: str) -> None:
    parents = index.parents[commit]
    per_parent: list[dict[str, tuple[str, str]]] = []
    for parent_index, parent in enumerate(parents):
        out = run_git(repo_root, "diff-tree", "-r", "-z", "--no-renames", "--no-abbrev", "--raw", parent, commit)
        entries, _ = _parse_raw(out.split(b"\0"), 0)
        index.changed_paths[(commit, parent_index)] = len(entries)
        index.touched[(commit, parent_index)] = tuple(path for _, _, path in entries)
        if any(path.startswith(trust_prefix) for _, _, path in entries):
            index.touches_trust.add((commit, parent_index))
        per_parent.append({path: (old, new) for old, new, path in entries if path.startswith(tracked_prefix)})
    for path in set().union(*per_parent):
        new = next(diff[path][1] for diff in per_parent if path in diff)
        old = tuple(_blob(diff[path][0]) if path in diff else _blob(new) for diff in per_parent)
        index.changes.setdefault(path, []).append(Change(commit, old, _blob(new)))
