"""Text of published attachments (.docx .xlsx .pdf .txt .csv), with a place name per piece.

Pieces are joined with blank lines into one text (one normalisation, one automaton pass per
file); ``places`` maps offsets in that text back to "Sheet1!B3", "page 2", "paragraph 4".
An attachment that cannot be read is reported as a blocking finding by the engine: the gate
fails closed rather than publish what it could not check.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".docx", ".xlsx", ".pdf", ".txt", ".csv")
SEPARATOR = "\n\n"


class UnreadableAttachment(Exception):
    pass


@dataclass
class Extracted:
    text: str = ""
    line_based: bool = False                       # .txt/.csv: report real line/column
    places: list[tuple[int, str]] = field(default_factory=list)

    def add(self, place: str, piece: str) -> None:
        if not piece or not piece.strip():
            return
        if self.text:
            self.text += SEPARATOR
        self.places.append((len(self.text), place))
        self.text += piece

    def place_of(self, offset: int) -> str:
        if not self.places:
            return ""
        i = bisect.bisect_right([p[0] for p in self.places], offset) - 1
        return self.places[max(i, 0)][1]


def _docx(path: Path) -> Extracted:
    import docx  # python-docx; imported lazily: most runs never open an attachment

    out = Extracted()
    document = docx.Document(str(path))

    def paragraphs(container, prefix: str) -> None:
        for i, para in enumerate(container.paragraphs, 1):
            text = para.text
            links = [h.address for h in getattr(para, "hyperlinks", []) if getattr(h, "address", None)]
            out.add(f"{prefix}paragraph {i}", "\n".join([text, *links]) if links else text)
        for t, table in enumerate(container.tables, 1):
            for r, row in enumerate(table.rows, 1):
                seen: set[int] = set()
                for c, cell in enumerate(row.cells, 1):
                    if id(cell._tc) in seen:       # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    out.add(f"{prefix}table {t} R{r}C{c}", cell.text)

    paragraphs(document, "")
    for s, section in enumerate(document.sections, 1):
        for name in ("header", "footer"):
            part = getattr(section, name)
            if not part.is_linked_to_previous or s == 1:
                paragraphs(part, f"{name} {s} ")
    return out


def _xlsx(path: Path) -> Extracted:
    import openpyxl
    from openpyxl.utils import get_column_letter

    out = Extracted()
    workbook = openpyxl.load_workbook(str(path), read_only=True, data_only=False)
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is None:
                        continue
                    if isinstance(value, float) and value.is_integer():
                        value = int(value)      # 13800000000 stored as a number
                    out.add(f"{sheet.title}!{get_column_letter(cell.column)}{cell.row}", str(value))
    finally:
        workbook.close()
    return out


def _pdf(path: Path) -> Extracted:
    from pypdf import PdfReader

    out = Extracted()
    reader = PdfReader(str(path))
    if reader.is_encrypted and not reader.decrypt(""):
        raise UnreadableAttachment("encrypted PDF")
    for i, page in enumerate(reader.pages, 1):
        out.add(f"page {i}", page.extract_text() or "")
    return out


def _plain(path: Path) -> Extracted:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableAttachment("not UTF-8 or GB18030 text")
    return Extracted(text.replace("\r\n", "\n").replace("\r", "\n"), line_based=True)


def extract(path: Path) -> Extracted | None:
    """Text of a supported attachment, None for other file types; UnreadableAttachment if broken."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return None
    reader = {".docx": _docx, ".xlsx": _xlsx, ".pdf": _pdf, ".txt": _plain, ".csv": _plain}[suffix]
    try:
        return reader(path)
    except UnreadableAttachment:
        raise
    except Exception as exc:  # noqa: BLE001 - parsers raise many types on corrupt files; fail closed
        raise UnreadableAttachment(f"{type(exc).__name__}: {exc}") from None
