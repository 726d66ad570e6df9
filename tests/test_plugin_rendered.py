"""Every published byte of every final page is scanned, though the template text is scanned once per piece.

on_env scans each page's rendered content; on_post_page cuts that content out of the final HTML
and scans what is left (theme, navigation, ``extra:`` values) piece by piece, remembering clean
pieces (mkdocs_govgate/htmlscan.py).  These builds plant text the rules must catch in places only
the final HTML holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sitekit import Site

from mkdocs_govgate.cachefile import cache_folder

SECRET = "绝密★10年"
THEME_DOMAINS = "mkdocs.org\ncdnjs.cloudflare.com\nfonts.googleapis.com\nfonts.gstatic.com\nsquidfunk.github.io\n"


def make_site(root: Path, override: str | None = None, pages: int = 4, extra: str = "") -> Site:
    site = Site(root)
    site.write("signoffs/rules/allowed_domains.txt", THEME_DOMAINS)
    custom = "  custom_dir: overrides\n" if override is not None else ""
    site.write("mkdocs.yml", "site_name: 测试县人民政府\ndocs_dir: content\nsite_dir: site\n"
                             f"theme:\n  name: mkdocs\n{custom}plugins:\n  - search\n  - govgate:\n"
                             f"      on_unapproved: fail\n{extra}")
    if override is not None:
        site.write("overrides/main.html", override)
    site.page("index.md", "# 首页\n\n欢迎访问。\n", title="首页")
    site.approve("index.md")
    for number, name in enumerate("甲乙丙丁戊己庚辛壬癸"[:pages - 1]):
        site.page(f"news/p{number}.md", f"## 第{number}条\n\n{name}单位召开工作会议。\n\n- 要点一\n- 要点二\n",
                  title=f"新闻{name}")
        site.approve(f"news/p{number}.md")
    return site


def published(site: Site) -> list[str]:
    if not site.site_dir.exists():
        return []
    return sorted(p.relative_to(site.site_dir).as_posix() for p in site.site_dir.rglob("*") if p.is_file())


def refused(site: Site) -> str:
    result = site.build()
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr
    assert published(site) == []
    return result.stderr


def profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "profile.json"
    monkeypatch.setenv("GOVGATE_PROFILE", str(path))
    return path


def test_clean_site_builds_without_rescanning_whole_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = profile(monkeypatch, tmp_path)
    site = make_site(tmp_path / "s", pages=8)
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert (site.site_dir / "news" / "p6" / "index.html").is_file()
    numbers = json.loads(report.read_text())
    assert numbers["pages_fully_rescanned"] == 0 and numbers["template_pieces_clean"] > 0
    assert numbers["events"]["on_post_page"]["calls"] == 8


def test_secret_in_theme_override_is_caught(tmp_path: Path) -> None:
    override = ('{% extends "base.html" %}\n{%- block footer %}\n<footer class="col-md-12">\n'
                f"<p>内部通报：{SECRET}</p>\n</footer>\n{{%- endblock %}}\n")
    log = refused(make_site(tmp_path / "s", override))
    assert "secret.marking" in log and "最终页面" in log


def test_secret_in_one_page_of_the_theme_is_caught_after_clean_pages(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces of the first pages are remembered clean; the piece only one page renders is still scanned."""
    report = profile(monkeypatch, tmp_path)
    override = ('{% extends "base.html" %}\n{%- block footer %}\n<footer class="col-md-12">\n<ul>\n'
                '<li>主办单位：测试县人民政府办公室</li>\n'
                f'{{% if page and page.title == "新闻己" %}}<li>{SECRET}</li>{{% endif %}}\n'
                "</ul>\n</footer>\n{%- endblock %}\n")
    log = refused(make_site(tmp_path / "s", override, pages=8))
    assert "secret.marking" in log and "news/p5.md" in log
    assert json.loads(report.read_text())["pages_fully_rescanned"] == 1    # that page alone, for exact positions


def test_secret_in_navigation_item_of_the_theme_is_caught(tmp_path: Path) -> None:
    """Text inside a <li> (a piece after a cut) of the template."""
    override = ('{% extends "base.html" %}\n{%- block site_nav %}{{ super() }}\n'
                f'<ul class="nav"><li class="nav-item">值班表（{SECRET}）</li></ul>\n{{%- endblock %}}\n')
    log = refused(make_site(tmp_path / "s", override))
    assert "secret.marking" in log


def test_secret_in_extra_config_value_is_caught(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s")
    config = (site.root / "mkdocs.yml").read_text(encoding="utf-8")
    site.write("mkdocs.yml", config + f"copyright: 版权所有 {SECRET}\n")
    log = refused(site)
    assert "secret.marking" in log


def test_theme_hiding_the_content_hides_its_links(tmp_path: Path) -> None:
    """A link in the content is checked in the context the template gives it (here: invisible)."""
    override = ('{% extends "base.html" %}\n{%- block content %}\n'
                '<div style="display:none">{{ page.content }}</div>\n{%- endblock %}\n')
    site = make_site(tmp_path / "s", override)
    site.page("news/link.md", "## 链接\n\n详见[中国政府网](https://www.gov.cn/)。\n", title="链接")
    site.approve("news/link.md")
    log = refused(site)
    assert "link.hidden" in log


@pytest.mark.parametrize("rebuilds", [1, 2])
def test_template_changed_after_clean_builds_is_caught(tmp_path: Path, rebuilds: int) -> None:
    """Template text proved clean is remembered between builds by its hash: a change is scanned again."""
    clean = ('{% extends "base.html" %}\n{%- block footer %}\n<footer class="col-md-12">\n'
             "<p>主办单位：测试县人民政府办公室</p>\n</footer>\n{%- endblock %}\n")
    site = make_site(tmp_path / "s", clean, pages=6)
    for _ in range(rebuilds):
        result = site.build()
        assert result.returncode == 0, result.stderr
    assert (cache_folder(site.root) / "scans.json").is_file()
    site.write("overrides/main.html", clean.replace("办公室</p>", f"办公室 {SECRET}</p>"))
    log = refused(site)
    assert "secret.marking" in log


def test_background_check_reads_the_written_page_stamps_it_and_reports_what_it_found(tmp_path: Path) -> None:
    """The second process checks the file as written, stamps a clean one, and answers in finish()."""
    from mkdocs_govgate.htmlscan import BackgroundScan, RenderedScanner  # noqa: PLC0415
    from mkdocs_govgate.rules import RuleEngine  # noqa: PLC0415

    if not BackgroundScan.available():
        pytest.skip("needs fork")
    scanner = RenderedScanner(RuleEngine.load())
    content = "<p>正文。</p>"
    scanner.scanned.update({"a.md": content, "b.md": content})
    stamp = '<meta name="govgate-source" content="a.md">'
    page = "<html><head><title>页</title></head><body>\n<ul>\n<li>导航</li>\n{extra}</ul>\n<div>{content}</div></body></html>"
    (tmp_path / "a.html").write_text(page.format(extra="", content=content), encoding="utf-8")
    (tmp_path / "b.html").write_text(page.format(extra=f"<li>{SECRET}</li>\n", content=content), encoding="utf-8")
    background = BackgroundScan(scanner, {"a.md": (str(tmp_path / "a.html"), [], stamp),
                                          "b.md": (str(tmp_path / "b.html"), [], stamp),
                                          "gone.md": (str(tmp_path / "never-written.html"), [], "")})
    assert background.page("a.md") and background.page("b.md") and background.page("gone.md")
    assert not background.page("unknown.md")     # the plugin checks such a page itself
    findings, stats, proved = background.finish()
    assert [(f.path, f.rule) for f in findings] == [("b.md", "secret.marking")]
    assert stats["pages_fully_rescanned"] == 1 and len(proved) == 1
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == page.format(extra="", content=content).replace(
        "</head>", stamp + "</head>")
    assert stamp not in (tmp_path / "b.html").read_text(encoding="utf-8")   # a refused page is not vouched for
