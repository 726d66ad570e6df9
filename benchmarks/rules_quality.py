"""Precision and recall of the content rules on the test corpora (issue #4 item 7).

    python benchmarks/rules_quality.py [--verbose]

Corpora: tests/rules/corpus (clean articles and planted problems, expected rule ids in
expected.yml) plus the five seed regulations as clean documents.  Counted per file and rule id:

- true positive: an expected rule id that was found (any severity);
- false negative: an expected rule id that was not found;
- false positive: a *blocking* rule id found that was not expected (warnings on clean pages,
  such as an enterprise's credit code in a procurement notice, are counted apart: they never
  stop a page).

Prints precision and recall per category (the rule id's prefix) and overall.

Then the real published pages of tests/rules/corpus/real (benchmarks/real_corpus.py): pages
blocked by a false positive, per rule, warnings counted too, on the tuning and the held-out
set; real defaced pages caught; and recall per category of incident-modelled problems
(corpus/real/incidents.yml) planted one at a time into copies of every held-out page.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
SEEDS = ROOT / "tests" / "data" / "regulations"


def _corpuskit():
    spec = importlib.util.spec_from_file_location("corpuskit", ROOT / "tests" / "rules" / "corpuskit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ratio(num: int, den: int) -> str:
    return f"{num / den:6.1%}" if den else "   n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args(argv)
    kit = _corpuskit()
    engine = kit.engine()

    cases: list[tuple[str, list[str], list]] = []
    for name, ids in kit.expected().items():
        cases.append((name, ids, kit.scan(engine, name)))
    for seed in sorted(SEEDS.glob("*.txt")):
        cases.append((f"seeds/{seed.name}", [], engine.scan_text(seed.name, seed.read_text("utf-8"))))

    tp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    clean_ok = planted_ok = clean_n = planted_n = 0
    for name, ids, findings in cases:
        found = {f.rule for f in findings}
        blocking = {f.rule for f in findings if f.blocking}
        expected = set(ids)
        for rule in expected:
            (tp if rule in found else fn)[rule.split(".")[0]] += 1
        for rule in blocking - expected:
            fp[rule.split(".")[0]] += 1
        for rule in {f.rule for f in findings if not f.blocking} - expected:
            warnings[rule] += 1
        if expected:
            planted_n += 1
            planted_ok += expected <= found and blocking <= expected
        else:
            clean_n += 1
            clean_ok += not blocking
        if args.verbose and (expected - found or blocking - expected):
            print(f"  {name}: missed {sorted(expected - found)}, false alarms {sorted(blocking - expected)}")

    print(f"corpus: {clean_n} clean documents ({clean_n - len(list(SEEDS.glob('*.txt')))} articles + seeds), "
          f"{planted_n} planted problems")
    print(f"{'category':12s} {'TP':>4s} {'FN':>4s} {'FP':>4s} {'precision':>10s} {'recall':>8s}")
    for category in sorted(set(tp) | set(fn) | set(fp)):
        t, n, p = tp[category], fn[category], fp[category]
        print(f"{category:12s} {t:4d} {n:4d} {p:4d} {_ratio(t, t + p):>10s} {_ratio(t, t + n):>8s}")
    t, n, p = sum(tp.values()), sum(fn.values()), sum(fp.values())
    print(f"{'overall':12s} {t:4d} {n:4d} {p:4d} {_ratio(t, t + p):>10s} {_ratio(t, t + n):>8s}")
    if warnings:
        print("non-blocking findings on documents not expecting them: "
              + ", ".join(f"{rule} ×{count}" for rule, count in sorted(warnings.items())))
    print(f"summary: precision {_ratio(t, t + p).strip()}, recall {_ratio(t, t + n).strip()}; "
          f"clean documents passing {clean_ok}/{clean_n}, planted problems caught {planted_ok}/{planted_n}")
    real_ok = _real(args.verbose)
    return 0 if (n, p) == (0, 0) and real_ok else 1


def _real(verbose: bool) -> bool:
    """Real published pages: false positives on both sets, planted recall on held-out copies."""
    import real_corpus as rc

    engine = rc.engine()
    everything = rc.pages()
    print(f"\nreal pages (tests/rules/corpus/real): {len(everything)} pages, "
          f"{sum(p.held_out for p in everything)} held out, {sum(p.fresh for p in everything)} fresh (added after the rules were frozen)")
    ok = True
    sets = (("tuning", lambda p: not p.held_out), ("held-out", lambda p: p.held_out),
            ("fresh", lambda p: p.fresh))
    for label, member in sets:
        chosen = [p for p in everything if member(p) and p.kind != "hijack"]
        fp = rc.false_positives(engine, chosen)
        share = fp.blocked / fp.pages if fp.pages else 0.0
        print(f"{label:9s} ordinary+reporting pages {fp.pages:3d}: blocked by a false positive {fp.blocked} "
              f"({share:.1%}); blocking per rule: {dict(fp.blocking) or '-'}; warnings per rule: {dict(fp.warned) or '-'}")
        if verbose:
            for line in fp.examples:
                print(f"    {line}")
        hijacks = [p for p in everything if member(p) and p.kind == "hijack"]
        missed = [p.file for p in hijacks if not any(f.blocking for f in rc.scan(engine, p.file, p.text()))]
        flagged = len(hijacks) - len(missed)
        print(f"{label:9s} real defaced pages blocked: {flagged}/{len(hijacks)}"
              + (f" (missed: {', '.join(missed)})" if missed else ""))
        ok &= share <= 0.01
    # fresh pages are scored only; "held-out" includes the fresh ones that the hash holds out
    caught, planted, misses = rc.recall(engine, [p for p in everything if p.held_out and p.kind != "hijack"])
    print("held-out planted incidents (recall per category):")
    for category in sorted(planted):
        rate = caught[category] / planted[category]
        ok &= rate >= 0.95
        print(f"  {category:15s} {caught[category]:4d}/{planted[category]:<4d} {rate:6.1%}")
    if verbose:
        for line in misses:
            print(f"    missed {line}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
