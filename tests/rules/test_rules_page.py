"""Whole pages: body, rendered front-matter, metadata, reprints, waivers."""

from __future__ import annotations

import pytest

from mkdocs_govgate.rules import RuleEngine

from .helpers import FRONT_LINES, TODAY, blocking, make_page, rules_of


def test_clean_page(engine):
    page = make_page("各乡镇人民政府，县直各单位：\n\n现就做好春节期间安全生产工作通知如下。\n")
    assert engine.scan_page(page) == []


def test_body_positions_are_file_positions(engine):
    page = make_page("第一段。\n\n联系人：13812345678\n")
    [finding] = engine.scan_page(page)
    assert finding.path == "notices/a.md"
    assert (finding.line, finding.column) == (FRONT_LINES + 3, 5)
    assert page.text.split("\n")[finding.line - 1][finding.column - 1:].startswith("138")


def test_title_and_description_are_scanned(engine):
    page = make_page("正文。\n", extra="description: 博彩活动说明\n")
    [finding] = engine.scan_page(page)
    assert finding.rule == "sensitive.gambling"
    assert finding.line == page.meta_lines["description"]
    line = page.text.split("\n")[finding.line - 1]
    assert line[finding.column - 1:].startswith("博彩")


def test_metadata_required_and_classification():
    engine = RuleEngine.load(None, {"today": TODAY})
    from mkdocs_govgate.page import Page

    page = Page.from_bytes("a.md", "---\ntitle: 通知\nclassification: secret\n---\n正文\n".encode())
    findings = engine.scan_page(page)
    missing = sorted(f.match for f in findings if f.rule == "metadata.required")
    assert missing == ["author", "column", "date", "unit"]
    assert "metadata.classification" in rules_of(findings)
    assert all(f.blocking for f in findings)


@pytest.mark.parametrize("extra, rule", [
    ("expires: 2024-05-31\n", "metadata.expired"),
    ("withdrawn: true\n", "metadata.withdrawn"),
    ("withdrawn: 政策已废止\n", "metadata.withdrawn"),
    ("withdrawn: 2024-05-01\n", "metadata.withdrawn"),
])
def test_expired_and_withdrawn_block(engine, extra, rule):
    findings = engine.scan_page(make_page("正文\n", extra=extra))
    [finding] = findings
    assert finding.rule == rule and finding.blocking and finding.line == FRONT_LINES


@pytest.mark.parametrize("extra", ["expires: 2024-06-01\n", "expires: 2030-01-01\n", "withdrawn: false\n",
                                   "withdrawn: 2030-01-01\n"])
def test_not_yet_expired(engine, extra):
    assert engine.scan_page(make_page("正文\n", extra=extra)) == []


REPRINT = """reprint:
  source: {source}
  url: {url}
  author: 新华社
  retrieved: 2024-01-08
"""


@pytest.mark.parametrize("source, url, rules", [
    ("中国政府网", "https://www.gov.cn/zhengce/2024-01/08/content_1.htm", []),
    ("新华网", "https://www.news.cn/politics/a.htm", []),
    ("湖南省人民政府", "http://www.hunan.gov.cn/a.html", []),
    ("某某自媒体", "https://mp.example.com/a", ["reprint.source"]),
    ("中国政府网", "https://gov.cn.example.com/a", ["reprint.url"]),
    ("人民网", "ftp://people.com.cn/a", ["reprint.url"]),
])
def test_reprint_sources(engine, source, url, rules):
    findings = engine.scan_page(make_page("正文\n", extra=REPRINT.format(source=source, url=url)))
    assert rules_of(findings) == rules


def test_reprint_needs_all_fields(engine):
    page = make_page("正文\n", extra="reprint:\n  source: 人民网\n  url: http://www.people.com.cn/a\n")
    [finding] = engine.scan_page(page)
    assert finding.rule == "reprint.fields" and finding.match == "author, retrieved"


def test_site_reprint_sources(tmp_path):
    (tmp_path / "reprint_sources.yml").write_text(
        "sources:\n  - name: 郴州日报\n    aliases: [郴州新闻网]\n    domains: [czxww.example]\n", "utf-8")
    engine = RuleEngine.load(tmp_path, {"today": TODAY})
    page = make_page("正文\n", extra=REPRINT.format(source="郴州新闻网", url="https://www.czxww.example/a"))
    assert engine.scan_page(page) == []


def test_waiver_silences_exactly_one_finding(engine):
    extra = ('waivers:\n  - rule: pii.mobile\n    match: "13800000000"\n'
             '    reason: 招聘联系人工作手机，经本人同意公开\n')
    page = make_page("联系人：13800000000；备用：13900000000\n", extra=extra)
    [finding] = engine.scan_page(page)
    assert finding.rule == "pii.mobile" and finding.match == "139****0000"


def test_secret_waiver_refused_unless_policy_allows(engine):
    extra = "waivers:\n  - rule: secret.marking\n    match: 绝密★启用前\n    reason: 考试已结束，试卷公开\n"
    page = make_page("2024年考试试卷\n\n绝密★启用前\n", extra=extra)
    findings = engine.scan_page(page)
    assert rules_of(findings) == ["secret.marking", "waiver.refused"]
    assert all(f.blocking for f in findings)
    lenient = RuleEngine.load(None, {"today": TODAY, "waivable_secret_rules": ["secret.marking"]})
    assert lenient.scan_page(page) == []


def test_stale_waiver_warns(engine):
    extra = "waivers:\n  - rule: sensitive.gambling\n    match: 博彩\n    reason: 旧豁免\n"
    page = make_page("正文\n", extra=extra)
    [finding] = engine.scan_page(page)
    assert finding.rule == "waiver.stale" and not finding.blocking
    assert finding.line == page.waivers[0].line
    assert blocking(engine.scan_page(page)) == []
