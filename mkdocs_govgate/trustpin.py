"""The trust-root pin of a working copy: ``git config govgate.trustRoot <commit>:<admin key>``.

The pin is kept in the repository's git config, never in a file of the repository (a file would
be changed by the very commits it must judge).  ``govgate init`` writes it once the trust store
is committed; an editor or reviewer sets it once after a clone, with the value the site's admin
gives them (the same as CI's ``GOVGATE_TRUST_ROOT``).
"""

from __future__ import annotations

from pathlib import Path

from .evidence.gitobjects import run_git

CONFIG_KEY = "govgate.trustRoot"
ROSTER = "signoffs/reviewers.yml"


def configured_pin(root: Path) -> str:
    return run_git(root, "config", "--get", CONFIG_KEY, check=False).decode().strip()


def roster_introduction(root: Path) -> str | None:
    """The commit that first added the roster (the oldest one), or None before it is committed."""
    added = run_git(root, "log", "--format=%H", "--diff-filter=A", "--", ROSTER, check=False).decode().split()
    return added[-1] if added else None


def pin_if_admin(root: Path, commit: str, roster_key: str, fingerprint: str) -> str | None:
    """Pin ``commit:fingerprint`` when the key is in the roster that commit introduced; the value, or None.

    The verifier checks the pin properly (the key must be an admin's there); this only avoids
    pinning a key the roster never named, e.g. when someone else runs init on a cloned site.
    """
    roster = run_git(root, "show", f"{commit}:{ROSTER}", check=False).decode(errors="replace")
    key_material = " ".join(roster_key.split()[:2])
    if not key_material or key_material not in roster:
        return None
    value = f"{commit}:{fingerprint}"
    run_git(root, "config", CONFIG_KEY, value)
    return value
