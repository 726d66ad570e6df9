"""Independent work of a cold verification spread over all cores: page versions and SSH signatures.

Each worker reads its share of objects through its own ``git cat-file`` process, so the raw
history (hundreds of MB on a large site) never passes through, or stays in, the parent; what
comes back is small: each page version's entry keys and content hash, each commit parsed (an
SSH-verified commit without its signed bytes, which are not needed again).
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace
from pathlib import Path

from ..i18n import Msg
from ..pool import fork_pool
from .gitobjects import BadCommit, Commit, ObjectReader, parse_commit
from .signatures import GIT_NAMESPACE
from .sshsig import ARMOR_BEGIN, SignatureError, key_line, verify_armored
from .versions import PageVersion, read_version

PARALLEL_THRESHOLD = 2000     # below this, starting workers costs more than it saves
CHUNK = 1500                  # objects per task: bounds each worker's transient memory

BlobJob = tuple[str, str]               # path, blob id
CommitResult = tuple[Commit | None, str | Msg | None]


def _versions(repo_root: Path, jobs: list[BlobJob]) -> list[tuple[str, PageVersion]]:
    with ObjectReader(repo_root) as reader:
        objects = reader.read_many([oid for _, oid in jobs])
    return [(oid, read_version(path, objects[oid][1])) for path, oid in jobs if objects[oid][0] == "blob"]


def _commits(repo_root: Path, oids: list[str]) -> list[tuple[str, CommitResult]]:
    with ObjectReader(repo_root) as reader:
        objects = reader.read_many(oids)
    results = []
    for oid in oids:
        kind, raw = objects[oid]
        if kind != "commit":
            continue
        try:
            commit = parse_commit(oid, raw)
        except BadCommit:
            results.append((oid, (None, None)))      # reported with its reason when judged
            continue
        signer: str | Msg | None = None
        if commit.signature is not None and commit.signature.lstrip().startswith(ARMOR_BEGIN.encode()):
            try:
                signer = key_line(verify_armored(commit.signature, commit.payload, GIT_NAMESPACE))
            except SignatureError as exc:
                signer = exc.message
            commit = replace(commit, raw=b"", payload=b"")   # checked: the verdict is remembered instead
        results.append((oid, (commit, signer)))
    return results


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def parse_and_verify(repo_root: Path, blobs: list[BlobJob], commits: list[str]
                     ) -> tuple[dict[str, PageVersion], dict[str, CommitResult]]:
    """Page versions by blob id, and (commit, SSH signer or problem) by commit id."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(blobs) + len(commits) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        versions = {oid: v for chunk in _chunks(blobs, CHUNK) for oid, v in _versions(repo_root, chunk)}
        return versions, {oid: r for chunk in _chunks(commits, CHUNK) for oid, r in _commits(repo_root, chunk)}
    with fork_pool(workers) as pool:
        version_parts = [pool.submit(_versions, repo_root, chunk) for chunk in _chunks(blobs, CHUNK)]
        commit_parts = [pool.submit(_commits, repo_root, chunk) for chunk in _chunks(commits, CHUNK)]
        versions = {oid: v for part in version_parts for oid, v in part.result()}
        checked = {oid: r for part in commit_parts for oid, r in part.result()}
    return versions, checked
