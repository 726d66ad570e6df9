"""Reading git objects for verification: one long-lived ``git cat-file`` process, strict commit parsing.

Verification never trusts git's own view of signatures (``%G?``, allowed-signers, the user's
keyring): it reads the raw commit bytes, splits off the signature exactly as git does when
it verifies, and hands payload and signature to our own verifiers.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GateError
from ..i18n import Msg

# Display settings in a user's or repository's config must not change what we parse, and
# replace refs / grafts must not swap the objects we verify.
GIT_SAFE_OPTIONS = (
    "-c", "log.showSignature=false", "-c", "core.quotePath=false", "-c", "diff.relative=false",
    "-c", "log.decorate=false", "-c", "diff.noprefix=false", "-c", "core.abbrev=no",
)
UNSHALLOW_HINT = Msg(
    "在 CI 中检出完整历史（GitHub Actions：actions/checkout 设置 fetch-depth: 0；GitLab：GIT_DEPTH: 0），"
    "本地执行 git fetch --unshallow",
    "check out the full history in CI (GitHub Actions: actions/checkout with fetch-depth: 0; "
    "GitLab: GIT_DEPTH: 0), or run git fetch --unshallow locally",
)
_SINGLE_HEADERS = {"tree", "author", "committer", "encoding", "gpgsig"}
_REPEATABLE_HEADERS = {"parent", "mergetag"}


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    env.pop("GIT_INDEX_FILE", None)
    env.pop("GIT_OBJECT_DIRECTORY", None)
    env.pop("GIT_ALTERNATE_OBJECT_DIRECTORIES", None)
    return env


def run_git(cwd: Path, *args: str, check: bool = True, input: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *GIT_SAFE_OPTIONS, *args], cwd=cwd, env=git_env(), input=input,
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise GateError(Msg("找不到 git 命令", "git is not installed"),
                        hint=Msg("安装 git 后重试", "install git and retry")) from None
    if check and proc.returncode != 0:
        raise GateError(Msg(f"git {args[0]} 失败：{proc.stderr.decode(errors='replace').strip()}",
                            f"git {args[0]} failed: {proc.stderr.decode(errors='replace').strip()}"))
    return proc.stdout


class BadCommit(Exception):
    """A commit whose headers we refuse to interpret (the text is shown to people)."""

    def __init__(self, message: Msg):
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class Commit:
    oid: str
    tree: str
    parents: tuple[str, ...]
    author: str
    committer: str
    message: str
    signature: bytes | None     # the gpgsig header value, continuation lines joined
    payload: bytes              # the bytes the signature covers (commit minus gpgsig header)
    raw: bytes = field(repr=False)

    @property
    def committer_time(self) -> int:
        return _ident_time(self.committer)

    @property
    def author_time(self) -> int:
        return _ident_time(self.author)


def _ident_time(ident: str) -> int:
    try:
        return int(ident.rsplit(" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def parse_commit(oid: str, raw: bytes) -> Commit:
    """Parse a commit strictly; the signature split is the one git does before verifying.

    Refused: a second ``gpgsig``, any other ``gpgsig*`` header (``gpgsig-sha256``: a verifier
    that reads one header while git shows the other could be fooled), unknown headers.
    """
    head, sep, message = raw.partition(b"\n\n")
    if not sep:
        raise BadCommit(Msg("提交对象没有消息分隔行", "commit object has no blank line before its message"))
    headers: list[tuple[str, bytes]] = []
    payload_lines: list[bytes] = []
    signature_lines: list[bytes] | None = None
    current_is_signature = False
    for line in head.split(b"\n"):
        if line.startswith(b" "):
            if not headers:
                raise BadCommit(Msg("提交头以续行开始", "commit header starts with a continuation line"))
            if current_is_signature:
                assert signature_lines is not None
                signature_lines.append(line[1:])
            else:
                payload_lines.append(line)
            continue
        name, space, value = line.partition(b" ")
        key = name.decode("ascii", errors="replace")
        if not space:
            raise BadCommit(Msg(f"提交头格式错误：{key!r}", f"malformed commit header: {key!r}"))
        if key.startswith("gpgsig"):
            if key != "gpgsig" or signature_lines is not None:
                raise BadCommit(Msg(f"提交含有多余的签名头“{key}”（只允许一个 gpgsig），拒绝",
                                    f"commit carries an extra signature header '{key}' (exactly one gpgsig allowed)"))
            signature_lines = [value]
            current_is_signature = True
            headers.append((key, value))
            continue
        current_is_signature = False
        if key not in _SINGLE_HEADERS and key not in _REPEATABLE_HEADERS:
            raise BadCommit(Msg(f"提交含有未知的头“{key}”，拒绝", f"commit carries an unknown header '{key}'"))
        if key in _SINGLE_HEADERS and any(k == key for k, _ in headers):
            raise BadCommit(Msg(f"提交头“{key}”重复", f"commit header '{key}' appears twice"))
        headers.append((key, value))
        payload_lines.append(line)
    values = dict(headers)
    if "tree" not in values or headers[0][0] != "tree":
        raise BadCommit(Msg("提交缺少 tree 头", "commit lacks its tree header"))
    for required in ("author", "committer"):
        if required not in values:
            raise BadCommit(Msg(f"提交缺少 {required} 头", f"commit lacks its {required} header"))
    payload = b"\n".join(payload_lines) + b"\n\n" + message
    signature = b"\n".join(signature_lines) + b"\n" if signature_lines is not None else None
    return Commit(
        oid=oid,
        tree=values["tree"].decode("ascii"),
        parents=tuple(v.decode("ascii") for k, v in headers if k == "parent"),
        author=values["author"].decode("utf-8", errors="replace"),
        committer=values["committer"].decode("utf-8", errors="replace"),
        message=message.decode("utf-8", errors="replace"),
        signature=signature,
        payload=payload,
        raw=raw,
    )


class MissingObject(GateError):
    pass


def missing_history_error(what: str) -> MissingObject:
    return MissingObject(
        Msg(f"Git 历史不完整：找不到对象 {what}，无法核验签核记录", f"git history is incomplete: object {what} is missing, "
            "so sign-offs cannot be verified"), hint=UNSHALLOW_HINT)


class ObjectReader:
    """One ``git cat-file --batch`` process (and one ``--batch-check``) for the whole run."""

    def __init__(self, repo_root: Path):
        self.repo_root = repo_root
        self._batch = self._start("--batch")
        self._check = self._start("--batch-check")
        self._commits: dict[str, Commit] = {}

    def _start(self, mode: str) -> subprocess.Popen:
        return subprocess.Popen(["git", *GIT_SAFE_OPTIONS, "cat-file", mode], cwd=self.repo_root, env=git_env(),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def close(self) -> None:
        for proc in (self._batch, self._check):
            if proc.poll() is None:
                assert proc.stdin is not None
                proc.stdin.close()
                proc.wait()

    def __enter__(self) -> ObjectReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def resolve(self, rev: str) -> tuple[str, str] | None:
        """``(oid, type)`` of ``rev`` (``<commit>:<path>`` works), or None when it does not exist."""
        if "\n" in rev:
            return None
        assert self._check.stdin is not None and self._check.stdout is not None
        self._check.stdin.write(rev.encode("utf-8") + b"\n")
        self._check.stdin.flush()
        answer = self._check.stdout.readline().decode("utf-8", errors="replace").rstrip("\n")
        parts = answer.split(" ")
        if len(parts) != 3 or parts[1] in ("missing", "ambiguous"):
            return None
        return parts[0], parts[1]

    def read(self, oid: str) -> tuple[str, bytes]:
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(oid.encode("ascii") + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().decode("ascii", errors="replace").rstrip("\n")
        parts = header.split(" ")
        if len(parts) != 3 or not parts[2].isdigit():
            raise missing_history_error(oid)
        size = int(parts[2])
        data = self._batch.stdout.read(size + 1)[:size]
        return parts[1], data

    def read_many(self, oids: list[str]) -> dict[str, tuple[str, bytes]]:
        """Read many objects with requests streamed from a thread: no round trip per object."""
        import threading  # noqa: PLC0415

        assert self._batch.stdin is not None and self._batch.stdout is not None
        stdin, stdout = self._batch.stdin, self._batch.stdout
        request = b"".join(oid.encode("ascii") + b"\n" for oid in oids)
        writer = threading.Thread(target=lambda: (stdin.write(request), stdin.flush()), daemon=True)
        writer.start()
        result: dict[str, tuple[str, bytes]] = {}
        for oid in oids:
            parts = stdout.readline().decode("ascii", errors="replace").rstrip("\n").split(" ")
            if len(parts) != 3 or not parts[2].isdigit():
                writer.join()
                raise missing_history_error(oid)
            size = int(parts[2])
            result[oid] = (parts[1], stdout.read(size + 1)[:size])
        writer.join()
        return result

    def blob(self, oid: str) -> bytes:
        kind, data = self.read(oid)
        if kind != "blob":
            raise missing_history_error(oid)
        return data

    def remember(self, commit: Commit) -> None:
        self._commits[commit.oid] = commit

    def commit(self, oid: str) -> Commit:
        """The parsed commit; raises BadCommit for headers we refuse, GateError when missing."""
        cached = self._commits.get(oid)
        if cached is None:
            kind, data = self.read(oid)
            if kind != "commit":
                raise missing_history_error(oid)
            cached = self._commits[oid] = parse_commit(oid, data)
        return cached


def git_dir(repo_root: Path) -> Path:
    return Path(run_git(repo_root, "rev-parse", "--absolute-git-dir").decode().strip())


def repo_toplevel(path: Path) -> Path:
    out = run_git(path, "rev-parse", "--show-toplevel", check=False).decode().strip()
    if not out:
        raise GateError(Msg(f"{path} 不在 Git 仓库中，无法核验签核记录", f"{path} is not inside a git repository: "
                            "sign-offs cannot be verified"), hint=Msg("在 Git 仓库中构建站点", "build the site from a git clone"))
    return Path(out)


def ensure_full_history(repo_root: Path) -> None:
    """A shallow clone or grafted history hides the commits that carry the evidence: refuse."""
    gdir = git_dir(repo_root)
    shallow = run_git(repo_root, "rev-parse", "--is-shallow-repository", check=False).decode().strip()
    if shallow == "true" or (gdir / "shallow").exists():
        raise GateError(Msg("这是浅克隆（shallow clone），缺少核验签核所需的历史提交",
                            "this is a shallow clone: the history that proves the sign-offs is missing"),
                        hint=UNSHALLOW_HINT)
    if (gdir / "info" / "grafts").exists():
        raise GateError(Msg("仓库使用了 info/grafts 改写历史，无法核验", "the repository rewrites history with info/grafts"),
                        hint=Msg("删除 .git/info/grafts", "remove .git/info/grafts"))


def head_commit(repo_root: Path) -> str:
    out = run_git(repo_root, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False).decode().strip()
    if not out:
        raise GateError(Msg("仓库还没有任何提交，签核记录无从核验", "the repository has no commits: sign-offs cannot be verified"))
    return out
