"""``govgate approve|revise|reject PATH --stage STAGE``: write one sign-off, make one signed commit.

The entry is spliced into the front-matter text (its position and indentation found with
ruamel.yaml's round-trip parser), so every byte outside the entry stays as it was; the
result is parsed again strictly and must equal the old front-matter plus the new entry.
The file is replaced atomically and restored if the commit fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .digest import compute_digest
from .errors import GateError
from .evidence.gitobjects import run_git
from .evidence.inline import INLINE_NAMESPACE, payload_for
from .evidence.openpgp import primary_fingerprints
from .evidence.trailers import ApprovalTrailer, approval_message
from .i18n import Msg
from .page import FRONT_MATTER_RE, Page
from .policy import Policy
from .roster import Person, Roster, normalise_key

EXIT_OK, EXIT_REFUSED = 0, 1
_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#\n\"'\\]*(?<!\s)$")


class Refused(Exception):
    def __init__(self, message: Msg, hint: Msg | None = None):
        super().__init__(message.en)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class SigningKey:
    format: str          # "ssh" | "openpgp"
    identity: str        # roster-normalised key
    git_value: str       # user.signingkey as git has it (path, key::…, or OpenPGP id)


# -- who signs --------------------------------------------------------------------------------

def _git_config(cwd: Path, key: str) -> str:
    return run_git(cwd, "config", "--get", key, check=False).decode().strip()


def signing_key(cwd: Path) -> SigningKey:
    fmt = _git_config(cwd, "gpg.format") or "openpgp"
    value = _git_config(cwd, "user.signingkey")
    if fmt == "ssh":
        if not value:
            raise Refused(Msg("没有配置签名密钥（git config user.signingkey）", "no signing key configured (git config "
                              "user.signingkey)"), _SETUP_HINT)
        if value.startswith("key::"):
            line = value[len("key::"):]
        else:
            path = Path(os.path.expanduser(value))
            if not path.is_absolute():
                path = cwd / path
            line = _ssh_public_line(path)
        identity = normalise_key(line)
        if not identity:
            raise Refused(Msg(f"无法识别签名公钥：{line[:40]}", f"signing key not recognised: {line[:40]}"), _SETUP_HINT)
        return SigningKey("ssh", identity, value)
    if fmt == "openpgp":
        who = value or _git_config(cwd, "user.email")
        fingerprint = _openpgp_fingerprint(who)
        return SigningKey("openpgp", "openpgp:" + fingerprint, value or fingerprint)
    raise Refused(Msg(f"不支持的签名格式 gpg.format={fmt}（只支持 ssh 与 openpgp）",
                      f"unsupported gpg.format={fmt} (ssh and openpgp are supported)"))


def _ssh_public_line(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        raise Refused(Msg(f"找不到签名密钥文件 {path}", f"signing key file {path} not found"), _SETUP_HINT) from None
    if text.startswith(("ssh-", "ecdsa-", "sk-")):
        return text.splitlines()[0]
    pub = path.with_name(path.name + ".pub")
    if pub.is_file():
        return pub.read_text(encoding="utf-8").strip().splitlines()[0]
    proc = subprocess.run(["ssh-keygen", "-y", "-f", str(path)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise Refused(Msg(f"无法从 {path} 读出公钥", f"cannot read the public key of {path}"), _SETUP_HINT)
    return proc.stdout.strip()


def _openpgp_fingerprint(who: str) -> str:
    proc = subprocess.run(["gpg", "--batch", "--with-colons", "--list-secret-keys", "--", who],
                          capture_output=True, text=True, check=False)
    fprs = primary_fingerprints(proc.stdout, "sec")
    if len(fprs) != 1:
        raise Refused(Msg(f"找不到唯一的 OpenPGP 私钥“{who}”", f"no unique OpenPGP secret key for '{who}'"), _SETUP_HINT)
    return fprs[0]


_SETUP_HINT = Msg(
    "一次性设置：git config user.signingkey ~/.ssh/id_ed25519.pub；git config gpg.format ssh；"
    "并请信任库管理员把公钥登记到 signoffs/reviewers.yml",
    "set up once: git config user.signingkey ~/.ssh/id_ed25519.pub; git config gpg.format ssh; and ask a "
    "trust-store admin to register the public key in signoffs/reviewers.yml")


def signer_person(roster: Roster, key: SigningKey) -> Person:
    people = [p for p in roster.people.values() if key.identity in p.keys]
    if not people:
        raise Refused(Msg("你的签名密钥没有登记在审核人员名册中", "your signing key is not registered in the reviewer roster"),
                      _SETUP_HINT)
    if len(people) > 1:
        raise Refused(Msg("你的签名密钥登记给了多个人", "your signing key is registered for more than one person"))
    if key.identity in roster.compromised_keys:
        raise Refused(Msg("你的签名密钥已被标记为泄露，不能再用", "your signing key is marked compromised"))
    return people[0]


# -- the checks -------------------------------------------------------------------------------

def _check_allowed(action: str, page: Page, stage_id: str, person: Person, policy: Policy, result) -> None:  # noqa: ANN001
    stage = policy.stages.get(stage_id)
    if stage is None:
        raise Refused(Msg(f"审核策略中没有环节“{stage_id}”（可用：{', '.join(policy.stages)}）",
                          f"the policy has no stage '{stage_id}' (known: {', '.join(policy.stages)})"))
    if not set(person.roles) & set(stage.roles):
        raise Refused(Msg(f"{person.name}（{person.id}）不具备“{stage.title}”所需角色（{'、'.join(stage.roles)}）",
                          f"{person.id} lacks the role stage {stage_id} needs ({', '.join(stage.roles)})"))
    today = dt.date.today()
    if not person.valid_on(today):
        raise Refused(Msg(f"{person.name}（{person.id}）当前不在授权有效期内", f"{person.id} is not authorised today"))
    classification = policy.resolve_classification(page.meta.get("classification"))
    if classification is None:
        raise Refused(Msg("页面没有有效的信息分级 classification", "the page has no valid classification"))
    required = list(policy.classifications[classification])
    if stage_id not in required:
        raise Refused(Msg(f"“{classification}”级页面不需要环节 {stage_id}（需要：{', '.join(required)}）",
                          f"a {classification} page does not need stage {stage_id} (needs: {', '.join(required)})"))
    if policy.separation_of_duties:
        if page.author == person.id:
            raise Refused(Msg("拟稿人不能审核自己的稿件", "the author may not sign off their own page"))
        others = sorted({s.stage for s in page.signoffs if s.by == person.id and s.stage != stage_id})
        if others:
            raise Refused(Msg(f"你已签核本页的其他环节（{', '.join(others)}），一人不能签两个环节",
                              f"you already signed another stage of this page ({', '.join(others)})"))
    if policy.ordered and result.verdict is not None:
        for status in result.verdict.stages:
            if status.stage.id == stage_id:
                break
            if not status.done:
                raise Refused(Msg(f"前一环节“{status.stage.title}”尚未通过，不能先签本环节",
                                  f"the earlier stage {status.stage.id} ({status.stage.title}) is not complete yet"))
    if action == "approve":
        blocking = [f for f in result.findings if f.blocking and f.category not in ("approval",)]
        if blocking:
            listing = "\n".join(f.render("zh") for f in blocking[:10])
            listing_en = "\n".join(f.render("en") for f in blocking[:10])
            raise Refused(Msg(f"页面未通过内容检查，不能同意发布：\n{listing}",
                              f"the page fails content checks and cannot be approved:\n{listing_en}"))


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
    offset, block = insertion(text, page, entry, signature)
    return text[:offset] + block + text[offset:]


def splice_raw(raw: bytes, page: Page, entry: dict[str, str], signature: str | None) -> bytes:
    """The file's exact bytes with the entry inserted: BOM, line endings (even mixed) and all else kept."""
    offset, block = insertion(page.text, page, entry, signature)
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    source = raw[len(bom):].decode("utf-8")
    position = _raw_index(source, offset)
    newline = "\r\n" if "\r\n" in source else "\n"
    return bom + (source[:position] + block.replace("\n", newline) + source[position:]).encode("utf-8")


def _raw_index(source: str, normalised_offset: int) -> int:
    """Index in ``source`` of the character at ``normalised_offset`` of its newline-normalised form."""
    i = n = 0
    while n < normalised_offset:
        i += 2 if source.startswith("\r\n", i) else 1
        n += 1
    return i


def insertion(text: str, page: Page, entry: dict[str, str], signature: str | None) -> tuple[int, str]:
    """Where in ``text`` the entry goes, and its text."""
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
            if lines[key_line].rstrip("\n").rstrip() != "signoffs:":
                raise Refused(Msg("signoffs 的写法无法追加", "signoffs is written in a way that cannot be appended to"))
        block = entry_text(entry, signature, indent)
    if insert_at > 0 and not lines[insert_at - 1].endswith("\n"):
        block = "\n" + block
    return front_start + len("".join(lines[:insert_at])), block


def _sign_inline(key: SigningKey, payload: bytes, cwd: Path) -> str:
    if key.format == "ssh":
        with tempfile.TemporaryDirectory(prefix="govgate-sign-") as tmp:
            if key.git_value.startswith("key::"):
                key_file = Path(tmp) / "key.pub"
                key_file.write_text(key.git_value[len("key::"):] + "\n")
            else:
                key_file = Path(os.path.expanduser(key.git_value))
                key_file = key_file if key_file.is_absolute() else cwd / key_file
            data = Path(tmp) / "payload"
            data.write_bytes(payload)
            proc = subprocess.run(["ssh-keygen", "-Y", "sign", "-n", INLINE_NAMESPACE, "-f", str(key_file), str(data)],
                                  capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
            if proc.returncode != 0:
                raise Refused(Msg(f"SSH 签名失败：{proc.stderr.strip()}", f"SSH signing failed: {proc.stderr.strip()}"))
            return (Path(tmp) / "payload.sig").read_text()
    proc = subprocess.run(["gpg", "--batch", "--armor", "--detach-sign", "--local-user", key.git_value],
                          input=payload, capture_output=True, check=False)
    if proc.returncode != 0:
        raise Refused(Msg(f"OpenPGP 签名失败：{proc.stderr.decode(errors='replace').strip()}",
                          f"OpenPGP signing failed: {proc.stderr.decode(errors='replace').strip()}"))
    return proc.stdout.decode()


def _atomic_write(path: Path, data: bytes, expected: bytes) -> None:
    if path.read_bytes() != expected:
        raise Refused(Msg("文件在签核过程中被改动，已放弃", "the file changed while signing; nothing was written"))
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".govgate")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- the command ------------------------------------------------------------------------------

def run(action: str, path: str, stage: str, opinion: str | None, lang: str, cwd: Path) -> int:
    try:
        summary = _run(action, path, stage, opinion, cwd)
    except Refused as refusal:
        text = refusal.message.render(lang)
        if refusal.hint:
            text += (" 处理办法：" if lang != "en" else " How to fix: ") + refusal.hint.render(lang)
        print(("已拒绝：" if lang != "en" else "refused: ") + text, file=sys.stderr)
        return EXIT_REFUSED
    print(summary.render(lang))
    return EXIT_OK


def _run(action: str, path: str, stage_id: str, opinion: str | None, cwd: Path) -> Msg:
    from .engines import build_rules  # noqa: PLC0415 - the content rules are heavy; only approve needs them
    from .gate import Gate  # noqa: PLC0415
    from .site import load_trust  # noqa: PLC0415
    from .sitefinder import site_from_mkdocs  # noqa: PLC0415

    if action not in ("approve", "revise", "reject"):
        raise Refused(Msg(f"未知操作 {action}", f"unknown action {action}"))
    site = site_from_mkdocs(None, cwd)
    abs_path = (cwd / path).absolute()
    docs_dir = site.docs_dir.absolute()
    if not abs_path.is_relative_to(docs_dir) or not abs_path.is_file():
        raise Refused(Msg(f"{path} 不是站点文档目录中的页面", f"{path} is not a page in the site's docs directory"))
    rel = abs_path.relative_to(docs_dir).as_posix()
    repo_root = Path(run_git(cwd, "rev-parse", "--show-toplevel").decode().strip())
    repo_path = abs_path.resolve().relative_to(repo_root.resolve()).as_posix()
    if run_git(repo_root, "status", "--porcelain", "--", repo_path).strip():
        raise Refused(Msg(f"{repo_path} 有未提交的改动：请先提交内容，再审核已提交的版本",
                          f"{repo_path} has uncommitted changes: commit the content first, then review what was "
                          "committed"))
    opinion = (opinion or {"approve": "同意发布", "revise": "请修改后重新报审", "reject": "不同意发布"}[action]).strip()
    trust = load_trust(site)
    gate = Gate(site, rules=build_rules(site, trust), trust=trust)   # evidence is the build's job, not approve's
    key = signing_key(repo_root)
    person = signer_person(gate.trust.roster, key)
    original = abs_path.read_bytes()
    page = Page.from_bytes(rel, original, abs_path)
    result = gate.check_loaded(page)
    _check_allowed(action, page, stage_id, person, gate.trust.policy, result)
    digest = compute_digest(page, site.docs_dir)
    if digest.problems:
        raise Refused(digest.problems[0].message)
    at = dt.datetime.now().astimezone().replace(microsecond=0)
    fields = {"stage": stage_id, "by": person.id, "decision": action, "opinion": opinion, "at": at.isoformat(),
              "digest": digest.value}
    signature = _sign_inline(key, payload_for(digest.value, stage_id, person.id, action, at), repo_root)
    new_bytes = splice_raw(original, page, fields, signature)
    _verify_splice(rel, page, new_bytes, fields, signature)
    _atomic_write(abs_path, new_bytes, original)
    trailer = ApprovalTrailer(repo_path, stage_id, person.id, action, digest.value)
    message = approval_message(trailer, gate.trust.policy.stages[stage_id].title)
    proc = subprocess.run(["git", "commit", "-S", "--only", "-F", "-", "--", repo_path], cwd=repo_root,
                          input=message.encode(), capture_output=True, check=False)
    if proc.returncode != 0:
        if abs_path.read_bytes() == new_bytes:
            _atomic_write(abs_path, original, new_bytes)
        err = proc.stderr.decode(errors="replace").strip()
        raise Refused(Msg(f"签名提交失败，文件已恢复原样：{err}", f"the signed commit failed; the file was restored: {err}"),
                      _SETUP_HINT)
    verb = {"approve": ("同意", "approved"), "revise": ("退回修改", "sent back for revision"),
            "reject": ("不同意", "rejected")}[action]
    stage_title = gate.trust.policy.stages[stage_id].title
    return Msg(f"{person.name}（{person.id}）已{verb[0]}：{repo_path} 的“{stage_title}”环节，已生成签名提交",
               f"{person.id} {verb[1]} {repo_path} at stage {stage_id} ({stage_title}); signed commit made")


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
