"""The demo site and the `govgate init` scaffold look like a Chinese government site: theme words,
navigation, dates and the draft banner in Chinese — checked in real headless Chromium."""

from __future__ import annotations

import re
import shutil
import urllib.request
from pathlib import Path

import pytest
from lxml import html as lxml_html
from sitekit import build_demo, demo_pin
from test_plugin_serve import serving

from mkdocs_govgate.browser import dump_dom, screenshot

from .pngcheck import assert_real_png

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ("信息公开目录", "通知公告", "政策解读", "政策文件", "政务动态")
# what the theme and MkDocs say when they are not translated, and what folder names look like as titles
ENGLISH = ("Search", "Previous", "Next", "Home", "Gkml", "Tzgg", "Zcjd", "Zcwj", "Zwdt", "DRAFT", "Still needed", "draft_docs",
           "Made with", "Keyboard Shortcuts", "Close", "needs", "eligible")


@pytest.fixture(autouse=True)
def _demo_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVGATE_TRUST_ROOT", demo_pin())


def visible_text(dom_html: str) -> str:
    """What a reader sees or a screen reader says: text outside scripts and styles, titles and placeholders."""
    dom = lxml_html.fromstring(dom_html)
    for node in dom.xpath("//script|//style"):
        node.drop_tree()
    attributes = dom.xpath("//@title|//@placeholder|//@alt|//@data-no-results-text")
    return dom.text_content() + "\n" + "\n".join(attributes)


def without_livereload(served: str) -> str:
    """`mkdocs serve` injects a script that reloads the page when its server goes away: not for a saved copy."""
    return re.sub(r"(?s)<script>\s*var livereload = .*?</script>", "", served)


def assert_chinese(text: str) -> None:
    found = [word for word in ENGLISH if word in text]
    assert not found, f"English interface words on the page: {found}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo-zh"))


def test_demo_article_renders_in_chinese(demo, tmp_path):
    page = demo / "site" / "tzgg" / "2025-spring-festival-safety" / "index.html"
    text = visible_text(dump_dom(page))
    assert_chinese(text)
    for column in COLUMNS:
        assert column in text                                    # the navigation names the columns
    assert "搜索" in text and "上一" in text and "下一" in text   # the theme's words, translated by Babel
    assert "发布日期：2025年1月9日" in text and "来源：青岚县应急管理局" in text
    png = screenshot(page, tmp_path / "demo-article.png", 1280, 1000)
    assert_real_png(png, 1280, 1000)
    shutil.copy(png, ROOT / "docs" / "screenshots" / "demo-article.png")   # looked at, and shown in the README


def test_demo_reprint_and_column_pages_write_dates_in_chinese(demo):
    reprint = visible_text(dump_dom(demo / "site" / "zwdt" / "reprint-gov-cn-2025-01" / "index.html"))
    assert "转载时间：2025年1月10日" in reprint and "来源：中国政府网" in reprint
    column = visible_text(dump_dom(demo / "site" / "tzgg" / "index.html"))
    assert "（2025年4月8日）" in column and "2025-04-08" not in column
    assert_chinese(column)


def test_demo_draft_banner_in_mkdocs_serve_is_chinese(demo, tmp_path):
    class Served:   # serving() needs the site's root only
        root = demo

    log: list[str] = []
    with serving(Served(), log=log) as base:   # type: ignore[arg-type]
        with urllib.request.urlopen(base + "tzgg/draft-recruitment/", timeout=30) as response:
            served = response.read().decode("utf-8")
    assert "govgate-draft-banner" in served
    # the terminal says what the banner shows, in Chinese, and MkDocs' own draft line (which blames a
    # `draft_docs` setting nobody wrote) is not there
    assert "govgate 预览：1 个页面尚未获准发布" in log[0]
    assert "tzgg/draft-recruitment.md：还缺 初审初校、复审复校、终审终校" in log[0]
    assert "draft_docs" not in log[0]
    # rendered beside the built site so the theme's styles load as they do under `mkdocs serve`
    page = demo / "site" / "tzgg" / "draft-recruitment" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(without_livereload(served), encoding="utf-8")
    text = visible_text(dump_dom(page))
    assert_chinese(text)
    assert "草稿：尚未获准发布" in text and "还需要：" in text and "初审初校（first）：需由科室负责人签核" in text
    for column in COLUMNS:
        assert column in text
    png = screenshot(page, tmp_path / "draft.png", 1280, 900)
    assert_real_png(png, 1280, 900)
    shutil.copy(png, ROOT / "docs" / "screenshots" / "demo-draft.png")
