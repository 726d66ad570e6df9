"""Reprints (issue #13 item 7): the default sources cover government sites and official media
at every level; a source stated only in the body is read; a body saying it is void is noticed."""

from __future__ import annotations

import pytest

from .helpers import FRONT_LINES, make_page

REPRINT = "reprint:\n  source: {source}\n  url: {url}\n  author: 记者\n  retrieved: 2024-01-08\n"


@pytest.mark.parametrize("source, url", [
    ("湖南日报", "https://hnrb.voc.com.cn/article/202401/20240108.html"),        # provincial party paper
    ("郴州日报", "https://www.czxww.cn/news/2024/0108.html"),                    # municipal
    ("汝城县融媒体中心", "http://www.rucheng.gov.cn/rcxw/2024/0108.html"),       # county media centre
    ("郴州市应急管理局", "http://yjj.czs.gov.cn/xxgk/2024/0108.html"),            # municipal department
    ("湖南省人民政府", "http://www.hunan.gov.cn/hnszf/2024/0108.html"),
    ("中国日报", "https://www.chinadaily.com.cn/a/202401/08/WS1.html"),
])
def test_legitimate_reprints_pass(engine, source, url):
    page = make_page("正文。\n", REPRINT.format(source=source, url=url))
    assert not [f for f in engine.scan_page(page) if f.category == "reprint"], source


def test_unknown_source_still_blocks(engine):
    page = make_page("正文。\n", REPRINT.format(source="某某自媒体", url="https://example.com/a"))
    assert "reprint.source" in [f.rule for f in engine.scan_page(page)]


def test_source_stated_in_the_body(engine):
    page = make_page("来源：某某自媒体\n\n正文。\n")
    [finding] = [f for f in engine.scan_page(page) if f.rule.startswith("reprint.")]
    assert finding.rule == "reprint.body_source" and not finding.blocking    # informal: warn
    assert finding.line == FRONT_LINES + 1 and finding.match == "某某自媒体"
    for fine in ("来源：县应急管理局\n\n正文。\n", "来源：新华社\n\n正文。\n", "来源：本站原创\n\n正文。\n"):
        assert not [f for f in engine.scan_page(make_page(fine)) if f.rule.startswith("reprint.")], fine


@pytest.mark.parametrize("text, repealed", [
    ("本办法已于2020年12月31日废止。", True),
    ("本通知现已失效。", True),
    ("有效性：失效\n\n关于……的通知", True),
    ("（已废止）\n\n关于……的办法", True),
    ("本办法自印发之日起施行，《旧办法》同时废止。", False),
    ("《XX办法》（废止）", False),
])
def test_body_saying_it_is_void(scan, text, repealed):
    assert ("metadata.repealed" in scan(text)) is repealed, text
