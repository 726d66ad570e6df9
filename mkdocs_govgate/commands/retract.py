"""``govgate retract PATH --reason TEXT``: 应急处置 — take a page offline with a signed record."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cliargs import h


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    retract = sub.add_parser("retract", parents=[common],
                             help=h("应急撤稿：撤下页面（签名记录，下次构建起不再发布）",
                                    "take a page down: a signed withdrawal record, left out from the next build on"))
    retract.add_argument("path", type=Path, metavar="PATH", help=h("要撤下的页面", "the page to withdraw"))
    retract.add_argument("--reason", required=True, help=h("撤稿原因（写入撤稿记录）", "why the page is withdrawn "
                                                           "(kept in the record)"))
    retract.set_defaults(run=_run)


def _run(args: argparse.Namespace, lang: str) -> int:
    from ..retract import run  # noqa: PLC0415 - git machinery only when retracting

    return run(str(args.path), args.reason, lang, Path.cwd(), getattr(args, "config", None))
