"""`mkdocs serve` shows unapproved pages as drafts with a banner; `mkdocs build` never does."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

from sitekit import BIN, Site

THEME_DOMAINS = "mkdocs.org\ncdnjs.cloudflare.com\nfonts.googleapis.com\nfonts.gstatic.com\nsquidfunk.github.io\n"
BANNER = "govgate-draft-banner"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


@contextlib.contextmanager
def serving(site: Site, *args: str, log: list[str] | None = None) -> Iterator[str]:
    """`mkdocs serve` on a free port; yields its base URL once it answers; always killed (its output into ``log``)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}", *args], cwd=site.root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base, timeout=1).close()
                break
            except urllib.error.HTTPError:
                break        # it answers (a 404 page is an answer)
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("mkdocs serve did not start:\n" + (process.stdout.read()
                                                                            if process.poll() is not None else "")) from None
                time.sleep(0.1)
        yield base
    finally:
        process.kill()
        output, _ = process.communicate(timeout=10)
        if log is not None:
            log.append(output)


def draft_site(root, lang: str | None = None) -> Site:
    site = Site(root, on_unapproved="exclude")
    site.write("signoffs/rules/allowed_domains.txt", THEME_DOMAINS)
    if lang:
        site.write_config(lang=lang)
    site.page("index.md", "# 首页\n\n欢迎访问。\n")
    site.approve("index.md")
    site.page("draft.md", "# 待审通知\n\nZZQX7731正文。\n", classification="important")
    site.sign("draft.md", "first")
    return site


def test_serve_shows_draft_with_banner_and_build_never_does(tmp_path) -> None:
    site = draft_site(tmp_path / "s")
    with serving(site, "--no-livereload") as base:
        status, draft = fetch(base + "draft/")
        _, index = fetch(base)
    assert status == 200
    assert BANNER in draft and "ZZQX7731正文" in draft
    banner = draft.split(BANNER, 1)[1].split("</ul>", 1)[0]
    assert "草稿" in banner
    for needed in ("复审复校（second）", "终审终校（final）", "主要领导签批（principal）",   # stage titles
                   "网站管理员", "保密审核员", "分管领导", "主要领导",                       # role titles
                   "网管甲（webadmin1）", "保密员甲（secrecy1）", "副县长甲（deputy1）", "县长甲（principal1）"):
        assert needed in banner, needed
    assert "初审初校（first）" not in banner          # signed: not listed as missing
    assert BANNER not in index                        # approved pages carry no banner

    result = site.build()
    assert result.returncode == 0, result.stderr
    text = site.site_text()
    assert BANNER not in text and "zzqx7731" not in text.lower() and "草稿：" not in text


def test_english_messages(tmp_path) -> None:
    site = draft_site(tmp_path / "s", lang="en")
    with serving(site, "--no-livereload") as base:
        _, draft = fetch(base + "draft/")
    assert "DRAFT: not approved for publication" in draft and "second (复审复校)" in draft
    site.on_unapproved = "fail"
    site.write_config(lang="en")
    result = site.build()
    assert result.returncode != 0
    assert "file(s) are not cleared for publication" in result.stderr
    assert "second (复审复校) not satisfied: not signed yet" in result.stderr
    assert "未获准发布" not in result.stderr and "尚无签核" not in result.stderr
