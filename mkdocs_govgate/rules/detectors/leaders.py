"""Leader name ↔ title against the site's leaders.yml (领导姓名、职务错误, seed 004 §7).

Only a title written right next to a listed name is judged: 县长张三 / 张三县长 / 张三副县长.
A written title fits a held title when it is the same, or a shortening that does not drop a
rank qualifier: 县委书记 may be called 书记, but 副县长 may not be called 县长.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Rule
from ..normalise import NormText, normalise_word
from . import Hit

_RANK_QUALIFIERS = "副"


def title_fits(written: str, held: list[str]) -> bool:
    for title in held:
        if title == written:
            return True
        if title.endswith(written) and title[-len(written) - 1] not in _RANK_QUALIFIERS:
            return True
    return False


class LeaderRule:
    def __init__(self, rule: Rule):
        self.rule = rule
        self.leaders = [(normalise_word(x["name"]), [normalise_word(t) for t in x["titles"]])
                        for x in rule.data.get("leaders", []) if x.get("name")]
        titles = {normalise_word(t) for t in rule.data.get("titles", [])}
        for _, held in self.leaders:
            titles.update(held)
        self.titles = sorted(titles, key=len, reverse=True)   # longest first: 副县长 before 县长

    def _title_before(self, text: str, pos: int) -> tuple[str, int] | None:
        for t in self.titles:
            if text.endswith(t, 0, pos):
                return t, pos - len(t)
        return None

    def _title_after(self, text: str, pos: int) -> tuple[str, int] | None:
        for t in self.titles:
            if text.startswith(t, pos):
                return t, pos + len(t)
        return None

    def scan(self, nt: NormText) -> Iterator[Hit]:
        text = nt.compact
        for name, held in self.leaders:
            if not held:
                continue
            pos = text.find(name)
            while pos != -1:
                end = pos + len(name)
                for found in (self._title_before(text, pos), None, self._title_after(text, end)):
                    if found is None:
                        continue
                    written, edge = found
                    if title_fits(written, held):
                        continue
                    a, b = (edge, end) if edge < pos else (pos, edge)
                    start, stop = nt.compact_span(a, b)
                    right = held[0] + name
                    suggestion = self.rule.suggestion.format(right=right) if self.rule.suggestion else None
                    yield Hit(self.rule, start, stop, suggestion=suggestion)
                pos = text.find(name, end)
