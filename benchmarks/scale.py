"""Scale benchmark: the gate on a generated site of N pages, each figure against a baseline of the same run.

    python benchmarks/scale.py [--pages 5000] [--keep DIR | --reuse DIR] [--small M]

Generates (gensite.py) a site of N pages and one of M pages (default N/5, for linearity), then, each
figure the median of ``--runs`` runs (default 3) with min and max printed beside it:

* ``mkdocs build`` without the plugin (``mkdocs-nogate.yml``) and with it: cold (no cache: every
  sign-off verified, everything scanned), warm (nothing changed) and after one new commit on a site
  whose caches CI kept (what CI sees after every merge): wall time and CPU time of the whole process
  tree, as ratios against the build without the gate, and the peak of the tree's summed memory
  (forked workers and background checkers included, PSS sampled with psutil);
* the gate's own CPU per 1,000 pages (its event handlers, ``GOVGATE_PROFILE``) at M and at N pages
  (their ratio shows whether it stays flat);
* ``govgate check`` cold, warm and after one new commit; ``govgate status`` warm;
* ``govgate-pre-commit`` on a commit that changes one page (no cache, and warm).

Ends with one line:
``pages=N build_cold=R build_cold_cpu=R build_incr_cpu=R check_incr_s=S gate_cpu_s_per_1000=S hook_s=S
status_s=S check_s=S mem_tree=R`` (R: ratio with/without the gate; S: seconds).  Timings are of this
machine at this moment: other load shows in wall times, which is why CPU times stand beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gensite import Generated, generate  # noqa: E402

BIN = Path(sys.executable).parent
SUMMARY_FIELDS = ("pages", "build_cold", "build_cold_cpu", "build_incr_cpu", "check_incr_s", "gate_cpu_s_per_1000",
                  "hook_s", "status_s", "check_s", "mem_tree")
# Runs one command and reports its wall time, the CPU time of its whole process tree (every descendant is
# waited for, so RUSAGE_CHILDREN counts forked workers too) and the peak of the tree's summed proportional
# set size (PSS: a page shared by forked workers counts once in all, where summed RSS would count it in
# each), sampled every 50 ms with psutil (ru_maxrss would be the largest single process only).
_MEASURE = """
import json, resource, subprocess, sys, threading, time
import psutil
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
peak = [0]
def sample():
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            total = 0
            for p in tree:
                try:
                    total += p.memory_full_info().pss
                except (psutil.Error, AttributeError):
                    pass
            peak[0] = max(peak[0], total)
        except psutil.Error:
            pass
        time.sleep(0.05)
sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
stderr = proc.stderr.read()
proc.wait()
wall = time.perf_counter() - start
sampler.join(1)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"wall": wall, "cpu": use.ru_utime + use.ru_stime, "rss_mb": peak[0] / 2**20,
           "rc": proc.returncode, "stderr": stderr.decode(errors="replace")[-3000:]}, open(sys.argv[1], "w"))
"""


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float        # peak of the whole process tree's memory (PSS)

    def __str__(self) -> str:
        return f"{self.wall:8.2f} s wall {self.cpu:8.2f} s CPU {self.rss_mb:7.0f} MB (tree PSS)"


@dataclass
class Runs:
    """The same measurement repeated: figures are medians, min and max show the spread."""

    runs: list[Run]

    def median(self, field: str) -> float:
        return statistics.median(getattr(r, field) for r in self.runs)

    @property
    def wall(self) -> float:
        return self.median("wall")

    @property
    def cpu(self) -> float:
        return self.median("cpu")

    @property
    def rss_mb(self) -> float:
        return self.median("rss_mb")

    def __str__(self) -> str:
        def spread(field: str, unit: str, digits: int) -> str:
            values = [getattr(r, field) for r in self.runs]
            return f"{self.median(field):8.{digits}f}{unit} [{min(values):.{digits}f}–{max(values):.{digits}f}]"
        return (f"{spread('wall', ' s wall', 2)} {spread('cpu', ' s CPU', 2)} {spread('rss_mb', ' MB tree', 0)}"
                f"  (median of {len(self.runs)})")


RUNS = 3     # --runs: every figure is the median of this many


def repeat(measurement, times: int | None = None) -> Runs:  # noqa: ANN001 - a () -> Run
    return Runs([measurement() for _ in range(times or RUNS)])


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


def cold_gate(root: Path, pages: int, label: str) -> tuple[Runs, Runs, float, float, dict]:
    """Cold builds (no cache: every sign-off verified, everything scanned) and cold `govgate check`; the gate's
    own CPU and wall per 1,000 pages (its event handlers, GOVGATE_PROFILE), medians."""
    profile = root / ".git" / "govgate-profile.json"
    checks = repeat(lambda: (clear_cache(root), govgate(root, "check"))[1])
    profiles: list[dict] = []

    def one_cold_build() -> Run:
        clear_cache(root)
        result = build(root, gate=True, profile=profile)      # leaves the caches a warm build uses
        profiles.append(json.loads(profile.read_text()))
        return result

    colds = repeat(one_cold_build)
    cpu_per_1000 = statistics.median(p["total_cpu_s"] for p in profiles) * 1000 / pages
    wall_per_1000 = statistics.median(p["total_wall_s"] for p in profiles) * 1000 / pages
    events = profiles[len(profiles) // 2]
    print(f"[{label}] build with gate, cold     : {colds}")
    print(f"[{label}] gate's event handlers     : {wall_per_1000:.2f} s wall {cpu_per_1000:.2f} s CPU per 1,000 pages")
    for name, event in events["events"].items():
        if event["cpu_s"] >= 0.05 or event["wall_s"] >= 0.05:
            print(f"[{label}]     {name:<20}: {event['wall_s']:8.2f} s wall {event['cpu_s']:8.2f} s CPU "
                  f"({event['calls']} calls)")
    print(f"[{label}] govgate check, cold       : {checks}")
    return colds, checks, cpu_per_1000, wall_per_1000, events


def new_commit(root: Path) -> None:
    """What CI sees after a merge: one new commit on a site whose caches it kept (an editor's, unsigned)."""
    subprocess.run(["git", "-c", "user.name=editor01", "-c", "user.email=editor01@example.gov.cn", "-c",
                    "commit.gpgsign=false", "commit", "-q", "--allow-empty", "--no-verify", "-m", "新提交"],
                   cwd=root, check=True)


def hook(root: Path) -> tuple[Runs, Runs]:
    """govgate-pre-commit on the files of a commit that changes one page: fresh clone, then warm."""
    page = sorted((root / "content").rglob("t*.md"))[len(list((root / "content").rglob("t*.md"))) // 2]
    original = page.read_bytes()
    try:
        page.write_bytes(original + "\n补充说明：本通知自印发之日起施行。\n".encode())
        rel = page.relative_to(root).as_posix()
        cold = repeat(lambda: (clear_cache(root), measure([str(BIN / "govgate-pre-commit"), rel], root))[1])
        warm = repeat(lambda: measure([str(BIN / "govgate-pre-commit"), rel], root))
    finally:
        page.write_bytes(original)
    return cold, warm


def ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("inf")


def run(root: Path, small_root: Path, pages: int, small_pages: int) -> dict[str, float]:
    print(f"\n== {small_pages} pages (linearity reference) ==", flush=True)
    _, _, small_cpu, small_wall, _ = cold_gate(small_root, small_pages, f"{small_pages}")
    print(f"\n== {pages} pages ==", flush=True)
    base = repeat(lambda: build(root, gate=False))
    print(f"[{pages}] build without gate        : {base}", flush=True)
    cold, check_cold, cpu_per_1000, wall_per_1000, _ = cold_gate(root, pages, f"{pages}")
    warm = repeat(lambda: build(root, gate=True))
    print(f"[{pages}] build with gate, warm     : {warm}", flush=True)
    incr = repeat(lambda: (new_commit(root), build(root, gate=True))[1])
    print(f"[{pages}] build with gate, 1 new commit: {incr}", flush=True)
    check_incr = repeat(lambda: (new_commit(root), govgate(root, "check"))[1])
    print(f"[{pages}] govgate check, 1 new commit: {check_incr}", flush=True)
    check = repeat(lambda: govgate(root, "check"))
    print(f"[{pages}] govgate check, warm       : {check}", flush=True)
    status = repeat(lambda: govgate(root, "status", ok=(0, 1)))
    print(f"[{pages}] govgate status, warm      : {status}")
    hook_cold, hook_warm = hook(root)
    print(f"[{pages}] pre-commit, one page      : {hook_cold} (no cache)")
    print(f"[{pages}] pre-commit, one page      : {hook_warm} (warm)", flush=True)

    figures = {"pages": pages, "build_cold": ratio(cold.wall, base.wall), "build_cold_cpu": ratio(cold.cpu, base.cpu),
               "build_incr_cpu": ratio(incr.cpu, base.cpu), "check_incr_s": check_incr.wall,
               "gate_cpu_s_per_1000": cpu_per_1000, "hook_s": max(hook_cold.wall, hook_warm.wall),
               "status_s": status.wall, "check_s": check.wall,
               "mem_tree": ratio(max(cold.rss_mb, warm.rss_mb), base.rss_mb)}
    print(f"\nbuild with/without gate, cold : {figures['build_cold']:.3f}x wall  {figures['build_cold_cpu']:.3f}x CPU"
          "   (targets <= 1.10 wall, <= 1.15 CPU)")
    print(f"build with/without gate, warm : {ratio(warm.wall, base.wall):.3f}x wall  {ratio(warm.cpu, base.cpu):.3f}x CPU")
    print(f"after one new commit          : {ratio(incr.wall, base.wall):.3f}x wall  {figures['build_incr_cpu']:.3f}x CPU"
          f"   (target <= 1.03 CPU); govgate check {check_incr.wall:.2f} s (target <= 1 s)")
    print(f"peak memory, whole tree       : {figures['mem_tree']:.3f}x   (target <= 1.5)")
    print(f"gate CPU per 1,000 pages      : {cpu_per_1000:.2f} s at {pages}, {small_cpu:.2f} s at {small_pages}: "
          f"x{ratio(cpu_per_1000, small_cpu):.2f} (flat: ~1); wall {wall_per_1000:.2f} s, {small_wall:.2f} s")
    print(f"govgate check, cold           : {check_cold.wall * 1000 / pages:.2f} s wall per 1,000 pages")
    return figures


def summary_line(figures: dict[str, float]) -> str:
    """The one line: ratios with/without the gate (R), seconds (S); see the module docstring."""
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
    parser.add_argument("--runs", type=int, default=3, help="every figure is the median of this many runs")
    args = parser.parse_args(argv)
    global RUNS
    RUNS = max(1, args.runs)
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
