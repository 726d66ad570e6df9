"""`on_unapproved: fail`: every refused page is listed with every reason, and nothing is published."""

from __future__ import annotations

import re

import pytest
from sitekit import Site, roster_yaml

# The stock themes link CDNs and their makers' sites; a site reviews and allow-lists them.
THEME_DOMAINS = "mkdocs.org\ncdnjs.cloudflare.com\nfonts.googleapis.com\nfonts.gstatic.com\nsquidfunk.github.io\n"


@pytest.fixture
def site(site: Site) -> Site:
    site.write("signoffs/rules/allowed_domains.txt", THEME_DOMAINS)
    return site


def published_files(site: Site) -> list[str]:
    if not site.site_dir.exists():
        return []
    return sorted(p.relative_to(site.site_dir).as_posix() for p in site.site_dir.rglob("*") if p.is_file())


def refusals(stderr: str) -> dict[str, str]:
    """The build log's findings grouped by page: {path: the lines listed under it}."""
    groups: dict[str, list[str]] = {}
    current = None
    for line in stderr.splitlines():
        if re.match(r"^  \S", line):
            current = line.strip()
            groups[current] = []
        elif line.startswith("    ") and current:
            groups[current].append(line.strip())
    return {path: "\n".join(lines) for path, lines in groups.items()}


def test_every_refused_page_is_listed_with_every_reason(site: Site) -> None:
    site.write("signoffs/reviewers.yml", roster_yaml(overrides={"chief2": {"valid_until": "2024-12-31"}}))
    site.page("index.md", "# 首页\n\n欢迎访问。\n")
    site.approve("index.md")
    # 1. nothing signed yet: all three stages missing
    site.page("missing.md", "# 待审稿件\n")
    # 2. edited after approval: every sign-off is stale
    site.page("stale.md", "# 原稿\n\n原来的文字。\n")
    site.approve("stale.md")
    site.edit("stale.md", "# 原稿\n\n改动后的文字。\n")
    # 3. a later reject after full approval blocks
    site.page("rejected.md", "# 不同意\n")
    site.approve("rejected.md")
    site.sign("rejected.md", "final", decision="reject", opinion="不同意发布")
    # 4. revise blocks, and a later approve of the SAME content does not lift it
    site.page("revised.md", "# 退回\n")
    site.sign("revised.md", "first")
    site.sign("revised.md", "first", by="chief2", decision="revise", opinion="请补充落款")
    site.sign("revised.md", "first")
    site.sign("revised.md", "second")
    site.sign("revised.md", "final")
    # 5. wrong role: a site admin signs the section chief's stage
    site.page("wrong-role.md", "# 角色\n")
    site.sign("wrong-role.md", "first", by="webadmin1")
    site.sign("wrong-role.md", "second", by="secrecy1")
    site.sign("wrong-role.md", "final")
    # 6. the author signs their own page
    site.page("own.md", "# 自审\n", author="chief1")
    site.sign("own.md", "first", by="chief1")
    site.sign("own.md", "second")
    site.sign("own.md", "final")
    # 7. one person signs two stages of one page
    site.page("twice.md", "# 两环节\n", classification="important")
    for stage in ("first", "second"):
        site.sign("twice.md", stage)
    site.sign("twice.md", "final", by="principal1")
    site.sign("twice.md", "principal", by="principal1")
    # 8. stages signed out of order
    site.page("order.md", "# 顺序\n")
    site.sign("order.md", "second")
    site.sign("order.md", "first")
    site.sign("order.md", "final")
    # 9. the signer left office before signing (valid_until)
    site.page("expired.md", "# 离任\n")
    site.sign("expired.md", "first", by="chief2")
    site.sign("expired.md", "second")
    site.sign("expired.md", "final")
    # 10. a signer who is not in the roster
    site.page("stranger.md", "# 名册外\n")
    site.sign("stranger.md", "first", by="nobody9")
    site.sign("stranger.md", "second")
    site.sign("stranger.md", "final")
    # 11. a stage the policy does not define
    site.page("bogus-stage.md", "# 环节\n")
    site.approve("bogus-stage.md")
    site.sign("bogus-stage.md", "bogus", by="chief2")
    # 12. attachment swapped after approval
    site.write("content/files/swap.txt", "附件第一版\n")
    site.page("swap.md", "# 附件\n\n见[附件](files/swap.txt)。\n")
    site.approve("swap.md")
    site.write("content/files/swap.txt", "附件第二版\n")
    # 13. a linked attachment that does not exist
    site.page("gone.md", "# 缺附件\n\n见[附件](files/gone.txt)。\n")
    site.approve("gone.md")

    result = site.build()

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert published_files(site) == []
    found = refusals(result.stderr)
    assert "index.md" not in found
    expected = {
        "missing.md": ["approval.missing", "初审初校（first）", "复审复校（second）", "终审终校（final）", "尚无签核"],
        "stale.md": ["approval.stale", "签核后内容已改动"],
        "rejected.md": ["approval.sent_back", "不同意发布"],
        "revised.md": ["approval.sent_back", "chief2"],
        "wrong-role.md": ["approval.invalid", "不具备本环节所需角色：科室负责人", "webadmin1"],
        "own.md": ["拟稿人不能审核自己的稿件"],
        "twice.md": ["一人不能签两个环节", "principal1"],
        "order.md": ["签核顺序错误"],
        "expired.md": ["不在任职有效期内", "chief2"],
        "stranger.md": ["签核人 nobody9 不在审核人员名册中"],
        "bogus-stage.md": ["approval.unknown_stage", "bogus"],
        "swap.md": ["approval.stale"],
        "gone.md": ["引用的本地文件不存在：files/gone.txt"],
    }
    assert set(found) == set(expected), result.stderr
    for path, needles in expected.items():
        for needle in needles:
            assert needle in found[path], f"{path}: {needle!r} missing from\n{found[path]}"
    # every missing stage is listed on its own line, not only the first one
    assert len(re.findall(r"approval\.(missing|stale)", found["missing.md"] + found["stale.md"])) == 6
    assert "12 个文件未获准发布" in result.stderr or "13 个文件未获准发布" in result.stderr


def test_failed_build_removes_a_previous_good_site(site: Site) -> None:
    """CI may publish whatever site/ holds: a refused build must not leave the last one there."""
    site.page("index.md", "# 首页\n\n欢迎访问。\n")
    site.approve("index.md")
    assert site.build().returncode == 0
    assert "index.html" in published_files(site)
    site.page("late.md", "# 新稿\n")
    result = site.build()
    assert result.returncode != 0
    assert "late.md" in result.stderr
    assert published_files(site) == []
    # refused in on_config, before MkDocs itself cleans site_dir: on_build_error must do it
    site.approve("late.md")
    assert site.build().returncode == 0
    site.extra_config = "markdown_extensions:\n  - pymdownx.snippets\n"
    site.write_config()
    result = site.build()
    assert result.returncode != 0 and "pymdownx.snippets" in result.stderr
    assert published_files(site) == []


def test_file_not_linked_by_any_page_is_refused(site: Site) -> None:
    site.page("index.md", "# 首页\n")
    site.approve("index.md")
    site.write("content/raw.html", "<p>ZZQX7731独有词</p>\n")
    site.write("content/data/list.json", '{"a": 1}\n')
    result = site.build()
    assert result.returncode != 0
    found = refusals(result.stderr)
    assert "approval.unlinked_file" in found["raw.html"]
    assert "approval.unlinked_file" in found["data/list.json"]
    assert published_files(site) == []


def test_report_dir_inside_site_dir_is_refused(site):
    site.page("index.md", "首页\n")
    site.approve("index.md")
    site.write_config(report_dir="site/audit")
    result = site.build()
    assert result.returncode != 0 and "report_dir" in result.stderr


def test_failed_build_still_writes_the_audit_report(site):
    import json  # noqa: PLC0415

    site.page("index.md", "首页\n")
    site.write_config(report_dir="audit")
    result = site.build()
    assert result.returncode != 0
    report = json.loads((site.root / "audit" / "govgate-report.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "failed" and report["pages"][0]["missing"] == ["first", "second", "final"]
