"""Attachments for generated sites: real .pdf/.docx/.xlsx/.png files, made in milliseconds.

python-docx and openpyxl take tens of milliseconds per file, so each format is built once as
a template with placeholders and then filled in by rewriting one XML part of the zip.  The
PDF is written by hand: one page of CJK text (UniGB-UCS2-H with a ToUnicode map, so text
extraction gives back exactly the text written).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import cache
from xml.sax.saxutils import escape

DOCX_PARAGRAPHS = 8
XLSX_ROWS = 12
XLSX_COLUMNS = 4


def pdf(lines: list[str]) -> bytes:
    def hex_text(text: str) -> str:
        return "<" + text.encode("utf-16-be").hex().upper() + ">"

    content = "BT /F1 11 Tf 56 780 Td 16 TL " + " ".join(f"{hex_text(line)} Tj T*" for line in lines) + " ET"
    # ToUnicode lists only the characters used, as PDF writers do (a full 0000-FFFF range is slow to read)
    codes = sorted({f"{ord(c):04X}" for line in lines for c in line})
    blocks = "".join(f"{len(codes[i:i + 100])} beginbfchar " + "".join(f"<{c}> <{c}> " for c in codes[i:i + 100])
                     + "endbfchar " for i in range(0, len(codes), 100))
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def "
            f"1 begincodespacerange <0000> <FFFF> endcodespacerange {blocks}"
            "endcmap CMapName currentdict /CMap defineresource pop end end")
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        "/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        f"<< /Length {len(content.encode())} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        "/Ordering (GB1) /Supplement 4 >> /FontDescriptor 8 0 R >>",
        f"<< /Length {len(cmap)} >>\nstream\n{cmap}\nendstream",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 "
        "/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@cache
def _docx_template() -> bytes:
    import docx  # noqa: PLC0415 - only when a site gets a .docx

    document = docx.Document()
    document.add_heading("@@T@@", level=1)
    for i in range(DOCX_PARAGRAPHS):
        document.add_paragraph(f"@@P{i}@@")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@cache
def _xlsx_template() -> bytes:
    import openpyxl  # noqa: PLC0415

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for r in range(XLSX_ROWS):
        for c in range(XLSX_COLUMNS):
            sheet.cell(row=r + 1, column=c + 1, value=f"@@R{r}C{c}@@")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill(template: bytes, part: str, values: dict[str, str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(template))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                text = data.decode("utf-8")
                for key, value in values.items():
                    text = text.replace(key, escape(value))
                data = text.encode("utf-8")
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def docx(title: str, paragraphs: list[str]) -> bytes:
    values = {"@@T@@": title}
    values.update({f"@@P{i}@@": paragraphs[i] if i < len(paragraphs) else "" for i in range(DOCX_PARAGRAPHS)})
    return _fill(_docx_template(), "word/document.xml", values)


def xlsx(rows: list[list[str]]) -> bytes:
    values = {f"@@R{r}C{c}@@": rows[r][c] if r < len(rows) and c < len(rows[r]) else ""
              for r in range(XLSX_ROWS) for c in range(XLSX_COLUMNS)}
    return _fill(_xlsx_template(), "xl/worksheets/sheet1.xml", values)


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-colour PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\0" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height, 9))
            + chunk(b"IEND", b""))
