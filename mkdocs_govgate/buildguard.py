"""A build that does not finish leaves nothing publishable, however it ends.

MkDocs calls ``on_build_error`` only for an ``Exception``: Ctrl-C (KeyboardInterrupt), a plugin's
``SystemExit`` and SIGTERM (a CI cancel, `kill`; by default it ends Python without any clean-up)
skip it, and so does another plugin's ``on_build_error`` that raises before ours.  While a build
is armed, SIGTERM is turned into KeyboardInterrupt (so Python unwinds) and an exit hook runs the
clean-up if the build was neither finished nor cleaned up.  Worker processes end with the build
on their own (pool.die_with_parent).
"""

from __future__ import annotations

import atexit
import signal
import threading
from collections.abc import Callable


class BuildGuard:
    def __init__(self, clean_up: Callable[[], None]):
        self._clean_up = clean_up
        self.armed = False
        self._registered = False
        self._previous_term = None

    def arm(self) -> None:
        """A build starts: from now on, an ending without finish() or disarm() runs the clean-up."""
        self.armed = True
        if not self._registered:
            atexit.register(self._at_exit)
            self._registered = True
        if threading.current_thread() is threading.main_thread() and self._previous_term is None:
            self._previous_term = signal.signal(signal.SIGTERM, _interrupt)

    def disarm(self) -> None:
        """The build finished, or was cleaned up already."""
        self.armed = False
        if self._previous_term is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._previous_term)
            self._previous_term = None

    def _at_exit(self) -> None:
        if self.armed:
            self.armed = False
            self._clean_up()


def _interrupt(signum, frame):  # noqa: ANN001, ANN202, ARG001 - signal handler signature
    raise KeyboardInterrupt(f"signal {signum}")
