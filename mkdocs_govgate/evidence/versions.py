"""Old versions of a page, read from git blobs: which sign-off entries they hold, and what else.

History holds thousands of page versions; the strict round-trip parser (``page.py``) takes
milliseconds each, so versions are read with libyaml under YAML 1.2 scalar rules, and any
version that uses anchors, aliases, tags or duplicate keys falls back to the strict parser.
Every decision that matters is also bound by the signed commit's trailer, so a difference
between the two readers can only refuse, never accept.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from dataclasses import dataclass

import yaml

from ..digest import canonical_json
from ..errors import GateError
from ..libyaml import SafeLoader
from ..page import FRONT_MATTER_RE, Page
from ..textfile import decode_text

_SUSPICIOUS = re.compile(r"[&*!]|<<")
_TEXT_FIELDS = ("stage", "by", "decision", "opinion", "digest")
_ENTRY_FIELDS = ("stage", "by", "decision", "opinion", "at", "digest", "signature")


class _Duplicate(Exception):
    pass


class _FastLoader(SafeLoader):  # type: ignore[valid-type,misc]
    """libyaml with YAML 1.2 booleans (``yes``/``no``/``on`` stay text, as in ruamel)."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201 - PyYAML signature
        keys = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in keys:
                raise _Duplicate(key)
            keys.add(key)
        return super().construct_mapping(node, deep=deep)


_FastLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()
}
_FastLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))
for _first in list(_FastLoader.yaml_implicit_resolvers):
    # YAML 1.1 octal/sexagesimal/underscore ints and floats differ from 1.2: let those go to the strict reader.
    _FastLoader.yaml_implicit_resolvers[_first] = [
        (tag, regexp) for tag, regexp in _FastLoader.yaml_implicit_resolvers[_first]
        if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
_FastLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
                                  list("-+0123456789"))


def entry_key(stage: object, by: object, decision: object, opinion: object, at: object, digest: object,
              signature: object) -> str:
    """Identity of one sign-off entry: every field, so any later edit makes it a new entry.

    The SHA-256 of the fields' canonical JSON: history holds tens of thousands of entries, and
    their full text (signature included) would take hundreds of megabytes."""
    if isinstance(at, dt.datetime):
        at = at.isoformat()
    elif isinstance(at, str):
        try:
            at = dt.datetime.fromisoformat(at).isoformat()
        except ValueError:
            pass
    text = json.dumps([stage, by, decision, opinion, at, digest, signature], ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@functools.lru_cache(maxsize=1 << 16)   # asked several times per entry while a page's history is judged
def signoff_key(signoff: object) -> str:
    return entry_key(*(getattr(signoff, name) for name in _ENTRY_FIELDS))


@dataclass(frozen=True)
class PageVersion:
    """What one version of a page says: its entries in order, and a hash of everything else."""

    entries: tuple[str, ...]
    content_hash: str        # front-matter without signoffs + body
    parsed: bool = True      # False: unreadable (counts as holding no entries)


UNREADABLE = PageVersion((), "", parsed=False)


def read_version(path: str, raw: bytes, *, shortcut: bool = True) -> PageVersion:
    """Sign-off keys and content hash of one stored page version; UNREADABLE when it cannot be read.

    History is permanent: any editor's commit, even one deleted later, is read by every build,
    so nothing in an old version may stop the site.  A version that cannot be read counts as
    holding no sign-offs (they do not count), and the commit that introduced an entry is then
    refused with a reason (history.py), never an internal error.

    ``shortcut`` reads the exact layout `govgate approve` writes without YAML; callers that
    compare content hashes of two versions turn it off so both come from parsed YAML.
    """
    try:
        return _read_version(path, raw, shortcut)
    except Exception:   # noqa: BLE001 - any reader's failure on any stored bytes (RecursionError included)
        return UNREADABLE


def _read_version(path: str, raw: bytes, shortcut: bool) -> PageVersion:
    try:
        text = decode_text(raw, path)
    except GateError:
        return UNREADABLE
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return PageVersion((), _content_hash({}, text))
    front, body = match.group(1), text[match.end():]
    if shortcut:
        quick = _read_written_by_approve(front, body)
        if quick is not None:
            return quick
    if not _SUSPICIOUS.search(front):
        try:
            meta = yaml.load(front, Loader=_FastLoader)
        except (yaml.YAMLError, _Duplicate, ValueError, TypeError):
            meta = None
        if isinstance(meta, dict) and all(isinstance(k, str) for k in meta):
            return _version_from(meta, body)
    return _strict_version(path, raw)


def read_version_parsed(path: str, raw: bytes) -> PageVersion:
    """Like read_version, but the content hash always comes from parsed YAML (never the text shortcut)."""
    return read_version(path, raw, shortcut=False)


def _strict_version(path: str, raw: bytes) -> PageVersion:
    try:
        page = Page.from_bytes(path, raw)
    except GateError:
        return UNREADABLE
    return PageVersion(tuple(signoff_key(s) for s in page.signoffs), _content_hash(page.content_meta(), page.body))


def _version_from(meta: dict, body: str) -> PageVersion:
    entries = []
    raw_entries = meta.get("signoffs")
    if isinstance(raw_entries, list):
        for entry in raw_entries:
            if isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in _TEXT_FIELDS) \
                    and isinstance(entry.get("at"), (str, dt.datetime)):
                entries.append(entry_key(*(entry.get(name) for name in _ENTRY_FIELDS)))
    content = {k: v for k, v in meta.items() if k != "signoffs"}
    return PageVersion(tuple(entries), _content_hash(content, body))


def _content_hash(content: dict, body: str) -> str:
    try:
        data = canonical_json({"front_matter": content, "body": body})
    except TypeError:
        data = repr((content, body)).encode()
    return hashlib.sha256(data).hexdigest()


# -- the format `govgate approve` writes, read without a YAML parser ------------------------------
# Accepted only when every line of the signoffs block has exactly that shape and every value is
# text that YAML would read as the same text; anything else goes to the YAML readers above.
_TOP_KEY = re.compile(r"^[^\s#-][^:]*:")
_ITEM = re.compile(r"^( *)- stage: (.+)$")
_FIELD = re.compile(r"^( *)(by|decision|opinion|at|digest|signature): ?(.*)$")
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#\"'\\]*$")
_TYPED = re.compile(r"^(?:[-+]?[0-9][0-9_.:eE+-]*|true|false|yes|no|on|off|null|~|y|n|\.inf|\.nan)$", re.IGNORECASE)
_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def _scalar(text: str) -> str | None:
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, str) and "\\" not in text else None
    if not _PLAIN.match(text) or ": " in text or text.endswith(":") or " #" in text or _TYPED.match(text):
        return None
    return text


def _read_written_by_approve(front: str, body: str) -> PageVersion | None:
    lines = front.removesuffix("\n").split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("signoffs:")]
    if not starts:
        return None if "signoffs" in front else PageVersion((), _text_hash("\n".join(lines), body))
    if len(starts) != 1 or lines[starts[0]].rstrip() != "signoffs:":
        return None
    start = starts[0]
    end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    if any(line.startswith("signoffs") for line in lines[end:]):
        return None
    # Entries: each from its "  - stage: " line to the next.  Before the first, only blank lines.
    item_lines = [i for i in range(start + 1, end) if lines[i].startswith(_ITEM_START)]
    first = item_lines[0] if item_lines else end
    if any(lines[i].strip() for i in range(start + 1, first)):
        return None
    keys = []
    for begin, stop in zip(item_lines, [*item_lines[1:], end][:len(item_lines)], strict=True):
        key = _entry_block_key("\n".join(lines[begin:stop]))
        if key is None:
            return None
        keys.append(key)
    rest = "\n".join(lines[:start] + lines[end:])
    return PageVersion(tuple(keys), _text_hash(rest, body))


_ITEM_START = "  - stage: "


@functools.lru_cache(maxsize=4096)   # versions are read page by page (history.py)
def _entry_block_key(block: str) -> str | None:
    """The key of one entry as `govgate approve` writes it, or None if any line has another shape.

    Remembered by its text: a page's history repeats each entry in every later version."""
    entry: dict[str, str] = {}
    lines = block.split("\n")
    item = _ITEM.match(lines[0])
    value = _scalar(item.group(2)) if item else None
    if value is None:
        return None
    entry["stage"] = value
    i = 1
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            i += 1
            continue
        field = _FIELD.match(line)
        if not field or len(field.group(1)) != 4 or field.group(2) in entry:
            return None
        name, raw = field.group(2), field.group(3)
        if name == "signature":
            if raw != "|":
                return None
            block_lines = []
            i += 1
            while i < len(lines) and lines[i].startswith("      ") and lines[i].strip():
                block_lines.append(lines[i][6:])
                i += 1
            if not block_lines or any(b != b.rstrip() or b.startswith(" ") for b in block_lines):
                return None
            entry[name] = "\n".join(block_lines) + "\n"
            continue
        value = raw if name in ("at", "digest") else _scalar(raw)
        if value is None or (name == "at" and not _valid_at(raw)) or (name == "digest" and not _DIGEST.match(raw)):
            return None
        entry[name] = value
        i += 1
    return entry_key(*(entry.get(name) for name in _ENTRY_FIELDS))


def _valid_at(raw: str) -> bool:
    """Shaped like a time and a real one (no 2025-02-30, no hour 25): what the strict reader accepts."""
    if not _AT.match(raw):
        return False
    try:
        dt.datetime.fromisoformat(raw)
    except ValueError:
        return False
    return True


def _text_hash(front_without_signoffs: str, body: str) -> str:
    return "t:" + hashlib.sha256(front_without_signoffs.encode() + b"\0" + body.encode()).hexdigest()
