"""``govgate approve|revise|reject PATH --stage STAGE``: write one sign-off, make one signed commit.

The entry is spliced into the front-matter text (its position and indentation found with
ruamel.yaml's round-trip parser), so every byte outside the entry stays as it was; the
result is parsed again strictly and must equal the old front-matter plus the new entry.
The file is replaced atomically and restored if the commit fails.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

from .digest import compute_digest
from .errors import GateError
from .evidence.inline import payload_for
from .evidence.trailers import ApprovalTrailer, approval_message
from .i18n import Msg
from .page import FRONT_MATTER_RE, Page
from .pagewrite import committed_bytes, locate, refuse_uncommitted, splice_at, write_and_commit
from .policy import Policy
from .roster import Person
from .signer import Refused, SigningKey, sign_inline, signer_person, signing_key

EXIT_OK, EXIT_REFUSED = 0, 1
_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#\n\"'\\]*(?<!\s)$")
__all__ = ["Refused", "SigningKey", "signing_key", "signer_person", "sign_refusal", "splice_entry", "splice_raw",
           "entry_text", "insertion", "run", "main"]


# -- the checks -------------------------------------------------------------------------------

def sign_refusal(action: str, page: Page, stage_id: str, person: Person, policy: Policy, result,  # noqa: ANN001
                 today: dt.date | None = None) -> Refused | None:
    """Why ``person`` may not make this decision on this page now, or None when they may.

    ``result`` is the page's gate result (its verdict gives stage order, its findings the content
    checks that an approval must pass).  ``govgate status --mine`` asks the same question.
    """
    stage = policy.stages.get(stage_id)
    if stage is None:
        return Refused(Msg(f"审核策略中没有环节“{stage_id}”（可用：{', '.join(policy.stages)}）",
                          f"the policy has no stage '{stage_id}' (known: {', '.join(policy.stages)})"))
    if not set(person.roles) & set(stage.roles):
        return Refused(Msg(f"{person.name}（{person.id}）不具备“{stage.title}”所需角色（{'、'.join(stage.roles)}）",
                          f"{person.id} lacks the role stage {stage_id} needs ({', '.join(stage.roles)})"))
    today = today or dt.date.today()
    if not person.valid_on(today):
        return Refused(Msg(f"{person.name}（{person.id}）当前不在授权有效期内", f"{person.id} is not authorised today"))
    classification = policy.resolve_classification(page.meta.get("classification"))
    if classification is None:
        return Refused(Msg("页面没有有效的信息分级 classification", "the page has no valid classification"))
    required = list(policy.classifications[classification])
    if stage_id not in required:
        return Refused(Msg(f"“{classification}”级页面不需要环节 {stage_id}（需要：{', '.join(required)}）",
                          f"a {classification} page does not need stage {stage_id} (needs: {', '.join(required)})"))
    if policy.separation_of_duties:
        if page.author == person.id:
            return Refused(Msg("拟稿人不能审核自己的稿件", "the author may not sign off their own page"))
        others = sorted({s.stage for s in page.signoffs if s.by == person.id and s.stage != stage_id})
        if others:
            return Refused(Msg(f"你已签核本页的其他环节（{', '.join(others)}），一人不能签两个环节",
                              f"you already signed another stage of this page ({', '.join(others)})"))
    if policy.ordered and result.verdict is not None:
        for status in result.verdict.stages:
            if status.stage.id == stage_id:
                break
            if not status.done:
                return Refused(Msg(f"前一环节“{status.stage.title}”尚未通过，不能先签本环节",
                                  f"the earlier stage {status.stage.id} ({status.stage.title}) is not complete yet"))
    if action == "approve":
        blocking = [f for f in result.findings if f.blocking and f.category not in ("approval",)]
        if blocking:
            listing = "\n".join(f.render("zh") for f in blocking[:10])
            listing_en = "\n".join(f.render("en") for f in blocking[:10])
            return Refused(Msg(f"页面未通过内容检查，不能同意发布：\n{listing}",
                              f"the page fails content checks and cannot be approved:\n{listing_en}"))
    return None


# -- writing the entry ------------------------------------------------------------------------

def _scalar(value: str) -> str:
    if _PLAIN_SAFE.match(value) and value not in ("true", "false", "null", "~") and not value[0].isdigit():
        return value
    return json.dumps(value, ensure_ascii=False)


def entry_text(fields: dict[str, str], signature: str | None, indent: int) -> str:
    pad = " " * indent
    lines = [f"{pad}- stage: {_scalar(fields['stage'])}"]
    for name in ("by", "decision", "opinion"):
        lines.append(f"{pad}  {name}: {_scalar(fields[name])}")
    lines.append(f"{pad}  at: {fields['at']}")
    lines.append(f"{pad}  digest: {fields['digest']}")
    if signature:
        lines.append(f"{pad}  signature: |")
        lines.extend(f"{pad}    {line}" for line in signature.strip().splitlines())
    return "\n".join(lines) + "\n"


def splice_entry(text: str, page: Page, entry: dict[str, str], signature: str | None) -> str:
    """``text`` with the entry appended to ``signoffs`` (created at the end of the front-matter if absent)."""
    offset, block, cut = insertion(text, page, entry, signature)
    return text[:offset] + block + text[offset + cut:]


def splice_raw(raw: bytes, page: Page, entry: dict[str, str], signature: str | None) -> bytes:
    """The file's exact bytes with the entry inserted: BOM, line endings (even mixed) and all else kept."""
    return splice_at(raw, *insertion(page.text, page, entry, signature))


def insertion(text: str, page: Page, entry: dict[str, str], signature: str | None) -> tuple[int, str, int]:
    """Where in ``text`` the entry goes, its text, and how many characters there it replaces (only the
    ``[]`` of an empty ``signoffs: []``; otherwise none)."""
    match = FRONT_MATTER_RE.match(text)
    if not match or page.yaml is None:
        raise Refused(Msg("页面没有页首信息（front-matter）", "the page has no front-matter"))
    front_start = match.start(1)
    lines = text[front_start:match.end(1)].splitlines(keepends=True)
    node = page.yaml.node
    keys = list(node.keys())
    if "signoffs" not in node:
        insert_at, indent = len(lines), 2
        block = "signoffs:\n" + entry_text(entry, signature, indent)
    else:
        seq = node["signoffs"]
        key_line = node.lc.key("signoffs")[0]
        empty_flow = _EMPTY_FLOW.match(lines[key_line].rstrip("\n"))
        if empty_flow and seq is not None and len(seq) == 0:   # `signoffs: []`: the entries replace the []
            start = front_start + len("".join(lines[:key_line])) + empty_flow.end(1)
            rest = empty_flow.group(3) or ""
            return start, rest + "\n" + entry_text(entry, signature, 2).rstrip("\n"), \
                len(lines[key_line].rstrip("\n")) - empty_flow.end(1)
        if seq is not None and (not hasattr(seq, "fa") or seq.fa.flow_style()):
            raise Refused(Msg("signoffs 不是块状列表，无法在保持原格式的前提下追加", "signoffs is not a block list; "
                              "cannot append while keeping the file as it is"))
        following = [node.lc.key(k)[0] for k in keys if node.lc.key(k)[0] > key_line]
        end = min(following) if following else len(lines)
        last = key_line
        for number in range(key_line + 1, end):
            stripped = lines[number].strip()
            if stripped and not stripped.startswith("#"):
                last = number
        insert_at = last + 1
        if seq:
            first_item = lines[seq.lc.item(0)[0]]
            indent = len(first_item) - len(first_item.lstrip(" "))
            if not first_item.lstrip(" ").startswith("-"):
                indent = max(seq.lc.item(0)[1] - 2, 0)
        else:
            indent = 2
            if not _EMPTY_KEY.match(lines[key_line].rstrip("\n")):
                raise Refused(Msg("signoffs 的写法无法追加", "signoffs is written in a way that cannot be appended to"))
        block = entry_text(entry, signature, indent)
    if insert_at > 0 and not lines[insert_at - 1].endswith("\n"):
        block = "\n" + block
    return front_start + len("".join(lines[:insert_at])), block, 0


_EMPTY_KEY = re.compile(r"^signoffs:[ \t]*(?:#.*)?$")                       # nothing under it, maybe a comment
_EMPTY_FLOW = re.compile(r"^(signoffs:)([ \t]*\[[ \t]*\])([ \t]*(?:#.*)?)$")   # signoffs: []  # maybe a comment


# -- the command ------------------------------------------------------------------------------

def run(action: str, path: str, stage: str, opinion: str | None, lang: str, cwd: Path) -> int:
    try:
        summary = _run(action, path, stage, opinion, cwd)
    except Refused as refusal:
        print(("已拒绝：" if lang != "en" else "refused: ") + refusal.render(lang), file=sys.stderr)
        return EXIT_REFUSED
    print(summary.render(lang))
    return EXIT_OK


def _run(action: str, path: str, stage_id: str, opinion: str | None, cwd: Path) -> Msg:
    from .engines import build_rules, verify_sealed  # noqa: PLC0415 - the content rules are heavy; only approve needs them
    from .gate import Gate  # noqa: PLC0415
    from .site import load_trust  # noqa: PLC0415
    from .sitefinder import site_from_mkdocs  # noqa: PLC0415

    if action not in ("approve", "revise", "reject"):
        raise Refused(Msg(f"未知操作 {action}", f"unknown action {action}"))
    site = site_from_mkdocs(None, cwd)
    target = locate(site, path, cwd)
    opinion = (opinion or {"approve": "同意发布", "revise": "请修改后重新报审", "reject": "不同意发布"}[action]).strip()
    trust = load_trust(site)
    verify_sealed(site, trust)      # the policy, roster and rules a reviewer acts on are the admins', or refuse
    gate = Gate(site, rules=build_rules(site, trust), trust=trust)   # evidence is the build's job, not approve's
    key = signing_key(target.repo_root)
    person = signer_person(gate.trust.roster, key)
    original = committed_bytes(target)       # what the reviewer read: HEAD's version, equal to the file
    page = Page.from_bytes(target.rel, original, target.abs_path)
    result = gate.check_loaded(page)
    refusal = sign_refusal(action, page, stage_id, person, gate.trust.policy, result)
    if refusal is not None:
        raise refusal
    digest = compute_digest(page, site.docs_dir)
    if digest.problems:
        raise Refused(digest.problems[0].message)
    refuse_uncommitted(target, [(site.docs_dir / rel).resolve().relative_to(target.repo_root.resolve()).as_posix()
                                for rel in sorted(digest.files)])
    at = gate.trust.policy.now()   # in the site's time zone
    fields = {"stage": stage_id, "by": person.id, "decision": action, "opinion": opinion, "at": at.isoformat(),
              "digest": digest.value}
    signature = sign_inline(key, payload_for(digest.value, stage_id, person.id, action, at, page.path), target.repo_root)
    new_bytes = splice_raw(original, page, fields, signature)
    _verify_splice(target.rel, page, new_bytes, fields, signature)
    trailer = ApprovalTrailer(target.repo_path, stage_id, person.id, action, digest.value)
    write_and_commit(target, original, new_bytes, approval_message(trailer, gate.trust.policy.stages[stage_id].title))
    verb = {"approve": ("同意", "approved"), "revise": ("退回修改", "sent back for revision"),
            "reject": ("不同意", "rejected")}[action]
    stage_title = gate.trust.policy.stages[stage_id].title
    return Msg(f"{person.name}（{person.id}）已{verb[0]}：{target.repo_path} 的“{stage_title}”环节，已生成签名提交",
               f"{person.id} {verb[1]} {target.repo_path} at stage {stage_id} ({stage_title}); signed commit made")


def _verify_splice(rel: str, page: Page, new_bytes: bytes, fields: dict[str, str], signature: str) -> None:
    """The new file must read as the old one plus exactly this entry, else nothing is written."""
    try:
        new_page = Page.from_bytes(rel, new_bytes)
    except GateError as exc:
        raise Refused(Msg("写入后的页面无法解析，已放弃：", "the page would not parse after writing; nothing written: ")
                      + exc.message) from None
    added = new_page.signoffs[-1] if len(new_page.signoffs) == len(page.signoffs) + 1 else None
    ok = (added is not None and new_page.content_meta() == page.content_meta() and new_page.body == page.body
          and new_page.signoffs[:-1] == page.signoffs[:len(page.signoffs)] or False)
    if ok:
        assert added is not None
        ok = (added.stage, added.by, added.decision, added.opinion, added.at.isoformat(), added.digest,
              (added.signature or "").strip()) == (fields["stage"], fields["by"], fields["decision"],
                                                   fields["opinion"], fields["at"], fields["digest"], signature.strip())
    if not ok:
        raise Refused(Msg("无法在保持原文件不变的前提下写入签核记录，已放弃", "could not add the entry while keeping the rest "
                          "of the file unchanged; nothing written"))


def main(argv: list[str] | None = None) -> int:
    import argparse  # noqa: PLC0415

    parser = argparse.ArgumentParser(prog="govgate-approve")
    parser.add_argument("action", choices=("approve", "revise", "reject"))
    parser.add_argument("path")
    parser.add_argument("--stage", required=True)
    parser.add_argument("--opinion")
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args(argv)
    return run(args.action, args.path, args.stage, args.opinion, args.lang, Path.cwd())
