"""Benchmark: verifying sign-off history, against `git log --format=%G?`.

Builds a repository with PAGES pages and three signed approval commits each (first, second,
final: 15,000 sign-offs on 5,000 pages by default).  Commits are signed in-process with
Ed25519 and written as loose objects, so building takes seconds, not an ssh-keygen per commit.

    python benchmarks/evidence_bench.py [--pages 5000] [--baseline-commits 300] [--keep DIR]

Prints: the git log %G? baseline (measured on a sample of commits and extrapolated, unless
--baseline-commits 0 = all), our verifier cold (no cache) and warm (cache), and the ratios.
Targets: cold < 5 s, warm < 0.5 s for 15,000 sign-offs on 5,000 pages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from gitwriter import ObjectWriter, finish, public_line, signed_commit

from mkdocs_govgate.digest import compute_digest
from mkdocs_govgate.evidence import CachedHistoryEvidence, TrustRoot, sshsig
from mkdocs_govgate.evidence.trailers import ApprovalTrailer, approval_message
from mkdocs_govgate.page import Page

POLICY = """\
roles: {editor: 编辑, section_chief: 科室负责人, site_admin: 网站管理员, deputy_leader: 分管领导, admin: 管理员}
stages:
  first:  {title: 初审初校, roles: [section_chief]}
  second: {title: 复审复校, roles: [site_admin]}
  final:  {title: 终审终校, roles: [deputy_leader]}
classifications:
  general: [first, second, final]
"""
PEOPLE = {"root1": "admin", "editor1": "editor", "chief1": "section_chief", "webadmin1": "site_admin",
          "deputy1": "deputy_leader"}
SIGNERS = {"first": "chief1", "second": "webadmin1", "final": "deputy1"}
PER_DIR = 50


def page_text(number: int, entries: list[str]) -> str:
    text = (f"---\ntitle: 通知第{number}号\ndate: 2024-01-09\ncolumn: 通知公告\nunit: 县政府办公室\nauthor: editor1\n"
            f"classification: general\n")
    if entries:
        text += "signoffs:\n" + "".join(entries)
    return text + f"---\n正文第 {number} 号，请各单位遵照执行。\n"


def entry(stage: str, by: str, digest: str, minute: int) -> str:
    return (f"  - stage: {stage}\n    by: {by}\n    decision: approve\n    opinion: 同意\n"
            f"    at: 2024-01-09T10:{minute % 60:02d}:00+08:00\n    digest: {digest}\n")


def build(root: Path, pages: int) -> tuple[str, str]:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    writer = ObjectWriter(root / ".git")
    keys = {pid: Ed25519PrivateKey.generate() for pid in PEOPLE}
    roster = "people:\n" + "".join(
        f"  - id: {pid}\n    name: {pid}\n    roles: [{role}]\n    keys: [\"{public_line(keys[pid])} {pid}\"]\n"
        for pid, role in PEOPLE.items())
    signoffs_tree = writer.tree({"policy.yml": ("100644", writer.write("blob", POLICY.encode())),
                                 "reviewers.yml": ("100644", writer.write("blob", roster.encode()))})
    top = {"signoffs": ("40000", signoffs_tree),
           "mkdocs.yml": ("100644", writer.write("blob", b"site_name: bench\ndocs_dir: content\n"))}
    when = 1704766320
    head = signed_commit(writer, writer.tree(top), None, "trust store\n", when, keys["root1"], "root1")
    root_commit = head
    dirs: dict[str, dict[str, tuple[str, str]]] = {}
    content_tree: dict[str, tuple[str, str]] = {}

    def commit_files(changes: dict[str, bytes], message: str, key: Ed25519PrivateKey | None, who: str) -> None:
        nonlocal head, when
        for path, data in changes.items():
            folder, name = path.split("/")
            dirs.setdefault(folder, {})[name] = ("100644", writer.write("blob", data))
        for folder in {p.split("/")[0] for p in changes}:
            content_tree[folder] = ("40000", writer.tree(dirs[folder]))
        top["content"] = ("40000", writer.tree(content_tree))
        when += 60
        head = signed_commit(writer, writer.tree(top), head, message, when, key, who)

    digests = {}
    names = {n: f"d{n // PER_DIR:03d}/p{n:05d}.md" for n in range(pages)}
    for start in range(0, pages, PER_DIR):
        batch = {names[n]: page_text(n, []).encode() for n in range(start, min(start + PER_DIR, pages))}
        commit_files(batch, "new pages\n", None, "editor1")
        for path, data in batch.items():
            digests[path] = compute_digest(Page.from_bytes(path, data), root / "content").value
    entries: dict[str, list[str]] = {path: [] for path in names.values()}
    for stage, person in SIGNERS.items():
        for n, path in names.items():
            entries[path].append(entry(stage, person, digests[path], n))
            trailer = ApprovalTrailer(f"content/{path}", stage, person, "approve", digests[path])
            commit_files({path: page_text(n, entries[path]).encode()}, approval_message(trailer, stage),
                         keys[person], person)
    finish(root, head)
    allowed = root / ".git" / "allowed_signers"
    allowed.write_text("".join(f"{pid}@example.gov.cn {public_line(k)}\n" for pid, k in keys.items()))
    fingerprint = sshsig.key_fingerprint(sshsig.key_blob_from_line(public_line(keys["root1"])))
    return root_commit, fingerprint


def baseline(root: Path, sample: int) -> tuple[float, int, int]:
    total = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True, text=True,
                               check=True).stdout)
    count = total if sample <= 0 else min(sample, total)
    start = time.perf_counter()
    out = subprocess.run(["git", "-c", f"gpg.ssh.allowedSignersFile={root / '.git' / 'allowed_signers'}", "log",
                          f"-n{count}", "--format=%G?"], cwd=root, capture_output=True, text=True, check=True).stdout
    elapsed = time.perf_counter() - start
    return elapsed * total / count, count, total if out else 0


def verify(root: Path, trust: TrustRoot, pages: list[Page]) -> tuple[float, int, int]:
    start = time.perf_counter()
    verifier = CachedHistoryEvidence(root / "content", root / "signoffs/policy.yml", root / "signoffs/reviewers.yml",
                                     trust)
    bad = checked = 0
    for page in pages:
        for signoff in page.signoffs:
            checked += 1
            if verifier(page, signoff):
                bad += 1
    verifier.close()
    return time.perf_counter() - start, checked, bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--baseline-commits", type=int, default=300, help="sample size for git log %%G? (0: all)")
    parser.add_argument("--keep", type=Path, default=None, help="build in (and keep) this folder")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="govgate-bench-"))
    root = folder / "site"
    try:
        if not root.exists():
            started = time.perf_counter()
            root_commit, fingerprint = build(root, args.pages)
            (folder / "root.txt").write_text(f"{root_commit}:{fingerprint}")
            print(f"built {args.pages} pages, {3 * args.pages} signed approvals in {time.perf_counter() - started:.1f} s")
        trust = TrustRoot.parse((folder / "root.txt").read_text())
        pages = [Page.load(root / "content", p.relative_to(root / "content").as_posix())
                 for p in sorted((root / "content").rglob("*.md"))]
        shutil.rmtree(root / ".govgate-cache", ignore_errors=True)
        cold, checked, bad = verify(root, trust, pages)
        warm, _, bad_warm = verify(root, trust, pages)
        base, sampled, total = baseline(root, args.baseline_commits)
        how = "measured" if sampled == total else f"extrapolated from {sampled} of {total} commits"
        print(f"git log --format=%G?     : {base:8.2f} s ({how})")
        print(f"govgate verifier, cold   : {cold:8.2f} s  ({checked} sign-offs, {bad} refused)  target < 5 s")
        print(f"govgate verifier, warm   : {warm:8.3f} s  ({bad_warm} refused)  target < 0.5 s")
        print(f"speed-up cold: {base / cold:.0f}x   warm: {base / warm:.0f}x")
        return 0 if bad == bad_warm == 0 else 1
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    sys.exit(main())
