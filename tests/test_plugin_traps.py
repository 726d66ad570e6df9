"""Ways content could reach site/ around the gate, and input the gate must refuse clearly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sitekit import Site

THEME_DOMAINS = "mkdocs.org\ncdnjs.cloudflare.com\nfonts.googleapis.com\nfonts.gstatic.com\nsquidfunk.github.io\n"


def make_site(root: Path, mode: str = "fail", **kwargs) -> Site:
    site = Site(root, on_unapproved=mode, **kwargs)
    site.write("signoffs/rules/allowed_domains.txt", THEME_DOMAINS)
    site.page("index.md", "# 首页\n\n欢迎访问。\n")
    site.approve("index.md")
    return site


@pytest.fixture
def fail_site(tmp_path: Path) -> Site:
    return make_site(tmp_path / "s")


@pytest.fixture
def excl_site(tmp_path: Path) -> Site:
    return make_site(tmp_path / "s", "exclude")


def published(site: Site) -> list[str]:
    if not site.site_dir.exists():
        return []
    return sorted(p.relative_to(site.site_dir).as_posix() for p in site.site_dir.rglob("*") if p.is_file())


def refused(site: Site, *args: str) -> str:
    """Build, expect a refusal with a message (no traceback) and an empty site_dir; return the log."""
    result = site.build(*args)
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr
    assert published(site) == [], published(site)
    return result.stderr


# -- fail before anything is published -------------------------------------------------------------

def test_strict_warning_leaves_no_partial_site(fail_site: Site) -> None:
    """--strict aborts only after MkDocs wrote the whole site: on_build_error must empty it."""
    fail_site.page("a.md", "# 甲\n\n见[不存在的页面](nowhere.md)。\n")
    fail_site.approve("a.md")
    log = refused(fail_site, "--strict")
    assert "nowhere.md" in log


def test_dirty_build_is_refused(fail_site: Site) -> None:
    assert fail_site.build().returncode == 0
    log = refused(fail_site, "--dirty")
    assert "--dirty" in log


# -- our strict parse, not MkDocs' PyYAML ----------------------------------------------------------

def test_yes_is_text_not_true(fail_site: Site) -> None:
    """PyYAML reads `yes` as True; the gate reads YAML 1.2 and says what it saw, with file:line."""
    fail_site.write("content/yes.md", "---\ntitle: 是\nauthor: editor1\nclassification: yes\n---\n\n正文\n")
    log = refused(fail_site)
    assert "yes.md" in log and "4:1" in log and "yes" in log.split("yes.md", 1)[1]


def test_duplicate_key_is_refused_with_file_and_line(fail_site: Site) -> None:
    """PyYAML keeps the last value silently: `general` for the reviewers, `special` for MkDocs."""
    fail_site.write("content/dup.md", "---\ntitle: 重复\nauthor: editor1\nclassification: special\n"
                                      "classification: general\n---\n\n正文\n")
    log = refused(fail_site)
    assert "dup.md" in log and "5:1" in log and "重复的键" in log


def test_malformed_yaml_is_refused_with_file_and_line(fail_site: Site) -> None:
    fail_site.write("content/bad.md", "---\ntitle: 坏\nauthor: editor1\nsignoffs:\n  - by: ZZQX7731审核人\n"
                                      "    stage: [first\n---\n\n正文\n")
    log = refused(fail_site)
    assert "bad.md" in log and "YAML 格式错误" in log
    assert any(line.strip().startswith(("7:", "6:")) for line in log.splitlines()), log


def test_front_matter_list_is_refused(fail_site: Site) -> None:
    fail_site.write("content/list.md", "---\n- title\n- author\n---\n\n正文\n")
    log = refused(fail_site)
    assert "list.md" in log and "键值映射" in log


# -- content that would bypass on_page_markdown ----------------------------------------------------

@pytest.mark.parametrize("mode", ["fail", "exclude"])
def test_folder_meta_file_is_refused(tmp_path: Path, mode: str) -> None:
    site = make_site(tmp_path / "s", mode)
    site.write("content/.meta.yml", "title: ZZQX7731改写的标题\n")
    log = refused(site)
    assert ".meta.yml" in log


def test_material_meta_plugin_is_refused(tmp_path: Path) -> None:
    """It reads whatever meta_file names, not only .meta.yml, and merges it into page.meta."""
    site = make_site(tmp_path / "s", "exclude", theme="material", plugins_before=["search", "meta"],
                     extra_config="")
    site.write_config()
    site.write("content/sub/_meta.yml", "title: ZZQX7731改写的标题\n")
    log = refused(site)
    assert "meta" in log and "plugins" in log


def test_snippets_extension_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", extra_config="markdown_extensions:\n  - pymdownx.snippets:\n"
                                                  "      base_path: ['.']\n")
    log = refused(site)
    assert "pymdownx.snippets" in log and "签核摘要" in log


def test_symlinked_page_is_refused(excl_site: Site, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("# ZZQX7731独有词\n", encoding="utf-8")
    os.symlink(outside, excl_site.docs / "linked.md")
    log = refused(excl_site)
    assert "linked.md" in log and "符号链接" in log


def test_symlinked_folder_is_refused(fail_site: Site, tmp_path: Path) -> None:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "x.md").write_text("# ZZQX7731独有词\n", encoding="utf-8")
    os.symlink(folder, fail_site.docs / "linked", target_is_directory=True)
    log = refused(fail_site)
    assert "linked/x.md" in log and "符号链接" in log


def test_hook_changing_markdown_after_approval_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", extra_config="hooks:\n  - hook.py\n")
    site.write("hook.py", "def on_page_markdown(markdown, page, **kwargs):\n"
                          "    return markdown + '\\n\\n追加的ZZQX7731文字\\n'\n")
    log = refused(site)
    # hooks run repository code in the build: refused before any page is read (issue #11)
    assert "不允许 hooks" in log and "hook.py" in log


# -- encodings ---------------------------------------------------------------------------------------

def test_gbk_page_is_refused_naming_gbk_file_and_line(fail_site: Site) -> None:
    fail_site.write("content/gbk.md", "---\ntitle: notice\nauthor: editor1\n---\n\n关于做好安全生产工作的通知\n"
                    .encode("gbk"))
    log = refused(fail_site)
    assert "gbk.md" in log and "GBK" in log
    assert "6:1" in log


@pytest.mark.parametrize("variant", ["crlf", "bom", "bom+crlf"])
def test_bom_and_crlf_pages_keep_their_approval(fail_site: Site, variant: str) -> None:
    fail_site.page("a.md", "# 通知\n\n第一行。\n第二行。\n")
    fail_site.approve("a.md")
    lf_digest = fail_site.digest("a.md")
    path = fail_site.docs / "a.md"
    data = path.read_bytes()
    if "crlf" in variant:
        data = data.replace(b"\n", b"\r\n")
    if "bom" in variant:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    assert fail_site.digest("a.md") == lf_digest
    result = fail_site.build()
    assert result.returncode == 0, result.stderr
    assert "第二行" in (fail_site.site_dir / "a" / "index.html").read_text(encoding="utf-8")


# -- fail closed on internal errors ------------------------------------------------------------------

def test_internal_error_fails_the_build(tmp_path: Path) -> None:
    """A bug inside the gate (here: a hook breaks the digest) stops the build with a message."""
    site = make_site(tmp_path / "s", extra_config="hooks:\n  - hook.py\n")
    site.write("hook.py", "import mkdocs_govgate.gate as gate\n\n\ndef _broken(*args, **kwargs):\n"
                          "    raise RuntimeError('digest store unavailable')\n\n\ngate.compute_digest = _broken\n")
    log = refused(site)
    # a hook can no longer reach into the gate: the configuration is refused first (issue #11)
    assert "不允许 hooks" in log and "RuntimeError" not in log


def test_unusual_front_matter_never_passes_silently(fail_site: Site) -> None:
    """Mixed key types in a nested mapping once crashed the digest: now a clear error with file and line."""
    fail_site.page("mixed.md", "# 通知\n", extra={1: "一", "b": "二"})
    log = refused(fail_site)
    assert "mixed.md" in log and "键必须是文字" in log and "门禁内部错误" not in log


def test_unreadable_roster_fails_the_build(fail_site: Site) -> None:
    (fail_site.root / "signoffs" / "reviewers.yml").unlink()
    (fail_site.root / "signoffs" / "reviewers.yml").mkdir()
    log = refused(fail_site)
    assert "reviewers.yml" in log


def test_waived_text_in_an_approved_page_is_published(fail_site: Site) -> None:
    """A waiver is reviewed with the page: it must hold for the final HTML as for the body."""
    number = "13800000000"
    fail_site.page("job.md", f"# 招聘公告\n\n联系人工作手机：{number}。\n",
                   waivers=[{"rule": "pii.mobile", "match": number, "reason": "招聘联系人工作手机，经本人同意公开"}])
    fail_site.approve("job.md")
    result = fail_site.build()
    assert result.returncode == 0, result.stderr
    assert number in (fail_site.site_dir / "job" / "index.html").read_text(encoding="utf-8")
