"""``govgate rules lint``: a site's word lists judged before they block a whole site.

A public sensitive-word list dropped into ``sensitive.txt`` holds entries such as 人大, 改革,
公安, 近平 (inside a leader's name) and single characters: each matches ordinary government
text and blocks every page.  Each entry of the site's existence lists is checked:

- a single character (or one ASCII letter/digit pair) is always too short;
- an entry found in the shipped clean corpus (real, ordinary government pages: see
  rules/data/clean_corpus.txt.gz) would block pages like those, and is reported with how many
  of them it hits and one example.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..i18n import Msg
from .matcher import WordMatcher
from .normalise import normalise, normalise_word
from .packs import _word_file, read_lines

# entries shorter than this (after normalising) block almost any page
MIN_CHARS = 2


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    entry: str
    message: Msg

    def render(self, lang: str) -> str:
        return f"{self.file}:{self.line}: {self.entry} — {self.message.render(lang)}"


@lru_cache(maxsize=1)
def clean_corpus() -> tuple[str, ...]:
    """Compact views of the shipped clean pages (pages are separated by a form feed)."""
    raw = (resources.files("mkdocs_govgate") / "rules" / "data" / "clean_corpus.txt.gz").read_bytes()
    pages = gzip.decompress(raw).decode("utf-8").split("\f")
    return tuple(normalise(p).compact for p in pages if p.strip() and not p.startswith("#"))


def _entries(rules_dir: Path) -> list[tuple[str, int, str]]:
    """(shown file, line, entry) of every existence-list entry in the site's rules folder."""
    out: list[tuple[str, int, str]] = []
    files = [rules_dir / "sensitive.txt"] + sorted((rules_dir / "sensitive").glob("*.txt"))
    for path in files:
        if path.is_file():
            shown = path.relative_to(rules_dir.parent).as_posix()
            out += [(shown, n, w) for n, w in read_lines(path, shown)]
    for path in sorted((rules_dir / "words").glob("*.txt")):
        shown = path.relative_to(rules_dir.parent).as_posix()
        out += [(shown, n, w) for n, w in read_lines(path, shown) if "=>" not in w]
    for path in sorted((rules_dir / "words").glob("*.yml")):
        shown = path.relative_to(rules_dir.parent).as_posix()
        words, _ = _word_file(path, shown)
        out += [(shown, 0, w) for w in words]
    return out


def lint(rules_dir: Path, corpus: tuple[str, ...] | None = None) -> list[Problem]:
    corpus = clean_corpus() if corpus is None else corpus
    entries = _entries(rules_dir)
    problems: list[Problem] = []
    matcher = WordMatcher()
    for shown, line, entry in entries:
        key = normalise_word(entry)
        if len(key) < MIN_CHARS or (key.isascii() and len(key) < 3):
            problems.append(Problem(shown, line, entry, Msg(
                "过短（单字或两个字母），几乎会拦截所有页面", "too short (one character): it would block almost every page")))
        else:
            matcher.add(entry, (shown, line, entry))
    hits: dict[tuple[str, int, str], list[int]] = {}
    examples: dict[tuple[str, int, str], str] = {}
    for index, page in enumerate(corpus):
        for hit in matcher.iter(page):
            key = hit.payload
            pages = hits.setdefault(key, [])
            if not pages or pages[-1] != index:
                pages.append(index)
                examples.setdefault(key, page[max(0, hit.start - 8):hit.end + 8].replace("\n", " "))
    for (shown, line, entry), pages in sorted(hits.items()):
        share = f"{len(pages)}/{len(corpus)}"
        problems.append(Problem(shown, line, entry, Msg(
            f"出现在 {share} 篇正常政府网页中（如“…{examples[(shown, line, entry)]}…”），会误拦正常内容；"
            f"请改为更长、更具体的词语，或移到 warn 级别的规则",
            f"found in {share} ordinary government pages (e.g. “…{examples[(shown, line, entry)]}…”): it would "
            f"block ordinary content; use a longer, more specific phrase or a warn-level rule")))
    return sorted(problems, key=lambda p: (p.file, p.line, p.entry))
