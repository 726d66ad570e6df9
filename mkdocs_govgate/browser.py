"""A real renderer for the HTML records: headless Chromium prints PDF, takes screenshots, dumps the DOM.

Chromium is found through ``GOVGATE_CHROMIUM`` or on the PATH (chromium, chromium-browser,
google-chrome).  Each call runs one headless process with a fresh profile, no network
services and no sandbox (CI runs as root); the pages it renders carry no scripts and load
nothing from outside.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import GateError
from .i18n import Msg

CHROMIUM_ENV = "GOVGATE_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-extensions", "--hide-scrollbars", "--mute-audio")
_TIMEOUT = 120
_INSTALL_HINT = Msg(
    f"安装 Chromium（Debian/Ubuntu：apt-get install chromium fonts-wqy-zenhei），或用环境变量 {CHROMIUM_ENV} 指明浏览器路径",
    f"install Chromium (Debian/Ubuntu: apt-get install chromium fonts-wqy-zenhei), or point {CHROMIUM_ENV} at the "
    "browser")


def find_chromium() -> str:
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        found = shutil.which(configured)
        if not found:
            raise GateError(Msg(f"{CHROMIUM_ENV} 指向的浏览器不存在或不可执行：{configured}",
                                f"{CHROMIUM_ENV} names no executable browser: {configured}"), hint=_INSTALL_HINT)
        return found
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise GateError(Msg("找不到 Chromium 浏览器，无法生成 PDF 或截图", "Chromium is not installed: cannot make a PDF or a "
                        "screenshot"), hint=_INSTALL_HINT)


def _run(source: Path, *args: str) -> subprocess.CompletedProcess:
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="govgate-chromium-") as profile:
        command = [browser, *_FLAGS, f"--user-data-dir={profile}", *args, source.absolute().as_uri()]
        try:
            proc = subprocess.run(command, capture_output=True, timeout=_TIMEOUT, check=False,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise GateError(Msg(f"Chromium 在 {_TIMEOUT} 秒内没有完成", f"Chromium did not finish within {_TIMEOUT} s"),
                            str(source)) from None
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise GateError(Msg(f"Chromium 渲染失败（退出码 {proc.returncode}）：{' '.join(tail)}",
                            f"Chromium failed (exit {proc.returncode}): {' '.join(tail)}"), str(source))
    return proc


def _expect(target: Path, what: Msg) -> Path:
    if not target.is_file() or target.stat().st_size == 0:
        raise GateError(Msg(f"Chromium 没有生成{what.zh}", f"Chromium wrote no {what.en}"), str(target),
                        hint=_INSTALL_HINT)
    return target


def print_pdf(source: Path, target: Path) -> Path:
    """Print an HTML file to PDF (the page's own ``@page`` size and margins; no browser header/footer)."""
    target.unlink(missing_ok=True)
    _run(source, "--no-pdf-header-footer", f"--print-to-pdf={target.absolute()}")
    return _expect(target, Msg("PDF 文件", "PDF file"))


def screenshot(source: Path, target: Path, width: int = 1000, height: int = 1400, scale: float = 1.0) -> Path:
    """A PNG of the first ``width`` × ``height`` CSS pixels of the page."""
    target.unlink(missing_ok=True)
    _run(source, f"--window-size={width},{height}", f"--force-device-scale-factor={scale}",
         f"--screenshot={target.absolute()}")
    return _expect(target, Msg("截图", "screenshot"))


def dump_dom(source: Path) -> str:
    """The DOM after parsing and rendering, as HTML: what a reader's browser actually built."""
    return _run(source, "--dump-dom").stdout.decode("utf-8", errors="replace")
