"""Temporary MkDocs sites for tests: real files, real keys, real `mkdocs build`.

Sign-offs are written the way `govgate approve` writes them (current digest, ISO time with
time zone) so tests can set up approved pages without a git history; evidence tests make
real signed commits instead.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ruamel.yaml import YAML

from mkdocs_govgate.digest import page_digest
from mkdocs_govgate.engines import build_gate
from mkdocs_govgate.errors import GateError
from mkdocs_govgate.evidence import sshsig
from mkdocs_govgate.evidence.inline import INLINE_NAMESPACE, payload_for
from mkdocs_govgate.page import Page
from mkdocs_govgate.report import Report
from mkdocs_govgate.siteconfig.seal import make_seal, seal_text
from mkdocs_govgate.siteconfig.sealed import SEAL_FILE
from mkdocs_govgate.sitefinder import read_site_settings, site_from_mkdocs

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[1]
TZ = dt.timezone(dt.timedelta(hours=8))

PEOPLE = {
    "editor1": ("编辑甲", ["editor"]),
    "editor2": ("编辑乙", ["editor"]),
    "chief1": ("科长甲", ["section_chief"]),
    "chief2": ("科长乙", ["section_chief"]),
    "webadmin1": ("网管甲", ["site_admin"]),
    "secrecy1": ("保密员甲", ["secrecy_officer"]),
    "deputy1": ("副县长甲", ["deputy_leader"]),
    "principal1": ("县长甲", ["principal_leader"]),
    "superior1": ("副市长甲", ["superior_leader"]),
    "root1": ("管理员甲", ["admin"]),
}
# who signs each stage by default
DEFAULT_SIGNERS = {"first": "chief1", "second": "webadmin1", "final": "deputy1", "principal": "principal1",
                   "superior": "superior1"}
STAGES = {"general": ["first", "second", "final"], "important": ["first", "second", "final", "principal"],
          "special": ["first", "second", "final", "principal", "superior"]}

POLICY = """\
roles:
  editor: 信息采编人员
  section_chief: 科室负责人
  site_admin: 网站管理员
  secrecy_officer: 保密审核员
  deputy_leader: 分管领导
  principal_leader: 主要领导
  superior_leader: 上级领导
  admin: 信任库管理员
stages:
  first:     {title: 初审初校, roles: [section_chief]}
  second:    {title: 复审复校, roles: [site_admin, secrecy_officer]}
  final:     {title: 终审终校, roles: [deputy_leader, principal_leader]}
  principal: {title: 主要领导签批, roles: [principal_leader]}
  superior:  {title: 上级领导批示, roles: [superior_leader]}
classifications:
  general:   [first, second, final]
  important: [first, second, final, principal]
  special:   [first, second, final, principal, superior]
separation_of_duties: true
ordered: true
evidence: inline
"""


def copy_demo(target: Path) -> Path:
    """The demo county site of the repository (content, trust store, theme overrides, mkdocs.yml) in ``target``."""
    import shutil  # noqa: PLC0415

    for name in ("content", "signoffs", "overrides"):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    return target


def build_demo(target: Path) -> Path:
    """``copy_demo`` then a real ``govgate build`` (with the demo admin's pin, as CI holds it) that must succeed."""
    copy_demo(target)
    result = subprocess.run([str(BIN / "govgate"), "build"], cwd=target, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "GOVGATE_TRUST_ROOT": demo_pin()})
    assert result.returncode == 0, result.stderr
    return target


@cache
def private_key(person: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_line(person: str) -> str:
    key = private_key(person).public_key().public_bytes(serialization.Encoding.OpenSSH,
                                                         serialization.PublicFormat.OpenSSH)
    return f"{key.decode()} {person}@test"


def roster_yaml(people: dict[str, tuple[str, list[str]]] | None = None, overrides: dict | None = None) -> str:
    lines = ["people:"]
    for pid, (name, roles) in (people or PEOPLE).items():
        extra = (overrides or {}).get(pid, {})
        lines += [f"  - id: {pid}", f"    name: {name}", "    unit: 测试县政府办公室", f"    roles: [{', '.join(roles)}]",
                  f'    keys: ["{public_line(pid)}"]', f"    valid_from: {extra.get('valid_from', '2020-01-01')}",
                  f"    valid_until: {extra.get('valid_until', 'null')}"]
    return "\n".join(lines) + "\n"


def dump_yaml(data: dict) -> str:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


@dataclass
class Site:
    root: Path
    on_unapproved: str = "fail"
    theme: str = "mkdocs"
    plugins_before: list[str] = field(default_factory=lambda: ["search"])
    extra_config: str = ""
    pages: dict[str, tuple[dict, str]] = field(default_factory=dict)
    auto_seal: bool = True     # the admin (root1) re-seals after every write; attack tests switch it off
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        (self.root / "content").mkdir(parents=True, exist_ok=True)
        (self.root / "signoffs").mkdir(exist_ok=True)
        self.write("signoffs/policy.yml", POLICY)
        self.write("signoffs/reviewers.yml", roster_yaml())
        # the themes' footer credits link to their makers; a real site removes them or allows them
        self.write("signoffs/rules/allowed_domains.txt", "www.mkdocs.org\nsquidfunk.github.io\n")
        self.write_config()

    @property
    def docs(self) -> Path:
        return self.root / "content"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        if self.auto_seal and (self.root / "mkdocs.yml").is_file() and rel != f"signoffs/{SEAL_FILE}":
            self.seal()
        return path

    def seal(self, by: str = "root1", at: dt.datetime | None = None, site: str = "") -> None:
        """What `govgate seal` writes: ``by``'s signature over the digests of every configuration file."""
        seal_configuration(self.root, by, at, site)

    def write_config(self, **govgate: object) -> None:
        options = {"on_unapproved": self.on_unapproved, **govgate}
        others = [p for p in self.plugins_before if p != "search"]
        if others:          # the admin allows the plugins the test site uses (siteconfig/judge.py)
            options.setdefault("allow_plugins", others)
        plugin_lines = "".join(f"  - {p}\n" for p in self.plugins_before)
        option_lines = "".join(f"      {k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in options.items())
        theme_safety = "  highlightjs: false\n" if self.theme == "mkdocs" else "  font: false\n"  # nothing from other hosts
        self.write("mkdocs.yml", f"site_name: 测试县人民政府\ndocs_dir: content\nsite_dir: site\n"
                                 f"theme:\n  name: {self.theme}\n{theme_safety}"
                                 f"plugins:\n{plugin_lines}  - govgate:\n{option_lines}{self.extra_config}")

    def page(self, rel: str, body: str, *, classification: str = "general", author: str = "editor1",
             title: str | None = None, **meta: object) -> Path:
        data = {"title": title or rel.rsplit("/", 1)[-1].removesuffix(".md"), "date": dt.date(2025, 1, 9),
                "column": "通知公告", "unit": "测试县应急管理局", "author": author, "classification": classification}
        data.update(meta)
        self.pages[rel] = (data, body)
        return self._render(rel)

    def _render(self, rel: str) -> Path:
        data, body = self.pages[rel]
        return self.write(f"content/{rel}", f"---\n{dump_yaml(data)}---\n\n{body}")

    def digest(self, rel: str) -> str:
        return page_digest(Page.load(self.docs, rel), self.docs)

    def sign(self, rel: str, stage: str, by: str | None = None, decision: str = "approve",
             opinion: str = "同意", at: dt.datetime | None = None, digest: str | None = None) -> dict:
        data, body = self.pages[rel]
        entries = data.setdefault("signoffs", [])
        at = at or dt.datetime(2025, 1, 10, 9, 0, tzinfo=TZ) + dt.timedelta(minutes=len(entries))
        entry = {"stage": stage, "by": by or DEFAULT_SIGNERS[stage], "decision": decision, "opinion": opinion,
                 "at": at.isoformat(), "digest": digest or self.digest(rel)}
        entry.update(inline_signature(entry, rel))
        entries.append(entry)
        self._render(rel)
        return entry

    def edit(self, rel: str, body: str | None = None, **meta: object) -> None:
        """Change a page the way an editor would, keeping its sign-offs: a new body and/or front-matter values."""
        data, old_body = self.pages[rel]
        data.update(meta)
        self.pages[rel] = (data, old_body if body is None else body)
        self._render(rel)

    def sign_with_key_of(self, rel: str, stage: str, by: str, key_owner: str) -> dict:
        """An entry naming ``by`` whose inline signature was made with ``key_owner``'s key (a forgery)."""
        entry = self.sign(rel, stage, by=by)
        payload = payload_for(entry["digest"], stage, by, entry["decision"], dt.datetime.fromisoformat(entry["at"]), rel)
        entry["signature"] = sshsig.sign(private_key(key_owner), sshsig.key_blob_from_line(public_line(key_owner)),
                                         payload, INLINE_NAMESPACE)
        self._render(rel)
        return entry

    def approve(self, rel: str, classification: str | None = None) -> None:
        """Every required stage signed by its default signer."""
        data, _ = self.pages[rel]
        for stage in STAGES[classification or data["classification"]]:
            self.sign(rel, stage)

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        env = {**os.environ, "NO_COLOR": "1", "PYTHONWARNINGS": "ignore", "GOVGATE_TRUST_ROOT": admin_pin(),
               **self.extra_env}
        return subprocess.run([str(a) for a in args], cwd=self.root, capture_output=True, text=True, env=env,
                              check=check, timeout=300)

    def build(self, *args: str) -> subprocess.CompletedProcess:
        return self.run(str(BIN / "mkdocs"), "build", *args)

    def add_plugin(self, name: str, hook_source: str) -> None:
        """Another installed MkDocs plugin (its functions as event handlers), which an admin allows.

        Installed for the test's processes only: a module and a dist-info entry point on PYTHONPATH.
        """
        folder = self.root.parent / "plugins"
        module = f"{name}_plugin"
        (folder / f"{name}-0.1.dist-info").mkdir(parents=True, exist_ok=True)
        (folder / f"{name}-0.1.dist-info" / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
        (folder / f"{name}-0.1.dist-info" / "entry_points.txt").write_text(
            f"[mkdocs.plugins]\n{name} = {module}:TestPlugin\n")
        (folder / f"{module}.py").write_text(
            hook_source + "\nfrom mkdocs.plugins import BasePlugin\n\n\nclass TestPlugin(BasePlugin):\n    pass\n\n\n"
            "for _name, _fn in list(globals().items()):\n    if _name.startswith('on_') and callable(_fn):\n"
            "        setattr(TestPlugin, _name, lambda self, *a, _f=_fn, **k: _f(*a, **k))\n", encoding="utf-8")
        self.extra_env["PYTHONPATH"] = str(folder)
        self.plugins_before = [*self.plugins_before, name]
        self.write_config()

    def gate_build(self, *args: str) -> subprocess.CompletedProcess:
        """`govgate build`: what CI runs (the configuration is judged before MkDocs reads it)."""
        return self.run(str(BIN / "govgate"), "build", *args)

    def govgate(self, *args: str) -> subprocess.CompletedProcess:
        return self.run(str(BIN / "govgate"), *args)

    def site_text(self) -> str:
        """Every byte MkDocs wrote, as text (gz files unpacked), to grep for leaks."""
        import gzip  # noqa: PLC0415

        chunks = []
        for path in sorted(self.site_dir.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                if path.suffix == ".gz":
                    data = gzip.decompress(data)
                text = data.decode("utf-8", errors="replace")
                chunks.append(text)
                if path.suffix == ".json":   # search_index.json writes Chinese as \uXXXX
                    try:
                        chunks.append(json.dumps(json.loads(text), ensure_ascii=False))
                    except ValueError:
                        pass
                chunks.append(path.relative_to(self.site_dir).as_posix())
        return "\n".join(chunks)


def demo_pin() -> str:
    """The pin the demo site's CI would hold: its admin's key (demo/sign_demo.py seals the configuration with it)."""
    line = (Path(__file__).resolve().parents[1] / "demo" / "keys" / "liuyang.pub").read_text()
    return sshsig.key_fingerprint(sshsig.key_blob_from_line(line))


def admin_pin(person: str = "root1") -> str:
    """The pin an admin gives CI for an inline site: the fingerprint of their key."""
    return sshsig.key_fingerprint(sshsig.key_blob_from_line(public_line(person)))


def seal_configuration(root: Path, by: str = "root1", at: dt.datetime | None = None, site: str = "") -> None:
    try:
        _, settings = read_site_settings(root / "mkdocs.yml")
    except GateError:
        return      # a configuration the gate refuses anyway: nothing to seal
    when = (at or dt.datetime(2025, 1, 1, tzinfo=TZ)).isoformat()
    blob = sshsig.key_blob_from_line(public_line(by))
    seal = make_seal(root, settings, f"signoffs/{SEAL_FILE}", by, when, site,
                     lambda payload: sshsig.sign(private_key(by), blob, payload, INLINE_NAMESPACE))
    (root / "signoffs" / SEAL_FILE).write_text(seal_text(seal), encoding="utf-8")


def inline_signature(entry: dict, rel: str) -> dict:
    """The inline signature `govgate approve` adds: SSHSIG over the signed fields of the entry and the page's path."""
    payload = payload_for(entry["digest"], entry["stage"], entry["by"], entry["decision"],
                          dt.datetime.fromisoformat(entry["at"]), rel)
    blob = sshsig.key_blob_from_line(public_line(entry["by"]))
    return {"signature": sshsig.sign(private_key(entry["by"]), blob, payload, INLINE_NAMESPACE)}


def gate_report(root: Path, cache: Path, *, workers: int | None = None, deferred: bool = False) -> Report:
    """The site at ``root`` checked in this process as `govgate check` does it, or (``deferred``) as a
    fail-mode build does (lean pages, attachments and sign-offs in child processes, judged later)."""
    config = site_from_mkdocs(None, root)
    config.cache_dir = cache
    gate = build_gate(config)
    try:
        pages, others, found = gate.discover()
        if deferred:
            report = gate.start_site_check(pages, others, workers=workers, keep_sources=False, background=True).report()
        else:
            report = gate.check_site(pages, others, workers=workers)
        report.findings.extend(found)
        return report
    finally:
        gate.close()
