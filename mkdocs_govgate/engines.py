"""Builds the gate with its content rules and evidence verifier: one recipe for every adapter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import scancache
from .approval import Evidence
from .cachefile import DEFAULT_CACHE_DIR
from .errors import GateError
from .evidence import build_verifier
from .evidence.gitobjects import repo_toplevel, run_git
from .evidence.retraction import RetractionLedger, VoidedByRetraction, WithdrawalVerifier
from .gate import Gate
from .i18n import Msg
from .rules import RuleEngine
from .site import SiteConfig, Trust, load_trust


def build_rules(config: SiteConfig, trust: Trust) -> RuleEngine:
    options = dict(trust.policy.rule_options)
    options.setdefault("waivable_secret_rules", list(trust.policy.waivable_secret_rules))
    return RuleEngine.load(config.rules_dir if config.rules_dir.is_dir() else None, options)


def _refuse_uncommitted_trust_store(config: SiteConfig) -> None:
    """History evidence vouches for the committed trust store; the build must judge with that one."""
    root = repo_toplevel(config.docs_dir)
    folder = config.policy_path.parent
    changed = run_git(root, "status", "--porcelain", "--untracked-files=all", "--", str(folder)).decode().strip()
    if changed:
        raise GateError(Msg("信任库（审核策略与名册）有未提交的改动，不能据此判断签核",
                            "the trust store (policy and roster) has uncommitted changes; sign-offs cannot be "
                            "judged against it"), config.display(folder),
                        hint=Msg("提交（由管理员签名）或撤销这些改动：git status " + config.display(folder),
                                 "commit them (signed by an admin) or undo them: git status " + config.display(folder)))


def build_evidence(config: SiteConfig, trust: Trust, *, committed_trust_only: bool = True) -> Evidence:
    if trust.policy.evidence == "history" and committed_trust_only:
        _refuse_uncommitted_trust_store(config)
    verifier = build_verifier(trust.policy.evidence, config.docs_dir, config.policy_path, config.reviewers_path,
                              trust.roster, trust_root=config.trust_root, cache_dir=config.cache_dir)
    # sign-offs a retraction took down never count again, in either mode (evidence/retraction.py)
    cache = None
    if trust.policy.evidence == "history":   # history mode keeps a cache already; inline mode writes none
        cache = config.cache_dir or repo_toplevel(config.docs_dir) / DEFAULT_CACHE_DIR
    # read (all of history, on a fresh clone) only when a sign-off is judged: an editor's hook run seldom needs it
    ledger = _Lazy(lambda: RetractionLedger.from_repo(config.docs_dir, cache))
    return VoidedByRetraction(verifier, ledger)  # type: ignore[arg-type]


class _Lazy:
    """Stands for the object ``make()`` returns, made on first use."""

    def __init__(self, make: Callable[[], Any]):
        self._make = make
        self._made: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._made is None:
            self._made = self._make()
        return getattr(self._made, name)


def build_gate(config: SiteConfig, *, committed_trust_only: bool = True) -> Gate:
    """``committed_trust_only=False`` for pre-commit: committing the trust store is when it is uncommitted.

    Builds and the server hook keep the refusal; they are the authority, a client hook is advice.
    """
    trust = load_trust(config)
    rules = scancache.cached(build_rules(config, trust), config.cache_dir, config.root)   # rescans only what changed
    evidence = build_evidence(config, trust, committed_trust_only=committed_trust_only)
    return Gate(config, rules=rules, evidence=evidence, trust=trust,
                withdrawals=WithdrawalVerifier(trust.roster, config.policy_path.parent))
