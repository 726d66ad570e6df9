"""Hijack vocabulary (issue #13 item 6), on lines taken from real defaced copies of
government pages (tests/rules/corpus/real/sources.tsv lists where they were published)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", [
    "我市打击治理跨境赌博专项行动成效显著 -凯发app官网开户",
    "日本免费的一级v一片,高清国产精品久久久久,四虎最新网址在线观看,亚洲日韩视频一区二区",
    "需要获得本机关传奇娱乐手机版 服务的公民、法人和其他组织,建议阅读《指南》。",
    "J9集团|中国官方网站",
    "今晚一码一肖 必中特马",
])
def test_hijack_lines_block(scan, text):
    assert "sensitive.hijack" in scan(text), text


@pytest.mark.parametrize("text", [
    "澳门新葡京、金沙娱乐场等大型娱乐场落成。",
    "体育彩票开奖结果以中国体育彩票官网公布为准。",
    "全省开展净网行动，依法取缔黄色网站32个。",
    "凯发电气股份有限公司中标公告",
    "太阳城小区改造工程",
])
def test_ordinary_text_passes(scan, text):
    assert "sensitive.hijack" not in scan(text), text
