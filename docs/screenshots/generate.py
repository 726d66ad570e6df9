"""Make the README's screenshots from the demo site (DEMO ONLY keys): sheet.png and dashboard.png.

In a scratch copy of the demo (content/, signoffs/, overrides/, mkdocs.yml) one page is reviewed
again the real way — its sign-offs removed, then `govgate approve` by four reviewers, each a
signed commit — so its 审签表 shows approval commits and key fingerprints.  Then the demo is
built with `mkdocs build` and the audit dashboard is photographed.  Needs git, ssh-keygen and
Chromium.

Usage: python docs/screenshots/generate.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs_govgate.browser import screenshot

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PAGE = "content/zcwj/rural-revitalization-plan-2025.md"
REVIEWS = (("first", "zhaoliu", "内容准确，同意报复审。"),
           ("second", "sunqi", "经保密审查和文字校对，无涉密信息，同意报终审。"),
           ("final", "wuming", "同意发布。"),
           ("principal", "zhengqiang", "同意发布。"))


def run(cwd: Path, *args: str | Path, env: dict | None = None) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="govgate-shots-") as scratch:
        work, keys = Path(scratch) / "demo", Path(scratch) / "keys"
        work.mkdir()
        for name in ("content", "signoffs", "overrides"):
            shutil.copytree(ROOT / name, work / name)
        shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
        shutil.copytree(ROOT / "demo" / "keys", keys)
        for key in keys.iterdir():
            key.chmod(0o600)
        env = dict(os.environ, HOME=scratch, GIT_CONFIG_GLOBAL=str(Path(scratch) / "gitconfig"), GIT_CONFIG_NOSYSTEM="1")
        page = work / PAGE
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"^signoffs:\n.*?(?=^---$)", "", text, count=1, flags=re.M | re.S), encoding="utf-8")
        git = ("git", "-c", "user.name=王五", "-c", "user.email=wangwu@qinglan.demo")
        run(work, *git, "init", "-q", "-b", "main", env=env)
        run(work, *git, "add", "-A", env=env)
        run(work, *git, "commit", "-q", "-m", "演示站点", env=env)
        run(work, "git", "config", "gpg.format", "ssh", env=env)
        for stage, person, opinion in REVIEWS:
            run(work, "git", "config", "user.name", person, env=env)
            run(work, "git", "config", "user.email", f"{person}@qinglan.demo", env=env)
            run(work, "git", "config", "user.signingkey", keys / person, env=env)
            run(work, BIN / "govgate", "approve", PAGE, "--stage", stage, "--opinion", opinion, env=env)
        sheet = Path(scratch) / "sheet.html"
        run(work, BIN / "govgate", "sheet", PAGE, "--out", sheet, env=env)
        screenshot(sheet, OUT / "sheet.png", 900, 1500)
        run(work, BIN / "mkdocs", "build", env=env)
        screenshot(work / ".govgate-report" / "govgate-report.html", OUT / "dashboard.png", 1280, 1800)
    print(f"wrote {OUT / 'sheet.png'} and {OUT / 'dashboard.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
