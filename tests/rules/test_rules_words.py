"""Word lists, substitutions, leader titles, and evasion — without inventing matches."""

from __future__ import annotations

import datetime as dt

import pytest

from mkdocs_govgate.rules import RuleEngine


@pytest.mark.parametrize("text", [
    "欢迎访问博彩平台，首充送彩金",
    "博*彩", "博 彩", "博.彩", "博·彩", "博\u200b彩", "博\u2060彩", "博\ufeff彩",
    "博**彩**", "**博**彩", "博<span>彩</span>", "博<b class=x>彩</b>", "&#21338;彩", "&#x535a;&#x5f69;",
    "博<!-- -->彩",
    "欢迎来玩博\n彩游戏",                                  # split across a soft line break
    "ＢＯＣＡＩ",                                        # full-width ASCII
    "網絡賭博平臺",                                      # traditional
    "<img alt=\"博彩\" src=\"a.png\">",                  # image alt text
    "![博彩](a.png)",
    "[点击](https://www.gov.cn/bocai)",                  # link target
    "<!-- 博彩 -->",                                     # HTML comment reaches the public HTML
    "buy cialis now", "Buy CIALIS now", "ci**alis**",
])
def test_evasion_is_caught(scan, text):
    assert [r for r in scan(text) if r.startswith("sensitive.")], text


@pytest.mark.parametrize("text", [
    "市文博、彩陶专题展开幕",          # 、 separates two words
    "市文博，彩陶专题展",
    "市文博。彩陶专题展",
    "- 市文博\n- 彩陶专题展",          # two list items
    "| 市文博 | 彩陶专题展 |",          # two table cells
    "市文博\n\n彩陶专题展",            # two paragraphs
    "<p>市文博</p><p>彩陶专题展</p>",  # two HTML paragraphs
    "a specialist in cialisation",     # ASCII words need word boundaries
    "公安机关依法严厉打击网络赌博违法犯罪活动。",
    "不得刊发淫秽、赌博、暴力以及其他危害社会公德的信息。",
    "坚决打击代开发票、办证刻章等违法行为。",
    "展出彩金属工艺品",
])
def test_no_false_match(scan, text):
    assert not [r for r in scan(text) if r.startswith("sensitive.")], text


def test_crackdown_context_does_not_cover_the_next_sentence(scan):
    assert "sensitive.gambling" in scan("警方严厉打击网络赌博。网络赌博平台注册就送！")


def test_substitutions_suggest_the_right_form(engine):
    findings = engine.scan_text("a.md", "截止目前，已完成按装。")
    assert [f.rule for f in findings] == ["expression.typo", "expression.typo"]
    assert findings[0].suggestion.render() == "改为“截至目前”"
    assert findings[1].suggestion.render("en") == "use “安装”"
    assert not findings[0].blocking
    [political] = engine.scan_text("a.md", "会见台湾总统候选人")
    assert political.rule == "expression.political" and political.blocking
    assert "台湾地区领导人" in political.suggestion.render()
    assert not engine.scan_text("a.md", "台湾地区领导人；两岸关系；香港特区政府")


def _leaders(tmp_path):
    (tmp_path / "leaders.yml").write_text(
        "leaders:\n  - name: 张三\n    title: 副县长\n  - name: 李四\n    title: 县委副书记、县长\n"
        "  - name: 王五\n    title: [县委书记]\n", "utf-8")
    return RuleEngine.load(tmp_path)


@pytest.mark.parametrize("text, wrong", [
    ("县长张三主持会议", True),          # 张三 is 副县长
    ("张三县长出席", True),
    ("副县长张三主持会议", False),
    ("县长李四、副县长张三出席", False),
    ("县委副书记、县长李四讲话", False),
    ("书记李四讲话", True),              # 李四 is 副书记, not 书记
    ("县委书记王五", False),
    ("书记王五", False),                 # 书记 is a fair shortening of 县委书记
    ("副书记王五", True),
    ("张三同志参加调研", False),         # no title next to the name
])
def test_leader_titles(tmp_path, text, wrong):
    engine = _leaders(tmp_path)
    found = [f for f in engine.scan_text("a.md", text) if f.rule == "expression.leader_title"]
    assert bool(found) is wrong, text
    if wrong and text.startswith("县长张三"):
        assert found[0].match == "县长张三" and "副县长张三" in found[0].suggestion.render()


def test_large_site_word_list(tmp_path):
    import random

    rnd = random.Random(7)
    words = {"".join(chr(rnd.randint(0x4E00, 0x9FA5)) for _ in range(rnd.randint(2, 5))) for _ in range(20000)}
    words.add("违规理财")
    (tmp_path / "sensitive.txt").write_text("\n".join(sorted(words)), "utf-8")
    engine = RuleEngine.load(tmp_path)
    assert "sensitive.site" in [f.rule for f in engine.scan_text("a.md", "推荐违规理财产品")]


def test_leader_names_have_boundaries(tmp_path):
    (tmp_path / "leaders.yml").write_text("leaders:\n  - name: 王海\n    title: 县长\n", "utf-8")
    engine = RuleEngine.load(tmp_path)

    def titled(text):
        return [f for f in engine.scan_text("a.md", text) if f.rule == "expression.leader_title"]

    assert titled("副县长王海军出席会议") == []           # another person
    assert titled("副县长王海出席会议")                   # the leader, wrong title
    assert titled("副县长王海、李明出席")
    assert titled("小王海县长") == []


def test_former_title_is_flagged_after_until(tmp_path):
    (tmp_path / "leaders.yml").write_text(
        "leaders:\n  - name: 张三\n    title: 县长\n    until: 2024-03-01\n"
        "  - name: 张三\n    title: 县委书记\n", "utf-8")
    engine = RuleEngine.load(tmp_path, {"today": dt.date(2024, 6, 1)})
    [old] = [f for f in engine.scan_text("a.md", "县长张三主持会议") if f.rule == "expression.leader_title"]
    assert "2024-03-01" in old.message.render() and "县委书记张三" in old.suggestion.render()
    assert not [f for f in engine.scan_text("a.md", "县委书记张三主持会议") if f.rule == "expression.leader_title"]
    before = RuleEngine.load(tmp_path, {"today": dt.date(2024, 2, 1)})
    assert not [f for f in before.scan_text("a.md", "县长张三主持会议") if f.rule == "expression.leader_title"]
