"""docs/walkthrough.md runs as written: every `sh` block, in order, in one shell.

The walkthrough is the README's promise of how the tool is used (an editor writes, three
reviewers sign, CI builds, the site manager audits and retracts); running it keeps the
promise true. Real keys, real signed commits, real pre-commit, real `mkdocs build`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

WALKTHROUGH = Path(__file__).resolve().parents[1] / "docs" / "walkthrough.md"
BLOCK_RE = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_walkthrough_runs_as_written(tmp_path: Path) -> None:
    blocks = BLOCK_RE.findall(WALKTHROUGH.read_text("utf-8"))
    assert len(blocks) >= 8
    script = "set -euo pipefail\n" + "\n".join(blocks)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GOVGATE_"))}
    env.update(HOME=str(home), PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}", NO_COLOR="1",
               GIT_CONFIG_NOSYSTEM="1", LANG="C.UTF-8")
    result = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    site = tmp_path / "site"
    # the last block retracted the notice: offline, and the record names who and why
    assert not (site / "site" / "tzgg" / "2026-heating").exists()
    assert "供暖时间调整，原通知作废" in result.stdout
    assert "孙七" in (site / "heating-sheet.html").read_text("utf-8")
    raw = subprocess.run(["git", "log", "--format=raw"], cwd=site, capture_output=True, text=True, env=env).stdout
    assert raw.count("\ngpgsig ") == 6, raw   # init, roster, three approvals and the retraction are signed
