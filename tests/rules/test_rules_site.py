"""Site overrides and fail-closed loading of rule data."""

from __future__ import annotations

import pytest

from mkdocs_govgate.errors import GateError
from mkdocs_govgate.rules import RuleEngine


def test_missing_site_dir_means_builtin_only(tmp_path):
    assert RuleEngine.load(tmp_path / "absent").fingerprint() == RuleEngine.load().fingerprint()


def test_fingerprint_changes_with_rule_data(tmp_path):
    base = RuleEngine.load(tmp_path)
    assert base.fingerprint() == RuleEngine.load(tmp_path).fingerprint()
    (tmp_path / "sensitive.txt").write_text("违规理财\n", "utf-8")
    assert RuleEngine.load(tmp_path).fingerprint() != base.fingerprint()
    assert RuleEngine.load(None, {"uscc_severity": "block"}).fingerprint() != RuleEngine.load().fingerprint()


def test_word_files_and_overrides(tmp_path):
    (tmp_path / "sensitive").mkdir()
    (tmp_path / "sensitive" / "finance.txt").write_text("# 非法集资\n保本高息\n", "utf-8")
    (tmp_path / "words").mkdir()
    (tmp_path / "words" / "expression.typo.txt").write_text("郴洲 => 郴州\n", "utf-8")
    (tmp_path / "words" / "sensitive.gambling.yml").write_text("words: [牛牛棋牌]\n", "utf-8")
    (tmp_path / "overrides.yml").write_text(
        "rules:\n"
        "  expression.political: {severity: warn}\n"
        "  sensitive.porn: {disable: true}\n"
        "  sensitive.fraud: {allow: [套现]}\n", "utf-8")
    engine = RuleEngine.load(tmp_path)
    found = {f.rule: f for f in engine.scan_text("a.md", "保本高息，郴洲牛牛棋牌，台湾政府，裸聊，套现")}
    assert set(found) == {"sensitive.site", "expression.typo", "sensitive.gambling", "expression.political"}
    assert "郴州" in found["expression.typo"].suggestion.render()
    assert not found["expression.political"].blocking
    assert "sensitive.porn" not in engine.rules


def test_site_pack_adds_rules(tmp_path):
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "local.yml").write_text(
        "rules:\n"
        "  - id: expression.place_name\n"
        "    category: expression\n"
        "    severity: warn\n"
        "    kind: substitution\n"
        "    swap: {郴县: 郴州市}\n"
        "    message: {zh: 地域名称表述错误, en: wrong place name}\n"
        "    suggestion: {zh: '改为“{right}”', en: 'use {right}'}\n", "utf-8")
    [finding] = RuleEngine.load(tmp_path).scan_text("a.md", "郴县位于湖南南部")
    assert finding.rule == "expression.place_name" and finding.suggestion.render("en") == "use 郴州市"


@pytest.mark.parametrize("name, content, line", [
    ("overrides.yml", "rules:\n  expression.typo: {severity: fatal}\n", 2),
    ("overrides.yml", "rules:\n  no.such_rule: {disable: true}\n", 2),
    ("overrides.yml", "rules:\n  expression.typo: {severity: warn\n", 3),          # malformed YAML
    ("leaders.yml", "leaders:\n  - name: 张三\n  - name: 李四\n    title: 县长\n", 2),
    ("allowed_domains.txt", "gov.cn\nnot a domain\n", 2),
    ("reprint_sources.yml", "sources:\n  - name: 某报\n", 2),
    ("packs/x.yml", "rules:\n  - id: x.y\n    category: secret\n    severity: block\n    kind: pattern\n"
                    "    patterns: ['(unclosed']\n    message: {zh: a, en: b}\n", 6),
    ("packs/x.yml", "rules:\n  - id: sensitive.gambling\n    category: sensitive\n    severity: block\n"
                    "    kind: existence\n    message: {zh: a, en: b}\n", 2),              # duplicate id
    ("packs/x.yml", "rules:\n  - id: x.y\n    category: secret\n    severity: block\n    kind: existence\n"
                    "    colour: red\n    message: {zh: a, en: b}\n", 6),                # unknown field
])
def test_bad_rule_data_names_file_and_line(tmp_path, name, content, line):
    path = tmp_path / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(content, "utf-8")
    with pytest.raises(GateError) as info:
        RuleEngine.load(tmp_path)
    assert info.value.path.endswith(name) and info.value.line == line, info.value.render("en")


def test_bad_options_fail_closed():
    with pytest.raises(GateError):
        RuleEngine.load(None, {"uscc_severity": "loud"})
    with pytest.raises(GateError):
        RuleEngine.load(None, {"no_such_option": 1})
