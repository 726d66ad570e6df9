"""Finding a site's settings: one safe reading of mkdocs.yml for the plugin, the CLI and every hook.

Nothing here imports MkDocs' configuration loader: it runs ``!!python`` tags and imports
``hooks:`` modules, which would let anyone who can change mkdocs.yml run code on a reviewer's
machine.  :func:`site_config` reads the file (and its INHERIT chain) with the safe reader and
refuses any configuration the gate may not build with (siteconfig/judge.py).
"""

from __future__ import annotations

from pathlib import Path

from .errors import GateError
from .evidence.gitobjects import run_git
from .i18n import Msg
from .site import SiteConfig
from .siteconfig.judge import configuration_problems, refuse
from .siteconfig.settings import SiteSettings, load_settings


def find_config_file(start: Path) -> Path | None:
    for folder in [start.resolve(), *start.resolve().parents]:
        for name in ("mkdocs.yml", "mkdocs.yaml"):
            if (folder / name).is_file():
                return folder / name
    return None


def repository_root(folder: Path) -> Path:
    """The git work tree holding ``folder``; the folder itself outside git (sealed paths are relative to it)."""
    out = run_git(folder, "rev-parse", "--show-toplevel", check=False).decode().strip()
    return Path(out).resolve() if out else folder.resolve()


def read_worktree(root: Path):  # noqa: ANN201 - siteconfig.reader.Loader
    def load(rel: str) -> bytes | None:
        path = root / rel
        return path.read_bytes() if path.is_file() else None

    return load


def read_site_settings(config_file: Path) -> tuple[Path, SiteSettings]:
    """The repository root and the settings of ``config_file``, judged: a refused configuration raises."""
    repo_root = repository_root(config_file.parent)
    rel = config_file.resolve().relative_to(repo_root).as_posix()
    settings = load_settings(rel, read_worktree(repo_root))
    refuse(configuration_problems(settings))
    return repo_root, settings


def site_from_mkdocs(config_file: Path | None, start: Path, lang: str | None = None) -> SiteConfig:
    """The SiteConfig of the mkdocs.yml at ``config_file`` (else found above ``start``)."""
    if config_file is None:
        config_file = find_config_file(start)
    if config_file is None:
        raise GateError(Msg("找不到 mkdocs.yml：当前目录及其上级目录都不是网站目录",
                            "mkdocs.yml not found: neither this folder nor a parent is a site"), str(start),
                        hint=Msg("在网站目录（有 mkdocs.yml 的目录）中运行，或用 --config 指明 mkdocs.yml；"
                                 "新网站先运行 govgate init",
                                 "run it in the site's folder (where mkdocs.yml is), or give --config mkdocs.yml; "
                                 "for a new site, run govgate init first"))
    repo_root, settings = read_site_settings(Path(config_file))
    return site_from_settings(repo_root, settings, lang)


def site_from_settings(repo_root: Path, settings: SiteSettings, lang: str | None = None) -> SiteConfig:
    gate = settings.gate
    assert gate is not None   # the judge refuses a configuration without the gate
    local = [a for a in (*settings.extra_css, *settings.extra_javascript, *settings.extra_templates, *gate.assets)
             if "://" not in a and not a.startswith("//")]
    root = repo_root / settings.site_root if settings.site_root else repo_root
    site = SiteConfig(root=root.resolve(), docs_dir=repo_root / settings.docs_dir,
                      policy_path=repo_root / settings.at_root(gate.policy),
                      reviewers_path=repo_root / settings.at_root(gate.reviewers),
                      rules_dir=repo_root / settings.at_root(gate.rules_dir), lang=lang or gate.lang,
                      assets=sorted(set(local)), on_unapproved=gate.on_unapproved,
                      use_directory_urls=settings.use_directory_urls)
    site.repo_root = repo_root
    site.settings = settings
    return site
