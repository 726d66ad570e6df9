"""The YAML parser's English complaints, said in words an editor understands, with what to do.

ruamel.yaml explains a syntax error in English ("found character '\\t' that cannot start any
token"); inside a Chinese message that helps nobody.  The usual mistakes of people writing
front-matter by hand get a plain explanation and a fix; the parser's own words stay in the
English message (and in parentheses in the Chinese one, for searching).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import Msg


@dataclass(frozen=True)
class YamlHint:
    pattern: re.Pattern
    what: Msg
    fix: Msg


_HINTS = (
    YamlHint(re.compile(r"found character '\\t'|\t"), Msg("这里有 Tab 字符：YAML 不允许用 Tab 缩进或分隔",
                                                           "a Tab character: YAML allows no Tabs for indentation"),
             Msg("请用空格代替 Tab", "use spaces instead of Tabs")),
    YamlHint(re.compile(r"found character '[@`]' that cannot start any token"),
             Msg("值不能以 @ 或 ` 开头", "a value cannot start with @ or `"),
             Msg("给这个值加上引号，如 \"@某某\"", "put the value in quotes, e.g. \"@name\"")),
    YamlHint(re.compile(r"mapping values are not allowed here"),
             Msg("这里不能再出现“键: 值”：值里有“: ”，或这一行缩进不对",
                 "a \"key: value\" is not allowed here: the value holds \": \", or the line is indented wrongly"),
             Msg("值中含有冒号时给整个值加引号；同一层的键要左对齐",
                 "quote a value that contains a colon; align keys of the same level")),
    YamlHint(re.compile(r"expected ',' or '\]'"), Msg("方括号 [ 没有闭合", "a [ list is not closed"),
             Msg("在列表末尾补上 ]", "add the closing ]")),
    YamlHint(re.compile(r"expected ',' or '\}'"), Msg("花括号 { 没有闭合", "a { mapping is not closed"),
             Msg("补上 }", "add the closing }")),
    YamlHint(re.compile(r"found unexpected end of stream|while scanning a quoted scalar"),
             Msg("引号没有闭合", "a quotation mark is not closed"), Msg("补上另一半引号", "add the closing quote")),
    YamlHint(re.compile(r"could not find expected ':'"), Msg("缺少冒号", "a colon is missing"),
             Msg("键和值之间用“: ”（冒号加空格）分隔", "separate key and value with \": \" (colon and space)")),
    YamlHint(re.compile(r"expected <block end>|expected <block mapping start>|did not find expected key"),
             Msg("缩进不一致，或列表项与键值混在同一层", "inconsistent indentation, or list items mixed with keys"),
             Msg("同一层的键左对齐；列表项以“- ”开头并统一缩进", "align keys of one level; start list items with "
                 "\"- \" at one indentation")),
)
_GENERAL_FIX = Msg("检查这一行和上一行的缩进、冒号和引号", "check the indentation, colons and quotes of this line and "
                   "the one before")


def explain(detail: str) -> tuple[Msg, Msg]:
    """(message, how to fix) for a parser complaint ``detail``."""
    for hint in _HINTS:
        if hint.pattern.search(detail):
            return (Msg(f"YAML 格式错误：{hint.what.zh}（解析器：{detail}）", f"malformed YAML: {hint.what.en} ({detail})"),
                    hint.fix)
    return Msg(f"YAML 格式错误（解析器：{detail}）", f"malformed YAML: {detail}"), _GENERAL_FIX
