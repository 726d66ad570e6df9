"""``govgate seal``: an admin seals the site configuration (inline evidence mode).

The admin reviews the configuration (mkdocs.yml and what it inherits, the theme's custom_dir,
the trust store and rules, the files the configuration names, the CI pipeline), then runs this:
it signs the digests of exactly those files with the admin's git signing key and writes
``<trust store>/seal.yml``.  Any later change to any of them voids the seal until an admin
seals again.  In history mode the admin's signed commit is the seal; this command is not needed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cliargs import h
from ..errors import GateError
from ..evidence.truststore import TrustRoot
from ..i18n import Msg
from ..outputfile import write_atomic
from ..policy import ADMIN_ROLE
from ..signer import Refused, sign_inline, signer_person, signing_key
from ..site import load_trust
from ..siteconfig.seal import make_seal, seal_text
from ..siteconfig.sealed import SEAL_FILE
from ..sitefinder import find_config_file, read_site_settings, site_from_settings
from . import EXIT_FINDINGS, EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    seal = sub.add_parser("seal", parents=[common], help=h("管理员审查后封签站点配置（内嵌模式）",
                                                             "an admin seals the reviewed site configuration (inline mode)"))
    seal.add_argument("--site", default=None, help=h(
        "封签所属的站点名（默认取信任根 #站点名 部分）：同一管理员封签多个站点时，防止把别的站点的配置搬过来",
        "the site the seal is for (default: the #site part of the pin): when one admin seals several sites, "
        "another site's configuration cannot be copied in"))
    seal.set_defaults(run=_seal)


def _seal(args: argparse.Namespace, lang: str) -> int:
    config_file = args.config or find_config_file(Path.cwd())
    if config_file is None:
        raise GateError(Msg("找不到 mkdocs.yml", "no mkdocs.yml found"), str(Path.cwd()))
    repo_root, settings = read_site_settings(Path(config_file).resolve())
    site = site_from_settings(repo_root, settings, lang)
    trust = load_trust(site)
    try:
        key = signing_key(repo_root)
        person = signer_person(trust.roster, key)
        if ADMIN_ROLE not in person.roles:
            raise Refused(Msg(f"{person.id} 不是管理员（admin），不能封签", f"{person.id} is not an admin and cannot seal"))
        seal_path = site.policy_path.parent / SEAL_FILE
        seal_rel = seal_path.resolve().relative_to(repo_root).as_posix()
        at = trust.policy.now().isoformat()     # in the site's time zone
        site_name = args.site if args.site is not None else _pinned_site(repo_root)
        seal = make_seal(repo_root, settings, seal_rel, person.id, at, site_name,
                         lambda payload: sign_inline(key, payload, repo_root))
    except Refused as refused:
        print(refused.render(lang))
        return EXIT_FINDINGS
    write_atomic(seal_path, seal_text(seal).encode("utf-8"))
    files = seal.files
    print(Msg(f"已封签 {len(files)} 个配置文件：{site.display(seal_path)}（{person.id}，{at}）",
              f"sealed {len(files)} configuration file(s): {site.display(seal_path)} ({person.id}, {at})").render(lang))
    return EXIT_OK


def _pinned_site(repo_root: Path) -> str:
    try:
        return TrustRoot.from_outside(repo_root).site
    except GateError:
        return ""      # no pin on this machine: the seal names no site
