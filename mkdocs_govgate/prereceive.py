"""The server-side gate (``hooks/pre-receive``): client hooks can be skipped, this cannot.

For a push to the publishing branch, the pushed commit is checked out into a throw-away
repository that borrows the server repository's objects (``objects/info/alternates``, also
the quarantine folder that holds the pushed objects until the hook accepts them), so the
full history is there for history evidence and nothing in the server repository changes.

The commit is judged by the SERVER's settings, whatever the pushed files say:

* the trust root comes from ``git config govgate.trustRoot`` or ``$GOVGATE_TRUST_ROOT``; the
  trust store (``signoffs/``) must be the one the chain of admin-signed commits from that root
  makes effective, and its policy and roster are the ones used;
* every page must be approved (``git config govgate.onUnapproved exclude`` relaxes this to
  "content rules only", which is safe only while the build runs the plugin);
* ``mkdocs.yml`` must keep the govgate plugin, pointed at the same trust store.

Settings (``git config`` in the server repository): ``govgate.branch`` (default main),
``govgate.trustRoot``, ``govgate.onUnapproved`` (fail | exclude), ``govgate.lang`` (zh | en),
``govgate.trustDir`` (default signoffs), ``govgate.docsDir`` (default: mkdocs.yml's docs_dir).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .engines import build_gate
from .errors import GateError
from .evidence import HistoryEvidence
from .evidence.gitobjects import run_git
from .evidence.truststore import TRUST_ROOT_ENV, TrustRoot
from .findings import Finding, Severity
from .gate import Gate
from .i18n import Msg
from .render import render_findings
from .site import SiteConfig
from .sitefinder import read_site_settings, site_from_settings

ZERO_OID = "0" * 40
# Findings about the docs folder itself: the plugin refuses these in every mode.
_SITE_RULES = ("input.symlink", "input.meta_file")


@dataclass(frozen=True)
class ServerSettings:
    branch: str = "main"
    trust_root: str = ""
    on_unapproved: str = "fail"
    lang: str = "zh"
    trust_dir: str = "signoffs"
    docs_dir: str = ""          # "" = mkdocs.yml's docs_dir

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.branch}"


def _config(repo: Path, key: str) -> str:
    return run_git(repo, "config", "--get", key, check=False).decode().strip()


def read_settings(repo: Path, lang: str | None = None) -> ServerSettings:
    on_unapproved = _config(repo, "govgate.onUnapproved") or "fail"
    configured_lang = _config(repo, "govgate.lang")
    return ServerSettings(
        branch=_config(repo, "govgate.branch") or "main",
        trust_root=_config(repo, "govgate.trustRoot") or os.environ.get(TRUST_ROOT_ENV, ""),
        on_unapproved=on_unapproved if on_unapproved in ("fail", "exclude") else "fail",
        lang=lang or (configured_lang if configured_lang in ("zh", "en") else "zh"),
        trust_dir=(_config(repo, "govgate.trustDir") or "signoffs").strip("/"),
        docs_dir=_config(repo, "govgate.docsDir").strip("/"),
    )


@dataclass(frozen=True)
class RefUpdate:
    old: str
    new: str
    ref: str


def parse_updates(text: str) -> list[RefUpdate]:
    updates = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3:
            updates.append(RefUpdate(*parts))
    return updates


@dataclass
class Verdict:
    ref: str
    refused: bool
    headline: Msg
    findings: list[Finding] = field(default_factory=list)
    pages: int = 0

    def render(self, lang: str) -> str:
        text = self.headline.render(lang)
        if self.findings:
            text += "\n" + render_findings(self.findings, lang)
        return text


# -- a checkout of the pushed commit ---------------------------------------------------------------

def _object_dirs(repo: Path) -> list[str]:
    """Where the pushed commit's objects are: the quarantine folder first, then the repository's own."""
    dirs = []
    for name in ("GIT_QUARANTINE_PATH", "GIT_OBJECT_DIRECTORY"):
        if os.environ.get(name):
            dirs.append(os.environ[name])
    dirs.extend(d for d in os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES", "").split(os.pathsep) if d)
    git_dir = run_git(repo, "rev-parse", "--absolute-git-dir").decode().strip()
    dirs.append(os.path.join(git_dir, "objects"))
    absolute = []
    for folder in dirs:
        path = os.path.abspath(os.path.join(repo, folder))
        if path not in absolute and os.path.isdir(path):
            absolute.append(path)
    return absolute


# Set by git for the hook: they point git at the quarantined objects, and git refuses to update any
# ref while they are set; the throw-away checkout names those folders in its alternates instead.
_HOOK_ENV = ("GIT_QUARANTINE_PATH", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_DIR")


@contextmanager
def checkout(objects: list[str], commit: str) -> Iterator[Path]:
    """A working tree of ``commit`` with the full history, sharing (never changing) the server's ``objects``."""
    folder = Path(tempfile.mkdtemp(prefix="govgate-pre-receive-"))
    try:
        tree = folder / "site"
        run_git(folder, "init", "-q", str(tree))
        (tree / ".git" / "objects" / "info" / "alternates").write_text("\n".join(objects) + "\n")
        # No hooks, filters or line-ending conversion: the tree must be exactly the pushed bytes.
        run_git(tree, "-c", "core.hooksPath=/dev/null", "-c", "core.autocrlf=false", "-c", "core.symlinks=true",
                "checkout", "-q", "--detach", commit)
        yield tree
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _descends(tree: Path, old: str, new: str) -> bool:
    """Is ``new`` a descendant of ``old`` (a fast-forward)?  ``tree`` borrows the server's and the pushed objects."""
    return not run_git(tree, "rev-list", "--max-count=1", old, "--not", new).strip()


# -- judging ---------------------------------------------------------------------------------------

def _trust_dir_findings(site: SiteConfig, tree: Path, settings: ServerSettings) -> list[Finding]:
    """The server judges with the trust store it is configured for; the site must use that one."""
    trust = (tree / settings.trust_dir).resolve()
    if site.policy_path.resolve().parent == trust and site.reviewers_path.resolve().parent == trust:
        return []
    return [Finding("mkdocs.yml", 0, 0, "server.config", "input", Severity.BLOCK, Msg(
        f"govgate 插件的审核策略或名册不在 {settings.trust_dir}/ 中，服务器只认该信任库",
        f"the govgate plugin's policy or roster is not in {settings.trust_dir}/, the only trust store the server "
        "trusts"), suggestion=Msg(f"改回 {settings.trust_dir}/policy.yml 与 {settings.trust_dir}/reviewers.yml",
                                  f"set them back to {settings.trust_dir}/policy.yml and reviewers.yml"))]


def _verify_trust_store(gate: Gate, tree: Path, site: SiteConfig, settings: ServerSettings) -> None:
    """The pushed signoffs/ (policy, roster, rules) counts only as the admin-signed chain from the
    server's root makes it, in either evidence mode: walking the chain raises otherwise."""
    history = getattr(gate.evidence, "history", None)   # history mode: the build's own verifier walks it
    if isinstance(history, HistoryEvidence):
        return
    HistoryEvidence(tree, site.docs_dir, TrustRoot.parse(settings.trust_root), settings.trust_dir).close()


def judge_tree(tree: Path, settings: ServerSettings) -> tuple[list[Finding], int]:
    """Blocking findings for the checked-out commit, and the number of pages judged."""
    if not settings.trust_root:
        raise GateError(Msg("服务器没有配置信任根，无法核验签核，拒绝推送到发布分支",
                            "the server has no trust root configured: sign-offs cannot be verified, so pushes to "
                            "the publishing branch are refused"),
                        hint=Msg("服务器管理员设置：git config govgate.trustRoot <引入提交>:<管理员密钥指纹>",
                                 "the server admin sets: git config govgate.trustRoot <commit>:<admin key fingerprint>"))
    # One reading of the configuration (safe: nothing runs) and one judge, as the build: a refused
    # setting (hooks, the gate switched off, unknown plugins …) refuses the push.
    config_file = next((tree / n for n in ("mkdocs.yml", "mkdocs.yaml") if (tree / n).is_file()), tree / "mkdocs.yml")
    _, mk = read_site_settings(config_file)
    site = site_from_settings(tree, mk, settings.lang)
    if settings.docs_dir:
        site.docs_dir = tree / settings.docs_dir
    findings = _trust_dir_findings(site, tree, settings)
    site.trust_root = settings.trust_root
    site.cache_dir = tree.parent / "cache"   # never a cache the pusher could have planted
    gate = build_gate(site)   # the recipe the build uses, with the server's trust root and trust store paths
    try:
        _verify_trust_store(gate, tree, site, settings)
        pages, others, problems = gate.discover()
        report = gate.check_site(pages, others)
        report.findings.extend(problems)
    finally:
        gate.close()
    blocking = [f for f in report.publishable_findings() if f.blocking]
    if settings.on_unapproved == "exclude":   # the plugin leaves unapproved pages out; content still blocks
        blocking = [f for f in blocking if f.category not in ("approval", "input") or f.rule in _SITE_RULES]
    prefix = site.docs_dir.relative_to(tree).as_posix()   # the pusher knows repository paths, not docs_dir ones
    return findings + [replace(f, path=f"{prefix}/{f.path}" if f.path else prefix) for f in blocking], len(pages)


def judge_update(objects: list[str], update: RefUpdate, settings: ServerSettings) -> Verdict | None:
    """None: not the publishing branch, nothing to say."""
    if update.ref != settings.ref:
        return None
    branch = settings.branch
    if update.new == ZERO_OID:
        return Verdict(update.ref, True, Msg(f"govgate：拒绝删除发布分支 {branch}", f"govgate: refusing to delete the "
                                             f"publishing branch {branch}"))
    try:
        with checkout(objects, update.new) as tree:
            if update.old != ZERO_OID and not _descends(tree, update.old, update.new):
                # a rewritten history can drop an admin's signed change (a revocation) and still verify
                return Verdict(update.ref, True, Msg(
                    f"govgate：拒绝改写发布分支 {branch} 的历史（非快进推送）：已发布的提交（包括管理员的签名修改）不能被丢弃",
                    f"govgate: refusing to rewrite the history of the publishing branch {branch} (not a fast-forward): "
                    "published commits, admins' signed changes included, cannot be dropped"))
            findings, pages = judge_tree(tree, settings)
    except GateError as error:
        return Verdict(update.ref, True, Msg(f"govgate：拒绝推送到 {branch}：", f"govgate: push to {branch} refused: ")
                       + Msg(error.render("zh"), error.render("en")))
    if findings:
        files = len({f.path for f in findings})
        return Verdict(update.ref, True, Msg(
            f"govgate：拒绝推送到 {branch}（{update.new[:12]}）：{files} 个文件未获准发布。"
            "服务器端检查不能用 --no-verify 跳过；请完成审核或改正后重新推送。",
            f"govgate: push to {branch} ({update.new[:12]}) refused: {files} file(s) are not cleared for publication. "
            "This server-side check cannot be skipped with --no-verify; complete the review or fix them, then push "
            "again."), findings, pages)
    return Verdict(update.ref, False, Msg(f"govgate：{branch} 上的 {pages} 个页面均已获准发布",
                                          f"govgate: all {pages} page(s) on {branch} are cleared for publication"),
                   pages=pages)


def run(stdin_text: str, repo: Path, lang: str | None = None) -> tuple[int, list[str]]:
    """Exit status (non-zero refuses the whole push) and the messages for the pusher."""
    settings = read_settings(repo, lang)
    updates = parse_updates(stdin_text)
    if not any(u.ref == settings.ref for u in updates):
        return 0, []
    objects = _object_dirs(repo)
    for name in _HOOK_ENV:
        os.environ.pop(name, None)
    messages, refused = [], False
    for update in updates:
        try:
            verdict = judge_update(objects, update, settings)
        except Exception as error:  # noqa: BLE001 - fail closed: an error in the gate refuses the push
            verdict = Verdict(update.ref, True, Msg(f"govgate：门禁内部错误，拒绝推送：{type(error).__name__}: {error}",
                                                    f"govgate: internal error in the gate, push refused: "
                                                    f"{type(error).__name__}: {error}"))
        if verdict is not None:
            messages.append(verdict.render(settings.lang))
            refused = refused or verdict.refused
    return (1 if refused else 0), messages
