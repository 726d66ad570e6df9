"""Subcommands of ``govgate``, one module each.

A module here defines ``register(sub, common)``: it adds its parser(s) to ``sub`` (with
``parents=[common]`` for the shared --lang/--config options) and sets ``run=`` to a function
``(args, lang) -> int`` through ``set_defaults``.  The CLI finds the modules itself, so adding a
command never touches another command's file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


# `govgate --help` lists the commands in the order of the work: set up, write and check, review,
# publish, look back, take down; the server hook last.  Modules not named here follow, by name.
WORKFLOW = ("init", "check", "status", "sign", "sheet", "build", "audit", "retract", "rules", "prereceive")


def register_all(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    modules = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    for module in sorted(modules, key=lambda name: (WORKFLOW.index(name) if name in WORKFLOW else len(WORKFLOW), name)):
        importlib.import_module(f"{__name__}.{module}").register(sub, common)
