"""What a site manager reads in the build log and the dashboard (#14 item 7): every left-out file
named, no raw English word in a Chinese line, the dashboard's place, an outcome that matches."""

from __future__ import annotations

from sitekit import Site
from test_plugin_retired import retired_site


def draft_with_annex(root) -> Site:
    site = Site(root, on_unapproved="exclude")
    site.write_config(report_dir="report")
    site.write("content/files/annex.txt", "报名表\n")
    site.page("index.md", "# 首页\n\n欢迎访问。\n")
    site.approve("index.md")
    site.page("draft.md", "# 招聘公告\n\n[报名表](files/annex.txt)\n")
    return site


def test_build_log_names_every_file_it_left_out_and_where_the_dashboard_is(tmp_path) -> None:
    site = draft_with_annex(tmp_path / "root")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "以下 2 个文件未获准发布，已排除" in result.stderr
    assert "draft.md" in result.stderr
    assert "files/annex.txt\n    只被未发布的页面链接" in result.stderr          # the attachment is named, with why
    dashboard = site.root / "report" / "govgate-report.html"
    assert f"审核看板（用浏览器打开）：{dashboard}" in result.stderr


def test_dashboard_outcome_matches_what_was_published(tmp_path) -> None:
    site = draft_with_annex(tmp_path / "root")
    assert site.build().returncode == 0
    html = (site.root / "report" / "govgate-report.html").read_text(encoding="utf-8")
    assert "已构建：1 个有问题的文件未发布" in html and "构建成功" not in html
    site.approve("draft.md")
    assert site.build().returncode == 0
    html = (site.root / "report" / "govgate-report.html").read_text(encoding="utf-8")
    assert "构建成功，全部发布" in html


def test_retired_pages_are_described_in_chinese(tmp_path) -> None:
    retire = {"withdrawn": {"at": "2025-02-01T09:00:00+08:00", "by": "zhaoliu", "reason": "发现含有涉密信息"}}
    site = retired_site(tmp_path / "root", "exclude", retire)
    result = site.build()
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stderr.splitlines() if "leak.md" in line and "涉密" in line)
    assert "已撤下" in line and "withdrawn" not in line


def test_reports_follow_the_umask(tmp_path) -> None:
    import subprocess  # noqa: PLC0415

    from sitekit import BIN  # noqa: PLC0415

    site = draft_with_annex(tmp_path / "root")
    result = subprocess.run([str(BIN / "mkdocs"), "build"], cwd=site.root, capture_output=True, text=True, umask=0o002)
    assert result.returncode == 0, result.stderr
    for name in ("govgate-report.json", "govgate-report.html"):
        assert (site.root / "report" / name).stat().st_mode & 0o777 == 0o664    # the office group may read them
