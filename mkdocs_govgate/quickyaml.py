"""A fast reader for the YAML people actually write in front-matter, equal to the strict one or not used.

The strict reader (``yamlstrict.load_strict``, ruamel.yaml round-trip) costs ~10 ms for a page
with five signed sign-offs: most of a cold check of a large site.  Here libyaml (C) builds the
node tree and this module resolves scalars itself under the strict reader's YAML 1.2 rules.
Anything it is not certain to read exactly as the strict reader does — anchors, aliases, tags,
directives, tabs, duplicate or non-text keys, escapes, multi-line quoted scalars, plain
scalars that could be numbers or times in some other form, malformed YAML — makes it answer
None, and the caller uses the strict reader (which also produces the error messages).
``tests/test_quickyaml.py`` compares both readers on every front-matter the tests and the
generated benchmark sites contain.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

import yaml

from .libyaml import SafeLoader
from .yamlstrict import YamlDoc, load_strict

# What only the strict reader handles: anchors, aliases, tags, merge keys, directives, tabs.
_UNSURE_TEXT = re.compile(r"[\t\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
# Characters that may start an anchor, alias, tag or directive: then libyaml's scanner decides.
_TOKEN_CHARS = re.compile(r"[&*!%]")
_REFUSED_TOKENS = (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken, yaml.DirectiveToken)
_NULLS = ("", "~", "null", "Null", "NULL")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}")
_BLOCK_HEADER = re.compile(r"[|>][-+]?[ ]*(?:#.*)?")
_FLOW_UNSURE = frozenset(":#,[]{}")
_TYPED_START = frozenset("0123456789+-.")
# Every character a YAML number, timestamp or .inf/.nan can hold: 2024年 or -新 is certainly text.
_TYPED_CHARS = frozenset("0123456789abcdefABCDEFxXoObBtTzZ_.:+- infINFaN")
Lines = dict | None  # key or index → (0-based line, Lines of the value); None for a scalar


class _Unsure(Exception):
    pass


class QuickDoc(YamlDoc):
    """A YamlDoc read by libyaml; ``node`` (ruamel's round-trip tree, for writers) is parsed on first use."""

    def __init__(self, data: Any, lines: Lines, text: str, path: str, first_line: int):
        super().__init__(data, None, path, first_line)
        self._lines = lines
        self._text = text
        self._node: Any = None

    @property   # type: ignore[override]
    def node(self) -> Any:
        if self._node is None and self._text is not None:
            self._node = load_strict(self._text, self.path, self.first_line).node
        return self._node

    @node.setter
    def node(self, value: Any) -> None:
        self._node = value

    def line_of(self, *keys: str | int) -> int:
        """Same answers as YamlDoc.line_of: the value's line, or that of the nearest parent found."""
        lines, line = self._lines, self.first_line
        for key in keys:
            if not isinstance(lines, dict) or key not in lines or isinstance(key, bool):
                return line
            found, lines = lines[key]
            line = self.first_line + found
        return line


def quick_load(text: str, path: str, first_line: int = 1) -> QuickDoc | None:
    """``text`` read as the strict reader would read it, or None when that is not certain."""
    if _UNSURE_TEXT.search(text):
        return None
    try:
        if _TOKEN_CHARS.search(text) and any(isinstance(t, _REFUSED_TOKENS)
                                             for t in yaml.scan(text, Loader=SafeLoader)):
            return None     # the strict reader refuses these, with the message
        found = _split_signoffs(text)
        if found is not None:   # the block `govgate approve` writes is most of the text: read it line by line
            start, entries, entry_lines = found
            data, lines = _compose(text[:start])
            if not isinstance(data, dict) or "signoffs" in data:
                raise _Unsure
            first = text.count("\n", 0, start)
            data["signoffs"] = entries
            lines["signoffs"] = (first, {i: (first + item, {k: (first + n, None) for k, (n, _) in fields.items()})
                                         for i, (item, fields) in enumerate(entry_lines)})
        else:
            data, lines = _compose(text)
    except (yaml.YAMLError, _Unsure, ValueError, RecursionError):
        return None
    return QuickDoc(data, lines, text, path, first_line)


def _compose(text: str) -> tuple[Any, Lines]:
    root = yaml.compose(text, Loader=SafeLoader)
    return _value(root, text, in_flow=False) if root is not None else (None, None)


# -- the signoffs block as `govgate approve` writes it (approve.entry_text) -----------------------
_FIRST_ITEM = re.compile(r"signoffs:\n( *)- stage: ")
_PLAIN_TEXT = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#\"'\\]*")
_FIELDS = ("stage", "by", "decision", "opinion", "at", "digest")


@functools.lru_cache(maxsize=8)
def _entry_re(indent: int) -> re.Pattern:
    """One entry exactly as approve writes it: the six fields in order, then an optional signature block."""
    p = " " * indent
    fields = "".join(rf"{p}  {name}: ([^\n]*)\n" for name in _FIELDS[1:])
    return re.compile(rf"{p}- stage: ([^\n]*)\n{fields}(?:{p}  signature: \|\n((?:{p}    [^\n]*\n)+))?")


def _split_signoffs(text: str) -> tuple[int, list[dict], list[tuple[int, dict]]] | None:
    """Where the block starts, its entries and their lines (relative to the block), when it is exactly
    what approve writes and ends the text; else None (read it all with libyaml).

    Ending the text, the block cannot change how libyaml reads what comes before it: the text before
    it must compose on its own (no open flow collection or quoted scalar), and must not end in a blank
    line (a block scalar kept with ``|+`` would keep it)."""
    start = text.rfind("\nsignoffs:\n") + 1
    if start == 0 or text.count("\nsignoffs:") != 1 or text[:start].endswith("\n\n"):
        return None
    first = _FIRST_ITEM.match(text, start)
    if first is None:
        return None
    indent = len(first.group(1))
    pattern = _entry_re(indent)
    entries: list[dict] = []
    entry_lines: list[tuple[int, dict]] = []
    pos, line = start + len("signoffs:\n"), 1
    while pos < len(text):
        match = pattern.match(text, pos)
        if match is None:
            return None         # anything approve does not write: read it all with libyaml
        values = [_text(raw) for raw in match.group(1, 2, 3, 4)]
        at, digest = _datetime(match.group(5)), _text(match.group(6))
        if None in values or at is None or digest is None:
            return None
        entry = dict(zip(_FIELDS, [*values, at, digest], strict=True))
        lines = {name: (line + i, None) for i, name in enumerate(_FIELDS)}
        signature = match.group(7)
        if signature is not None:
            block = [b[indent + 4:] for b in signature[:-1].split("\n")]
            if any(not b or b != b.strip() for b in block):
                return None
            entry["signature"] = "\n".join(block) + "\n"
            lines["signature"] = (line + 6, None)
        entries.append(entry)
        entry_lines.append((line, lines))
        line += match.group(0).count("\n")
        pos = match.end()
    return (start, entries, entry_lines) if entries else None


def _text(raw: str) -> str | None:
    """A value approve wrote as text: plain (as YAML reads it) or a JSON-quoted string without escapes."""
    if raw.startswith('"'):
        if "\\" in raw or not raw.endswith('"') or len(raw) < 2 or '"' in raw[1:-1]:
            return None
        return raw[1:-1]
    if not _PLAIN_TEXT.fullmatch(raw) or ": " in raw or raw.endswith((":", " ")) or " #" in raw:
        return None
    if raw in _NULLS or raw in _BOOLS or raw in ("=", "<<") or (raw[0] in _TYPED_START and _TYPED_CHARS.issuperset(raw)):
        return None
    return raw


def _datetime(raw: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(raw) if _DATETIME.fullmatch(raw) else None


# -- libyaml's node tree, resolved under the strict reader's rules --------------------------------
def _value(node: yaml.Node, text: str, in_flow: bool) -> tuple[Any, Lines]:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, text, in_flow), None
    if isinstance(node, yaml.SequenceNode):
        items, lines = [], {}
        for index, item in enumerate(node.value):
            value, sub = _value(item, text, in_flow or bool(node.flow_style))
            items.append(value)
            lines[index] = (item.start_mark.line, sub)
        return items, lines
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        lines = {}
        flow = in_flow or bool(node.flow_style)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Unsure
            key = _scalar(key_node, text, flow)
            if not isinstance(key, str) or key in mapping:
                raise _Unsure   # non-text or duplicate keys: the strict reader reports them
            mapping[key], sub = _value(value_node, text, flow)
            lines[key] = (key_node.start_mark.line, sub)
        return mapping, lines
    raise _Unsure


def _scalar(node: yaml.ScalarNode, text: str, in_flow: bool) -> Any:
    value, style = node.value, node.style     # libyaml's own (YAML 1.1) tag is ignored: resolved below
    source = text[node.start_mark.index:node.end_mark.index]
    if style in ("'", '"'):
        if "\n" in source or (style == '"' and "\\" in source):
            raise _Unsure
        return value
    if style in ("|", ">"):
        if not _BLOCK_HEADER.fullmatch(source.split("\n", 1)[0]):
            raise _Unsure   # explicit indentation indicators
        return value
    if style not in (None, "") or "\n" in source:
        raise _Unsure       # multi-line plain scalars: folding rules differ in corner cases
    if (in_flow and _FLOW_UNSURE.intersection(value)) or value in ("=", "<<"):
        raise _Unsure       # YAML 1.1's value and merge keys, which the strict reader still knows
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if _INT.fullmatch(value):
        return int(value)
    if _DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    if _DATETIME.fullmatch(value):
        return dt.datetime.fromisoformat(value)
    if value[0] in _TYPED_START and _TYPED_CHARS.issuperset(value):
        raise _Unsure       # floats, octal, sexagesimal, other time forms: leave them to the strict reader
    return value
