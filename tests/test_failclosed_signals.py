"""Issue #12 item 5: an interrupted or failed build leaves nothing publishable and no process behind.

A real `mkdocs build` of a site large enough to use worker processes is sent SIGTERM or SIGINT (to
MkDocs alone, as a CI runner does) at several moments; other plugins (MkDocs hooks) raise SystemExit,
KeyboardInterrupt, or fail in their own ``on_build_error`` first.  Afterwards: either the build
finished (exit 0) or site_dir holds no HTML; and no process of the build is alive, so the output pipe
closes at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from sitekit import BIN, Site

PAGES = 450       # above pool.MIN_ITEMS: parsing and scanning run in forked workers


@pytest.fixture(scope="module")
def big_site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("signals") / "root")
    for n in range(PAGES):
        site.page(f"col{n % 9}/p{n}.md", f"第 {n} 篇正文。\n\n" + "政务公开内容。" * 40)
        site.approve(f"col{n % 9}/p{n}.md")
    return site


def _html(site: Site) -> list[str]:
    return [p.name for p in site.site_dir.rglob("*.html")] if site.site_dir.exists() else []


def _session_alive(sid: int) -> list[str]:
    found = subprocess.run(["ps", "-eo", "pid,sid,args"], capture_output=True, text=True).stdout.splitlines()
    return [line for line in found[1:] if line.split()[1] == str(sid)]


def _build(site: Site) -> subprocess.Popen:
    env = dict(os.environ, NO_COLOR="1", PYTHONWARNINGS="ignore")
    return subprocess.Popen([str(BIN / "mkdocs"), "build"], cwd=site.root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _finish(proc: subprocess.Popen) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=60)        # orphaned workers would keep the pipes open
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the build's output pipe stayed open: a process of the build outlived it")
    deadline = time.monotonic() + 5
    while _session_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_alive(proc.pid) == [], "processes of the build outlived it"
    return proc.returncode, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("delay", [1.5, 3.0])
def test_signal_leaves_no_partial_site_and_no_process(big_site, sig, delay):
    big_site.build()                                  # a previous complete site in site_dir
    proc = _build(big_site)
    time.sleep(delay)
    os.kill(proc.pid, sig)
    code, err = _finish(proc)
    if code != 0:
        assert _html(big_site) == [], f"{len(_html(big_site))} pages left after an interrupted build"
        assert "Traceback" not in err or "KeyboardInterrupt" in err


HOOKS = {      # MkDocs writes pages in on_post_page order: by p300 many are on disk
    "system_exit": "def on_post_page(output, page, config):\n"
                   "    if page.file.src_uri == 'col3/p300.md':\n        raise SystemExit(3)\n",
    "keyboard_interrupt": "def on_post_page(output, page, config):\n"
                          "    if page.file.src_uri == 'col3/p300.md':\n        raise KeyboardInterrupt\n",
    "other_build_error_raises": "from mkdocs.plugins import event_priority\n"
                                "def on_post_page(output, page, config):\n"
                                "    if page.file.src_uri == 'col3/p300.md':\n        raise RuntimeError('failed')\n"
                                "@event_priority(50)\n"
                                "def on_build_error(error):\n    raise RuntimeError('its clean-up failed too')\n",
}


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_other_plugins_cannot_skip_the_clean_up(big_site, hook):
    big_site.build()
    big_site.write("hooks.py", HOOKS[hook])
    big_site.extra_config = "hooks:\n  - hooks.py\n"
    big_site.write_config()
    try:
        code, err = _finish(_build(big_site))
    finally:
        big_site.extra_config = ""
        big_site.write_config()
    assert code != 0
    assert _html(big_site) == [], f"{len(_html(big_site))} pages left after a failed build"


def test_site_dir_that_cannot_be_emptied_is_said_not_crashed(tmp_path):
    site = Site(tmp_path / "root")
    site.page("a.md", "正文")                         # not approved: the build fails
    site.site_dir.mkdir()
    (site.site_dir / "stale.html").write_text("旧的页面")
    os.chmod(site.site_dir, 0o555)
    mount = subprocess.run(["mount", "--bind", "-o", "ro", str(site.site_dir), str(site.site_dir)],
                           capture_output=True)
    if mount.returncode != 0:
        pytest.skip("needs root to make a folder that cannot be emptied")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(site.site_dir)], check=True)
        result = site.build()
    finally:
        subprocess.run(["umount", str(site.site_dir)], check=False)
    assert result.returncode == 1
    assert "mkdocs_govgate/" not in result.stderr      # MkDocs' own clean_directory may fail; the gate's clean-up not
    assert "无法清空输出目录" in result.stderr and "切勿发布" in result.stderr


def test_a_worker_killed_mid_build_is_named_not_a_page(big_site):
    """kill -9 of the build's worker processes: the build stops saying a checker process died, not
    blaming a page with a BrokenPipeError, and leaves no site."""
    proc = _build(big_site)
    deadline = time.monotonic() + 60
    killed = 0
    while time.monotonic() < deadline and proc.poll() is None:      # every worker, as soon as it appears
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True,
                                  text=True).stdout.split()
        if children and time.monotonic() > deadline - 58:       # once the build is under way
            for pid in children:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                    killed += 1
                except ProcessLookupError:
                    pass
        time.sleep(0.2)
    code, err = _finish(proc)
    if not killed:
        pytest.skip("the build used no worker process at the moment it was looked at")
    assert code != 0 and _html(big_site) == []
    assert "BrokenPipeError" not in err and "Traceback" not in err, err[-2000:]
