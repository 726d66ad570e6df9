"""A screenshot is worth checking only if it shows something: real PNG, expected size, many colours."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def assert_real_png(path: Path, width: int, height: int, min_colours: int = 24) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert struct.unpack(">II", data[16:24]) == (width, height)
    idat, pos = b"", 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(idat)
    # a blank or single-colour page has a handful of distinct byte values; rendered text and borders many
    assert len(set(pixels)) >= min_colours, "the screenshot is (nearly) blank"
    assert len(data) > 20_000, "the screenshot is too small to hold a rendered page"
