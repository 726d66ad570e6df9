"""Front-matter rules: required metadata, expiry and withdrawal (seed 002 §10(5)), reprints
(seed 002 §10(3)(4), 004 §2(6), 003 §3)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..dates import as_date
from ..findings import Finding
from ..i18n import Msg
from .links import host_of, on_domain
from .model import Rule


def _date(value: Any) -> dt.date | None:
    try:
        return as_date(value.strip()[:10] if isinstance(value, str) else value)
    except ValueError:
        return None


def _suffix(msg: Msg, zh: str, en: str) -> Msg:
    return Msg(msg.zh + zh, msg.en + en)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


class MetaRules:
    def __init__(self, rules: dict[str, Rule], today: dt.date | None):
        self.rules = rules
        self.today = today

    def scan(self, path: str, meta: Mapping, meta_lines: Mapping[str, int]) -> Iterator[Finding]:
        """Every front-matter rule: its shape, and whether the page has expired or been withdrawn."""
        yield from self.shape(path, meta, meta_lines)
        yield from self._state(path, meta, meta_lines)

    def shape(self, path: str, meta: Mapping, meta_lines: Mapping[str, int]) -> Iterator[Finding]:
        """Front-matter mistakes an editor fixes in the file: required fields, classification,
        an unreadable expiry date, reprint attribution (the front-matter-only hook runs these)."""

        def line(key: str) -> int:
            return meta_lines.get(key, 1)

        rule = self.rules.get("metadata.required")
        if rule:
            for key in rule.data.get("fields", []):
                if _blank(meta.get(key)):
                    yield rule.finding(path, 1, 1, match=key, message=_suffix(rule.message, f"：{key}", f": {key}"))
        rule = self.rules.get("metadata.classification")
        value = meta.get("classification")
        if rule and not _blank(value) and value not in rule.data.get("values", []):
            yield rule.finding(path, line("classification"), 1, match=str(value))
        rule = self.rules.get("metadata.expired")
        if rule and not _blank(meta.get("expires")) and _date(meta["expires"]) is None:
            yield rule.finding(path, line("expires"), 1, match=str(meta["expires"]),
                               message=Msg("expires 不是有效日期（应为 YYYY-MM-DD）",
                                           "expires is not a valid date (use YYYY-MM-DD)"))
        if "reprint" in meta:
            yield from self._reprint(path, meta["reprint"], line("reprint"))

    def _state(self, path: str, meta: Mapping, meta_lines: Mapping[str, int]) -> Iterator[Finding]:
        today = self.today or dt.date.today()
        rule = self.rules.get("metadata.expired")
        expires = _date(meta["expires"]) if rule and not _blank(meta.get("expires")) else None
        if rule and expires is not None and expires < today:
            yield rule.finding(path, meta_lines.get("expires", 1), 1, match=expires.isoformat())
        rule = self.rules.get("metadata.withdrawn")
        withdrawn = meta.get("withdrawn")
        if rule and withdrawn not in (None, False, ""):
            when = _date(withdrawn)
            if when is None or when <= today:   # true, a reason, or a date already reached
                yield rule.finding(path, meta_lines.get("withdrawn", 1), 1, match=str(withdrawn))

    def body_source(self, path: str, body: str, first_line: int) -> Iterator[Finding]:
        """A source stated only in the body (来源：…) is checked against reprint.source's list."""
        rule, listed = self.rules.get("reprint.body_source"), self.rules.get("reprint.source")
        if not rule or not listed:
            return
        for offset, name in body_sources(body):
            if _find_source(name, listed.data.get("sources", [])) is None:
                yield rule.finding(path, first_line + offset, 1, match=name)

    def _reprint(self, path: str, reprint: Any, line: int) -> Iterator[Finding]:
        fields = self.rules.get("reprint.fields")
        if not isinstance(reprint, Mapping):
            if fields:
                yield fields.finding(path, line, 1, message=Msg("reprint 必须是含 source、url、author、retrieved 的映射",
                                                                "reprint must be a mapping of source, url, author, retrieved"))
            return
        if fields:
            missing = [k for k in ("source", "url", "author", "retrieved") if _blank(reprint.get(k))]
            if not missing and _date(reprint.get("retrieved")) is None:
                missing = ["retrieved"]
            if missing:
                yield fields.finding(path, line, 1, match=", ".join(missing),
                                     message=_suffix(fields.message, f"：缺少 {', '.join(missing)}",
                                                             f": missing {', '.join(missing)}"))
        source_rule = self.rules.get("reprint.source")
        source = str(reprint.get("source") or "").strip()
        if not source or not source_rule:
            return
        entry = _find_source(source, source_rule.data.get("sources", []))
        if entry is None:
            yield source_rule.finding(path, line, 1, match=source)
            return
        url_rule = self.rules.get("reprint.url")
        url = str(reprint.get("url") or "").strip()
        if url_rule and url:
            host = host_of(url)
            domains = [d.lower() for d in entry["domains"]]
            if not re.match(r"(?i)https?://", url) or ("*" not in domains and not on_domain(host, domains)):
                yield url_rule.finding(path, line, 1, match=url,
                                       suggestion=Msg(f"{source} 的网址应在 {', '.join(entry['domains'])} 上",
                                                      f"{source} lives on {', '.join(entry['domains'])}"))


# 来源：县应急管理局 / 信息来源：新华社 — a source stated in the body (the first lines of an article)
_BODY_SOURCE_RE = re.compile(r"(?m)^[ \t>*_]*(?:来源|信息来源|稿件来源|文章来源|转载自|转自|转载来源)[ \t]*[:：][ \t]*(?P<name>[^\s|，。;；*_<>]{2,40})")
_OWN = re.compile("本站|本网|原创|本单位|本机关|本局|本部门")


def body_sources(body: str) -> Iterator[tuple[int, str]]:
    """(0-based line, name) of every source stated on a line of its own in the body."""
    for m in _BODY_SOURCE_RE.finditer(body):
        name = m.group("name").strip()
        if not _OWN.search(name):
            yield body.count("\n", 0, m.start("name")), name


def _find_source(name: str, sources: list[dict]) -> dict | None:
    for entry in sources:
        names = [entry.get("name", ""), *entry.get("aliases", [])]
        if name in names:
            return entry
        pattern = entry.get("name_pattern")
        if pattern and re.fullmatch(pattern, name):
            return entry
    return None
