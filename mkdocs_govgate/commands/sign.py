"""``govgate approve|revise|reject PATH --stage S``: one reviewer's signed decision."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cliargs import h


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    for action, what in (("approve", h("同意", "approve")), ("revise", h("退回修改", "send back for revision")),
                         ("reject", h("不同意发布", "reject"))):
        sign = sub.add_parser(action, parents=[common],
                              help=h(f"签核：在一个审核环节{what}（签名提交）", f"sign off: {what} a page at one review "
                                     "stage (one signed commit)"),
                              description=h(f"以你的签名密钥（git config user.signingkey）在一个审核环节{what}一个页面："
                                            "写入签核记录并做一次只含这一改动的签名提交。",
                                            f"{what} a page at one review stage with your signing key (git config "
                                            "user.signingkey): the sign-off entry and one signed commit holding only it."))
        sign.add_argument("path", type=Path, metavar="PATH", help=h("页面（文档目录中的 Markdown 文件）",
                                                                     "the page (a Markdown file in docs_dir)"))
        sign.add_argument("--stage", required=True, help=h("审核环节，如 first（初审初校）、second（复审复校）、final"
                                                           "（终审终校）；见 signoffs/policy.yml",
                                                           "the review stage, e.g. first, second, final; see "
                                                           "signoffs/policy.yml"))
        sign.add_argument("--opinion", default=None, help=h("审核意见（写入审签表）", "your opinion (shown on the sheet)"))
        sign.set_defaults(run=_run)


def _run(args: argparse.Namespace, lang: str) -> int:
    from ..approve import run  # noqa: PLC0415 - git machinery only when signing

    return run(args.command, str(args.path), args.stage, args.opinion, lang, Path.cwd())
