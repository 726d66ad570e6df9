"""Issue #11: an editor who may change every file except the reviewers' keys cannot reach the public site
through the build configuration, the theme, the caches or the output, nor run code on reviewers' machines.

Each test is one attack from the issue, made with real files, real keys, real `mkdocs build` /
`govgate build` / `govgate` processes.  History-mode attacks with signed commits and the server hook
are in tests/evidence/test_trust_boundary_history.py.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from sitekit import BIN, TZ, Site

from mkdocs_govgate.activecontent import active_references

THEME_DOMAINS = "www.mkdocs.org\nsquidfunk.github.io\n"
EVIL = "import pathlib\npathlib.Path({marker!r}).write_text('ran')\n"


def approved_site(root: Path, **kwargs) -> Site:
    site = Site(root, **kwargs)
    site.write("signoffs/rules/allowed_domains.txt", THEME_DOMAINS)
    site.page("index.md", "# 首页\n\n欢迎访问。\n")
    site.approve("index.md")
    return site


def published(site: Site) -> list[str]:
    return sorted(p.relative_to(site.site_dir).as_posix() for p in site.site_dir.rglob("*") if p.is_file()) \
        if site.site_dir.is_dir() else []


def editor_writes(site: Site, rel: str, text: str) -> None:
    """An editor's change: nobody re-seals it."""
    site.auto_seal = False
    site.write(rel, text)


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return approved_site(tmp_path / "site-root")


# -- 1, 4: no repository code runs, in any command or in the build ---------------------------------

@pytest.mark.parametrize("spelling", ["hooks", "python_tag"])
def test_repository_code_never_runs(site: Site, tmp_path: Path, spelling: str) -> None:
    marker = tmp_path / "marker"
    site.write("evil.py", EVIL.format(marker=str(marker)))
    if spelling == "hooks":
        site.extra_config = "hooks:\n  - evil.py\n"
    else:
        site.extra_config = f"extra:\n  x: !!python/object/apply:os.system [\"touch {marker}\"]\n"
    site.write_config()       # even an admin's seal cannot make these acceptable
    for run in (lambda: site.govgate("check"), lambda: site.govgate("status"),
                lambda: site.govgate("sheet", "content/index.md"), lambda: site.gate_build(),
                lambda: site.run(str(BIN / "govgate-pre-commit"), "content/index.md")):
        result = run()
        assert result.returncode == 2 or result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert not marker.exists(), "repository code ran"
    assert published(site) == []


def test_plain_mkdocs_build_refuses_hooks(site: Site, tmp_path: Path) -> None:
    """A plain `mkdocs build` imports hooks before the plugin runs; the gate still refuses to build."""
    site.write("evil.py", "def on_post_build(config):\n    open(config['site_dir'] + '/planted.html', 'w').write('x')\n")
    site.extra_config = "hooks:\n  - evil.py\n"
    site.write_config()
    result = site.build()
    assert result.returncode != 0 and "不允许 hooks" in result.stderr
    assert published(site) == []


# -- 2: the pin never comes from the repository ------------------------------------------------------

def test_trust_root_in_mkdocs_yml_is_refused(site: Site) -> None:
    site.write_config(trust_root="deadbeef:SHA256:editor")
    result = site.gate_build()
    assert result.returncode == 2 and "trust_root" in result.stderr and "GOVGATE_TRUST_ROOT" in result.stderr


def test_seal_by_a_key_other_than_the_pin_is_refused(site: Site) -> None:
    """An editor who re-seals with a key of their own (even one the roster lists as admin) is not the pin."""
    site.seal(by="editor1")
    result = site.gate_build()
    assert result.returncode == 2 and "封签" in result.stderr, result.stderr
    assert published(site) == []


def test_an_older_genuine_seal_cannot_roll_the_configuration_back(tmp_path: Path) -> None:
    """A revoked reviewer and an editor restore the roster from before the revocation with its genuine old
    seal: refused once this CI has built with a newer seal, or when CI pins the oldest acceptable seal."""
    site = approved_site(tmp_path / "s")
    site.auto_seal = False
    old_roster = (site.root / "signoffs" / "reviewers.yml").read_text(encoding="utf-8")
    site.seal(at=dt.datetime(2025, 2, 1, tzinfo=TZ))
    old_seal = (site.root / "signoffs" / "seal.yml").read_text(encoding="utf-8")
    site.write("signoffs/reviewers.yml", old_roster.replace("valid_until: null", "valid_until: 2025-02-15", 1))
    site.seal(at=dt.datetime(2025, 3, 1, tzinfo=TZ))          # the admin records the revocation
    assert site.gate_build().returncode == 0
    site.write("signoffs/reviewers.yml", old_roster)
    site.write("signoffs/seal.yml", old_seal)
    result = site.gate_build()
    assert result.returncode == 2 and "回滚" in result.stderr, result.stderr
    site.extra_env["GOVGATE_CACHE_DIR"] = str(tmp_path / "fresh-ci-cache")     # a CI without that memory
    site.extra_env["GOVGATE_SEAL_NOT_BEFORE"] = "2025-03-01"
    result = site.gate_build()
    assert result.returncode == 2 and "回滚" in result.stderr, result.stderr


# -- 3, 6, 7: every configuration file is sealed -----------------------------------------------------

@pytest.mark.parametrize("rel, text", [
    ("mkdocs.yml", None),                                              # switch the gate off
    ("overrides/main.html", "{% extends 'base.html' %}{% block content %}篡改{% endblock %}"),
    ("signoffs/rules/overrides.yml", "disable: [secret.marking, pii.id_card, link.domain]\n"),
    ("base.yml", "site_name: 改名\n"),                                 # an INHERIT target
    (".github/workflows/deploy.yml", "on: push\n"),
])
def test_an_editors_change_to_configuration_is_refused(tmp_path: Path, rel: str, text: str | None) -> None:
    site = approved_site(tmp_path / "s", extra_config="INHERIT: base.yml\n")
    site.write("base.yml", "copyright: 测试县\n")
    site.extra_config = "INHERIT: base.yml\ntheme:\n  name: mkdocs\n  custom_dir: overrides\n  highlightjs: false\n"
    site.write("overrides/main.html", "{% extends 'base.html' %}")
    site.write_config()
    assert site.gate_build().returncode == 0
    shutil.rmtree(site.site_dir)        # CI builds in a fresh checkout
    if text is None:
        text = (site.root / "mkdocs.yml").read_text(encoding="utf-8").replace("  - govgate:\n",
                                                                              "  - govgate:\n      enabled: false\n")
    editor_writes(site, rel, text)
    result = site.gate_build()
    assert result.returncode == 2, result.stderr
    assert rel.split("/")[0] in result.stderr
    assert "封签" in result.stderr or "enabled: false" in result.stderr     # the judge may refuse it first
    assert published(site) == []


@pytest.mark.parametrize("config", [
    "plugins:\n  - search\n  - govgate:\n      enabled: false\n",
    "plugins:\n  - search\n  - /govgate\n",
    "plugins:\n  - search\n",
])
def test_the_gate_cannot_be_switched_off_even_sealed(tmp_path: Path, config: str) -> None:
    site = approved_site(tmp_path / "s")
    site.write("mkdocs.yml", "site_name: 测试\ndocs_dir: content\ntheme:\n  name: mkdocs\n  highlightjs: false\n" + config)
    result = site.gate_build()
    assert result.returncode == 2 and "govgate" in result.stderr
    assert published(site) == []


# -- 5, 11: plugins and include mechanisms in any spelling --------------------------------------------

@pytest.mark.parametrize("extra, word", [
    ("markdown_extensions:\n  - pymdownx.snippets:SnippetExtension\n", "pymdownx.snippets"),
    ("markdown_extensions:\n  - markdown_include.include\n", "markdown_include"),
])
def test_include_extensions_refused_in_any_spelling(tmp_path: Path, extra: str, word: str) -> None:
    site = approved_site(tmp_path / "s", extra_config=extra)
    result = site.gate_build()
    assert result.returncode == 2 and word in result.stderr


def test_projects_plugin_refused_even_when_allowed(tmp_path: Path) -> None:
    site = approved_site(tmp_path / "s", theme="material", plugins_before=["search", "material/projects"])
    result = site.gate_build()
    assert result.returncode == 2 and "material/projects" in result.stderr
    assert published(site) == []


def test_report_dir_inside_site_dir_refused(tmp_path: Path) -> None:
    site = approved_site(tmp_path / "s")
    site.write_config(report_dir="content/../site")
    result = site.gate_build()
    assert result.returncode == 2 and "report_dir" in result.stderr


# -- 8: every published byte accounted for -------------------------------------------------------------

def test_custom_dir_static_text_is_scanned(tmp_path: Path) -> None:
    site = approved_site(tmp_path / "s")
    site.extra_config = "theme:\n  name: mkdocs\n  custom_dir: overrides\n  highlightjs: false\n"
    site.write("overrides/robots.txt", "User-agent: *\n# 本文件属机密★1年，绝密资料\n")
    site.write_config()
    result = site.gate_build()
    assert result.returncode != 0 and "robots.txt" in result.stderr and "secret" in result.stderr
    assert published(site) == []


def test_attachment_type_the_rules_cannot_read_is_refused_unless_allowed(tmp_path: Path) -> None:
    site = approved_site(tmp_path / "s")
    site.write("content/files/data.json", '{"x": "未经审查的文字"}')
    site.page("a.md", "# 数据\n\n[数据](files/data.json)\n")
    site.approve("a.md")
    result = site.gate_build()
    assert result.returncode != 0 and "files/data.json" in result.stderr
    site.write_config(publish_types=[".json"])    # an admin allows the type and seals
    assert site.gate_build().returncode == 0
    assert "files/data.json" in published(site)


def test_dot_files_left_in_site_dir_do_not_survive(site: Site) -> None:
    site.write("site/.well-known/evil.html", "<p>旧文件</p>")
    site.write("site/.hidden", "旧文件")
    assert site.gate_build().returncode == 0
    assert not any(p.startswith(".") or "/." in p for p in published(site)), published(site)


# -- 9: caches are never taken from the repository ------------------------------------------------------

def test_committed_cache_folder_refused(site: Site) -> None:
    site.run("git", "init", "-q", check=True)
    site.write(".govgate-cache/retractions.json", "{}")
    site.run("git", "add", "-f", ".govgate-cache/retractions.json", check=True)
    result = site.gate_build()
    assert result.returncode == 2 and ".govgate-cache" in result.stderr


def test_cache_folder_given_inside_the_checkout_must_hold_nothing_committed(site: Site) -> None:
    """GitLab caches only inside the project folder: allowed, unless the repository carries files there."""
    site.run("git", "init", "-q", check=True)
    site.extra_env["GOVGATE_CACHE_DIR"] = str(site.root / ".ci-cache")
    assert site.gate_build().returncode == 0
    site.write(".ci-cache/evidence.json", "{}")
    site.run("git", "add", "-f", ".ci-cache/evidence.json", check=True)
    result = site.gate_build()
    assert result.returncode == 2 and ".ci-cache" in result.stderr


def test_extra_templates_are_configuration_rendered_and_scanned(tmp_path: Path) -> None:
    site = approved_site(tmp_path / "s", extra_config="extra_templates:\n  - notice.html\n")
    site.write("content/notice.html", "<p>{{ config.site_name }}</p>")
    assert site.gate_build().returncode == 0
    assert "notice.html" in published(site)
    editor_writes(site, "content/notice.html", "<p>绝密★1年</p>")
    result = site.gate_build()
    assert result.returncode == 2 and "notice.html" in result.stderr


# -- 10: active content, wherever it appears, parsed like a browser ------------------------------------

@pytest.mark.parametrize("html", [
    '<script src="https://evil.example.com/x.js"></script>',
    '<link rel="stylesheet" href="//evil.example.com/x.css">',
    '<meta http-equiv="refresh" content="0; url=https://evil.example.com/">',
    '<base href="https://evil.example.com/">',
    '<form action="https://evil.example.com/collect"></form>',
    '<iframe src="https://evil.example.com/"></iframe>',
    '<svg><use xlink:href="https://evil.example.com/s.svg#a"/></svg>',
    '<script src="ht&#x09;tps://evil.example.com/x.js"></script>',
    '<script src="/\\evil.example.com/x.js"></script>',
    '<iframe src="https://evil.xn--fiqs8s/"></iframe>',
    '<a href="#">x</a><iframe src="java\tscript:alert(1)"></iframe>',
])
def test_active_content_to_other_hosts_is_found(html: str) -> None:
    assert list(active_references(html, lambda host: host.endswith("gov.cn"))), html


def test_active_content_on_own_or_allowed_hosts_passes() -> None:
    html = ('<script src="js/site.js"></script><link rel="canonical" href="https://other.example.com/">'
            '<iframe src="https://www.gov.cn/video"></iframe><meta http-equiv="refresh" content="300">')
    assert list(active_references(html, lambda host: host.endswith("gov.cn"))) == []


def test_external_script_in_a_page_body_blocks_the_build(tmp_path: Path) -> None:
    site = approved_site(tmp_path / "s")
    site.page("a.md", '# 通知\n\n正文。\n\n<script src="https://evil.example.com/x.js"></script>\n')
    site.approve("a.md")
    result = site.gate_build()
    assert result.returncode != 0 and "evil.example.com" in result.stderr
    assert published(site) == []


# -- 11: one publication decision for every Markdown spelling ------------------------------------------

@pytest.mark.parametrize("suffix", [".mdown", ".mkd", ".mkdn", ".markdown"])
def test_every_markdown_suffix_mkdocs_renders_is_a_page_to_check_too(tmp_path: Path, suffix: str) -> None:
    site = approved_site(tmp_path / "s", on_unapproved="exclude")
    site.page(f"draft{suffix}", "# 草稿\n\n待审的正文。\n")
    result = site.govgate("check", "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    page = next(p for p in report["pages"] if p["path"] == f"draft{suffix}")
    assert page["approved"] is False and page["missing"] == ["first", "second", "final"]
    assert site.gate_build().returncode == 0
    assert not any(p.startswith("draft") for p in published(site)), published(site)


# -- 12: an inline signature covers the page's path ----------------------------------------------------

def test_copy_of_an_approved_page_at_another_path_is_not_approved(tmp_path: Path) -> None:
    site = approved_site(tmp_path / "s", on_unapproved="exclude")
    site.page("a.md", "# 通知\n\n正文。\n")
    site.approve("a.md")
    shutil.copy(site.docs / "a.md", site.docs / "copy.md")
    result = site.gate_build()
    assert result.returncode == 0, result.stderr
    assert "a/index.html" in published(site) and "copy/index.html" not in published(site)


def test_cache_files_carry_an_hmac_when_ci_holds_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a shared runner other jobs can write the cache folder: with GOVGATE_CACHE_KEY (a protected CI secret)
    a file without the right HMAC is ignored (and rebuilt), never trusted."""
    from mkdocs_govgate.cachefile import load_json, save_json  # noqa: PLC0415

    path = tmp_path / "evidence.json"
    monkeypatch.setenv("GOVGATE_CACHE_KEY", "protected-secret")
    save_json(path, {"pages": {"a.md": []}})
    assert load_json(path) == {"pages": {"a.md": []}}
    planted = path.read_text(encoding="utf-8").replace('[]', '["ok"]')
    path.write_text(planted, encoding="utf-8")
    assert load_json(path) is None                                   # changed without the key
    path.write_text('{"pages": {"a.md": []}}', encoding="utf-8")
    assert load_json(path) is None                                   # plain JSON planted by another job
    monkeypatch.setenv("GOVGATE_CACHE_KEY", "another-secret")
    save_json(path, {"pages": {}})
    monkeypatch.setenv("GOVGATE_CACHE_KEY", "protected-secret")
    assert load_json(path) is None                                   # made with another key


# -- previews: `govgate serve` judges first and keeps MkDocs from running repository code ----------------

def test_govgate_serve_refuses_hooks_and_runs_none(site: Site, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    site.write("evil.py", EVIL.format(marker=str(marker)))
    site.extra_config = "hooks:\n  - evil.py\n"
    site.write_config()
    result = site.run(str(BIN / "govgate"), "serve", "-a", "127.0.0.1:0")
    assert result.returncode == 2 and "hooks" in result.stderr
    assert not marker.exists()


def test_govgate_serve_shows_drafts_with_their_banner(tmp_path: Path) -> None:
    import socket  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import time  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    site = approved_site(tmp_path / "s", on_unapproved="exclude")
    site.page("draft.md", "# 草稿\n\n待审的正文。\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([str(BIN / "govgate"), "serve", "-a", f"127.0.0.1:{port}"], cwd=site.root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/draft/", timeout=2).read().decode()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "govgate serve did not start"
                time.sleep(0.2)
        assert "待审的正文" in page and "初审初校" in page      # the draft, with the banner of what it still needs
    finally:
        process.kill()
        process.communicate(timeout=10)


@pytest.mark.parametrize("extra", ["hooks:\n  - evil.py\n", "extra:\n  x: !!python/object/apply:os.system [\"touch {marker}\"]\n"])
def test_a_configuration_reloaded_while_serving_runs_no_code(site: Site, tmp_path: Path, extra: str) -> None:
    """What `govgate serve` does to MkDocs in its own process: a mkdocs.yml changed after the server started
    (a `git pull` meanwhile) is read by the strict safe reader, and hooks are refused, on every reload."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    marker = tmp_path / "marker"
    site.write("evil.py", EVIL.format(marker=str(marker)))
    site.extra_config = extra.format(marker=marker)
    site.write_config()
    script = ("from mkdocs_govgate.commands.serve import harden_mkdocs\nharden_mkdocs()\n"
              "from mkdocs.config import load_config\nimport sys\n"
              "try:\n    load_config('mkdocs.yml')\nexcept BaseException as exc:\n    print(type(exc).__name__)\n"
              "    sys.exit(3)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=site.root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 3, result.stdout + result.stderr
    assert not marker.exists(), "repository code ran while the configuration was reloaded"
