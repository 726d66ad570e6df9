"""Active content that loads or sends to another site: external scripts, stylesheets, redirects, frames.

Reviewed text is worth nothing if the published page pulls a script or stylesheet from a host
the site does not control (the live page can then be rewritten after review), redirects
(``<meta http-equiv=refresh>``, ``<base>``), posts a form elsewhere, or frames another site.
Wherever they appear (page body, theme, extra templates) each such reference must point at the
site itself or an allow-listed host.  URLs are read the way browsers read them: entities
decoded (html.parser does), ASCII tab and newline removed, backslashes as slashes, leading
control characters and spaces stripped, IDN hosts compared in punycode.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

# element → attributes that make the browser load, run or go to a URL on its own
_ACTIVE = {
    "script": ("src",), "iframe": ("src",), "frame": ("src",), "embed": ("src",), "object": ("data",),
    "base": ("href",), "form": ("action",), "applet": ("code", "codebase"), "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"), "feimage": ("href", "xlink:href"), "input": ("formaction",),
    "button": ("formaction",), "link": ("href",),
}
# <link rel=…> values that load something (canonical, alternate … are only addresses)
_LOADING_RELS = {"stylesheet", "preload", "prefetch", "modulepreload", "import", "icon", "shortcut", "manifest",
                 "preconnect", "dns-prefetch", "prerender", "apple-touch-icon", "mask-icon"}
_REFRESH_URL_RE = re.compile(r"(?i)url\s*=\s*['\"]?([^'\"]*)")
_STRIP = "".join(chr(c) for c in range(0x21)) + "\x7f"


@dataclass(frozen=True)
class ActiveReference:
    line: int
    column: int
    element: str
    url: str
    reason: str       # "external" | "script-scheme"


def browser_url(raw: str) -> str:
    """The URL a browser would use for an attribute value (after html.parser decoded entities)."""
    url = raw.strip(_STRIP).replace("\t", "").replace("\n", "").replace("\r", "")
    return url.replace("\\", "/")


def url_host(url: str) -> str | None:
    """The host ``url`` goes to; None for a same-site (relative or path-only) URL."""
    lowered = url.lower()
    if lowered.startswith("//"):
        url = "http:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return "invalid"
    if not parts.netloc:
        return None
    host = (parts.hostname or "").rstrip(".")
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return host.lower() or "invalid"


def _scheme(url: str) -> str:
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return match.group(1).lower() if match else ""


class _Finder(HTMLParser):
    def __init__(self, allowed: Callable[[str], bool]):
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.found: list[ActiveReference] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        line, column = self.getpos()
        urls: list[str] = []
        if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
            match = _REFRESH_URL_RE.search(values.get("content", ""))
            if match and match.group(1).strip():   # without a URL it only reloads the page itself
                urls.append(match.group(1))
        elif tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if rels & _LOADING_RELS:
                urls.append(values.get("href", ""))
        else:
            urls.extend(values[a] for a in _ACTIVE.get(tag, ()) if a in values)
        for raw in urls:
            url = browser_url(raw)
            if _scheme(url) in ("javascript", "vbscript", "data") and tag != "link" or _scheme(url) == "javascript":
                self.found.append(ActiveReference(line, column + 1, tag, url, "script-scheme"))
                continue
            host = url_host(url)
            if host is not None and not self.allowed(host):
                self.found.append(ActiveReference(line, column + 1, tag, url, "external"))

    handle_startendtag = handle_starttag


def active_references(html: str, allowed: Callable[[str], bool]) -> Iterator[ActiveReference]:
    """Every reference in ``html`` that loads, runs or redirects to somewhere not allowed."""
    finder = _Finder(allowed)
    finder.feed(html)
    finder.close()
    yield from finder.found
