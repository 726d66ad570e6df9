"""Dates as people write them in YAML: a date, a date-time, or ISO text."""

from __future__ import annotations

import datetime as dt


def as_date(value: object) -> dt.date | None:
    """``None`` when absent; raises ValueError when ``value`` is not a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip())
    raise ValueError(f"not a date: {value!r}")
