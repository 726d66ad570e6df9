"""Fail mode checks sign-offs and attachments in other processes while MkDocs renders, and judges in on_env.

What a user sees must not change: a refused attachment or sign-off still stops the build before
anything is written, a build that fails for another reason meanwhile still ends (no process left
waiting) with the complete audit report, and `govgate check` agrees with the build.
"""

from __future__ import annotations

import json

import pytest
from sitekit import Site

from mkdocs_govgate.cachefile import cache_folder

pytestmark = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="the deferred check runs in forked processes")

# A hook that fails the build after the gate's on_files, while its children still work.
FAILING_HOOK = """
def on_nav(nav, config, files):
    raise RuntimeError("another plugin broke")
"""
# A plugin that records what exists in site_dir when pages are rendered (nothing may be written yet).
RECORDING_HOOK = """
import os
def on_page_content(html, page, config, files):
    written = sorted(os.listdir(config.site_dir)) if os.path.isdir(config.site_dir) else []
    with open(os.path.join(os.path.dirname(config.config_file_path), "seen.txt"), "a") as out:
        out.write(page.file.src_uri + ":" + "|".join(written) + "\\n")
    return html
"""


def annexed_site(site: Site, annex: str) -> Site:
    site.page("index.md", "# 首页\n\n欢迎访问。\n")
    site.approve("index.md")
    site.write("content/files/annex.txt", annex)
    site.page("notice.md", "# 通知\n\n[附件](files/annex.txt)\n")
    site.approve("notice.md")
    return site


def test_a_refused_attachment_stops_the_build_before_anything_is_written(site: Site) -> None:
    annexed_site(site, "附件\n本件为绝密★5年文件。\n")
    site.add_plugin("recorder", RECORDING_HOOK)
    result = site.build()
    assert result.returncode != 0
    assert "files/annex.txt" in result.stderr and "secret" in result.stderr
    assert not site.site_dir.exists() or not any(site.site_dir.iterdir())
    # the pages were rendered meanwhile, and nothing was written
    assert (site.root / "seen.txt").read_text(encoding="utf-8").splitlines() == ["index.md:", "notice.md:"]


def test_a_clean_attachment_is_published_and_the_report_names_every_verdict(site: Site) -> None:
    annexed_site(site, "附件\n县应急管理局关于做好防汛工作的通知。\n")
    site.page("draft.md", "# 待审稿\n")
    site.write_config(report_dir="audit")
    result = site.build()
    assert result.returncode != 0 and "draft.md" in result.stderr
    (site.docs / "draft.md").unlink()
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert (site.site_dir / "files" / "annex.txt").exists()
    report = json.loads((site.root / "audit" / "govgate-report.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "built"
    assert {p["path"]: p["approved"] for p in report["pages"]} == {"index.md": True, "notice.md": True}


def test_another_plugin_failing_meanwhile_ends_the_build_with_the_complete_report(site: Site) -> None:
    annexed_site(site, "附件\n县应急管理局关于做好防汛工作的通知。\n")
    site.page("draft.md", "# 待审稿\n")
    site.add_plugin("breaker", FAILING_HOOK)
    site.write_config(report_dir="audit")
    result = site.build()      # a child left waiting to hand over its answer would hang here (sitekit: 300 s)
    assert result.returncode != 0 and "another plugin broke" in result.stderr
    report = json.loads((site.root / "audit" / "govgate-report.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "failed"
    verdicts = {p["path"]: (p["approved"], p["missing"]) for p in report["pages"]}
    assert verdicts == {"index.md": (True, []), "notice.md": (True, []),
                        "draft.md": (False, ["first", "second", "final"])}


def test_the_build_and_govgate_check_agree_on_what_blocks(site: Site) -> None:
    annexed_site(site, "附件\n联系人手机 13912345678。\n")
    build = site.build()
    check = site.govgate("check")
    assert build.returncode != 0 and check.returncode != 0
    for output in (build.stderr, check.stdout + check.stderr):
        assert "files/annex.txt" in output and "pii.mobile" in output


def test_a_build_leaves_every_scan_result_for_the_next_check(site: Site) -> None:
    """Attachments checked in the deferred process (and its workers) are remembered like everything else."""
    annexed_site(site, "附件\n县应急管理局关于做好防汛工作的通知。\n")
    site.write("content/files/annex2.txt", "附件二\n防汛物资清单。\n")
    site.page("notice2.md", "# 通知二\n\n[附件二](files/annex2.txt)\n")
    site.approve("notice2.md")
    assert site.build().returncode == 0
    scans = cache_folder(site.root) / "scans.json"
    after_build = set(json.loads(scans.read_text(encoding="utf-8"))["results"])
    check = site.govgate("check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert set(json.loads(scans.read_text(encoding="utf-8"))["results"]) == after_build   # nothing scanned again
