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

from .cliargs import add_output_options, add_version, cli_language, h, wanted_lang
from .commands import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, register_all
from .errors import INTERRUPTED, GateError, internal_error

__all__ = ["main", "guarded", "EXIT_OK", "EXIT_FINDINGS", "EXIT_ERROR"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govgate", description=h(
        "政府网站发布门禁：三审三校签核与内容安全检查。命令按工作顺序列出；每个命令的用法：govgate 命令 --help",
        "publishing gate for government sites: 三审三校 sign-offs and content rules. Commands in the order of "
        "the work; each command's usage: govgate COMMAND --help"))
    add_version(parser, "govgate")
    _add_common(parser, None)
    add_output_options(parser)
    # --lang, --config, --quiet and --severity are accepted before or after the command
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, argparse.SUPPRESS)
    add_output_options(common, suppress=True)
    register_all(parser.add_subparsers(dest="command", required=True, title=h("命令", "commands"),
                                       metavar=h("命令", "COMMAND")), common)
    return parser


def _add_common(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--lang", choices=("zh", "en"), default=default,
                        help=h("消息和帮助的语言：zh 中文（默认）或 en 英文", "language of messages and help: zh Chinese "
                               "(default) or en English"))
    parser.add_argument("--config", "-f", type=Path, default=default, metavar="MKDOCS_YML",
                        help=h("网站的 mkdocs.yml（默认：从当前目录向上查找）", "the site's mkdocs.yml (default: found "
                               "upwards from the current folder)"))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    with cli_language(wanted_lang(argv)):   # help and argparse's errors in the language asked for
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
