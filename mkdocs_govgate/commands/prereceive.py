"""``govgate pre-receive``: the server-side hook (``hooks/pre-receive`` runs it); ref updates on stdin."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cliargs import h


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    hook = sub.add_parser("pre-receive", parents=[common],
                          help=h("服务器端钩子：拒绝未通过门禁的推送（由 hooks/pre-receive 调用）",
                                 "server hook: refuse pushes that fail the gate (run by hooks/pre-receive)"))
    hook.set_defaults(run=_run)


def _run(args: argparse.Namespace, lang: str) -> int:
    from ..prereceive import run  # noqa: PLC0415

    # git runs the hook in the repository (bare: its git dir); --lang wins over git config govgate.lang
    status, messages = run(sys.stdin.read(), Path.cwd(), args.lang)
    for message in messages:
        print(message, file=sys.stderr)
    return status
