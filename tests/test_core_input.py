"""Bad input gets a clear error naming file and line; good input in odd encodings is read right."""

from __future__ import annotations

import pytest

from mkdocs_govgate.errors import GateError
from mkdocs_govgate.page import Page

GOOD = "---\ntitle: 通知\nclassification: general\nauthor: editor1\n---\n\n正文第一段。\n"


def load(text: str | bytes) -> Page:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return Page.from_bytes("tzgg/a.md", data)


def error_of(text: str | bytes) -> GateError:
    with pytest.raises(GateError) as info:
        load(text)
    return info.value


def test_good_page_splits_like_mkdocs():
    page = load(GOOD)
    assert page.meta["title"] == "通知"
    assert page.body == "\n正文第一段。\n"
    assert page.body_line == 6
    assert page.meta_lines["classification"] == 3


def test_malformed_yaml_names_file_and_line():
    error = error_of("---\ntitle: 通知\nauthor: [editor1\nclassification: general\n---\nbody\n")
    assert error.path == "tzgg/a.md"
    assert error.line >= 3
    assert "YAML" in error.render("zh") and "malformed YAML" in error.render("en")


def test_duplicate_keys_are_refused_not_last_wins():
    error = error_of("---\nclassification: special\ntitle: a\nclassification: general\n---\nbody\n")
    assert "重复" in error.render() and error.line == 4


@pytest.mark.parametrize("snippet,word", [
    ("base: &b {classification: general}\nother: *b\n", "锚点"),
    ("title: !!python/object:os.system x\n", "标签"),
    ("title: !custom x\n", "标签"),
])
def test_anchors_aliases_and_tags_are_refused(snippet, word):
    error = error_of(f"---\n{snippet}---\nbody\n")
    assert word in error.render() and error.line >= 2


def test_front_matter_must_be_a_mapping():
    error = error_of("---\n- a\n- b\n---\nbody\n")
    assert "mapping" in error.render("en") and error.line == 2


def test_unclosed_front_matter_is_refused():
    error = error_of("---\ntitle: a\n\nbody without end\n")
    assert "---" in error.render() and error.line == 1


def test_gbk_file_says_gbk_and_where():
    data = ("---\ntitle: 通知\n---\n\n关于做好安全生产工作的通知\n").encode("gbk")
    error = error_of(data)
    assert "GBK" in error.render() and "iconv" in error.render()
    # 通知 in GBK happens to be valid UTF-8; the error still points at the first Chinese text
    assert error.line == 2 and error.path == "tzgg/a.md"


def test_bom_and_crlf_read_as_the_same_page():
    plain = load(GOOD)
    windows = load(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    assert windows.meta == plain.meta and windows.body == plain.body


def test_yaml_1_2_keeps_yes_as_text():
    page = load("---\ntitle: yes\nclassification: general\n---\nbody\n")
    assert page.meta["title"] == "yes"


def test_malformed_signoff_entry_is_a_problem_not_a_crash():
    page = load("---\ntitle: a\nsignoffs:\n  - stage: first\n    by: chief1\n    decision: maybe\n---\nbody\n")
    assert page.signoffs == []
    assert page.problems and page.problems[0].line == 4


def test_signoff_time_needs_a_time_zone():
    text = ("---\ntitle: a\nsignoffs:\n  - {stage: first, by: c, decision: approve, opinion: 同意,"
            " at: '2025-01-10T09:00:00', digest: 'sha256:" + "0" * 64 + "'}\n---\nbody\n")
    page = load(text)
    assert page.signoffs == [] and "time zone" in page.problems[0].render("en")


def test_waiver_without_reason_is_a_problem():
    page = load("---\ntitle: a\nwaivers:\n  - rule: pii.mobile\n    match: '13800000000'\n---\nbody\n")
    assert page.waivers == [] and "reason" in page.problems[0].render("en")
