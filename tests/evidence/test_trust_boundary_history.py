"""Issue #11 in history mode: configuration counts only when an admin signed it; nothing in the repository runs
on a reviewer's machine.  Real repositories, real SSH/OpenPGP keys, real `govgate` processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_govgate.errors import GateError

BIN = Path(sys.executable).parent


def env_for(repo) -> dict[str, str]:
    return dict(os.environ, GNUPGHOME=str(repo.gnupghome), NO_COLOR="1",
                GOVGATE_TRUST_ROOT=f"{repo.root_commit}:{repo.keys['root1'].fingerprint}")


def govgate(repo, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "govgate"), *args], cwd=repo.root, capture_output=True, text=True,
                          env=env_for(repo), timeout=300)


def approve_all(repo) -> None:
    for stage, signer in (("first", "chief1"), ("second", "webadmin1"), ("final", "deputy1")):
        assert repo.approve("content/a.md", stage, signer, opinion="同意") == 0


def test_an_editors_hooks_never_run_when_a_reviewer_approves(repo, tmp_path: Path) -> None:
    """Issue #11 item 1: a `hooks:` file an editor committed ran `govgate approve` with the reviewer's key."""
    marker = tmp_path / "marker"
    repo.write("evil.py", f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n")
    repo.write("mkdocs.yml", repo.read("mkdocs.yml") + "hooks:\n  - evil.py\n")
    repo.commit("编辑加入 hooks", signer=None)
    with pytest.raises(GateError, match="hooks"):      # refused: the configuration is not acceptable (exit 2)
        repo.approve("content/a.md", "first", "chief1")
    for command in (("check",), ("status",), ("sheet", "content/a.md"), ("build",)):
        result = govgate(repo, *command)
        assert result.returncode == 2, (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert not marker.exists(), "repository code ran on the reviewer's machine"


@pytest.mark.parametrize("rel, text", [
    ("overrides/main.html", "{% extends 'base.html' %}{% block content %}未经审核的文字{% endblock %}"),
    (".github/workflows/deploy.yml", "on: push\njobs: {}\n"),
    ("mkdocs.yml", None),
])
def test_an_unsigned_change_to_configuration_is_refused_and_named(repo, rel: str, text: str | None) -> None:
    repo.write("mkdocs.yml", repo.read("mkdocs.yml").replace("  highlightjs: false\n",
                                                             "  highlightjs: false\n  custom_dir: overrides\n"))
    repo.write("overrides/main.html", "{% extends 'base.html' %}")
    repo.commit("管理员：主题覆盖", signer="root1")
    approve_all(repo)
    assert govgate(repo, "check").returncode == 0
    if text is None:
        text = repo.read("mkdocs.yml").replace("site_name: 测试", "site_name: 被改名的网站")
    repo.write(rel, text)
    commit = repo.commit("编辑改动配置", signer=None)
    result = govgate(repo, "check")
    assert result.returncode == 2, result.stderr
    assert rel.split("/")[0] in result.stderr and commit[:12] in result.stderr
    built = govgate(repo, "build")
    assert built.returncode == 2 and not (repo.root / "site" / "a").exists()


def test_an_admin_signed_change_to_configuration_counts(repo) -> None:
    approve_all(repo)
    repo.write("mkdocs.yml", repo.read("mkdocs.yml").replace("site_name: 测试", "site_name: 测试县人民政府"))
    repo.write("signoffs/rules/allowed_domains.txt", "www.mkdocs.org\n")   # the theme's footer credit
    repo.commit("管理员改站名", signer="root1")
    result = govgate(repo, "build")
    assert result.returncode == 0, result.stderr
    assert "测试县人民政府" in (repo.root / "site" / "a" / "index.html").read_text(encoding="utf-8")


def test_an_ignored_file_in_the_theme_folder_is_refused(repo) -> None:
    """MkDocs reads files git ignores; the build must not use configuration nobody committed."""
    repo.write("mkdocs.yml", repo.read("mkdocs.yml").replace("  highlightjs: false\n",
                                                             "  highlightjs: false\n  custom_dir: overrides\n"))
    repo.write("overrides/main.html", "{% extends 'base.html' %}")
    repo.write(".gitignore", repo.read(".gitignore") + "overrides/extra.html\n")
    repo.commit("管理员：主题覆盖", signer="root1")
    approve_all(repo)
    repo.write("overrides/extra.html", "<p>未经审核</p>")
    result = govgate(repo, "check")
    assert result.returncode == 2 and "overrides/extra.html" in result.stderr


def test_a_reviewer_never_approves_under_rules_an_editor_weakened(repo) -> None:
    """An editor's unsigned overrides.yml switches the secret rules off so that `approve` would pass a marked
    page: approve refuses to act on a configuration no admin made effective."""
    repo.write("signoffs/rules/overrides.yml", "rules:\n  secret.marking: {disable: true}\n")
    repo.write("content/a.md", repo.read("content/a.md").replace("请做好安全生产工作。", "本件为绝密★5年文件。"))
    repo.commit("编辑关掉涉密检查", signer=None)
    with pytest.raises(GateError, match="overrides.yml|signoffs"):
        repo.approve("content/a.md", "first", "chief1")
    assert "signoffs:" not in repo.read("content/a.md")
