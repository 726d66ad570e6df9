"""Scale benchmark: the gate on a generated site of N pages, each figure against a baseline of the same run.

    python benchmarks/scale.py [--pages 5000] [--keep DIR | --reuse DIR] [--small M]

Generates (gensite.py) a site of N pages and one of M pages (default N/5, for linearity), then:

* ``mkdocs build`` without the plugin (``mkdocs-nogate.yml``) and with it, cold (no
  ``.govgate-cache``: every sign-off verified, everything scanned) and warm (nothing changed):
  wall-time and CPU ratios, and peak memory (max RSS of the build process);
* the gate's own time: the sum of its event handlers (``GOVGATE_PROFILE``) and ``govgate check``,
  per 1,000 pages, at M and at N pages (their ratio shows whether it grows linearly);
* ``govgate-pre-commit`` on a commit that changes one page (fresh clone: no cache, and warm);
* ``govgate status`` and ``govgate check`` warm.

Ends with one line:
``pages=N build_cold=R1 build_warm=R2 gate_s_per_1000=S0 hook_s=S1 status_s=S2 check_s=S3 mem=R3``
(R: ratio with/without the gate, wall time; S: seconds, wall time; S0 the larger of the handler sum
and ``govgate check``, cold, per 1,000 pages at N).  Timings are of this machine at this moment:
other load on it shows up in wall times, so CPU times are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gensite import Generated, generate  # noqa: E402

BIN = Path(sys.executable).parent
SUMMARY_FIELDS = ("pages", "build_cold", "build_warm", "gate_s_per_1000", "hook_s", "status_s", "check_s", "mem")
# Runs one command and reports its wall time, CPU time and peak memory (its own process tree's largest RSS).
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
use = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"wall": wall, "cpu": use.ru_utime + use.ru_stime, "rss_mb": use.ru_maxrss / 1024,
           "rc": proc.returncode, "stderr": proc.stderr.decode(errors="replace")[-3000:]}, open(sys.argv[1], "w"))
"""


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float

    def __str__(self) -> str:
        return f"{self.wall:8.2f} s wall {self.cpu:8.2f} s CPU {self.rss_mb:7.0f} MB"


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> Run:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        subprocess.run([sys.executable, "-c", _MEASURE, str(out), *command], cwd=cwd, check=True,
                       env={**os.environ, "GOVGATE_CACHE_DIR": str(cache_dir(cwd)), **(env or {})})
        data = json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)
    if data["rc"] not in ok:
        raise SystemExit(f"{' '.join(command)} failed ({data['rc']}):\n{data['stderr']}")
    return Run(data["wall"], data["cpu"], data["rss_mb"])


def site_at(folder: Path, pages: int) -> Path:
    """The generated site of ``pages`` pages in ``folder`` (made if missing)."""
    root = folder / f"site-{pages}"
    if (root / ".git").is_dir():
        return root
    if root.exists():
        shutil.rmtree(root)
    result = generate(root, pages)
    print(f"generated {result.pages} pages ({result.signoffs} signed sign-offs, {result.commits} commits, "
          f"{result.attachments} attachments) in {result.seconds} s: {root}", flush=True)
    return root


def clear_cache(root: Path) -> None:
    shutil.rmtree(cache_dir(root), ignore_errors=True)


def cache_dir(root: Path) -> Path:
    """Outside the checkout, as CI keeps it (GOVGATE_CACHE_DIR)."""
    return root.parent / f"{root.name}.govgate-cache"


def build(root: Path, gate: bool, profile: Path | None = None) -> Run:
    out = Path(tempfile.mkdtemp(prefix="govgate-scale-site-"))
    try:
        config = "mkdocs.yml" if gate else "mkdocs-nogate.yml"
        env = {"GOVGATE_PROFILE": str(profile)} if profile else None
        return measure([str(BIN / "mkdocs"), "build", "-q", "-f", config, "-d", str(out)], root, env)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def govgate(root: Path, *args: str, ok: tuple[int, ...] = (0,)) -> Run:
    return measure([str(BIN / "govgate"), *args], root, ok=ok)


def gate_seconds(root: Path, pages: int, label: str) -> tuple[float, float, Run, dict]:
    """Cold handler sum and cold `govgate check`, per 1,000 pages; the cold build and its profile."""
    profile = root / ".git" / "govgate-profile.json"
    clear_cache(root)
    check = govgate(root, "check")
    clear_cache(root)
    cold = build(root, gate=True, profile=profile)    # leaves the caches a warm build uses
    events = json.loads(profile.read_text())
    handlers = events["total_wall_s"] * 1000 / pages
    checked = check.wall * 1000 / pages
    print(f"[{label}] build with gate, cold     : {cold}")
    print(f"[{label}] gate's event handlers     : {events['total_wall_s']:8.2f} s wall {events['total_cpu_s']:8.2f} s CPU"
          f"  = {handlers:.2f} s wall per 1,000 pages")
    for name, event in events["events"].items():
        if event["wall_s"] >= 0.05:
            print(f"[{label}]     {name:<20}: {event['wall_s']:8.2f} s wall {event['cpu_s']:8.2f} s CPU "
                  f"({event['calls']} calls)")
    print(f"[{label}] govgate check, cold       : {check}  = {checked:.2f} s per 1,000 pages")
    return handlers, checked, cold, events


def hook(root: Path) -> tuple[Run, Run]:
    """govgate-pre-commit on the files of a commit that changes one page: fresh clone, then warm."""
    page = sorted((root / "content").rglob("t*.md"))[len(list((root / "content").rglob("t*.md"))) // 2]
    original = page.read_bytes()
    try:
        page.write_bytes(original + "\n补充说明：本通知自印发之日起施行。\n".encode())
        rel = page.relative_to(root).as_posix()
        clear_cache(root)
        cold = measure([str(BIN / "govgate-pre-commit"), rel], root)
        warm = measure([str(BIN / "govgate-pre-commit"), rel], root)
    finally:
        page.write_bytes(original)
    return cold, warm


def ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("inf")


def run(root: Path, small_root: Path, pages: int, small_pages: int) -> dict[str, float]:
    print(f"\n== {small_pages} pages (linearity reference) ==", flush=True)
    small_handlers, small_check, _, _ = gate_seconds(small_root, small_pages, f"{small_pages}")
    print(f"\n== {pages} pages ==", flush=True)
    base_cold = build(root, gate=False)
    print(f"[{pages}] build without gate        : {base_cold}", flush=True)
    handlers, checked, cold, _ = gate_seconds(root, pages, f"{pages}")
    base_warm = build(root, gate=False)
    print(f"[{pages}] build without gate, again : {base_warm}", flush=True)
    warm = build(root, gate=True)
    print(f"[{pages}] build with gate, warm     : {warm}", flush=True)
    check = govgate(root, "check")
    print(f"[{pages}] govgate check, warm       : {check}", flush=True)
    status_path = Path(__file__).resolve().parents[1] / "mkdocs_govgate" / "commands" / "status.py"
    status = govgate(root, "status", ok=(0, 1)) if status_path.exists() else None
    print(f"[{pages}] govgate status, warm      : {status if status else 'not available (no status command)'}")
    hook_cold, hook_warm = hook(root)
    print(f"[{pages}] pre-commit, one page      : {hook_cold} (no cache)")
    print(f"[{pages}] pre-commit, one page      : {hook_warm} (warm)", flush=True)

    build_cold, build_warm = ratio(cold.wall, base_cold.wall), ratio(warm.wall, base_warm.wall)
    mem = ratio(max(cold.rss_mb, warm.rss_mb), max(base_cold.rss_mb, base_warm.rss_mb))
    print(f"\nbuild with/without gate, cold : {build_cold:.3f}x wall  {ratio(cold.cpu, base_cold.cpu):.3f}x CPU"
          "   (target <= 1.25)")
    print(f"build with/without gate, warm : {build_warm:.3f}x wall  {ratio(warm.cpu, base_warm.cpu):.3f}x CPU"
          "   (target <= 1.05)")
    print(f"peak memory with/without gate : {mem:.3f}x   (target <= 1.5)")
    print(f"gate handlers per 1,000 pages : {handlers:.2f} s at {pages}, {small_handlers:.2f} s at {small_pages}: "
          f"x{ratio(handlers, small_handlers):.2f} (linear: ~1)   (target < 2 s)")
    print(f"govgate check per 1,000 pages : {checked:.2f} s at {pages}, {small_check:.2f} s at {small_pages}: "
          f"x{ratio(checked, small_check):.2f} (linear: ~1)   (target < 2 s)")
    return {"pages": pages, "build_cold": build_cold, "build_warm": build_warm,
            "gate_s_per_1000": max(handlers, checked), "hook_s": max(hook_cold.wall, hook_warm.wall),
            "status_s": status.wall if status else float("nan"), "check_s": check.wall, "mem": mem}


def summary_line(figures: dict[str, float]) -> str:
    parts = []
    for name in SUMMARY_FIELDS:
        value = figures[name]
        parts.append(f"{name}={value}" if name == "pages" else f"{name}={value:.2f}")
    return " ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--small", type=int, default=None, help="the second size, for linearity (default N/5)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    where.add_argument("--reuse", type=Path, help="use the sites generated earlier with --keep (made if missing)")
    args = parser.parse_args(argv)
    small = args.small or max(20, args.pages // 5)
    folder = args.keep or args.reuse or Path(tempfile.mkdtemp(prefix="govgate-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    try:
        root, small_root = site_at(folder, args.pages), site_at(folder, small)
        for site in (root, small_root):
            Generated.load(site)   # a folder gensite made
        figures = run(root, small_root, args.pages, small)
    finally:
        if not (args.keep or args.reuse):
            shutil.rmtree(folder, ignore_errors=True)
    print(summary_line(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
