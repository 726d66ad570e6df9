"""Throughput of the content rules end to end, side by side with ripgrep on the same bytes.

    python benchmarks/rules_bench.py [--mb 8] [--words 10000] [--runs 3] [--matchers]

The corpus is Chinese Markdown: the five seed regulations and the clean test articles
(tests/rules/corpus/clean), with words of the list planted in some pages, repeated up to
``--mb``.  The engine runs with every default rule and a 10,000-entry site word list, and is
timed two ways: page by page (``scan_text`` per document, as the plugin and the hooks call it)
and as one text.  Times are CPU seconds of this process (best of ``--runs``): "per core", and
steady when other work shares the machine.  ripgrep (``rg -F -f words.txt --count-matches``)
reads the same bytes from a temporary file; it only looks for the literal words, so it is the
floor for "find 10,000 words", not a like-for-like rival.  ``--matchers`` adds the word-list
matchers on their own (pyahocorasick, ahocorasick-rs, a regex alternation: slow).

A script, not a test: timings belong here, not in CI.  Issue #4 asks for >= 20 MB/s.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mkdocs_govgate.rules import RuleEngine  # noqa: E402

SEEDS = ROOT / "tests" / "data" / "regulations"
CLEAN = ROOT / "tests" / "rules" / "corpus" / "clean"
MB = 1024 * 1024
TARGET = 20.0


def documents() -> list[str]:
    docs = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    docs += [p.read_text("utf-8") for p in sorted(CLEAN.glob("*.md"))]
    return docs or ["各乡镇人民政府，县直各单位：现就有关事项通知如下。\n" * 200]


def word_list(n: int, seed: int = 42) -> list[str]:
    rnd = random.Random(seed)
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(chr(rnd.randint(0x4E00, 0x9FA5)) for _ in range(rnd.randint(2, 6))))
    return sorted(words)


def corpus(megabytes: float, words: list[str]) -> list[str]:
    """Pages up to ``megabytes``; every 7th page gets three words of the list planted."""
    base = documents()
    rnd = random.Random(7)
    pages: list[str] = []
    size = 0
    while size < megabytes * MB:
        page = base[len(pages) % len(base)]
        if len(pages) % 7 == 3:
            page += "\n\n" + "，".join(rnd.sample(words, 3)) + "。\n"
        pages.append(page)
        size += len(page.encode("utf-8"))
    return pages


def cpu_best(runs: int, fn: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.process_time()
        result = fn()
        best = min(best, time.process_time() - start)
    return best, result


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ripgrep(rg: str, words_file: Path, text_file: Path, runs: int) -> tuple[float, float, int]:
    """(best wall seconds, best CPU seconds, matches) of rg over the file."""
    best_wall = best_cpu = float("inf")
    count = 0
    cmd = [rg, "-F", "-f", str(words_file), "--count-matches", "--no-config", "-j1", str(text_file)]
    for _ in range(runs):
        cpu, wall = children_cpu(), time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, children_cpu() - cpu)
        if done.returncode not in (0, 1):
            raise RuntimeError(done.stderr.strip())
        count = int(done.stdout.strip() or 0)
    return best_wall, best_cpu, count


def matchers(text: str, words: list[str], runs: int, size: float) -> None:
    import ahocorasick
    import ahocorasick_rs

    automaton = ahocorasick.Automaton()
    for w in words:
        automaton.add_word(w, w)
    automaton.make_automaton()
    rs = ahocorasick_rs.AhoCorasick(words)
    regex = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    for name, fn in (("pyahocorasick", lambda: sum(1 for _ in automaton.iter(text))),
                     ("ahocorasick-rs", lambda: len(rs.find_matches_as_indexes(text, overlapping=True))),
                     ("regex alternation", lambda: sum(1 for _ in regex.finditer(text)))):
        seconds, hits = cpu_best(runs, fn)
        print(f"matcher {name:18s} {size / seconds:8.1f} MiB/s  {hits} hits")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=8.0, help="corpus size in MiB of UTF-8 (default 8)")
    parser.add_argument("--words", type=int, default=10000, help="word-list entries (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs, best counts (default 3)")
    parser.add_argument("--matchers", action="store_true", help="also time the word-list matchers alone")
    args = parser.parse_args(argv)

    words = word_list(args.words)
    pages = corpus(args.mb, words)
    text = "\n\n".join(pages)
    data = text.encode("utf-8")
    size = len(data) / MB
    print(f"corpus  {size:.2f} MiB of Chinese Markdown, {len(pages)} pages, {len(text):,} characters; "
          f"word list {len(words):,} entries")

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp, "rules")
        site.mkdir()
        (site / "sensitive.txt").write_text("\n".join(words) + "\n", "utf-8")
        start = time.process_time()
        engine = RuleEngine.load(site)
        print(f"engine  load {time.process_time() - start:.2f} s CPU (builtin packs + the word list)")
        engine.scan_text("warmup.md", pages[0])

        paged, findings = cpu_best(args.runs, lambda: [f for i, p in enumerate(pages)
                                                      for f in engine.scan_text(f"p{i}.md", p)])
        planted = sum(1 for f in findings if f.rule == "sensitive.site")
        print(f"engine  page by page {size / paged:8.1f} MiB/s  ({paged:.3f} s CPU, {len(findings)} findings, "
              f"{planted} planted words found)")
        whole, findings = cpu_best(args.runs, lambda: engine.scan_text("all.md", text))
        print(f"engine  one text     {size / whole:8.1f} MiB/s  ({whole:.3f} s CPU, {len(findings)} findings)")

        rg = shutil.which("rg")
        rg_rate = None
        if rg is None:
            print("ripgrep not found (Debian: apt-get install ripgrep): no comparison")
        else:
            words_file, text_file = Path(tmp, "words.txt"), Path(tmp, "corpus.md")
            words_file.write_text("\n".join(words) + "\n", "utf-8")
            text_file.write_bytes(data)
            wall, cpu, count = ripgrep(rg, words_file, text_file, args.runs)
            empty = Path(tmp, "empty.md")
            empty.write_bytes(b"")
            _, fixed, _ = ripgrep(rg, words_file, empty, args.runs)     # start-up, reading the words
            rg_rate = size / (cpu if cpu > 0 else wall)
            search = f", {size / (cpu - fixed):.1f} MiB/s searching alone" if cpu > fixed else ""
            print(f"ripgrep rg -F -f words.txt {size / wall:8.1f} MiB/s wall, {rg_rate:.1f} MiB/s CPU "
                  f"({count} matches; {fixed * 1000:.0f} ms of it start-up{search})")
            print(f"ratio   engine/ripgrep throughput: {(size / paged) / rg_rate:.3f} page by page, "
                  f"{(size / whole) / rg_rate:.3f} one text (ripgrep is {rg_rate / (size / paged):.1f}x faster)")
    if args.matchers:
        matchers(text, words, args.runs, size)

    rate = min(size / paged, size / whole)
    verdict = "PASS" if rate >= TARGET else "FAIL"
    ratio = f"{rate / rg_rate:.3f}" if rg_rate else "n/a (no rg)"
    print(f"summary: engine {size / paged:.1f} MiB/s page by page, {size / whole:.1f} MiB/s one text, per core; "
          f"engine/ripgrep {ratio}; target {TARGET:.0f} MB/s (checked in MiB/s): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
