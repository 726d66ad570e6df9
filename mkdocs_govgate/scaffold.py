"""``govgate init``: the files a new gated site needs, planned first and written only with consent.

No user data is ever lost:

* a missing file is created;
* a file identical to what init would write is left alone (running init twice changes nothing);
* the site's own data (policy, roster, word lists, pages) is never replaced once it exists;
* ``mkdocs.yml``, ``.pre-commit-config.yaml`` and ``.gitignore`` are *merged*: lines are inserted
  (positions and indentation found with ruamel.yaml's round-trip parser), never changed or
  removed — checked after the edit — and only with consent (``--yes`` or a y/N prompt);
* other existing files (CI examples, theme overrides) are replaced only when a person answers
  "y" at a terminal, and the old file is kept next to it as ``<name>.govgate-orig``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .errors import GateError
from .evidence import sshsig
from .evidence.gitobjects import run_git
from .evidence.openpgp import key_file_path
from .i18n import Msg
from .installsource import InstallSource, current_source
from .outputfile import write_atomic
from .signer import Refused, signing_key

CREATE, UNCHANGED, KEPT, MERGE, REPLACE, MANUAL = "create", "unchanged", "kept", "merge", "replace", "manual"
BACKUP_SUFFIX = ".govgate-orig"
DEFAULT_REPORT_DIR = ".govgate-report"
DEFAULT_BRANCH = "main"

PLUGIN_ITEM = """\
- govgate:
    policy: signoffs/policy.yml
    reviewers: signoffs/reviewers.yml
    rules_dir: signoffs/rules
    on_unapproved: exclude
    report_dir: @@report_dir@@
"""


def _plugin_item(report_dir: str = DEFAULT_REPORT_DIR) -> str:
    return PLUGIN_ITEM.replace("@@report_dir@@", report_dir)


def template(name: str) -> str:
    return resources.files("mkdocs_govgate").joinpath("templates", "init", name).read_text(encoding="utf-8")


def render(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    return text


# -- who is setting the site up ---------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    id: str
    name: str
    key: str            # as the roster registers it: SSH public key line or openpgp:<FPR>
    fingerprint: str    # as a trust root names it: SHA256:… or openpgp:<FPR>
    armored: str = ""   # OpenPGP public key, stored in signoffs/keys/<FPR>.asc


def _person_id(email: str, name: str) -> str:
    for candidate in (email.split("@", 1)[0], name):
        cleaned = re.sub(r"[^a-z0-9._-]+", "", candidate.lower()).lstrip("._-")
        if cleaned:
            return cleaned
    return "admin"


def current_identity(cwd: Path) -> Identity:
    """The signing key git would sign with (user.signingkey + gpg.format), as the roster's first admin."""
    try:
        key = signing_key(cwd)
    except Refused as refused:
        raise GateError(Msg("找不到你的签名密钥：", "your signing key was not found: ") + refused.message,
                        hint=Msg("先设置签名密钥（没有 SSH 密钥时先运行 ssh-keygen -t ed25519）："
                                 "git config --global gpg.format ssh；"
                                 "git config --global user.signingkey ~/.ssh/id_ed25519.pub；然后重新运行 govgate init",
                                 "set up a signing key first (no SSH key yet? run ssh-keygen -t ed25519): "
                                 "git config --global gpg.format ssh; "
                                 "git config --global user.signingkey ~/.ssh/id_ed25519.pub; then run govgate init "
                                 "again")) from None
    email = run_git(cwd, "config", "--get", "user.email", check=False).decode().strip()
    name = run_git(cwd, "config", "--get", "user.name", check=False).decode().strip()
    person = _person_id(email, name)
    if key.format == "ssh":
        return Identity(person, name or person, f"{key.identity} {person}",
                        sshsig.key_fingerprint(sshsig.key_blob_from_line(key.identity)))
    fingerprint = key.identity.split(":", 1)[1]
    proc = subprocess.run(["gpg", "--batch", "--armor", "--export", fingerprint], capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0 or "BEGIN PGP PUBLIC KEY" not in proc.stdout:
        raise GateError(Msg(f"无法导出 OpenPGP 公钥 {fingerprint}", f"cannot export the OpenPGP public key {fingerprint}"))
    return Identity(person, name or person, key.identity, key.identity, proc.stdout)


# -- the plan -----------------------------------------------------------------------------------

@dataclass
class Action:
    path: str                       # relative to the site root, posix
    kind: str                       # CREATE | UNCHANGED | KEPT | MERGE | REPLACE | MANUAL
    content: bytes | None = None    # what would be written
    note: Msg | None = None         # what a merge adds, why a file is kept, what to do by hand
    needs: str = ""                 # only useful when this other action is carried out

    @property
    def changes(self) -> bool:
        return self.kind in (CREATE, MERGE, REPLACE)


@dataclass
class Plan:
    root: Path
    actions: list[Action] = field(default_factory=list)
    docs_dir: str = "content"
    report_dir: str = DEFAULT_REPORT_DIR
    identity: Identity | None = None
    install: InstallSource = field(default_factory=current_source)   # where the CI files install govgate from


def _file_action(root: Path, rel: str, text: str, replaceable: bool) -> Action:
    """Create, leave alone, or (templates only) offer to replace."""
    path = root / rel
    data = text.encode("utf-8")
    if not path.exists():
        return Action(rel, CREATE, data)
    if path.is_file() and path.read_bytes() == data:
        return Action(rel, UNCHANGED)
    if replaceable and path.is_file() and not path.is_symlink():
        return Action(rel, REPLACE, data, Msg("与 govgate 的模板不同", "differs from govgate's template"))
    return Action(rel, KEPT, note=Msg("已存在，保留你的版本", "exists; your version is kept"))


def plan(root: Path, identity: Identity | None, today: dt.date | None = None, branch: str = DEFAULT_BRANCH) -> Plan:
    """Everything init would do in ``root``; nothing is written here."""
    today = today or dt.date.today()
    result = Plan(root, identity=identity)
    mkdocs = _mkdocs_action(root, result)
    values = {"docs_dir": result.docs_dir, "report_dir": result.report_dir, "today": today.isoformat(),
              "branch": branch, "docs_re": re.escape(result.docs_dir), "install": result.install.requirement}
    actions = result.actions
    actions.append(_file_action(root, "signoffs/policy.yml", template("policy.yml"), replaceable=False))
    roster = root / "signoffs/reviewers.yml"
    if roster.exists():
        actions.append(Action("signoffs/reviewers.yml", KEPT if roster.is_file() else MANUAL,
                              note=Msg("已存在，信任库不会被改动", "exists; the trust store is never changed")))
    else:
        if identity is None:
            raise GateError(Msg("需要你的签名密钥来建立审核人员名册", "your signing key is needed to create the roster"))
        values.update(id=identity.id, name=json.dumps(identity.name, ensure_ascii=False), unit='""',
                      key=json.dumps(identity.key, ensure_ascii=False))
        actions.append(Action("signoffs/reviewers.yml", CREATE, render(template("reviewers.yml"), values).encode()))
        if identity.armored:
            fpr = identity.key.split(":", 1)[1]
            actions.append(_file_action(root, f"signoffs/{key_file_path(fpr)}", identity.armored, replaceable=False))
    values.setdefault("id", identity.id if identity else "admin")
    actions.append(_file_action(root, "signoffs/rules/allowed_domains.txt", template("allowed_domains.txt"),
                                replaceable=False))
    actions.append(mkdocs)
    if _uses_overrides(root, mkdocs):
        for name in ("main.html", "404.html"):
            override = _file_action(root, f"overrides/{name}", template(f"overrides-{name}"), replaceable=True)
            override.needs = mkdocs.path if mkdocs.kind == MERGE else ""
            actions.append(override)
    docs = root / result.docs_dir
    fresh = not docs.is_dir() or not any(docs.rglob("*.md"))
    if (docs / "index.md").exists() or not (docs / "README.md").exists():   # README.md is a home page too
        home = template("index.md") if fresh or (docs / "index.md").exists() else _without_columns(template("index.md"))
        actions.append(_file_action(root, f"{result.docs_dir}/index.md", render(home, values), replaceable=False))
    if fresh or all((docs / folder / "index.md").is_file() for folder, _, _ in COLUMNS):
        for folder, column, about in COLUMNS:   # the usual columns of a county portal, one folder each
            text = render(template("column.md"), {**values, "column": column, "about": about})
            actions.append(_file_action(root, f"{result.docs_dir}/{folder}/index.md", text, replaceable=False))
    actions.append(_precommit_action(root, values))
    actions.append(_file_action(root, ".github/workflows/govgate.yml", render(template("github-workflow.yml"), values),
                                replaceable=True))
    actions.append(_file_action(root, ".gitlab-ci.yml", render(template("gitlab-ci.yml"), values), replaceable=True))
    actions.append(_gitignore_action(root, values))
    return result


# The columns (栏目) a new site starts with: folder, title (the navigation shows it), what it holds.
COLUMNS = (
    ("gkml", "信息公开目录", "本栏目发布政府信息公开指南、政府信息公开年度报告等法定主动公开内容。\n\n"),
    ("tzgg", "通知公告", "本栏目发布本单位面向社会公开的通知、公告。\n\n"),
    ("zcjd", "政策解读", "本栏目发布对本单位政策文件的解读。\n\n"),
    ("zcwj", "政策文件", "本栏目发布本单位制发的规范性文件和其他政策文件。\n\n"),
    ("zwdt", "政务动态", "本栏目发布本单位的工作动态。\n\n"),
)


def _without_columns(home: str) -> str:
    """The home page for a site that has pages but not our column folders: no links to missing pages."""
    return home.split("\n## 栏目\n", 1)[0]


# -- merging into the user's YAML without touching a byte of it ---------------------------------

def _rt_load(text: str) -> Any:
    yaml = YAML(typ="rt")
    return yaml.load(text)


def _block_end(lines: list[str], start: int, stop: int) -> int:
    """Index of the line after the last content line of a block that runs from ``start`` to before ``stop``."""
    end = start + 1
    for index in range(start + 1, stop):
        line = lines[index]
        if line.strip() and not (line.startswith("#")):
            end = index + 1
    return end


def _next_key_line(data: CommentedMap, key: str, total: int) -> int:
    here = data.lc.key(key)[0]
    later = [data.lc.key(k)[0] for k in data if data.lc.key(k)[0] > here]
    return min(later) if later else total


def _indented(block: str, column: int) -> list[str]:
    return [(" " * column + line) if line else line for line in block.splitlines()]


class _Splice:
    """Insertions into a YAML text, applied bottom-up so earlier line numbers stay valid."""

    def __init__(self, text: str):
        self.text = text if text.endswith("\n") or not text else text + "\n"
        self.lines = self.text.splitlines()
        self.inserts: list[tuple[int, list[str]]] = []

    def insert(self, before_line: int, new_lines: list[str]) -> None:
        self.inserts.append((before_line, new_lines))

    def append(self, new_lines: list[str]) -> None:
        self.insert(len(self.lines), new_lines)

    def result(self) -> str:
        lines = list(self.lines)
        # bottom-up so earlier line numbers stay valid; at one place, in the order they were added
        order = sorted(range(len(self.inserts)), key=lambda i: (self.inserts[i][0], i), reverse=True)
        for index in order:
            at, new = self.inserts[index]
            lines[at:at] = new
        return "\n".join(lines) + "\n"


def append_list_item(splice: _Splice, data: CommentedMap, key: str, item: str) -> bool:
    """Add ``item`` (a block sequence item written at column 0) to the top-level list ``key``."""
    value = data.get(key)
    key_line, key_col = data.lc.key(key)
    if value is None:                            # "plugins:" with nothing after it
        splice.insert(key_line + 1, _indented(item, key_col + 2))
        return True
    if not isinstance(value, CommentedSeq) or value.fa.flow_style() or not value:
        return False
    first_line, first_col = value.lc.item(0)
    dash = splice.lines[first_line].rfind("-", 0, first_col)
    if dash < 0:
        return False
    end = _block_end(splice.lines, key_line, _next_key_line(data, key, len(splice.lines)))
    splice.insert(end, _indented(item, dash))
    return True


def _set_in_mapping(splice: _Splice, data: CommentedMap, key: str, line: str, after: str | None = None) -> bool:
    """Add ``line`` ("name: value") to the top-level block mapping ``key``: after the single-line
    entry ``after`` when there is one, else as its first entry."""
    value = data.get(key)
    if not isinstance(value, CommentedMap) or value.fa.flow_style() or not value:
        return False
    first = next(iter(value))
    first_line, first_col = value.lc.key(first)
    if first_line <= data.lc.key(key)[0]:
        return False
    at = first_line
    if after in value and not isinstance(value[after], (dict, list)):
        after_line, after_col = value.lc.key(after)
        if after_col == first_col:
            at = after_line + 1
    splice.insert(at, [" " * first_col + line])
    return True


def _keeps_every_line(old: str, new: str) -> bool:
    """Every line of ``old`` is still there, in order: the merge only inserted."""
    remaining = iter(new.splitlines())
    return all(any(line == candidate for candidate in remaining) for line in old.splitlines())


def _has_govgate(plugins: Any) -> bool:
    if isinstance(plugins, dict):
        return "govgate" in plugins
    if isinstance(plugins, list):
        return any(item == "govgate" or (isinstance(item, dict) and "govgate" in item) for item in plugins)
    return False


def _govgate_options(plugins: Any) -> dict:
    entry = plugins.get("govgate") if isinstance(plugins, dict) else next(
        (item["govgate"] for item in plugins or [] if isinstance(item, dict) and "govgate" in item), None)
    return dict(entry) if isinstance(entry, dict) else {}


def _mkdocs_action(root: Path, result: Plan) -> Action:
    path = root / "mkdocs.yml"
    if not path.exists() and (root / "mkdocs.yaml").exists():
        path = root / "mkdocs.yaml"
    rel = path.name
    if not path.exists():
        return Action(rel, CREATE, render(template("mkdocs.yml"), {"docs_dir": result.docs_dir,
                                                                     "report_dir": result.report_dir}).encode())
    text = path.read_text(encoding="utf-8")
    try:
        data = _rt_load(text)
    except YAMLError as exc:
        raise GateError(Msg(f"mkdocs.yml 无法解析：{exc}", f"mkdocs.yml cannot be parsed: {exc}"), rel) from None
    if not isinstance(data, CommentedMap) or "\r" in text:
        return Action(rel, MANUAL, note=Msg("无法自动修改（不是键值映射，或用 CRLF 换行），请手工加入 govgate 插件：\n" + _plugin_item(),
                                            "cannot be edited automatically (not a mapping, or CRLF line ends): "
                                            "add the govgate plugin by hand:\n" + _plugin_item()))
    docs_dir = data.get("docs_dir", "docs")
    result.docs_dir = docs_dir.strip("/") if isinstance(docs_dir, str) and docs_dir.strip("/") else "docs"
    options = _govgate_options(data.get("plugins"))
    if isinstance(options.get("report_dir"), str):
        result.report_dir = options["report_dir"]
    splice = _Splice(text)
    added: list[Msg] = []
    manual: list[Msg] = []
    if not _has_govgate(data.get("plugins")):
        item = _plugin_item(result.report_dir)
        if "plugins" not in data:   # MkDocs' default is [search]: keep it
            splice.append(["plugins:", *_indented("- search\n" + item, 2)])
            added.append(Msg("plugins：search 与 govgate", "plugins: search and govgate"))
        elif append_list_item(splice, data, "plugins", item):
            added.append(Msg("plugins：govgate", "plugins: govgate"))
        else:
            manual.append(Msg("在 plugins 中加入：\n" + item, "add under plugins:\n" + item))
    _theme_edits(splice, data, added, manual)
    new = splice.result()
    if added and not _valid_merge(text, new):
        manual.append(Msg("无法在不改动原有内容的前提下自动加入，请手工加入：\n" + _plugin_item(result.report_dir),
                          "cannot add it without changing your lines; add by hand:\n"
                          + _plugin_item(result.report_dir)))
        added = []
    if added:
        note = Msg("加入 " + "；".join(a.zh for a in added), "add " + "; ".join(a.en for a in added))
        if manual:
            note = note + Msg("；另需手工处理：" + "；".join(m.zh for m in manual), "; also by hand: "
                              + "; ".join(m.en for m in manual))
        return Action(rel, MERGE, new.encode("utf-8"), note)
    if manual:
        return Action(rel, MANUAL, note=Msg("；".join(m.zh for m in manual), "; ".join(m.en for m in manual)))
    return Action(rel, UNCHANGED)


def _valid_merge(old: str, new: str) -> bool:
    if not _keeps_every_line(old, new):
        return False
    try:
        data = _rt_load(new)
    except YAMLError:
        return False
    return isinstance(data, CommentedMap) and _has_govgate(data.get("plugins"))


def _theme_edits(splice: _Splice, data: CommentedMap, added: list[Msg], manual: list[Msg]) -> None:
    """Keep the theme's footer credit link (an external site) from tripping the link rules."""
    theme = data.get("theme", None)
    if "theme" not in data:
        splice.append(["theme:", "  name: mkdocs",
                       "  custom_dir: overrides   # 页脚不链接外部网站 / footer without external links",
                       "  highlightjs: false      # 不从站外加载脚本 / no scripts from other hosts"])
        added.append(Msg("theme：custom_dir: overrides（页脚不链接外部网站）",
                         "theme: custom_dir: overrides (footer without external links)"))
        return
    name = theme.get("name") if isinstance(theme, dict) else theme
    if name == "mkdocs" and isinstance(theme, dict) and "highlightjs" not in theme and _set_in_mapping(
            splice, data, "theme", "highlightjs: false      # 不从站外加载脚本 / no scripts from other hosts", after="name"):
        added.append(Msg("theme：highlightjs: false（不从站外加载脚本）", "theme: highlightjs: false (no scripts from "
                         "other hosts)"))
    if name == "mkdocs" and isinstance(theme, dict) and "custom_dir" not in theme:
        if _set_in_mapping(splice, data, "theme", "custom_dir: overrides   # 页脚不链接外部网站 / footer without external links",
                           after="name"):
            added.append(Msg("theme：custom_dir: overrides（页脚不链接外部网站）",
                             "theme: custom_dir: overrides (footer without external links)"))
            return
    if name == "material":
        extra = data.get("extra")
        if extra is None and "extra" not in data:
            splice.append(["extra:", "  generator: false   # 不显示指向外部网站的 Made with Material 链接"])
            added.append(Msg("extra：generator: false（页脚不链接外部网站）", "extra: generator: false (no external "
                             "credit link)"))
            return
        if isinstance(extra, dict) and "generator" not in extra:
            if _set_in_mapping(splice, data, "extra", "generator: false   # 不显示指向外部网站的 Made with Material 链接"):
                added.append(Msg("extra：generator: false（页脚不链接外部网站）", "extra: generator: false (no external "
                                 "credit link)"))
                return
        if isinstance(extra, dict) and extra.get("generator") is False:
            return
    if name == "mkdocs" and isinstance(theme, dict) and theme.get("custom_dir"):
        return
    manual.append(Msg(f"主题 {name} 的页脚可能链接外部网站：用 custom_dir 覆盖页脚，或把域名加入 signoffs/rules/allowed_domains.txt",
                      f"theme {name}'s footer may link an external site: override the footer with custom_dir, or "
                      "allow the domain in signoffs/rules/allowed_domains.txt"))


def _uses_overrides(root: Path, mkdocs: Action) -> bool:
    if mkdocs.content is not None:
        try:
            data = _rt_load(mkdocs.content.decode("utf-8"))
        except YAMLError:
            return False
    else:
        path = root / mkdocs.path
        try:
            data = _rt_load(path.read_text(encoding="utf-8")) if path.is_file() else None
        except YAMLError:
            return False
    theme = data.get("theme") if isinstance(data, dict) else None
    return isinstance(theme, dict) and theme.get("name") == "mkdocs" and theme.get("custom_dir") == "overrides"


def _precommit_action(root: Path, values: dict[str, str]) -> Action:
    rel = ".pre-commit-config.yaml"
    hook = render(template("pre-commit-hook.yaml"), values)
    path = root / rel
    if not path.exists():
        text = render(template("pre-commit-config.yaml"), {"hook_item": "\n".join(_indented(hook, 2))})
        return Action(rel, CREATE, text.encode("utf-8"))
    text = path.read_text(encoding="utf-8")
    try:
        data = _rt_load(text)
    except YAMLError as exc:
        raise GateError(Msg(f"无法解析：{exc}", f"cannot be parsed: {exc}"), rel) from None
    repos = data.get("repos") if isinstance(data, CommentedMap) else None
    hooks = [h.get("id") for r in repos or [] if isinstance(r, dict) for h in r.get("hooks") or [] if isinstance(h, dict)]
    if "govgate" in hooks:
        return Action(rel, UNCHANGED)
    splice = _Splice(text)
    if isinstance(data, CommentedMap) and "repos" in data and append_list_item(splice, data, "repos", hook):
        new = splice.result()
        if _keeps_every_line(text, new):
            try:
                ok = "govgate" in [h.get("id") for r in _rt_load(new)["repos"] for h in r.get("hooks") or []]
            except (YAMLError, TypeError, KeyError, AttributeError):
                ok = False
            if ok:
                return Action(rel, MERGE, new.encode("utf-8"), Msg("加入 govgate 钩子", "add the govgate hook"))
    return Action(rel, MANUAL, note=Msg("在 repos 中加入：\n" + hook, "add under repos:\n" + hook))


def _gitignore_action(root: Path, values: dict[str, str]) -> Action:
    rel = ".gitignore"
    wanted = render(template("gitignore"), values)
    path = root / rel
    if not path.exists():
        return Action(rel, CREATE, wanted.encode("utf-8"))
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    have = {line.strip().rstrip("/") for line in text.splitlines()}
    missing = [line for line in wanted.splitlines()
               if line and not line.startswith("#") and line.strip().rstrip("/") not in have]
    if not missing:
        return Action(rel, UNCHANGED)
    new = text + ("" if text.endswith("\n") or not text else "\n") + "# govgate\n" + "\n".join(missing) + "\n"
    return Action(rel, MERGE, new.encode("utf-8", errors="surrogateescape"),
                  Msg("加入 " + "、".join(missing), "add " + ", ".join(missing)))


# -- writing --------------------------------------------------------------------------------------

@dataclass
class Outcome:
    action: Action
    status: str        # created | unchanged | kept | updated | replaced | skipped | manual
    backup: str = ""


def _backup_name(path: Path) -> Path:
    candidate = path.with_name(path.name + BACKUP_SUFFIX)
    number = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}{BACKUP_SUFFIX}.{number}")
        number += 1
    return candidate


def apply(plan_: Plan, consent: Callable[[Action], bool]) -> list[Outcome]:
    """Write what the plan and ``consent`` allow; ``consent`` is asked for MERGE and REPLACE only."""
    outcomes: list[Outcome] = []
    for action in plan_.actions:
        path = plan_.root / action.path
        if action.needs and any(o.action.path == action.needs and o.status == "skipped" for o in outcomes):
            outcomes.append(Outcome(action, "skipped"))
            continue
        if action.kind == CREATE:
            if path.exists():   # appeared since planning: never overwrite
                outcomes.append(Outcome(action, "kept"))
                continue
            write_atomic(path, action.content or b"", keep_mode=True)
            outcomes.append(Outcome(action, "created"))
        elif action.kind in (MERGE, REPLACE):
            if not consent(action):
                outcomes.append(Outcome(action, "skipped"))
                continue
            backup = ""
            if action.kind == REPLACE:
                target = _backup_name(path)
                target.write_bytes(path.read_bytes())
                backup = target.relative_to(plan_.root).as_posix()
            write_atomic(path, action.content or b"", keep_mode=True)
            outcomes.append(Outcome(action, "updated" if action.kind == MERGE else "replaced", backup))
        else:
            outcomes.append(Outcome(action, {UNCHANGED: "unchanged", KEPT: "kept", MANUAL: "manual"}[action.kind]))
    return outcomes

