"""Builds the gate with its content rules and evidence verifier: one recipe for every adapter."""

from __future__ import annotations

from .approval import Evidence
from .gate import Gate
from .rules import RuleEngine
from .site import SiteConfig, Trust, load_trust


def build_rules(config: SiteConfig, trust: Trust) -> RuleEngine:
    options = dict(trust.policy.rule_options)
    options.setdefault("waivable_secret_rules", list(trust.policy.waivable_secret_rules))
    return RuleEngine.load(config.rules_dir if config.rules_dir.is_dir() else None, options)


def build_evidence(config: SiteConfig, trust: Trust) -> Evidence:
    from .evidence.inline import InlineEvidence  # noqa: PLC0415 - the git side is only loaded when needed

    if trust.policy.evidence == "inline":
        return InlineEvidence(trust.roster, config.policy_path.parent)
    raise NotImplementedError("history evidence")


def build_gate(config: SiteConfig) -> Gate:
    trust = load_trust(config)
    return Gate(config, rules=build_rules(config, trust), evidence=build_evidence(config, trust), trust=trust)
