"""Who is signing: the key git would sign with (``user.signingkey``), its person in the roster,
and inline signatures made with it.

Shared by every command that acts as a roster person (``approve``, ``retract``) or asks what
waits for them (``status --mine``), so all of them find the same person for the same key.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .evidence.gitobjects import run_git
from .evidence.inline import INLINE_NAMESPACE
from .evidence.openpgp import primary_fingerprints
from .i18n import Msg
from .roster import Person, Roster, normalise_key


class Refused(Exception):
    """The action is not done: a bilingual reason and, where it helps, how to fix it."""

    def __init__(self, message: Msg, hint: Msg | None = None):
        super().__init__(message.en)
        self.message = message
        self.hint = hint

    def render(self, lang: str) -> str:
        text = self.message.render(lang)
        if self.hint:
            text += (" 处理办法：" if lang != "en" else " How to fix: ") + self.hint.render(lang)
        return text


@dataclass(frozen=True)
class SigningKey:
    format: str          # "ssh" | "openpgp"
    identity: str        # roster-normalised key
    git_value: str       # user.signingkey as git has it (path, key::…, or OpenPGP id)


SETUP_HINT = Msg(
    "一次性设置：git config user.signingkey ~/.ssh/id_ed25519.pub；git config gpg.format ssh；"
    "并请信任库管理员把公钥登记到 signoffs/reviewers.yml",
    "set up once: git config user.signingkey ~/.ssh/id_ed25519.pub; git config gpg.format ssh; and ask a "
    "trust-store admin to register the public key in signoffs/reviewers.yml")


def _run_tool(args: list[str], **kwargs) -> subprocess.CompletedProcess:  # noqa: ANN003 - subprocess.run's
    """``subprocess.run`` for ssh-keygen and gpg: a missing program is a refusal that says so, not a traceback."""
    try:
        return subprocess.run(args, check=False, **kwargs)
    except FileNotFoundError:
        raise Refused(Msg(f"找不到 {args[0]} 命令，无法签名", f"{args[0]} is not installed, so nothing can be signed"),
                      Msg(f"安装 {args[0]}（{'OpenSSH' if args[0] == 'ssh-keygen' else 'GnuPG'}）后重试",
                          f"install {args[0]} ({'OpenSSH' if args[0] == 'ssh-keygen' else 'GnuPG'}) and retry")) from None


def _git_config(cwd: Path, key: str) -> str:
    return run_git(cwd, "config", "--get", key, check=False).decode().strip()


def _ssh_setup_hint() -> Msg:
    """The SSH set-up, naming the user's own key when there is one (most users have SSH, not OpenPGP)."""
    found = next((f"~/.ssh/{name}" for name in ("id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub")
                  if (Path.home() / ".ssh" / name).is_file()), None)
    make = "" if found else "ssh-keygen -t ed25519；"
    make_en = "" if found else "ssh-keygen -t ed25519; "
    key = found or "~/.ssh/id_ed25519.pub"
    return Msg(f"一次性设置：{make}git config --global gpg.format ssh；git config --global user.signingkey {key}；"
               "并请信任库管理员把公钥登记到 signoffs/reviewers.yml",
               f"set up once: {make_en}git config --global gpg.format ssh; git config --global user.signingkey {key}; "
               "and ask a trust-store admin to register the public key in signoffs/reviewers.yml")


def signing_key(cwd: Path) -> SigningKey:
    """The key ``git commit -S`` would use in ``cwd`` (the same settings git reads)."""
    configured = _git_config(cwd, "gpg.format")
    fmt = configured or "openpgp"   # git's default
    value = _git_config(cwd, "user.signingkey")
    if not configured and not value:   # nothing set up: speak of SSH, the usual way, not of OpenPGP
        raise Refused(Msg("没有配置签名密钥（git config user.signingkey）",
                          "no signing key configured (git config user.signingkey)"), _ssh_setup_hint())
    if not configured and (value.startswith("key::ssh-") or value.endswith(".pub")
                           or Path(os.path.expanduser(value)).is_file()):
        raise Refused(Msg(f"user.signingkey 是 SSH 密钥（{value}），但 git 没有设为用 SSH 签名",
                          f"user.signingkey is an SSH key ({value}) but git is not set to sign with SSH"),
                      Msg("git config --global gpg.format ssh", "git config --global gpg.format ssh"))
    if fmt == "ssh":
        if not value:
            raise Refused(Msg("没有配置签名密钥（git config user.signingkey）", "no signing key configured (git config "
                              "user.signingkey)"), _ssh_setup_hint())
        if value.startswith("key::"):
            line = value[len("key::"):]
        else:
            path = Path(os.path.expanduser(value))
            if not path.is_absolute():
                path = cwd / path
            line = _ssh_public_line(path)
        identity = normalise_key(line)
        if not identity:
            raise Refused(Msg(f"无法识别签名公钥：{line[:40]}", f"signing key not recognised: {line[:40]}"), SETUP_HINT)
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
        raise Refused(Msg(f"找不到签名密钥文件 {path}", f"signing key file {path} not found"), SETUP_HINT) from None
    if text.startswith(("ssh-", "ecdsa-", "sk-")):
        return text.splitlines()[0]
    pub = path.with_name(path.name + ".pub")
    if pub.is_file():
        return pub.read_text(encoding="utf-8").strip().splitlines()[0]
    proc = _run_tool(["ssh-keygen", "-y", "-f", str(path)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise Refused(Msg(f"无法从 {path} 读出公钥", f"cannot read the public key of {path}"), SETUP_HINT)
    return proc.stdout.strip()


def _openpgp_fingerprint(who: str) -> str:
    proc = _run_tool(["gpg", "--batch", "--with-colons", "--list-secret-keys", "--", who], capture_output=True,
                     text=True)
    fprs = primary_fingerprints(proc.stdout, "sec")
    if len(fprs) != 1:
        raise Refused(Msg(f"找不到唯一的 OpenPGP 私钥“{who}”", f"no unique OpenPGP secret key for '{who}'"), SETUP_HINT)
    return fprs[0]


def signer_person(roster: Roster, key: SigningKey) -> Person:
    """The one roster person registered for ``key`` (exact match of the normalised key)."""
    people = [p for p in roster.people.values() if key.identity in p.keys]
    if not people:
        raise Refused(Msg("你的签名密钥没有登记在审核人员名册中", "your signing key is not registered in the reviewer roster"),
                      SETUP_HINT)
    if len(people) > 1:
        raise Refused(Msg("你的签名密钥登记给了多个人", "your signing key is registered for more than one person"))
    if key.identity in roster.compromised_keys:
        raise Refused(Msg("你的签名密钥已被标记为泄露，不能再用", "your signing key is marked compromised"))
    return people[0]


def private_key_hint(stderr: str, key_file: Path) -> Msg | None:
    """ssh-keygen refuses a private key others can read (a clone or a copy checks files out 0644)."""
    if "UNPROTECTED PRIVATE KEY FILE" not in stderr:
        return None
    private = key_file.with_suffix("") if key_file.suffix == ".pub" else key_file
    return Msg(f"私钥文件只能由本人读取：chmod 600 {private}", f"a private key must be readable by you only: chmod 600 "
               f"{private}")


def sign_inline(key: SigningKey, payload: bytes, cwd: Path) -> str:
    """An inline signature over ``payload``: SSHSIG (namespace ``govgate``) or armored OpenPGP."""
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
            proc = _run_tool(["ssh-keygen", "-Y", "sign", "-n", INLINE_NAMESPACE, "-f", str(key_file), str(data)],
                             capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if proc.returncode != 0:
                raise Refused(Msg(f"SSH 签名失败：{proc.stderr.strip()}", f"SSH signing failed: {proc.stderr.strip()}"),
                              private_key_hint(proc.stderr, key_file))
            return (Path(tmp) / "payload.sig").read_text()
    proc = _run_tool(["gpg", "--batch", "--armor", "--detach-sign", "--local-user", key.git_value],
                     input=payload, capture_output=True)
    if proc.returncode != 0:
        raise Refused(Msg(f"OpenPGP 签名失败：{proc.stderr.decode(errors='replace').strip()}",
                          f"OpenPGP signing failed: {proc.stderr.decode(errors='replace').strip()}"))
    return proc.stdout.decode()
