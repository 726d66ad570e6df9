"""signoffs/policy.yml: which review stages each classification needs, and who may sign them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import GateError
from .i18n import Msg
from .textfile import read_text
from .yamlstrict import YamlDoc, load_yaml, require_mapping

# 一般/重要/特级 as written in the seeds (004 §5-6) are accepted for the policy's own names.
CLASSIFICATION_ALIASES = {"一般": "general", "重要": "important", "特级": "special"}
EVIDENCE_MODES = ("history", "inline")
ADMIN_ROLE = "admin"
_KNOWN_KEYS = {"roles", "stages", "classifications", "separation_of_duties", "ordered", "evidence",
               "admins_required", "waivable_secret_rules", "rules", "freshness"}


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    roles: tuple[str, ...]


@dataclass
class Policy:
    path: str
    stages: dict[str, Stage]
    classifications: dict[str, tuple[str, ...]]
    role_titles: dict[str, str]
    separation_of_duties: bool = True
    ordered: bool = True
    evidence: str = "history"
    admins_required: int = 1
    waivable_secret_rules: tuple[str, ...] = ()
    rule_options: dict[str, Any] = field(default_factory=dict)
    freshness: dict[str, Any] = field(default_factory=dict)

    @property
    def roles(self) -> set[str]:
        return set(self.role_titles)

    def resolve_classification(self, value: object) -> str | None:
        if not isinstance(value, str):
            return None
        name = CLASSIFICATION_ALIASES.get(value.strip(), value.strip())
        return name if name in self.classifications else None

    def required_stages(self, classification: str) -> list[Stage]:
        return [self.stages[s] for s in self.classifications[classification]]

    def role_title(self, role: str) -> str:
        return self.role_titles.get(role) or role

    @classmethod
    def load(cls, path: Path, display: str | None = None) -> Policy:
        display = display or str(path)
        return cls.from_text(read_text(path, display), display)

    @classmethod
    def from_text(cls, text: str, display: str) -> Policy:
        doc = load_yaml(text, display)
        return _PolicyReader(doc, display).read()


class _PolicyReader:
    def __init__(self, doc: YamlDoc, path: str):
        self.doc = doc
        self.path = path
        self.data = require_mapping(doc, Msg("审核策略文件", "the policy file"))

    def fail(self, zh: str, en: str, *keys: str | int) -> GateError:
        return GateError(Msg(zh, en), self.path, self.doc.line_of(*keys) if keys else 1)

    def read(self) -> Policy:
        unknown = sorted(set(self.data) - _KNOWN_KEYS)
        if unknown:
            raise self.fail(f"未知的设置项：{unknown[0]}（可用：{', '.join(sorted(_KNOWN_KEYS))}）",
                            f"unknown setting: {unknown[0]} (known: {', '.join(sorted(_KNOWN_KEYS))})", unknown[0])
        stages = self._stages()
        classifications = self._classifications(stages)
        role_titles = self._roles(stages)
        return Policy(
            self.path, stages, classifications, role_titles,
            separation_of_duties=self._bool("separation_of_duties", True),
            ordered=self._bool("ordered", True),
            evidence=self._choice("evidence", EVIDENCE_MODES, "history"),
            admins_required=self._positive_int("admins_required", 1),
            waivable_secret_rules=tuple(self._str_list("waivable_secret_rules")),
            rule_options=self._mapping("rules"),
            freshness=self._mapping("freshness"),
        )

    def _stages(self) -> dict[str, Stage]:
        raw = self.data.get("stages")
        if not isinstance(raw, dict) or not raw:
            raise self.fail("必须定义 stages（审核环节）", "'stages' (review stages) must be defined", "stages")
        stages = {}
        for stage_id, spec in raw.items():
            if not isinstance(spec, dict):
                raise self.fail(f"环节 {stage_id} 必须是映射，含 title 和 roles",
                                f"stage {stage_id} must be a mapping with title and roles", "stages", stage_id)
            extra = sorted(set(spec) - {"title", "roles"})
            if extra:
                raise self.fail(f"环节 {stage_id} 有未知字段 {extra[0]}", f"stage {stage_id} has unknown field {extra[0]}",
                                "stages", stage_id)
            title, roles = spec.get("title"), spec.get("roles")
            if not isinstance(title, str) or not title.strip():
                raise self.fail(f"环节 {stage_id} 缺少 title", f"stage {stage_id} lacks a title", "stages", stage_id)
            if not isinstance(roles, list) or not roles or not all(isinstance(r, str) and r for r in roles):
                raise self.fail(f"环节 {stage_id} 的 roles 必须是非空的角色列表",
                                f"stage {stage_id}: roles must be a non-empty list of role names", "stages", stage_id)
            stages[str(stage_id)] = Stage(str(stage_id), title, tuple(roles))
        return stages

    def _classifications(self, stages: dict[str, Stage]) -> dict[str, tuple[str, ...]]:
        raw = self.data.get("classifications")
        if not isinstance(raw, dict) or not raw:
            raise self.fail("必须定义 classifications（信息分级）", "'classifications' must be defined", "classifications")
        result: dict[str, tuple[str, ...]] = {}
        for name, stage_ids in raw.items():
            name = CLASSIFICATION_ALIASES.get(str(name), str(name))
            if not isinstance(stage_ids, list) or not stage_ids:
                raise self.fail(f"分级 {name} 必须列出至少一个审核环节", f"classification {name} must list at least one stage",
                                "classifications", name)
            for stage_id in stage_ids:
                if stage_id not in stages:
                    raise self.fail(f"分级 {name} 引用了未定义的环节 {stage_id}",
                                    f"classification {name} names undefined stage {stage_id}", "classifications", name)
            if len(set(stage_ids)) != len(stage_ids):
                raise self.fail(f"分级 {name} 重复列出了同一环节", f"classification {name} lists a stage twice",
                                "classifications", name)
            result[name] = tuple(stage_ids)
        used = {s for ids in result.values() for s in ids}
        for stage_id in stages:
            if stage_id not in used:
                raise self.fail(f"环节 {stage_id} 没有被任何分级使用（拼写错误？）",
                                f"stage {stage_id} is used by no classification (a typo?)", "stages", stage_id)
        return result

    def _roles(self, stages: dict[str, Stage]) -> dict[str, str]:
        raw = self.data.get("roles")
        stage_roles = {r for s in stages.values() for r in s.roles}
        if raw is None:
            return {r: r for r in sorted(stage_roles | {ADMIN_ROLE})}
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise self.fail("roles 必须是“角色: 名称”的映射", "roles must map role ids to titles", "roles")
        titles = {str(k): v for k, v in raw.items()}
        titles.setdefault(ADMIN_ROLE, "网站管理员（信任库）")
        for stage in stages.values():
            for role in stage.roles:
                if role not in titles:
                    raise self.fail(f"环节 {stage.id} 使用了未定义的角色 {role}",
                                    f"stage {stage.id} uses undefined role {role}", "stages", stage.id)
        return titles

    def _bool(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key} 必须是 true 或 false", f"{key} must be true or false", key)
        return value

    def _choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.data.get(key, default)
        if value not in choices:
            raise self.fail(f"{key} 必须是 {' 或 '.join(choices)}", f"{key} must be one of {', '.join(choices)}", key)
        return value

    def _positive_int(self, key: str, default: int) -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.fail(f"{key} 必须是正整数", f"{key} must be a positive integer", key)
        return value

    def _str_list(self, key: str) -> list[str]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{key} 必须是文字列表", f"{key} must be a list of text", key)
        return value

    def _mapping(self, key: str) -> dict[str, Any]:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(f"{key} 必须是映射", f"{key} must be a mapping", key)
        return value
