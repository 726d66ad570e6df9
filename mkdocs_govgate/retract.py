"""``govgate retract PATH --reason TEXT`` (应急处置): take a page offline with a signed record.

Any person in the roster (any role, authorised today) may retract: taking content down is never
the dangerous direction, and a leak must come down at once.  The command adds one ``withdrawn:``
record (time, person, reason, inline signature; see ``evidence/retraction.py``) at the end of the
page's front-matter, byte for byte (nothing else in the file changes), replaces the file
atomically, and makes one signed commit holding only that change, with trailers::

    govgate: withdraw content/tzgg/a.md by lina

    Govgate-Page: content/tzgg/a.md
    Govgate-Decision: withdraw
    Govgate-By: lina
    Govgate-At: 2026-11-21T10:12:00+08:00
    Govgate-Reason: 发现含有涉密信息

The page may hold the very secret that caused the retraction: no content rule is run here, and
the pre-commit hook treats a retired page's findings as information only.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from .approve import _scalar
from .errors import GateError
from .evidence.retraction import WithdrawalVerifier, retract_message, withdrawal_payload
from .i18n import Msg
from .page import FRONT_MATTER_RE, Page
from .pagewrite import committed_bytes, locate, splice_at, write_and_commit
from .retirement import WITHDRAWN, retirement
from .signer import Refused, sign_inline, signer_person, signing_key
from .site import load_trust
from .sitefinder import site_from_mkdocs

EXIT_OK, EXIT_REFUSED = 0, 1


def run(path: str, reason: str, lang: str, cwd: Path, config: Path | None = None) -> int:
    try:
        summary = _run(path, reason, cwd, config)
    except Refused as refusal:
        print(("已拒绝：" if lang != "en" else "refused: ") + refusal.render(lang), file=sys.stderr)
        return EXIT_REFUSED
    print(summary.render(lang))
    return EXIT_OK


def record_text(at: dt.datetime, by: str, reason: str, signature: str, indent: int = 0) -> str:
    pad = " " * indent
    lines = [f"{pad}withdrawn:", f"{pad}  at: {at.isoformat()}", f"{pad}  by: {_scalar(by)}",
             f"{pad}  reason: {_scalar(reason)}", f"{pad}  signature: |"]
    lines += [f"{pad}    {line}" for line in signature.strip().splitlines()]
    return "\n".join(lines) + "\n"


def _run(path: str, reason: str, cwd: Path, config: Path | None) -> Msg:
    reason = " ".join(reason.split())
    if not reason:
        raise Refused(Msg("必须写明撤稿原因（--reason）", "a reason is required (--reason)"))
    site = site_from_mkdocs(config, cwd)
    target = locate(site, path, cwd)
    trust = load_trust(site)
    key = signing_key(target.repo_root)
    person = signer_person(trust.roster, key)
    if not person.valid_on(dt.date.today()):
        raise Refused(Msg(f"{person.name}（{person.id}）当前不在授权有效期内", f"{person.id} is not authorised today"))
    original = committed_bytes(target)
    try:
        page = Page.from_bytes(target.rel, original, target.abs_path)
    except GateError as exc:
        raise Refused(Msg("页面无法解析，不能写入撤稿记录（它也因此不会被发布）：",
                          "the page cannot be parsed, so no withdrawal record can be written (and it cannot be "
                          "published either): ") + exc.message,
                      Msg("如需立即删除内容，请用 git rm 删除该文件并提交", "to remove the content now, git rm the file "
                          "and commit")) from None
    _refuse_if_withdrawn(page)
    at = trust.policy.now()   # in the site's time zone
    signature = sign_inline(key, withdrawal_payload(page.path, at, person.id, reason), target.repo_root)
    new_bytes = splice_at(original, *_insertion(page, record_text(at, person.id, reason, signature)))
    _verify(page, new_bytes, trust.roster, site.policy_path.parent, at, person.id, reason)
    write_and_commit(target, original, new_bytes, retract_message(target.repo_path, person.id, at, reason))
    return Msg(f"{person.name}（{person.id}）已撤下 {target.repo_path}（原因：{reason}），已生成签名提交。"
               "下次构建起，该页及只被它引用的附件不再发布。",
               f"{person.id} withdrew {target.repo_path} (reason: {reason}); signed commit made. From the next "
               "build on, the page and the attachments only it links are no longer published.")


def _refuse_if_withdrawn(page: Page) -> None:
    current = retirement(page.meta, dt.date.today())
    if current is not None and current.kind == WITHDRAWN:
        details = "，".join(x for x in (current.at or (current.since.isoformat() if current.since else ""),
                                         current.by, current.reason) if x)
        raise Refused(Msg("该页面已经撤下，不会发布" + (f"（{details}）" if details else "") + "，无需再次撤稿",
                          "the page is already withdrawn and will not be published"
                          + (f" ({details.replace('，', ', ')})" if details else "") + "; nothing to do"))
    if "withdrawn" in page.meta:
        raise Refused(Msg(f"页面已有 withdrawn 字段（{page.meta['withdrawn']!r}），但它眼下不撤下页面；"
                          "请先删除或改正该字段再撤稿",
                          f"the page already has a withdrawn field ({page.meta['withdrawn']!r}) that does not take it "
                          "offline now; remove or correct it, then retract"))


def _insertion(page: Page, block: str) -> tuple[int, str]:
    """At the end of the front-matter, indented like its top-level keys."""
    match = FRONT_MATTER_RE.match(page.text)
    if not match or page.yaml is None:
        raise Refused(Msg("页面没有页首信息（front-matter），没有分级和签核，本来就不会发布",
                          "the page has no front-matter (no classification, no sign-offs), so it is not published "
                          "anyway"),
                      Msg("如需立即删除内容，请用 git rm 删除该文件并提交", "to remove the content now, git rm the file "
                          "and commit"))
    # indented like the first top-level key (read from the text: the mapping may be indented as a whole)
    content = [line for line in match.group(1).splitlines() if line.strip() and not line.lstrip().startswith("#")]
    indent = len(content[0]) - len(content[0].lstrip(" ")) if content else 0
    if content and content[0].lstrip().startswith("{"):
        raise Refused(Msg("页首信息写成了流式映射（{…}），无法在保持原格式的前提下追加",
                          "the front-matter is a flow mapping ({…}); cannot append while keeping the file as it is"))
    if indent:
        block = "".join(" " * indent + line if line.strip() else line for line in block.splitlines(keepends=True))
    return match.end(1), block


def _verify(page: Page, new_bytes: bytes, roster, trust_dir: Path, at: dt.datetime, by: str,  # noqa: ANN001
            reason: str) -> None:
    """The new file must read as the old one plus exactly this record, and the record must verify."""
    try:
        new_page = Page.from_bytes(page.path, new_bytes)
    except GateError as exc:
        raise Refused(Msg("写入后的页面无法解析，已放弃：", "the page would not parse after writing; nothing written: ")
                      + exc.message) from None
    expected = dict(page.meta)
    record = new_page.meta.get("withdrawn")
    ok = (isinstance(record, dict) and {k: v for k, v in new_page.meta.items() if k != "withdrawn"} == expected
          and new_page.body == page.body and list(new_page.meta)[:-1] == list(page.meta)
          and (record.get("at"), record.get("by"), record.get("reason")) in ((at, by, reason), (at.isoformat(), by,
                                                                                               reason)))
    if ok:
        verifier = WithdrawalVerifier(roster, trust_dir)
        try:
            problems = verifier.problems(new_page)
        finally:
            verifier.close()
        if problems:
            raise Refused(Msg("撤稿记录写入后无法通过验证，已放弃：", "the record would not verify; nothing written: ")
                          + problems[0])
    else:
        raise Refused(Msg("无法在保持原文件不变的前提下写入撤稿记录，已放弃", "could not add the record while keeping the rest "
                          "of the file unchanged; nothing written"))
