"""Cryptographic evidence for sign-offs: signed commits (history) or inline signatures.

The plugin, CLI and hooks build one verifier per build with :func:`build_verifier` and pass
it to ``approval.evaluate`` as ``evidence``; call ``close()`` when the build is done (it
also writes the cache).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..cachefile import cache_folder
from ..errors import GateError
from ..i18n import Msg
from ..page import Page, Signoff
from ..pool import start_child
from ..roster import Roster
from .cache import ResultCache, cache_key
from .gitobjects import ensure_full_history, head_commit, repo_toplevel, run_git
from .history import VERIFIER_VERSION, HistoryEvidence, verify_head_configuration
from .inline import InlineEvidence
from .truststore import TRUST_ROOT_ENV, TrustRoot
from .versions import signoff_key

CONFIG_ENTRY = ":configuration"   # the cache's record that HEAD's configuration was verified
PREFILL_MIN = 200     # sign-offs: below this, forking costs more than the memory it saves

__all__ = ["CachedHistoryEvidence", "HistoryEvidence", "InlineEvidence", "TrustRoot", "TRUST_ROOT_ENV",
           "build_verifier"]


class CachedHistoryEvidence:
    """History evidence behind the result cache: history is only read when something changed."""

    def __init__(self, docs_dir: Path, policy_path: Path, reviewers_path: Path, trust_root: TrustRoot,
                 cache_dir: Path | None = None, config_path: str = "mkdocs.yml"):
        self.config_path = config_path
        self.docs_dir = docs_dir
        self.repo_root = repo_toplevel(docs_dir)
        ensure_full_history(self.repo_root)
        trust_dir = policy_path.resolve().parent
        self.trust_dir = trust_dir.relative_to(self.repo_root.resolve()).as_posix()
        if reviewers_path.resolve().parent != trust_dir:
            raise GateError(Msg("审核策略与名册必须在同一目录（信任库）中", "the policy and the roster must share one "
                                "folder (the trust store)"))
        self.policy_file, self.roster_file = policy_path.name, reviewers_path.name
        self.trust_root = trust_root
        self.head = head_commit(self.repo_root)
        store = run_git(self.repo_root, "rev-parse", "--verify", "-q", f"{self.head}:{self.trust_dir}",
                        check=False).decode().strip()
        prefix = docs_dir.resolve().relative_to(self.repo_root.resolve()).as_posix()
        self.docs_prefix = "" if prefix == "." else prefix + "/"
        key = cache_key(VERIFIER_VERSION, self.head, store, trust_root.commit, trust_root.key, self.docs_prefix,
                        self.policy_file, self.roster_file)
        folder = cache_dir if cache_dir is not None else cache_folder(self.repo_root)
        self.cache = ResultCache(folder, key)
        self._history: HistoryEvidence | None = None
        self._failed: dict[tuple[str, str, str], GateError] = {}

    @property
    def history(self) -> HistoryEvidence:
        if self._history is None:
            self._history = HistoryEvidence(self.repo_root, self.docs_dir, self.trust_root, self.trust_dir,
                                            self.policy_file, self.roster_file, self.config_path)
        return self._history

    def verify_configuration(self) -> None:
        """HEAD's site configuration is the one admins' signed commits made effective (raises GateError).

        The verdict for this HEAD and pin is remembered: a warm build does not walk history again.
        """
        if self.cache.lookup(CONFIG_ENTRY, self.head, "sealed") == []:
            return
        verify_head_configuration(self.repo_root, self.docs_dir, self.trust_root, self.trust_dir, self.policy_file,
                                  self.roster_file, self.config_path)
        self.cache.store(CONFIG_ENTRY, self.head, "sealed", [])

    def __call__(self, page: Page, signoff: Signoff) -> list[Msg]:
        repo_path = self.docs_prefix + page.path
        blob = page.blob_id
        entry = signoff_key(signoff)
        cached = self.cache.lookup(repo_path, blob, entry)
        if cached is not None:
            return cached
        failed = self._failed.get((repo_path, blob, entry))
        if failed is not None:
            raise failed
        problems = self.history(page, signoff)
        self.cache.store(repo_path, blob, entry, problems)
        return problems

    def prefill(self, pages: list[Page]) -> Callable[[], None] | None:
        """Start verifying every sign-off the cache cannot answer, in a forked process (pool.start_child).

        A large site's history index, page versions and commits then never occupy this process
        (the plugin shares it with MkDocs): only the answers come back, into the cache, when the
        returned function is called (meanwhile this process can do other work).  An error is kept
        and raised when that sign-off is asked about, exactly as without prefill.  None: nothing to
        start (few enough to verify here when asked).
        """
        todo = []
        for page in pages:
            repo_path, blob = self.docs_prefix + page.path, page.blob_id
            for signoff in page.signoffs:
                key = (repo_path, blob, signoff_key(signoff))
                if self.cache.lookup(*key) is None:
                    todo.append((page, signoff, key))
        if len(todo) < PREFILL_MIN or self._history is not None:
            return None

        def verify_all() -> list[list[Msg] | GateError]:
            answers: list[list[Msg] | GateError] = []
            for page, signoff, _ in todo:
                try:
                    answers.append(self.history(page, signoff))
                except GateError as error:
                    answers.append(error)
            return answers

        answers = start_child(verify_all)

        def join() -> None:
            for (_, _, key), answer in zip(todo, answers(), strict=True):
                if isinstance(answer, GateError):
                    self._failed[key] = answer
                else:
                    self.cache.store(*key, answer)

        join.cancel = answers.cancel  # type: ignore[attr-defined]   # SiteCheck.cancel: a failed build
        return join

    def close(self) -> None:
        self.cache.save()
        if self._history is not None:
            self._history.close()


def build_verifier(mode: str, docs_dir: Path, policy_path: Path, reviewers_path: Path, roster: Roster,
                   trust_root: TrustRoot | None = None, cache_dir: Path | None = None,
                   config_path: str = "mkdocs.yml"):  # noqa: ANN201
    """The evidence callable for the policy's ``evidence`` mode.

    ``trust_root``: the pin an adapter got from outside the repository; None: the environment or
    ``git config govgate.trustRoot`` (TrustRoot.from_outside).  ``cache_dir``: default
    cachefile.cache_folder (outside the checkout).
    """
    if mode == "inline":
        return InlineEvidence(roster, policy_path.parent)
    pin = trust_root or TrustRoot.from_outside(repo_toplevel(docs_dir))
    return CachedHistoryEvidence(docs_dir, policy_path, reviewers_path, pin, cache_dir, config_path)
