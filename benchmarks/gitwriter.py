"""Writing a git history fast, for benchmarks: loose objects, in-process Ed25519 signatures.

``git commit -S`` costs an ssh-keygen process per commit (tens of milliseconds); a benchmark
repository holds tens of thousands of signed commits.  Here objects are hashed, deflated and
written as files directly, and commits are signed with ``sshsig.sign`` — the same SSHSIG bytes
``git commit -S`` with ``gpg.format=ssh`` produces, verified by the gate like any other.
"""

from __future__ import annotations

import hashlib
import subprocess
import zlib
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mkdocs_govgate.evidence import sshsig

FILE_MODE, TREE_MODE = "100644", "40000"


class ObjectWriter:
    """Writes loose git objects directly (hash, deflate, file): no process per object."""

    def __init__(self, git_dir: Path):
        self.objects = git_dir / "objects"

    def write(self, kind: str, data: bytes) -> str:
        raw = f"{kind} {len(data)}".encode() + b"\0" + data
        oid = hashlib.sha1(raw).hexdigest()
        path = self.objects / oid[:2] / oid[2:]
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(zlib.compress(raw, 1))
        return oid

    def tree(self, entries: dict[str, tuple[str, str]]) -> str:
        """entries: name → (mode, oid); git sorts trees as if directory names ended with '/'."""
        def sort_key(item: tuple[str, tuple[str, str]]) -> bytes:
            name, (mode, _) = item
            return name.encode() + (b"/" if mode == TREE_MODE else b"")
        body = b"".join(f"{mode} {name}".encode() + b"\0" + bytes.fromhex(oid)
                        for name, (mode, oid) in sorted(entries.items(), key=sort_key))
        return self.write("tree", body)


class WorkTree:
    """The files of the next commit as nested folders; only folders that changed are rewritten."""

    def __init__(self, writer: ObjectWriter):
        self.writer = writer
        self.root: dict = {}
        self._oids: dict[int, str] = {}     # id(folder dict) → tree oid, dropped when it changes

    def put(self, path: str, data: bytes) -> str:
        *folders, name = path.split("/")
        node = self.root
        self._oids.pop(id(node), None)
        for folder in folders:
            node = node.setdefault(folder, {})
            self._oids.pop(id(node), None)
        blob = self.writer.write("blob", data)
        node[name] = blob
        return blob

    def tree(self, node: dict | None = None) -> str:
        node = self.root if node is None else node
        oid = self._oids.get(id(node))
        if oid is None:
            entries = {name: (TREE_MODE, self.tree(child)) if isinstance(child, dict) else (FILE_MODE, child)
                       for name, child in node.items()}
            oid = self._oids[id(node)] = self.writer.tree(entries)
        return oid


def public_line(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def ssh_sign(key: Ed25519PrivateKey, payload: bytes, namespace: str) -> str:
    """Armored SSHSIG, as ``ssh-keygen -Y sign -n NAMESPACE`` writes it."""
    return sshsig.sign(key, sshsig.key_blob_from_line(public_line(key)), payload, namespace)


def fingerprint(key: Ed25519PrivateKey) -> str:
    return sshsig.key_fingerprint(sshsig.key_blob_from_line(public_line(key)))


def signed_commit(writer: ObjectWriter, tree: str, parent: str | None, message: str, when: int,
                  key: Ed25519PrivateKey | None, who: str, tz: str = "+0800") -> str:
    """A commit object, signed (SSH, namespace ``git``) when ``key`` is given."""
    header = f"tree {tree}\n" + (f"parent {parent}\n" if parent else "")
    ident = f"{who} <{who}@example.gov.cn> {when} {tz}"
    header += f"author {ident}\ncommitter {ident}\n"
    payload = (header + "\n" + message).encode()
    if key is None:
        return writer.write("commit", payload)
    armored = ssh_sign(key, payload, "git").rstrip("\n")
    gpgsig = "gpgsig " + armored.replace("\n", "\n ") + "\n"
    return writer.write("commit", (header + gpgsig + "\n" + message).encode())


def finish(root: Path, head: str, branch: str = "main") -> None:
    """Point the branch at ``head``, pack the loose objects and check the tree out."""
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True)

    git("update-ref", f"refs/heads/{branch}", head)
    git("repack", "-adq")
    git("prune")
    git("checkout", "-q", "-f", branch)
