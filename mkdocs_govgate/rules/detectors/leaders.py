"""Leader name ↔ title against the site's leaders.yml (领导姓名、职务错误, seed 004 §7).

Only a title written right next to a listed name is judged: 县长张三 / 张三县长 / 张三副县长.
A written title fits a held title when it is the same, or a shortening that does not drop a
rank qualifier: 县委书记 may be called 书记, but 副县长 may not be called 县长.

The name must end (or start) where the text's name does: with a leader 王海, 副县长王海军 is
another person.  After the name comes a non-CJK character, a title, or a word that follows a
name in news (同志, 主持, 在, 和, 、…).  An entry with ``until:`` is a title the person no
longer holds: written next to the name after that date it is a finding of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from ...i18n import Msg
from ..model import Rule
from ..normalise import NormText, is_cjk, normalise_word
from . import Hit

_RANK_QUALIFIERS = "副"
# what follows a person's name in government news (the name has ended there)
_AFTER_NAME = re.compile(
    "同志|主持|出席|讲话|表示|指出|强调|一行|带队|参加|参会|调研|陪同|深入|先后|代表|介绍|汇报|会见|看望|慰问|"
    "作出|宣布|通报|批示|签发|分管|负责|现场|实地|检查|督导|督查|视察|考察|走访|召开|听取|部署|提出|肯定|希望|"
    "亲自|一同|共同|[在和与及等对为向说率的是到来赴作就任兼于从将已也还又都被把给让同、，。；：！？]"
)


def title_fits(written: str, held: list[str]) -> bool:
    for title in held:
        if title == written:
            return True
        if title.endswith(written) and title[-len(written) - 1] not in _RANK_QUALIFIERS:
            return True
    return False


class LeaderRule:
    def __init__(self, rule: Rule, today: dt.date | None = None):
        self.rule = rule
        today = today or dt.date.today()
        current: dict[str, list[str]] = {}
        former: dict[str, list[tuple[str, str]]] = {}
        for x in rule.data.get("leaders", []):
            if not x.get("name"):
                continue
            name = normalise_word(x["name"])
            held = [normalise_word(t) for t in x["titles"]]
            until = x.get("until")
            if until is not None and until < today:
                former.setdefault(name, []).extend((t, until.isoformat()) for t in held)
                current.setdefault(name, [])
            else:
                current.setdefault(name, []).extend(held)
        self.leaders = list(current.items())
        self.former = former
        titles = {normalise_word(t) for t in rule.data.get("titles", [])}
        for _, held in self.leaders:
            titles.update(held)
        for olds in former.values():
            titles.update(t for t, _ in olds)
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

    def _ends(self, text: str, end: int) -> bool:
        """The name ends at ``end``: not 王海|军 for a leader 王海."""
        return (end >= len(text) or not is_cjk(text[end]) or bool(_AFTER_NAME.match(text, end))
                or self._title_after(text, end) is not None)

    def scan(self, nt: NormText) -> Iterator[Hit]:
        text = nt.compact
        for name, held in self.leaders:
            olds = self.former.get(name, [])
            if not held and not olds:
                continue
            pos = text.find(name)
            while pos != -1:
                end = pos + len(name)
                before = self._title_before(text, pos) if self._ends(text, end) else None
                starts = pos == 0 or not is_cjk(text[pos - 1]) or before is not None
                after = self._title_after(text, end) if starts else None
                for found in (before, after):
                    if found is None:
                        continue
                    written, edge = found
                    if title_fits(written, held):
                        continue
                    a, b = (edge, end) if edge < pos else (pos, edge)
                    start, stop = nt.compact_span(a, b)
                    old = next((until for t, until in olds if title_fits(written, [t])), None)
                    if old is not None:
                        now = "、".join(held) or "（无现任职务）"
                        yield Hit(self.rule, start, stop, message=Msg(
                            f"{name}已于{old}卸任{written}，现任职务：{now}",
                            f"{name} left the post of {written} on {old}; now: {now}"),
                            suggestion=self.rule.suggestion.format(right=(held[0] if held else "") + name)
                            if self.rule.suggestion and held else None)
                        continue
                    if not held:
                        continue
                    right = held[0] + name
                    suggestion = self.rule.suggestion.format(right=right) if self.rule.suggestion else None
                    yield Hit(self.rule, start, stop, suggestion=suggestion)
                pos = text.find(name, end)
