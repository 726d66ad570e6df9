"""Issue #12 items 2, 3 and 7: `govgate approve` against real concurrent editors, kills, signals and a full disk.

Every test runs the real `govgate approve` as a subprocess in a real repository with real SSH keys.
Invariants: the signed commit holds exactly the committed text the reviewer saw plus the entry; an
editor's save is never lost; "restored" is said only when it is true; a rerun after a kill says exactly
how to finish or undo; nothing stray is left in the docs folder.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mkdocs_govgate.page import Page

BIN = Path(sys.executable).parent
# approve commits with git hooks off: the slow (or failing) step is the signing program
SLOW_SIGNER = "#!/bin/sh\necho started > \"$(git rev-parse --git-dir)/hook-started\"\nsleep 4\n"


def signing_env(repo, signer: str) -> dict[str, str]:
    """The signer's key as git configuration in the environment (nothing written: the disk may be full)."""
    key = repo.keys[signer]
    return {**os.environ, "GNUPGHOME": str(repo.gnupghome), "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "gpg.format", "GIT_CONFIG_VALUE_0": key.format,
            "GIT_CONFIG_KEY_1": "user.signingkey", "GIT_CONFIG_VALUE_1": key.signing}


def start(repo, *args: str, signer: str = "chief1", lang: str = "en") -> subprocess.Popen:
    env = signing_env(repo, signer)
    return subprocess.Popen([str(BIN / "govgate"), "--lang", lang, *args], cwd=repo.root, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def approve(repo, stage: str = "first", signer: str = "chief1", page: str = "content/a.md",
            lang: str = "en") -> subprocess.CompletedProcess:
    proc = start(repo, "approve", page, "--stage", stage, signer=signer, lang=lang)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def content_of(raw: bytes) -> tuple:
    page = Page.from_bytes("a.md", raw)
    return page.content_meta(), page.body


def committed(repo, rev: str = "HEAD", path: str = "content/a.md") -> bytes:
    return subprocess.run(["git", "show", f"{rev}:{path}"], cwd=repo.root, capture_output=True, check=True).stdout


def slow_hook(repo, fail: bool = False) -> None:
    """The commit takes four seconds (then fails with ``fail``): a slow ssh signing program."""
    signer = repo.root / ".git/slow-signer"
    signer.write_text(SLOW_SIGNER + ("exit 1\n" if fail else 'exec ssh-keygen "$@"\n'))
    signer.chmod(0o755)
    repo.git("config", "gpg.ssh.program", str(signer))


def wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def strays(repo) -> list[str]:
    return sorted(p.name for p in (repo.root / "content").iterdir() if p.name.startswith("."))


# -- item 2: what is signed is what was committed; no save is lost -------------------------------------------

EDITOR = """\
import sys, time
time.sleep(float(sys.argv[2]))
with open(sys.argv[1], "a", encoding="utf-8") as out:   # an editor saving in place
    out.write("\\n编辑在审核期间保存的未审核文字。\\n")
"""


@pytest.mark.parametrize("delay", [0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.2])
def test_an_editor_saving_during_approve_is_never_signed_and_never_lost(repo, delay):
    before = committed(repo)
    head = repo.git("rev-parse", "HEAD")
    proc = start(repo, "approve", "content/a.md", "--stage", "first")
    editor = subprocess.run([sys.executable, "-c", EDITOR, str(repo.root / "content/a.md"), str(delay)], timeout=60)
    assert editor.returncode == 0
    out, err = proc.communicate(timeout=120)
    working = (repo.root / "content/a.md").read_bytes()
    assert "未审核文字" in working.decode(), "the editor's save was lost"
    assert "Traceback" not in err
    if proc.returncode == 0:      # the signed commit holds exactly the committed text plus the entry
        assert repo.git("rev-list", "--count", f"{head}..HEAD") == "1"
        assert content_of(committed(repo)) == content_of(before)
        assert "未审核文字" not in committed(repo).decode()
    else:
        assert proc.returncode == 1 and repo.git("rev-parse", "HEAD") == head
        assert "restored" not in err or "not restored" in err, err
    assert strays(repo) == []


def test_failed_commit_says_restored_only_when_it_was(repo):
    slow_hook(repo, fail=True)
    proc = start(repo, "approve", "content/a.md", "--stage", "first")
    wait_for(repo.root / ".git/hook-started")
    editor = "已在提交失败前保存的新版本\n"
    (repo.root / "content/a.md").write_text(editor, encoding="utf-8")       # saved while the hook runs
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "not restored" in err and "was restored" not in err, err
    assert (repo.root / "content/a.md").read_text(encoding="utf-8") == editor


def test_symlinked_page_is_refused_and_kept(repo):
    target = repo.root / "content/a.md"
    (repo.root / "real.md").write_bytes(target.read_bytes())
    target.unlink()
    target.symlink_to(repo.root / "real.md")
    repo.commit("symlink", signer=None)
    result = approve(repo)
    assert result.returncode == 1 and "symbolic link" in result.stderr
    assert target.is_symlink()


def test_two_concurrent_approves_both_finish(repo):
    from kit import PAGE

    repo.write("content/b.md", PAGE.format(classification="general", extra=""))
    repo.commit("b", signer=None)
    slow_hook(repo)                                # both commits would overlap
    first = start(repo, "approve", "content/a.md", "--stage", "first")
    second = start(repo, "approve", "content/b.md", "--stage", "first")
    results = [p.communicate(timeout=120) + (p.returncode,) for p in (first, second)]
    for _out, err, code in results:
        assert "remove the file manually" not in err and "index.lock" not in err
        assert code == 0, err
    assert repo.problems("a.md") == {"first#0": []} and repo.problems("b.md") == {"first#0": []}


# -- item 3: killed, interrupted, disk full ----------------------------------------------------------

def kill_while_committing(repo, *args: str) -> bytes:
    """Run the command and kill -9 its whole process group (it, git, the hook) while it commits; returns the
    page as committed before, which must still be HEAD's."""
    slow_hook(repo)
    before = committed(repo)
    proc = start(repo, *args)
    wait_for(repo.root / ".git/hook-started")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert committed(repo) == before             # nothing committed
    repo.git("config", "--unset", "gpg.ssh.program")
    return before


def test_rerun_after_kill_says_exactly_how_to_finish(repo):
    kill_while_committing(repo, "approve", "content/a.md", "--stage", "first")
    rerun = approve(repo)
    assert rerun.returncode == 1
    assert "commit the content first" not in rerun.stderr
    finish = re.search(r"finish it: (git commit -S --only -F \S+ -- \S+);", rerun.stderr)
    assert finish and "git checkout HEAD -- content/a.md" in rerun.stderr, rerun.stderr
    subprocess.run(finish.group(1), shell=True, cwd=repo.root, check=True, capture_output=True,
                   env=signing_env(repo, "chief1"))
    assert repo.problems() == {"first#0": []}     # the finished commit is valid evidence
    assert strays(repo) == []
    assert approve(repo, "second", "webadmin1").returncode == 0


def test_rerun_after_kill_says_exactly_how_to_undo(repo):
    before = kill_while_committing(repo, "approve", "content/a.md", "--stage", "first")
    rerun = approve(repo, lang="zh")
    assert rerun.returncode == 1 and "git checkout HEAD -- content/a.md" in rerun.stderr
    subprocess.run(["git", "checkout", "HEAD", "--", "content/a.md"], cwd=repo.root, check=True)
    assert (repo.root / "content/a.md").read_bytes() == before
    assert approve(repo).returncode == 0
    assert repo.problems() == {"first#0": []}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_while_committing_puts_the_file_back(repo, sig):
    slow_hook(repo)
    before = committed(repo)
    proc = start(repo, "approve", "content/a.md", "--stage", "first")
    wait_for(repo.root / ".git/hook-started")
    os.kill(proc.pid, sig)                        # to approve alone, as `kill` or a CI cancel sends it
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "Traceback" not in err and "interrupted" in err
    assert (repo.root / "content/a.md").read_bytes() == before and committed(repo) == before
    assert strays(repo) == []
    repo.git("config", "--unset", "gpg.ssh.program")
    assert approve(repo).returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root and tmpfs to make a small disk")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _repo_on(small_disk, repo):
    subprocess.run(["cp", "-a", f"{repo.root}/.", str(small_disk)], check=True)
    repo.root = small_disk
    return repo


# the signing program (approve runs no hooks): signs, then fills the disk before git writes the commit
FILL = f"""#!{sys.executable}
import subprocess, sys
signed = subprocess.run(["ssh-keygen", *sys.argv[1:]])
folder = subprocess.run(["git", "rev-parse", "--git-dir"], capture_output=True, text=True).stdout.strip()
with open(folder + "/filler", "ab", buffering=0) as out:      # every last byte of the disk
    for size in (1 << 16, 4096, 512, 64, 1):
        try:
            while True:
                out.write(bytes(size))
        except OSError:
            pass
sys.exit(signed.returncode)
"""


def test_disk_full_while_committing_leaves_the_page_as_it_was(repo, small_disk):
    repo = _repo_on(small_disk, repo)
    before = committed(repo)
    slow_hook(repo)
    (repo.root / ".git/slow-signer").write_text(FILL)    # the disk fills up during the commit
    result = approve(repo)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "was restored" in result.stderr
    assert "signingkey" not in result.stderr          # a full disk is no key problem
    assert (repo.root / "content/a.md").read_bytes() == before
    assert strays(repo) == []


def test_disk_full_before_writing_changes_nothing(repo, small_disk):
    repo = _repo_on(small_disk, repo)
    before = committed(repo)
    with open(small_disk / "filler", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError:
            pass
    result = approve(repo)
    assert result.returncode in (1, 2), result.stderr
    assert "Traceback" not in result.stderr
    assert (repo.root / "content/a.md").read_bytes() == before
    assert strays(repo) == []


def test_retract_killed_while_committing_says_how_to_finish(repo):
    kill_while_committing(repo, "retract", "content/a.md", "--reason", "发现涉密信息")
    rerun = start(repo, "retract", "content/a.md", "--reason", "发现涉密信息")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 1 and "commit the content first" not in err
    finish = re.search(r"finish it: (git commit -S --only -F \S+ -- \S+);", err)
    assert finish, err
    subprocess.run(finish.group(1), shell=True, cwd=repo.root, check=True, capture_output=True,
                   env=signing_env(repo, "chief1"))
    assert "withdrawn:" in committed(repo).decode() and strays(repo) == []


# -- item 7: missing tools, a read-only folder ------------------------------------------------------

def test_missing_ssh_keygen_is_a_clear_refusal(repo, tmp_path):
    tools = tmp_path / "tools"
    tools.mkdir()
    for name in ("git", "sh"):
        (tools / name).symlink_to(subprocess.run(["which", name], capture_output=True, text=True).stdout.strip())
    env = {**signing_env(repo, "chief1"), "PATH": f"{BIN}:{tools}"}
    before = committed(repo)
    proc = subprocess.run([str(BIN / "govgate"), "--lang", "en", "approve", "content/a.md", "--stage", "first"],
                          cwd=repo.root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "ssh-keygen is not installed" in proc.stderr
    assert (repo.root / "content/a.md").read_bytes() == before


def test_read_only_folder_is_a_clear_refusal(repo):
    content = repo.root / "content"
    if subprocess.run(["mount", "--bind", str(content), str(content)], capture_output=True).returncode != 0:
        pytest.skip("needs root to make a read-only folder")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(content)], check=True)
        before = committed(repo)
        result = approve(repo)
    finally:
        subprocess.run(["umount", str(content)], check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "the file was not changed" in result.stderr
    assert (content / "a.md").read_bytes() == before
