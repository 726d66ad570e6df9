"""Which files are site configuration: the paths only an admin may change."""

from __future__ import annotations

import posixpath

from .settings import SiteSettings

# CI pipelines build and deploy the site (GitLab's include: local files live in .gitlab/ by convention);
# CODEOWNERS decides who must review on a forge; the pre-commit configuration runs code on editors' and
# reviewers' machines; .gitattributes changes how git writes files into the checkout.
FIXED_SEALED = (".github", ".gitlab-ci.yml", ".gitlab", "CODEOWNERS", ".pre-commit-config.yaml", ".gitattributes")
SEAL_FILE = "seal.yml"      # inside the trust store folder: the admin's seal (inline mode)


def _local(name: str) -> bool:
    return "://" not in name and not name.startswith("//")


def sealed_paths(settings: SiteSettings | None, config_path: str = "mkdocs.yml") -> tuple[str, ...]:
    """Repository paths (files or folders) that are site configuration, sorted, without overlaps.

    ``settings`` None: the configuration could not be read, so only what never depends on it.
    """
    paths = {config_path, *FIXED_SEALED}
    if settings is None:
        return tuple(sorted(paths | {"signoffs"}))
    paths.update(settings.config_files)
    gate = settings.gate
    if gate is not None:
        paths.add(posixpath.dirname(settings.at_root(gate.policy)) or settings.at_root(gate.policy))
        paths.add(posixpath.dirname(settings.at_root(gate.reviewers)) or settings.at_root(gate.reviewers))
        paths.add(settings.at_root(gate.rules_dir))
        paths.update(settings.in_docs(a) for a in gate.assets if _local(a))
        paths.update(settings.at_root(p) for p in gate.sealed)
    else:
        paths.add(settings.at_root("signoffs"))
    if settings.custom_dir:
        paths.add(settings.custom_dir)
    for plugin in settings.plugins:      # files plugins read from docs_dir on their own (not pages, not linked)
        if plugin.base_name == "blog":
            blog = str(plugin.options.get("blog_dir", "blog"))
            authors = str(plugin.options.get("authors_file", "{blog}/.authors.yml")).replace("{blog}", blog)
            paths.add(settings.in_docs(authors))
    for name in (*settings.extra_css, *settings.extra_javascript, *settings.extra_templates):
        if _local(name):
            paths.add(settings.in_docs(name))
    return _without_overlaps(paths)


def _without_overlaps(paths: set[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for path in sorted(p for p in paths if p not in ("", ".")):
        if not any(path.startswith(k + "/") for k in kept):
            kept.append(path)
    return tuple(kept)


def is_sealed(path: str, sealed: tuple[str, ...]) -> bool:
    """Is repository path ``path`` (a file) configuration?"""
    return any(path == p or path.startswith(p + "/") for p in sealed)
