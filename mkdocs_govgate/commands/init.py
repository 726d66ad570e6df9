"""``govgate init [--yes]``: scaffold a gated site here; never loses a byte of the user's files.

Consent: missing files are created; merges into mkdocs.yml, .pre-commit-config.yaml and
.gitignore (insertions only) need a "y" at the terminal prompt or ``--yes``; replacing any other
existing file needs a "y" at the terminal (``--yes`` never replaces, and the old file is kept
as ``<name>.govgate-orig``).  Without a terminal and without ``--yes`` nothing existing is touched.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from ..cliargs import h
from ..errors import GateError
from ..evidence.gitobjects import run_git
from ..evidence.truststore import TRUST_ROOT_ENV
from ..i18n import Msg
from ..page import Page
from ..scaffold import BACKUP_SUFFIX, MERGE, REPLACE, Action, Identity, Outcome, Plan, apply, current_identity, plan
from ..trustpin import CONFIG_KEY, configured_pin, pin_if_admin, roster_introduction
from . import EXIT_OK

_STATUS = {
    "created": Msg("创建", "created"), "unchanged": Msg("不变", "unchanged"), "kept": Msg("保留", "kept"),
    "updated": Msg("更新", "updated"), "replaced": Msg("覆盖", "replaced"), "skipped": Msg("跳过", "skipped"),
    "manual": Msg("待办", "to do"),
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    init = sub.add_parser("init", parents=[common],
                          help=h("在当前仓库中建立受门禁保护的网站（第一步）", "set up a gated site in this repository "
                                 "(the first step)"))
    init.add_argument("--yes", "-y", action="store_true",
                      help=h("不询问，直接把 govgate 加入已有的 mkdocs.yml、.pre-commit-config.yaml、.gitignore"
                             "（只插入；从不覆盖文件）",
                             "add govgate to existing mkdocs.yml/.pre-commit-config.yaml/.gitignore without asking "
                             "(insertions only; never replaces a file)"))
    init.set_defaults(run=_init)


def _init(args: argparse.Namespace, lang: str) -> int:
    root = (args.config.parent if args.config else Path.cwd()).resolve()
    identity: Identity | None
    try:
        identity = current_identity(root)
    except GateError:
        if not (root / "signoffs/reviewers.yml").exists():
            raise   # the roster needs its first admin's key
        identity = None   # the roster exists: the key only improves the hints
    the_plan = plan(root, identity, branch=_branch(root))
    interactive = sys.stdin.isatty()

    def consent(action: Action) -> bool:
        if action.kind == MERGE and args.yes:
            return True
        if not interactive:
            return False
        return _ask(action, lang)

    outcomes = apply(the_plan, consent)
    print(render_outcomes(outcomes, lang, interactive, args.yes))
    print(next_steps(the_plan, outcomes, lang, _pin(root, identity)))
    return EXIT_OK


def _pin(root: Path, identity: Identity | None) -> Pin:
    """Pin the trust root in git config once the roster is committed (editors set it after a clone)."""
    if not _git(root, "rev-parse", "--show-toplevel"):
        return Pin(None, "", False)
    introduced = roster_introduction(root)
    configured = configured_pin(root)
    if configured or introduced is None or identity is None:
        return Pin(introduced, configured, False)
    written = pin_if_admin(root, introduced, identity.key, identity.fingerprint)
    return Pin(introduced, written or "", bool(written))


@dataclass(frozen=True)
class Pin:
    introduced: str | None   # the commit that added the roster, None before it is committed
    value: str               # git config govgate.trustRoot, "" when not pinned
    written: bool            # pinned by this run


def _branch(root: Path) -> str:
    configured = run_git(root, "config", "--get", "govgate.branch", check=False).decode().strip()
    return configured or "main"


def _ask(action: Action, lang: str) -> bool:
    note = action.note.render(lang) if action.note else ""
    if action.kind == REPLACE:
        question = Msg(f"覆盖 {action.path}（{note}；原文件另存为 {action.path}{BACKUP_SUFFIX}）？",
                       f"replace {action.path} ({note}; the old file is kept as {action.path}{BACKUP_SUFFIX})?")
    else:
        question = Msg(f"修改 {action.path}：{note}（只插入，不改动原有内容）？",
                       f"change {action.path}: {note} (insertions only, nothing of yours changes)?")
    sys.stderr.write(question.render(lang) + " [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes", "是")


def render_outcomes(outcomes: list[Outcome], lang: str, interactive: bool, yes: bool) -> str:
    lines = [Msg("govgate init：", "govgate init:").render(lang)]
    for outcome in outcomes:
        action = outcome.action
        text = f"  {_STATUS[outcome.status].render(lang)}  {action.path}"
        detail = ""
        if outcome.status == "skipped":
            if action.kind not in (MERGE, REPLACE):
                detail = Msg(f"只在 {action.needs} 修改后才需要", f"only needed once {action.needs} is changed")
            elif action.kind == MERGE:
                detail = Msg("需要确认才修改：{n}。在终端中运行以确认，或加 --yes",
                             "needs your consent: {n}. Run it at a terminal to confirm, or add --yes")
            else:
                detail = Msg("已存在且与模板不同；未覆盖（只在终端中确认后才覆盖）",
                             "exists and differs from the template; not replaced (only replaced when confirmed at "
                             "a terminal)")
            detail = detail.format(n=action.note.render(lang) if action.note else "").render(lang)
        elif outcome.status == "replaced":
            detail = Msg(f"原文件另存为 {outcome.backup}", f"the old file is kept as {outcome.backup}").render(lang)
        elif outcome.status in ("updated", "kept", "manual") and action.note:
            detail = action.note.render(lang)
        if detail:
            text += ("：" if lang != "en" else ": ") + detail.replace("\n", "\n      ")
        lines.append(text)
    return "\n".join(lines)


def _git(root: Path, *args: str) -> str:
    return run_git(root, *args, check=False).decode().strip()


_REQUIRED = ("title", "date", "column", "unit", "author", "classification")


def _pages_lacking_front_matter(docs: Path) -> bool:
    """An existing site's pages carry no front-matter yet: the gate refuses them until they do."""
    if not docs.is_dir():
        return False
    for path in sorted(docs.rglob("*.md")):
        try:
            page = Page.load(docs, path.relative_to(docs).as_posix())
        except GateError:
            return True
        if any(key not in page.meta for key in _REQUIRED):
            return True
    return False


def next_steps(the_plan: Plan, outcomes: list[Outcome], lang: str, pin: Pin) -> str:
    """What a new user does now, in order, given the state of the repository."""
    root = the_plan.root
    fingerprint = the_plan.identity.fingerprint if the_plan.identity else Msg("<管理员密钥指纹>", "<admin key fingerprint>").render(lang)
    steps: list[Msg] = []
    in_repo = bool(_git(root, "rev-parse", "--show-toplevel"))
    if not in_repo:
        steps.append(Msg("建立 Git 仓库：git init -b main", "make it a git repository: git init -b main"))
    if pin.introduced is None:
        steps.append(Msg('用你的签名密钥签名提交（你是信任库管理员），然后再运行一次 govgate init 固定信任根：'
                         'git add -A && git commit -S -m "启用 govgate 发布门禁" && govgate init',
                         'commit, signed with your key (you are the trust store admin), then run govgate init again '
                         'to pin the trust root: git add -A && git commit -S -m "enable the govgate publishing gate" '
                         '&& govgate init'))
    elif pin.value:
        said = Msg("已固定信任根", "trust root pinned") if pin.written else Msg("信任根", "trust root")
        steps.append(said + Msg(f"：git config {CONFIG_KEY} {pin.value}\n"
                                f"     在 CI 变量 {TRUST_ROOT_ENV} 和服务器钩子中设置同一值；编辑和审核人员克隆仓库后运行一次"
                                f"同一条 git config {CONFIG_KEY} {pin.value}",
                                f": git config {CONFIG_KEY} {pin.value}\n"
                                f"     set the same value as the CI variable {TRUST_ROOT_ENV} and on the server hook; "
                                f"editors and reviewers run the same git config {CONFIG_KEY} {pin.value} once after "
                                "cloning"))
    else:
        steps.append(Msg(f"固定信任根（向网站管理员索取）：git config {CONFIG_KEY} {pin.introduced}:{fingerprint}",
                         f"pin the trust root (ask the site's admin): git config {CONFIG_KEY} "
                         f"{pin.introduced}:{fingerprint}"))
    if not the_plan.install.known:
        steps.append(Msg(f"在 .github/workflows/govgate.yml 和 .gitlab-ci.yml 中把 {the_plan.install.url} 换成"
                         "本单位可访问的 mkdocs-govgate 代码仓库地址和提交（pip 的 git+URL@提交 形式）",
                         f"in .github/workflows/govgate.yml and .gitlab-ci.yml, replace {the_plan.install.url} with a "
                         "mkdocs-govgate repository your CI can reach, pinned to a commit (pip's git+URL@commit form)"))
    if _pages_lacking_front_matter(root / the_plan.docs_dir):
        steps.append(Msg(f"已有页面需要页首信息（title、date、column、unit、author、classification）：govgate check {the_plan.docs_dir} 列出各页所缺",
                         f"existing pages need front-matter (title, date, column, unit, author, classification): "
                         f"govgate check {the_plan.docs_dir} lists what each page lacks"))
    steps.append(Msg(f"构建：govgate build（{the_plan.docs_dir}/ 中尚未审核的页面不会发布）",
                     f"build: govgate build (pages in {the_plan.docs_dir}/ not yet approved are left out)"))
    steps.append(Msg("在 signoffs/reviewers.yml 中登记审核人员及其 SSH 公钥（签名提交），之后他们用 "
                     f"govgate approve {the_plan.docs_dir}/index.md --stage first 等签核",
                     "register the reviewers and their SSH public keys in signoffs/reviewers.yml (signed commit); "
                     f"they then sign off with govgate approve {the_plan.docs_dir}/index.md --stage first, …"))
    steps.append(Msg(f'启用提交前检查：pip install "{the_plan.install.with_extra("hooks")}" && pre-commit install',
                     f'enable the commit checks: pip install "{the_plan.install.with_extra("hooks")}" && '
                     "pre-commit install"))
    if any(o.status == "manual" for o in outcomes):
        steps.append(Msg("处理上面标为“待办”的事项", "do the items marked 'to do' above"))
    if any(o.status == "skipped" for o in outcomes):
        steps.append(Msg("上面“跳过”的文件未被改动；需要时在终端中重新运行 govgate init（或加 --yes）",
                         "files marked 'skipped' were not touched; run govgate init again at a terminal (or with "
                         "--yes) if you want the change"))
    head = Msg("下一步：", "next steps:").render(lang)
    return "\n".join([head] + [f"  {i}. {s.render(lang)}" for i, s in enumerate(steps, 1)])
