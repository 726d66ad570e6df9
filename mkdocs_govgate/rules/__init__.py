"""Content-safety rules (DESIGN.md §5): secrets, personal data, sensitive words, expressions,
links, reprints and metadata — rules are data (``mkdocs_govgate/rulepacks/*.yml``), extended
or overridden per site.  See README.md in this folder for the site file formats.
"""

from __future__ import annotations

from .engine import ENGINE_VERSION, RuleEngine
from .model import Rule
from .normalise import NormText, normalise
from .waivers import WAIVER_INVALID, WAIVER_REFUSED, WAIVER_STALE, apply_waivers

__all__ = [
    "ENGINE_VERSION", "NormText", "Rule", "RuleEngine", "WAIVER_INVALID", "WAIVER_REFUSED", "WAIVER_STALE",
    "apply_waivers", "normalise",
]
