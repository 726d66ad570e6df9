"""hooks/pre-receive on a real bare repository: real pushes of real signed commits.

The hook judges with the server's trust root and settings; what the pushed files say about
the gate (mkdocs.yml, on_unapproved) cannot weaken it, and client-side --no-verify cannot skip it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evidence"))

from kit import PAGE, Key, Repo, isolate_home, make_openpgp_key, make_ssh_key  # noqa: E402
from sitekit import BIN  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HOOK = ROOT / "hooks" / "pre-receive"


@pytest.fixture(scope="module")
def keyfolder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prereceive-keys")


@pytest.fixture(scope="module")
def gnupghome(keyfolder: Path) -> Path:
    home = keyfolder / "gnupg"
    home.mkdir(mode=0o700)
    return home


@pytest.fixture(scope="module")
def keys(keyfolder: Path, gnupghome: Path) -> dict[str, Key]:
    made = {name: make_ssh_key(keyfolder, name) for name in
            ("editor1", "chief1", "chief2", "webadmin1", "principal1", "root1", "root2", "mallory")}
    made["deputy1"] = make_openpgp_key(gnupghome, "deputy1")   # the server checks OpenPGP through gpgv too
    return made


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_home(tmp_path, monkeypatch, extra_path=BIN)   # the hook finds `govgate`


@pytest.fixture
def repo(tmp_path: Path, keys: dict[str, Key], gnupghome: Path) -> Repo:
    return Repo(tmp_path / "site", keys, gnupghome)


def make_server(tmp_path: Path, repo: Repo, **settings: str) -> Path:
    server = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(server)], check=True)
    shutil.copy2(HOOK, server / "hooks" / "pre-receive")
    config = {"govgate.trustRoot": f"{repo.root_commit}:{repo.keys['root1'].fingerprint}", **settings}
    for key, value in config.items():
        subprocess.run(["git", "-C", str(server), "config", key, value], check=True)
    return server


def push(repo: Repo, server: Path, *refspecs: str, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "push", *extra, str(server), *refspecs], cwd=repo.root, capture_output=True,
                          text=True, env={**os.environ, "GNUPGHOME": str(repo.gnupghome)}, timeout=300)


def server_ref(server: Path, ref: str = "refs/heads/main") -> str:
    return subprocess.run(["git", "-C", str(server), "rev-parse", "-q", "--verify", ref], capture_output=True,
                          text=True).stdout.strip()


def approve_all(repo: Repo, page: str = "content/a.md") -> None:
    for stage, signer in (("first", "chief1"), ("second", "webadmin1"), ("final", "deputy1")):
        assert repo.approve(page, stage, signer) == 0


def test_hook_file_is_an_executable_wrapper():
    assert os.access(HOOK, os.X_OK)
    assert "govgate" in HOOK.read_text() and "pre-receive" in HOOK.read_text()


def test_approved_content_is_accepted_and_unapproved_refused(tmp_path, repo):
    server = make_server(tmp_path, repo)
    refused = push(repo, server, "HEAD:refs/heads/main")          # new branch (old = 000…), page unapproved
    assert refused.returncode != 0
    assert "pre-receive hook declined" in refused.stderr
    assert "拒绝推送到 main" in refused.stderr and "approval.missing" in refused.stderr
    assert "a.md" in refused.stderr
    assert server_ref(server) == ""                                # nothing reached the server

    approve_all(repo)
    accepted = push(repo, server, "HEAD:refs/heads/main")
    assert accepted.returncode == 0, accepted.stderr
    assert "均已获准发布" in accepted.stderr
    assert server_ref(server) == repo.git("rev-parse", "HEAD")


def test_planted_secret_is_refused_and_no_verify_does_not_help(tmp_path, repo):
    server = make_server(tmp_path, repo)
    approve_all(repo)
    assert push(repo, server, "HEAD:refs/heads/main").returncode == 0
    # a client hook that would wave everything through is irrelevant: --no-verify skips client hooks only
    repo.write("content/b.md", PAGE.format(classification="general", extra="\n\n秘密★5年 内部传阅\n"))
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-verify", "-m", "悄悄加一页")
    result = push(repo, server, "HEAD:refs/heads/main", extra=("--no-verify",))
    assert result.returncode != 0
    assert "secret.marking" in result.stderr and "b.md" in result.stderr
    assert "--no-verify" in result.stderr                       # the message says it cannot be skipped
    assert server_ref(server) != repo.git("rev-parse", "HEAD")


def test_exclude_mode_on_the_server_still_refuses_content(tmp_path, repo):
    server = make_server(tmp_path, repo, **{"govgate.onUnapproved": "exclude"})
    assert push(repo, server, "HEAD:refs/heads/main").returncode == 0       # unapproved page: left out by the build
    repo.write("content/c.md", PAGE.format(classification="general", extra="\n\n绝密★长期\n"))
    repo.commit("新稿件", signer=None)
    result = push(repo, server, "HEAD:refs/heads/main")
    assert result.returncode != 0 and "c.md" in result.stderr and "secret" in result.stderr
    assert "approval.missing" not in result.stderr


def test_removing_the_plugin_or_loosening_mkdocs_yml_is_refused(tmp_path, repo):
    server = make_server(tmp_path, repo)
    approve_all(repo)
    assert push(repo, server, "HEAD:refs/heads/main").returncode == 0
    # an editor drops the gate from the build and adds an unreviewed page
    repo.write("mkdocs.yml", "site_name: 测试\ndocs_dir: content\nplugins:\n  - search\n")
    repo.write("content/d.md", PAGE.format(classification="general", extra=""))
    repo.commit("去掉门禁", signer=None)
    result = push(repo, server, "HEAD:refs/heads/main")
    assert result.returncode != 0
    # unsealed, and a configuration without the gate is refused outright (issue #11)
    assert "没有 govgate" in result.stderr
    # the plugin back but in exclude mode: the server still demands approval of every page
    repo.write("mkdocs.yml", "site_name: 测试\ndocs_dir: content\nplugins:\n  - govgate:\n      on_unapproved: exclude\n")
    repo.commit("排除模式", signer=None)
    result = push(repo, server, "HEAD:refs/heads/main")
    assert result.returncode != 0 and "未经管理员签名认可的修改（mkdocs.yml）" in result.stderr
    # pointing the plugin at another roster is refused too
    repo.git("rm", "-q", "content/d.md")
    repo.write("mkdocs.yml", "site_name: 测试\ndocs_dir: content\nplugins:\n  - govgate:\n      reviewers: other/r.yml\n")
    repo.commit("换名册", signer=None)
    result = push(repo, server, "HEAD:refs/heads/main")
    assert result.returncode != 0 and ("mkdocs.yml" in result.stderr or "other/r.yml" in result.stderr)


@pytest.mark.parametrize("attack", ["roster_role", "rules_weakened", "evidence_inline"])
def test_change_to_the_trust_store_no_admin_signed_is_refused(tmp_path, repo, attack):
    server = make_server(tmp_path, repo)
    approve_all(repo)
    assert push(repo, server, "HEAD:refs/heads/main").returncode == 0
    if attack == "roster_role":
        repo.write("signoffs/reviewers.yml",
                   repo.read("signoffs/reviewers.yml").replace("roles: [editor]", "roles: [editor, site_admin]"))
    elif attack == "rules_weakened":   # switch the secret rules off, then publish a marking
        repo.write("signoffs/rules/overrides.yml", "rules:\n  secret.marking: {disable: true}\n")
        repo.write("content/a.md", repo.read("content/a.md").replace("请做好安全生产工作。", "请做好安全生产工作。秘密★5年"))
    else:                               # inline mode would not look at history at all
        repo.write("signoffs/policy.yml", repo.read("signoffs/policy.yml").replace("evidence: history",
                                                                                  "evidence: inline"))
    repo.commit("改信任库", signer="mallory")
    result = push(repo, server, "HEAD:refs/heads/main")
    assert result.returncode != 0
    assert "未经管理员签名认可的修改" in result.stderr or "封签" in result.stderr


def test_other_branches_pass_and_deleting_main_is_refused(tmp_path, repo):
    server = make_server(tmp_path, repo, **{"govgate.lang": "en"})
    subprocess.run(["git", "-C", str(server), "config", "receive.denyDeleteCurrent", "ignore"], check=True)
    draft = push(repo, server, "HEAD:refs/heads/draft")          # unapproved, but not the publishing branch
    assert draft.returncode == 0, draft.stderr
    assert server_ref(server, "refs/heads/draft") == repo.git("rev-parse", "HEAD")
    approve_all(repo)
    assert push(repo, server, "HEAD:refs/heads/main").returncode == 0
    deleted = push(repo, server, ":refs/heads/main")
    assert deleted.returncode != 0
    assert "refusing to delete the publishing branch main" in deleted.stderr   # govgate.lang en
    assert server_ref(server) == repo.git("rev-parse", "HEAD")


def test_configured_publishing_branch_and_missing_trust_root(tmp_path, repo):
    server = make_server(tmp_path, repo, **{"govgate.branch": "publish"})
    assert push(repo, server, "HEAD:refs/heads/main").returncode == 0     # main is not published here
    assert push(repo, server, "HEAD:refs/heads/publish").returncode != 0
    subprocess.run(["git", "-C", str(server), "config", "--unset", "govgate.trustRoot"], check=True)
    approve_all(repo)
    result = push(repo, server, "HEAD:refs/heads/publish")
    assert result.returncode != 0 and "信任根" in result.stderr          # fail closed without a trust root
