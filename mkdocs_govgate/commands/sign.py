"""``govgate approve|revise|reject PATH --stage S``: one reviewer's signed decision."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    for action in ("approve", "revise", "reject"):
        sign = sub.add_parser(action, parents=[common], help=f"{action} a page at one review stage (signed commit)")
        sign.add_argument("path", type=Path)
        sign.add_argument("--stage", required=True)
        sign.add_argument("--opinion", default=None)
        sign.set_defaults(run=_run)


def _run(args: argparse.Namespace, lang: str) -> int:
    from ..approve import run  # noqa: PLC0415 - git machinery only when signing

    return run(args.command, str(args.path), args.stage, args.opinion, lang, Path.cwd())
