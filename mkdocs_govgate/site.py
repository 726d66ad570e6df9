"""Where a site keeps its files, and loading its policy, roster and rules once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .cachefile import cache_folder
from .errors import GateError
from .i18n import Msg
from .policy import Policy
from .roster import Roster
from .siteconfig.settings import SiteSettings

DEFAULT_POLICY = "signoffs/policy.yml"
DEFAULT_REVIEWERS = "signoffs/reviewers.yml"
DEFAULT_RULES_DIR = "signoffs/rules"
DEFAULT_DOCS_DIR = "content"


@dataclass
class SiteConfig:
    root: Path                      # the repository / mkdocs.yml folder
    docs_dir: Path
    policy_path: Path
    reviewers_path: Path
    rules_dir: Path
    lang: str = "zh"
    assets: list[str] = field(default_factory=list)   # docs_dir files published without a page (extra_css …)
    on_unapproved: str = "fail"
    use_directory_urls: bool = True   # raw HTML links resolve against the page's output folder
    trust_root: str | None = None     # "<commit>:<admin key>": set only by an adapter from outside the repository
    cache_dir: Path | None = None     # None: cachefile.cache_folder (outside the checkout)
    repo_root: Path | None = None     # the git work tree (sealed paths are relative to it)
    settings: SiteSettings | None = None   # the safely read mkdocs.yml this site came from

    @classmethod
    def at(cls, root: Path, docs_dir: str | Path = DEFAULT_DOCS_DIR, policy: str | Path = DEFAULT_POLICY,
           reviewers: str | Path = DEFAULT_REVIEWERS, rules_dir: str | Path = DEFAULT_RULES_DIR,
           lang: str = "zh", assets: list[str] | None = None) -> SiteConfig:
        root = root.resolve()
        return cls(root, root / docs_dir, root / policy, root / reviewers, root / rules_dir, lang, list(assets or []))

    @property
    def caches(self) -> Path:
        """The folder of this site's caches (outside the checkout)."""
        return self.cache_dir or cache_folder(self.repo_root or self.root)

    def display(self, path: Path) -> str:
        """A path as people see it: relative to the site root when possible."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


@dataclass
class Trust:
    policy: Policy
    roster: Roster


def load_trust(config: SiteConfig) -> Trust:
    for path, what in ((config.policy_path, Msg("审核策略文件", "policy file")),
                       (config.reviewers_path, Msg("审核人员名册", "reviewer roster"))):
        if not path.is_file():
            raise GateError(Msg(f"找不到{what.zh}", f"{what.en} not found"), config.display(path),
                            hint=Msg("运行 govgate init 生成，或在配置中指明路径",
                                     "run `govgate init`, or set its path in the configuration"))
    policy = Policy.load(config.policy_path, config.display(config.policy_path))
    roster = Roster.load(config.reviewers_path, policy, config.display(config.reviewers_path))
    return Trust(policy, roster)
