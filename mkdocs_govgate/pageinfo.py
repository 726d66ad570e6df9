"""What a Chinese government article shows under its title: 发布日期 and 来源, dates as 2025年1月9日."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from html import escape
from typing import Any

from .dates import as_date

_FIRST_H1_END = re.compile(r"</h1>", re.IGNORECASE)


def long_date(day: dt.date, lang: str = "zh") -> str:
    """2025年1月9日 (the form of 公文 and government sites); ISO in English."""
    return day.isoformat() if lang == "en" else f"{day.year}年{day.month}月{day.day}日"


def display_date(value: object, lang: str = "zh") -> str:
    """A front-matter date as people read it; the text unchanged when it is not a date."""
    try:
        day = as_date(value)
    except ValueError:
        day = None
    return long_date(day, lang) if day is not None else str(value)


def page_info(meta: Mapping[str, Any], lang: str = "zh") -> str:
    """``发布日期：2025年1月9日　来源：青岚县应急管理局`` as HTML; '' without a date or unit."""
    parts = []
    if meta.get("date") is not None:
        parts.append(("Published" if lang == "en" else "发布日期") + "：" + escape(display_date(meta["date"], lang)))
    reprint = meta.get("reprint")
    if isinstance(reprint, Mapping):
        source = reprint.get("source")   # a reprint's 来源 is where it came from (the attribution below says more)
    else:
        source = meta.get("unit")
    if isinstance(source, str) and source.strip():
        parts.append(("Source" if lang == "en" else "来源") + "：" + escape(source.strip()))
    if not parts:
        return ""
    return '<p class="govgate-page-info" style="color:#555">' + "　".join(parts) + "</p>\n"


def with_page_info(html: str, meta: Mapping[str, Any], lang: str = "zh") -> str:
    """The info line right after the page's first heading (at the top when it has none)."""
    info = page_info(meta, lang)
    if not info:
        return html
    match = _FIRST_H1_END.search(html)
    return html[:match.end()] + "\n" + info + html[match.end():] if match else info + html
