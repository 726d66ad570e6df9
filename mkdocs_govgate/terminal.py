"""Terminal output through rich: colour, tables and progress bars where a person is watching.

Colour and progress bars appear only on a terminal; ``NO_COLOR`` (https://no-color.org),
``TERM=dumb`` and a pipe or file turn colour off (rich's own detection), so piped output and
logs are plain text.  ``--quiet`` turns progress bars off too.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from typing import TextIO

from rich import box
from rich.console import Console
from rich.highlighter import RegexHighlighter
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from .i18n import Msg
from .safetext import clean

Cell = str | Sequence[str]

_THEME = Theme({"gg.block": "bold red", "gg.warn": "yellow", "gg.info": "dim", "gg.rule": "cyan",
                "gg.path": "bold", "gg.heading": "bold"})


class _FindingHighlighter(RegexHighlighter):
    """Severity, rule id and file of the finding lines render.py writes; headings."""

    base_style = "gg."
    highlights = (
        r"^  (?P<path>\S.*)$",
        r"^    \S+(?: \[[^\]]*\])? (?:(?P<block>block)|(?P<warn>warn)|(?P<info>info)) (?P<rule>[a-z_]+\.[a-z_.]+):",
        r"^(?P<heading>(?:govgate|■).*)$",
    )


def console(stream: TextIO | None = None) -> Console:
    """A console writing plain text unless ``stream`` is a terminal that takes colour."""
    return Console(file=stream or sys.stdout, theme=_THEME, highlight=False, markup=False, emoji=False,
                   soft_wrap=True)


def emit(text: str, stream: TextIO | None = None) -> None:
    """Print a report: coloured on a terminal, byte-for-byte ``text`` otherwise."""
    out = console(stream)
    if out.is_terminal and out.color_system is not None:
        out.print(_FindingHighlighter()(Text(text)))
    else:
        (stream or sys.stdout).write(text + "\n")


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], indent: int = 2) -> str:
    """A plain-text table aligned by display width; cells may hold several lines."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), header_style="")
    for header in headers:
        table.add_column(header, no_wrap=True, overflow="ignore")
    for row in rows:
        table.add_row(*(Text("\n".join(clean(c) for c in ([cell] if isinstance(cell, str) else cell) or [""]))
                        for cell in row))
    buffer = io.StringIO()
    Console(file=buffer, width=100_000, color_system=None, highlight=False, markup=False, emoji=False).print(table)
    lines = [(" " * indent + line).rstrip() for line in buffer.getvalue().splitlines()]
    return "\n".join(line for line in lines if line)


class ProgressBar:
    """``progress(done, total, phase)`` for long commands: a rich bar on stderr, gone when finished.

    Shown only when ``enabled`` (default: stderr is a terminal); otherwise every call is a no-op.
    """

    def __init__(self, lang: str, enabled: bool | None = None, stream: TextIO | None = None):
        self.lang = lang
        # forced on (--progress): drawn even into a pipe, as the user asked
        err = Console(file=stream or sys.stderr, highlight=False, markup=False, emoji=False,
                      force_terminal=True if enabled else None)
        show = err.is_terminal if enabled is None else enabled
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeRemainingColumn(), console=err, transient=True, disable=not show,
                                  redirect_stdout=False, redirect_stderr=False)
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, done: int, total: int, phase: Msg) -> None:
        label = phase.render(self.lang)
        task = self._tasks.get(label)
        if task is None:
            task = self._tasks[label] = self._progress.add_task(label, total=total)
        self._progress.update(task, completed=done, total=total)
