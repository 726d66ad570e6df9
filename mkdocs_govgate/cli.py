"""The `govgate` command: reviewers sign off, site managers inspect and audit.

Exit status: 0 clean, 1 blocking findings (or a refused action), 2 configuration or runtime error.
Each subcommand lives in its own module under ``commands/``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .commands import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, register_all
from .errors import INTERRUPTED, GateError, internal_error

__all__ = ["main", "guarded", "EXIT_OK", "EXIT_FINDINGS", "EXIT_ERROR"]


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
    return guarded(lambda: args.run(args, lang), lang)


def guarded(run: Callable[[], int], lang: str) -> int:
    """``run()``'s exit status; whatever goes wrong inside is exit 2 with a message, never a traceback
    (exit 1 means blocking findings, so a crash must never look like one)."""
    try:
        status = run()
        sys.stdout.flush()
        return status
    except GateError as error:
        print(error.render(lang), file=sys.stderr)
    except BrokenPipeError:         # the reader of our output went away (`govgate check | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except KeyboardInterrupt:
        print("\n" + INTERRUPTED.render(lang), file=sys.stderr)
    except Exception as error:  # noqa: BLE001 - fail closed: a crash is a runtime error, never a verdict
        print(internal_error(error).render(lang), file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
