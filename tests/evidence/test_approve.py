"""`govgate approve|revise|reject`: refusals, byte-for-byte writing, one signed commit."""

from __future__ import annotations

from kit import forge

from mkdocs_govgate.evidence.gitobjects import ObjectReader
from mkdocs_govgate.evidence.trailers import parse_trailer
from mkdocs_govgate.page import Page

TRICKY = """\
---
# 注释要保留
title: '关于“春节”的通知'   # 行尾注释
date: 2024-01-09
column: 通知公告
unit: 县应急管理局
author: editor1
classification: general
tags: [a,   b]
signoffs:
    -   stage: first
        by: chief1
        decision: revise
        opinion: "请补充：时间"
        at: 2024-01-09T10:12:00+08:00
        digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
# 尾部注释
---
正文 **不变**\r
"""


def test_refusals_are_clear(repo, capsys):
    assert repo.approve("content/a.md", "first", "mallory") == 1
    assert "not registered in the reviewer roster" in capsys.readouterr().err
    assert repo.approve("content/a.md", "first", "webadmin1") == 1
    assert "lacks the role" in capsys.readouterr().err
    assert repo.approve("content/a.md", "second", "webadmin1") == 1
    assert "earlier stage first" in capsys.readouterr().err
    assert repo.approve("content/a.md", "first", "editor1") == 1
    err = capsys.readouterr().err
    assert "lacks the role" in err or "author" in err
    assert repo.approve("content/a.md", "nosuch", "chief1") == 1
    assert "no stage 'nosuch'" in capsys.readouterr().err
    repo.write("content/a.md", repo.read("content/a.md") + "\n未提交的修改\n")
    assert repo.approve("content/a.md", "first", "chief1") == 1
    assert "uncommitted changes" in capsys.readouterr().err


def test_refusal_in_chinese_by_default(repo, capsys):
    assert repo.approve("content/a.md", "first", "mallory", lang="zh") == 1
    assert "没有登记在审核人员名册中" in capsys.readouterr().err


def test_author_may_not_sign(repo, keys, capsys):
    from kit import roster_yaml

    repo.write("signoffs/reviewers.yml", roster_yaml(keys, {"editor1": {"roles": ["editor", "section_chief"]}}))
    repo.commit("editor1 also section chief", signer="root1")
    assert repo.approve("content/a.md", "first", "editor1") == 1
    assert "author may not sign" in capsys.readouterr().err


def test_one_person_one_stage(repo, keys, capsys):
    from kit import roster_yaml

    repo.write("signoffs/reviewers.yml", roster_yaml(keys, {"chief1": {"roles": ["section_chief", "site_admin"]}}))
    repo.commit("chief1 two roles", signer="root1")
    assert repo.approve("content/a.md", "first", "chief1") == 0
    assert repo.approve("content/a.md", "second", "chief1") == 1
    assert "already signed another stage" in capsys.readouterr().err


def test_page_failing_content_rules_cannot_be_approved_but_can_be_sent_back(repo, capsys):
    repo.write("content/a.md", repo.read("content/a.md").replace("请做好安全生产工作。", "本件为绝密★5年文件，请勿外传。"))
    repo.commit("secret", signer=None)
    assert repo.approve("content/a.md", "first", "chief1") == 1
    assert "content checks" in capsys.readouterr().err
    assert repo.approve("content/a.md", "first", "chief1", action="revise", opinion="涉密，删除") == 0


def test_entry_is_spliced_byte_for_byte_and_committed_alone(repo):
    repo.write("content/a.md", TRICKY)
    (repo.root / "content/a.md").write_bytes(TRICKY.replace("\n", "\r\n").encode())
    repo.commit("tricky formatting", signer=None)
    before = (repo.root / "content/a.md").read_bytes()
    head_before = repo.git("rev-parse", "HEAD")
    assert repo.approve("content/a.md", "first", "chief1", opinion="同意: 可以发布 # 不是注释") == 0
    after = (repo.root / "content/a.md").read_bytes()
    assert after.startswith(before[:before.index(b"# \xe5\xb0\xbe")])          # everything before the insertion
    assert after.endswith(before[before.index(b"# \xe5\xb0\xbe"):])            # everything after it
    added = after[len(before[:before.index(b"# \xe5\xb0\xbe")]):len(after) - len(before[before.index(b"# \xe5\xb0\xbe"):])]
    assert added.startswith(b"    -   stage: first\r\n") or added.startswith(b"    - stage: first\r\n")
    page = Page.from_bytes("a.md", after)
    assert [s.opinion for s in page.signoffs] == ["请补充：时间", "同意: 可以发布 # 不是注释"]
    assert repo.git("rev-list", "--count", f"{head_before}..HEAD") == "1"
    assert repo.git("show", "--format=", "--name-only", "HEAD") == "content/a.md"
    with ObjectReader(repo.root) as reader:
        commit = reader.commit(repo.git("rev-parse", "HEAD"))
    assert commit.signature is not None
    trailer = parse_trailer(commit.message)
    assert (trailer.page, trailer.stage, trailer.by, trailer.decision) == ("content/a.md", "first", "chief1", "approve")
    assert trailer.digest == page.signoffs[-1].digest
    assert repo.problems()["first#1"] == []


def test_failed_commit_restores_the_file(repo):
    before = repo.read("content/a.md")
    signer = repo.root / ".git/failing-signer"        # approve runs no git hooks: the signing program fails instead
    signer.write_text("#!/bin/sh\nexit 1\n")
    signer.chmod(0o755)
    repo.git("config", "gpg.ssh.program", str(signer))
    assert repo.approve("content/a.md", "first", "chief1") == 1
    assert repo.read("content/a.md") == before


def test_revise_then_approve_new_content(repo):
    assert repo.approve("content/a.md", "first", "chief1", action="revise", opinion="请修改标题") == 0
    assert not repo.verdict().approved
    repo.write("content/a.md", repo.read("content/a.md").replace("请做好安全生产工作。", "请切实做好安全生产工作。"))
    repo.commit("revised", signer=None)
    assert repo.approve("content/a.md", "first", "chief1") == 0
    assert repo.problems() == {"first#0": [], "first#1": []}


def test_forge_helper_matches_approve(repo):
    forge(repo, "first", "chief1", signer="chief1")
    assert repo.problems() == {"first#0": []}


def test_signoff_time_is_in_the_sites_time_zone_not_the_machines(repo, monkeypatch):
    """A CI runner or a laptop set to another zone still stamps 青岚县's time (policy timezone, default Asia/Shanghai)."""
    import time  # noqa: PLC0415

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert repo.approve("content/a.md", "first", "chief1") == 0
    finally:
        monkeypatch.undo()
        time.tzset()
    at = Page.from_bytes("a.md", (repo.root / "content/a.md").read_bytes()).signoffs[-1].at
    assert str(at).endswith("+08:00"), at


def test_policy_timezone_setting():
    import pytest  # noqa: PLC0415

    from mkdocs_govgate.errors import GateError  # noqa: PLC0415
    from mkdocs_govgate.policy import Policy  # noqa: PLC0415

    base = ("roles: {chief: 科长}\nstages:\n  first: {title: 初审, roles: [chief]}\n"
            "classifications: {general: [first]}\n")
    assert Policy.from_text(base, "p.yml").timezone == "Asia/Shanghai"
    assert Policy.from_text(base + "timezone: Asia/Urumqi\n", "p.yml").now().utcoffset().total_seconds() == 6 * 3600
    with pytest.raises(GateError) as caught:
        Policy.from_text(base + "timezone: Beijing\n", "p.yml")
    assert "IANA" in caught.value.render("zh") and caught.value.line == 5


def test_a_private_key_others_can_read_gets_the_chmod_hint(repo, keys, capsys):
    """A clone or copy checks a key out 0644 and ssh-keygen refuses it: say the one command that fixes it."""
    import os  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    private = Path(keys["chief1"].signing)
    os.chmod(private, 0o644)
    try:
        assert repo.approve("content/a.md", "first", "chief1") == 1
        assert f"chmod 600 {private}" in capsys.readouterr().err
    finally:
        os.chmod(private, 0o600)
