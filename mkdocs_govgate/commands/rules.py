"""``govgate rules lint [RULES_DIR]``: check a site's word lists before they block a whole site."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cliargs import h
from ..errors import GateError
from ..i18n import Msg
from ..rules.lint import lint
from . import EXIT_FINDINGS, EXIT_OK


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    rules = sub.add_parser("rules", parents=[common], help=h("站点规则工具", "the site's rule files"))
    actions = rules.add_subparsers(dest="rules_command", required=True)
    check = actions.add_parser("lint", parents=[common],
                               help=h("检查站点词表：过短、单字或会命中正常政府网页的词条",
                                      "check the site's word lists: entries too short, single characters, or "
                                      "matching ordinary government pages"))
    check.add_argument("rules_dir", type=Path, nargs="?", default=Path("signoffs/rules"), metavar="RULES_DIR",
                       help=h("站点规则目录（默认 signoffs/rules）", "the site's rules folder (default signoffs/rules)"))
    check.set_defaults(run=_lint)


def _lint(args: argparse.Namespace, lang: str) -> int:
    if not args.rules_dir.is_dir():
        raise GateError(Msg(f"规则目录不存在：{args.rules_dir}", f"no rules folder at {args.rules_dir}"))
    problems = lint(args.rules_dir)
    for problem in problems:
        print(problem.render(lang))
    summary = Msg(f"{len(problems)} 个词条需要修改", f"{len(problems)} entries need attention") if problems else \
        Msg("词表检查通过", "word lists look fine")
    print(summary.render(lang))
    return EXIT_FINDINGS if problems else EXIT_OK
