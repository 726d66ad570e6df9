"""signoffs/policy.yml: which review stages each classification needs, and who may sign them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .dates import as_date
from .errors import GateError
from .i18n import Msg
from .textfile import read_text
from .yamlstrict import YamlDoc, load_yaml, require_mapping

# 一般/重要/特级 as written in the seeds (004 §5-6) are accepted for the policy's own names.
CLASSIFICATION_ALIASES = {"一般": "general", "重要": "important", "特级": "special"}
EVIDENCE_MODES = ("history", "inline")
ADMIN_ROLE = "admin"
_KNOWN_KEYS = {"roles", "stages", "classifications", "separation_of_duties", "ordered", "evidence",
               "admins_required", "waivable_secret_rules", "rules", "freshness", "timezone"}
DEFAULT_TIMEZONE = "Asia/Shanghai"   # sign-off and withdrawal times are stamped in the site's zone, not the machine's


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    roles: tuple[str, ...]


# Freshness (seed 003 §4): per-column update thresholds in working days; warnings, never refusals.
HOME_COLUMN = "home"               # the home page: counts the pages it links (or every page)
HOME_PAGES = ("linked", "all")
DATE_SOURCES = ("date", "approved")
_FRESHNESS_KEYS = {"columns", "as_of", "date_from"}
_FRESHNESS_COLUMN_KEYS = {"title", "min_updates", "per_working_days", "pages"}


@dataclass(frozen=True)
class FreshnessColumn:
    key: str                   # a top-level folder of docs_dir, a front-matter `column:` value, or `home`
    title: str                 # shown in reports; "" → derived from the pages
    min_updates: int
    per_working_days: int
    pages: str = "linked"      # home only: pages linked from index.md, or all pages


@dataclass(frozen=True)
class FreshnessPolicy:
    columns: tuple[FreshnessColumn, ...] = ()
    as_of: dt.date | None = None   # evaluate as of this day (an audit of a past period); None → today
    date_from: str = "date"        # a page's update day: front-matter `date:` (else its approval), or approval


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
    freshness: FreshnessPolicy = field(default_factory=FreshnessPolicy)
    timezone: str = DEFAULT_TIMEZONE

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self) -> dt.datetime:
        """This second in the site's time zone (a CI runner's clock says +00:00, a county's +08:00)."""
        return dt.datetime.now(self.zone).replace(microsecond=0)

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
            freshness=self._freshness(),
            timezone=self._timezone(),
        )

    def _timezone(self) -> str:
        value = self.data.get("timezone", DEFAULT_TIMEZONE)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise self.fail(f"timezone 必须是 IANA 时区名，如 Asia/Shanghai（不是 {value!r}）",
                            f"timezone must be an IANA zone name such as Asia/Shanghai (not {value!r})",
                            "timezone") from None
        return value

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

    def _freshness(self) -> FreshnessPolicy:
        raw = self._mapping("freshness")
        unknown = sorted(set(raw) - _FRESHNESS_KEYS)
        if unknown:
            raise self.fail(f"freshness 中有未知的设置项 {unknown[0]}（可用：{', '.join(sorted(_FRESHNESS_KEYS))}）",
                            f"freshness has unknown setting {unknown[0]} (known: {', '.join(sorted(_FRESHNESS_KEYS))})",
                            "freshness", unknown[0])
        try:
            as_of = as_date(raw.get("as_of"))
        except ValueError:
            raise self.fail("freshness.as_of 必须是日期（YYYY-MM-DD）", "freshness.as_of must be a date (YYYY-MM-DD)",
                            "freshness", "as_of") from None
        date_from = raw.get("date_from", "date")
        if date_from not in DATE_SOURCES:
            raise self.fail(f"freshness.date_from 必须是 {' 或 '.join(DATE_SOURCES)}",
                            f"freshness.date_from must be one of {', '.join(DATE_SOURCES)}", "freshness", "date_from")
        columns = raw.get("columns", {})
        if not isinstance(columns, dict):
            raise self.fail("freshness.columns 必须是“栏目: 要求”的映射", "freshness.columns must map columns to "
                            "thresholds", "freshness", "columns")
        return FreshnessPolicy(tuple(self._freshness_column(str(k), v) for k, v in columns.items()), as_of, date_from)

    def _freshness_column(self, key: str, spec: object) -> FreshnessColumn:
        at = ("freshness", "columns", key)
        if not isinstance(spec, dict):
            raise self.fail(f"栏目 {key} 的更新要求必须是映射，含 min_updates 与 per_working_days",
                            f"column {key}: the threshold must be a mapping with min_updates and per_working_days", *at)
        unknown = sorted(set(spec) - _FRESHNESS_COLUMN_KEYS)
        if unknown:
            raise self.fail(f"栏目 {key} 有未知字段 {unknown[0]}（可用：{', '.join(sorted(_FRESHNESS_COLUMN_KEYS))}）",
                            f"column {key} has unknown field {unknown[0]} "
                            f"(known: {', '.join(sorted(_FRESHNESS_COLUMN_KEYS))})", *at)
        numbers = {}
        for name in ("min_updates", "per_working_days"):
            value = spec.get(name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise self.fail(f"栏目 {key} 的 {name} 必须是正整数", f"column {key}: {name} must be a positive integer",
                                *at)
            numbers[name] = value
        title = spec.get("title", "")
        if not isinstance(title, str):
            raise self.fail(f"栏目 {key} 的 title 必须是文字", f"column {key}: title must be text", *at)
        pages = spec.get("pages", "linked")
        if "pages" in spec and key != HOME_COLUMN:
            raise self.fail(f"pages 只适用于首页（{HOME_COLUMN}）", f"pages applies to the home page ({HOME_COLUMN}) only",
                            *at)
        if pages not in HOME_PAGES:
            raise self.fail(f"栏目 {key} 的 pages 必须是 {' 或 '.join(HOME_PAGES)}",
                            f"column {key}: pages must be one of {', '.join(HOME_PAGES)}", *at)
        return FreshnessColumn(key, title.strip(), numbers["min_updates"], numbers["per_working_days"], pages)
