"""The page model: a Markdown file split into strictly parsed front-matter and body.

The split uses the same pattern as MkDocs (``mkdocs.utils.meta``) so the body the gate
digests and scans is exactly the body MkDocs renders; the YAML inside is read by the
gate's own strict parser, never taken from ``page.meta``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import GateError
from .i18n import Msg
from .textfile import decode_text
from .yamlstrict import YamlDoc, load_yaml, require_mapping

# Identical to mkdocs.utils.meta.YAML_RE: what MkDocs strips as front-matter.
FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)
DECISIONS = ("approve", "revise", "reject")
SIGNOFF_KEYS = ("stage", "by", "decision", "opinion", "at", "digest")
SIGNOFF_OPTIONAL_KEYS = ("signature",)


@dataclass(frozen=True)
class Signoff:
    """One reviewer's decision on one stage, as written by ``govgate approve``."""

    stage: str
    by: str
    decision: str
    opinion: str
    at: dt.datetime
    digest: str
    signature: str | None
    line: int
    index: int

    def signed_fields(self, path: str) -> dict[str, str]:
        """What an inline signature covers: the entry's fields and the page's path (relative to docs_dir), so
        a copy of an approved page at another address is not approved."""
        return {"digest": self.digest, "stage": self.stage, "by": self.by,
                "decision": self.decision, "at": self.at.isoformat(), "path": path}


@dataclass(frozen=True)
class Waiver:
    rule: str
    match: str
    reason: str
    line: int


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Page:
    path: str                       # posix path relative to docs_dir
    abs_path: Path
    raw: bytes                      # exact file bytes
    text: str                       # decoded, BOM dropped, "\n" line endings
    meta: dict[str, Any]
    meta_lines: dict[str, int]
    body: str
    body_line: int
    has_front_matter: bool
    signoffs: list[Signoff] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    # Problems with individual entries (a malformed sign-off): the page still loads,
    # the entry does not count, and the problem is reported.
    problems: list[GateError] = field(default_factory=list)
    yaml: YamlDoc | None = None
    # Kept by release_sources() when the bytes and body go; computed from them until then.
    _blob_id: str | None = field(default=None, repr=False)
    _markdown_hash: str | None = field(default=None, repr=False)

    @property
    def blob_id(self) -> str:
        """Git's id for the file's bytes: history evidence looks the page up by it."""
        return self._blob_id if self._blob_id is not None else git_blob_id(self.raw)

    def rendered_markdown(self) -> str:
        """The body as MkDocs hands it to Markdown: MkDocs drops the newlines that follow the front-matter."""
        return self.body.lstrip("\n") if self.has_front_matter else self.body

    @property
    def markdown_hash(self) -> str:
        """SHA-256 of rendered_markdown(): what the plugin compares with the text MkDocs is about to render."""
        return self._markdown_hash if self._markdown_hash is not None else text_hash(self.rendered_markdown())

    def release_sources(self) -> None:
        """Let the bytes, text, YAML tree and body go once the page is digested and scanned (a large site's
        pages are held while MkDocs builds): their blob id and the body's hash stay."""
        self._blob_id, self._markdown_hash = self.blob_id, self.markdown_hash
        self.raw, self.text, self.yaml, self.body = b"", "", None, ""

    @property
    def classification(self) -> str | None:
        value = self.meta.get("classification")
        return value if isinstance(value, str) else None

    @property
    def author(self) -> str | None:
        value = self.meta.get("author")
        return value if isinstance(value, str) else None

    @property
    def title(self) -> str:
        value = self.meta.get("title")
        return str(value) if value is not None else self.path

    def content_meta(self) -> dict[str, Any]:
        """Front-matter without ``signoffs``: what reviewers approve."""
        return {k: v for k, v in self.meta.items() if k != "signoffs"}

    @classmethod
    def load(cls, docs_dir: Path, rel_path: str) -> Page:
        abs_path = docs_dir / rel_path
        try:
            raw = abs_path.read_bytes()
        except OSError as exc:
            raise GateError(Msg(f"无法读取文件：{exc.strerror}", f"cannot read file: {exc.strerror}"),
                            rel_path) from None
        return cls.from_bytes(rel_path, raw, abs_path)

    @classmethod
    def from_bytes(cls, rel_path: str, raw: bytes, abs_path: Path | None = None) -> Page:
        text = decode_text(raw, rel_path)
        abs_path = abs_path or Path(rel_path)
        match = FRONT_MATTER_RE.match(text)
        if not match:
            if text.startswith("---") and text.split("\n", 1)[0].strip() == "---":
                raise GateError(
                    Msg("页首信息（front-matter）没有结束标记“---”", "front-matter is not closed by a '---' line"),
                    rel_path, 1, hint=Msg("在页首信息末尾加一行 ---", "add a '---' line after the front-matter"))
            return cls(rel_path, abs_path, raw, text, {}, {}, text, 1, False)
        doc = load_yaml(match.group(1), rel_path, first_line=2)
        meta = require_mapping(doc, Msg("页首信息", "front-matter"))
        _require_text_keys(meta, doc, rel_path, ())
        body_line = text.count("\n", 0, match.end()) + 1
        page = cls(rel_path, abs_path, raw, text, meta, {k: doc.line_of(k) for k in meta},
                   text[match.end():], body_line, True, yaml=doc)
        page._parse_signoffs()
        page._parse_waivers()
        return page

    def _entries(self, key: str) -> list[tuple[int, dict]]:
        value = self.meta.get(key)
        if value is None:
            return []
        assert self.yaml is not None
        if not isinstance(value, list):
            self.problems.append(GateError(Msg(f"“{key}”必须是列表", f"'{key}' must be a list"),
                                           self.path, self.yaml.line_of(key)))
            return []
        entries = []
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                entries.append((index, entry))
            else:
                self.problems.append(GateError(
                    Msg(f"“{key}”的第 {index + 1} 项必须是键值映射", f"entry {index + 1} of '{key}' must be a mapping"),
                    self.path, self.yaml.line_of(key, index)))
        return entries

    def _parse_signoffs(self) -> None:
        assert self.yaml is not None
        for index, entry in self._entries("signoffs"):
            line = self.yaml.line_of("signoffs", index)
            try:
                self.signoffs.append(_signoff_from(entry, index, line, self.path))
            except GateError as exc:
                self.problems.append(exc)

    def _parse_waivers(self) -> None:
        assert self.yaml is not None
        for index, entry in self._entries("waivers"):
            line = self.yaml.line_of("waivers", index)
            fields = {k: entry.get(k) for k in ("rule", "match", "reason")}
            missing = [k for k, v in fields.items() if not isinstance(v, str) or not v.strip()]
            if missing:
                self.problems.append(GateError(
                    Msg(f"豁免条目缺少或写错了：{', '.join(missing)}（rule、match、reason 均为必填文字）",
                        f"waiver lacks or misstates: {', '.join(missing)} (rule, match and reason are required text)"),
                    self.path, line))
                continue
            self.waivers.append(Waiver(fields["rule"], fields["match"], fields["reason"], line))


def _require_text_keys(value: Any, doc: YamlDoc, rel_path: str, where: tuple) -> None:
    """Keys must be text at every depth: the digest's canonical JSON sorts them."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise GateError(Msg(f"页首信息的键必须是文字：{key!r}", f"front-matter keys must be text: {key!r}"),
                                rel_path, doc.line_of(*where, key))
            _require_text_keys(item, doc, rel_path, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _require_text_keys(item, doc, rel_path, (*where, index))


def _signoff_from(entry: dict, index: int, line: int, path: str) -> Signoff:
    def fail(zh: str, en: str) -> GateError:
        return GateError(Msg(f"第 {index + 1} 条签核记录：{zh}", f"sign-off entry {index + 1}: {en}"), path, line,
                         hint=Msg("签核记录由 govgate approve 生成，请勿手工编辑",
                                  "sign-off entries are written by `govgate approve`; do not edit them by hand"))

    unknown = sorted(set(entry) - set(SIGNOFF_KEYS) - set(SIGNOFF_OPTIONAL_KEYS))
    if unknown:
        raise fail(f"未知字段 {', '.join(map(str, unknown))}", f"unknown field(s) {', '.join(map(str, unknown))}")
    missing = [k for k in SIGNOFF_KEYS if entry.get(k) in (None, "")]
    if missing:
        raise fail(f"缺少字段 {', '.join(missing)}", f"missing field(s) {', '.join(missing)}")
    for key in ("stage", "by", "decision", "opinion", "digest"):
        if not isinstance(entry[key], str):
            raise fail(f"字段 {key} 必须是文字", f"field {key} must be text")
    if entry["decision"] not in DECISIONS:
        raise fail(f"decision 必须是 approve、revise 或 reject，而不是 {entry['decision']!r}",
                   f"decision must be approve, revise or reject, not {entry['decision']!r}")
    at = entry["at"]
    if isinstance(at, str):
        try:
            at = dt.datetime.fromisoformat(at)
        except ValueError:
            raise fail(f"时间 at 格式错误：{at!r}", f"time 'at' is malformed: {at!r}") from None
    if not isinstance(at, dt.datetime) or at.tzinfo is None:
        raise fail("时间 at 必须是带时区的日期时间，如 2024-01-09T10:12:00+08:00",
                   "time 'at' must be a date-time with a time zone, e.g. 2024-01-09T10:12:00+08:00")
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", entry["digest"]):
        raise fail("digest 必须形如 sha256:<64位十六进制>", "digest must look like sha256:<64 hex digits>")
    signature = entry.get("signature")
    if signature is not None and not isinstance(signature, str):
        raise fail("signature 必须是文字", "signature must be text")
    return Signoff(entry["stage"], entry["by"], entry["decision"], entry["opinion"], at, entry["digest"],
                   signature, line, index)
