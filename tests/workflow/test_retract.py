"""`govgate retract` (应急处置): a leak found after publication comes down with a signed record.

Real repositories, real SSH keys, real signed commits, the real pre-commit framework and a real
`mkdocs build`.  The attacks: a retraction nobody verifiably made, a revoked reviewer's key, and an
editor who deletes the retraction to put the page back online with its old sign-offs.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from mkdocs_govgate.evidence.gitobjects import ObjectReader
from mkdocs_govgate.evidence.retraction import withdrawal_payload
from mkdocs_govgate.page import Page
from mkdocs_govgate.pagewrite import atomic_write
from mkdocs_govgate.signer import Refused

from .queuekit import BIN, Workflow, gnupghome, isolated_home, keyfolder, keys, page_text, roster_yaml  # noqa: F401
from .queuekit import site as site  # noqa: F401

LEAK = "机密★1年\n\n关于某某事项的内部安排。"
REASON = "发现含有涉密信息"
PRE_COMMIT_CONFIG = (
    "repos:\n  - repo: local\n    hooks:\n      - id: govgate\n        name: govgate\n"
    "        entry: govgate-pre-commit\n        language: system\n"
    "        files: ^(content/|signoffs/|mkdocs\\.ya?ml$)\n        require_serial: true\n")


@pytest.fixture
def leak_site(site: Workflow) -> Workflow:
    """index.md and leak.md approved and published; leak.md alone links files/leak-annex.txt."""
    site.repo.write("content/files/leak-annex.txt", "附件：工作安排表\n")
    site.repo.write("content/files/shared.txt", "两页共用的附件\n")
    site.add_page("index.md", page_text("首页", "# 首页\n\n[共用附件](files/shared.txt)\n\n[通知](leak.md)\n"))
    site.add_page("leak.md", page_text("关于某某事项的通知", "# 通知\n\n正文。\n\n[附件](files/leak-annex.txt) "
                                       "[共用附件](files/shared.txt)\n"))
    for page in ("a.md", "index.md", "leak.md"):
        site.approve_all(page)
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert (site.root / "site" / "leak" / "index.html").is_file()
    assert (site.root / "site" / "files" / "leak-annex.txt").is_file()
    return site


def install_pre_commit(site: Workflow) -> None:
    site.repo.write(".pre-commit-config.yaml", PRE_COMMIT_CONFIG)
    site.repo.commit("pre-commit", signer="root1")     # configuration: an admin commits it (issue #11)
    result = site.run(str(BIN / "pre-commit"), "install")
    assert result.returncode == 0, result.stderr


def plant_leak(site: Workflow) -> None:
    """The editor adds classified text to the published page and gets it past the client hook."""
    path = "content/leak.md"
    site.repo.write(path, site.repo.read(path).replace("正文。", LEAK))
    site.repo.git("add", path)
    refused = site.run("git", "commit", "-q", "-m", "补充内容")
    assert refused.returncode != 0 and "secret.marking" in refused.stdout + refused.stderr   # the hook is live
    assert site.run("git", "commit", "-q", "--no-verify", "-m", "补充内容").returncode == 0


def head(site: Workflow) -> str:
    return site.repo.git("rev-parse", "HEAD")


def retract(site: Workflow, page: str = "content/leak.md", signer: str | None = "webadmin1", reason: str = REASON,
            *extra: str) -> subprocess.CompletedProcess:
    return site.govgate("retract", page, "--reason", reason, *extra, signer=signer)


def test_a_leak_comes_down_and_the_next_build_publishes_the_rest(leak_site: Workflow) -> None:
    site = leak_site
    install_pre_commit(site)
    plant_leak(site)
    failed = site.build()
    assert failed.returncode != 0 and "secret.marking" in failed.stderr
    before, head_before = (site.root / "content/leak.md").read_bytes(), head(site)

    result = retract(site)          # through the real pre-commit hook, with the secret still in the page
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已撤下 content/leak.md" in result.stdout

    # one signed commit holding only the page, its trailers stating what was done
    assert site.repo.git("rev-list", "--count", f"{head_before}..HEAD") == "1"
    assert site.repo.git("show", "--format=", "--name-only", "HEAD") == "content/leak.md"
    with ObjectReader(site.root) as reader:
        commit = reader.commit(head(site))
    assert commit.signature is not None
    assert "Govgate-Page: content/leak.md" in commit.message and "Govgate-Decision: withdraw" in commit.message
    assert "Govgate-By: webadmin1" in commit.message and f"Govgate-Reason: {REASON}" in commit.message

    # byte for byte the old file plus the record at the end of the front-matter
    after = (site.root / "content/leak.md").read_bytes()
    cut = before.index(b"\n---\n", 4) + 1
    added = after[cut:len(after) - (len(before) - cut)]
    assert after[:cut] == before[:cut] and after[cut + len(added):] == before[cut:]
    assert added.startswith(b"withdrawn:\n  at: ") and b"  by: webadmin1\n" in added
    assert b"-----BEGIN SSH SIGNATURE-----" in added
    record = Page.from_bytes("leak.md", after).meta["withdrawn"]
    assert record["by"] == "webadmin1" and record["reason"] == REASON

    built = site.build()
    assert built.returncode == 0, built.stderr
    out = site.root / "site"
    assert (out / "index.html").is_file() and (out / "a" / "index.html").is_file()
    assert (out / "files" / "shared.txt").is_file()                         # still linked by index.md
    assert not (out / "leak").exists() and not (out / "files" / "leak-annex.txt").exists()
    text = site.site_text()
    assert "机密" not in text and "关于某某事项的通知" not in text
    assert "leak" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "leak" not in (out / "search" / "search_index.json").read_text(encoding="utf-8")
    assert 'href="leak/' not in (out / "index.html").read_text(encoding="utf-8")   # nav and the link in index.md

    entry = next(p for p in site.report()["pages"] if p["path"] == "leak.md")
    retired = entry["retired"]
    assert (retired["kind"], retired["by"], retired["reason"], retired["verified"]) == (
        "withdrawn", "webadmin1", REASON, True)
    assert dt.datetime.fromisoformat(retired["at"]).tzinfo is not None

    check = site.govgate("check")
    assert check.returncode == 0, check.stdout + check.stderr
    line = next(x for x in check.stdout.splitlines() if x.startswith("leak.md: [已撤下]"))
    assert "webadmin1" in line and REASON in line and retired["at"] in line and "已验证" in line
    data = json.loads(site.govgate("check", "--format", "json").stdout)
    assert next(p for p in data["pages"] if p["path"] == "leak.md")["retired"]["verified"] is True


def test_retracting_twice_says_so_and_changes_nothing(leak_site: Workflow) -> None:
    assert retract(leak_site).returncode == 0
    before, head_before = (leak_site.root / "content/leak.md").read_bytes(), head(leak_site)
    again = retract(leak_site, signer="chief1", reason="再撤一次")
    assert again.returncode == 1
    assert "已经撤下" in again.stderr and REASON in again.stderr and "webadmin1" in again.stderr
    english = retract(leak_site, "content/leak.md", "chief1", "again", "--lang", "en")
    assert "already withdrawn" in english.stderr
    assert (leak_site.root / "content/leak.md").read_bytes() == before and head(leak_site) == head_before


@pytest.mark.parametrize("who", ["mallory", None])
def test_only_a_roster_person_with_a_key_may_retract(leak_site: Workflow, who: str | None) -> None:
    before, head_before = (leak_site.root / "content/leak.md").read_bytes(), head(leak_site)
    result = retract(leak_site, signer=who)
    assert result.returncode == 1
    assert ("没有登记在审核人员名册中" if who else "user.signingkey") in result.stderr
    assert (leak_site.root / "content/leak.md").read_bytes() == before and head(leak_site) == head_before


def test_any_roster_role_may_retract_even_an_editor(leak_site: Workflow) -> None:
    result = retract(leak_site, signer="editor1")
    assert result.returncode == 0, result.stderr
    check = json.loads(leak_site.govgate("check", "--format", "json").stdout)
    assert next(p for p in check["pages"] if p["path"] == "leak.md")["retired"]["verified"] is True


def test_uncommitted_changes_and_a_missing_reason_are_refused(leak_site: Workflow) -> None:
    path = leak_site.root / "content/leak.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n未提交的修改\n", encoding="utf-8")
    result = retract(leak_site)
    assert result.returncode == 1 and "未提交的改动" in result.stderr
    assert path.read_text(encoding="utf-8").endswith("未提交的修改\n")            # the editor's work is kept
    leak_site.repo.git("checkout", "--", "content/leak.md")
    blank = retract(leak_site, reason="   ")
    assert blank.returncode == 1 and "原因" in blank.stderr


def test_a_failed_commit_restores_the_file(leak_site: Workflow) -> None:
    before, head_before = (leak_site.root / "content/leak.md").read_bytes(), head(leak_site)
    signer = leak_site.root / ".git/failing-signer"   # retract runs no git hooks: the signing program fails instead
    signer.write_text("#!/bin/sh\necho 拒绝 >&2\nexit 1\n")
    signer.chmod(0o755)
    leak_site.repo.git("config", "gpg.ssh.program", str(signer))
    result = retract(leak_site)
    assert result.returncode == 1 and "文件已恢复原样" in result.stderr
    assert (leak_site.root / "content/leak.md").read_bytes() == before and head(leak_site) == head_before


def test_byte_preserving_on_crlf_bom_and_comments(site: Workflow) -> None:
    text = ("---\r\n# 注释要保留\r\ntitle: '关于“春节”的通知'   # 行尾注释\r\ndate: 2025-01-09\r\ncolumn: 通知公告\r\n"
            "unit: 县应急管理局\r\nauthor: editor1\r\nclassification: general\r\ntags: [a,   b]\r\n# 尾部注释\r\n"
            "---\r\n正文 **不变**\r\n")
    raw = b"\xef\xbb\xbf" + text.encode("utf-8")
    (site.root / "content/tricky.md").write_bytes(raw)
    site.repo.commit("格式特殊的页面", signer=None)
    assert retract(site, "content/tricky.md").returncode == 0
    after = (site.root / "content/tricky.md").read_bytes()
    cut = raw.index(b"---\r\n\xe6\xad\xa3")          # the closing line of the front-matter
    assert after[:cut] == raw[:cut] and after.endswith(raw[cut:])
    added = after[cut:len(after) - (len(raw) - cut)]
    assert added.startswith(b"withdrawn:\r\n  at: ") and b"\n" not in added.replace(b"\r\n", b"")


def test_atomic_write_refuses_a_file_changed_under_it(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"old")
    expected = path.read_bytes()
    path.write_bytes(b"changed by someone else")
    with pytest.raises(Refused):
        atomic_write(path, b"new", expected)
    assert path.read_bytes() == b"changed by someone else"


# -- attacks ------------------------------------------------------------------------------------------

def hand_written_record(site: Workflow, page: str, by: str, signer_key: str | None, at: dt.datetime,
                        reason: str = "我撤的") -> None:
    """A `withdrawn:` record written without `govgate retract`, optionally signed with someone's key file."""
    lines = ["withdrawn:", f"  at: {at.isoformat()}", f"  by: {by}", f"  reason: {reason}"]
    if signer_key is not None:
        payload = site.root / "payload"
        payload.write_bytes(withdrawal_payload(page, at, by, reason))
        subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "govgate", "-f", signer_key, str(payload)],
                       check=True, capture_output=True)
        signature = Path(str(payload) + ".sig").read_text()
        payload.unlink()
        Path(str(payload) + ".sig").unlink()
        lines.append("  signature: |")
        lines += [f"    {line}" for line in signature.strip().splitlines()]
    path = f"content/{page}"
    text = site.repo.read(path)
    end = text.index("\n---\n", 4) + 1
    site.repo.write(path, text[:end] + "\n".join(lines) + "\n" + text[end:])
    site.repo.commit("手工撤稿", signer=None)


def withdrawn_entry(site: Workflow, page: str = "leak.md") -> tuple[dict, list[dict]]:
    data = json.loads(site.govgate("check", "--format", "json").stdout)
    entry = next(p for p in data["pages"] if p["path"] == page)
    return entry["retired"], [f for f in data["findings"] if f["path"] == page and f["rule"].endswith("unverified")]


@pytest.mark.parametrize("forger", ["unsigned", "mallory", "chief1-as-webadmin1"])
def test_a_hand_written_withdrawal_takes_the_page_down_but_is_flagged(leak_site: Workflow, forger: str) -> None:
    site = leak_site
    repo_keys = site.repo.keys
    key = {"unsigned": None, "mallory": repo_keys["mallory"].signing,
           "chief1-as-webadmin1": repo_keys["chief1"].signing}[forger]
    hand_written_record(site, "leak.md", "webadmin1", key, dt.datetime.now().astimezone().replace(microsecond=0))
    built = site.build()
    assert built.returncode == 0, built.stderr
    assert not (site.root / "site" / "leak").exists()                       # fail safe: offline all the same
    retired, warnings = withdrawn_entry(site)
    assert retired["verified"] is False and retired["by"] == "webadmin1"
    assert len(warnings) == 1 and warnings[0]["severity"] == "warn" and "webadmin1" in warnings[0]["message"]
    if forger == "chief1-as-webadmin1":
        assert "chief1" in warnings[0]["message"]                              # it says whose key signed it
    check = site.govgate("check")
    assert "撤稿记录未经验证" in check.stdout and "未经验证的撤稿记录（署名 webadmin1）" in check.stdout
    status = site.govgate("status")
    assert "未验证！" in status.stdout
    report = next(p for p in site.report()["pages"] if p["path"] == "leak.md")
    assert report["retired"]["verified"] is False


def test_a_revoked_reviewer_cannot_retract_and_their_record_does_not_verify(leak_site: Workflow) -> None:
    site = leak_site
    repo_keys = site.repo.keys
    site.repo.write("signoffs/reviewers.yml", roster_yaml(repo_keys, {"webadmin1": {"valid_until": "2025-01-31"}}))
    site.repo.commit("网管甲调任", signer="root1")
    refused = retract(site)
    assert refused.returncode == 1 and "授权有效期" in refused.stderr
    # with the old key in hand, the record is signed directly
    hand_written_record(site, "leak.md", "webadmin1", repo_keys["webadmin1"].signing,
                        dt.datetime.now().astimezone().replace(microsecond=0))
    retired, warnings = withdrawn_entry(site)
    assert retired["verified"] is False and len(warnings) == 1 and "有效期" in warnings[0]["message"]


def test_deleting_the_retraction_does_not_republish_with_the_old_sign_offs(leak_site: Workflow) -> None:
    """The digest ignores `signoffs` but covers `withdrawn`; deleting the record restores the digest the
    old sign-offs were bound to.  A retraction must void them: only a new review brings the page back."""
    site = leak_site
    assert retract(site, "content/a.md").returncode == 0
    site.repo.git("revert", "--no-edit", "HEAD")                 # the editor deletes the record, byte for byte
    page = Page.load(site.root / "content", "a.md")
    from mkdocs_govgate.digest import page_digest
    assert all(s.digest == page_digest(page, site.root / "content") for s in page.signoffs)   # the hole's premise

    built = site.build()
    assert built.returncode != 0 and "a.md" in built.stderr and "撤下" in built.stderr
    assert not (site.root / "site" / "a").exists()
    queue = site.status_json()
    entry = next(p for p in queue["pages"] if p["path"] == "a.md")
    assert entry["group"] == "stale" and entry["approved"] is False
    assert [s["status"] for s in entry["stages"]][0] == "stale"
    assert any(REASON in r for r in entry["stages"][0]["reasons"])
    # unrelated pages keep their approvals
    assert next(p for p in queue["pages"] if p["path"] == "index.md")["group"] == "published"

    site.approve_all("a.md")                                       # a new review brings it back
    rebuilt = site.build()
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (site.root / "site" / "a" / "index.html").is_file()


def test_deleting_the_retraction_in_inline_mode_does_not_republish_either(site: Workflow) -> None:
    policy = site.repo.read("signoffs/policy.yml").replace("evidence: history", "evidence: inline")
    site.repo.write("signoffs/policy.yml", policy)
    assert site.govgate("seal", signer="root1").returncode == 0      # inline mode: the admin seals the configuration
    site.repo.commit("内嵌签名模式", signer="root1")
    site.approve_all("a.md")
    assert site.build().returncode == 0
    assert retract(site, "content/a.md").returncode == 0
    site.repo.git("revert", "--no-edit", "HEAD")
    built = site.build()
    assert built.returncode != 0 and "a.md" in built.stderr
    assert next(p for p in site.status_json()["pages"] if p["path"] == "a.md")["group"] == "stale"


def test_the_memory_of_retractions_is_cached_and_survives_moved_rewritten_or_garbled_caches(
        leak_site: Workflow) -> None:
    """The ledger remembers the retract commits up to the HEAD it saw (`.govgate-cache/retractions.json`,
    trusted like the evidence cache); a moved or rewritten HEAD, or a garbled file, never makes it forget one."""
    from mkdocs_govgate.evidence.retraction import RetractionLedger

    site = leak_site
    cache = site.root / ".govgate-cache"
    assert retract(site, "content/a.md").returncode == 0
    first = RetractionLedger.from_repo(site.root / "content", cache)
    assert len(first.voided) == 3 and (cache / "retractions.json").is_file()
    site.repo.git("revert", "--no-edit", "HEAD")                              # HEAD moves on: read only what is new
    assert RetractionLedger.from_repo(site.root / "content", cache).voided == first.voided
    site.repo.git("commit", "--amend", "-q", "-m", "改写历史")                 # the cached HEAD is no ancestor now
    assert RetractionLedger.from_repo(site.root / "content", cache).voided == first.voided
    for junk in ("not json", "[]", '{"version": 2, "head": "x", "retractions": []}',
                 json.dumps({"version": 1, "head": head(site), "retractions": [["too", "short"]]})):
        (cache / "retractions.json").write_text(junk, encoding="utf-8")
        assert RetractionLedger.from_repo(site.root / "content", cache).voided == first.voided
