"""`govgate audit SITE_DIR` (回头看) on the output of a real `mkdocs build`, then tampered with."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from sitekit import Site

from mkdocs_govgate.audit import PHASE_FILES, AuditInputs, Auditor, expected_output
from mkdocs_govgate.engines import build_gate
from mkdocs_govgate.sitefinder import site_from_mkdocs


def built(site: Site) -> Site:
    site.write("content/files/notice.txt", "附件：报名表说明\n")
    site.page("index.md", "# 首页\n\n见[通知](tzgg/a.md)与[说明](files/notice.txt)。\n")
    site.page("tzgg/a.md", "# 关于开展安全检查的通知\n\n各单位：请于本月完成检查。\n")
    site.page("tzgg/b.md", "# 关于举办培训的通知\n\n培训安排见后。\n")
    for page in ("index.md", "tzgg/a.md", "tzgg/b.md"):
        site.approve(page)
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture
def live(site: Site) -> Site:
    return built(site)


def audit(site: Site, *args: str) -> tuple[int, dict]:
    result = site.govgate("audit", "site", "--format", "json", *args)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.returncode, json.loads(result.stdout)


def rules_at(report: dict) -> set[tuple[str, str]]:
    return {(f["path"], f["rule"]) for f in report["findings"] if f["severity"] == "block"}


def test_freshly_built_site_is_clean(live):
    code, report = audit(live)
    assert code == 0, report["findings"]
    kinds = {f["path"]: f["kind"] for f in report["files"]}
    assert kinds["index.html"] == kinds["tzgg/a/index.html"] == "page"
    assert kinds["files/notice.txt"] == "attachment"
    assert kinds["search/search_index.json"] == "search_index" and kinds["sitemap.xml"] == "sitemap"
    assert kinds["404.html"] == "theme_page" and kinds["css/base.css"] == "theme"
    assert "unknown" not in kinds.values()
    sources = {f["path"]: f["source"] for f in report["files"] if f["kind"] == "page"}
    assert sources == {"index.html": "index.md", "tzgg/a/index.html": "tzgg/a.md", "tzgg/b/index.html": "tzgg/b.md"}
    text = live.govgate("audit", "site")
    assert text.returncode == 0 and "未发现必须处理的问题" in text.stdout


def test_secret_marking_added_to_the_html_is_found(live):
    page = live.site_dir / "tzgg/a/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("请于本月完成检查。", "请于本月完成检查。机密★10年"),
                    encoding="utf-8")
    code, report = audit(live)
    assert code == 1
    assert ("tzgg/a/index.html", "secret.marking") in rules_at(report)
    found = next(f for f in report["findings"] if f["rule"] == "secret.marking")
    assert found["line"] > 0 and "机密" in found["match"]


def test_unstamped_page_and_stray_files_are_reported(live):
    live.write("site/old/notice.html", "<html><head></head><body>旧通知，已废止。</body></html>")
    live.write("site/js/analytics.js", "track();\n")
    live.write("content/files/draft.txt", "未审核的附件\n")
    shutil.copy(live.docs / "files/draft.txt", live.site_dir / "files/draft.txt")
    code, report = audit(live)
    assert code == 1
    found = rules_at(report)
    assert ("old/notice.html", "audit.unstamped") in found
    assert ("js/analytics.js", "audit.unknown_file") in found
    assert ("files/draft.txt", "audit.unlinked_attachment") in found
    assert len(found) == 3


def test_replaced_attachment_is_reported_and_scanned(live):
    (live.site_dir / "files/notice.txt").write_text("附件：内部资料，注意保存\n", encoding="utf-8")
    code, report = audit(live)
    assert code == 1
    found = rules_at(report)
    assert ("files/notice.txt", "audit.attachment_changed") in found
    assert any(path == "files/notice.txt" and rule.startswith("secret.") for path, rule in found)


def test_replaced_docx_attachment_is_scanned_with_places(site):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("报名表")
    document.save(site.docs / "form.docx")
    site.page("index.md", "# 首页\n\n[报名表](form.docx)\n")
    site.approve("index.md")
    assert site.build().returncode == 0
    tampered = docx.Document()
    tampered.add_paragraph("报名表")
    tampered.add_paragraph("密级：秘密★5年")
    tampered.save(site.site_dir / "form.docx")
    code, report = audit(site)
    assert code == 1
    secret = [f for f in report["findings"] if f["path"] == "form.docx" and f["rule"].startswith("secret.")]
    assert secret and secret[0]["location"] == "paragraph 2"
    assert ("form.docx", "audit.attachment_changed") in rules_at(report)


def test_source_changed_after_the_build(live):
    live.page("tzgg/a.md", "# 关于开展安全检查的通知\n\n各单位：请于下月完成检查。\n",
              signoffs=live.pages["tzgg/a.md"][0]["signoffs"])   # old sign-offs, new text: approval void
    code, report = audit(live)
    assert code == 1
    found = rules_at(report)
    assert ("tzgg/a/index.html", "audit.digest_mismatch") in found
    assert ("tzgg/a/index.html", "audit.unapproved") in found
    message = next(f["message"] for f in report["findings"] if f["rule"] == "audit.unapproved")
    assert "初审初校" in message
    # approved again: the source is fine, but what is online is the old version
    data, body = live.pages["tzgg/a.md"]
    data.pop("signoffs")
    live.approve("tzgg/a.md")
    code, report = audit(live)
    assert code == 1 and rules_at(report) == {("tzgg/a/index.html", "audit.digest_mismatch")}


def test_retired_source_must_be_taken_down(live):
    data, body = live.pages["tzgg/b.md"]
    live.page("tzgg/b.md", body, signoffs=data["signoffs"],
              withdrawn={"at": "2025-02-01T09:00:00+08:00", "by": "webadmin1", "reason": "内容有误"})
    live.page("tzgg/a.md", live.pages["tzgg/a.md"][1], signoffs=live.pages["tzgg/a.md"][0]["signoffs"],
              expires=dt.date(2020, 1, 1))
    code, report = audit(live)
    assert code == 1
    retired = {f["path"]: f["message"] for f in report["findings"] if f["rule"] == "audit.retired"}
    assert set(retired) == {"tzgg/a/index.html", "tzgg/b/index.html"}
    assert "内容有误" in retired["tzgg/b/index.html"] and "webadmin1" in retired["tzgg/b/index.html"]
    assert "过期" in retired["tzgg/a/index.html"]


def test_source_deleted_copy_and_search_index_orphan(live):
    (live.docs / "tzgg/b.md").unlink()
    shutil.copytree(live.site_dir / "tzgg/a", live.site_dir / "copy/a")
    (live.site_dir / "index.html").unlink()            # gone online, still in the search index
    code, report = audit(live)
    assert code == 1
    found = rules_at(report)
    assert ("tzgg/b/index.html", "audit.source_missing") in found
    assert ("copy/a/index.html", "audit.copy") in found
    orphans = [f for f in report["findings"] if f["rule"] == "audit.index_orphan"]
    assert [f["location"] for f in orphans] == ["location: /"]


def test_todays_word_list_applies_to_pages_and_search_index(live):
    assert audit(live)[0] == 0
    live.write("signoffs/rules/sensitive.txt", "安全检查\n")     # the list grew after the site went online
    code, report = audit(live)
    assert code == 1
    hits = {f["path"] for f in report["findings"] if f["rule"] == "sensitive.site"}
    assert {"tzgg/a/index.html", "search/search_index.json"} <= hits


def test_configuration_errors_exit_2(live, tmp_path):
    missing = live.govgate("audit", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "不存在" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.txt").write_text("x")
    not_built = live.govgate("audit", str(empty), "--lang", "en")
    assert not_built.returncode == 2 and "not a built site" in not_built.stderr


def test_progress_bar_only_when_forced_or_on_a_terminal(live):
    forced = live.govgate("audit", "site", "--progress")
    assert forced.returncode == 0
    assert "扫描网站文件" in forced.stderr and "━" in forced.stderr      # rich's bar
    piped = live.govgate("audit", "site")                 # stderr is a pipe here
    assert piped.returncode == 0 and piped.stderr == ""
    off = live.govgate("audit", "site", "--no-progress")
    assert off.stderr == ""
    quiet = live.govgate("audit", "site", "--progress", "--quiet")     # --quiet wins: no bar, no summary
    assert quiet.stderr == "" and quiet.stdout == ""


def test_parallel_scan_gives_the_same_result(site, monkeypatch):
    for i in range(70):
        site.page(f"gk/p{i:02d}.md", f"# 公开信息 {i}\n\n第 {i} 条。\n")
        site.approve(f"gk/p{i:02d}.md")
    site.page("index.md", "# 首页\n")
    site.approve("index.md")
    assert site.build().returncode == 0
    for i in (3, 41):
        page = site.site_dir / f"gk/p{i:02d}/index.html"
        page.write_text(page.read_text(encoding="utf-8").replace("条。", "条。秘密★5年"), encoding="utf-8")
    config = site_from_mkdocs(site.root / "mkdocs.yml", site.root)
    inputs = AuditInputs(site.site_dir)
    seen = []

    def run(threshold: int) -> list:
        monkeypatch.setattr("mkdocs_govgate.audit.PARALLEL_THRESHOLD", threshold)
        gate = build_gate(config)
        result = Auditor(gate, inputs, lambda done, total, phase: seen.append((done, total, phase))).run()
        return [(f.path, f.line, f.column, f.rule, f.location) for f in result.findings]

    sequential = run(10_000)
    parallel = run(1)
    assert sequential == parallel
    assert [p for p, _, _, r, _ in sequential if r == "secret.marking"] == ["gk/p03/index.html", "gk/p41/index.html"]
    assert seen[-1][0] == seen[-1][1] and seen[-1][2] == PHASE_FILES


def test_material_theme_site_is_clean(tmp_path):
    site = built(Site(tmp_path / "material-site", theme="material"))
    code, report = audit(site)
    assert code == 0, report["findings"]
    assert any(f["kind"] == "theme" and f["path"].startswith("assets/") for f in report["files"])


@pytest.mark.parametrize(("src", "directory", "expected"), [
    ("index.md", True, "index.html"), ("a/README.md", True, "a/index.html"), ("a/b.md", True, "a/b/index.html"),
    ("a/b.md", False, "a/b.html")])
def test_expected_output(src, directory, expected):
    assert expected_output(src, directory) == expected


def test_search_index_is_scanned_even_when_pages_are_clean(live):
    index = live.site_dir / "search/search_index.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    data["docs"][0]["text"] += " 机密★10年"
    index.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, report = audit(live)
    assert code == 1
    assert any(p == "search/search_index.json" and r.startswith("secret.") for p, r in rules_at(report))


def test_unknown_path_written_into_a_page_stamp_is_caught(live, tmp_path: Path):
    page = live.site_dir / "tzgg/b/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('content="tzgg/b.md"', 'content="tzgg/zz.md"'),
                    encoding="utf-8")
    code, report = audit(live)
    assert code == 1 and ("tzgg/b/index.html", "audit.source_missing") in rules_at(report)
