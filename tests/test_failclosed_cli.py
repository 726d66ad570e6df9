"""Issue #12 item 4: crashes never look like findings.

Exit codes everywhere: 0 clean, 1 findings, 2 configuration or runtime error.  Each input that once
crashed the gate is a finding on its page (file and line), refused in fail mode and excluded in exclude
mode while the rest of the site is published; the roster's impossible date is a configuration error
naming the file and line; anything unforeseen is exit 2 with a message, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sitekit import BIN, Site

BAD_PAGES = {
    "feb30.md": ("date: 2025-02-30\n", 3),
    "hour25.md": ("updated: 2025-01-01T25:00:00+08:00\n", 3),
    "year0.md": ("updated: 0000-01-01\n", 3),
    "bigint.md": ("number: " + "9" * 5000 + "\n", 3),
    "escape.md": ('note: "\\U00110000"\n', 3),
    "surrogate.md": ('note: "\\ud800"\n', 3),
    "merge.md": ("tags: [<<]\n", 3),
    "deep.md": ("tags: " + "[" * 1000 + "\n", 3),
}
HEADER = "---\ntitle: 坏页\n{extra}author: editor1\nclassification: general\n---\n正文\n"


def _bad_site(site: Site) -> Site:
    site.page("good.md", "好的正文")
    site.approve("good.md")
    for name, (extra, _) in BAD_PAGES.items():
        site.write(f"content/{name}", HEADER.format(extra=extra))
    sig = (site.docs / "good.md").read_text(encoding="utf-8").replace("U1NIU0lH", "中U1NIU0lH", 1)
    site.write("content/signature.md", sig)
    return site


def test_check_reports_each_bad_page_with_file_and_line(site):
    _bad_site(site)
    result = site.govgate("--lang", "en", "check", "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stdout + result.stderr
    found = {(f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]}
    for name, (_, line) in BAD_PAGES.items():
        assert (name, line) in found, name
    assert "signature.md" in result.stdout and "not valid base64" in result.stdout


def test_fail_mode_build_names_every_bad_page(site):
    _bad_site(site)
    result = site.build()
    assert result.returncode == 1
    assert "internal error" not in result.stderr and "内部错误" not in result.stderr
    for name in [*BAD_PAGES, "signature.md"]:
        assert name in result.stderr, name
    assert not any(site.site_dir.rglob("*.html")) if site.site_dir.exists() else True


def test_exclude_mode_publishes_the_rest(exclude_site):
    _bad_site(exclude_site)
    result = exclude_site.build()
    assert result.returncode == 0, result.stderr
    assert (exclude_site.site_dir / "good" / "index.html").is_file()
    for name in BAD_PAGES:
        assert not (exclude_site.site_dir / name.removesuffix(".md")).exists(), name


def test_pre_commit_hook_reports_and_never_crashes(site):
    _bad_site(site)
    names = [f"content/{n}" for n in BAD_PAGES]
    for extra in ([], ["--front-matter-only"]):
        result = site.run(str(BIN / "govgate-pre-commit"), "--lang", "en", *extra, *names)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        for name, (_, line) in BAD_PAGES.items():
            assert f"content/{name}:{line}:" in result.stdout, (extra, name)


def test_roster_impossible_date_is_a_configuration_error(site):
    site.page("good.md", "好的正文")
    roster = (site.root / "signoffs/reviewers.yml").read_text(encoding="utf-8")
    site.write("signoffs/reviewers.yml", roster.replace("valid_from: 2020-01-01", "valid_from: 2025-02-30", 1))
    result = site.govgate("--lang", "en", "check")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "reviewers.yml:7" in result.stderr


@pytest.mark.parametrize("crash", ["1/0", "[][1]", "exec('def f(): f()') or f()"])
def test_unexpected_exception_is_exit_2_without_traceback(crash):
    code = f"import sys; from mkdocs_govgate.cli import guarded; sys.exit(guarded(lambda: {crash}, 'en'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "govgate internal error (not a finding" in result.stderr


def test_closed_output_pipe_is_not_a_traceback(site):
    for n in range(300):
        site.page(f"p{n}.md", "正文")
    # JSON: several times the pipe's buffer whatever the terminal layout of the text report
    proc = subprocess.Popen([str(BIN / "govgate"), "check", "--format", "json"], cwd=site.root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 2
    assert "Traceback" not in err and "Exception ignored" not in err
