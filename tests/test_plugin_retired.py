"""Retired pages (withdrawn, or past `expires:`) leave every build and stop nothing.

应急处置: when a leak is found the page must go offline at once while the rest of the site keeps
publishing; the record of why stays in the page and the report.
"""

from __future__ import annotations

import json

import pytest
from sitekit import Site

LEAK = "机密★1年\n\n关于某某事项的内部安排。"


def retired_site(root, on_unapproved: str, retire: dict) -> Site:
    site = Site(root, on_unapproved=on_unapproved)
    site.write_config(report_dir="report")
    site.write("content/files/shared.txt", "两页共用的附件\n")
    site.write("content/files/leak-annex.txt", "机密★1年 附件正文\n")
    site.page("index.md", "# 首页\n\n[共用附件](files/shared.txt)\n")
    site.approve("index.md")
    site.page("leak.md", "# 通知\n\n正文。\n\n[附件](files/leak-annex.txt) [共用附件](files/shared.txt)\n")
    site.approve("leak.md")
    # After approval the leak is found in the page: it is retracted in the same edit.
    site.edit("leak.md", "# 通知\n\n" + LEAK + "\n\n[附件](files/leak-annex.txt) [共用附件](files/shared.txt)\n",
              **retire)
    return site


RETIREMENTS = [
    {"withdrawn": {"at": "2025-02-01T09:00:00+08:00", "by": "zhaoliu", "reason": "发现含有涉密信息"}},
    {"withdrawn": "2024-05-01"},
    {"expires": "2024-05-31"},
]


@pytest.mark.parametrize("on_unapproved", ["fail", "exclude"])
@pytest.mark.parametrize("retire", RETIREMENTS, ids=["retract", "withdrawn-date", "expired"])
def test_retired_page_and_its_own_attachments_are_left_out(tmp_path, on_unapproved: str, retire: dict) -> None:
    site = retired_site(tmp_path / "root", on_unapproved, retire)
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert (site.site_dir / "index.html").is_file()
    assert (site.site_dir / "files" / "shared.txt").is_file()        # still linked by index.md
    assert not (site.site_dir / "leak").exists()
    assert not (site.site_dir / "files" / "leak-annex.txt").exists()
    assert "机密" not in site.site_text()
    report = json.loads((site.root / "report" / "govgate-report.json").read_text("utf-8"))
    entry = next(p for p in report["pages"] if p["path"] == "leak.md")
    assert entry["retired"]["kind"] == ("expired" if "expires" in retire else "withdrawn")


def test_check_lists_the_retraction_and_passes(tmp_path) -> None:
    site = retired_site(tmp_path / "root", "fail", RETIREMENTS[0])
    text = site.govgate("check")
    assert text.returncode == 0, text.stdout + text.stderr
    assert "leak.md: [已撤下]" in text.stdout and "zhaoliu" in text.stdout and "发现含有涉密信息" in text.stdout
    english = site.govgate("check", "--lang", "en")
    assert "leak.md: [withdrawn] not published" in english.stdout
    data = json.loads(site.govgate("check", "--format", "json").stdout)
    assert next(p for p in data["pages"] if p["path"] == "leak.md")["retired"]["reason"] == "发现含有涉密信息"


def test_a_withdrawal_date_still_to_come_keeps_the_page_online(tmp_path) -> None:
    site = Site(tmp_path / "root")
    site.page("index.md", "# 首页\n\n正文。\n", withdrawn="2999-01-01")
    site.approve("index.md")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert (site.site_dir / "index.html").is_file()


def test_unapproved_pages_still_fail_the_build_beside_a_retired_one(tmp_path) -> None:
    site = retired_site(tmp_path / "root", "fail", RETIREMENTS[0])
    site.page("new.md", "# 新稿\n\n待审。\n")
    result = site.build()
    assert result.returncode != 0
    assert "new.md" in result.stderr and "leak.md" not in result.stderr


@pytest.mark.parametrize("retire, unverified", [(RETIREMENTS[0], True), (RETIREMENTS[2], False)],
                         ids=["hand-written-withdrawal", "expired"])
def test_build_log_warns_of_a_withdrawal_record_nobody_verifiably_made(tmp_path, retire: dict,
                                                                         unverified: bool) -> None:
    site = retired_site(tmp_path / "root", "fail", retire)
    result = site.build()
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  leak.md"))
    assert ("撤稿记录未经验证" in lines[at]) is unverified
    assert lines[at - 1].startswith("WARNING" if unverified else "INFO"), lines[at - 1]
