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
    "script": ("src", "href", "xlink:href"), "iframe": ("src",), "frame": ("src",), "embed": ("src",),
    "object": ("data",), "portal": ("src",),
    "base": ("href",), "form": ("action",), "applet": ("code", "codebase"), "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"), "feimage": ("href", "xlink:href"), "input": ("formaction",),
    "button": ("formaction",), "link": ("href",),
}
# <link rel=…> values that load something (canonical, alternate … are only addresses)
_LOADING_RELS = {"stylesheet", "preload", "prefetch", "modulepreload", "import", "icon", "shortcut", "manifest",
                 "preconnect", "dns-prefetch", "prerender", "apple-touch-icon", "mask-icon"}
# the HTML standard's refresh syntax: a time, then ";" / "," / space, then the URL, "url=" optional
_REFRESH_RE = re.compile(r"(?is)^[\t\n\f\r ]*[0-9.]+[\t\n\f\r ]*[;,]?[\t\n\f\r ]*(?:url[\t\n\f\r ]*=[\t\n\f\r ]*)?(.*)$")
_XML_STYLESHEET_RE = re.compile(r"""(?is)^xml-stylesheet\b.*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# URL schemes whose "scheme:host" and "scheme:///host" a browser reads as that host (WHATWG "special" schemes)
_SPECIAL_SCHEMES = ("http", "https", "ws", "wss", "ftp")
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
    scheme = _scheme(url)
    if scheme in _SPECIAL_SCHEMES:
        url = "http://" + url[len(scheme) + 1:].lstrip("/")     # "http:evil", "https:///evil": both go to evil
    elif not scheme and url.startswith("//"):
        url = "http://" + url.lstrip("/")                          # "///evil" is "//evil" to a browser
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
        values: dict[str, str] = {}
        for name, value in attrs:      # a browser keeps the first of two equal attributes
            values.setdefault(name.lower(), value or "")
        line, column = self.getpos()
        urls: list[str] = []
        if tag == "iframe" and "srcdoc" in values:    # a document in an attribute: what it loads, the page loads
            inner = _Finder(self.allowed)
            inner.feed(values["srcdoc"])
            inner.close()
            self.found.extend(ActiveReference(line, column + 1, f"iframe srcdoc <{r.element}>", r.url, r.reason)
                              for r in inner.found)
        if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
            match = _REFRESH_RE.match(values.get("content", ""))
            target = _unquote(match.group(1)) if match else ""
            if target.strip():   # without a URL it only reloads the page itself
                urls.append(target)
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

    def handle_pi(self, data: str) -> None:
        """``<?xml-stylesheet href=…?>`` in an SVG or XML file loads a stylesheet."""
        match = _XML_STYLESHEET_RE.match(data)
        if match:
            url = browser_url(match.group(1) or match.group(2) or "")
            host = url_host(url)
            if host is not None and not self.allowed(host):
                line, column = self.getpos()
                self.found.append(ActiveReference(line, column + 1, "?xml-stylesheet", url, "external"))


def _unquote(value: str) -> str:
    """A refresh URL in quotes ends at the closing quote."""
    value = value.lstrip("\t\n\f\r ")
    if value[:1] in ("'", '"'):
        end = value.find(value[0], 1)
        return value[1:end] if end > 0 else value[1:]
    return value


def active_references(html: str, allowed: Callable[[str], bool]) -> Iterator[ActiveReference]:
    """Every reference in ``html`` that loads, runs or redirects to somewhere not allowed."""
    finder = _Finder(allowed)
    finder.feed(html)
    finder.close()
    yield from finder.found
