"""Classified markings are caught; prose and law names about secrecy are not."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, rule", [
    ("机密★1年\n\n关于某某事项的通知", "secret.marking"),
    ("秘密★启用前", "secret.marking"),
    ("绝密★长期", "secret.marking"),
    ("2024年度考试试卷 绝密 ★ 启用前", "secret.marking"),
    ("密级：机密\n保密期限：10年", "secret.marking"),
    ("機密★1年", "secret.marking"),                          # traditional
    ("机\u200b密★1年", "secret.marking"),                    # zero-width space inside
    ("【秘密】\n\n某某会议纪要", "secret.marking"),
    ("正文\n\n机密\n", "secret.marking"),
    ("内部资料 注意保存", "secret.internal"),
    ("内部文件，请勿外传", "secret.internal"),
    ("注意保存\n\n正文", "secret.internal"),
    ("本文件属工作秘密，不得公开。", "secret.work"),
    ("工作秘密★", "secret.work"),
    ("（未经议决，仅供讨论）", "secret.undecided"),
])
def test_markings(scan, text, rule):
    assert rule in scan(text)


@pytest.mark.parametrize("text", [
    "对违反《中华人民共和国保守国家秘密法》的，依法处理。",
    "严格依照《中華人民共和國保守國家秘密法》执行。",
    "做好保密工作，保守国家秘密。",
    "是否涉及国家秘密、工作秘密、商业秘密、个人隐私;",
    "政府网站信息不得存在任何涉密内容（尤其是绝密、机密、秘密文件严禁在政府网站公开发布；",
    "不得含有未经议决的行政管理事项（公开征集意见的除外）",
    "不得涉及国家机密、商业机密及个人隐私；",
    "凡涉及国家秘密、部门秘密内容的相关资料及文件、内部办公信息，不得公开。",
    "完成每条信息在本单位内部的审核工作。",
    "请注意保存好缴费票据。",
])
def test_prose_is_not_a_marking(scan, text):
    assert not [r for r in scan(text) if r.startswith("secret.")], text


@pytest.mark.parametrize("text", [
    "机 密 ★ 1 年\n\n关于某某事项的通知",                 # spaces between the characters
    "**机**密★1年",                                        # split by emphasis
    "机\n密★1年",                                          # over a line break
    "| 机密 | ★ | 1年 |\n|---|---|---|",                    # across table cells
    "| 机 | 密★启用前 |",
    "| 密级 | 机密 |\n| --- | --- |",
    "秘\u3000密\n\n正文",                                   # a header line of its own, spaced
    "本文件属机密，未经批准不得复制。",
    "湘政办密电〔2017〕12号",
])
def test_layout_and_statements_issue_13(scan, text):
    assert "secret.marking" in scan(text), text


def test_not_for_publication_attribute(scan):
    assert "secret.internal" in scan("（此件不公开）")
    assert "secret.internal" not in scan("（此件公开发布）")


@pytest.mark.parametrize("text", [
    "| 序号 | 事项 | 涉密等级 |\n| 1 | 保密宣传 | 无 |",
    "国家机密 商业机密 个人隐私 均不得公开",
    "本文件属于《中华人民共和国保守国家秘密法》规定的公开事项。",
    "县委办明电〔2017〕12号",
    "| 机关 | 密切联系群众 |",
])
def test_layout_pass_keeps_prose_clean(scan, text):
    assert not [r for r in scan(text) if r.startswith("secret.")], text
