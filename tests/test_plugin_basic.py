from __future__ import annotations


def test_approved_page_builds(site):
    site.page("index.md", "# 首页\n\n欢迎访问。\n")
    site.approve("index.md")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "欢迎访问" in (site.site_dir / "index.html").read_text(encoding="utf-8")


def test_unapproved_page_fails_and_lists_every_reason(site):
    site.page("index.md", "# 首页\n")
    site.approve("index.md")
    site.page("a.md", "甲页面\n")
    site.page("b.md", "乙页面\n", classification="important")
    site.sign("b.md", "first")
    result = site.build()
    assert result.returncode != 0
    out = result.stderr
    assert "a.md" in out and "b.md" in out
    for stage in ("first", "second", "final"):
        assert f"（{stage}）" in out
    assert "（principal）" in out
    assert not any(p.is_file() for p in site.site_dir.rglob("*")) if site.site_dir.exists() else True
