"""The `govgate` command: reviewers sign off, site managers inspect and audit.

Exit status: 0 clean, 1 blocking findings (or a refused action), 2 configuration or runtime error.
Each subcommand lives in its own module under ``commands/``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .commands import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, register_all
from .errors import GateError

__all__ = ["main", "EXIT_OK", "EXIT_FINDINGS", "EXIT_ERROR"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govgate", description="政府网站发布门禁 / publishing gate for government sites")
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="message language (default zh)")
    parser.add_argument("--config", "-f", type=Path, default=None, help="mkdocs.yml (default: found upwards)")
    # --lang and --config are accepted before or after the command
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    common.add_argument("--config", "-f", type=Path, default=argparse.SUPPRESS)
    register_all(parser.add_subparsers(dest="command", required=True), common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    lang = args.lang or "zh"
    try:
        return args.run(args, lang)
    except GateError as error:
        print(error.render(lang), file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
