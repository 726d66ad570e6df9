"""Reading ``mkdocs.yml`` (and its ``INHERIT`` chain) without executing anything.

MkDocs parses its configuration with PyYAML's unsafe loader (``!!python/object/apply`` runs
code) and imports ``hooks:`` modules while loading it.  Every govgate command and hook reads
the configuration here instead: PyYAML's safe loader (the same YAML 1.1 scalars MkDocs sees, so
``on: yes`` means the same to both), every tag refused, ``INHERIT`` resolved the way MkDocs does
(mergedeep's default: mappings merged, everything else replaced by the child).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from ..errors import GateError
from ..i18n import Msg

MAX_CONFIG_BYTES = 1 << 20          # a site configuration is a few KiB; refuse anything absurd
MAX_INHERIT_DEPTH = 8
TAG_HINT = Msg("删去该标签：govgate 只接受不含标签的 YAML（!!python、!ENV、!relative 会在读取配置时执行代码或引入外部取值）",
               "remove the tag: govgate accepts only plain YAML (!!python, !ENV and !relative run code or pull "
               "values from outside while the configuration is read)")

Loader = Callable[[str], bytes | None]      # repository-relative posix path → bytes, None when absent


class _StrictSafeLoader(yaml.SafeLoader):
    """The safe loader with no tags at all: a tag in a site configuration is either code or outside input."""


def _refuse_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    raise yaml.constructor.ConstructorError(None, None, f"tag {node.tag!r} is not allowed", node.start_mark)


# Exact constructors (the standard scalars and collections) win over these prefixes; every other tag,
# python/* above all, ends here.
_StrictSafeLoader.add_multi_constructor("!", _refuse_tag)
_StrictSafeLoader.add_multi_constructor("tag:", _refuse_tag)


def strict_loader() -> type[yaml.SafeLoader]:
    """The loader class itself, for a process that must make MkDocs read its configuration this way too."""
    return _StrictSafeLoader


@dataclass(frozen=True)
class RawConfig:
    """The merged configuration and the files it was read from (the file first, then what it inherits)."""

    data: dict
    files: tuple[str, ...]


def parse_config_text(data: bytes, display: str) -> dict:
    if len(data) > MAX_CONFIG_BYTES:
        raise GateError(Msg("配置文件过大", "the configuration file is too large"), display)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GateError(Msg("配置文件不是 UTF-8 编码", "the configuration file is not UTF-8"), display,
                        hint=Msg("以 UTF-8 保存", "save it as UTF-8")) from exc
    try:
        loaded = yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 - the strict safe loader above
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        is_tag = "tag" in str(exc.problem or "")
        hint = TAG_HINT if is_tag else (Msg("请用空格代替 Tab 缩进", "indent with spaces, not tabs")
                                        if "\t" in text else Msg("按 YAML 语法改正", "fix the YAML syntax"))
        raise GateError(Msg(f"配置无法读取：{exc.problem}", f"the configuration cannot be read: {exc.problem}"),
                        display, line, column, hint=hint) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise GateError(Msg(f"配置无法读取：{type(exc).__name__}", f"the configuration cannot be read: "
                            f"{type(exc).__name__}"), display) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise GateError(Msg("配置文件的顶层必须是键值映射", "the configuration's top level must be a mapping"), display)
    return loaded


def _merge(parent: dict, child: dict) -> dict:
    """mergedeep.merge(parent, child) with its default REPLACE strategy, as MkDocs merges INHERIT."""
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_config(path: str, load: Loader, depth: int = 0) -> RawConfig:
    """``path``: the configuration file, relative to the root ``load`` reads from."""
    data = load(path)
    if data is None:
        raise GateError(Msg("找不到配置文件", "the configuration file does not exist"), path)
    loaded = parse_config_text(data, path)
    parent_ref = loaded.pop("INHERIT", None)
    if parent_ref is None:
        return RawConfig(loaded, (path,))
    if not isinstance(parent_ref, str) or depth >= MAX_INHERIT_DEPTH:
        raise GateError(Msg("INHERIT 必须是一个文件路径，且继承不超过 8 层", "INHERIT must be one file path, at most 8 "
                            "levels deep"), path)
    parent_path = posixpath.normpath(posixpath.join(posixpath.dirname(path), parent_ref))
    if parent_path.startswith("../") or parent_path == ".." or posixpath.isabs(parent_path):
        raise GateError(Msg(f"INHERIT 指向站点之外：{parent_ref}", f"INHERIT points outside the site: {parent_ref}"),
                        path, hint=Msg("继承的配置文件必须在仓库内（它也属于受保护的站点配置）",
                                       "inherited configuration must live in the repository (it is sealed configuration "
                                       "too)"))
    parent = read_config(parent_path, load, depth + 1)
    if path in parent.files:
        raise GateError(Msg("INHERIT 形成循环", "INHERIT forms a cycle"), path)
    return RawConfig(_merge(parent.data, loaded), (path, *parent.files))
