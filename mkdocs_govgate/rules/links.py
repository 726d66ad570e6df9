"""Link policy (seed 000 §7, 001 §17 §25, 002 §10(1)): allow-listed domains only, no ads or
short links, no hidden links, and link text that names a site must point to that site.

URLs are taken from the normalised view, so entity-encoded addresses and attribute values
(href, src) are seen exactly as a browser would; hidden links are found by walking the HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

from .detectors import Hit
from .model import Rule
from .normalise import NormText, normalise, normalise_word

# an address ends at space, quotes, brackets or any CJK character/punctuation (URLs run into prose)
_URL_END = r"[^\s<>\"'()\[\]{}\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]*"
URL_RE = re.compile(
    r"(?i)(?:https?|ftp)://" + _URL_END
    + r"|(?:(?<=\]\()|(?<=\n\n))//[a-z0-9-]+(?:\.[a-z0-9-]+)+" + _URL_END
    + r"|(?<![A-Za-z0-9_.@/\-])www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+" + _URL_END
    # a bare domain written in prose is an address readers type in (an ad's favourite form)
    + r"|(?<![A-Za-z0-9_.@/\-])(?:[a-z0-9][a-z0-9-]*\.)+(?:com|net|org|cn|cc|top|xyz|vip|info|me|io|tv|co|biz|club"
      r"|site|online|shop|app|ltd|wang|ren|asia|pw|ws|la|tk)(?![A-Za-z0-9_\-])(?:/" + _URL_END + ")?"
)
SCRIPT_RE = re.compile(r"(?i)(?:(?<=\]\()|(?<=\n\n))[ \t]*(?:javascript|vbscript|data[ \t]*:[ \t]*text/html)[ \t]*:?")
# (?<!!) written after the '[' so the regex engine can skip straight to '[' characters
MD_LINK_RE = re.compile(r"\[(?<!!\[)([^\]\n]{1,300})\]\(\s*<?([^)\s>]+)")
# Pre-filters.  Every URL_RE match lies within one line, in a run of URL characters (no space,
# quote, bracket or CJK), and holds '//' or a '.' next to a letter (a TLD follows the last dot of
# a domain, 'www' precedes its dot; İ ı ſ K are letters to [a-z] under (?i)): decimal numbers
# such as 98.6 are no hint.  URL_RE, whose look-behinds make a full scan slow, then runs only on
# the runs holding a '.' or '/' of the lines holding a hint.  SCRIPT_RE can only start right
# after '](' or a blank line, and only where the lower-cased text says 'javascript',
# 'vbscript' or 'data'.
_URL_RUN_RE = re.compile(r"[^\s<>\"'()\[\]{}\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]*[./]"
                         r"[^\s<>\"'()\[\]{}\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]*")
_URL_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\u0130\u0131\u017f\u212a")
_SCRIPT_START_RE = re.compile(r"\]\(|\n(?=\n)")
HTML_A_RE = re.compile(r"(?is)<a\b[^>]*?\bhref\s*=\s*[\"']?([^\"'\s>]+)[^>]*>(.*?)</a\s*>")
_TAG_RE = re.compile(r"<[^<>]*>")
# Theme assets (stylesheets, scripts, meta) are not links readers follow: only ad/short-link
# domains are judged there, so a theme's font CDN does not block every rendered page.
_ASSET_TAG_RE = re.compile(r"(?is)<(?:link|script|meta)\b[^<>]*>")
_DOMAIN_IN_TEXT_RE = re.compile(r"(?i)(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})")

_HIDDEN_STYLE_RE = re.compile(
    r"display:none|visibility:(?:hidden|collapse)|opacity:0?\.?0*(?:;|$|!)|font-size:0(?:\.0*)?[a-z%]*(?:;|$|!)"
    r"|(?<![-\w])(?:width|height|max-width|max-height):0(?:\.0*)?[a-z%]*(?:;|$|!)"
    r"|(?:left|top|right|text-indent|margin-left|margin-top):-\d{3,}|clip:rect\(0"
)
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def _url_hints(text: str) -> Iterator[int]:
    """Offsets of each '//' and each '.' with a letter on one side, in order.

    str.find loops: '.' and '/' are rare in Chinese prose, and a regex scan costs more."""
    slash = text.find("//")
    dot = text.find(".")
    last = len(text) - 1
    while dot >= 0 or slash >= 0:
        if dot >= 0 and (slash < 0 or dot < slash):
            if 0 < dot < last and (text[dot - 1] in _URL_LETTERS or text[dot + 1] in _URL_LETTERS):
                yield dot
            dot = text.find(".", dot + 1)
        else:
            yield slash
            slash = text.find("//", slash + 1)


def _url_matches(text: str) -> Iterator[re.Match]:
    """``URL_RE.finditer(text)``, run only where a match could be: on the runs of URL characters
    holding a '.' or '/' (_URL_RUN_RE) of the lines holding a hint."""
    end = -1
    for hint in _url_hints(text):
        if hint <= end:
            continue        # that line is done
        start = text.rfind("\n", 0, hint) + 1
        end = text.find("\n", hint)
        end = len(text) if end < 0 else end
        for run in _URL_RUN_RE.finditer(text, start, end):
            yield from URL_RE.finditer(text, *run.span())   # look-behinds still see the text before


def _script_hint(nt: NormText) -> bool:
    # the compact view is lower-cased and keeps ASCII words whole; İ and ı match i under (?i);
    # all three words hold a 't', and a one-character test is nearly free
    compact = nt.compact
    return "t" in compact and ("javascript" in compact or "vbscript" in compact or "data" in compact
                               or "\u0130" in nt.norm or "\u0131" in nt.norm)


def _script_matches(text: str) -> Iterator[re.Match]:
    """``SCRIPT_RE.finditer(text)``: tried only where its look-behind can hold."""
    for m in _SCRIPT_START_RE.finditer(text):
        found = SCRIPT_RE.match(text, m.start() + 2)
        if found:
            yield found


def host_of(url: str) -> str:
    url = url.strip().rstrip(".,;:!?")
    if url.startswith("//"):
        url = "http:" + url
    elif not re.match(r"(?i)[a-z][a-z0-9+.-]*://", url):
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


def on_domain(host: str, domains: list[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def is_external(url: str) -> bool:
    return bool(re.match(r"(?i)\s*(?:[a-z][a-z0-9+.-]*:)?//", url))


class LinkRules:
    def __init__(self, rules: dict[str, Rule]):
        self.rules = rules
        get = rules.get
        self.allowed = [d.lower() for d in (get("link.domain").data.get("allowed_domains", [])
                                            if get("link.domain") else [])]
        self.shorteners = [d.lower() for d in (get("link.shortener").data.get("domains", [])
                                               if get("link.shortener") else [])]
        self.ads = [d.lower() for d in (get("link.ad").data.get("domains", []) if get("link.ad") else [])]
        sites = get("link.text_mismatch").data.get("sites", []) if get("link.text_mismatch") else []
        names = []
        for site in sites:
            for name in [site["name"], *site.get("aliases", [])]:
                names.append((normalise_word(name), [d.lower() for d in site["domains"]]))
        self.site_names = sorted(names, key=lambda x: len(x[0]), reverse=True)

    # -- addresses ----------------------------------------------------------------------
    def check_host(self, host: str) -> Rule | None:
        if not host:
            return None
        if self.shorteners and on_domain(host, self.shorteners):
            return self.rules.get("link.shortener")
        if self.ads and on_domain(host, self.ads):
            return self.rules.get("link.ad")
        if "link.domain" in self.rules and not on_domain(host, self.allowed):
            return self.rules["link.domain"]
        return None

    def scan(self, nt: NormText, *, markup: bool = True) -> Iterator[Hit]:
        text = nt.norm
        if "." in text or "/" in text:
            assets = [m.span() for m in _ASSET_TAG_RE.finditer(nt.original)] if markup and "<" in nt.original else []
            for m in _url_matches(text):
                url = m.group().rstrip(".,;:!?*_~")
                rule = self.check_host(host_of(url))
                if rule and rule.id == "link.domain" and not re.match(r"(?i)(?:https?|ftp):|//", url) \
                        and not text.startswith("](", m.start() - 2) and not text.startswith("\n\n", m.start() - 2):
                    rule = self.rules.get("link.bare_domain")     # prose, not a link
                if rule and rule.id == "link.domain" and assets:
                    origin = nt.norm_start(m.start())
                    if any(a <= origin < b for a, b in assets):
                        continue
                if rule:
                    start, end = nt.norm_span(m.start(), m.start() + len(url))
                    yield Hit(rule, start, end, shown=url)
        script = self.rules.get("link.script")
        if script and ":" in text and _script_hint(nt):
            for m in _script_matches(text):
                start, end = nt.norm_span(*m.span())
                yield Hit(script, start, end)
        if "link.text_mismatch" in self.rules and (("[" in text and "](" in text) or "<" in nt.original):
            yield from self._mismatches(nt)
        if markup and "link.hidden" in self.rules and "<" in nt.original:
            yield from self._hidden(nt.original)

    # -- link text naming another site ----------------------------------------------------
    def _mismatch(self, label: str, url: str) -> bool:
        if not is_external(url) and not re.match(r"(?i)www\.", url):
            return False
        host = host_of(url)
        compact = normalise(label).compact
        for name, domains in self.site_names:
            if name and name in compact:
                return not on_domain(host, domains)
        m = _DOMAIN_IN_TEXT_RE.search(compact)
        if m:
            shown = m.group(1).lower().removeprefix("www.")
            target = host.removeprefix("www.")
            return not (target == shown or target.endswith("." + shown) or shown.endswith("." + target))
        return False

    def _mismatches(self, nt: NormText) -> Iterator[Hit]:
        rule = self.rules["link.text_mismatch"]
        seen: set[int] = set()
        for m in MD_LINK_RE.finditer(nt.norm):
            if self._mismatch(m.group(1), m.group(2)):
                start, end = nt.norm_span(m.start(), m.end())
                seen.add(start)
                yield Hit(rule, start, end, shown=f"[{m.group(1)}]({m.group(2)})")
        if "<" in nt.original and "<a" in nt.original.lower():
            for m in HTML_A_RE.finditer(nt.original):
                label = html.unescape(_TAG_RE.sub("", m.group(2)))
                url = html.unescape(m.group(1))
                if m.start() not in seen and self._mismatch(label, url):
                    yield Hit(rule, m.start(), m.end(), shown=f"{label.strip()} → {url}")

    # -- hidden links -------------------------------------------------------------------
    def _hidden(self, source: str) -> Iterator[Hit]:
        finder = _HiddenLinkFinder()
        try:
            finder.feed(source)
            finder.close()
        except Exception:  # noqa: BLE001 - html.parser is lenient; anything else must not hide a link
            pass
        line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        rule = self.rules["link.hidden"]
        for (line, col), url, length in finder.found:
            start = line_starts[line - 1] + col
            yield Hit(rule, start, start + length, shown=url)


def _is_hidden(attrs: dict[str, str | None]) -> bool:
    if "hidden" in attrs:
        return True
    if (attrs.get("type") or "").lower() == "hidden":
        return True
    style = re.sub(r"\s+", "", (attrs.get("style") or "").lower())
    if style and _HIDDEN_STYLE_RE.search(style):
        return True
    return any((attrs.get(k) or "").strip() in ("0", "0px") for k in ("width", "height"))


class _HiddenLinkFinder(HTMLParser):
    """External <a href>/<iframe src> inside (or being) an element the reader cannot see."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.found: list[tuple[tuple[int, int], str, int]] = []

    def _check(self, tag: str, attrs: dict[str, str | None], hidden: bool) -> None:
        url = attrs.get("href") if tag == "a" else attrs.get("src") if tag in ("iframe", "frame", "embed") else None
        if url and hidden and is_external(url):
            text = self.get_starttag_text() or ""
            self.found.append((self.getpos(), url, len(text)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        amap = {k.lower(): v for k, v in attrs}
        hidden = (self.stack[-1][1] if self.stack else False) or _is_hidden(amap)
        self._check(tag, amap, hidden)
        if tag not in _VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        amap = {k.lower(): v for k, v in attrs}
        self._check(tag, amap, (self.stack[-1][1] if self.stack else False) or _is_hidden(amap))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return
