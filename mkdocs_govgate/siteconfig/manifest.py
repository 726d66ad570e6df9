"""The digests of the configuration files in a checkout: what an admin's seal covers."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..errors import GateError
from ..i18n import Msg


def worktree_manifest(repo_root: Path, sealed: tuple[str, ...], exclude: str) -> dict[str, str]:
    """``{repository path: "sha256:…"}`` for every file under the sealed paths (dot-files and files git
    ignores included: MkDocs reads them all), except ``exclude`` (the seal itself).

    A symbolic link is refused: MkDocs would read whatever it points to, which no seal covers.
    """
    manifest: dict[str, str] = {}
    for rel in sealed:
        path = repo_root / rel
        if path.is_symlink():
            _refuse_link(rel)
        if path.is_file():
            manifest[rel] = file_digest(path)
        elif path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d != ".git")
                for name in [*dirs, *names]:
                    if (Path(folder) / name).is_symlink():
                        _refuse_link((Path(folder) / name).relative_to(repo_root).as_posix())
                for name in sorted(names):
                    file_rel = (Path(folder) / name).relative_to(repo_root).as_posix()
                    if file_rel != exclude:
                        manifest[file_rel] = file_digest(Path(folder) / name)
    return dict(sorted(manifest.items()))


def file_digest(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def _refuse_link(rel: str) -> None:
    raise GateError(Msg("站点配置中不能有符号链接：它指向的内容不在封签之内", "site configuration may not contain symbolic "
                        "links: what they point to is outside the seal"), rel,
                    hint=Msg("用真实文件代替该链接", "replace the link with the real file"))


def manifest_difference(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Paths added, removed or changed since ``expected`` (sorted)."""
    return sorted(p for p in set(expected) | set(actual) if expected.get(p) != actual.get(p))
