"""Builds the gate with its content rules and evidence verifier: one recipe for every adapter."""

from __future__ import annotations

from .approval import Evidence
from .errors import GateError
from .evidence import build_verifier
from .evidence.gitobjects import repo_toplevel, run_git
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


def build_evidence(config: SiteConfig, trust: Trust) -> Evidence:
    if trust.policy.evidence == "history":
        _refuse_uncommitted_trust_store(config)
    return build_verifier(trust.policy.evidence, config.docs_dir, config.policy_path, config.reviewers_path,
                          trust.roster, trust_root=config.trust_root, cache_dir=config.cache_dir)


def build_gate(config: SiteConfig) -> Gate:
    trust = load_trust(config)
    return Gate(config, rules=build_rules(config, trust), evidence=build_evidence(config, trust), trust=trust)
