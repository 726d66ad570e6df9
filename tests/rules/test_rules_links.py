"""Link policy: allow-listed domains, no short/ad links, no hidden links, honest link text."""

from __future__ import annotations

import pytest

from mkdocs_govgate.rules import RuleEngine


@pytest.mark.parametrize("text, rule", [
    ("详见[通知](http://other.example/notice)", "link.domain"),
    ("<a href=\"https://evil.example.com/x\">详情</a>", "link.domain"),
    ("<a href=\"&#104;ttps://evil.example.com/x\">详情</a>", "link.domain"),     # entity-encoded
    ("![图](https://img.example.net/a.png)", "link.domain"),
    ("原文见 https://evil.example.com/page", "link.domain"),
    ("请访问www.bocai-example.com注册", "link.bare_domain"),
    ("扫码访问 http://t.cn/A6abcdE", "link.shortener"),
    ("[报名](https://bit.ly/3xyz)", "link.shortener"),
    ("<script src=\"https://pos.baidu.com/x.js\"></script>", "link.ad"),
    ("[中国政府网](http://other.example)", "link.text_mismatch"),
    ("[中国政府网](https://www.gov.cn.evil.example/)", "link.text_mismatch"),
    ("<a href=\"https://fake-news.example\">新华网</a>", "link.text_mismatch"),
    ("[www.gov.cn](https://www.gov.cn.example.org)", "link.text_mismatch"),
    ("[点击](javascript:alert(1))", "link.script"),
    ("<div style=\"display:none\"><a href=\"https://spam.example\">x</a></div>", "link.hidden"),
    ("<div style=\"DISPLAY: NONE\"><p><a href=\"https://spam.example\">x</a></p></div>", "link.hidden"),
    ("<span style=\"font-size:0\"><a href=\"https://spam.example\">x</a></span>", "link.hidden"),
    ("<a style=\"opacity:0\" href=\"https://spam.example\">x</a>", "link.hidden"),
    ("<a style=\"visibility: hidden\" href=\"https://spam.example\">x</a>", "link.hidden"),
    ("<div hidden><a href=\"https://spam.example\">x</a></div>", "link.hidden"),
    ("<div style=\"width:0;height:0;overflow:hidden\"><a href=\"//spam.example\">x</a></div>", "link.hidden"),
    ("<div style=\"position:absolute;left:-9999px\"><a href=\"https://spam.example\">x</a></div>", "link.hidden"),
    ("<iframe src=\"https://spam.example\" width=\"0\" height=\"0\"></iframe>", "link.hidden"),
])
def test_link_problems(scan, text, rule):
    assert rule in scan(text), text


@pytest.mark.parametrize("text", [
    "详见[中国政府网](https://www.gov.cn/zhengce/content/2024-01/09/content_1.htm)。",
    "详见[湖南省人民政府](http://www.hunan.gov.cn/)。",
    "[附件](files/a.docx) 与 [上一篇](../2023/b.md) 与 [本页](#top)",
    "<a href=\"https://www.gov.cn/\">中国政府网</a>",
    "<div style=\"opacity:0.9\"><a href=\"https://www.gov.cn/\">x</a></div>",
    "<div style=\"display:none\"><a href=\"#section\">内部锚点</a></div>",
    "联系邮箱：office@czs.gov.cn",
    "政务服务网 zwfw.hunan.gov.cn 可在线办理",
    "附件：实施方案.docx",
])
def test_link_clean(scan, text):
    assert not [r for r in scan(text) if r.startswith("link.")], text


def test_only_gov_cn_is_allowed_by_default(scan):
    # 新华网 is an authorised reprint source, but linking out needs the site's allow-list
    assert scan("[新华网](https://www.news.cn/politics/2024-01/09/c_1.htm)") == ["link.domain"]


def test_site_allowed_domains(tmp_path):
    (tmp_path / "allowed_domains.txt").write_text("# 本市合作媒体\nczxww.example\n", "utf-8")
    engine = RuleEngine.load(tmp_path, {"allowed_domains": ["partner.example"]})
    assert not engine.scan_text("a.md", "[郴州新闻网](https://news.czxww.example/a) [p](https://partner.example/)")
    assert engine.scan_text("a.md", "[x](https://czxww.example.evil.org/)")[0].rule == "link.domain"


def test_hidden_link_position(engine):
    body = "第一段。\n\n<div style=\"display:none\">\n  <a href=\"https://spam.example\">x</a>\n</div>\n"
    [hidden] = [f for f in engine.scan_text("a.md", body, first_line=8) if f.rule == "link.hidden"]
    assert (hidden.line, hidden.column) == (11, 3)
