"""Findings: one problem at one place, shared by every rule and every adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .i18n import Msg


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    INFO = "info"


# Categories of DESIGN.md §5 plus the gate's own: approval (sign-offs) and input (unreadable files).
CATEGORIES = (
    "approval", "input", "secret", "pii", "sensitive", "expression", "link", "reprint", "metadata",
)


@dataclass(frozen=True)
class Finding:
    """A problem found at ``path:line:column`` (1-based; 0 when the whole file is meant).

    ``match`` is the offending text as it may be shown and stored: detectors of personal
    data put a redacted form here, never the clear value.  ``location`` names a place
    inside an attachment (``Sheet1!B3``, ``page 2``) where line/column do not apply.
    """

    path: str
    line: int
    column: int
    rule: str
    category: str
    severity: Severity
    message: Msg
    match: str = ""
    suggestion: Msg | None = None
    location: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCK

    def where(self) -> str:
        place = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{place} [{self.location}]" if self.location else place

    def as_dict(self, lang: str = "zh") -> dict:
        data = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity.value,
            "message": self.message.render(lang),
        }
        if self.match:
            data["match"] = self.match
        if self.suggestion:
            data["suggestion"] = self.suggestion.render(lang)
        if self.location:
            data["location"] = self.location
        return data

    def render(self, lang: str = "zh") -> str:
        text = f"{self.where()}: {self.severity.value} {self.rule}: {self.message.render(lang)}"
        if self.suggestion:
            text += (" 建议：" if lang != "en" else " Suggestion: ") + self.suggestion.render(lang)
        return text


def sort_key(finding: Finding) -> tuple:
    return (finding.path, finding.line, finding.column, finding.rule)
