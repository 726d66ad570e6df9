"""Is the checked-out site configuration the one admins made effective? One answer for every adapter.

History mode: every sealed path (siteconfig/sealed.py) as committed at HEAD must be what the chain
of admin-signed commits from the pinned root made effective (evidence/truststore.py), and the
checkout must hold exactly those files (no edits, no untracked or ignored extras).  Inline mode:
an admin's seal (siteconfig/seal.py) over the digests of those files, signed with the pinned key.
Either way a cache folder committed to the repository is refused: caches live outside it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .cachefile import LEGACY_CACHE_DIR, load_json, save_json
from .errors import GateError
from .evidence.gitobjects import run_git
from .evidence.inline import INLINE_NAMESPACE
from .evidence.openpgp import RosterKeyring
from .evidence.signatures import signer_key
from .evidence.sshsig import SignatureError
from .evidence.truststore import TrustRoot
from .i18n import Msg
from .site import SiteConfig, Trust
from .siteconfig.manifest import worktree_manifest
from .siteconfig.seal import RESEAL_HINT, SEAL_FLOOR_ENV, Seal, parse_seal_time, read_seal, seal_problems
from .siteconfig.sealed import SEAL_FILE, sealed_paths
from .sitefinder import read_site_settings


def run_git_text(cwd: Path, *args: str) -> str:
    return run_git(cwd, *args, check=False).decode("utf-8", errors="replace").strip()


def configuration_sealed_paths(config: SiteConfig) -> tuple[str, ...]:
    settings = config.settings
    return sealed_paths(settings, settings.config_files[0] if settings else "mkdocs.yml")


def verify_configuration(config: SiteConfig, trust: Trust, history_check: Callable[[], None] | None) -> None:
    """Raise GateError unless the site configuration is sealed.  ``history_check``: the history
    verifier's ``verify_configuration`` (history mode), called only after the checkout is clean."""
    if config.settings is None:    # a SiteConfig made in code: read its mkdocs.yml the one safe way
        config.repo_root, config.settings = read_site_settings(config.root / "mkdocs.yml")
    repo_root = config.repo_root or config.root
    sealed = configuration_sealed_paths(config)
    _refuse_committed_cache(repo_root, config.caches)
    if trust.policy.evidence == "history":
        _refuse_uncommitted(repo_root, sealed)
        if history_check is None:
            raise GateError(Msg("历史证据模式缺少历史核验", "history evidence without a history verifier"))
        history_check()
        return
    pin = TrustRoot.parse(config.trust_root) if config.trust_root else TrustRoot.from_outside(repo_root)
    seal_path = config.policy_path.parent / SEAL_FILE
    display = config.display(seal_path)
    seal = read_seal(seal_path, display)
    seal_rel = seal_path.resolve().relative_to(repo_root.resolve()).as_posix()
    manifest = worktree_manifest(repo_root, sealed, seal_rel)
    keyring = RosterKeyring(trust.roster, config.policy_path.parent)
    try:
        signer = signer_key(seal.signature.encode("utf-8"), seal.payload(), INLINE_NAMESPACE, keyring)
    except SignatureError as exc:
        raise GateError(Msg("封签的签名无效：", "the seal's signature is not valid: ") + exc.message, display,
                        hint=RESEAL_HINT) from None
    finally:
        keyring.close()
    problems = seal_problems(seal, signer, pin.matches(signer), trust.roster, manifest, pin.site)
    if problems:
        raise GateError(Msg("站点配置的封签不成立：", "the site configuration's seal does not hold: ")
                        + Msg("；".join(p.zh for p in problems), "; ".join(p.en for p in problems)), display,
                        hint=RESEAL_HINT)
    _refuse_rollback(seal, display, config.caches, pin.key)


def _refuse_rollback(seal: Seal, display: str, caches: Path, pin_key: str) -> None:
    """An old seal with its old configuration (a roster that still lists a since-revoked key) is genuine
    but stale: refuse a seal older than ``$GOVGATE_SEAL_NOT_BEFORE`` or than the newest seal this CI has
    already built with (remembered in its cache, outside the repository)."""
    at = parse_seal_time(seal.at, display)
    memory = caches / "seal-floor.json"
    remembered = load_json(memory)
    known = remembered.get(pin_key) if isinstance(remembered, dict) else None
    floors = [parse_seal_time(value, SEAL_FLOOR_ENV) for value in (os.environ.get(SEAL_FLOOR_ENV, "").strip(), known)
              if isinstance(value, str) and value]
    newest = max(floors, default=None)
    if newest is not None and at < newest:
        raise GateError(Msg(f"封签时间 {seal.at} 早于已经使用过的封签（{newest.isoformat()}）：旧配置被恢复（回滚）",
                            f"the seal of {seal.at} is older than one already built with ({newest.isoformat()}): an "
                            "old configuration was restored (rollback)"), display, hint=RESEAL_HINT)
    if known is None or at > parse_seal_time(known, display):
        save_json(memory, {pin_key: at.isoformat()})


def _refuse_committed_cache(repo_root: Path, caches: Path) -> None:
    """A cache folder holding committed files could carry verdicts or retraction memory anyone planted."""
    folders = [LEGACY_CACHE_DIR]
    if caches.resolve().is_relative_to(repo_root.resolve()):
        folders.append(caches.resolve().relative_to(repo_root.resolve()).as_posix())
    for folder in folders:
        if run_git_text(repo_root, "ls-files", "--", folder):
            raise GateError(Msg("仓库中提交了缓存目录：缓存不能来自仓库（可被人预置核验结果）", "a cache folder is committed to "
                                "the repository: caches are never taken from it (anyone could plant verification "
                                "results)"), folder, hint=Msg(f"git rm -r --cached {folder} 并提交",
                                                              f"git rm -r --cached {folder}, and commit"))


def _refuse_uncommitted(repo_root: Path, sealed: tuple[str, ...]) -> None:
    """History evidence vouches for committed files: the checkout must hold exactly those (ignored extras too)."""
    changed = run_git_text(repo_root, "status", "--porcelain", "--ignored", "--untracked-files=all", "--",
                           *[f":(literal){p}" for p in sealed])
    if changed:
        first = changed.splitlines()[0][3:]
        raise GateError(Msg("站点配置有未提交或被忽略的改动，不能据此构建或判断签核", "the site configuration has uncommitted "
                            "or ignored changes; the site cannot be built or judged with it"), first,
                        hint=Msg("提交（由管理员签名）或删除这些改动：git status --ignored " + first,
                                 "commit them (signed by an admin) or remove them: git status --ignored " + first))
