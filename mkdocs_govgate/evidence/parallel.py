"""Independent work of a cold verification spread over all cores: page versions and SSH signatures."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from ..i18n import Msg
from .gitobjects import BadCommit, Commit, parse_commit
from .signatures import GIT_NAMESPACE
from .sshsig import ARMOR_BEGIN, SignatureError, key_line, verify_armored
from .versions import PageVersion, read_version

PARALLEL_THRESHOLD = 2000     # below this, starting workers costs more than it saves

BlobJob = tuple[str, str, bytes]        # path, blob id, data
CommitJob = tuple[str, bytes]           # commit id, raw bytes
CommitResult = tuple[Commit | None, str | Msg | None]


def _versions(jobs: list[BlobJob]) -> list[tuple[str, PageVersion]]:
    return [(oid, read_version(path, data)) for path, oid, data in jobs]


def _commits(jobs: list[CommitJob]) -> list[tuple[str, CommitResult]]:
    results = []
    for oid, raw in jobs:
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
        results.append((oid, (commit, signer)))
    return results


def _chunks(items: list, count: int) -> list[list]:
    return [items[i::count] for i in range(count)]


def parse_and_verify(blobs: list[BlobJob], commits: list[CommitJob]
                     ) -> tuple[dict[str, PageVersion], dict[str, CommitResult]]:
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(blobs) + len(commits) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        return dict(_versions(blobs)), dict(_commits(commits))
    pieces = workers * 2
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        version_parts = [pool.submit(_versions, chunk) for chunk in _chunks(blobs, pieces)]
        commit_parts = [pool.submit(_commits, chunk) for chunk in _chunks(commits, pieces)]
        versions = {oid: v for part in version_parts for oid, v in part.result()}
        checked = {oid: r for part in commit_parts for oid, r in part.result()}
    return versions, checked
