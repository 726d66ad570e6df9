"""Chinese section titles for MkDocs' automatic navigation: the column (栏目) a folder holds.

Without a ``nav:``, MkDocs names a section after its folder ("tzgg" → "Tzgg").  A government
site's folders are short pinyin, its columns are 通知公告, 政策解读 …: a section takes the
``column:`` its pages share, else the title of its ``index.md``.  An explicit ``nav:`` keeps the
titles its author wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mkdocs.structure import StructureItem
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page as MkPage

MetaOf = Callable[[str], Mapping[str, Any] | None]   # src_uri → the gate's strict parse of the front-matter
_INDEX_NAMES = ("index.md", "README.md")


def name_sections(items: Sequence[StructureItem], meta_of: MetaOf) -> None:
    for item in items:
        if isinstance(item, Section):
            name_sections(item.children, meta_of)
            item.title = section_title(item, meta_of) or item.title


def section_title(section: Section, meta_of: MetaOf) -> str | None:
    pages = [child for child in section.children if isinstance(child, MkPage)]
    metas = [(page.file.src_uri, meta_of(page.file.src_uri) or {}) for page in pages]
    columns = {meta.get("column") for _, meta in metas}
    if len(columns) == 1:
        (column,) = columns
        if isinstance(column, str) and column.strip():
            return column.strip()
    for src_uri, meta in metas:
        title = meta.get("title")
        if src_uri.rsplit("/", 1)[-1] in _INDEX_NAMES and isinstance(title, str) and title.strip():
            return title.strip()
    return None
