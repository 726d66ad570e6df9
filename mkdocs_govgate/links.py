"""Local files a page embeds or links: images, attachments, other pages."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

_FENCE_RE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*\n.*?^\1\2[`~]*[ \t]*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.DOTALL)
_MD_LINK_RE = re.compile(r"\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_REF_DEF_RE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)", re.MULTILINE)
_HTML_ATTR_RE = re.compile(r"""\b(?:src|href|data|poster|srcset|action|background)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
                           re.IGNORECASE)
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# What MkDocs 1.6 renders as a page (mkdocs.utils.markdown_extensions; its check is case-sensitive).
# The one list: the build, check, the hooks and the server must agree on what is a page.
PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


@dataclass(frozen=True)
class LocalLink:
    target: str   # posix path relative to docs_dir, normalised
    line: int     # 1-based line in the page file
    escapes: bool  # points outside docs_dir


def _without_code(body: str) -> str:
    """Blank out code so ``[x](y)`` shown as an example is not taken for a link; keep offsets."""
    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return _INLINE_CODE_RE.sub(blank, _FENCE_RE.sub(blank, body))


def _raw_targets(body: str) -> list[tuple[int, str, bool]]:
    """(offset, url, is_raw_html) for every link target in ``body``."""
    found = []
    for regex in (_MD_LINK_RE, _REF_DEF_RE):
        for match in regex.finditer(body):
            found.append((match.start(1), match.group(1).strip("<>"), False))
    for match in _HTML_ATTR_RE.finditer(body):
        value = next(g for g in match.groups() if g is not None)
        if match.group(0).lower().startswith("srcset"):
            for part in value.split(","):
                if part.strip():
                    found.append((match.start(), part.split()[0], True))
        else:
            found.append((match.start(), value, True))
    return sorted(found)


def output_dir(page_path: str, use_directory_urls: bool) -> str:
    """The folder a browser resolves raw HTML links against: MkDocs rewrites Markdown links, not raw HTML."""
    folder, name = posixpath.split(page_path)
    stem = name.rsplit(".", 1)[0]
    if use_directory_urls and stem.lower() not in ("index", "readme"):
        return posixpath.join(folder, stem)
    return folder


def local_links(page_path: str, body: str, body_line: int, use_directory_urls: bool = True) -> list[LocalLink]:
    """Every local target of ``body`` (query and fragment dropped, percent-decoding applied)."""
    clean = _without_code(body)
    markdown_base = posixpath.dirname(page_path)
    html_base = output_dir(page_path, use_directory_urls)
    links: dict[str, LocalLink] = {}
    for offset, url, is_html in _raw_targets(clean):
        base = html_base if is_html else markdown_base
        url = url.strip()
        if not url or url.startswith(("#", "//")) or _SCHEME_RE.match(url):
            continue
        target = unquote(url.split("#", 1)[0].split("?", 1)[0])
        if not target:
            continue
        joined = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        normal = posixpath.normpath(joined) if joined else "."
        escapes = normal == ".." or normal.startswith("../")
        line = body_line + clean.count("\n", 0, offset)
        links.setdefault(normal, LocalLink(normal, line, escapes))
    return list(links.values())


def is_page_path(path: str) -> bool:
    return path.endswith(PAGE_SUFFIXES)
