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


def internal_error(error: BaseException) -> Msg:
    """An unexpected exception, said as what it is: no finding about the site, but the gate failing (exit 2),
    with the gate's own source line where it happened, for the maintainers."""
    where = ""
    frame = error.__traceback__
    while frame is not None:
        name = frame.tb_frame.f_code.co_filename.replace("\\", "/")
        if "/mkdocs_govgate/" in name:
            where = f" [{name[name.rindex('/mkdocs_govgate/') + 1:]}:{frame.tb_lineno}]"
        frame = frame.tb_next
    detail = f"{type(error).__name__}: {error}"[:500] + where
    return Msg(f"govgate 内部错误（不是检查结论，未完成任何操作）：{detail}。请把这条消息报告给门禁维护者",
               f"govgate internal error (not a finding; nothing was completed): {detail}. Please report this "
               "message to the gate's maintainers")


INTERRUPTED = Msg("govgate 已被中断，未完成的操作没有生效", "govgate was interrupted; what was not finished did not take "
                  "effect")
