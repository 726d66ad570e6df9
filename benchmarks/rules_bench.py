"""Word-list matching: Aho-Corasick (pyahocorasick) vs a regex alternation, plus the engine end to end.

    python benchmarks/rules_bench.py [--words 10000] [--mb 2]

Prints seconds per run and the ratio.  A script, not a test: timings belong here, not in CI.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import ahocorasick

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def corpus(megabytes: float) -> str:
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    base = "\n\n".join(p.read_text("utf-8") for p in seeds) or "各乡镇人民政府，县直各单位：现就有关事项通知如下。\n" * 200
    target = int(megabytes * 1024 * 1024)
    text = base
    while len(text.encode("utf-8")) < target:
        text += "\n\n" + base
    return text


def word_list(n: int, seed: int = 42) -> list[str]:
    rnd = random.Random(seed)
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(chr(rnd.randint(0x4E00, 0x9FA5)) for _ in range(rnd.randint(2, 6))))
    return sorted(words)


def best_of(runs: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10000)
    parser.add_argument("--mb", type=float, default=2.0, help="size of the text in MB (UTF-8)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    text = corpus(args.mb)
    words = word_list(args.words)
    planted = words[:: max(1, len(words) // 50)]
    text += "\n" + "，".join(planted)
    size_mb = len(text.encode("utf-8")) / 1024 / 1024
    print(f"text: {size_mb:.2f} MB, {len(text):,} characters; word list: {len(words):,} entries")

    automaton = ahocorasick.Automaton()
    for w in words:
        automaton.add_word(w, w)
    start = time.perf_counter()
    automaton.make_automaton()
    print(f"build   aho-corasick      {time.perf_counter() - start:8.3f} s")
    start = time.perf_counter()
    regex = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    print(f"build   regex alternation {time.perf_counter() - start:8.3f} s")

    ac_time, ac_hits = best_of(args.runs, lambda: sum(1 for _ in automaton.iter(text)))
    re_time, re_hits = best_of(args.runs, lambda: sum(1 for _ in regex.finditer(text)))
    print(f"match   pyahocorasick     {ac_time:8.3f} s  {size_mb / ac_time:8.1f} MB/s  {ac_hits} hits")
    print(f"match   regex alternation {re_time:8.3f} s  {size_mb / re_time:8.1f} MB/s  {re_hits} hits")
    print(f"ratio   regex / pyahocorasick: {re_time / ac_time:.1f}x")
    try:
        import ahocorasick_rs
    except ImportError:
        print("ahocorasick-rs not installed")
    else:
        rs = ahocorasick_rs.AhoCorasick(words)
        rs_time, rs_hits = best_of(args.runs, lambda: len(rs.find_matches_as_indexes(text, overlapping=True)))
        print(f"match   ahocorasick-rs    {rs_time:8.3f} s  {size_mb / rs_time:8.1f} MB/s  {rs_hits} hits"
              "  (the engine's matcher)")
        print(f"ratio   regex / ahocorasick-rs: {re_time / rs_time:.1f}x")

    # the whole engine: normalisation, all default rules, the word list, position mapping
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from mkdocs_govgate.rules import RuleEngine

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "sensitive.txt").write_text("\n".join(words), "utf-8")
        engine = RuleEngine.load(Path(tmp))
        eng_time, findings = best_of(max(1, args.runs - 1), lambda: engine.scan_text("bench.md", text))
    print(f"engine  scan_text         {eng_time:8.3f} s  {size_mb / eng_time:8.1f} MB/s  {len(findings)} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
