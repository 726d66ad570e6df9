"""Reading source files as text: UTF-8 only, with a useful message for GBK files."""

from __future__ import annotations

from pathlib import Path

from .errors import GateError
from .i18n import Msg

BOM = "\ufeff"


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def decode_text(data: bytes, path: str) -> str:
    """Decode UTF-8 (a leading BOM is dropped, CRLF/CR become LF, as MkDocs reads files)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_and_column(data, exc.start)
        try:
            data.decode("gb18030")
            looks_gbk = any("\u4e00" <= ch <= "\u9fff" for ch in data.decode("gb18030"))
        except UnicodeDecodeError:
            looks_gbk = False
        if looks_gbk:
            # some GBK pairs are valid UTF-8 by chance: point at the first non-ASCII byte instead
            first = next(i for i, byte in enumerate(data) if byte > 0x7F)
            line, column = _line_and_column(data, first)
            message = Msg("文件不是 UTF-8 编码，看起来是 GBK/GB18030 编码",
                          "file is not UTF-8; it looks GBK/GB18030-encoded")
            hint = Msg(f"请转换为 UTF-8 后再提交，例如：iconv -f GBK -t UTF-8 {path} -o {path}.utf8",
                       f"convert it to UTF-8, e.g. iconv -f GBK -t UTF-8 {path} -o {path}.utf8")
        else:
            message = Msg("文件不是有效的 UTF-8 编码", "file is not valid UTF-8")
            hint = Msg("请用 UTF-8 编码保存该文件", "save the file as UTF-8")
        raise GateError(message, path, line, column, hint) from None
    if text.startswith(BOM):
        text = text[1:]
    if "\0" in text:
        line, column = _line_and_column(data, data.index(b"\0"))
        raise GateError(Msg("文件含有空字符（NUL），不是文本文件", "file contains NUL bytes: not a text file"),
                        path, line, column)
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, display: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GateError(Msg(f"无法读取文件：{exc.strerror}", f"cannot read file: {exc.strerror}"), display) from None
    return decode_text(data, display)
