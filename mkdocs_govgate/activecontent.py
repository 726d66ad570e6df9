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
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

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
_SELECTOR = ",".join(sorted({*_ACTIVE, "meta", "iframe"}))
_PI_RE = re.compile(r"<\?(xml-stylesheet\b[^>]*?)\?>", re.IGNORECASE)
_NOSCRIPT_RE = re.compile(r"<(/?)noscript\b", re.IGNORECASE)    # as raw text, like a browser that runs scripts
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


def element_references(tag: str, values: dict[str, str], line: int, column: int,
                       allowed: Callable[[str], bool]) -> list[ActiveReference]:
    """What one element loads, runs or redirects to that is not allowed (``values``: its attributes, the
    first of equal names kept, entities decoded)."""
    found: list[ActiveReference] = []
    urls: list[str] = []
    if tag == "iframe" and "srcdoc" in values:    # a document in an attribute: what it loads, the page loads
        found.extend(ActiveReference(line, column, f"iframe srcdoc <{r.element}>", r.url, r.reason)
                     for r in active_references(values["srcdoc"], allowed))
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
            found.append(ActiveReference(line, column, tag, url, "script-scheme"))
            continue
        host = url_host(url)
        if host is not None and not allowed(host):
            found.append(ActiveReference(line, column, tag, url, "external"))
    return found


def _unquote(value: str) -> str:
    """A refresh URL in quotes ends at the closing quote."""
    value = value.lstrip("\t\n\f\r ")
    if value[:1] in ("'", '"'):
        end = value.find(value[0], 1)
        return value[1:end] if end > 0 else value[1:]
    return value


def active_references(html: str, allowed: Callable[[str], bool]) -> Iterator[ActiveReference]:
    """Every reference in ``html`` that loads, runs or redirects to somewhere not allowed.

    Read as a browser reads it: the HTML5 tree (Lexbor through selectolax: comments, foreign content and
    attribute rules as the standard says; html.parser differs from browsers on several), and again with
    ``<noscript>`` as raw text when there is one (a browser that runs scripts reads it so); XML
    processing instructions (``<?xml-stylesheet?>`` in SVG) from the text.
    """
    found: list[ActiveReference] = []
    seen: set[tuple[str, str]] = set()
    variants = [html]
    if _NOSCRIPT_RE.search(html):
        variants.append(_NOSCRIPT_RE.sub(r"<\1xmp", html))
    for variant in variants:
        for node in LexborHTMLParser(variant).css(_SELECTOR):     # matched in C: pages carry a whole nav
            tag = (node.tag or "").lower()
            values = {name.lower(): value or "" for name, value in node.attributes.items()}
            for ref in element_references(tag, values, 0, 0, allowed):
                if (ref.element, ref.url) not in seen:
                    seen.add((ref.element, ref.url))
                    found.append(replace(ref, line=_line_of(html, ref.url)))
    for match in _PI_RE.finditer(html):
        pi = _XML_STYLESHEET_RE.match(match.group(1))
        url = browser_url(pi.group(1) or pi.group(2) or "") if pi else ""
        host = url_host(url) if url else None
        if host is not None and not allowed(host):
            found.append(ActiveReference(html.count("\n", 0, match.start()) + 1, 0, "?xml-stylesheet", url, "external"))
    yield from found


def _line_of(html: str, url: str) -> int:
    """The line a reference found in the HTML5 tree comes from (its URL's first appearance; 0: not literal)."""
    at = html.find(url)
    return html.count("\n", 0, at) + 1 if at >= 0 else 0
