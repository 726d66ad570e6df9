"""The trust store protects itself: ``signoffs/`` changes count only when admins sign them.

Walking history from a pinned root (introduction commit + admin key, set outside the files
it protects), every commit gets the trust store that is *effective* for its children:

* a commit that leaves ``signoffs/`` as its parent's effective version inherits it;
* a commit that changes it is accepted when signed by an admin of the parent's effective
  roster (``admins_required`` distinct admins: further admins confirm with signed commits,
  e.g. ``git commit --allow-empty -S``, while the proposed version stays unchanged);
* any other change is ignored (the parent's version stays effective) and recorded as a
  violation; HEAD's checked-out ``signoffs/`` must equal the effective version.

Revocations are monotonic along history: a key removed from a person, or an earlier
``valid_until``, stays in force even if a later roster rolls back.  Keys listed in
``compromised_keys`` by any accepted roster void every signature they ever made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GateError
from ..i18n import Msg
from ..policy import ADMIN_ROLE, Policy
from ..roster import Roster, normalise_key
from ..siteconfig.sealed import sealed_paths
from ..siteconfig.settings import load_settings
from . import sshsig
from .gitobjects import BadCommit, Commit, ObjectReader, run_git
from .historyindex import HistoryIndex
from .openpgp import OpenPgpKeyring, key_file_path
from .signatures import GIT_NAMESPACE, signer_key
from .sshsig import SignatureError

TRUST_ROOT_ENV = "GOVGATE_TRUST_ROOT"
TRUST_ROOT_GIT_CONFIG = "govgate.trustRoot"
ROOT_HINT = Msg(
    "在仓库之外固定信任根：CI 变量 GOVGATE_TRUST_ROOT，或在本机执行一次 "
    "git config govgate.trustRoot <引入提交>:<管理员密钥指纹>（内嵌模式只需管理员密钥指纹）",
    "pin the trust root outside the repository: the CI variable GOVGATE_TRUST_ROOT, or once on this machine "
    "git config govgate.trustRoot <introduction commit>:<admin key fingerprint> (inline mode: the admin key "
    "fingerprint alone)")
_KEY_PREFIXES = ("SHA256:", "openpgp:", "ssh-", "ecdsa-", "sk-")


@dataclass(frozen=True)
class TrustRoot:
    commit: str     # full or abbreviated commit id
    key: str        # "SHA256:…" (SSH fingerprint), "openpgp:FPR", or a public key line
    site: str = ""  # inline mode: the site an admin's seal must name (one admin may seal several sites)

    @classmethod
    def parse(cls, value: str) -> TrustRoot:
        """``<commit>:<admin key>``, or the admin key alone (inline mode has no history to anchor in), either
        optionally followed by ``#<site>``."""
        value, _, site = value.strip().partition("#")
        value, site = value.strip(), site.strip()
        if value.startswith(_KEY_PREFIXES):
            return cls("", value, site)
        commit, sep, key = value.partition(":")
        if not sep or not commit or not key:
            raise GateError(Msg(f"信任根格式错误：{value!r}", f"malformed trust root: {value!r}"), hint=ROOT_HINT)
        return cls(commit.strip(), key.strip(), site)

    @classmethod
    def from_outside(cls, repo_root: Path) -> TrustRoot:
        """The pin, from where no file of the repository can set it: the environment, else git's local config."""
        value = os.environ.get(TRUST_ROOT_ENV, "").strip() or pinned_in_git_config(repo_root)
        if not value:
            raise GateError(Msg("没有固定信任根，无法核验站点配置与签核", "no trust root is pinned: the site configuration "
                                "and sign-offs cannot be verified"), hint=ROOT_HINT)
        return cls.parse(value)

    def matches(self, key: str) -> bool:
        """Does roster-normalised ``key`` equal the pinned one?"""
        pin = self.key
        if pin.startswith("SHA256:") and not key.startswith("openpgp:"):
            return sshsig.key_fingerprint(sshsig.key_blob_from_line(key)) == pin
        return normalise_key(pin) == key


def pinned_in_git_config(repo_root: Path) -> str:
    """``git config govgate.trustRoot`` from the user's and the clone's own settings (never a tracked file)."""
    return run_git(repo_root, "config", "--get", TRUST_ROOT_GIT_CONFIG, check=False).decode().strip()


@dataclass(frozen=True)
class TrustState:
    tree: str
    policy: Policy
    roster: Roster
    asof: int                                   # trusted time: when an admin made this version effective
    revoked: frozenset[tuple[str, str]]         # (person, key) retired at some point in history
    until: dict[str, tuple[dt.date, int]]       # person → (earliest valid_until seen, when first seen)
    pending: tuple[Configuration, frozenset[str]] | None = None   # proposed configuration, admins who signed it
    sealed: SealedFiles = ()                     # the site configuration this state makes effective

    def valid_until(self, person: str) -> tuple[dt.date, int] | None:
        return self.until.get(person)


SealedFiles = tuple[tuple[str, str | None], ...]      # (repository path, tree or blob id; None: absent)


@dataclass(frozen=True)
class Configuration:
    """What a commit holds of the site configuration: the trust store and every other sealed path."""

    tree: str | None               # the trust store folder (policy, roster, keys)
    sealed: SealedFiles
    prefixes: tuple[str, ...]

    @property
    def identity(self) -> tuple[str | None, SealedFiles]:
        return self.tree, self.sealed


def changed_paths(old: SealedFiles, new: SealedFiles) -> list[str]:
    before, after = dict(old), dict(new)
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


@dataclass
class Violation:
    commit: str
    reason: Msg


@dataclass
class TrustChain:
    root: str
    states: dict[str, TrustState] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)
    compromised: frozenset[str] = frozenset()
    fingerprint: str = ""          # hash of everything trusted: keys results of the cache


def commit_day(time: int, ident: str) -> dt.date:
    """Local calendar day of a git ident timestamp (committer's own offset)."""
    try:
        offset = ident.rsplit(" ", 1)[1]
        sign = -1 if offset.startswith("-") else 1
        minutes = sign * (int(offset[1:3]) * 60 + int(offset[3:5]))
    except (IndexError, ValueError):
        minutes = 0
    return dt.datetime.fromtimestamp(time, dt.timezone(dt.timedelta(minutes=minutes))).date()


class SignatureChecker:
    """Who signed a commit (cached), with OpenPGP keyrings built per trust-store version."""

    def __init__(self, reader: ObjectReader, trust_dir: str):
        self.reader = reader
        self.trust_dir = trust_dir
        self._ssh: dict[str, str | Msg] = {}
        self._keyrings: dict[str, OpenPgpKeyring | None | Msg] = {}

    def close(self) -> None:
        for ring in self._keyrings.values():
            if isinstance(ring, OpenPgpKeyring):
                ring.close()

    def commit(self, oid: str) -> Commit | Msg:
        try:
            return self.reader.commit(oid)
        except BadCommit as exc:
            return exc.message

    def signer(self, oid: str, state: TrustState) -> str | Msg:
        commit = self.commit(oid)
        if isinstance(commit, Msg):
            return commit
        if commit.signature is None:
            return Msg("提交没有签名", "the commit is not signed")
        is_pgp = commit.signature.lstrip().startswith(b"-----BEGIN PGP")
        cache_key = f"{oid}:{state.tree}" if is_pgp else oid
        if cache_key not in self._ssh:
            try:
                self._ssh[cache_key] = signer_key(commit.signature, commit.payload, GIT_NAMESPACE,
                                                  lambda: self._keyring(state))
            except SignatureError as exc:
                self._ssh[cache_key] = exc.message
        return self._ssh[cache_key]

    def remember(self, oid: str, result: str | Msg) -> None:
        self._ssh.setdefault(oid, result)

    def _keyring(self, state: TrustState) -> OpenPgpKeyring | None:
        ring = self._keyrings.get(state.tree)
        if ring is None and state.tree not in self._keyrings:
            keys = {}
            for person in state.roster.people.values():
                for key in person.keys:
                    if key.startswith("openpgp:"):
                        fpr = key.split(":", 1)[1]
                        found = self.reader.resolve(f"{state.tree}:{key_file_path(fpr)}")
                        if found and found[1] == "blob":
                            keys[fpr] = self.reader.blob(found[0])
            try:
                ring = OpenPgpKeyring(keys) if keys else None
            except SignatureError as exc:
                ring = exc.message  # type: ignore[assignment]
            self._keyrings[state.tree] = ring
        if isinstance(ring, Msg):
            raise SignatureError(ring)
        return ring  # type: ignore[return-value]


def key_problems(state: TrustState, compromised: frozenset[str], person_id: str, key: str, commit: Commit,
                 extra_day: dt.date | None = None) -> list[Msg]:
    """Why ``key`` may not sign for ``person_id`` in a commit whose parent's trust store is ``state``."""
    person = state.roster.person(person_id)
    if person is None:
        return [Msg(f"名册中没有人员“{person_id}”", f"the roster has no person '{person_id}'")]
    if key in compromised:
        return [Msg("签名密钥已被标记为泄露（compromised），其全部签名无效",
                    "the signing key is marked compromised: all its signatures are void")]
    if key not in person.keys:
        owners = [p.id for p in state.roster.people.values() if key in p.keys]
        if owners:
            return [Msg(f"签名密钥属于 {owners[0]}，不是 {person_id}", f"signed with {owners[0]}'s key, not {person_id}'s")]
        return [Msg(f"签名密钥不在名册中 {person_id} 名下（名册外的密钥一律不认）",
                    f"the signing key is not registered for {person_id} in the roster (unknown keys never count)")]
    if (person_id, key) in state.revoked:
        return [Msg("签名密钥此前已从名册中撤下（停用），撤下之后的签名无效",
                    "the signing key was retired from the roster earlier in history: later signatures are void")]
    days = [commit_day(commit.committer_time, commit.committer), commit_day(commit.author_time, commit.author)]
    if extra_day:
        days.append(extra_day)
    until = state.valid_until(person_id)
    if until is not None:
        limit, known_since = until
        # The admin-signed roster that set the date is a trusted clock: backdating the commit cannot beat it.
        days.append(dt.datetime.fromtimestamp(known_since, dt.timezone(dt.timedelta(hours=8))).date())
        if max(days) > limit:
            return [Msg(f"{person_id} 的授权已于 {limit} 终止（离职/调任），此后的签名无效（提交日期可被伪造，不作依据）",
                        f"{person_id}'s authorisation ended on {limit}: later signatures are void "
                        "(commit dates can be forged and are not relied on)")]
    if person.valid_from and min(days[:2]) < person.valid_from:
        return [Msg(f"{person_id} 的授权自 {person.valid_from} 起生效", f"{person_id} is authorised only from "
                    f"{person.valid_from}")]
    return []


class TrustWalker:
    def __init__(self, reader: ObjectReader, checker: SignatureChecker, index: HistoryIndex, trust_dir: str,
                 policy_file: str, roster_file: str, config_path: str = "mkdocs.yml"):
        self.config_path = config_path
        self._configs: dict[str, Configuration] = {}
        self.reader = reader
        self.checker = checker
        self.index = index
        self.trust_dir = trust_dir.rstrip("/")
        self.policy_file = policy_file
        self.roster_file = roster_file
        self._loaded: dict[str | None, tuple[Policy, Roster] | Msg] = {}
        self._actual: dict[str, str | None] = {}

    def load(self, tree: str | None) -> tuple[Policy, Roster] | Msg:
        if tree not in self._loaded:
            self._loaded[tree] = self._load(tree)
        return self._loaded[tree]

    def _load(self, tree: str | None) -> tuple[Policy, Roster] | Msg:
        if tree is None:
            return Msg(f"{self.trust_dir}/ 不存在", f"{self.trust_dir}/ does not exist")
        texts = []
        for name in (self.policy_file, self.roster_file):
            found = self.reader.resolve(f"{tree}:{name}")
            if not found or found[1] != "blob":
                return Msg(f"信任库缺少 {self.trust_dir}/{name}", f"the trust store lacks {self.trust_dir}/{name}")
            texts.append(self.reader.blob(found[0]).decode("utf-8", errors="replace"))
        try:
            policy = Policy.from_text(texts[0], f"{self.trust_dir}/{self.policy_file}")
            roster = Roster.from_text(texts[1], f"{self.trust_dir}/{self.roster_file}", policy)
        except GateError as exc:
            return Msg(f"信任库无法读取：{exc.render('zh')}", f"the trust store cannot be read: {exc.render('en')}")
        return policy, roster

    def trust_tree(self, commit: str) -> str | None:
        """The ``signoffs/`` tree as checked in at ``commit`` (not necessarily the effective one)."""
        cached = self._actual.get(commit, "")
        if cached != "":
            return cached
        parents = self.index.parents.get(commit, ())
        if len(parents) == 1 and parents[0] in self._actual and (commit, 0) not in self.index.touches_trust:
            tree = self._actual[parents[0]]
        else:
            found = self.reader.resolve(f"{commit}:{self.trust_dir}")
            tree = found[0] if found and found[1] == "tree" else None
        self._actual[commit] = tree
        return tree

    def configuration(self, commit: str) -> Configuration:
        """The site configuration as checked in at ``commit`` (not necessarily the effective one).

        A commit that changes none of its parent's sealed paths has its parent's configuration: the
        list of sealed paths can only change through a sealed file (mkdocs.yml names the others).
        """
        known = self._configs.get(commit)
        if known is not None:
            return known
        parents = self.index.parents.get(commit, ())
        parent = self._configs.get(parents[0]) if len(parents) == 1 else None
        touched = self.index.touched.get((commit, 0), ())
        if parent is not None and not any(_under(path, parent.prefixes) for path in touched):
            config = parent
        else:
            config = self._read_configuration(commit)
        self._configs[commit] = config
        return config

    def _read_configuration(self, commit: str) -> Configuration:
        def load(path: str) -> bytes | None:
            found = self.reader.resolve(f"{commit}:{path}")
            return self.reader.blob(found[0]) if found and found[1] == "blob" else None

        try:
            settings = load_settings(self.config_path, load)
        except GateError:
            settings = None     # unreadable: only the paths that never depend on it (a change still needs an admin)
        prefixes = sealed_paths(settings, self.config_path)
        sealed = []
        for path in prefixes:
            if path != self.trust_dir:     # the trust store itself is compared as ``tree``
                found = self.reader.resolve(f"{commit}:{path}")
                sealed.append((path, found[0] if found else None))
        return Configuration(self.trust_tree(commit), tuple(sealed), (*prefixes, self.trust_dir))

    def walk(self, root: TrustRoot) -> TrustChain:
        root_oid = self._resolve_root(root)
        compromised: frozenset[str] = frozenset()
        while True:
            chain = self._walk_once(root, root_oid, compromised)
            if chain.compromised <= compromised:
                break
            compromised = compromised | chain.compromised
        chain.compromised = compromised
        digest = hashlib.sha256(root_oid.encode())
        for violation in chain.violations:
            digest.update(violation.commit.encode())
        digest.update(",".join(sorted(compromised)).encode())
        chain.fingerprint = digest.hexdigest()
        return chain

    def _resolve_root(self, root: TrustRoot) -> str:
        found = self.reader.resolve(f"{root.commit}^{{commit}}")
        if not found:
            raise GateError(Msg(f"找不到信任根提交 {root.commit}", f"the trust root commit {root.commit} does not exist"),
                            hint=Msg("检查信任根配置；若是浅克隆请取完整历史（fetch-depth: 0）",
                                     "check the pinned trust root; in a shallow clone fetch the full history "
                                     "(fetch-depth: 0)"))
        oid = found[0]
        if oid not in self.index.order:
            raise GateError(Msg(f"当前提交不是信任根 {oid[:12]} 的后代：历史被改写或分支不对",
                                f"HEAD does not descend from the trust root {oid[:12]}: history was rewritten "
                                "or this is the wrong branch"),
                            hint=Msg("从包含信任根的历史构建；不要改写已发布的历史",
                                     "build from history that contains the trust root; do not rewrite published history"))
        return oid

    def _root_state(self, root: TrustRoot, oid: str) -> TrustState:
        tree = self.trust_tree(oid)
        loaded = self.load(tree)
        if isinstance(loaded, Msg):
            raise GateError(Msg("信任根提交的信任库无法读取：", "the trust root's trust store cannot be read: ") + loaded)
        policy, roster = loaded
        commit = self.checker.commit(oid)
        signer = self.checker.signer(oid, TrustState(tree or "", policy, roster, 0, frozenset(), {}))
        if isinstance(commit, Msg) or isinstance(signer, Msg):
            reason = commit if isinstance(commit, Msg) else signer
            assert isinstance(reason, Msg)
            raise GateError(Msg("信任根提交的签名无效：", "the trust root commit's signature is not valid: ") + reason,
                            hint=ROOT_HINT)
        admins = [p for p in roster.people.values() if signer in p.keys and ADMIN_ROLE in p.roles]
        if not root.matches(signer) or not admins:
            raise GateError(Msg("信任根提交不是由固定的管理员密钥签名的", "the trust root commit is not signed by the pinned "
                                "admin key"), hint=ROOT_HINT)
        assert tree is not None
        return TrustState(tree, policy, roster, commit.committer_time, frozenset(), _untils({}, roster,
                          commit.committer_time), sealed=self.configuration(oid).sealed)

    def _walk_once(self, root: TrustRoot, root_oid: str, compromised: frozenset[str]) -> TrustChain:
        chain = TrustChain(root_oid)
        chain.states[root_oid] = self._root_state(root, root_oid)
        seen_compromised = set(chain.states[root_oid].roster.compromised_keys)
        start = self.index.order[root_oid]
        for commit in sorted((c for c, i in self.index.order.items() if i > start), key=self.index.order.__getitem__):
            parent_states = [chain.states[p] for p in self.index.parents[commit] if p in chain.states]
            if not parent_states:
                continue   # not a descendant of the root
            config = self.configuration(commit)
            keep = _newest(parent_states)
            if keep is not None and config.identity == (keep.tree, keep.sealed):
                chain.states[commit] = keep if len(parent_states) == 1 else _merge_states([keep, *parent_states])
                continue
            base = _merge_states(sorted(parent_states, key=lambda s: -s.asof))
            state = self._change(commit, base, config, compromised, chain)
            seen_compromised.update(state.roster.compromised_keys)
            chain.states[commit] = state
        chain.compromised = frozenset(seen_compromised)
        return chain

    def _change(self, oid: str, base: TrustState, config: Configuration, compromised: frozenset[str],
                chain: TrustChain) -> TrustState:
        tree = config.tree
        changed = changed_paths(base.sealed, config.sealed) + ([self.trust_dir + "/"] if tree != base.tree else [])
        what = Msg(f"（改动：{', '.join(changed)}）", f"(changed: {', '.join(changed)})")

        def refuse(reason: Msg) -> TrustState:
            chain.violations.append(Violation(oid, reason + what))
            return base

        commit = self.checker.commit(oid)
        if isinstance(commit, Msg):
            return refuse(commit)
        signer = self.checker.signer(oid, base)
        if isinstance(signer, Msg):
            return refuse(Msg("修改信任库的提交签名无效：", "commit changing the trust store has no valid signature: ") + signer)
        admins = [p.id for p in base.roster.people.values()
                  if ADMIN_ROLE in p.roles and not key_problems(base, compromised, p.id, signer, commit)]
        if not admins:
            return refuse(Msg("修改信任库的提交不是由上一版名册中的管理员（admin）签名的",
                              "commit changing the trust store is not signed by an admin of the previous roster"))
        loaded = self.load(tree)
        if isinstance(loaded, Msg):
            return refuse(loaded)
        signed = set(admins)
        if base.pending and base.pending[0] == config:
            signed |= base.pending[1]
        if len(signed) < base.policy.admins_required:
            pending_state = TrustState(base.tree, base.policy, base.roster, base.asof, base.revoked, base.until,
                                       (config, frozenset(signed)), base.sealed)
            chain.violations.append(Violation(oid, Msg(
                f"信任库修改需要 {base.policy.admins_required} 名管理员签名，目前只有 {len(signed)} 名",
                f"the trust store change needs {base.policy.admins_required} admins' signatures, it has {len(signed)}")))
            return pending_state
        policy, roster = loaded
        revoked = set(base.revoked)
        for person in base.roster.people.values():
            kept = roster.person(person.id)
            for key in person.keys:
                if kept is None or key not in kept.keys:
                    revoked.add((person.id, key))
        return TrustState(tree or "", policy, roster, commit.committer_time, frozenset(revoked),
                          _untils(base.until, roster, commit.committer_time), sealed=config.sealed)


def _untils(previous: dict[str, tuple[dt.date, int]], roster: Roster, asof: int) -> dict[str, tuple[dt.date, int]]:
    result = dict(previous)
    for person in roster.people.values():
        if person.valid_until is not None:
            known = result.get(person.id)
            if known is None or person.valid_until < known[0]:
                result[person.id] = (person.valid_until, asof)
    return result


def _newest(states: list[TrustState]) -> TrustState | None:
    """The configuration a commit may keep unsigned: its parents' when they agree; at a merge, the one an admin
    made effective strictly last.  Keeping an older one (a branch made before an admin's later change, in either
    parent order) would roll that change back; a tie is no answer (then an admin signs the merge)."""
    if len({(s.tree, s.sealed) for s in states}) == 1:
        return states[0]
    newest = max(s.asof for s in states)
    candidates = {(s.tree, s.sealed) for s in states if s.asof == newest}
    return next(s for s in states if s.asof == newest) if len(candidates) == 1 else None


def _merge_states(states: list[TrustState]) -> TrustState:
    first = states[0]
    if len(states) == 1:
        return first
    revoked = frozenset().union(*(s.revoked for s in states))
    until: dict[str, tuple[dt.date, int]] = {}
    for state in states:
        for person, value in state.until.items():
            if person not in until or value[0] < until[person][0]:
                until[person] = value
    return TrustState(first.tree, first.policy, first.roster, max(s.asof for s in states), revoked, until, first.pending,
                      first.sealed)


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)
