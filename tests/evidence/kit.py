"""Real repositories, real keys and real signed commits for the evidence tests."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mkdocs_govgate import approve
from mkdocs_govgate.approval import evaluate
from mkdocs_govgate.digest import page_digest
from mkdocs_govgate.evidence.history import HistoryEvidence
from mkdocs_govgate.evidence.sshsig import key_blob_from_line, key_fingerprint
from mkdocs_govgate.evidence.truststore import TrustRoot
from mkdocs_govgate.page import Page
from mkdocs_govgate.policy import Policy
from mkdocs_govgate.roster import Roster


@dataclass(frozen=True)
class Key:
    name: str
    format: str            # ssh | openpgp
    signing: str           # private key path (ssh) or fingerprint (openpgp)
    public: str            # public key line (ssh) or "openpgp:FPR"
    armored: str = ""      # OpenPGP public key (armored)

    @property
    def fingerprint(self) -> str:
        if self.format == "ssh":
            return key_fingerprint(key_blob_from_line(self.public))
        return self.public



def isolate_home(tmp_path: Path, monkeypatch, *, extra_path: Path | None = None) -> Path:
    """The developer's own git config, keyring, ~/.ssh and agent never take part in a test."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GNUPGHOME", str(home / "no-gnupg"))
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-cache"))
    monkeypatch.delenv("GOVGATE_TRUST_ROOT", raising=False)
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    for name in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.delenv(name, raising=False)
    if extra_path is not None:   # hooks run `govgate` from PATH
        monkeypatch.setenv("PATH", f"{extra_path}{os.pathsep}{os.environ['PATH']}")
    return home

def make_ssh_key(folder: Path, name: str, kind: str = "ed25519") -> Key:
    path = folder / f"{name}_{kind}"
    extra = {"ecdsa": ["-b", "256"], "rsa": ["-b", "2048"]}.get(kind, [])
    subprocess.run(["ssh-keygen", "-q", "-t", kind, *extra, "-N", "", "-C", name, "-f", str(path)], check=True)
    return Key(name, "ssh", str(path), path.with_suffix(".pub").read_text().strip()
               if False else Path(str(path) + ".pub").read_text().strip())


def make_openpgp_key(gnupghome: Path, name: str) -> Key:
    env = {**os.environ, "GNUPGHOME": str(gnupghome)}
    uid = f"{name} <{name}@example.gov.cn>"
    subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never"],
                   check=True, env=env, capture_output=True)
    out = subprocess.run(["gpg", "--batch", "--with-colons", "--list-keys", uid], check=True, env=env,
                         capture_output=True, text=True).stdout
    fpr = next(line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:"))
    armored = subprocess.run(["gpg", "--batch", "--armor", "--export", fpr], check=True, env=env,
                             capture_output=True, text=True).stdout
    return Key(name, "openpgp", fpr, f"openpgp:{fpr}", armored)


POLICY = """\
roles:
  editor: 信息采编人员
  section_chief: 科室负责人
  site_admin: 网站管理员
  deputy_leader: 分管领导
  principal_leader: 主要领导
  admin: 信任库管理员
stages:
  first:     {title: 初审初校, roles: [section_chief]}
  second:    {title: 复审复校, roles: [site_admin]}
  final:     {title: 终审终校, roles: [deputy_leader, principal_leader]}
  principal: {title: 主要领导签批, roles: [principal_leader]}
classifications:
  general:   [first, second, final]
  important: [first, second, final, principal]
separation_of_duties: true
ordered: true
evidence: history
"""

ROLES = {"editor1": ["editor"], "chief1": ["section_chief"], "chief2": ["section_chief"],
         "webadmin1": ["site_admin"], "deputy1": ["deputy_leader"], "principal1": ["principal_leader"],
         "root1": ["admin"], "root2": ["admin"]}

PAGE = """\
---
title: 关于做好春节期间安全生产工作的通知
date: 2024-01-09
# 栏目
column: 通知公告
unit: 县应急管理局
author: editor1
classification: {classification}
---
各乡镇人民政府：

请做好安全生产工作。{extra}
"""


def roster_yaml(keys: dict[str, Key], overrides: dict[str, dict] | None = None, compromised: list[str] = ()) -> str:
    lines = ["people:"]
    for pid, roles in ROLES.items():
        extra = (overrides or {}).get(pid, {})
        if extra.get("absent"):
            continue
        person_keys = extra.get("keys", [keys[pid].public])
        lines += [f"  - id: {pid}", f"    name: {pid}", "    unit: 测试县政府办公室",
                  f"    roles: [{', '.join(extra.get('roles', roles))}]",
                  "    keys: [" + ", ".join(f'"{k}"' for k in person_keys) + "]",
                  "    valid_from: 2020-01-01", f"    valid_until: {extra.get('valid_until', 'null')}"]
    if compromised:
        lines.append("compromised_keys: [" + ", ".join(f'"{k}"' for k in compromised) + "]")
    return "\n".join(lines) + "\n"


class Repo:
    """A site repository: mkdocs.yml, content/, signoffs/ with a signed trust root."""

    def __init__(self, root: Path, keys: dict[str, Key], gnupghome: Path, classification: str = "general"):
        self.root = root
        self.keys = keys
        self.gnupghome = gnupghome
        root.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "editor1")
        self.git("config", "user.email", "editor1@example.gov.cn")
        self.git("config", "commit.gpgsign", "false")
        self.write(".gitignore", ".govgate-cache/\n")
        self.write("mkdocs.yml", "site_name: 测试\ndocs_dir: content\ntheme:\n  name: mkdocs\n  highlightjs: false\n"
                                "plugins:\n  - govgate\n")
        self.write("signoffs/policy.yml", POLICY)
        self.write("signoffs/reviewers.yml", roster_yaml(keys))
        for key in keys.values():
            if key.format == "openpgp":
                self.write(f"signoffs/keys/{key.signing}.asc", key.armored)
        self.root_commit = self.commit("信任库初始化", signer="root1")
        # what every reviewer does once after a clone: pin the trust root outside the repository
        self.git("config", "govgate.trustRoot", f"{self.root_commit}:{self.keys['root1'].fingerprint}")
        self.write("content/a.md", PAGE.format(classification=classification, extra=""))
        self.commit("新稿件", signer=None)

    # -- plumbing -------------------------------------------------------------------------------
    def git(self, *args: str, env: dict | None = None, check: bool = True, input: bytes | None = None) -> str:
        proc = subprocess.run(["git", *args], cwd=self.root, capture_output=True, input=input,
                              env={**os.environ, "GNUPGHOME": str(self.gnupghome), **(env or {})})
        if check and proc.returncode != 0:
            raise AssertionError(proc.stderr.decode())
        return proc.stdout.decode().strip()

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def read(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def sign_args(self, signer: str | Key | None) -> list[str]:
        if signer is None:
            return []
        key = signer if isinstance(signer, Key) else self.keys[signer]
        return ["-c", f"gpg.format={key.format}", "-c", f"user.signingkey={key.signing}"]

    def commit(self, message: str, signer: str | Key | None, paths: list[str] | None = None,
               env: dict | None = None, allow_empty: bool = False) -> str:
        self.git("add", "-A", *(["--", *paths] if paths else []))
        args = [*self.sign_args(signer), "commit", "-q", "-m", message]
        if signer is not None:
            args.insert(len(self.sign_args(signer)) + 1, "-S")
        if allow_empty:
            args.append("--allow-empty")
        self.git(*args, env=env)
        return self.git("rev-parse", "HEAD")

    def approve(self, page: str, stage: str, signer: str | Key, action: str = "approve",
                opinion: str | None = None, lang: str = "en") -> int:
        key = signer if isinstance(signer, Key) else self.keys[signer]
        self.git("config", "gpg.format", key.format)
        self.git("config", "user.signingkey", key.signing)
        old = Path.cwd()
        os.environ["GNUPGHOME"] = str(self.gnupghome)
        try:
            os.chdir(self.root)
            return approve.run(action, page, stage, opinion, lang, self.root)
        finally:
            os.chdir(old)
            self.git("config", "--unset", "user.signingkey", check=False)

    # -- verification ---------------------------------------------------------------------------
    def trust_root(self) -> TrustRoot:
        return TrustRoot(self.root_commit, self.keys["root1"].fingerprint)

    def verifier(self) -> HistoryEvidence:
        return HistoryEvidence(self.root, self.root / "content", self.trust_root())

    def problems(self, rel: str = "a.md", verifier: HistoryEvidence | None = None) -> dict[str, list[str]]:
        """stage → evidence problems (English) for every sign-off on the page, after the pure checks."""
        own = verifier is None
        verifier = verifier or self.verifier()
        try:
            page = Page.load(self.root / "content", rel)
            return {f"{s.stage}#{s.index}": [m.en for m in verifier(page, s)] for s in page.signoffs}
        finally:
            if own:
                verifier.close()

    def verdict(self, rel: str = "a.md"):  # noqa: ANN201
        policy = Policy.load(self.root / "signoffs/policy.yml")
        roster = Roster.load(self.root / "signoffs/reviewers.yml", policy)
        page = Page.load(self.root / "content", rel)
        verifier = self.verifier()
        try:
            return evaluate(page, policy, roster, page_digest(page, self.root / "content"), verifier)
        finally:
            verifier.close()


def forge(repo: Repo, stage: str, by: str, signer: str | Key | None, page: str = "a.md", decision: str = "approve",
          trailer: dict | None = None, also: dict[str, str] | None = None, env: dict | None = None,
          at: str = "2024-01-09T10:12:00+08:00", opinion: str = "同意") -> str:
    """Write a sign-off entry by hand and commit it the way an attacker would choose."""
    from mkdocs_govgate.approve import splice_entry
    from mkdocs_govgate.evidence.trailers import ApprovalTrailer, approval_message

    loaded = Page.load(repo.root / "content", page)
    digest = page_digest(loaded, repo.root / "content")
    fields = {"stage": stage, "by": by, "decision": decision, "opinion": opinion, "at": at, "digest": digest}
    repo.write(f"content/{page}", splice_entry(loaded.text, loaded, fields, None))
    for rel, text in (also or {}).items():
        repo.write(rel, text)
    values = {"page": f"content/{page}", "stage": stage, "by": by, "decision": decision, "digest": digest,
              **(trailer or {})}
    return repo.commit(approval_message(ApprovalTrailer(**values), stage), signer, env=env)
