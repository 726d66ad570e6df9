"""Builds the gate with its content rules and evidence verifier: one recipe for every adapter."""

from __future__ import annotations

from .gate import Gate
from .site import SiteConfig, load_trust


def build_gate(config: SiteConfig) -> Gate:
    trust = load_trust(config)
    rules = None
    try:
        from .rules import RuleEngine  # noqa: PLC0415 - wired in while the rules engine lands
    except ImportError:  # pragma: no cover - transitional
        RuleEngine = None  # noqa: N806
    if RuleEngine is not None:
        options = dict(trust.policy.rule_options)
        options.setdefault("waivable_secret_rules", list(trust.policy.waivable_secret_rules))
        rules = RuleEngine.load(config.rules_dir if config.rules_dir.is_dir() else None, options)
    return Gate(config, rules=rules, trust=trust)
