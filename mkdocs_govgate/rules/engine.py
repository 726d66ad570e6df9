"""The rule engine: one object, one evaluation path for the hooks, the plugin and the CLI."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..findings import Finding, Severity, sort_key
from ..i18n import Msg
from . import attachments
from .detectors import Hit
from .detectors.leaders import LeaderRule
from .detectors.patterns import PatternRules
from .detectors.pii import scan_pii
from .detectors.protected import ProtectedRule
from .detectors.words import WordRules
from .frontmatter import MetaRules
from .links import LinkRules
from .model import Rule
from .normalise import NormText, normalise
from .packs import RuleSet, load_ruleset
from .waivers import apply_waivers

# Bump when matching behaviour changes, so caches keyed on fingerprint() are invalidated.
ENGINE_VERSION = "3"
# Front-matter fields themes render into the page (and so publish).
RENDERED_FIELDS = ("title", "description", "summary", "subtitle", "keywords")


class RuleEngine:
    """Content-safety rules (DESIGN.md §5) loaded from packs plus a site's overrides."""

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        rules = ruleset.rules
        protected = next((r for r in rules.values() if r.detector == "protected_name"), None)
        self._protected = ProtectedRule(protected) if protected else None
        # one automaton pass serves the word lists and the protected names
        self._words = WordRules((r for r in rules.values() if r.kind in ("existence", "substitution")),
                                share=self._protected.keys if self._protected else ())
        self._patterns = PatternRules(r for r in rules.values() if r.kind == "pattern")
        self._pii = {r.id: r for r in rules.values() if r.detector in ("id_card", "bank_card", "mobile", "uscc", "uscc_individual")}
        leader = next((r for r in rules.values() if r.detector == "leader_title"), None)
        self._leaders = LeaderRule(leader, ruleset.today) if leader and leader.data.get("leaders") else None
        self._links = LinkRules(rules)
        self._meta = MetaRules(rules, ruleset.today)
        payload = {
            "engine": ENGINE_VERSION,
            "rules": [rules[k].fingerprint_data() for k in sorted(rules)],
            "waivable": sorted(ruleset.waivable_secret_rules),
            "today": ruleset.today.isoformat() if ruleset.today else None,
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        self._fingerprint = "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @classmethod
    def load(cls, site_dir: Path | None = None, options: Mapping | None = None) -> RuleEngine:
        """Built-in packs + site overrides from ``site_dir`` (may not exist) + policy ``options``.

        Bad rule data raises GateError naming file and line.
        """
        return cls(load_ruleset(Path(site_dir) if site_dir is not None else None, options))

    # -- introspection --------------------------------------------------------------------
    def fingerprint(self) -> str:
        return self._fingerprint

    @property
    def rules(self) -> dict[str, Rule]:
        return self.ruleset.rules

    # -- scanning -----------------------------------------------------------------------
    def _hits(self, nt: NormText, *, markup: bool) -> list[Hit]:
        hits: list[Hit] = []
        raw = self._words.matcher.find(nt.compact)
        hits.extend(self._words.scan(nt, raw))
        hits.extend(self._patterns.scan(nt))
        hits.extend(scan_pii(self._pii, nt, self.ruleset.today))
        if self._leaders:
            hits.extend(self._leaders.scan(nt))
        if self._protected:
            hits.extend(self._protected.scan(nt, raw, self._words.matcher.own))
        hits.extend(self._links.scan(nt, markup=markup))
        # one finding per rule per place: overlapping hits of one rule (密级：机密★1年) merge
        hits.sort(key=lambda h: (h.rule.id, h.start, -h.end))
        kept: list[Hit] = []
        for hit in hits:
            last = kept[-1] if kept else None
            if last and last.rule.id == hit.rule.id and hit.start < last.end:
                continue
            kept.append(hit)
        return kept

    def _finding(self, path: str, nt: NormText, hit: Hit, *, first_line: int = 1, first_column: int = 1,
                 location: str = "", where: tuple[int, int] | None = None) -> Finding:
        """``where``: the hit's (line, column) in ``nt``; None for attachments (``location`` says)."""
        clear_text = nt.original[hit.start:hit.end]
        line = column = 0
        if where is not None:
            line, column = where
            if line == 1:
                column += first_column - 1
            line += first_line - 1
        return hit.rule.finding(path, line, column, match=hit.shown if hit.shown is not None else clear_text,
                                clear=hit.clear if hit.clear is not None else clear_text,
                                suggestion=hit.suggestion, location=location, message=hit.message)

    def _scan(self, path: str, text: str, *, first_line: int = 1, first_column: int = 1,
              markup: bool = True) -> list[Finding]:
        if not text:
            return []
        nt = normalise(text, markup=markup)
        hits = self._hits(nt, markup=markup)
        where = nt.line_cols(hit.start for hit in hits)
        return [self._finding(path, nt, hit, first_line=first_line, first_column=first_column, where=where[hit.start])
                for hit in hits]

    def host_allowed(self, host: str) -> bool:
        """May the site load or link ``host`` (the link allow-list, shorteners and ad hosts)?"""
        return self._links.check_host(host) is None

    def scan_text(self, path: str, text: str, *, first_line: int = 1, first_column: int = 1) -> list[Finding]:
        """Markdown or plain text; ``first_line``/``first_column`` place ``text`` in its file."""
        return sorted(self._scan(path, text, first_line=first_line, first_column=first_column), key=sort_key)

    def scan_html(self, path: str, html: str, *, waivers: Iterable[Any] = ()) -> list[Finding]:
        """Rendered HTML of a page or a raw .html file; positions are in that HTML."""
        findings = self._scan(path, html)
        kept, problems = apply_waivers(findings, waivers, self.ruleset.waivable_secret_rules, path=path)
        return sorted(kept + problems, key=sort_key)

    def scan_page(self, page: Any) -> list[Finding]:
        """Body, rendered front-matter fields, metadata and reprint rules; the page's waivers applied."""
        findings = self._scan(page.path, page.body, first_line=page.body_line)
        findings.extend(self._scan_meta_text(page))
        findings.extend(self._meta.scan(page.path, page.meta or {}, page.meta_lines or {}))
        findings.extend(self._meta.body_source(page.path, page.body, page.body_line))
        kept, problems = apply_waivers(findings, getattr(page, "waivers", ()) or (),
                                       self.ruleset.waivable_secret_rules, path=page.path)
        return sorted(kept + problems, key=sort_key)

    def scan_front_matter(self, page: Any) -> list[Finding]:
        """Only the front-matter's shape: required fields, classification, dates, reprint fields
        (the front-matter-only pre-commit hook); no body, no expiry or withdrawal state."""
        return sorted(self._meta.shape(page.path, page.meta or {}, page.meta_lines or {}), key=sort_key)

    def _scan_meta_text(self, page: Any) -> list[Finding]:
        lines = page.text.split("\n")
        out: list[Finding] = []

        def locate(value: str, line: int) -> tuple[int, int]:
            # the value as written on its line (or the next lines, for block scalars)
            first = value.strip().split("\n", 1)[0]
            for number in range(line, min(line + 20, len(lines)) + 1):
                col = lines[number - 1].find(first) if first else -1
                if col >= 0:
                    return number, col + 1
            return line, 1

        def scan_value(value: Any, line: int) -> None:
            values = value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, str) and item.strip():
                    at_line, at_col = locate(item, line)
                    out.extend(self._scan(page.path, item, first_line=at_line, first_column=at_col))

        meta = page.meta or {}
        meta_lines = page.meta_lines or {}
        for key in RENDERED_FIELDS:
            if key in meta:
                scan_value(meta[key], meta_lines.get(key, 1))
        reprint = meta.get("reprint")
        if isinstance(reprint, Mapping):   # the attribution is rendered on the page
            for key in ("source", "author"):
                scan_value(reprint.get(key), meta_lines.get("reprint", 1))
        return out

    def scan_attachment(self, path: str, abs_path: Path) -> list[Finding]:
        """.docx .xlsx .pdf .txt .csv (others → []); unreadable → one blocking finding (fail closed)."""
        try:
            extracted = attachments.extract(Path(abs_path))
        except attachments.UnreadableAttachment as exc:
            return [Finding(path, 0, 0, "input.attachment", "input", Severity.BLOCK,
                            Msg(f"无法读取附件，不能确认其内容安全：{exc}",
                                f"cannot read the attachment, so its content cannot be checked: {exc}"),
                            suggestion=Msg("修复或重新导出该文件后再提交", "repair or re-export the file"))]
        if extracted is None or not extracted.text:
            return []
        if extracted.line_based:
            return sorted(self._scan(path, extracted.text, markup=False), key=sort_key)
        nt = normalise(extracted.text, markup=False)
        findings = [self._finding(path, nt, hit, location=extracted.place_of(hit.start))
                    for hit in self._hits(nt, markup=False)]
        return sorted(findings, key=lambda f: (f.path, f.location, f.rule))
