"""Loading rule packs (package data) and a site's overrides into one validated rule set.

Every problem in rule data stops the gate (fail closed) with a GateError naming file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import GateError
from ..findings import CATEGORIES, Severity
from ..i18n import Msg
from ..yamlstrict import YamlDoc, load_yaml
from .model import DETECTORS, KINDS, Exceptions, Rule

RULE_KEYS = {
    "id", "category", "severity", "kind", "message", "suggestion", "words", "swap", "patterns", "view",
    "keywords", "detector", "data", "exceptions", "allow", "scope",
}
OVERRIDE_KEYS = {"severity", "disable", "allow", "words", "swap", "exceptions", "data"}
OPTION_KEYS = {"uscc_severity", "waivable_secret_rules", "allowed_domains", "today", "severity", "disable"}
SEVERITIES = tuple(s.value for s in Severity)


def _err(zh: str, en: str, path: str, line: int = 0) -> GateError:
    return GateError(Msg(zh, en), path, line)


@dataclass
class RuleSet:
    rules: dict[str, Rule] = field(default_factory=dict)
    waivable_secret_rules: frozenset[str] = frozenset()
    today: dt.date | None = None
    sources: list[str] = field(default_factory=list)    # files read, for messages and fingerprint

    def get(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)


# -- parsing one rule --------------------------------------------------------------------

def _msg(value: Any, what: str, path: str, line: int) -> Msg:
    if isinstance(value, Mapping) and isinstance(value.get("zh"), str) and isinstance(value.get("en"), str):
        return Msg(value["zh"], value["en"])
    raise _err(f"{what} 必须是含 zh 和 en 两项文字的映射", f"{what} must be a mapping with zh and en text", path, line)


def _str_list(value: Any, what: str, path: str, line: int) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        raise _err(f"{what} 必须是文字列表", f"{what} must be a list of text", path, line)
    return [str(v) for v in value]


def _exceptions(value: Any, path: str, line: int) -> Exceptions:
    if value is None:
        return Exceptions()
    if not isinstance(value, Mapping) or set(value) - {"before", "after", "phrases", "window"}:
        raise _err("exceptions 只能包含 before、after、phrases、window",
                   "exceptions may only contain before, after, phrases, window", path, line)
    window = value.get("window", 12)
    if not isinstance(window, int) or isinstance(window, bool) or not 0 < window <= 200:
        raise _err("exceptions.window 必须是 1 到 200 的整数", "exceptions.window must be an integer 1..200", path, line)
    return Exceptions(tuple(_str_list(value.get("before"), "exceptions.before", path, line)),
                      tuple(_str_list(value.get("after"), "exceptions.after", path, line)),
                      tuple(_str_list(value.get("phrases"), "exceptions.phrases", path, line)), window)


def _severity(value: Any, path: str, line: int) -> Severity:
    if value not in SEVERITIES:
        raise _err(f"severity 必须是 block、warn 或 info，而不是 {value!r}",
                   f"severity must be block, warn or info, not {value!r}", path, line)
    return Severity(value)


def _swap(value: Any, path: str, line: int) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise _err("swap 必须是“错误写法: 正确写法”的映射", "swap must map wrong text to right text", path, line)
    return dict(value)


def parse_rule(entry: Any, doc: YamlDoc, index: int) -> Rule:
    path = doc.path
    line = doc.line_of("rules", index)

    def at(key: str) -> int:
        return doc.line_of("rules", index, key)

    if not isinstance(entry, Mapping):
        raise _err("规则必须是键值映射", "a rule must be a mapping", path, line)
    unknown = sorted(set(entry) - RULE_KEYS)
    if unknown:
        raise _err(f"规则含未知字段：{', '.join(unknown)}", f"rule has unknown field(s): {', '.join(unknown)}",
                   path, at(unknown[0]))
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+", rule_id):
        raise _err("规则 id 缺失或格式错误（如 sensitive.gambling）",
                   "rule id missing or malformed (e.g. sensitive.gambling)", path, at("id"))
    category = entry.get("category")
    if category not in CATEGORIES or category in ("approval", "input"):
        raise _err(f"{rule_id}：category 无效：{category!r}", f"{rule_id}: invalid category {category!r}",
                   path, at("category"))
    kind = entry.get("kind")
    if kind not in KINDS:
        raise _err(f"{rule_id}：kind 必须是 {', '.join(KINDS)} 之一", f"{rule_id}: kind must be one of {', '.join(KINDS)}",
                   path, at("kind"))
    rule = Rule(
        id=rule_id, category=category, severity=_severity(entry.get("severity"), path, at("severity")), kind=kind,
        message=_msg(entry.get("message"), f"{rule_id}.message", path, at("message")),
        suggestion=(_msg(entry["suggestion"], f"{rule_id}.suggestion", path, at("suggestion"))
                    if entry.get("suggestion") is not None else None),
        words=_str_list(entry.get("words"), "words", path, at("words")),
        swap=_swap(entry.get("swap"), path, at("swap")),
        keywords=tuple(_str_list(entry.get("keywords"), "keywords", path, at("keywords"))),
        exceptions=_exceptions(entry.get("exceptions"), path, at("exceptions")),
        allow=set(_str_list(entry.get("allow"), "allow", path, at("allow"))),
        source=f"{path}:{line}",
    )
    view = entry.get("view", "compact")
    if view not in ("compact", "norm"):
        raise _err("view 必须是 compact 或 norm", "view must be compact or norm", path, at("view"))
    rule.view = view
    if any(not k for k in rule.keywords):
        raise _err(f"{rule_id}：keywords 不能含空字符串", f"{rule_id}: keywords may not be empty", path, at("keywords"))
    scope = entry.get("scope", "text")
    if scope not in ("text", "line"):
        raise _err("scope 必须是 text 或 line", "scope must be text or line", path, at("scope"))
    if scope == "line" and (not rule.keywords or any("\n" in k for k in rule.keywords)):
        raise _err(f"{rule_id}：scope: line 需要 keywords（且关键词不含换行）",
                   f"{rule_id}: scope: line needs keywords (without line breaks)", path, at("scope"))
    rule.scope = scope
    for pattern in _str_list(entry.get("patterns"), "patterns", path, at("patterns")):
        try:
            rule.patterns.append(re.compile(pattern))
        except re.error as exc:
            raise _err(f"{rule_id}：正则表达式错误：{exc}", f"{rule_id}: bad regular expression: {exc}",
                       path, at("patterns")) from None
    data = entry.get("data", {})
    if not isinstance(data, Mapping):
        raise _err("data 必须是键值映射", "data must be a mapping", path, at("data"))
    rule.data = dict(data)
    if kind == "detector":
        if entry.get("detector") not in DETECTORS:
            raise _err(f"{rule_id}：未知的检测器 {entry.get('detector')!r}",
                       f"{rule_id}: unknown detector {entry.get('detector')!r}", path, at("detector"))
        rule.detector = entry["detector"]
    elif kind == "pattern" and not rule.patterns:
        raise _err(f"{rule_id}：pattern 规则需要 patterns", f"{rule_id}: a pattern rule needs patterns", path, line)
    elif kind == "substitution" and rule.words:
        raise _err(f"{rule_id}：substitution 规则用 swap 而不是 words",
                   f"{rule_id}: a substitution rule takes swap, not words", path, at("words"))
    return rule


def load_pack_text(text: str, path: str) -> list[Rule]:
    doc = load_yaml(text, path)
    data = doc.data
    if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
        raise _err("规则包必须是含 rules 列表的映射", "a rule pack must be a mapping with a 'rules' list", path, 1)
    unknown = sorted(set(data) - {"pack", "rules"})
    if unknown:
        raise _err(f"规则包含未知字段：{', '.join(unknown)}", f"rule pack has unknown field(s): {', '.join(unknown)}",
                   path, doc.line_of(unknown[0]))
    return [parse_rule(entry, doc, i) for i, entry in enumerate(data["rules"])]


def builtin_pack_texts() -> list[tuple[str, str]]:
    folder = resources.files("mkdocs_govgate") / "rulepacks"
    return sorted((f"rulepacks/{item.name}", item.read_text("utf-8")) for item in folder.iterdir()
                  if item.name.endswith(".yml"))


def _add_rules(ruleset: RuleSet, rules: list[Rule]) -> None:
    for rule in rules:
        if rule.id in ruleset.rules:
            first = ruleset.rules[rule.id].source
            path, _, line = rule.source.rpartition(":")
            raise GateError(Msg(f"规则 id 重复：{rule.id}（首次定义于 {first}）；修改内置规则请用 overrides.yml",
                                f"duplicate rule id {rule.id} (first defined at {first}); "
                                f"change builtin rules in overrides.yml"), path, int(line))
        ruleset.rules[rule.id] = rule


# -- site files ------------------------------------------------------------------------------

def _rel(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir.parent).as_posix()
    except ValueError:
        return path.as_posix()


def read_lines(path: Path, shown: str) -> list[tuple[int, str]]:
    """Entries of a one-per-line list: blank lines and # comments skipped."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _err(f"无法读取文件（须为 UTF-8）：{exc}", f"cannot read file (UTF-8 required): {exc}", shown) from None
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        item = raw.strip()
        if item and not item.startswith("#"):
            out.append((number, item))
    return out


def _read_yaml(path: Path, shown: str) -> YamlDoc:
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _err(f"无法读取文件（须为 UTF-8）：{exc}", f"cannot read file (UTF-8 required): {exc}", shown) from None
    return load_yaml(text, shown)


def _word_file(path: Path, shown: str) -> tuple[list[str], dict[str, str]]:
    """words/<rule>.txt (one word a line, or 'wrong => right') or .yml (list, or mapping wrong: right)."""
    words: list[str] = []
    swap: dict[str, str] = {}
    if path.suffix == ".txt":
        for number, item in read_lines(path, shown):
            if "=>" in item:
                wrong, right = (p.strip() for p in item.split("=>", 1))
                if not wrong or not right:
                    raise _err("替换条目须写成“错误 => 正确”", "substitution entries are written 'wrong => right'",
                               shown, number)
                swap[wrong] = right
            else:
                words.append(item)
        return words, swap
    doc = _read_yaml(path, shown)
    data = doc.data
    if isinstance(data, Mapping) and "words" in data:
        data = data["words"]
    if isinstance(data, list):
        return _str_list(data, "words", shown, doc.line_of("words") if isinstance(doc.data, Mapping) else 1), swap
    if isinstance(data, Mapping):
        return words, _swap(data, shown, 1)
    raise _err("词表须为列表或“错误: 正确”映射", "a word list must be a list or a mapping wrong: right", shown, 1)


def _domains(items: list[tuple[int, str]], shown: str) -> list[str]:
    out = []
    for number, item in items:
        domain = item.lower().removeprefix("https://").removeprefix("http://").strip("/").removeprefix("*.")
        if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain):
            raise _err(f"域名格式错误：{item}", f"malformed domain: {item}", shown, number)
        out.append(domain)
    return out


def _list_file(site_dir: Path, stem: str) -> tuple[Path, list[tuple[int, str]]] | None:
    """<stem>.txt (one per line) or <stem>.yml (a YAML list) in the site dir."""
    for suffix in (".txt", ".yml", ".yaml"):
        path = site_dir / f"{stem}{suffix}"
        if path.is_file():
            shown = _rel(path, site_dir)
            if suffix == ".txt":
                return path, read_lines(path, shown)
            doc = _read_yaml(path, shown)
            data = doc.data.get(stem) if isinstance(doc.data, Mapping) else doc.data
            values = _str_list(data, stem, shown, 1)
            return path, [(doc.line_of(stem, i) if isinstance(doc.data, Mapping) else i + 1, v)
                          for i, v in enumerate(values)]
    return None


def _entries(doc: YamlDoc, key: str, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    data = doc.data
    items = data.get(key) if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise _err(f"须为含 {key} 列表的文件", f"the file must hold a '{key}' list", doc.path, 1)
    out = []
    for i, item in enumerate(items):
        line = doc.line_of(key, i) if isinstance(data, Mapping) else i + 1
        if not isinstance(item, Mapping) or any(not item.get(k) for k in required):
            raise _err(f"第 {i + 1} 项须含 {', '.join(required)}", f"entry {i + 1} needs {', '.join(required)}",
                       doc.path, line)
        out.append((line, dict(item)))
    return out


def apply_site(ruleset: RuleSet, site_dir: Path) -> None:
    """Merge a site's rule folder into ``ruleset`` (see README.md in this package for formats)."""
    rules = ruleset.rules

    def need(rule_id: str, shown: str, line: int = 0) -> Rule:
        if rule_id not in rules:
            raise _err(f"未知的规则 id：{rule_id}", f"unknown rule id: {rule_id}", shown, line)
        return rules[rule_id]

    # extra packs first, so overrides and word files may address their rules too
    for path in sorted((site_dir / "packs").glob("*.yml")):
        shown = _rel(path, site_dir)
        ruleset.sources.append(shown)
        _add_rules(ruleset, load_pack_text(path.read_text("utf-8-sig"), shown))

    sensitive_files = [site_dir / "sensitive.txt"] + sorted((site_dir / "sensitive").glob("*.txt"))
    for path in sensitive_files:
        if path.is_file():
            shown = _rel(path, site_dir)
            ruleset.sources.append(shown)
            need("sensitive.site", shown).words.extend(w for _, w in read_lines(path, shown))

    words_dir = site_dir / "words"
    for path in sorted(list(words_dir.glob("*.txt")) + list(words_dir.glob("*.yml"))):
        shown = _rel(path, site_dir)
        ruleset.sources.append(shown)
        rule = need(path.stem, shown, 1)
        words, swap = _word_file(path, shown)
        if rule.kind == "existence" and not swap:
            rule.words.extend(words)
        elif rule.kind == "substitution" and not words:
            rule.swap.update(swap)
        else:
            raise _err(f"{rule.id} 是 {rule.kind} 规则：existence 用词表，substitution 用“错误 => 正确”",
                       f"{rule.id} is a {rule.kind} rule: existence takes words, substitution 'wrong => right'",
                       shown, 1)

    found = _list_file(site_dir, "allowed_domains")
    if found:
        shown = _rel(found[0], site_dir)
        ruleset.sources.append(shown)
        rule = need("link.domain", shown)
        rule.data["allowed_domains"] = list(rule.data.get("allowed_domains", [])) + _domains(found[1], shown)

    found = _list_file(site_dir, "phones")
    if found:
        shown = _rel(found[0], site_dir)
        ruleset.sources.append(shown)
        for number, item in found[1]:
            digits = re.sub(r"[\s()+\-]", "", item)
            if not digits.isdigit():
                raise _err(f"电话号码格式错误：{item}", f"malformed phone number: {item}", shown, number)
            need("pii.mobile", shown).allow.add(digits[-11:] if len(digits) > 11 else digits)

    path = site_dir / "reprint_sources.yml"
    if path.is_file():
        shown = _rel(path, site_dir)
        ruleset.sources.append(shown)
        doc = _read_yaml(path, shown)
        extra = []
        for line, item in _entries(doc, "sources", ("name", "domains")):
            domains = _domains([(line, d) for d in _str_list(item.get("domains"), "domains", shown, line)], shown)
            aliases = _str_list(item.get("aliases"), "aliases", shown, line)
            extra.append({"name": str(item["name"]), "aliases": aliases, "domains": domains})
        for rule_id, key in (("reprint.source", "sources"), ("link.text_mismatch", "sites")):
            if rule_id in rules:
                rules[rule_id].data[key] = list(rules[rule_id].data.get(key, [])) + extra

    path = site_dir / "leaders.yml"
    if path.is_file():
        shown = _rel(path, site_dir)
        ruleset.sources.append(shown)
        doc = _read_yaml(path, shown)
        leaders = []
        for line, item in _entries(doc, "leaders", ("name", "title")):
            title = item["title"]
            titles = [title] if isinstance(title, str) else _str_list(title, "title", shown, line)
            # 县委副书记、县长 → two titles held by one person
            split = [t.strip() for t in re.split(r"[、，,;；]", "、".join(titles)) if t.strip()]
            entry = {"name": str(item["name"]).strip(), "titles": split}
            until = item.get("until")
            if until is not None:
                if isinstance(until, dt.datetime):
                    until = until.date()
                if not isinstance(until, dt.date):
                    raise _err("until 必须是日期（如 2024-03-01）", "until must be a date (e.g. 2024-03-01)", shown, line)
                entry["until"] = until      # the title was held until then (离任/调任)
            leaders.append(entry)
        need("expression.leader_title", shown).data["leaders"] = leaders
        if "expression.protected_name" in rules:     # a leader's name one character off
            rules["expression.protected_name"].data["leaders"] = leaders

    found = _list_file(site_dir, "protected_names")
    if found:
        shown = _rel(found[0], site_dir)
        ruleset.sources.append(shown)
        rule = need("expression.protected_name", shown)
        rule.data["names"] = list(rule.data.get("names", [])) + [name for _, name in found[1]]

    path = site_dir / "overrides.yml"
    if path.is_file():
        shown = _rel(path, site_dir)
        ruleset.sources.append(shown)
        doc = _read_yaml(path, shown)
        data = doc.data or {}
        if not isinstance(data, Mapping) or set(data) - {"rules"} or not isinstance(data.get("rules", {}), Mapping):
            raise _err("overrides.yml 须为 rules: {规则id: {...}} 的形式", "overrides.yml must be rules: {rule-id: {...}}",
                       shown, 1)
        for rule_id, change in (data.get("rules") or {}).items():
            line = doc.line_of("rules", rule_id)
            _override(need(rule_id, shown, line), change, ruleset, shown, line)


def _override(rule: Rule, change: Any, ruleset: RuleSet, shown: str, line: int) -> None:
    if not isinstance(change, Mapping) or set(change) - OVERRIDE_KEYS:
        raise _err(f"{rule.id} 的覆盖项只能包含 {', '.join(sorted(OVERRIDE_KEYS))}",
                   f"override of {rule.id} may only contain {', '.join(sorted(OVERRIDE_KEYS))}", shown, line)
    if change.get("disable") is True:
        del ruleset.rules[rule.id]
        return
    if "severity" in change:
        rule.severity = _severity(change["severity"], shown, line)
    rule.allow |= set(_str_list(change.get("allow"), "allow", shown, line))
    rule.words.extend(_str_list(change.get("words"), "words", shown, line))
    rule.swap.update(_swap(change.get("swap"), shown, line))
    if "data" in change:
        if not isinstance(change["data"], Mapping):
            raise _err("data 必须是键值映射", "data must be a mapping", shown, line)
        rule.data.update(change["data"])     # replaces the named keys (e.g. metadata.required fields)
    if "exceptions" in change:
        rule.exceptions = _exceptions(change["exceptions"], shown, line)


def apply_options(ruleset: RuleSet, options: Mapping) -> None:
    """Options from the site policy (govgate's policy.yml ``rules:`` section or plugin config)."""
    where = "policy"
    unknown = sorted(set(options) - OPTION_KEYS)
    if unknown:
        raise _err(f"未知的规则选项：{', '.join(unknown)}", f"unknown rule option(s): {', '.join(unknown)}", where)
    if "uscc_severity" in options and "pii.uscc" in ruleset.rules:
        ruleset.rules["pii.uscc"].severity = _severity(options["uscc_severity"], where, 0)
    for rule_id, severity in dict(options.get("severity") or {}).items():
        if rule_id in ruleset.rules:
            ruleset.rules[rule_id].severity = _severity(severity, where, 0)
    for rule_id in _str_list(options.get("disable"), "disable", where, 0):
        ruleset.rules.pop(rule_id, None)
    waivable = _str_list(options.get("waivable_secret_rules"), "waivable_secret_rules", where, 0)
    ruleset.waivable_secret_rules = frozenset(waivable)
    domains = _str_list(options.get("allowed_domains"), "allowed_domains", where, 0)
    if domains and "link.domain" in ruleset.rules:
        rule = ruleset.rules["link.domain"]
        rule.data["allowed_domains"] = list(rule.data.get("allowed_domains", [])) + _domains(
            [(0, d) for d in domains], where)
    today = options.get("today")
    if today is not None:
        if isinstance(today, dt.datetime):
            today = today.date()
        if not isinstance(today, dt.date):
            raise _err("today 必须是日期", "today must be a date", where)
        ruleset.today = today


def load_ruleset(site_dir: Path | None, options: Mapping | None) -> RuleSet:
    ruleset = RuleSet()
    for shown, text in builtin_pack_texts():
        ruleset.sources.append(shown)
        _add_rules(ruleset, load_pack_text(text, shown))
    if site_dir is not None and Path(site_dir).is_dir():
        apply_site(ruleset, Path(site_dir))
    apply_options(ruleset, options or {})
    return ruleset
