"""`on_unapproved: exclude`: an excluded page's text and address appear nowhere in site/."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sitekit import Site

from mkdocs_govgate.plugin import GovGatePlugin

THEME_DOMAINS = "mkdocs.org\ncdnjs.cloudflare.com\nfonts.googleapis.com\nfonts.gstatic.com\nsquidfunk.github.io\n"
TOKEN = "zzqx7731"          # in the excluded page's slug, title, body and attachment (compared lower-case)
NAV = """\
nav:
  - 首页: index.md
  - 第一页: one.md
  - ZZQX7731导航标题: zzqx7731-draft.md
  - 第二页: two.md
"""


def make_site(root, theme: str = "mkdocs", plugins: list[str] | None = None, extra: str = "") -> Site:
    site = Site(root, on_unapproved="exclude", theme=theme, plugins_before=plugins or ["search"],
                extra_config="site_url: https://www.example.gov.cn/\n" + extra)
    site.write("signoffs/rules/allowed_domains.txt", THEME_DOMAINS)
    return site


def leaks(site: Site, token: str = TOKEN) -> list[str]:
    text = site.site_text()
    return [text[max(0, m.start() - 80):m.end() + 40] for m in re.finditer(token, text, re.IGNORECASE)]


def built(site: Site) -> None:
    result = site.build()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_excluded_page_leaks_nowhere(tmp_path, theme: str) -> None:
    site = make_site(tmp_path / "s", theme=theme, extra=NAV)
    site.write("content/files/shared.txt", "两页共用的附件\n")
    site.write("content/files/zzqx7731-annex.txt", "ZZQX7731附件正文\n")
    site.page("index.md", "# 首页\n\n请看[草稿链接文字](zzqx7731-draft.md#part)和[第一页](one.md)。\n")
    site.page("one.md", "# 第一页\n\n正文。<a href=\"/zzqx7731-draft/\">原始链接文字</a>，[引用链接文字][d]。\n\n"
                        "[共用附件](files/shared.txt)\n\n[d]: zzqx7731-draft.md\n")
    site.page("two.md", "# 第二页\n\n正文。\n")
    for rel in ("index.md", "one.md", "two.md"):
        site.approve(rel)
    site.page("zzqx7731-draft.md", "# ZZQX7731独有词\n\nZZQX7731正文。\n\n[附件](files/zzqx7731-annex.txt) "
                                   "[共用附件](files/shared.txt)\n", title="ZZQX7731标题")

    built(site)

    assert leaks(site) == []
    index = (site.site_dir / "index.html").read_text(encoding="utf-8")
    one = (site.site_dir / "one" / "index.html").read_text(encoding="utf-8")
    assert "草稿链接文字" in index and "原始链接文字" in one and "引用链接文字" in one   # link text kept
    assert (site.site_dir / "files" / "shared.txt").is_file()                           # still linked by one.md
    assert not (site.site_dir / "files" / "zzqx7731-annex.txt").exists()
    # the neighbours of the excluded page in the explicit nav now point at each other
    assert re.search(r'href="\.\./two/"', one), "one.md's next page should be two.md"
    text = site.site_text()
    assert "sitemap.xml" in text and "404.html" in text and "search_index.json" in text


def test_unlinked_raw_files_are_left_out(tmp_path) -> None:
    site = make_site(tmp_path / "s")
    site.page("index.md", "# 首页\n")
    site.approve("index.md")
    site.write("content/zzqx7731-raw.html", "<p>ZZQX7731独有词</p>\n")
    site.write("content/data/zzqx7731.json", '{"name": "ZZQX7731独有词"}\n')
    built(site)
    assert leaks(site) == []


def test_page_with_malformed_front_matter_is_excluded_and_reviewers_stay_hidden(tmp_path) -> None:
    """MkDocs renders malformed front-matter as body text, reviewer names and all."""
    site = make_site(tmp_path / "s")
    site.page("index.md", "# 首页\n")
    site.approve("index.md")
    site.write("content/bad-fm-page.md", "---\ntitle: 坏页\nauthor: editor1\nsignoffs:\n  - by: ZZQX7731审核人\n"
                                    "    stage: [first\n---\n\nZZQX7731正文\n")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "bad-fm-page.md" in result.stderr and "YAML" in result.stderr
    assert leaks(site) == [] and leaks(site, "bad-fm-page") == []


def _blog_site(root) -> Site:
    site = make_site(root, theme="material", plugins=["search", "blog", "tags"])
    site.page("index.md", "# 首页\n\n欢迎访问。\n")
    site.page("blog/index.md", "# 政务动态\n")
    site.page("blog/posts/approved.md", "# 已审动态\n\n公开的摘要。\n\n<!-- more -->\n\n正文。\n",
              date=dt.date(2025, 1, 8), tags=["公开"], categories=["工作动态"])
    for rel in ("index.md", "blog/index.md", "blog/posts/approved.md"):
        site.approve(rel)
    site.page("blog/posts/zzqx7731-post.md", "# ZZQX7731独有词\n\nZZQX7731摘要。\n\n<!-- more -->\n\nZZQX7731正文。\n",
              date=dt.date(2025, 1, 9), tags=["ZZQX7731标签"], categories=["ZZQX7731分类"],
              title="ZZQX7731标题")
    return site


def test_unapproved_blog_post_leaks_nowhere(tmp_path) -> None:
    """material's blog decides its posts in on_files at priority -50: the gate must run first."""
    site = _blog_site(tmp_path / "s")
    built(site)
    assert leaks(site) == []
    blog = (site.site_dir / "blog" / "index.html").read_text(encoding="utf-8")
    assert "公开的摘要" in blog                                     # the approved post's excerpt is there
    assert (site.site_dir / "blog" / "archive" / "2025" / "index.html").is_file()
    search = json.loads((site.site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("公开的摘要" in doc["text"] for doc in search["docs"])


def test_gate_decides_before_the_blog_plugin() -> None:
    """The blog test above leaks (HTML, excerpt, archive, search, sitemap) when this drops below -50."""
    assert GovGatePlugin.on_files.mkdocs_priority > -50
    assert GovGatePlugin.on_files.mkdocs_priority >= 100
