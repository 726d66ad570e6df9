"""Independent per-file work (parsing, digests, content rules) spread over all cores.

Workers are forked, so they inherit the gate (rules, policy, caches) without pickling it; only
the items and the results cross process boundaries.  Results come back in input order, so a
parallel run returns exactly what a serial one does.  Below ``min_items`` (or on one core, or
where fork is unavailable) everything runs in this process: starting workers costs ~0.1 s.
``GOVGATE_WORKERS=1`` forces a serial run (for comparisons and debugging).
"""

from __future__ import annotations

import atexit
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 400          # a 400-page site checks in well under a second on one core
WORKERS_ENV = "GOVGATE_WORKERS"

_task: Callable[[Any], Any] | None = None
_harvest: Callable[[], Any] | None = None


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """In a forked worker: end when the process that started it ends, however it ends (kill -9 included).

    A worker left behind keeps the build's output pipe open (CI waits for it) and holds the site in
    memory; a worker of a multiprocessing pool never sees its queue close, because its siblings hold it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):     # not Linux: the parent's clean-up stops its workers instead
        return
    if os.getppid() != parent:            # the parent ended before the request took effect
        os._exit(1)


def fork_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of forked workers that end with this process."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=die_with_parent, initargs=(os.getpid(),))


def worker_count(items: int, min_items: int | None = None, workers: int | None = None) -> int:
    if workers is None:
        configured = os.environ.get(WORKERS_ENV, "")
        workers = int(configured) if configured.isdigit() else min(os.cpu_count() or 1, 8)
    if workers < 2 or items < (MIN_ITEMS if min_items is None else min_items) \
            or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return workers


def _run_chunk(chunk: list) -> tuple[list, Any]:
    assert _task is not None
    results = [_task(item) for item in chunk]
    return results, _harvest() if _harvest is not None else None


def parallel_map(task: Callable[[T], R], items: Sequence[T], *, harvest: Callable[[], Any] | None = None,
                 merge: Callable[[Any], None] | None = None, min_items: int | None = None,
                 workers: int | None = None, progress: Callable[[int, int], None] | None = None) -> list[R]:
    """``[task(item) for item in items]``, on forked workers when worth it.

    ``harvest()`` runs in a worker after each chunk and ``merge(…)`` receives what it returned in
    this process: how worker-side caches (new scan results) come back.  ``progress(done, total)``
    is told in this process after each item (serial) or chunk (parallel).
    """
    count = worker_count(len(items), min_items, workers)
    if count == 1:
        if progress is None:
            return [task(item) for item in items]
        serial: list[R] = []
        for item in items:
            serial.append(task(item))
            progress(len(serial), len(items))
        return serial
    global _task, _harvest
    _task, _harvest = task, harvest
    size = max(8, min(64, len(items) // (count * 8) or 1))
    chunks = [list(items[i:i + size]) for i in range(0, len(items), size)]
    try:
        with fork_pool(count) as pool:
            results: list[R] = []
            for part, harvested in pool.map(_run_chunk, chunks):
                results.extend(part)
                if progress is not None:
                    progress(len(results), len(items))
                if merge is not None and harvested is not None:
                    merge(harvested)
    finally:
        _task = _harvest = None
    return results


def in_child(task: Callable[[], R]) -> R:
    """``task()`` in a forked process: its result comes back, its memory stays there.

    For work that builds large transient structures (the history index of a big site) when only
    a small answer is needed.  An exception in the child is raised here; a child that dies is an error.
    """
    return start_child(task)()


class Child(Generic[R]):
    """``task()`` started in a forked process (start_child); calling this waits for its result.

    Without fork, ``task`` runs when the result is asked for.  ``cancel()`` stops a child whose
    result nobody will ask for (a failed build): it would otherwise wait forever to hand it over.
    """

    def __init__(self, task: Callable[[], R]):
        self._task: Callable[[], R] | None = task
        self._process: Any = None
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        parent = os.getpid()

        def run() -> None:
            die_with_parent(parent)
            try:
                outcome: tuple[bool, Any] = (True, task())
            except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
                outcome = (False, exc)
            try:
                send.send(outcome)
            except Exception as exc:  # noqa: BLE001 - e.g. an exception that does not pickle
                send.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
            send.close()

        self._task = None
        self._process = context.Process(target=run, name="govgate-child")
        self._process.start()
        send.close()
        _running.add(self)

    def __call__(self) -> R:
        if self._task is not None:
            return self._task()
        if self._process is None:
            raise RuntimeError("the worker process was stopped before it answered")
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"a worker process stopped unexpectedly (exit code {self._process.exitcode})") from None
        finally:
            self._release()
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._release()

    def _release(self) -> None:
        self._receive.close()
        self._process.join()
        self._process = None
        _running.discard(self)


_running: set[Child] = set()


@atexit.register   # registered after multiprocessing's own exit hook, so it runs first: no join of a stuck child
def _cancel_running() -> None:
    for child in list(_running):
        child.cancel()


def start_child(task: Callable[[], R]) -> Child[R]:
    """Start ``task()`` in a forked process now; calling the result waits for it."""
    return Child(task)
