"""Strict YAML: one parser for every enforcement point.

MkDocs reads front-matter with PyYAML (YAML 1.1: ``yes`` is True, duplicate keys
silently keep the last).  The gate reads YAML 1.2 through ruamel.yaml and refuses
what could make two readers disagree or hide content: duplicate keys, anchors and
aliases (billion-laughs, values defined far from where they are used) and explicit
tags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

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

    return quick_load(text, path, first_line) or load_strict(text, path, first_line)


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
    return YamlDoc(to_plain(node), node, path, first_line)


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
