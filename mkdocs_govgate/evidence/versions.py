"""Old versions of a page, read from git blobs: which sign-off entries they hold, and what else.

History holds thousands of page versions; the strict round-trip parser (``page.py``) takes
milliseconds each, so versions are read with libyaml under YAML 1.2 scalar rules, and any
version that uses anchors, aliases, tags or duplicate keys falls back to the strict parser.
Every decision that matters is also bound by the signed commit's trailer, so a difference
between the two readers can only refuse, never accept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

import yaml

from ..digest import canonical_json
from ..errors import GateError
from ..page import FRONT_MATTER_RE, Page
from ..textfile import decode_text

_SUSPICIOUS = re.compile(r"[&*!]|<<")
_ENTRY_FIELDS = ("stage", "by", "decision", "opinion", "at", "digest", "signature")


class _Duplicate(Exception):
    pass


class _FastLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
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
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
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
    """Identity of one sign-off entry: every field, so any later edit makes it a new entry."""
    if isinstance(at, dt.datetime):
        at = at.isoformat()
    elif isinstance(at, str):
        try:
            at = dt.datetime.fromisoformat(at).isoformat()
        except ValueError:
            pass
    return json.dumps([stage, by, decision, opinion, at, digest, signature], ensure_ascii=False, default=str)


def signoff_key(signoff: object) -> str:
    return entry_key(*(getattr(signoff, name) for name in _ENTRY_FIELDS))


@dataclass(frozen=True)
class PageVersion:
    """What one version of a page says: its entries in order, and a hash of everything else."""

    entries: tuple[str, ...]
    content_hash: str        # front-matter without signoffs + body
    parsed: bool = True      # False: unreadable (counts as holding no entries)


UNREADABLE = PageVersion((), "", parsed=False)


def read_version(path: str, raw: bytes) -> PageVersion:
    try:
        text = decode_text(raw, path)
    except GateError:
        return UNREADABLE
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return PageVersion((), _content_hash({}, text))
    front = match.group(1)
    if not _SUSPICIOUS.search(front):
        try:
            meta = yaml.load(front, Loader=_FastLoader)
        except (yaml.YAMLError, _Duplicate, ValueError, TypeError):
            meta = None
        if isinstance(meta, dict) and all(isinstance(k, str) for k in meta):
            return _version_from(meta, text[match.end():])
    return _strict_version(path, raw)


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
            if isinstance(entry, dict):
                entries.append(entry_key(*(entry.get(name) for name in _ENTRY_FIELDS)))
    content = {k: v for k, v in meta.items() if k != "signoffs"}
    return PageVersion(tuple(entries), _content_hash(content, body))


def _content_hash(content: dict, body: str) -> str:
    try:
        data = canonical_json({"front_matter": content, "body": body})
    except TypeError:
        data = repr((content, body)).encode()
    return hashlib.sha256(data).hexdigest()
