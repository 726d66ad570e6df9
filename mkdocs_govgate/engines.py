"""Builds the gate with its content rules and evidence verifier: one recipe for every adapter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import scancache
from .approval import Evidence
from .configtrust import verify_configuration
from .evidence import CachedHistoryEvidence, build_verifier
from .evidence.retraction import RetractionLedger, VoidedByRetraction, WithdrawalVerifier
from .evidence.truststore import TrustRoot
from .gate import Gate
from .rules import RuleEngine
from .site import SiteConfig, Trust, load_trust


def build_rules(config: SiteConfig, trust: Trust) -> RuleEngine:
    options = dict(trust.policy.rule_options)
    options.setdefault("waivable_secret_rules", list(trust.policy.waivable_secret_rules))
    return RuleEngine.load(config.rules_dir if config.rules_dir.is_dir() else None, options)


def _verifier(config: SiteConfig, trust: Trust):  # noqa: ANN202 - CachedHistoryEvidence | InlineEvidence
    return build_verifier(trust.policy.evidence, config.docs_dir, config.policy_path, config.reviewers_path,
                          trust.roster, trust_root=TrustRoot.parse(config.trust_root) if config.trust_root else None,
                          cache_dir=config.caches, config_path=config.settings.config_files[0]
                          if config.settings else "mkdocs.yml")


def _prove_sealed(config: SiteConfig, trust: Trust, verifier) -> None:  # noqa: ANN001
    history = verifier.verify_configuration if isinstance(verifier, CachedHistoryEvidence) else None
    verify_configuration(config, trust, history)


def verify_sealed(config: SiteConfig, trust: Trust) -> None:
    """Prove the site configuration sealed, for a command that verifies no sign-off (``approve``): the policy,
    roster and rules it acts on are then the ones admins made effective."""
    verifier = _verifier(config, trust)
    try:
        _prove_sealed(config, trust, verifier)
    finally:
        verifier.close()


def build_evidence(config: SiteConfig, trust: Trust, *, verify_config: bool = True) -> Evidence:
    """The sign-off verifier; with ``verify_config`` (every authority: build, check, server) it first proves
    the site configuration sealed (configtrust.py), or raises."""
    verifier = _verifier(config, trust)
    if verify_config:
        _prove_sealed(config, trust, verifier)
    # sign-offs a retraction took down never count again, in either mode (evidence/retraction.py)
    cache = config.caches if trust.policy.evidence == "history" else None   # inline mode writes no cache
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


def build_gate(config: SiteConfig, *, verify_config: bool = True) -> Gate:
    """``verify_config=False`` only for the editor's pre-commit hook: committing configuration is when it is
    not yet sealed, and a client hook is advice.  Builds, check, approve and the server are the authority."""
    trust = load_trust(config)
    evidence = build_evidence(config, trust, verify_config=verify_config)   # first: nothing unsealed is read
    rules = scancache.cached(build_rules(config, trust), config.caches)   # rescans only what changed
    return Gate(config, rules=rules, evidence=evidence, trust=trust,
                withdrawals=WithdrawalVerifier(trust.roster, config.policy_path.parent))
