"""The admin's seal over the site configuration (inline evidence mode, where there is no signed history).

``<trust store>/seal.yml`` holds the digest of every configuration file, who sealed it and when,
and an SSH or OpenPGP signature (namespace ``govgate``) over the canonical JSON of those, which
starts with ``"kind": "govgate-seal/1"`` so that no sign-off signature can stand for a seal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..digest import canonical_json
from ..errors import GateError
from ..i18n import Msg
from ..policy import ADMIN_ROLE
from ..roster import Roster
from .manifest import manifest_difference, worktree_manifest
from .sealed import sealed_paths
from .settings import SiteSettings

SEAL_KIND = "govgate-seal/1"
SEAL_FLOOR_ENV = "GOVGATE_SEAL_NOT_BEFORE"   # CI may pin the oldest acceptable seal (ISO date or time)
RESEAL_HINT = Msg("由管理员审查这些改动后运行 govgate seal 重新封签（或撤销改动）",
                  "an admin reviews the change and runs `govgate seal` (or undo the change)")


@dataclass(frozen=True)
class Seal:
    by: str
    at: str
    files: dict[str, str]
    signature: str
    site: str = ""      # the site this seal is for ("": not named; a pin with #site then refuses it)

    def payload(self) -> bytes:
        return seal_payload(self.by, self.at, self.files, self.site)


def seal_payload(by: str, at: str, files: dict[str, str], site: str = "") -> bytes:
    return canonical_json({"kind": SEAL_KIND, "by": by, "at": at, "site": site, "files": dict(sorted(files.items()))})


def read_seal(path: Path, display: str) -> Seal:
    if not path.is_file():
        raise GateError(Msg("站点配置没有封签：内嵌模式下配置须由管理员封签", "the site configuration is not sealed: inline "
                            "mode needs an admin's seal over it"), display, hint=RESEAL_HINT)
    try:
        data = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:
        raise GateError(Msg(f"封签文件无法读取：{type(exc).__name__}", f"the seal cannot be read: {type(exc).__name__}"),
                        display, hint=RESEAL_HINT) from None
    fields = data if isinstance(data, dict) else {}
    files = fields.get("files")
    if not (isinstance(fields.get("by"), str) and isinstance(fields.get("at"), str) and isinstance(files, dict)
            and isinstance(fields.get("signature"), str)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())):
        raise GateError(Msg("封签文件格式不对（需要 by、at、files、signature）", "the seal is malformed (by, at, files and "
                            "signature are required)"), display, hint=RESEAL_HINT)
    site = fields.get("site", "")
    return Seal(fields["by"], fields["at"], dict(files), fields["signature"], site if isinstance(site, str) else "")


def parse_seal_time(value: str, display: str) -> dt.datetime:
    """An ISO time (a date alone: its start, China time) with a zone."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise GateError(Msg(f"时间格式不对：{value!r}（用 ISO 格式，如 2025-01-09T10:00:00+08:00）",
                            f"not a time: {value!r} (use ISO, e.g. 2025-01-09T10:00:00+08:00)"), display) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return parsed


def make_seal(repo_root: Path, settings: SiteSettings, seal_rel: str, by: str, at: str, site: str,
              sign: Callable[[bytes], str]) -> Seal:
    """The seal over the configuration checked out at ``repo_root`` (``seal_rel``: where it will be written,
    left out of what it covers); ``sign`` makes the signature over the payload with ``by``'s key."""
    files = worktree_manifest(repo_root, sealed_paths(settings, settings.config_files[0]), seal_rel)
    return Seal(by, at, files, sign(seal_payload(by, at, files, site)), site)


def seal_text(seal: Seal) -> str:
    lines = ["# 站点配置封签 (govgate seal): written by `govgate seal`, never edited by hand",
             f"by: {seal.by}", f"at: '{seal.at}'"] + ([f"site: {canonical_json(seal.site).decode()}"] if seal.site
                                                       else []) + ["files:"]
    lines += [f"  {canonical_json(path).decode()}: {digest}" for path, digest in sorted(seal.files.items())]
    lines.append("signature: |")
    lines += ["  " + line for line in seal.signature.strip().splitlines()]
    return "\n".join(lines) + "\n"


def seal_problems(seal: Seal, signer: str, pinned: bool, roster: Roster, manifest: dict[str, str],
                  site: str = "") -> list[Msg]:
    """Why this seal does not vouch for the checked-out configuration (empty: it does).

    ``signer``: the roster-normalised key that made the signature; ``pinned``: it is the pinned root key;
    ``site``: the site the pin names (its seals must name it too).
    """
    problems = []
    if site and seal.site != site:
        problems.append(Msg(f"封签是为站点“{seal.site or '（未注明）'}”做的，不是“{site}”",
                            f"the seal was made for site '{seal.site or '(not named)'}', not '{site}'"))
    if not pinned:
        problems.append(Msg("封签不是由固定信任根的管理员密钥签署的", "the seal is not signed by the pinned admin key"))
    person = roster.person(seal.by)
    if person is None or signer not in person.keys:
        problems.append(Msg(f"封签的签名密钥不在名册中 {seal.by} 名下", f"the seal's key is not registered for {seal.by}"))
    elif ADMIN_ROLE not in person.roles:
        problems.append(Msg(f"{seal.by} 不是管理员（admin），不能封签", f"{seal.by} is not an admin and cannot seal"))
    elif signer in roster.compromised_keys:
        problems.append(Msg("封签的签名密钥已被标记为泄露", "the seal's key is marked compromised"))
    elif not person.valid_on(dt.date.today()):
        problems.append(Msg(f"{seal.by} 的授权已不在有效期内", f"{seal.by} is no longer authorised"))
    changed = manifest_difference(seal.files, manifest)
    if changed:
        shown = ", ".join(changed[:8]) + (" …" if len(changed) > 8 else "")
        problems.append(Msg(f"封签之后站点配置被改动：{shown}", f"the site configuration changed after it was sealed: "
                            f"{shown}"))
    return problems
