"""Shared helpers for the rule-engine tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mkdocs_govgate.page import Page

SEEDS = Path(__file__).resolve().parents[1] / "data" / "regulations"   # the five regulations, see its README.md
TODAY = dt.date(2024, 6, 1)

FRONT = """---
title: 关于做好春节期间安全生产工作的通知
date: 2024-01-09
column: 通知公告
unit: 县应急管理局
author: wangwu
classification: general
{extra}---
"""
FRONT_LINES = FRONT.count("\n")   # the body starts on line FRONT_LINES + 1 (without extra)


def make_page(body: str, extra: str = "", path: str = "notices/a.md") -> Page:
    return Page.from_bytes(path, (FRONT.format(extra=extra) + body).encode("utf-8"))


def rules_of(findings) -> list[str]:
    return sorted(f.rule for f in findings)


def blocking(findings) -> list:
    return [f for f in findings if f.blocking]
