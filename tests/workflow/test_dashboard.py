"""The build's audit dashboard (govgate-report.html) and its JSON twin, from real `mkdocs build`s,
rendered by headless Chromium."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from lxml import html as lxml_html
from sitekit import POLICY, TZ, Site

from mkdocs_govgate.browser import dump_dom, screenshot

from .pngcheck import assert_real_png

FRESHNESS = """\
freshness:
  as_of: 2025-10-09
  columns:
    tzgg: {min_updates: 1, per_working_days: 1}
    zwdt: {min_updates: 2, per_working_days: 5}
"""
EXPECTED = {"tzgg/ok.md": "published", "tzgg/waiting.md": "waiting", "tzgg/back.md": "sent_back",
            "zwdt/stale.md": "stale", "zwdt/forged.md": "invalid", "zwdt/old.md": "retired"}


def every_state_site(root: Path) -> Site:
    site = Site(root, on_unapproved="exclude")
    site.write("signoffs/policy.yml", POLICY + FRESHNESS)
    site.write_config(report_dir="report")
    site.page("tzgg/ok.md", "已审核的通知。\n", title="关于国庆假期值班安排的通知", date=dt.date(2025, 10, 9))
    site.approve("tzgg/ok.md")
    site.page("tzgg/waiting.md", "待审核。\n", title="待审核的通知")
    site.page("tzgg/back.md", "退回的稿件。\n", title="退回的通知")
    site.sign("tzgg/back.md", "first", decision="revise", opinion="请补充办理时限")
    site.page("zwdt/stale.md", "原稿。\n", title="签核后改动的动态")
    site.approve("zwdt/stale.md")
    site.edit("zwdt/stale.md", "改动后的稿件。\n")
    site.page("zwdt/forged.md", "正文。\n", title="冒签的动态")
    site.sign("zwdt/forged.md", "first")
    site.sign_with_key_of("zwdt/forged.md", "second", by="webadmin1", key_owner="secrecy1")
    site.page("zwdt/old.md", "已撤稿。\n", title="已撤下的动态",
              withdrawn={"reason": "发现涉密信息，立即撤稿", "by": "webadmin1",
                         "at": dt.datetime(2025, 10, 1, 9, 30, tzinfo=TZ)})
    site.approve("zwdt/old.md")
    return site


def test_dashboard_shows_every_state_at_a_glance(tmp_path):
    site = every_state_site(tmp_path / "site")
    result = site.build()
    assert result.returncode == 0, result.stderr
    report = json.loads((site.root / "report" / "govgate-report.json").read_text("utf-8"))
    assert {p["path"]: p["state"] for p in report["pages"]} == EXPECTED
    assert report["summary"] == {"published": 1, "waiting": 1, "sent_back": 1, "stale": 1, "invalid": 1,
                                 "retired": 1, "blocked": 0}
    assert {"findings", "pages", "timelines", "generated_at", "govgate_version", "outcome"} <= set(report)
    [retired] = report["retired"]
    assert {k: retired[k] for k in ("path", "kind", "since", "reason", "by", "at")} == {
        "path": "zwdt/old.md", "kind": "withdrawn", "since": "2025-10-01", "reason": "发现涉密信息，立即撤稿",
        "by": "webadmin1", "at": "2025-10-01T09:30:00+08:00"}
    assert [s["decision"] for s in report["signoffs"]["tzgg/back.md"]] == ["revise"]
    assert not any(s["current_content"] for s in report["signoffs"]["zwdt/stale.md"])

    page = site.root / "report" / "govgate-report.html"
    source = page.read_text("utf-8")
    assert "<script" not in source and "<link" not in source and not re.search(r"""(src|href)=["']?https?:""", source)
    dom = lxml_html.fromstring(dump_dom(page))
    rows = {tr.get("data-path"): tr for tr in dom.xpath('//tr[contains(@class,"page")]')}
    assert {path: tr.get("data-state") for path, tr in rows.items()} == EXPECTED
    cards = {c.get("data-state"): c.xpath('string(.//span[@class="count"])') for c in dom.xpath('//div[@class="card"]')}
    assert cards == {k: str(v) for k, v in report["summary"].items()}
    assert dom.xpath('count(//svg[contains(@class,"chart")]//rect[@data-state])') == 7
    ok = rows["tzgg/ok.md"]
    assert ok.xpath('count(.//span[contains(@class,"stage") and contains(@class,"approved")])') == 3
    assert "科长甲" in ok.text_content() and "关于国庆假期值班安排的通知" in ok.text_content()
    assert "请补充办理时限" in rows["tzgg/back.md"].text_content()          # the sign-off timeline
    assert rows["zwdt/forged.md"].xpath('count(.//span[contains(@class,"stage") and contains(@class,"invalid")])') == 1
    assert "发现涉密信息，立即撤稿" in dom.xpath('string(//section[@class="retired"])')
    fresh = {tr.get("data-column"): tr.get("data-ok") for tr in dom.xpath('//tr[contains(@class,"column")]')}
    assert fresh == {"tzgg": "true", "zwdt": "false"}
    assert "freshness.column" in dom.xpath('string(//section[@class="findings"])')

    png = screenshot(page, tmp_path / "dashboard.png", 1280, 1600)
    assert_real_png(png, 1280, 1600)


def test_failed_build_still_leaves_a_faithful_dashboard(tmp_path):
    site = Site(tmp_path / "site", on_unapproved="exclude")
    site.write_config(report_dir="report")
    site.page("tzgg/leak.md", "联系人：王某，电话13912345678。\n", title='招聘公告<b id="injected">粗体</b>')
    site.approve("tzgg/leak.md")
    result = site.build()
    assert result.returncode != 0                                   # flagged content always fails the build
    report = json.loads((site.root / "report" / "govgate-report.json").read_text("utf-8"))
    source = (site.root / "report" / "govgate-report.html").read_text("utf-8")
    assert report["outcome"] == "failed" and report["summary"]["blocked"] == 1
    assert report["freshness"] is not None                          # the policy was there: freshness is too
    for text in (source, json.dumps(report, ensure_ascii=False)):
        assert "13912345678" not in text                            # personal data stays redacted
    dom = lxml_html.fromstring(dump_dom(site.root / "report" / "govgate-report.html"))
    assert not dom.xpath('//*[@id="injected"]')
    row = dom.xpath('//tr[@data-path="tzgg/leak.md"]')[0]
    assert row.get("data-state") == "blocked" and '<b id="injected">' in row.text_content()
    assert "构建失败" in dom.xpath("string(//header)")
    mobile = [tr.text_content() for tr in dom.xpath('//tr[contains(@class,"finding")]') if "pii.mobile" in tr.text_content()]
    assert len(mobile) == 1 and "*" in mobile[0]
