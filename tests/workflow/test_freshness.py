"""Freshness (seed 003 §4): updates per column in working days, with China's holidays and 调休."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sitekit import POLICY, Site

from mkdocs_govgate.engines import build_gate
from mkdocs_govgate.errors import GateError
from mkdocs_govgate.freshness import WorkingCalendar, evaluate_freshness
from mkdocs_govgate.policy import Policy
from mkdocs_govgate.site import SiteConfig

D = dt.date


def test_national_day_2025_and_its_make_up_working_days():
    calendar = WorkingCalendar()
    assert not any(calendar.is_workday(D(2025, 10, day)) for day in range(1, 9))     # 国庆、中秋 10-01..08
    assert calendar.is_workday(D(2025, 9, 28))        # Sunday, make-up working day
    assert calendar.is_workday(D(2025, 10, 11))       # Saturday, make-up working day
    assert not calendar.is_workday(D(2025, 10, 12))   # an ordinary Sunday
    assert calendar.window_start(D(2025, 10, 9), 2) == D(2025, 9, 30)     # the holiday is skipped
    assert calendar.window_start(D(2025, 9, 29), 2) == D(2025, 9, 28)     # the Sunday counts
    assert calendar.window_start(D(2025, 10, 11), 1) == D(2025, 10, 11)   # the Saturday counts
    assert calendar.window_start(D(2025, 10, 12), 1) == D(2025, 10, 11)
    assert calendar.note() is None


FRESHNESS = """\
freshness:
  as_of: {as_of}
  columns:
    home: {{min_updates: 1, per_working_days: 2}}
    tzgg: {{min_updates: 3, per_working_days: 2}}
    政务动态: {{min_updates: 1, per_working_days: 1}}
"""


def make_site(root, as_of: str = "2025-10-09") -> Site:
    site = Site(root, on_unapproved="exclude")
    site.write("signoffs/policy.yml", POLICY + FRESHNESS.format(as_of=as_of))
    for rel, day in (("tzgg/a.md", D(2025, 9, 30)), ("tzgg/b.md", D(2025, 10, 3)), ("tzgg/c.md", D(2025, 10, 9)),
                     ("zwdt/holiday.md", D(2025, 10, 8))):
        site.page(rel, "正文。\n", date=day, column="政务动态" if rel.startswith("zwdt") else "通知公告")
        site.approve(rel)
    site.page("tzgg/draft.md", "未审核。\n", date=D(2025, 10, 9))                 # not published: not an update
    site.page("tzgg/old.md", "旧文。\n", date=D(2025, 10, 9), withdrawn=True)      # withdrawn: not an update
    site.approve("tzgg/old.md")
    site.page("tzgg/index.md", "栏目页。\n", date=D(2025, 10, 9))                  # a list page, not an update
    site.approve("tzgg/index.md")
    site.page("index.md", "[通知](tzgg/c.md)\n", date=D(2025, 10, 9), column="首页")
    site.approve("index.md")
    return site


def gate_report(site: Site):
    gate = build_gate(SiteConfig.at(site.root))
    try:
        pages, others, _ = gate.discover()
        return gate.check_site(pages, others), gate.trust.policy
    finally:
        gate.close()


def test_build_counts_working_days_and_only_warns(tmp_path):
    site = make_site(tmp_path / "site")
    site.write_config(report_dir="report")
    result = site.build()
    assert result.returncode == 0, result.stderr                 # thresholds never stop a build
    report = json.loads((site.root / "report" / "govgate-report.json").read_text("utf-8"))
    columns = {c["column"]: c for c in report["freshness"]["columns"]}
    tzgg = columns["tzgg"]
    # 2 working days up to 10-09 reach back over the holiday to 09-30; the update made on 10-03 counts
    assert tzgg["window"] == ["2025-09-30", "2025-10-09"]
    assert sorted(tzgg["pages_in_window"]) == ["tzgg/a.md", "tzgg/b.md", "tzgg/c.md"] and tzgg["ok"] is True
    news = columns["政务动态"]           # a front-matter `column:` value also names a column
    assert news["window"] == ["2025-10-09", "2025-10-09"] and news["updates_in_window"] == 0 and news["ok"] is False
    assert news["latest"] == "2025-10-08"
    assert columns["home"]["pages_in_window"] == ["tzgg/c.md"]          # what the home page links
    warnings = [f for f in report["findings"] if f["rule"] == "freshness.column"]
    assert [(f["path"], f["severity"]) for f in warnings] == [("政务动态", "warn")]
    assert "1 个工作日" in warnings[0]["message"] and "2025-10-08" in warnings[0]["message"]
    html = (site.root / "report" / "govgate-report.html").read_text("utf-8")
    assert 'data-column="政务动态" data-ok="false"' in html and 'data-column="tzgg" data-ok="true"' in html


def test_a_weekday_calendar_would_be_wrong_here(tmp_path):
    """As of the make-up Saturday 10-11, the two latest working days are 10-10 and that Saturday."""
    site = make_site(tmp_path / "site", as_of="2025-10-11")
    report, policy = gate_report(site)
    result = evaluate_freshness(report, policy.freshness, D(2030, 1, 1))
    tzgg = next(c for c in result.columns if c.key == "tzgg")
    assert tzgg.window == (D(2025, 10, 10), D(2025, 10, 11))   # Mon-Fri counting would reach back to 10-09
    assert [u.path for u in tzgg.in_window] == [] and tzgg.ok is False


def test_years_without_holiday_data_warn_instead_of_crashing(tmp_path):
    site = make_site(tmp_path / "site", as_of="2031-03-03")
    report, policy = gate_report(site)
    result = evaluate_freshness(report, policy.freshness, D(2031, 3, 3))
    assert result.calendar_note is not None and "2031" in result.calendar_note.zh
    calendar = [f for f in result.findings if f.rule == "freshness.calendar"]
    assert len(calendar) == 1 and calendar[0].severity.value == "warn"
    assert all(f.severity.value == "warn" for f in result.findings)


@pytest.mark.parametrize("section, message", [
    ("freshness:\n  colums: {}\n", "colums"),
    ("freshness:\n  columns:\n    tzgg: {min_updates: 1}\n", "per_working_days"),
    ("freshness:\n  columns:\n    tzgg: {min_updates: 0, per_working_days: 1}\n", "min_updates"),
    ("freshness:\n  columns:\n    tzgg: {min_updates: 1, per_working_days: 1, every: 2}\n", "every"),
    ("freshness:\n  columns:\n    tzgg: {min_updates: 1, per_working_days: 1, pages: all}\n", "pages"),
    ("freshness:\n  as_of: yesterday\n", "as_of"),
])
def test_freshness_policy_is_strict(section, message):
    with pytest.raises(GateError) as caught:
        Policy.from_text(POLICY + section, "signoffs/policy.yml")
    assert message in caught.value.render("en")


def test_freshness_policy_reads_what_the_readme_shows():
    policy = Policy.from_text(POLICY + FRESHNESS.format(as_of="2025-10-09"), "signoffs/policy.yml")
    assert policy.freshness.as_of == D(2025, 10, 9)
    assert [(c.key, c.min_updates, c.per_working_days) for c in policy.freshness.columns] == [
        ("home", 1, 2), ("tzgg", 3, 2), ("政务动态", 1, 1)]
