"""``govgate serve``: preview drafts the way reviewers should, without running anything from the repository.

A plain ``mkdocs serve`` reads mkdocs.yml with PyYAML's unsafe loader and imports ``hooks:`` while
loading it, and renders theme templates in Jinja without a sandbox: an editor's branch could run code
on the reviewer's machine.  Here the configuration is judged and proved sealed first (as ``govgate
build`` does), and in this process MkDocs' loader is replaced by the strict safe reader and ``hooks:``
are refused, so a change pulled while the server runs cannot slip in on a reload; the plugin proves
the configuration sealed again before every rebuild renders a template.
"""

from __future__ import annotations

import argparse
import logging

from ..cliargs import h
from . import EXIT_ERROR, EXIT_OK
from .build import log_to_stderr, sealed_configuration


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    serve = sub.add_parser("serve", parents=[common], help=h(
        "本地预览（草稿带横幅），先核验封签配置，不执行仓库中的任何代码",
        "preview locally (drafts with their banner) after verifying the sealed configuration; runs no "
        "repository code"))
    serve.add_argument("--dev-addr", "-a", default=None, help=h("地址与端口，如 127.0.0.1:8000",
                                                                 "address and port, e.g. 127.0.0.1:8000"))
    serve.set_defaults(run=_serve)


def harden_mkdocs() -> None:
    """In this process: MkDocs reads configuration with the strict safe loader and refuses ``hooks:``."""
    import mkdocs.utils.yaml as mkdocs_yaml  # noqa: PLC0415 - MkDocs only for this command
    from mkdocs.config import config_options  # noqa: PLC0415
    from mkdocs.config.base import ValidationError  # noqa: PLC0415

    from ..siteconfig.reader import strict_loader  # noqa: PLC0415

    def no_hooks(self, value: object):  # noqa: ANN202, ARG001 - replaces Hooks.run_validation
        if value:
            raise ValidationError("govgate: hooks are not allowed (they run repository code)")
        return {}

    mkdocs_yaml.get_yaml_loader = lambda loader=None, config=None: strict_loader()
    config_options.Hooks.run_validation = no_hooks


def _serve(args: argparse.Namespace, lang: str) -> int:
    config_file, _ = sealed_configuration(args.config, lang)
    harden_mkdocs()
    log_to_stderr(logging.INFO)
    from mkdocs.commands.serve import serve  # noqa: PLC0415
    from mkdocs.exceptions import Abort, ConfigurationError  # noqa: PLC0415

    try:
        serve(config_file=str(config_file), dev_addr=args.dev_addr, livereload=True)
    except (Abort, ConfigurationError) as exc:
        print(f"govgate serve: {exc}")
        return EXIT_ERROR
    return EXIT_OK
