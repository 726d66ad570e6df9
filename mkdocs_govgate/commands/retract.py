"""``govgate retract PATH --reason TEXT``: 应急处置 — take a page offline with a signed record."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    retract = sub.add_parser("retract", parents=[common],
                             help="撤下页面（签名记录，下次构建起不再发布）/ withdraw a page (signed record and commit)")
    retract.add_argument("path", type=Path)
    retract.add_argument("--reason", required=True, help="撤稿原因 / why the page is withdrawn")
    retract.set_defaults(run=_run)


def _run(args: argparse.Namespace, lang: str) -> int:
    from ..retract import run  # noqa: PLC0415 - git machinery only when retracting

    return run(str(args.path), args.reason, lang, Path.cwd(), getattr(args, "config", None))
