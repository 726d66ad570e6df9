"""Command-line conventions shared by ``govgate`` and ``govgate-pre-commit``.

Help and argparse's own messages (usage, errors) in the chosen language: Chinese by default,
English with ``--lang en`` anywhere on the command line.  Parsers are built inside
``cli_language(lang)``; ``h(zh, en)`` picks a help text for it.  Also ``--version`` and the
``--quiet`` and ``--severity`` options with their meaning.
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import dataclasses
from collections.abc import Iterator, Sequence
from importlib import metadata

from .findings import Finding, Severity
from .i18n import DEFAULT_LANG
from .report import Report
from .terminal import ProgressBar

_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("govgate_cli_lang", default=DEFAULT_LANG)

# argparse's messages (Python 3.11–3.13), as gettext would translate them.
_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "expected one argument": "需要一个参数值",
    "expected at least one argument": "至少需要一个参数值",
    "expected at most one argument": "至多一个参数值",
    "ambiguous option: %(option)s could match %(matches)s": "选项不明确：%(option)s 可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "必须给出参数 %s 之一",
    "ignored explicit argument %r": "忽略了显式参数 %r",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可选：%(choices)s）",
    "commands": "命令",
}


def h(zh: str, en: str) -> str:
    """A help text in the language the parser is being built for."""
    return en if _LANG.get() == "en" else zh


def wanted_lang(argv: Sequence[str], default: str = DEFAULT_LANG) -> str:
    """``--lang en`` / ``--lang=en`` anywhere before ``--``: help and errors come before parsing ends."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else DEFAULT_LANG
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else DEFAULT_LANG
    return default


@contextlib.contextmanager
def cli_language(lang: str) -> Iterator[None]:
    """Build and run parsers in ``lang``: help texts through ``h`` and argparse's own messages."""
    token = _LANG.set(lang)
    saved = argparse._, argparse.ngettext   # type: ignore[attr-defined]
    if lang != "en":
        argparse._ = lambda text: _ZH.get(text, text)   # type: ignore[attr-defined]
        argparse.ngettext = lambda one, many, n: _ZH.get(one if n == 1 else many, one if n == 1 else many)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved   # type: ignore[attr-defined]
        _LANG.reset(token)


def version(prog: str) -> str:
    try:
        number = metadata.version("mkdocs-govgate")
    except metadata.PackageNotFoundError:   # running from a source tree that was never installed
        number = "unknown"
    return f"{prog} {number}"


def add_version(parser: argparse.ArgumentParser, prog: str) -> None:
    parser.add_argument("--version", "-V", action="version", version=version(prog),
                        help=h("显示版本号并退出", "show the version and exit"))


SEVERITIES = tuple(s.value for s in Severity)


def add_output_options(parser: argparse.ArgumentParser, suppress: bool = False) -> None:
    """``--quiet`` and ``--severity``; ``suppress``: the copy each command accepts after its name."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--quiet", "-q", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help=h("只输出问题和错误：不显示进度条和汇总行", "print problems and errors only: no progress "
                               "bars, no summary lines"))
    parser.add_argument("--severity", choices=SEVERITIES, default=default, metavar="{" + ",".join(SEVERITIES) + "}",
                        help=h("只显示至少这一级别的问题（block 阻止 > warn 警告 > info 提示；默认全部）；不改变退出码",
                               "show only problems of at least this severity (block > warn > info; default: all); the "
                               "exit status does not change"))


def at_least(findings: list[Finding], severity: str | None) -> list[Finding]:
    """The findings of ``severity`` or above (all when None)."""
    if not severity:
        return findings
    order = {s.value: rank for rank, s in enumerate(reversed(Severity))}
    floor = order[severity]
    return [f for f in findings if order[f.severity.value] >= floor]


def shown_report(report: Report, severity: str | None) -> Report:
    """The report as displayed with ``--severity``: the findings below it left out (the exit status
    is judged on the full report)."""
    if not severity:
        return report
    pages = [dataclasses.replace(p, findings=at_least(p.findings, severity)) for p in report.pages]
    return Report(pages, at_least(report.findings, severity))


def progress_bar(args: argparse.Namespace, lang: str, forced: bool | None = None) -> ProgressBar:
    """A progress bar on stderr when it is a terminal (``forced`` True/False overrides); never with --quiet."""
    return ProgressBar(lang, enabled=False if getattr(args, "quiet", False) else forced)
