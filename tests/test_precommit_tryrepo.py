"""The hooks as a site gets them: this repository through the real `pre-commit` (`try-repo`, then a
`.pre-commit-config.yaml` naming it), which clones it, builds a virtualenv and pip-installs it.

The working tree (with uncommitted changes) is copied into a throw-away git repository first:
`try-repo` on a path only carries changes to tracked files.  Installing the dependencies from
PyPI takes ~20 s a time and needs the network, so by default pip installs this package alone
(``PIP_NO_DEPS``, ``PIP_NO_INDEX``, no build isolation) and the hook finds the dependencies on
``PYTHONPATH`` (this interpreter's site-packages); the package, its entry points and the
manifest still go through pre-commit's own install.  ``GOVGATE_TRYREPO_PYPI=1`` installs
everything from the index instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest
from sitekit import BIN, Site

ROOT = Path(__file__).resolve().parents[1]
SECRET = "机密★1年"
FULL_INSTALL = os.environ.get("GOVGATE_TRYREPO_PYPI") == "1"


def _run(cmd: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _snapshot(dest: Path, env: dict) -> str:
    """The working tree as it is now (tracked and new files, not ignored ones) committed in ``dest``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file() and not source.is_symlink():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "snapshot"]):
        assert _run(["git", *args], dest, env).returncode == 0
    return _run(["git", "rev-parse", "HEAD"], dest, env).stdout.strip()


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("home")
    env = dict(os.environ, HOME=str(home), GIT_CONFIG_GLOBAL=str(home / "gitconfig"), NO_COLOR="1",
               PRE_COMMIT_HOME=str(home / "pre-commit"), PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
               GIT_AUTHOR_NAME="编辑甲", GIT_AUTHOR_EMAIL="editor1@example.gov.cn",
               GIT_COMMITTER_NAME="编辑甲", GIT_COMMITTER_EMAIL="editor1@example.gov.cn")
    if not FULL_INSTALL:
        # PIP_NO_BUILD_ISOLATION="0" means --no-build-isolation (pip reads "no-" options inverted): the
        # setuptools virtualenv seeds into the hook's environment builds the package
        env.update(PIP_NO_INDEX="1", PIP_NO_DEPS="1", PIP_NO_BUILD_ISOLATION="0", PIP_DISABLE_PIP_VERSION_CHECK="1",
                   PYTHONPATH=str(_dependencies(home / "deps")))
    return env


# Not lent to the hook: the packaging tools (the hook's own build them) and this package itself.
_OWN = re.compile(r"^(pip|setuptools|pkg_resources|_distutils_hack|wheel|mkdocs_govgate|__editable__)\b|\.pth$",
                  re.IGNORECASE)


def _dependencies(folder: Path) -> Path:
    """This interpreter's installed packages, as links in one folder for PYTHONPATH."""
    folder.mkdir()
    for base in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        for entry in Path(base).iterdir():
            if not _OWN.search(entry.name) and not (folder / entry.name).exists():
                (folder / entry.name).symlink_to(entry)
    return folder


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory, env) -> tuple[Path, str]:
    repo = tmp_path_factory.mktemp("govgate-hooks")
    return repo, _snapshot(repo, env)


@pytest.fixture(scope="module")
def site(tmp_path_factory, env) -> Site:
    site = Site(tmp_path_factory.mktemp("site") / "root")
    site.page("tzgg/clean.md", "各乡镇人民政府：\n\n现就做好防汛工作通知如下。\n")
    site.page("tzgg/leak.md", f"各乡镇人民政府：\n\n{SECRET}\n\n关于人事安排的意见。\n")
    site.write("content/tzgg/badfm.md", "---\ntitle: 通知\nclassification: secret\n---\n\n正文。\n")
    site.write(".gitignore", ".govgate-cache/\nsite/\n")      # as govgate init writes it
    for args in (["init", "-q", "-b", "main"], ["add", "-A"]):
        assert _run(["git", *args], site.root, env).returncode == 0
    return site


def _sections(output: str) -> dict[str, str]:
    """pre-commit's output per hook id."""
    parts = re.split(r"^- hook id: (\S+)$", output, flags=re.MULTILINE)
    return {hook: text for hook, text in zip(parts[1::2], parts[2::2], strict=True)}


def _blocking(text: str) -> set[tuple[str, str]]:
    """(path, rule) of each finding line that blocks (non-blocking ones carry [info]/[warn])."""
    return {(m[1], m[2]) for m in re.finditer(r"^(\S+?):\d+:\d+: ([a-z_]+\.[a-z_]+) (?!\[)", text, re.MULTILINE)}


def test_try_repo_installs_and_runs_every_hook(hook_repo, site, env):
    repo, rev = hook_repo
    files = ["content/tzgg/clean.md", "content/tzgg/leak.md", "content/tzgg/badfm.md"]
    result = _run([str(BIN / "pre-commit"), "try-repo", str(repo), "--ref", rev, "--verbose", "--files", *files],
                  site.root, env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    hooks = _sections(output)
    assert set(hooks) == {"govgate", "govgate-require-approval", "govgate-front-matter"}, output
    leak = re.search(r"^content/tzgg/leak\.md:(\d+):(\d+): secret\.marking ", hooks["govgate"], re.MULTILINE)
    assert leak, hooks["govgate"]
    lines = (site.docs / "tzgg/leak.md").read_text(encoding="utf-8").split("\n")
    assert lines[int(leak[1]) - 1][int(leak[2]) - 1:].startswith(SECRET)
    assert not {f for f in _blocking(hooks["govgate"]) if f[0] == "content/tzgg/clean.md"}
    # the front-matter hook judges front-matter only: the leak's body is not its business
    assert _blocking(hooks["govgate-front-matter"]) == {
        ("content/tzgg/badfm.md", "metadata.required"), ("content/tzgg/badfm.md", "metadata.classification"),
        ("content/tzgg/badfm.md", "approval.classification"), ("content/tzgg/badfm.md", "approval.author")}


@pytest.fixture(scope="module")
def configured(hook_repo, site, env) -> Site:
    """The site's own .pre-commit-config.yaml naming this repository (installed once, reused)."""
    repo, rev = hook_repo
    site.write(".pre-commit-config.yaml", f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n"
                                          "      - id: govgate\n      - id: govgate-front-matter\n")
    assert _run(["git", "add", "-A"], site.root, env).returncode == 0
    return site


def test_clean_pages_pass(configured, env):
    result = _run([str(BIN / "pre-commit"), "run", "--files", "content/tzgg/clean.md"], configured.root, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^govgate \(content rules.*Passed$", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^govgate \(front-matter only\).*Passed$", result.stdout, re.MULTILINE), result.stdout


def test_run_files_scans_whole_files_not_the_diff(configured, env):
    site = configured
    site.page("tzgg/old.md", f"{SECRET}\n\n第一段。\n\n第二段。\n")
    assert _run(["git", "add", "-A"], site.root, env).returncode == 0
    assert _run(["git", "commit", "-q", "--no-verify", "-m", "已有的页面"], site.root, env).returncode == 0
    # the edit touches another paragraph: a diff-only scan would call it clean
    path = site.docs / "tzgg/old.md"
    path.write_text(path.read_text(encoding="utf-8").replace("第二段。", "第二段（修订）。"), encoding="utf-8")
    assert _run(["git", "add", "-A"], site.root, env).returncode == 0
    for files in (["content/tzgg/old.md"], ["content/tzgg/clean.md", "content/tzgg/old.md"]):
        result = _run([str(BIN / "pre-commit"), "run", "govgate", "--files", *files], site.root, env)
        assert result.returncode == 1, result.stdout + result.stderr
        assert ("content/tzgg/old.md", "secret.marking") in _blocking(result.stdout), result.stdout
    # and a file with no change at all is still scanned when named
    assert _run(["git", "commit", "-q", "--no-verify", "-m", "修订"], site.root, env).returncode == 0
    result = _run([str(BIN / "pre-commit"), "run", "govgate", "--files", "content/tzgg/old.md"], site.root, env)
    assert result.returncode == 1 and ("content/tzgg/old.md", "secret.marking") in _blocking(result.stdout)
