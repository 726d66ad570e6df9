"""The stamp every built page carries: its source and approved digest, for `govgate audit`."""

from __future__ import annotations

from html import escape as html_escape


def stamp_text(src_uri: str, digest: str) -> str:
    return f'<meta name="govgate-source" content="{html_escape(src_uri)}"><meta name="govgate-digest" content="{digest}">'


def stamped(output: str, meta: str) -> str:
    """``output`` with ``meta`` just before ``</head>`` (first in the page when it has none)."""
    if not meta:
        return output
    if "</head>" in output:
        return output.replace("</head>", meta + "</head>", 1)
    head_end = output.lower().find("</head>")
    return output[:head_end] + meta + output[head_end:] if head_end >= 0 else meta + output


def stamped_bytes(written: bytes, meta: str) -> bytes:
    """The same for a page as written (UTF-8): where ``stamped`` would put it, byte for byte."""
    if not meta:
        return written
    head_end = written.find(b"</head>")
    if head_end < 0:
        head_end = written.lower().find(b"</head>")    # ASCII-only lowering: the tag's bytes are ASCII
    encoded = meta.encode("utf-8")
    return written[:head_end] + encoded + written[head_end:] if head_end >= 0 else encoded + written
