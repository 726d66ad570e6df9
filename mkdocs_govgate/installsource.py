"""Where CI installs govgate from: the source this copy was installed from, pinned to a commit.

mkdocs-govgate is not on the package index, so the CI files ``govgate init`` writes install it
with pip from a git URL pinned to one commit — the same code the site manager runs.  pip records
where a package came from (PEP 610 ``direct_url.json``): a git URL with its commit, or a local
folder, whose own git remote and commit are then used.  Without either, the CI files get a
placeholder and init lists it as a to-do.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

DISTRIBUTION = "mkdocs-govgate"
PLACEHOLDER = "git+https://<本单位代码仓库>/mkdocs-govgate.git@<提交>"


@dataclass(frozen=True)
class InstallSource:
    url: str            # pip's VCS form: git+<url>@<commit>
    known: bool         # False: the placeholder, to be filled in by hand

    @property
    def requirement(self) -> str:
        return f"{DISTRIBUTION} @ {self.url}"

    def with_extra(self, extra: str) -> str:
        return f"{DISTRIBUTION}[{extra}] @ {self.url}"


def _git(folder: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def _pip_url(remote: str) -> str:
    """git's scp-like ``user@host:path`` is ``ssh://user@host/path`` for pip."""
    if "://" not in remote and ":" in remote:
        host, _, path = remote.partition(":")
        return f"ssh://{host}/{path}"
    return remote


def from_direct_url(text: str | None) -> InstallSource:
    """The pinned source described by a ``direct_url.json`` document (None: not recorded)."""
    try:
        info = json.loads(text) if text else {}
    except ValueError:
        info = {}
    url = info.get("url", "") if isinstance(info, dict) else ""
    vcs = info.get("vcs_info") if isinstance(info, dict) else None
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id") and url:
        return InstallSource(f"git+{url}@{vcs['commit_id']}", True)
    if url.startswith("file://"):
        folder = Path(unquote(urlparse(url).path))
        remote = _git(folder, "remote", "get-url", "origin") if folder.is_dir() else ""
        commit = _git(folder, "rev-parse", "HEAD") if remote else ""
        if remote and commit and not remote.startswith(("/", ".", "file:")):   # CI cannot reach a local path
            return InstallSource(f"git+{_pip_url(remote)}@{commit}", True)
    return InstallSource(PLACEHOLDER, False)


def current_source() -> InstallSource:
    try:
        text = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        text = None
    return from_direct_url(text)
