"""`govgate init`: a real git repository, the user's real signing key, then real `mkdocs build`,
`pre-commit validate-config` / `pre-commit run`, and a second run that must change nothing."""

from __future__ import annotations

import hashlib
import os
import pty
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml as pyyaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evidence"))

from kit import Key, make_openpgp_key, make_ssh_key  # noqa: E402
from sitekit import BIN  # noqa: E402

from mkdocs_govgate.policy import Policy  # noqa: E402
from mkdocs_govgate.roster import Roster  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

USER_MKDOCS = """\
# 青岚县政务公开网站 — 我们自己的配置，注释必须保留
site_name: 青岚县政务公开   # 网站名称
docs_dir: docs
theme:
    name: mkdocs   # 官方主题
    locale: zh_CN
markdown_extensions:
  - toc:
      permalink: true   # 标题锚点

plugins:
    - search   # 站内搜索
    # 以后可能加别的插件
nav:
  - 首页: index.md
"""

USER_PAGE = """\
---
title: 首页
date: 2025-01-09
column: 首页
unit: 青岚县人民政府办公室
author: wangwu
classification: general
---

# 青岚县政务公开
"""

USER_PRECOMMIT = """\
# our own hooks
repos:
-   repo: local
    hooks:
    -   id: no-tabs        # keep this one
        name: no tabs
        entry: "\\t"
        language: pygrep
        types: [markdown]
"""


@pytest.fixture(scope="module")
def user_key(tmp_path_factory: pytest.TempPathFactory) -> Key:
    return make_ssh_key(tmp_path_factory.mktemp("init-keys"), "zhangsan")


@pytest.fixture
def env(tmp_path: Path, user_key: Key) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    environment = {**os.environ, "HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
                   "GIT_CONFIG_NOSYSTEM": "1", "GNUPGHOME": str(home / "no-gnupg"),
                   "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
                   "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
    environment.pop("GOVGATE_TRUST_ROOT", None)
    environment.pop("SSH_AUTH_SOCK", None)
    for key, value in (("user.name", "张三"), ("user.email", "zhangsan@qinglan.gov.cn"), ("gpg.format", "ssh"),
                       ("user.signingkey", user_key.signing + ".pub"), ("init.defaultBranch", "main")):
        subprocess.run(["git", "config", "--global", key, value], env=environment, check=True)
    return environment


def run(cwd: Path, env: dict, *args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          stdin=stdin)


def govgate_init(cwd: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    result = run(cwd, env, BIN / "govgate", "init", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts}


def git(cwd: Path, env: dict, *args: str) -> str:
    result = run(cwd, env, "git", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def commit_and_pin(repo: Path, env: dict) -> dict:
    """What the printed next steps say: a signed commit, then init again, which pins the trust root in git config."""
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-S", "-m", "启用 govgate 发布门禁")
    rerun = govgate_init(repo, env)
    expected = f"{git(repo, env, 'rev-parse', 'HEAD')}:{fingerprint(env)}"
    assert git(repo, env, "config", "--get", "govgate.trustRoot") == expected
    assert f"已固定信任根：git config govgate.trustRoot {expected}" in rerun.stdout
    again = govgate_init(repo, env)                           # a third run keeps the pin and still shows it
    assert f"信任根：git config govgate.trustRoot {expected}" in again.stdout
    return {**env, "GOVGATE_TRUST_ROOT": expected}


def fingerprint(env: dict) -> str:
    from mkdocs_govgate.evidence.sshsig import key_blob_from_line, key_fingerprint  # noqa: PLC0415

    path = run(Path.cwd(), env, "git", "config", "--global", "user.signingkey").stdout.strip()
    return key_fingerprint(key_blob_from_line(Path(path).read_text()))


def test_empty_repository_builds_validates_and_is_idempotent(tmp_path, env, user_key):
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, env, "init", "-q")
    first = govgate_init(repo, env)
    for path in ("signoffs/policy.yml", "signoffs/reviewers.yml", "signoffs/rules/allowed_domains.txt", "mkdocs.yml",
                 "overrides/main.html", "overrides/404.html", "content/index.md", ".pre-commit-config.yaml",
                 ".github/workflows/govgate.yml", ".gitlab-ci.yml", ".gitignore"):
        assert (repo / path).is_file(), path
        assert f"创建  {path}" in first.stdout
    assert "下一步" in first.stdout and "git commit -S" in first.stdout

    policy = Policy.load(repo / "signoffs/policy.yml")
    assert policy.classifications["important"] == ("first", "second", "final", "principal")
    assert policy.evidence == "history"
    roster = Roster.load(repo / "signoffs/reviewers.yml", policy)
    admin = roster.person("zhangsan")
    assert admin is not None and admin.name == "张三" and admin.roles == ("admin",)
    assert admin.keys == (" ".join(user_key.public.split()[:2]),)
    assert "登记审核人员" in (repo / "signoffs/reviewers.yml").read_text(encoding="utf-8")

    ci = pyyaml.safe_load((repo / ".github/workflows/govgate.yml").read_text(encoding="utf-8"))
    checkout = next(s for s in ci["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    assert any(s.get("with", {}).get("path") == ".govgate-report/" for s in ci["jobs"]["build"]["steps"])
    gitlab = pyyaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["variables"]["GIT_DEPTH"] == 0 and ".govgate-report/" in gitlab["govgate"]["artifacts"]["paths"]
    assert_ci_builds_through_the_gate(ci, gitlab)

    validate = run(repo, env, BIN / "pre-commit", "validate-config", ".pre-commit-config.yaml")
    assert validate.returncode == 0, validate.stdout + validate.stderr

    before = snapshot(repo)
    second = govgate_init(repo, env)
    assert snapshot(repo) == before                          # running twice changes nothing
    assert "创建" not in second.stdout and "不变  mkdocs.yml" in second.stdout

    pinned = commit_and_pin(repo, env)
    build = run(repo, pinned, BIN / "mkdocs", "build")
    assert build.returncode == 0, build.stderr
    assert not (repo / "site/index.html").exists()           # the scaffolded page awaits review: left out
    assert "index.md" in build.stderr
    audit = run(repo, pinned, BIN / "govgate", "audit", "site")
    assert audit.returncode == 0, audit.stdout              # the 404 page's footer carries no external link
    assert git(repo, env, "status", "--porcelain") == ""      # build outputs are ignored

    hooks = run(repo, pinned, BIN / "pre-commit", "run", "--all-files")
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr
    assert "govgate" in hooks.stdout and "approval.missing" in hooks.stdout   # reported, not refused


def assert_ci_builds_through_the_gate(github: dict, gitlab: dict) -> None:
    """Both CI files install govgate from a pinned git URL, build with `govgate build`, take the trust
    root from the CI variable and keep the gate's cache only in the CI's own per-branch cache."""
    steps = github["jobs"]["build"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert not any("mkdocs build" in r for r in runs) and "govgate build" in runs
    install = next(r for r in runs if r.startswith("pip install"))
    assert re.fullmatch(r'pip install "mkdocs-govgate @ git\+\S+@\S+"', install), install
    build = next(s for s in steps if s.get("run") == "govgate build")
    assert build["env"]["GOVGATE_TRUST_ROOT"] == "${{ vars.GOVGATE_TRUST_ROOT }}"
    assert build["env"]["GOVGATE_CACHE_DIR"].startswith("${{ runner.temp }}")     # outside the checkout
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == build["env"]["GOVGATE_CACHE_DIR"]
    assert "${{ github.ref_name }}" in cache["with"]["key"] and "${{ github.ref_name }}" in cache["with"]["restore-keys"]

    job = gitlab["govgate"]
    assert not any("mkdocs build" in line for line in job["script"]) and "govgate build" in job["script"]
    assert any(re.fullmatch(r'pip install "mkdocs-govgate @ git\+\S+@\S+"', line) for line in job["script"])
    assert job["cache"]["key"] == "govgate-$CI_COMMIT_REF_SLUG"
    assert job["cache"]["paths"] == [".govgate-ci-cache/"] != [".govgate-cache/"]
    assert gitlab["variables"]["GOVGATE_CACHE_DIR"] == "$CI_PROJECT_DIR/.govgate-ci-cache"
    assert any("git ls-files -- .govgate-ci-cache" in line for line in job["script"])   # never from a commit


def test_ci_installs_govgate_from_the_git_commit_it_was_installed_from(tmp_path):
    """pip's record of where govgate came from (PEP 610) becomes the CI files' pinned install source."""
    from mkdocs_govgate.installsource import from_direct_url  # noqa: PLC0415

    vcs = from_direct_url('{"url": "https://git.example.gov.cn/web/mkdocs-govgate.git", '
                          '"vcs_info": {"vcs": "git", "commit_id": "0123abc"}}')
    assert vcs.known and vcs.requirement == "mkdocs-govgate @ git+https://git.example.gov.cn/web/mkdocs-govgate.git@0123abc"
    source = tmp_path / "src"
    source.mkdir()
    subprocess.run(["git", "init", "-q", str(source)], check=True)
    subprocess.run(["git", "-C", str(source), "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q",
                    "--allow-empty", "-m", "x"], check=True)
    folder = f'{{"url": "file://{source}", "dir_info": {{"editable": true}}}}'
    assert not from_direct_url(folder).known                   # a folder without a remote CI could reach
    subprocess.run(["git", "-C", str(source), "remote", "add", "origin", "git@git.example.gov.cn:web/govgate.git"],
                   check=True)
    head = subprocess.run(["git", "-C", str(source), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert from_direct_url(folder).url == f"git+ssh://git@git.example.gov.cn/web/govgate.git@{head}"
    assert not from_direct_url(None).known and not from_direct_url("not json").known


def test_an_editors_clone_commits_after_one_git_config(tmp_path, env):
    """The admin's init pins the trust root in git config; an editor's clone needs the one documented
    command, and then the pre-commit hook works without any environment variable."""
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, env, "init", "-q")
    govgate_init(repo, env)
    pinned = commit_and_pin(repo, env)["GOVGATE_TRUST_ROOT"]
    clone = tmp_path / "editor"
    git(tmp_path, env, "clone", "-q", str(repo), str(clone))
    assert run(clone, env, "git", "config", "--get", "govgate.trustRoot").stdout == ""    # a clone has no pin
    git(clone, env, "config", "govgate.trustRoot", pinned)                                # the README's command
    hooks = run(clone, env, BIN / "pre-commit", "run", "--all-files")
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr
    assert "approval.missing" in hooks.stdout


def test_existing_site_keeps_every_user_line(tmp_path, env):
    repo = tmp_path / "existing"
    repo.mkdir()
    git(repo, env, "init", "-q")
    (repo / "mkdocs.yml").write_text(USER_MKDOCS, encoding="utf-8")
    (repo / "docs").mkdir()
    (repo / "docs/index.md").write_text(USER_PAGE, encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(USER_PRECOMMIT, encoding="utf-8")
    (repo / ".gitignore").write_text("*.pyc\nsite\n", encoding="utf-8")
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-m", "our site")

    asked = govgate_init(repo, env)                          # no terminal, no --yes: nothing of ours changes
    assert (repo / "mkdocs.yml").read_text(encoding="utf-8") == USER_MKDOCS
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == USER_PRECOMMIT
    assert "跳过  mkdocs.yml" in asked.stdout and "--yes" in asked.stdout
    assert not (repo / "overrides").exists()                 # only useful with the mkdocs.yml change
    assert (repo / "docs/index.md").read_text(encoding="utf-8") == USER_PAGE

    merged = govgate_init(repo, env, "--yes")
    assert "更新  mkdocs.yml" in merged.stdout
    text = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    remaining = iter(text.splitlines())
    assert all(line in remaining for line in USER_MKDOCS.splitlines())   # every line kept, in order
    from mkdocs.config import load_config  # noqa: PLC0415

    config = load_config(str(repo / "mkdocs.yml"))
    assert "govgate" in config.plugins and "search" in config.plugins
    assert config.plugins["govgate"].config.on_unapproved == "exclude"
    assert config.theme.custom_dir and Path(config.theme.custom_dir).name == "overrides"
    precommit = (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "id: no-tabs        # keep this one" in precommit and "entry: govgate-pre-commit" in precommit
    assert "^(docs/|signoffs/" in precommit
    assert run(repo, env, BIN / "pre-commit", "validate-config").returncode == 0
    assert (repo / ".gitignore").read_text(encoding="utf-8").startswith("*.pyc\nsite\n")
    assert not (repo / "docs/README.md").exists() and not (repo / "content").exists()

    before = snapshot(repo)
    again = govgate_init(repo, env, "--yes")
    assert snapshot(repo) == before
    assert "更新" not in again.stdout

    pinned = commit_and_pin(repo, env)
    build = run(repo, pinned, BIN / "mkdocs", "build")
    assert build.returncode == 0, build.stderr
    assert "index.md" in build.stderr and not (repo / "site/index.html").exists()


def test_a_users_file_is_never_replaced_without_a_yes_at_a_terminal(tmp_path, env):
    repo = tmp_path / "ci"
    repo.mkdir()
    git(repo, env, "init", "-q")
    own_ci = "stages: [test]\ntest:\n  script: [make test]   # ours\n"
    (repo / ".gitlab-ci.yml").write_text(own_ci, encoding="utf-8")
    for args in ((), ("--yes",)):
        result = govgate_init(repo, env, *args)
        assert (repo / ".gitlab-ci.yml").read_text(encoding="utf-8") == own_ci
        assert "跳过  .gitlab-ci.yml" in result.stdout

    # at a terminal: "n" keeps it; "y" replaces it and keeps the old file beside it
    assert _init_at_terminal(repo, env, "n\n") == 0
    assert (repo / ".gitlab-ci.yml").read_text(encoding="utf-8") == own_ci
    assert _init_at_terminal(repo, env, "y\n") == 0
    assert "GIT_DEPTH: 0" in (repo / ".gitlab-ci.yml").read_text(encoding="utf-8")
    assert (repo / ".gitlab-ci.yml.govgate-orig").read_text(encoding="utf-8") == own_ci


def _init_at_terminal(repo: Path, env: dict, answers: str) -> int:
    """govgate init with stdin on a real pseudo-terminal, answering the prompts."""
    controller, terminal = pty.openpty()
    try:
        os.write(controller, answers.encode())
        proc = subprocess.run([str(BIN / "govgate"), "init"], cwd=repo, env=env, stdin=terminal, capture_output=True,
                              text=True, timeout=300)
    finally:
        os.close(terminal)
        os.close(controller)
    assert "[y/N]" in proc.stderr, proc.stderr
    return proc.returncode


def test_without_a_signing_key_nothing_is_written(tmp_path, env):
    repo = tmp_path / "nokey"
    repo.mkdir()
    git(repo, env, "init", "-q")
    env = {**env, "GIT_CONFIG_GLOBAL": str(tmp_path / "empty-gitconfig")}
    (tmp_path / "empty-gitconfig").write_text("")
    result = run(repo, env, BIN / "govgate", "init", "--lang", "en")
    assert result.returncode == 2
    assert "signing key" in result.stderr and "ssh-keygen" in result.stderr
    assert snapshot(repo) == {}


def test_openpgp_signing_key_is_registered_with_its_public_key(tmp_path, env):
    gnupghome = tmp_path / "gnupg"
    gnupghome.mkdir(mode=0o700)
    key = make_openpgp_key(gnupghome, "lisi")
    env = {**env, "GNUPGHOME": str(gnupghome)}
    repo = tmp_path / "pgp"
    repo.mkdir()
    git(repo, env, "init", "-q")
    git(repo, env, "config", "gpg.format", "openpgp")
    git(repo, env, "config", "user.signingkey", key.signing)
    result = govgate_init(repo, env)
    policy = Policy.load(repo / "signoffs/policy.yml")
    admin = Roster.load(repo / "signoffs/reviewers.yml", policy).person("zhangsan")
    assert admin is not None and admin.keys == (f"openpgp:{key.signing}",)
    assert (repo / f"signoffs/keys/{key.signing}.asc").read_text().startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
    assert "govgate init" in result.stdout.split("下一步")[1]    # commit, then init again pins the root
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "-q", "-S", "-m", "启用 govgate 发布门禁")
    govgate_init(repo, env)
    head = git(repo, env, "rev-parse", "HEAD")
    assert git(repo, env, "config", "--get", "govgate.trustRoot") == f"{head}:openpgp:{key.signing}"


def test_precommit_template_matches_the_hook_manifest(tmp_path, env):
    repo = tmp_path / "manifest"
    repo.mkdir()
    govgate_init(repo, env)
    manifest = {h["id"]: h for h in pyyaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    config = pyyaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = config["repos"][0]["hooks"][0]
    assert hook["id"] == "govgate" and hook["entry"] == manifest["govgate"]["entry"]
    assert hook["files"] == manifest["govgate"]["files"]
    assert hook["require_serial"] == manifest["govgate"]["require_serial"]
    assert "git init -b main" in run(repo, env, BIN / "govgate", "init").stdout   # not a repository yet: says so


MKDOCS_SHAPES = {
    "bare": ("site_name: 测试\n", {"search", "govgate"}, "custom_dir"),
    "dash_at_column_0": ("site_name: 测试\ntheme:\n  name: material\nplugins:\n- search   # 搜索\n", {"material/search", "govgate"},
                         "generator"),
    "material_extra": ("site_name: 测试\ntheme:\n  name: material\nextra:\n  social: []   # 社交链接\nplugins:\n  - search\n",
                       {"material/search", "govgate"}, "generator"),
    "plugins_emptied": ("site_name: 测试\ntheme:\n  name: mkdocs\n  locale: zh_CN\nplugins:\n", {"govgate"}, "custom_dir"),
    "theme_as_text": ("site_name: 测试\ntheme: mkdocs\nplugins:\n  - search\n", {"search", "govgate"}, None),
}


@pytest.mark.parametrize("shape", sorted(MKDOCS_SHAPES))
def test_plugin_entry_merged_into_each_shape_of_mkdocs_yml(tmp_path, shape):
    from mkdocs.config import load_config  # noqa: PLC0415
    from sitekit import public_line  # noqa: PLC0415

    from mkdocs_govgate.scaffold import MANUAL, MERGE, UNCHANGED, Identity, apply, plan  # noqa: PLC0415

    text, plugins, footer = MKDOCS_SHAPES[shape]
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    me = Identity("zhangsan", "张三", public_line("zhangsan"), "SHA256:x")
    first = plan(tmp_path, me)
    action = next(a for a in first.actions if a.path == "mkdocs.yml")
    assert action.kind == MERGE
    apply(first, lambda a: True)
    merged = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    remaining = iter(merged.splitlines())
    assert all(line in remaining for line in text.splitlines())
    config = load_config(str(tmp_path / "mkdocs.yml"))
    assert set(config.plugins) == plugins
    if footer == "custom_dir":
        assert Path(config.theme.custom_dir).name == "overrides" and (tmp_path / "overrides/404.html").is_file()
    elif footer == "generator":
        assert config.extra["generator"] is False
    else:
        assert "by hand" in action.note.en                     # theme given as text: told what to do
    again = next(a for a in plan(tmp_path, me).actions if a.path == "mkdocs.yml")
    assert again.kind == (UNCHANGED if footer else MANUAL) and not again.changes


@pytest.mark.parametrize("text", ["site_name: 测试\nplugins: [search]\n", "site_name: 测试\nplugins:\n  search: {}\n"])
def test_shapes_init_cannot_edit_safely_are_left_to_the_user(tmp_path, text):
    from sitekit import public_line  # noqa: PLC0415

    from mkdocs_govgate.scaffold import MANUAL, Identity, apply, plan  # noqa: PLC0415

    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    the_plan = plan(tmp_path, Identity("zhangsan", "张三", public_line("zhangsan"), "SHA256:x"))
    action = next(a for a in the_plan.actions if a.path == "mkdocs.yml")
    assert action.kind == MANUAL and "- govgate:" in action.note.en
    apply(the_plan, lambda a: True)
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == text


def test_scaffold_renders_in_chinese(tmp_path, env):
    """A new site's preview: the five usual columns as Chinese navigation, the theme's words in Chinese."""
    from test_plugin_serve import serving  # noqa: PLC0415

    from mkdocs_govgate.browser import dump_dom  # noqa: PLC0415

    from .test_chinese_site import COLUMNS, assert_chinese, visible_text, without_livereload  # noqa: PLC0415

    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, env, "init", "-q")
    govgate_init(repo, env)
    for folder in ("gkml", "tzgg", "zcjd", "zcwj", "zwdt"):
        assert (repo / "content" / folder / "index.md").is_file()
    pinned = commit_and_pin(repo, env)

    class Served:
        root = repo

    saved = os.environ.copy()
    os.environ.update(pinned)      # serving() starts `mkdocs serve` with this process's environment
    try:
        with serving(Served()) as base:   # type: ignore[arg-type]
            with urllib.request.urlopen(base + "tzgg/", timeout=30) as response:
                served = response.read().decode("utf-8")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    page = tmp_path / "tzgg.html"
    page.write_text(without_livereload(served), encoding="utf-8")
    text = visible_text(dump_dom(page))
    assert_chinese(text)
    for column in COLUMNS:
        assert column in text
    assert "搜索" in text and "草稿" in text and "草稿：尚未获准发布" in text
