"""The final rendered HTML is scanned too: includes and macros cannot smuggle text past the gate."""

from __future__ import annotations

from .helpers import rules_of

PAGE = """<!doctype html>
<html><head><title>通知</title></head>
<body>
<article>
<h1>关于开展专项整治的通知</h1>
<p>联系人：138<span>1234</span>5678</p>
<p>欢迎访问&#21338;&#24425;平台</p>
<!-- 秘密★1年 -->
<div style="display:none"><a href="https://spam.example/">x</a></div>
</article>
</body></html>
"""


def test_rendered_html(engine):
    findings = engine.scan_html("site/notice/index.html", PAGE)
    assert rules_of(findings) == ["link.domain", "link.hidden", "pii.mobile", "secret.marking",
                                  "sensitive.gambling"]
    where = {f.rule: (f.line, f.column) for f in findings}
    assert where["sensitive.gambling"] == (7, 8)
    assert where["link.hidden"] == (9, 27)
    assert where["secret.marking"] == (8, 6)


def test_html_waivers(engine):
    waivers = [{"rule": "link.domain", "match": "https://spam.example/", "reason": "测试", "line": 3}]
    findings = engine.scan_html("a.html", PAGE, waivers=waivers)
    assert "link.domain" not in rules_of(findings)


def test_theme_assets_are_not_links_but_ad_scripts_are(engine):
    head = ('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
            '<script src="https://cdn.example.net/bundle.js"></script>'
            '<meta property="og:image" content="https://img.example.net/a.png">')
    assert engine.scan_html("a.html", head) == []
    [finding] = engine.scan_html("a.html", '<script src="https://pos.baidu.com/x.js"></script>')
    assert finding.rule == "link.ad"
    assert [f.rule for f in engine.scan_html("a.html", '<a href="https://cdn.example.net/">x</a>')] == ["link.domain"]
