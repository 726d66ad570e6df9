"""PyYAML's loader for the fast readers: libyaml (C) when PyYAML was built with it.

PyPI's PyYAML wheels include libyaml; a PyYAML built without it (some distributions, an sdist
without the headers) has no ``CSafeLoader``.  The pure-Python ``SafeLoader`` gives the same
tokens and nodes, only slower, so the fast readers keep working instead of failing on import.
"""

from __future__ import annotations

import yaml

HAS_LIBYAML = hasattr(yaml, "CSafeLoader")
SafeLoader: type[yaml.SafeLoader] = yaml.CSafeLoader if HAS_LIBYAML else yaml.SafeLoader  # type: ignore[attr-defined]
