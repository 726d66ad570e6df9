"""Errors the gate reports to people: what is wrong, where, and how to fix it."""

from __future__ import annotations

from .i18n import Msg


class GateError(Exception):
    """Bad input or configuration: stops the gate (fail closed) with a bilingual message."""

    def __init__(self, message: Msg, path: str = "", line: int = 0, column: int = 0, hint: Msg | None = None):
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(self.render("en"))

    def __reduce__(self):  # noqa: ANN204 - pickled by worker processes (pool.py): keep the bilingual parts
        return (type(self), (self.message, self.path, self.line, self.column, self.hint))

    def where(self) -> str:
        if not self.path:
            return ""
        if self.line:
            return f"{self.path}:{self.line}" + (f":{self.column}" if self.column else "")
        return self.path

    def render(self, lang: str = "zh") -> str:
        text = self.message.render(lang)
        if self.hint:
            text += (" 处理办法：" if lang != "en" else " How to fix: ") + self.hint.render(lang)
        where = self.where()
        return f"{where}: {text}" if where else text
