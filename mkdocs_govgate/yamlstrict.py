"""Strict YAML: one parser for every enforcement point.

MkDocs reads front-matter with PyYAML (YAML 1.1: ``yes`` is True, duplicate keys
silently keep the last).  The gate reads YAML 1.2 through ruamel.yaml and refuses
what could make two readers disagree or hide content: duplicate keys, anchors and
aliases (billion-laughs, values defined far from where they are used) and explicit
tags.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.tokens import AliasToken, AnchorToken, TagToken

from .errors import GateError
from .i18n import Msg
from .yamlhints import explain

_FORBIDDEN_TOKENS = {
    AnchorToken: Msg("不允许使用 YAML 锚点（&）", "YAML anchors (&) are not allowed"),
    AliasToken: Msg("不允许使用 YAML 别名（*）", "YAML aliases (*) are not allowed"),
    TagToken: Msg("不允许使用 YAML 标签（!）", "YAML tags (!) are not allowed"),
}


class YamlDoc:
    """A parsed YAML document: plain Python data plus where each mapping key stands."""

    def __init__(self, data: Any, node: Any, path: str, first_line: int):
        self.data = data
        self.node = node
        self.path = path
        self.first_line = first_line

    def line_of(self, *keys: str | int) -> int:
        """1-based file line of the value at ``keys`` (or of the nearest parent found)."""
        node, line = self.node, self.first_line
        for key in keys:
            try:
                if isinstance(node, CommentedMap) and key in node:
                    line = self.first_line + node.lc.key(key)[0]
                elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                    line = self.first_line + node.lc.item(key)[0]
                else:
                    return line
                node = node[key]
            except (AttributeError, KeyError, TypeError):
                return line
        return line


def _yaml_error(path: str, first_line: int, message: Msg, line0: int | None, column0: int | None) -> GateError:
    line = first_line + line0 if line0 is not None else first_line
    column = column0 + 1 if column0 is not None else 0
    return GateError(message, path, line, column)


def load_yaml(text: str, path: str, first_line: int = 1) -> YamlDoc:
    """Parse ``text`` strictly; ``first_line`` is the file line where ``text`` starts.

    libyaml reads it when that gives exactly what the strict reader would (quickyaml.py, ~20× faster:
    front-matter of thousands of pages, rule packs in every hook run); otherwise ruamel.yaml does.
    """
    from .quickyaml import quick_load  # noqa: PLC0415 - quickyaml builds on this module

    refuse_deep_nesting(text, path, first_line)
    return quick_load(text, path, first_line) or load_strict(text, path, first_line)


MAX_DEPTH = 64
_HINT = 24      # below this many flow brackets, block indicators and columns of indentation, no text nests deeply


def refuse_deep_nesting(text: str, path: str, first_line: int = 1) -> None:
    """More than MAX_DEPTH nested collections is an error, found in linear time.

    The readers recurse per level (RecursionError) and ruamel's scanner is quadratic in open flow
    collections (100,000 ``[`` took two minutes).  Each level of nesting needs a flow bracket, a block
    indicator (``- `` or ``? ``) or a deeper indentation, so text with few of each (a few µs to count)
    nests at most ~3 × _HINT levels, which every reader handles; only other text is measured exactly,
    with libyaml's event stream (no recursion, stops at the first level too deep).
    """
    if text.count("[") + text.count("{") <= _HINT and \
            text.count("- ") + text.count("? ") + text.count("-\t") + text.count("?\t") <= _HINT and \
            not text.startswith(" " * _HINT) and "\n" + " " * _HINT not in text:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _yaml_error(path, first_line, _TOO_DEEP, event.start_mark.line, event.start_mark.column)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if "nesting" in str(exc.problem):     # libyaml's own limit (1,000 levels)
            mark = exc.problem_mark
            raise _yaml_error(path, first_line, _TOO_DEEP, getattr(mark, "line", None),
                              getattr(mark, "column", None)) from None
    except yaml.YAMLError:
        return      # malformed: the strict reader reports it


_TOO_DEEP = Msg(f"YAML 嵌套层数过多（超过 {MAX_DEPTH} 层）", f"YAML nests too deeply (more than {MAX_DEPTH} levels)")


def load_strict(text: str, path: str, first_line: int = 1) -> YamlDoc:
    """ruamel.yaml's round-trip reader, which also gives writers the node tree and people the error messages."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        for token in yaml.scan(text):
            for kind, message in _FORBIDDEN_TOKENS.items():
                if isinstance(token, kind):
                    mark = token.start_mark
                    raise _yaml_error(path, first_line, message, mark.line, mark.column)
        node = yaml.load(text)
    except GateError:
        raise
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = (exc.problem or exc.context or "").strip()
        hint = None
        if "duplicate key" in str(exc).lower():
            message = Msg("YAML 中有重复的键：{d}", "duplicate key in YAML: {d}").format(d=detail)
        else:
            message, hint = explain(detail)
        error = _yaml_error(path, first_line, message, getattr(mark, "line", None), getattr(mark, "column", None))
        error.hint = hint
        raise error from None
    except YAMLError as exc:
        message, hint = explain(str(exc))
        raise GateError(message, path, first_line, hint=hint) from None
    except (ValueError, OverflowError, RecursionError) as exc:
        # a value no reader can hold: 2025-02-30, hour 25, year 0, an integer of 5,000 digits, "\U00110000"
        line, column = _where_unreadable(text)
        raise _yaml_error(path, first_line, Msg("YAML 中有无法读取的值：{d}", "a YAML value cannot be read: {d}")
                          .format(d=exc), line, column) from None
    data = to_plain(node)
    bad = _unusable_value(data, YamlDoc(data, node, path, first_line), ())
    if bad is not None:
        raise GateError(bad[1], path, bad[0])
    return YamlDoc(data, node, path, first_line)


def _where_unreadable(text: str) -> tuple[int | None, int | None]:
    """The 0-based line and column of the value that failed: libyaml's own error, or the first scalar
    that a YAML 1.2 reading cannot turn into a value."""
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.ScalarEvent) and event.implicit[0] and not _readable(event.value):
                return event.start_mark.line, event.start_mark.column
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return getattr(mark, "line", None), getattr(mark, "column", None)
    except yaml.YAMLError:
        pass
    return None, None


_TIME = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
                   r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?")


def _readable(value: str) -> bool:
    """False for what looks like a time but is none, or an integer too long to convert (only to find the line)."""
    if _TIME.fullmatch(value):
        try:
            dt.datetime.fromisoformat(value.replace("t", "T").replace(" ", "T", 1).replace(" ", ""))
        except ValueError:
            return False
    digits = value.lstrip("+-")
    return not (digits.isdigit() and len(digits) > 4000)


_PLAIN_TYPES = (str, bool, int, float, dt.date, type(None))
_SURROGATE = Msg("YAML 中有无效的字符转义（单个代理码位，如 \\ud800）",
                 "YAML holds an invalid character escape (a lone surrogate such as \\ud800)")
_NOT_A_VALUE = Msg("YAML 中的“<<”只能作合并键；作为值请加引号：'<<'",
                   "'<<' in YAML is a merge key; as a value, quote it: '<<'")


def _unusable_value(value: Any, doc: YamlDoc, where: tuple) -> tuple[int, Msg] | None:
    """The line of the first value the gate cannot use, and why: text holding a lone surrogate (only a
    double-quoted escape makes one; it cannot be written as UTF-8, so digests and reports would fail),
    or a bare ``<<`` where a value belongs (ruamel keeps it as a merge tag, not as data)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return doc.line_of(*where), _SURROGATE
    elif isinstance(value, dict):
        for key, item in value.items():
            found = _unusable_value(key, doc, where) or _unusable_value(item, doc, (*where, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _unusable_value(item, doc, (*where, index))
            if found is not None:
                return found
    elif not isinstance(value, _PLAIN_TYPES):
        return doc.line_of(*where), _NOT_A_VALUE
    return None


def to_plain(value: Any) -> Any:
    """ruamel's round-trip types → plain dict/list/str/int/float/bool/date/datetime."""
    if isinstance(value, Mapping):
        return {str(k) if not isinstance(k, (int, bool)) else k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                           value.microsecond, tzinfo=value.tzinfo)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def require_mapping(doc: YamlDoc, what: Msg) -> dict:
    """The document's top level as a dict; ``None`` (empty document) counts as empty."""
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__
        raise GateError(Msg(f"{what.zh}必须是键值映射（mapping），而不是 {kind}",
                            f"{what.en} must be a mapping, not {kind}"), doc.path, doc.first_line)
    return doc.data
