"""Attachments published with a page: text extracted with real libraries, corrupt files fail closed."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
from pypdf import PdfReader

ID = "430124199003071232"


def write_pdf(path: Path, pages: list[str]) -> None:
    """A minimal but valid PDF (Helvetica text, correct xref) — no PDF writer library needed."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\nendstream")
        content = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
                       f"/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))


def test_docx_paragraphs_and_tables(engine, tmp_path):
    path = tmp_path / "名单.docx"
    document = docx.Document()
    document.add_paragraph("关于公布补贴发放名单的通知")
    document.add_paragraph("欢迎访问博彩网站")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "姓名"
    table.cell(0, 1).text = "身份证号"
    table.cell(1, 0).text = "张三"
    table.cell(1, 1).text = ID
    document.save(path)
    findings = engine.scan_attachment("files/名单.docx", path)
    places = {f.rule: f.location for f in findings}
    assert places == {"sensitive.gambling": "paragraph 2", "pii.id_card": "table 1 R2C2"}
    assert all(ID not in f.match for f in findings)


def test_xlsx_cells(engine, tmp_path):
    path = tmp_path / "a.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet["A1"] = "联系电话"
    sheet["B3"] = 13812345678            # a number cell, as Excel stores it
    sheet["C4"] = "4301**********1232"    # masked: fine
    other = book.create_sheet("名单")
    other["A2"] = f"身份证{ID}"
    book.save(path)
    findings = engine.scan_attachment("files/a.xlsx", path)
    assert sorted((f.rule, f.location) for f in findings) == [("pii.id_card", "名单!A2"), ("pii.mobile", "Sheet1!B3")]
    assert findings[0].where().startswith("files/a.xlsx [")


def test_pdf_pages(engine, tmp_path):
    path = tmp_path / "a.pdf"
    write_pdf(path, ["Public notice, page one.", f"Contact 13812345678, buy cialis, ID {ID}"])
    assert "13812345678" in PdfReader(str(path)).pages[1].extract_text()     # extraction really works
    findings = engine.scan_attachment("files/a.pdf", path)
    assert sorted((f.rule, f.location) for f in findings) == [
        ("pii.id_card", "page 2"), ("pii.mobile", "page 2"), ("sensitive.fraud", "page 2")]


def test_txt_and_csv_have_lines(engine, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("姓名,手机\n张三,13812345678\n".encode("gb18030"))
    [finding] = engine.scan_attachment("files/a.csv", path)
    assert (finding.rule, finding.line, finding.column) == ("pii.mobile", 2, 4)
    path = tmp_path / "b.txt"
    path.write_text("第一行\n机密★1年\n", "utf-8")
    [finding] = engine.scan_attachment("files/b.txt", path)
    assert (finding.rule, finding.line, finding.column) == ("secret.marking", 2, 1)


def test_corrupt_attachments_fail_closed(engine, tmp_path):
    for name in ("bad.docx", "bad.xlsx", "bad.pdf"):
        path = tmp_path / name
        path.write_bytes(b"this is not what the suffix says")
        [finding] = engine.scan_attachment(f"files/{name}", path)
        assert finding.rule == "input.attachment" and finding.blocking, name
    [finding] = engine.scan_attachment("files/missing.pdf", tmp_path / "missing.pdf")
    assert finding.blocking


def test_other_types_are_skipped(engine, tmp_path):
    path = tmp_path / "a.png"
    path.write_bytes(b"\x89PNG")
    assert engine.scan_attachment("files/a.png", path) == []
