"""`govgate status`: the review queue of a real site in history mode, every state a page can be in.

Sign-offs are real signed commits made by `govgate approve`; the retraction is a real `govgate
retract`; `--mine` finds the person from git's configured signing key, as `approve` does.
"""

from __future__ import annotations

import re

import pytest

from mkdocs_govgate.safetext import width

from .queuekit import Workflow, gnupghome, isolated_home, keyfolder, keys, page_text, roster_yaml  # noqa: F401
from .queuekit import site as site  # noqa: F401

NAMES = {"editor1": "编辑甲", "chief1": "科长甲", "chief2": "科长乙", "webadmin1": "网管甲", "deputy1": "副县长甲",
         "principal1": "县长甲", "root1": "管理员甲", "root2": "管理员乙"}
GROUP_HEADINGS = ["待我签", "退回修改", "已过期签核", "待审", "已发布", "已撤下"]


def named_roster(repo_keys, overrides=None) -> str:
    text = roster_yaml(repo_keys, overrides)
    for pid, name in NAMES.items():
        text = text.replace(f"    name: {pid}\n", f"    name: {name}\n")
    return text


@pytest.fixture
def queue_site(site: Workflow) -> Workflow:
    """Pages in every state.  chief1 is section chief AND site admin (separation of duties matters)."""
    repo = site.repo
    repo.write("signoffs/reviewers.yml", named_roster(repo.keys, {"chief1": {"roles": ["section_chief", "site_admin"]}}))
    repo.commit("名册：中文姓名，科长甲兼任网站管理员", signer="root1")
    site.approve_all("a.md")                                                     # published
    site.add_page("new.md", page_text("新稿件待初审", "正文。\n"))                  # nothing signed yet
    site.add_page("back.md", page_text("标题有误的通知", "正文。\n"))
    site.approve("back.md", ("first", "chief2"), action="revise", opinion="标题有误，请修改")   # sent back
    site.add_page("stale.md", page_text("改过的通知", "原文。\n"))
    site.approve("stale.md", ("first", "chief2"))
    repo.write("content/stale.md", repo.read("content/stale.md").replace("原文。", "原文，签核后又改了。"))   # edited
    repo.commit("签核后修改", signer=None)
    site.add_page("half.md", page_text("初审已过的通知", "正文。\n"))
    site.approve("half.md", ("first", "chief1"))                                 # second open: not for chief1
    site.add_page("own.md", page_text("科长乙自己写的稿", "正文。\n", author="chief2"))
    site.add_page("secret.md", page_text("含密级标志的稿件", "机密★1年\n\n关于某某事项的内部安排。\n"))
    site.add_page("old.md", page_text("过期的通知", "正文。\n").replace("classification:", "expires: 2024-05-31\n"
                                                                     "classification:"))   # 废止: expired
    site.add_page("gone.md", page_text("已撤下的通知", "正文。\n"))
    site.approve_all("gone.md")
    result = site.govgate("retract", "content/gone.md", "--reason", "发现含有涉密信息", signer="webadmin1")
    assert result.returncode == 0, result.stderr
    return site


def sections(text: str) -> dict[str, str]:
    """Heading (without the count) → the text of that group's table."""
    parts = re.split(r"^■ ", text, flags=re.MULTILINE)
    return {re.split(r"[（(]", part, maxsplit=1)[0].strip(): part for part in parts[1:]}


def test_every_state_in_json(queue_site: Workflow) -> None:
    data = queue_site.status_json()
    assert set(data) == {"schema", "me", "summary", "pages"} and data["schema"] == "govgate-status/1"
    assert data["me"] is None                                       # no signing key configured
    pages = {p["path"]: p for p in data["pages"]}
    assert list(pages) == sorted(pages)
    assert {path: p["group"] for path, p in pages.items()} == {
        "a.md": "published", "back.md": "sent_back", "gone.md": "retired", "half.md": "pending",
        "new.md": "pending", "old.md": "retired", "own.md": "pending", "secret.md": "pending", "stale.md": "stale"}
    assert data["summary"] == {"total": 9, "mine": 0, "sent_back": 1, "stale": 1, "pending": 4, "published": 1,
                               "retired": 2}
    for page in pages.values():
        assert set(page) == {"path", "title", "classification", "group", "approved", "findings", "stages",
                             "problems", "retired"}

    published = pages["a.md"]
    assert published["approved"] is True and published["classification"] == "general"
    assert [(s["stage"], s["status"], s["signoff"]["by"], s["signoff"]["name"]) for s in published["stages"]] == [
        ("first", "approved", "chief1", "科长甲"), ("second", "approved", "webadmin1", "网管甲"),
        ("final", "approved", "principal1", "县长甲")]
    assert all(s["signoff"]["at"].startswith("20") and s["signoff"]["current"] for s in published["stages"])

    back = pages["back.md"]["stages"][0]
    assert back["status"] == "sent_back"
    assert back["signoff"] | {"at": None} == {"by": "chief2", "name": "科长乙", "decision": "revise",
                                              "opinion": "标题有误，请修改", "at": None, "current": True}

    stale = pages["stale.md"]["stages"][0]
    assert stale["status"] == "stale" and stale["signoff"]["by"] == "chief2" and stale["signoff"]["current"] is False
    assert any("改动" in r for r in stale["reasons"])

    new = pages["new.md"]["stages"]
    assert [s["status"] for s in new] == ["missing", "missing", "missing"]
    assert [w["id"] for w in new[0]["eligible"]] == ["chief1", "chief2"]
    assert {w["name"] for w in new[1]["eligible"]} == {"科长甲", "网管甲"}
    # separation of duties: chief1 signed the first stage, so only webadmin1 may sign the second
    assert [w["id"] for w in pages["half.md"]["stages"][1]["eligible"]] == ["webadmin1"]
    # the author is never eligible
    assert [w["id"] for w in pages["own.md"]["stages"][0]["eligible"]] == ["chief1"]

    assert pages["secret.md"]["findings"]["block"] >= 1 and pages["a.md"]["findings"]["block"] == 0

    gone = pages["gone.md"]
    assert gone["retired"]["kind"] == "withdrawn" and gone["retired"]["by"] == "webadmin1"
    assert gone["retired"]["name"] == "网管甲" and gone["retired"]["reason"] == "发现含有涉密信息"
    assert gone["retired"]["verified"] is True and gone["retired"]["at"].startswith("20")
    old = pages["old.md"]["retired"]
    assert (old["kind"], old["since"], old["verified"], old["by"]) == ("expired", "2024-05-31", None, "")


def test_text_groups_in_chinese_with_aligned_columns(queue_site: Workflow) -> None:
    result = queue_site.govgate("status")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    first_line = text.splitlines()[0]
    assert first_line.startswith("govgate 审核队列：共 9 页") and "退回修改 1" in first_line and "已撤下 2" in first_line
    groups = sections(text)
    assert list(groups) == [g for g in GROUP_HEADINGS if g != "待我签"]
    assert "back.md" in groups["退回修改"] and "标题有误，请修改" in groups["退回修改"] and "科长乙" in groups["退回修改"]
    assert "stale.md" in groups["已过期签核"] and "科长乙" in groups["已过期签核"]
    for path in ("new.md", "own.md", "secret.md", "half.md"):
        assert path in groups["待审"]
    assert "复审复校：网管甲" in groups["待审"]                         # half.md: who may sign the open stage
    assert "阻止" in groups["待审"]                                      # secret.md's content finding
    assert "a.md" in groups["已发布"] and "县长甲" in groups["已发布"]
    assert "gone.md" in groups["已撤下"] and "发现含有涉密信息" in groups["已撤下"] and "已验证" in groups["已撤下"]
    assert "old.md" in groups["已撤下"] and "已过期" in groups["已撤下"] and "2024-05-31" in groups["已撤下"]
    # columns line up by display width, Chinese titles included
    table = [line for line in groups["待审"].splitlines() if line.startswith("  ") and ".md" in line]
    offsets = {width(line[:line.index("一般")]) for line in table}
    assert len(table) == 4 and len(offsets) == 1


def test_text_in_english(queue_site: Workflow) -> None:
    result = queue_site.govgate("status", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("govgate review queue: 9 page(s)")
    groups = sections(result.stdout)
    assert list(groups) == ["sent back", "stale sign-offs", "in review", "published", "withdrawn or expired"]
    assert "second: webadmin1" in groups["in review"] and "verified" in groups["withdrawn or expired"]


@pytest.mark.parametrize(("person", "expected"), [
    ("chief2", {"new.md": ["first"], "stale.md": ["first"], "secret.md": ["first"]}),   # not own.md (author)
    ("chief1", {"new.md": ["first"], "stale.md": ["first"], "secret.md": ["first"], "own.md": ["first"]}),
    ("webadmin1", {"half.md": ["second"]}),
    ("principal1", {}),
])
def test_mine_lists_what_the_configured_key_may_sign(queue_site: Workflow, person: str, expected: dict) -> None:
    data = queue_site.status_json("--mine", signer=person)
    assert data["me"] == {"id": person, "name": NAMES[person]}
    mine = {p["path"]: [s["stage"] for s in p["stages"] if s["mine"]] for p in data["pages"]}
    assert mine == expected
    assert data["summary"]["mine"] == len(expected)
    text = queue_site.govgate("status", "--mine", signer=person).stdout
    if expected:
        assert "■ 待我签" in text and all(path in text for path in expected)
        assert "已发布" not in sections(text) and "a.md" not in text
    else:
        assert "没有等待你签核的页面" in text


def test_without_mine_the_signer_gets_a_group_of_their_own(queue_site: Workflow) -> None:
    data = queue_site.status_json(signer="chief2")
    groups = {p["path"]: p["group"] for p in data["pages"]}
    assert groups["new.md"] == groups["stale.md"] == groups["secret.md"] == "mine"
    assert groups["back.md"] == "sent_back" and groups["own.md"] == "pending"
    assert list(sections(queue_site.govgate("status", signer="chief2").stdout))[0] == "待我签"


def test_mine_without_a_registered_key_is_a_configuration_error(queue_site: Workflow) -> None:
    none = queue_site.govgate("status", "--mine")
    assert none.returncode == 2 and "user.signingkey" in none.stderr
    stranger = queue_site.govgate("status", "--mine", signer="mallory")
    assert stranger.returncode == 2 and "没有登记" in stranger.stderr


def test_paths_restrict_the_queue(queue_site: Workflow) -> None:
    data = queue_site.status_json("content/back.md", "content/new.md")
    assert [p["path"] for p in data["pages"]] == ["back.md", "new.md"]
    missing = queue_site.govgate("status", "content/nosuch.md")
    assert missing.returncode == 2


def test_configuration_error_exits_2(site: Workflow) -> None:
    (site.root / "signoffs" / "policy.yml").write_text("stages: [broken\n", encoding="utf-8")
    result = site.govgate("status")
    assert result.returncode == 2 and "policy.yml" in result.stderr


def test_display_width_and_control_characters() -> None:
    from mkdocs_govgate.safetext import truncate
    from mkdocs_govgate.terminal import render_table

    assert width("关于abc") == 7 and width("e\u0301") == 1 and width("ＡＢ") == 4
    assert truncate("关于做好春节期间安全生产工作的通知", 10) == "关于做好…" and width(truncate("关于做好春节期间", 9)) <= 9
    table = render_table(["页面", "标题"], [["a.md", "\x1b[2J清屏\r标题"], ["长长的路径.md", ["一", "二行"]]])
    assert "\x1b" not in table and "\r" not in table
    rows = table.splitlines()
    starts = [width(row[:row.index(cell)]) for row, cell in zip(rows[:1] + rows[2:], ["标题", "?[2J", "一", "二行"], strict=True)]
    assert len(rows) == 5 and len(set(starts)) == 1     # the second column starts at one display column


def test_a_crafted_title_cannot_drive_the_terminal(site: Workflow) -> None:
    site.add_page("esc.md", '---\ntitle: "\\e[2J\\e[31m假标题"\ndate: 2025-01-09\ncolumn: 通知公告\nunit: 县应急管理局\n'
                            'author: editor1\nclassification: general\n---\n正文。\n')
    result = site.govgate("status")
    assert result.returncode == 0, result.stderr
    assert "esc.md" in result.stdout and "\x1b" not in result.stdout and "假标题" in result.stdout
