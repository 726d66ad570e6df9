"""Personal data (seed 004 §3(6)): numbers that validate, never mere look-alikes.

Each candidate must pass its standard's check: GB 11643 (resident ID: region, birth date,
mod-11 check character), Luhn + issuer prefix (bank cards), GB 32100 (unified social credit
code, mod-31).  A mobile number must stand alone: inside a longer digit run it is an order or
serial number.  Reports keep only a redacted form; the clear text stays in ``Hit.clear`` for
waiver matching and is never serialised.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache

from ..fold import has_astral
from ..model import Rule
from ..normalise import NormText
from . import Hit

# GB/T 2260 province-level codes (first two digits); 83 = residence permits of Taiwan residents.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83"
    .split()
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_EDGE_L = r"(?<![0-9A-Za-z])"
_EDGE_R = r"(?![0-9A-Za-z])"
_SEP = r"[ \-/_]?"
# 6-8-4 (with a separator or none) or 6-4-4-4, as forms and tables split it
ID_RE = re.compile(_EDGE_L + rf"\d{{6}}{_SEP}(?:\d{{8}}{_SEP}\d{{3}}[0-9Xx]|\d{{4}}{_SEP}\d{{4}}{_SEP}\d{{3}}[0-9Xx])" + _EDGE_R)
# first-generation (1984-2004) 15-digit numbers: region, YYMMDD, sequence; no check digit
ID15_RE = re.compile(_EDGE_L + rf"\d{{6}}{_SEP}\d{{6}}{_SEP}\d{{3}}" + _EDGE_R)
# A number introduced as a case, order or serial number is not a card or an identity number
# (办件编号 202312010000123456 in a citizen's message would pass Luhn one time in ten).
_SERIAL_RE = re.compile("编号|编码|注册号|订单|流水|单号|办件|受理号|案号|工单|批次|批号|条码|序列号|回执|查询码|合同号")
BANK_RE = re.compile(_EDGE_L + r"(?:\d{16,19}|\d{4}([ \-])\d{4}\1\d{4}\1\d{4}(?:\1?\d{1,3})?)" + _EDGE_R)
MOBILE_RE = re.compile(_EDGE_L + r"(?:(?:\+|00)?86[ \-]?)?(1[3-9]\d)([ \-]?)(\d{4})\2(\d{4})" + _EDGE_R)
USCC_RE = re.compile(_EDGE_L + r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}" + _EDGE_R, re.IGNORECASE)
# Pre-filter: every match above lies in a run of these characters, at least 11 long, with an
# ASCII digit that has 10 more run characters after it (a valid number starts with one).  The
# four regexes then run only on such runs instead of the whole text (their leading
# look-behind makes a full scan slow).  İ ı ſ K match [A-Za-z] under IGNORECASE (USCC_RE), so
# they belong to a run too; \d is every Unicode decimal digit.
_RUN_CHARS = r"\dA-Za-z \-+/_\u0130\u0131\u017f\u212a"
_ASCII_DIGIT_RE = re.compile("[0-9]")


@lru_cache(maxsize=1)
def _run_res() -> tuple[re.Pattern, re.Pattern]:
    r"""(for BMP-only text, for any text).  A class listing the BMP's decimal digits is looked up
    in a table, twice as fast as \d's category test; one class comes first, then the repeat, so
    the regex engine can skip ahead to the first character instead of trying every position."""
    digits = [cp for cp in range(0x10000) if chr(cp).isdecimal()]
    spans, start = [], digits[0]
    for prev, cp in zip(digits, digits[1:] + [-1], strict=True):
        if cp != prev + 1:
            spans.append(f"\\u{start:04x}-\\u{prev:04x}")
            start = cp
    bmp = "".join(spans) + _RUN_CHARS.removeprefix("\\d")
    return (re.compile(f"[{bmp}][{bmp}]{{10,}}"), re.compile(f"[{_RUN_CHARS}][{_RUN_CHARS}]{{10,}}"))


def valid_id(number: str, today: dt.date | None = None) -> bool:
    """GB 11643-1999 18-character citizen identity number."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit() or number[:2] not in PROVINCES:
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= (today or dt.date.today()):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def valid_id15(number: str) -> bool:
    """A first-generation 15-digit identity number: province code and a real birth date 19YYMMDD."""
    if len(number) != 15 or not number.isdigit() or number[:2] not in PROVINCES:
        return False
    try:
        dt.date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return False
    return True


def _serial(text: str, start: int) -> bool:
    """Introduced as a serial number (编号：…) within the 12 characters before it."""
    return bool(_SERIAL_RE.search(text, max(0, start - 12), start))


def luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _prefix_ok(number: str, prefixes: list[str]) -> bool:
    for p in prefixes:
        if "-" in p:
            lo, hi = p.split("-", 1)
            if lo <= number[:len(lo)] <= hi:
                return True
        elif number.startswith(p):
            return True
    return False


def valid_bank_card(number: str, prefixes: list[str]) -> bool:
    return 16 <= len(number) <= 19 and _prefix_ok(number, prefixes) and luhn(number)


def valid_uscc(code: str) -> bool:
    """GB 32100-2015 unified social credit code (mod-31 check character)."""
    code = code.upper()
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


def redact(value: str, keep_head: int = 4, keep_tail: int = 4) -> str:
    """4301**********1234: separators dropped, the middle masked."""
    chars = re.sub(r"[ \-]", "", value)
    if len(chars) <= keep_head + keep_tail:
        return "*" * len(chars)
    return chars[:keep_head] + "*" * (len(chars) - keep_head - keep_tail) + chars[-keep_tail:]


def _digits(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text)


_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


def _astral_digits(text: str) -> bool:
    # folding may bring in astral characters (OpenCC simplifies a few to CJK Extension forms);
    # only astral decimal digits need the slow regex
    return has_astral(text) and any(c.isdecimal() for c in set(_ASTRAL_RE.findall(text)))


def windows(text: str) -> list[tuple[int, int]]:
    """Maximal runs of number characters that could hold a match (see _run_res)."""
    runs = _run_res()[_astral_digits(text)]
    return [m.span() for m in runs.finditer(text) if _ASCII_DIGIT_RE.search(text, m.start(), m.end() - 10)]


def _find(pattern: re.Pattern, text: str, spans: list[tuple[int, int]]) -> Iterator[re.Match]:
    # a window ends before a character outside the run, so the edge look-ahead sees the same
    for a, b in spans:
        yield from pattern.finditer(text, a, b)


def scan_pii(rules: dict[str, Rule], nt: NormText, today: dt.date | None = None) -> Iterator[Hit]:
    text = nt.norm
    spans = windows(text)
    if not spans:
        return
    taken: list[tuple[int, int]] = []     # one number is one kind of data: ID > bank card > USCC

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def hit(rule: Rule, a: int, b: int, shown: str) -> Hit:
        start, end = nt.norm_span(a, b)
        return Hit(rule, start, end, shown=shown, clear=_digits(text[a:b]))

    rule = rules.get("pii.id_card")
    for m in _find(ID_RE, text, spans):
        number = _digits(m.group())
        if valid_id(number, today):
            taken.append(m.span())
            if rule and number.upper() not in rule.allow:
                yield hit(rule, *m.span(), redact(number))
    for m in _find(ID15_RE, text, spans):
        number = _digits(m.group())
        if free(*m.span()) and valid_id15(number) and not _serial(text, m.start()):
            taken.append(m.span())
            if rule and number not in rule.allow:
                yield hit(rule, *m.span(), redact(number))
    rule = rules.get("pii.bank_card")
    if rule:
        prefixes = [str(p) for p in rule.data.get("prefixes", [])]
        for m in _find(BANK_RE, text, spans):
            number = _digits(m.group())
            if free(*m.span()) and valid_bank_card(number, prefixes) and not _serial(text, m.start()):
                taken.append(m.span())
                if number not in rule.allow:
                    yield hit(rule, *m.span(), redact(number))
    enterprise, individual = rules.get("pii.uscc"), rules.get("pii.uscc_individual")
    if enterprise or individual:
        for m in _find(USCC_RE, text, spans):
            code = m.group().upper()
            if free(*m.span()) and valid_uscc(code):
                taken.append(m.span())
                # 92…: a 个体工商户, whose code identifies a natural person (GB 32100 登记管理部门
                # 9 工商, 机构类别 2 个体工商户)
                rule = individual if code.startswith("92") and individual else enterprise
                if rule and code not in {a.upper() for a in rule.allow}:
                    yield hit(rule, *m.span(), redact(code))
    rule = rules.get("pii.mobile")
    if rule:
        for m in _find(MOBILE_RE, text, spans):
            number = m.group(1) + m.group(3) + m.group(4)
            if free(*m.span()) and number not in rule.allow:
                start, end = nt.norm_span(*m.span())
                yield Hit(rule, start, end, shown=redact(number, 3, 4), clear=number)
