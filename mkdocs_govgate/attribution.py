"""The 转载 attribution shown on reprinted pages (seed 002 §10(3)(4), 004 §2(6))."""

from __future__ import annotations

from html import escape
from typing import Any

from .pageinfo import display_date


def reprint_attribution(meta: dict[str, Any], lang: str = "zh") -> str:
    """HTML naming source, original author, reprint date and original link; '' when not a reprint."""
    reprint = meta.get("reprint")
    if not isinstance(reprint, dict):
        return ""
    labels = (("source", "来源", "Source"), ("author", "作者", "Author"), ("retrieved", "转载时间", "Reprinted on"))
    parts = []
    for key, zh, en in labels:
        value = reprint.get(key)
        if value:
            text = display_date(value, lang) if key == "retrieved" else str(value)
            parts.append(f"{en if lang == 'en' else zh}：{escape(text)}")
    url = reprint.get("url")
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        label = "Original" if lang == "en" else "原文链接"
        parts.append(f'{label}：<a href="{escape(url, quote=True)}" rel="noopener">{escape(url)}</a>')
    return ('<p class="govgate-reprint" style="color:#555;border-top:1px solid #ddd;padding-top:8px">'
            + "　".join(parts) + "</p>\n")
