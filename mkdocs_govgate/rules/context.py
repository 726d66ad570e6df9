"""Is a sensitive word reported on, warned against or cracked down on — or advertised?

County sites publish 反诈预警, 打击网络赌博 news and 扫黄打非 通报 every week: the words of the
gambling, pornography and fraud lists stand there in reporting sentences.  An advertisement
(or a hijacked page's spam line) reads differently: it carries a way to act on it — an
address, a contact number, an invitation (加微信, 扫码, 注册, 首充) — and no word of harm,
law or warning.  The decision is made by sentence, then by paragraph, never by a fixed window:

1. an advertising signal in the sentence → advertising (blocks), whatever else it says;
2. a reporting cue in the sentence → reported (passes);
3. a reporting cue in the paragraph, and no advertising signal in it → reported;
4. otherwise → advertising.

A rule opts in with ``data: {context: report}``.

Wording rules (涉台、涉港澳表述) opt in with ``data: {context: usage}``: a style guide that
says 不使用“台湾政府”一词 mentions the wrong form, it does not use it.  A match in quotation
marks, or after a negation or correction (不使用, 不得将, 应改为…) in its sentence, is a mention.
"""

from __future__ import annotations

import re

# Words of warning, law enforcement, harm and news reporting.
CUES = re.compile(
    "打击|整治|查处|取缔|严禁|禁止|不得|不要|切勿|勿|抵制|远离|防范|警惕|谨防|提防|举报|治理|"
    "破获|侦破|捣毁|查获|抓获|拒绝|严查|涉嫌|犯罪|违法|非法|案件|团伙|专项|危害|预警|提醒|提示|"
    "通报|警方|公安|民警|派出所|反诈|诈骗|骗局|陷阱|受害|被骗|上当|扫黄打非|净网|判处|判决|法院|"
    "检察|起诉|嫌疑人|依法|行动|监管|监察|执法|宣传|教育|整改|清理|关停|处罚|罚款|拘留|刑事|"
    "立案|侦查|报警|案例|警示|风险|识别|揭秘|套路|盯上|沉迷|戒赌|危害性|法律|条例|规定|"
    "博彩业|博彩监察|特区|旅游|经济|收入|税收|产业|统计"
)
# Ways to act on an advertisement: an address, a contact handle, an invitation.
ADS = re.compile(
    r"https?://|www\.|[A-Za-z0-9-]+\.(?:com|net|cc|vip|top|xyz|me|app|bet|club|live)\b"
    r"|(?:QQ|qq|微信|薇信|威信|VX|vx|wx|飞机|tg|TG|telegram|电报)[号群：:\s]*[A-Za-z0-9_-]{5,}"
    r"|加(?:我|微|V|v|群|qq|QQ)|扫码|点击(?:进入|下载|注册|链接)|立即(?:注册|下载|充值|体验)|(?:注册|充值|存款|下载)[^，。！？]{0,3}[送赠返]|"
    r"[就即]送|送[0-9一二三四五六七八九十百千万]|首充|"
    r"返水|彩金|日赚|稳赚|包赢|包中|必中|代理招募|诚招代理|在线客服|官方网址|娱乐城|开户"
)
# A phone number is an advertising signal unless it is a hotline for reporting or help.
PHONE = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}|400-?[0-9]{3}-?[0-9]{4})(?![0-9])")
HOTLINE = re.compile("举报|报警|投诉|监督|热线|咨询|求助|反诈|值班")

_SENTENCE_STOP = re.compile("[。！？!?；;\n]")
_PARAGRAPH_STOP = re.compile(r"\n[ \t]*\n|\n(?=#)")


def _span(text: str, start: int, end: int, stop: re.Pattern) -> tuple[int, int]:
    a = 0
    for m in stop.finditer(text, max(0, start - 400), start):
        a = m.end()
    m = stop.search(text, end, end + 400)
    return a, m.start() if m else min(len(text), end + 400)


def _advertises(text: str, a: int, b: int) -> bool:
    if ADS.search(text, a, b):
        return True
    for m in PHONE.finditer(text, a, b):
        if not HOTLINE.search(text, max(a, m.start() - 12), m.start()):
            return True
    return False


def reported(text: str, start: int, end: int) -> bool:
    """Is text[start:end] (a matched word) said in a reporting or warning context?"""
    a, b = _span(text, start, end, _SENTENCE_STOP)
    if _advertises(text, a, b):
        return False
    if _cue(text, a, b, start, end):
        return True
    pa, pb = _span(text, start, end, _PARAGRAPH_STOP)
    return _cue(text, pa, pb, start, end) and not _advertises(text, pa, pb)


def _cue(text: str, a: int, b: int, start: int, end: int) -> bool:
    """A cue in text[a:b] that is not the matched word itself (博彩业 holds 博彩)."""
    return any(not (start <= m.start() and m.end() <= end) for m in CUES.finditer(text, a, b))


# quotation marks, not title marks: 《中华人民共合国宪法》 is a (misspelt) title in use
_OPEN_QUOTES = "“\"「『‘'"
_CLOSE_QUOTES = "”\"」』’'"
NEGATION = re.compile(
    "不使用|不得使用|不能使用|不要使用|不宜使用|不应使用|不可使用|不再使用|避免使用|禁止使用|严禁使用|禁用|"
    "不得称|不能称|不要称|不应称|不宜称|不称|避免称|不得将|不能将|不要将|不应将|不可将|不宜将|严禁将|"
    "错误表述|错误提法|不规范表述|不当表述|不规范用语|禁用语|错误用语|"
    "错写为|错写成|误写为|误写成|写成了|写错|错把|打成|错为"
)


def mentioned(text: str, start: int, end: int) -> bool:
    """Is text[start:end] quoted, or named by a negation in its sentence, rather than used?"""
    if start > 0 and end < len(text) and text[start - 1] in _OPEN_QUOTES and text[end] in _CLOSE_QUOTES:
        return True
    a, _ = _span(text, start, end, _SENTENCE_STOP)
    return bool(NEGATION.search(text, a, start))


def suppressed(context: str | None, text: str, start: int, end: int) -> bool:
    """The rule's ``data.context`` says this match is not a problem where it stands."""
    if context == "report":
        return reported(text, start, end)
    if context == "usage":
        return mentioned(text, start, end)
    return False
