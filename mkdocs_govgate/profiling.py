"""Time spent in the plugin's event handlers, for benchmarks (``benchmarks/scale.py``).

Off unless ``GOVGATE_PROFILE=path.json`` is set; then every handler's wall and CPU time (its
own process plus the worker processes it waited for) is summed per event and written as JSON
when the build ends.  Two clock reads per event when on, one dictionary look-up when off.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

PROFILE_ENV = "GOVGATE_PROFILE"


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class EventTimer:
    def __init__(self) -> None:
        target = os.environ.get(PROFILE_ENV, "")
        self.path = Path(target) if target else None
        self.events: dict[str, list[float]] = {}     # name → [calls, wall seconds, cpu seconds]
        self.notes: dict[str, object] = {}

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def start(self) -> tuple[float, float]:
        return time.perf_counter(), _cpu()

    def stop(self, name: str, started: tuple[float, float]) -> None:
        entry = self.events.setdefault(name, [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - started[0]
        entry[2] += _cpu() - started[1]

    def write(self) -> None:
        if self.path is None:
            return
        events = {name: {"calls": int(c), "wall_s": round(w, 4), "cpu_s": round(p, 4)}
                  for name, (c, w, p) in sorted(self.events.items())}
        data = {"events": events, "total_wall_s": round(sum(e["wall_s"] for e in events.values()), 4),
                "total_cpu_s": round(sum(e["cpu_s"] for e in events.values()), 4), **self.notes}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(data, indent=1), encoding="utf-8")
