"""Freshness of the site's columns (seed 003 §4): updates in the last N working days.

Seed 003 asks county sites to update every working day, other sites at least twice a week,
and the home page at least 10 times in 14 working days.  Working days are mainland China's:
weekends, statutory holidays and make-up working days (调休) come from the maintained
``chinese-calendar`` package.  The result is a set of WARN findings (``freshness.column``),
never a refusal: a quiet week must not stop an urgent notice from being published.

What counts as an update: a page that is published in this build (approved, content clean,
not withdrawn or expired), other than a section's ``index.md``, dated by its front-matter
``date:`` (or, without one or with ``date_from: approved``, by its latest approving sign-off).
A column is a top-level folder of ``docs_dir`` or a front-matter ``column:`` value; the column
``home`` counts the pages the home page (``index.md``) links, or every page (``pages: all``).
The window is the N most recent working days up to the evaluation day, which is included.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import chinese_calendar

from .approval import APPROVED
from .dates import as_date
from .findings import Finding, Severity
from .i18n import Msg
from .policy import HOME_COLUMN, FreshnessColumn, FreshnessPolicy
from .report import PageResult, Report

HOME_PAGE = "index.md"
_INDEX_NAMES = ("index.md", "README.md")
_MAX_SPAN_DAYS = 3660   # a window never reaches back further than ten years


class WorkingCalendar:
    """Mainland China's working days; outside the library's years, Monday to Friday (and said so)."""

    def __init__(self) -> None:
        self.unknown_years: set[int] = set()

    def is_workday(self, day: dt.date) -> bool:
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:   # the library covers only the years whose holidays are announced
            self.unknown_years.add(day.year)
            return day.weekday() < 5

    def window_start(self, end: dt.date, working_days: int) -> dt.date:
        """The earliest day of the ``working_days`` most recent working days up to ``end``."""
        day, found = end, 0
        for _ in range(_MAX_SPAN_DAYS):
            if self.is_workday(day):
                found += 1
                if found == working_days:
                    return day
            day -= dt.timedelta(days=1)
        return day

    def note(self) -> Msg | None:
        if not self.unknown_years:
            return None
        years = "、".join(str(y) for y in sorted(self.unknown_years))
        years_en = ", ".join(str(y) for y in sorted(self.unknown_years))
        return Msg(f"chinese-calendar 没有 {years} 年的法定节假日数据，这些年份按周一至周五计算工作日；请升级 chinese-calendar",
                   f"chinese-calendar has no statutory holiday data for {years_en}: working days there are counted "
                   "as Monday to Friday; upgrade chinese-calendar")


@dataclass(frozen=True)
class Update:
    path: str
    title: str
    day: dt.date


@dataclass
class ColumnFreshness:
    key: str
    title: str
    rule: FreshnessColumn | None            # None: the policy sets no threshold for this column
    updates: list[Update] = field(default_factory=list)     # every published update, newest first
    window: tuple[dt.date, dt.date] | None = None
    in_window: list[Update] = field(default_factory=list)

    def name(self, lang: str = "zh") -> str:
        if self.title:
            return self.title
        return Msg("首页", "home page").render(lang) if self.key == HOME_COLUMN else self.key

    @property
    def ok(self) -> bool | None:
        return None if self.rule is None else len(self.in_window) >= self.rule.min_updates

    @property
    def latest(self) -> dt.date | None:
        return self.updates[0].day if self.updates else None

    def as_dict(self) -> dict:
        return {
            "column": self.key, "title": self.name(),
            "min_updates": self.rule.min_updates if self.rule else None,
            "per_working_days": self.rule.per_working_days if self.rule else None,
            "window": [d.isoformat() for d in self.window] if self.window else None,
            "updates_in_window": len(self.in_window), "ok": self.ok,
            "latest": self.latest.isoformat() if self.latest else None,
            "published": len(self.updates),
            "pages_in_window": [u.path for u in self.in_window],
        }


@dataclass
class FreshnessResult:
    as_of: dt.date
    columns: list[ColumnFreshness]
    calendar_note: Msg | None = None
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self, lang: str = "zh") -> dict:
        return {"as_of": self.as_of.isoformat(), "calendar": "chinese-calendar " + _calendar_version(),
                "calendar_note": self.calendar_note.render(lang) if self.calendar_note else None,
                "columns": [c.as_dict() for c in self.columns]}


def _calendar_version() -> str:
    return str(getattr(chinese_calendar, "__version__", ""))


def is_published(result: PageResult) -> bool:
    return (result.page is not None and result.verdict is not None and result.approved
            and not result.content_blocked and result.retired is None)


def update_day(result: PageResult, date_from: str = "date") -> dt.date | None:
    """The day a published page counts as an update: its ``date:``, else its latest approving sign-off."""
    assert result.page is not None
    if date_from == "date":
        try:
            day = as_date(result.page.meta.get("date"))
        except ValueError:
            day = None
        if day is not None:
            return day
    approvals = [s.signoff.at for s in (result.verdict.stages if result.verdict else [])
                 if s.status == APPROVED and s.signoff is not None]
    return max(approvals).date() if approvals else None


def _folder(path: str) -> str | None:
    return path.split("/", 1)[0] if "/" in path else None


def _column_value(result: PageResult) -> str | None:
    value = result.page.meta.get("column") if result.page is not None else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _matches(key: str, result: PageResult) -> bool:
    return key in (_folder(result.path), _column_value(result))


def _home_links(report: Report) -> set[str]:
    home = report.page(HOME_PAGE)
    return set(home.digest.pages) if home is not None and home.digest is not None else set()


def evaluate_freshness(report: Report, policy: FreshnessPolicy | None, today: dt.date,
                       calendar: WorkingCalendar | None = None) -> FreshnessResult:
    """Per-column updates against the policy's thresholds; one WARN finding per column below its threshold."""
    policy = policy or FreshnessPolicy()
    calendar = calendar or WorkingCalendar()
    as_of = policy.as_of or today
    updates: dict[str, Update] = {}
    published: list[PageResult] = []
    for result in report.pages:
        if not is_published(result) or result.path.rsplit("/", 1)[-1] in _INDEX_NAMES:
            continue
        day = update_day(result, policy.date_from)
        if day is not None:
            updates[result.path] = Update(result.path, result.verdict.title if result.verdict else result.path, day)
            published.append(result)
    columns: list[ColumnFreshness] = []
    claimed: set[str] = set()
    links = _home_links(report)
    for rule in policy.columns:
        if rule.key == HOME_COLUMN:
            members = [r for r in published if rule.pages == "all" or r.path in links]
            title = rule.title
        else:
            members = [r for r in published if _matches(rule.key, r)]
            claimed.update(r.path for r in members)
            title = rule.title or _common_column(members) or rule.key
        column = ColumnFreshness(rule.key, title, rule, _newest_first(updates[r.path] for r in members))
        start = calendar.window_start(as_of, rule.per_working_days)
        column.window = (start, as_of)
        column.in_window = [u for u in column.updates if start <= u.day <= as_of]
        columns.append(column)
    columns.extend(_unconfigured(published, claimed, updates))
    result = FreshnessResult(as_of, columns, calendar.note())
    result.findings = _findings(result)
    return result


def _newest_first(updates: Iterable[Update]) -> list[Update]:
    return sorted(updates, key=lambda u: (u.day, u.path), reverse=True)


def _common_column(members: list[PageResult]) -> str | None:
    names = Counter(n for n in (_column_value(r) for r in members) if n)
    return names.most_common(1)[0][0] if names else None


def _unconfigured(published: list[PageResult], claimed: set[str], updates: dict[str, Update]) -> list[ColumnFreshness]:
    """Columns the policy does not name: listed with their latest update, no threshold."""
    groups: dict[str, list[PageResult]] = {}
    for result in published:
        if result.path not in claimed:
            groups.setdefault(_folder(result.path) or _column_value(result) or "/", []).append(result)
    return [ColumnFreshness(key, _common_column(members) or key, None, _newest_first(updates[r.path] for r in members))
            for key, members in sorted(groups.items())]


def finding_path(column: ColumnFreshness) -> str:
    if column.key == HOME_COLUMN:
        return HOME_PAGE
    return column.key + "/" if column.updates and _folder(column.updates[0].path) == column.key else column.key


def _findings(result: FreshnessResult) -> list[Finding]:
    findings = []
    if result.calendar_note is not None:
        findings.append(Finding("", 0, 0, "freshness.calendar", "freshness", Severity.WARN, result.calendar_note))
    for column in result.columns:
        if column.ok is not False:
            continue
        assert column.rule is not None and column.window is not None
        start, end = column.window
        n, count, need = column.rule.per_working_days, len(column.in_window), column.rule.min_updates
        latest = column.latest.isoformat() if column.latest else None
        message = Msg(f"栏目“{column.name('zh')}”近 {n} 个工作日（{start} 至 {end}）更新 {count} 条，少于要求的 {need} 条"
                      + (f"；最近一次更新：{latest}" if latest else "；尚无已发布的更新"),
                      f"column '{column.name('en')}': {count} update(s) in the last {n} working day(s) ({start} to {end}), "
                      f"fewer than the {need} required" + (f"; latest update: {latest}" if latest else
                                                          "; no published update yet"))
        findings.append(Finding(finding_path(column), 0, 0, "freshness.column", "freshness", Severity.WARN, message,
                                suggestion=Msg("按规定及时更新该栏目（这是提醒，不阻止发布）",
                                               "update this column as the rules require (a reminder; it does not "
                                               "stop publication)"),
                                extra=column.as_dict()))
    return findings
