"""The conventions of the tools users know (ruff, gitleaks, pre-commit): --version, help for every
command and option in Chinese (English with --lang en), argparse's errors in the same language,
commands in workflow order, --quiet, --severity, colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import argparse
import os
import pty
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sitekit import BIN, copy_demo, demo_pin

from mkdocs_govgate import cli, hooks
from mkdocs_govgate.cliargs import cli_language

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
ANSI = "\x1b["
COLOUR = re.compile(r"\x1b\[(?:[0-9]+;)*(?:3[0-7]|9[0-7]|38;[25])[;m]")   # a foreground colour, whatever else


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def parsers(lang: str) -> dict[str, argparse.ArgumentParser]:
    with cli_language(lang):
        top = cli._parser()
        found = {"govgate": top, "govgate-pre-commit": hooks._parser()}
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    found.update({f"govgate {name}": parser for name, parser in sub.choices.items()})
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_and_option_has_help_in_the_language(lang):
    for name, parser in parsers(lang).items():
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    assert choice.help and bool(CJK.search(choice.help)) == (lang == "zh"), (name, choice.dest)
                continue
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
            if action.help is not argparse.SUPPRESS:
                assert bool(CJK.search(action.help)) == (lang == "zh"), (name, action.option_strings, action.help)


def test_commands_are_listed_in_workflow_order():
    help_text = run(BIN / "govgate", "--help").stdout
    listed = re.findall(r"^    (\S+)\s", help_text, re.MULTILINE)
    expected = ["init", "check", "status", "approve", "revise", "reject", "sheet", "audit", "retract", "pre-receive"]
    assert [name for name in listed if name in expected] == expected
    assert "显示本帮助并退出" in help_text and "用法：" in help_text


def test_version_of_both_commands():
    for command in ("govgate", "govgate-pre-commit"):
        result = run(BIN / command, "--version")
        assert result.returncode == 0 and re.fullmatch(rf"{command} \d+\.\d+\.\d+\S*\n", result.stdout), result.stdout


def test_argparse_errors_follow_the_language():
    zh = run(BIN / "govgate", "chek")
    assert zh.returncode == 2 and "错误：" in zh.stderr and "无效的选择：'chek'" in zh.stderr
    missing = run(BIN / "govgate", "approve", "a.md")
    assert missing.returncode == 2 and "缺少必需的参数：--stage" in missing.stderr
    en = run(BIN / "govgate", "--lang", "en", "chek")
    assert en.returncode == 2 and "invalid choice: 'chek'" in en.stderr and not CJK.search(en.stderr)
    hook = run(BIN / "govgate-pre-commit", "--bogus")
    assert hook.returncode == 2 and "无法识别的参数：--bogus" in hook.stderr


@pytest.fixture(autouse=True)
def _demo_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVGATE_TRUST_ROOT", demo_pin())


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("demo-cli"))


def at_terminal(cwd: Path, env: dict, *args: str) -> str:
    """Run with stdout and stderr on a pseudo-terminal, as a person at a terminal would; what it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([str(a) for a in args], cwd=cwd, stdout=follower, stderr=follower,
                               stdin=subprocess.DEVNULL, env={**os.environ, "TERM": "xterm-256color", **env})
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=300)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_colour_only_on_a_terminal_and_never_with_no_color(demo):
    coloured = at_terminal(demo, {}, "env", "-u", "NO_COLOR", "-u", "FORCE_COLOR", BIN / "govgate", "check")
    assert COLOUR.search(coloured) and "approval.missing" in coloured
    plain = at_terminal(demo, {"NO_COLOR": "1"}, BIN / "govgate", "check")
    assert "approval.missing" in plain and not COLOUR.search(plain)   # the progress bar may still move the cursor
    piped = run("env", "-u", "NO_COLOR", "-u", "FORCE_COLOR", BIN / "govgate", "check", cwd=demo)
    assert piped.returncode == 1 and ANSI not in piped.stdout + piped.stderr and "approval.missing" in piped.stdout


def test_quiet_and_severity(demo):
    full = run(BIN / "govgate", "check", cwd=demo)
    quiet = run(BIN / "govgate", "check", "--quiet", cwd=demo)
    assert full.returncode == quiet.returncode == 1
    assert full.stdout.startswith("govgate：") and not quiet.stdout.startswith("govgate")
    assert "approval.missing" in quiet.stdout and quiet.stderr == ""
    assert any(" warn " in line or " info " in line for line in full.stdout.splitlines())   # the demo warns too
    blocking_only = run(BIN / "govgate", "check", "--severity", "block", cwd=demo)
    assert blocking_only.returncode == 1                    # the exit status does not change
    assert " warn " not in blocking_only.stdout and " info " not in blocking_only.stdout
    assert "approval.missing" in blocking_only.stdout


def test_outside_a_site_says_mkdocs_yml_is_missing(tmp_path):
    for command in ("check", "status"):
        result = run(BIN / "govgate", command, cwd=tmp_path)
        assert result.returncode == 2
        assert "找不到 mkdocs.yml" in result.stderr and "policy.yml" not in result.stderr and "govgate init" in result.stderr


def test_without_a_signing_key_the_advice_is_about_ssh(demo, tmp_path):
    demo = shutil.copytree(demo, tmp_path / "site")
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
           "GNUPGHOME": str(home / "gnupg")}
    subprocess.run(["git", "init", "-q", str(demo)], check=True)
    nothing = run(BIN / "govgate", "status", "--mine", cwd=demo, env=env)
    assert nothing.returncode == 2
    assert "OpenPGP" not in nothing.stderr and "ssh-keygen -t ed25519" in nothing.stderr
    assert "git config --global gpg.format ssh" in nothing.stderr
    (home / ".ssh").mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(home / ".ssh" / "id_ed25519")], check=True)
    subprocess.run(["git", "config", "--global", "user.signingkey", "~/.ssh/id_ed25519.pub"], env={**os.environ, **env},
                   check=True)
    half = run(BIN / "govgate", "status", "--mine", cwd=demo, env=env)   # the key, but git would use OpenPGP
    assert half.returncode == 2 and "OpenPGP" not in half.stderr and "gpg.format ssh" in half.stderr
