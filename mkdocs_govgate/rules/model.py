"""Rules as data: what a rule pack entry becomes once validated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding, Severity
from ..i18n import Msg

# Vale-like shapes: existence (a word list), substitution (wrong → right), pattern (regexes);
# detector rules name code that needs more than a list (checksums, link structure, front-matter).
KINDS = ("existence", "substitution", "pattern", "detector")
DETECTORS = (
    "id_card", "bank_card", "mobile", "uscc", "uscc_individual", "leader_title", "protected_name",
    "link_domain", "link_bare_domain", "link_shortener", "link_ad", "link_hidden", "link_text_mismatch", "link_script",
    "reprint_source", "reprint_url", "reprint_fields",
    "metadata_required", "metadata_classification", "metadata_expired", "metadata_withdrawn",
)


@dataclass(frozen=True)
class Exceptions:
    """Context in which a match is not a problem (公安机关依法严厉打击网络赌博 reports a crackdown).

    ``before``/``after``: any of these words within ``window`` characters on that side;
    ``phrases``: the match is part of one of these longer phrases (保守国家秘密).
    """

    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    window: int = 12

    def __bool__(self) -> bool:
        return bool(self.before or self.after or self.phrases)


@dataclass
class Rule:
    id: str
    category: str
    severity: Severity
    kind: str
    message: Msg
    suggestion: Msg | None = None
    words: list[str] = field(default_factory=list)              # existence
    swap: dict[str, str] = field(default_factory=dict)          # substitution: wrong → right
    patterns: list[re.Pattern] = field(default_factory=list)    # pattern
    view: str = "compact"                                       # pattern: "norm" or "compact"
    keywords: tuple[str, ...] = ()                              # gitleaks-style pre-filter
    scope: str = "text"                                         # pattern: "line" = only lines with a keyword
    detector: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    exceptions: Exceptions = field(default_factory=Exceptions)
    allow: set[str] = field(default_factory=set)                # rule-scoped allow-list of matches
    source: str = ""                                            # file:line it was defined at

    def finding(self, path: str, line: int, column: int, *, match: str = "", clear: str | None = None,
                suggestion: Msg | None = None, location: str = "", message: Msg | None = None) -> Finding:
        """A finding of this rule; ``clear`` (the unredacted text) stays in the private ``extra``."""
        return Finding(path, line, column, self.id, self.category, self.severity, message or self.message,
                       match=match, suggestion=suggestion if suggestion is not None else self.suggestion,
                       location=location, extra={"clear": match if clear is None else clear})

    def fingerprint_data(self) -> dict:
        return {
            "id": self.id, "category": self.category, "severity": self.severity.value, "kind": self.kind,
            "message": [self.message.zh, self.message.en],
            "suggestion": [self.suggestion.zh, self.suggestion.en] if self.suggestion else None,
            "words": sorted(self.words), "swap": sorted(self.swap.items()),
            "patterns": [p.pattern for p in self.patterns], "view": self.view, "keywords": list(self.keywords),
            "scope": self.scope,
            "detector": self.detector, "data": self.data,
            "exceptions": [list(self.exceptions.before), list(self.exceptions.after),
                           list(self.exceptions.phrases), self.exceptions.window],
            "allow": sorted(self.allow),
        }
