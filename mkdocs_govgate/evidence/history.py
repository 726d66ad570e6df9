"""History evidence: each sign-off entry must have been introduced by a valid approval commit.

For an entry (every field: stage, by, decision, opinion, at, digest, signature) on a page at
HEAD, every commit in HEAD's history where the entry appears in the page while absent from
all of that commit's parents is an *introduction*.  Each introduction must be an approval
commit judged against the trust store effective at its PARENT (never its dates):

* signed (SSH namespace ``git`` or OpenPGP) by a key the parent's roster registers for ``by``,
  not retired, not compromised, the person holding a role of the stage and still authorised;
* changing exactly one file, that page, by appending exactly this entry (nothing else in the
  front-matter or body changes);
* with trailers repeating page, stage, by, decision and digest of the entry.

A merge that introduces an entry is judged the same way (an unsigned merge fails).  Forge
"squash" and "rebase" merges re-create commits without the reviewers' signatures: merge
approval branches fast-forward, or use ``evidence: inline``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import GateError
from ..i18n import Msg
from ..links import PAGE_SUFFIXES
from ..page import Page, Signoff
from . import parallel
from .gitobjects import ObjectReader, ensure_full_history, head_commit, missing_history_error, run_git
from .historyindex import Change, HistoryIndex, build_index
from .trailers import ApprovalTrailer, parse_trailer
from .truststore import (
    SignatureChecker,
    TrustChain,
    TrustRoot,
    TrustWalker,
    changed_paths,
    key_problems,
)
from .versions import UNREADABLE, PageVersion, read_version, read_version_parsed, signoff_key

VERIFIER_VERSION = "history-2"   # 2: the whole site configuration is sealed, not only signoffs/


@dataclass(frozen=True)
class Introduction:
    change: Change
    problems: tuple[Msg, ...]


class HistoryEvidence:
    """Built once per build for a repository; call it with ``(page, signoff)`` → problems.

    ``docs_dir`` is the MkDocs docs_dir; page paths given later are relative to it.
    ``trust_dir`` holds ``policy_file`` and ``roster_file`` (``signoffs/policy.yml`` …).
    """

    def __init__(self, repo_root: Path, docs_dir: Path, trust_root: TrustRoot, trust_dir: str = "signoffs",
                 policy_file: str = "policy.yml", roster_file: str = "reviewers.yml", config_path: str = "mkdocs.yml"):
        self.repo_root = repo_root
        ensure_full_history(repo_root)
        self.head = head_commit(repo_root)
        prefix = docs_dir.resolve().relative_to(repo_root.resolve()).as_posix()
        self.docs_prefix = "" if prefix == "." else prefix + "/"
        self.trust_dir = trust_dir.strip("/")
        self.reader = ObjectReader(repo_root)
        self.index: HistoryIndex = build_index(repo_root, self.head, self.docs_prefix, self.trust_dir + "/")
        self.checker = SignatureChecker(self.reader, self.trust_dir)
        self.walker = TrustWalker(self.reader, self.checker, self.index, self.trust_dir, policy_file, roster_file,
                                  config_path)
        self.chain: TrustChain = self.walker.walk(trust_root)
        self._check_head_trust_store()
        self._versions: dict[str | None, PageVersion] = {None: PageVersion((), "")}
        self._introductions: dict[tuple[str, str], list[Introduction]] = {}
        self._head_blobs: dict[str, str | None] = {}
        self._prefetch()

    def _prefetch(self) -> None:
        """Read every page version and approval commit in one stream; parse and check SSH signatures on all cores."""
        blobs: dict[str, str] = {}
        commits: set[str] = set()
        for path, changes in self.index.changes.items():
            if not path.endswith(PAGE_SUFFIXES):
                continue
            for change in changes:
                commits.add(change.commit)
                for blob in (change.new, *change.old):
                    if blob is not None:
                        blobs.setdefault(blob, path)
        # Workers read the objects themselves (parallel.py): the raw history never passes through here.
        versions, checked = parallel.parse_and_verify(self.repo_root, sorted((path, oid) for oid, path in blobs.items()),
                                                      sorted(commits))
        self._versions.update(versions)
        for oid, (commit, signer) in checked.items():
            if commit is not None:
                self.reader.remember(commit)
            if signer is not None:
                self.checker.remember(oid, signer)

    def close(self) -> None:
        self.checker.close()
        self.reader.close()

    # -- trust store --------------------------------------------------------------------------

    def _check_head_trust_store(self) -> None:
        check_head_configuration(self.head, self.walker, self.chain, self.trust_dir)

    @property
    def trusted_state(self):  # noqa: ANN201 - TrustState
        """The trust store effective at HEAD (policy and roster the build must use)."""
        return self.chain.states[self.head]

    # -- per page -----------------------------------------------------------------------------

    def _version(self, path: str, blob: str | None) -> PageVersion:
        version = self._versions.get(blob)
        if version is None:
            assert blob is not None
            kind, data = self.reader.read(blob)
            version = read_version(path, data) if kind == "blob" else UNREADABLE
            self._versions[blob] = version
        return version

    def _head_blob(self, repo_path: str) -> str | None:
        if not self._head_blobs:
            out = run_git(self.repo_root, "ls-tree", "-r", "-z", "--full-tree", self.head, "--",
                          self.docs_prefix or ".")
            for record in out.split(b"\0"):
                meta, _, name = record.partition(b"\t")
                fields = meta.split(b" ")
                if len(fields) == 3 and fields[1] == b"blob":
                    self._head_blobs[name.decode("utf-8", errors="surrogateescape")] = fields[2].decode()
            self._head_blobs.setdefault("", None)
        if repo_path not in self._head_blobs:
            found = self.reader.resolve(f"{self.head}:{repo_path}")
            self._head_blobs[repo_path] = found[0] if found and found[1] == "blob" else None
        return self._head_blobs[repo_path]

    def introductions(self, repo_path: str, signoff: Signoff) -> list[Introduction]:
        key = signoff_key(signoff)
        cached = self._introductions.get((repo_path, key))
        if cached is None:
            cached = []
            for change in self.index.changes.get(repo_path, []):
                if key in self._version(repo_path, change.new).entries and not any(
                        key in self._version(repo_path, old).entries for old in change.old):
                    cached.append(Introduction(change, tuple(self._judge(repo_path, signoff, change))))
            self._introductions[(repo_path, key)] = cached
        return cached

    def __call__(self, page: Page, signoff: Signoff) -> list[Msg]:
        repo_path = self.docs_prefix + page.path
        key = signoff_key(signoff)
        head_blob = self._head_blob(repo_path)
        if head_blob is None or key not in self._version(repo_path, head_blob).entries:
            return [Msg("该签核记录尚未提交到 Git 历史中，没有签名证据",
                        "this sign-off entry is not in a committed version of the page: there is no signed evidence")]
        found = self.introductions(repo_path, signoff)
        if not found:
            raise missing_history_error(f"{repo_path} @ {self.head[:12]}")
        problems: list[Msg] = []
        for intro in found:
            for problem in intro.problems:
                problems.append(Msg(f"提交 {intro.change.commit[:12]}：", f"commit {intro.change.commit[:12]}: ")
                                + problem)
        problems.extend(self._order_problems(page, signoff, repo_path, found))
        return problems

    def _order_problems(self, page: Page, signoff: Signoff, repo_path: str, found: list[Introduction]) -> list[Msg]:
        """The list order must be history order: a later commit cannot reorder entries to fake stage order."""
        mine = min(self.index.order[i.change.commit] for i in found)
        for earlier in page.signoffs[:signoff.index]:
            intros = self.introductions(repo_path, earlier)
            if intros and min(self.index.order[i.change.commit] for i in intros) > mine:
                return [Msg("签核记录的顺序与提交历史不符（条目被调换了位置）",
                            "sign-off entries are listed out of their history order (entries were reordered)")]
        return []

    # -- judging one approval commit ----------------------------------------------------------

    def _judge(self, repo_path: str, signoff: Signoff, change: Change) -> list[Msg]:
        key = signoff_key(signoff)
        oid = change.commit
        parents = self.index.parents[oid]
        if not parents:
            return [Msg("签核记录出现在仓库的第一个提交中，没有可依据的名册", "the entry appears in the repository's first "
                        "commit, with no roster to judge it against")]
        state = self.chain.states.get(parents[0])
        if state is None:
            return [Msg("引入签核记录的提交不在信任根之后的历史中", "the commit introducing this entry is not in history "
                        "after the trust root")]
        commit = self.checker.commit(oid)
        if isinstance(commit, Msg):
            return [commit]
        new = self._version(repo_path, change.new)
        problems: list[Msg] = []
        signer = self.checker.signer(oid, state)
        if isinstance(signer, Msg):
            problems.append(signer)
        if any(self.index.changed_paths.get((oid, i), 0) != 1 for i in range(len(parents))):
            problems.append(Msg("签核提交还改动了其他文件（签核提交只能包含这一页的签核记录）",
                                "the approval commit changes other files too (it may only add this page's sign-off)"))
        for old_blob in change.old:
            old = self._version(repo_path, old_blob)
            if old_blob and not old.parsed:
                problems.append(Msg("签核提交之前的页面版本无法解析，无法确认该提交只追加了这一条签核记录",
                                    "the page's version before the approval commit cannot be read, so it cannot be "
                                    "shown that the commit only appends this entry"))
                break
            if old_blob and change.new and old.content_hash[:2] != new.content_hash[:2]:
                # one version was read by the text shortcut, the other by YAML: compare like with like
                old = read_version_parsed(repo_path, self.reader.blob(old_blob))
                new = read_version_parsed(repo_path, self.reader.blob(change.new))
            if new.entries[-1:] != (key,) or old.entries != new.entries[:-1]:
                problems.append(Msg("签核提交不是只在末尾追加这一条签核记录", "the approval commit does more than append "
                                    "this one sign-off entry"))
                break
            if old.content_hash != new.content_hash:
                problems.append(Msg("签核提交同时改动了页面内容", "the approval commit also changes the page content"))
                break
        stage, by, decision, digest = signoff.stage, signoff.by, signoff.decision, signoff.digest
        trailer = parse_trailer(commit.message)
        if isinstance(trailer, Msg):
            problems.append(trailer)
        else:
            problems.extend(_trailer_problems(trailer, ApprovalTrailer(repo_path, stage, by, decision, digest)))
        if isinstance(signer, Msg):
            return problems
        at_day = signoff.at.date()
        problems.extend(key_problems(state, self.chain.compromised, by, signer, commit, at_day))
        person = state.roster.person(by)
        policy_stage = state.policy.stages.get(stage)
        if policy_stage is None:
            problems.append(Msg(f"审核策略中没有环节“{stage}”", f"the policy has no stage '{stage}'"))
        elif person is not None and not set(person.roles) & set(policy_stage.roles):
            problems.append(Msg(f"{by} 不具有“{policy_stage.title}”环节所需的角色", f"{by} holds no role allowed to sign "
                                f"stage '{stage}'"))
        return problems


def _trailer_problems(found: ApprovalTrailer, expected: ApprovalTrailer) -> list[Msg]:
    names = {"page": ("页面", "page"), "stage": ("环节", "stage"), "by": ("签核人", "by"),
             "decision": ("结论", "decision"), "digest": ("摘要", "digest")}
    problems = []
    for attr, (zh, en) in names.items():
        if getattr(found, attr) != getattr(expected, attr):
            problems.append(Msg(f"签核提交尾注中的{zh}（{getattr(found, attr)}）与签核记录（{getattr(expected, attr)}）不一致",
                                f"the approval commit's trailer states {en} {getattr(found, attr)!r}, the entry says "
                                f"{getattr(expected, attr)!r}"))
    return problems


def repo_root_of(path: Path) -> Path:
    return Path(run_git(path, "rev-parse", "--show-toplevel").decode().strip())


def check_head_configuration(head: str, walker: TrustWalker, chain: TrustChain, trust_dir: str) -> None:
    """HEAD's site configuration (trust store and every sealed file) must be the one admins made effective."""
    state = chain.states.get(head)
    actual = walker.configuration(head)
    if state is not None and actual.identity == (state.tree, state.sealed):
        return
    changed = changed_paths(state.sealed, actual.sealed) if state is not None else []
    if state is None or actual.tree != state.tree:
        changed.insert(0, trust_dir + "/")
    reasons = "; ".join(f"{v.commit[:12]}: {v.reason.zh}" for v in chain.violations[-5:])
    reasons_en = "; ".join(f"{v.commit[:12]}: {v.reason.en}" for v in chain.violations[-5:])
    raise GateError(
        Msg(f"站点配置含有未经管理员签名认可的修改（{', '.join(changed)}），不可信：{reasons}",
            f"the site configuration holds changes no admin signed ({', '.join(changed)}): not trusted: "
            f"{reasons_en}"),
        changed[0] if changed else trust_dir,
        hint=Msg("由管理员用签名提交（git commit -S）重新提交该修改，或撤销（git revert）未经认可的提交",
                 "have an admin re-commit the change with a signed commit (git commit -S), or revert the "
                 "unapproved commit(s)"))


def verify_head_configuration(repo_root: Path, docs_dir: Path, trust_root: TrustRoot, trust_dir: str,
                              policy_file: str, roster_file: str, config_path: str) -> None:
    """Only the trust walk: HEAD's configuration is what admins made effective (raises GateError).

    Lighter than HistoryEvidence (no page versions are read), so a build can prove its configuration
    before the sign-offs are verified elsewhere (prefill)."""
    ensure_full_history(repo_root)
    head = head_commit(repo_root)
    prefix = docs_dir.resolve().relative_to(repo_root.resolve()).as_posix()
    reader = ObjectReader(repo_root)
    checker = SignatureChecker(reader, trust_dir)
    try:
        index = build_index(repo_root, head, "" if prefix == "." else prefix + "/", trust_dir + "/")
        walker = TrustWalker(reader, checker, index, trust_dir, policy_file, roster_file, config_path)
        check_head_configuration(head, walker, walker.walk(trust_root), trust_dir)
    finally:
        checker.close()
        reader.close()
