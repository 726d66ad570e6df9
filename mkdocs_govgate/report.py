"""The result of one gate run, shared by the plugin, the CLI and the hooks."""

from __future__ import annotations

from dataclasses import dataclass, field

from .approval import PageVerdict
from .digest import PageDigest
from .findings import Finding, Severity, sort_key
from .page import Page
from .retirement import Retirement


@dataclass
class PageResult:
    path: str
    verdict: PageVerdict | None          # None when the page could not even be read
    findings: list[Finding]              # every finding on this page: input, approval and content
    digest: PageDigest | None = None
    page: Page | None = None             # the parsed source, so adapters never re-read it
    retired: Retirement | None = None    # withdrawn or expired: offline, its findings stop nothing

    @property
    def approved(self) -> bool:
        """All required sign-offs valid (content findings are judged separately)."""
        return self.verdict is not None and self.verdict.approved and not any(
            f.blocking for f in self.findings if f.category in ("approval", "input"))

    @property
    def content_blocked(self) -> bool:
        return any(f.blocking for f in self.findings if f.category not in ("approval", "input"))

    @property
    def classification(self) -> str | None:
        return self.verdict.classification if self.verdict else None

    @property
    def missing(self) -> list[str]:
        return self.verdict.missing if self.verdict else []


@dataclass
class Report:
    pages: list[PageResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)   # findings outside pages (files, site)

    def all_findings(self) -> list[Finding]:
        return sorted([f for p in self.pages for f in p.findings] + self.findings, key=sort_key)

    def publishable_findings(self) -> list[Finding]:
        """Findings that stop publication: a retired page is left out, so its findings stop nothing."""
        retired = self.offline_paths()
        return [f for f in self.all_findings() if f.path not in retired]

    def offline_paths(self) -> set[str]:
        """Retired pages and the files that only they link: all of them stay out of the site."""
        def files(pages: list[PageResult]) -> set[str]:
            return {f for p in pages if p.digest for f in p.digest.files}

        retired = [p for p in self.pages if p.retired]
        if not retired:
            return set()
        return {p.path for p in retired} | (files(retired) - files([p for p in self.pages if not p.retired]))

    @property
    def blocking(self) -> bool:
        return any(f.severity is Severity.BLOCK for f in self.publishable_findings())

    def page(self, path: str) -> PageResult | None:
        return next((p for p in self.pages if p.path == path), None)

    def as_dict(self, lang: str = "zh") -> dict:
        return {
            "findings": [f.as_dict(lang) for f in self.all_findings()],
            "pages": [{"path": p.path, "classification": p.classification, "missing": p.missing,
                       "approved": p.approved and not p.content_blocked,
                       **({"retired": p.retired.as_dict()} if p.retired else {})} for p in self.pages],
        }
