"""``govgate status [--mine] [--format text|json] [PATH…]``: the review queue.

Every page with its classification, the stages signed (who, when), the stages still open with
the people who may sign each, pages sent back with the opinion, sign-offs gone stale, withdrawn
and expired pages, and the count of content findings.  ``--mine`` keeps only what waits for the
person whose signing key git is configured with (``user.signingkey``), found in the roster the
way ``govgate approve`` finds them.

Exit status: 0 (whatever the queue holds), 2 on configuration errors.  The JSON shape is
documented in the README (schema ``govgate-status/1``) and built by ``queue.Queue.as_dict``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from ..approval import APPROVED, INVALID, MISSING, SENT_BACK, STALE, WAITING
from ..cliargs import h, progress_bar
from ..engines import build_gate
from ..errors import GateError
from ..gate import Gate
from ..i18n import Msg
from ..queue import (
    GROUP_TITLES,
    GROUPS,
    MINE,
    PENDING,
    PUBLISHED,
    RETIRED,
    SENT_BACK_GROUP,
    STALE_GROUP,
    Queue,
    QueueEntry,
    QueueStage,
    Who,
    build_queue,
)
from ..report import PageResult
from ..retirement import EXPIRED
from ..safetext import truncate
from ..sitefinder import site_from_mkdocs
from ..terminal import emit, render_table
from . import EXIT_OK

TITLE_CELLS, TEXT_CELLS, NAMES_SHOWN = 24, 36, 3


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    status = sub.add_parser("status", parents=[common], help=h("审核队列：哪些页面等谁签核", "the review queue: which "
                                                                  "pages wait for whom"))
    status.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help=h("页面或目录（默认：整个网站）", "pages or folders (default: the whole site)"))
    status.add_argument("--mine", action="store_true", help=h("只看等待我签核的页面", "only what waits for my signature"))
    status.add_argument("--format", choices=("text", "json"), default="text",
                        help=h("输出格式：text 表格（默认）或 json", "output format: text tables (default) or json"))
    status.set_defaults(run=_status)


def _status(args: argparse.Namespace, lang: str) -> int:
    site = site_from_mkdocs(args.config, Path.cwd(), lang)
    gate = build_gate(site)
    try:
        me, may_sign, note = _signer(gate, site.root, required=args.mine)   # before the long part: fail fast
        pages = _select(gate, args.paths)
        with progress_bar(args, lang) as bar:
            gate.progress = bar
            report = gate.check_site(pages, [])   # pages only: attachments are not queue items
        queue = build_queue(report, gate.trust.policy, gate.trust.roster, me=me, may_sign=may_sign)
    finally:
        gate.close()
    if args.format == "json":
        text = json.dumps(queue.as_dict(lang, only_mine=args.mine), ensure_ascii=False, indent=2)
    else:
        text = render_queue(queue, lang, only_mine=args.mine, note=note, quiet=args.quiet)
    try:
        if args.format == "json":
            print(text)
        else:
            emit(text)
    except BrokenPipeError:   # `govgate status | head`: the reader left; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def _select(gate: Gate, paths: list[Path]) -> list[str]:
    pages, _, _ = gate.discover()
    if not paths:
        return pages
    docs_dir = gate.docs_dir.absolute()
    chosen: list[str] = []
    for path in paths:
        absolute = path.absolute()
        if not absolute.is_relative_to(docs_dir):
            raise GateError(Msg("路径不在站点文档目录中", "path is not inside the site's docs directory"), str(path),
                            hint=Msg(f"文档目录是 {docs_dir}", f"the docs directory is {docs_dir}"))
        if not absolute.exists():
            raise GateError(Msg("文件不存在", "no such file"), str(path))
        rel = absolute.relative_to(docs_dir).as_posix()
        prefix = "" if rel == "." else rel + "/"
        chosen += [p for p in pages if p == rel or (absolute.is_dir() and p.startswith(prefix))]
    return sorted(set(chosen))


def _signer(gate: Gate, root: Path, required: bool):  # noqa: ANN202 - (Who | None, MaySign | None, Msg | None)
    """The configured signer and approve's own "may they sign this now?" check."""
    from ..approve import sign_refusal  # noqa: PLC0415 - approve's check, so --mine and approve agree
    from ..signer import Refused, signer_person, signing_key  # noqa: PLC0415

    roster, policy = gate.trust.roster, gate.trust.policy
    try:
        person = signer_person(roster, signing_key(root))
    except Refused as refusal:
        if required:
            raise GateError(refusal.message, hint=refusal.hint) from None
        return None, None, Msg("（未找到已登记的签名密钥，不列出“待我签”）",
                               "(no registered signing key found, so nothing is listed as waiting for you)")
    except GateError:
        if required:
            raise
        return None, None, None

    def may_sign(result: PageResult, stage_id: str) -> bool:
        # "revise" is the decision open even when content checks fail: the page still waits for a review
        return result.page is not None and sign_refusal("revise", result.page, stage_id, person, policy,
                                                        result) is None

    return Who(person.id, person.name), may_sign, None


# -- text -------------------------------------------------------------------------------------------

_STATUS_LABELS = {
    MISSING: Msg("", ""), WAITING: Msg("待前序", "after earlier stage"), INVALID: Msg("无效", "invalid"),
    STALE: Msg("已失效", "stale"), SENT_BACK: Msg("已退回", "sent back"), APPROVED: Msg("已签", "approved"),
}


def _t(zh: str, en: str, lang: str) -> str:
    return en if lang == "en" else zh


def _when(stage: QueueStage) -> str:
    return stage.signoff.at.strftime("%Y-%m-%d %H:%M") if stage.signoff else ""


def _moment(text: str) -> str:
    try:
        return dt.datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M") if text else ""
    except ValueError:
        return text


def _signed(entry: QueueEntry, lang: str) -> list[str]:
    return [f"{s.title if lang != 'en' else s.id} {s.signoff.by.label(lang)} {_when(s)}"
            for s in entry.done if s.signoff] or ["-"]


def _person(who: Who, lang: str) -> str:
    return who.id if lang == "en" or who.name == who.id else f"{who.name}（{who.id}）"


def _names(people: tuple[Who, ...], lang: str) -> str:
    shown = [w.label(lang) for w in people[:NAMES_SHOWN]]
    more = len(people) - len(shown)
    sep = ", " if lang == "en" else "、"
    text = sep.join(shown) or _t("（无人可签）", "(nobody may sign)", lang)
    if more > 0:
        text += _t(f" 等 {len(people)} 人", f" +{more} more", lang)
    return text


def _stage_label(stage: QueueStage, lang: str) -> str:
    """Stage name, with its state when it is more than "not signed yet"."""
    label = _STATUS_LABELS.get(stage.status, Msg(stage.status, stage.status)).render(lang)
    if stage.status == SENT_BACK and not stage.waits_for_editor:
        label = _t("已修改待复审", "revised", lang)
    name = stage.title if lang != "en" else stage.id
    return f"{name}［{label}］" if label and lang != "en" else f"{name} [{label}]" if label else name


def _open(entry: QueueEntry, lang: str) -> list[str]:
    lines = []
    for stage in entry.open:
        lines.append(f"{_stage_label(stage, lang)}{_t('：', ': ', lang)}{_names(stage.eligible, lang)}")
    lines += ["! " + truncate(p.render(lang), TEXT_CELLS) for p in entry.problems]
    return lines or ["-"]


def _findings(entry: QueueEntry, lang: str) -> str:
    block, warn = entry.findings.get("block", 0), entry.findings.get("warn", 0)
    if not block and not warn:
        return "-"
    parts = []
    if block:
        parts.append(_t(f"阻止 {block}", f"block {block}", lang))
    if warn:
        parts.append(_t(f"提醒 {warn}", f"warn {warn}", lang))
    return _t("，", ", ", lang).join(parts)


def _row_start(entry: QueueEntry, lang: str) -> list[str]:
    return [entry.path, truncate(entry.title, TITLE_CELLS), entry.classification_label(lang)]


def _table(group: str, entries: list[QueueEntry], lang: str) -> str:
    head = [_t("页面", "page", lang), _t("标题", "title", lang), _t("分级", "class", lang)]
    rows: list[list] = []
    if group == MINE:
        head += [_t("待我签", "for me", lang), _t("已签", "signed", lang), _t("内容问题", "findings", lang)]
        for e in entries:
            mine = [_stage_label(s, lang) for s in e.stages if s.mine]
            rows.append(_row_start(e, lang) + [mine, _signed(e, lang), _findings(e, lang)])
    elif group == SENT_BACK_GROUP:
        head += [_t("环节", "stage", lang), _t("退回人", "by", lang), _t("意见", "opinion", lang),
                 _t("时间", "when", lang)]
        for e in entries:
            back = [s for s in e.stages if s.waits_for_editor and s.signoff]
            rows.append(_row_start(e, lang) + [
                [s.title if lang != "en" else s.id for s in back],
                [s.signoff.by.label(lang) + ("" if s.signoff.decision == "revise" else _t("（不同意）", " (rejected)", lang))
                 for s in back if s.signoff],
                [truncate(s.signoff.opinion, TEXT_CELLS) for s in back if s.signoff],
                [_when(s) for s in back]])
    elif group == STALE_GROUP:
        head += [_t("已失效的签核", "stale sign-offs", lang), _t("待签（可签人）", "open (who may sign)", lang)]
        for e in entries:
            stale = [f"{s.title if lang != 'en' else s.id} {s.signoff.by.label(lang)} {_when(s)}"
                     for s in e.stages if s.status == STALE and s.signoff]
            rows.append(_row_start(e, lang) + [stale, _open(e, lang)])
    elif group == PENDING:
        head += [_t("已签", "signed", lang), _t("待签（可签人）", "open (who may sign)", lang),
                 _t("内容问题", "findings", lang)]
        for e in entries:
            rows.append(_row_start(e, lang) + [_signed(e, lang), _open(e, lang), _findings(e, lang)])
    elif group == PUBLISHED:   # the long list: one line a page, signers in stage order and the last time
        head += [_t("签核人（按环节）", "signed by (in stage order)", lang), _t("完成时间", "completed", lang)]
        for e in entries:
            signed = [s for s in e.done if s.signoff]
            last = max(signed, key=lambda s: s.signoff.at) if signed else None
            rows.append(_row_start(e, lang) + [" → ".join(s.signoff.by.label(lang) for s in signed) or "-",
                                               _when(last) if last else "-"])
    elif group == RETIRED:
        head = [_t("页面", "page", lang), _t("标题", "title", lang), _t("类型", "kind", lang), _t("时间", "when", lang),
                _t("撤稿人", "by", lang), _t("原因", "reason", lang), _t("验证", "verified", lang)]
        for e in entries:
            r = e.retired
            assert r is not None
            kind = _t("已过期", "expired", lang) if r.kind == EXPIRED else _t("已撤下", "withdrawn", lang)
            verified = {True: _t("已验证", "verified", lang), False: _t("未验证！", "UNVERIFIED", lang)}.get(
                r.verified, "-")
            who = _person(e.retired_by, lang) if e.retired_by else "-"
            rows.append([e.path, truncate(e.title, TITLE_CELLS), kind, _moment(r.at) or (r.since.isoformat() if r.since
                                                                                      else "-"), who,
                         truncate(r.reason, TEXT_CELLS) or "-", verified])
    return render_table(head, rows)


def _summary(queue: Queue, lang: str) -> str:
    counts = queue.summary()
    groups = [g for g in GROUPS if g != MINE or queue.me is not None]
    parts = [f"{GROUP_TITLES[g].render(lang)} {counts[g]}" for g in groups]
    if lang == "en":
        return f"govgate review queue: {counts['total']} page(s) — " + ", ".join(parts)
    return f"govgate 审核队列：共 {counts['total']} 页 —— " + "，".join(parts)


def render_queue(queue: Queue, lang: str = "zh", only_mine: bool = False, note: Msg | None = None,
                 quiet: bool = False) -> str:
    """The summary line, who you are, then one table per group (``quiet``: the tables only)."""
    lines: list[str] = []
    if not quiet:
        lines.append(_summary(queue, lang))
        if queue.me is not None:
            lines.append(_t(f"签核人：{queue.me.name}（{queue.me.id}）", f"signer: {queue.me.id} ({queue.me.name})",
                            lang))
        elif note is not None:
            lines.append(note.render(lang))
    groups = [MINE] if only_mine else list(GROUPS)
    for group in groups:
        entries = queue.group(group)
        if not entries:
            if only_mine:
                lines += ["", _t("没有等待你签核的页面。", "Nothing waits for your signature.", lang)]
            continue
        title = GROUP_TITLES[group].render(lang)
        lines += ["", f"■ {title}（{len(entries)}）" if lang != "en" else f"■ {title} ({len(entries)})",
                  _table(group, entries, lang)]
    return "\n".join(lines)
