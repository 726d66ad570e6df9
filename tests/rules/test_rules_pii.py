"""Personal data: numbers that validate are caught, look-alikes and masked forms pass."""

from __future__ import annotations

import json

import pytest

from mkdocs_govgate.rules.detectors.pii import luhn, redact, valid_id, valid_uscc

ID = "430124199003071232"          # valid GB 11643 check character
ID_X = "11010519491231002X"
CARD = "6222021234567890128"      # 19 digits, Luhn ok, UnionPay-like prefix
CARD16 = "6217001234567893"
USCC = "91430100MA4L2A3B1N"


def test_checksums():
    assert valid_id(ID) and valid_id(ID_X) and valid_id(ID_X.lower())
    assert not valid_id(ID[:-1] + "3")                       # wrong check digit
    assert not valid_id("990124199003071232")                  # 99 is no province
    assert not valid_id("430124199002301234")                  # 30 February
    assert luhn(CARD) and not luhn(CARD[:-1] + "9")
    assert valid_uscc(USCC) and valid_uscc("91350100M000100Y43") and not valid_uscc(USCC[:-1] + "M")


@pytest.mark.parametrize("text, rule", [
    (f"申请人身份证号：{ID}。", "pii.id_card"),
    (f"身份证 {ID_X} 已登记", "pii.id_card"),
    ("身份证号 430124 19900307 1232 已登记", "pii.id_card"),      # grouped digits
    ("证件号４３０１２４１９９００３０７１２３２", "pii.id_card"),  # full-width digits
    (f"补贴打入银行卡{CARD}。", "pii.bank_card"),
    (f"卡号 {CARD16}", "pii.bank_card"),
    ("卡号 6222 0212 3456 7890 128 请核对", "pii.bank_card"),
    ("联系电话：13812345678", "pii.mobile"),
    ("手机 138-1234-5678 或 +86 139 1234 5678", "pii.mobile"),
    (f"统一社会信用代码：{USCC}", "pii.uscc"),
])
def test_positive(scan, text, rule):
    assert rule in scan(text)


@pytest.mark.parametrize("text", [
    "身份证号：4301**********1232",             # masked
    "联系人手机：138****5678",
    "银行卡号：6222***********0128",
    "政务服务便民热线12345，24小时受理。",
    "发布时间：2024-01-09 11:45，文号湘政发〔2024〕3号。",
    "订单号 202401091145300012 已受理。",         # 18 digits, no province 20 → not an ID
    f"流水号{ID}7 已入账。",                       # inside a longer digit run
    "编号 2013812345678901 不是手机号",            # mobile digits inside a longer run
    "索引号:431200/2020-0460",
    "430124199003071233",                          # bad check character
    "2021 2022 2023 2024 年度预算",                 # grouped years are no card
    "办公电话：0731-84567890",
])
def test_negative(scan, text):
    assert not [r for r in scan(text) if r.startswith("pii.") and r != "pii.uscc"], text


def test_uscc_warns_by_default_and_option_blocks(engine):
    from mkdocs_govgate.rules import RuleEngine

    [finding] = engine.scan_text("a.md", f"中标单位统一社会信用代码：{USCC}")
    assert finding.rule == "pii.uscc" and not finding.blocking
    strict = RuleEngine.load(None, {"uscc_severity": "block"})
    assert strict.scan_text("a.md", USCC)[0].blocking


def test_reports_are_redacted(engine):
    findings = engine.scan_text("a.md", f"身份证{ID}，手机13812345678，卡号{CARD}")
    by_rule = {f.rule: f for f in findings}
    assert by_rule["pii.id_card"].match == "4301**********1232"
    assert by_rule["pii.mobile"].match == "138****5678"
    assert by_rule["pii.bank_card"].match == "6222***********0128"
    serialised = json.dumps([f.as_dict("en") for f in findings], ensure_ascii=False)
    rendered = "\n".join(f.render() for f in findings)
    for clear in (ID, "13812345678", CARD):
        assert clear not in serialised and clear not in rendered
    assert by_rule["pii.id_card"].extra["clear"] == ID      # kept privately for waivers
    assert redact("13812345678", 3, 4) == "138****5678"


def test_allow_listed_office_mobile(tmp_path):
    from mkdocs_govgate.rules import RuleEngine

    (tmp_path / "phones.txt").write_text("# 值班手机（已公开）\n139-1234-5678\n", "utf-8")
    engine = RuleEngine.load(tmp_path)
    assert not engine.scan_text("a.md", "值班电话 13912345678")
    assert engine.scan_text("a.md", "值班电话 13912345679")[0].rule == "pii.mobile"


# -- issue #13 item 5 ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "身份证号：430102900101123",                # first generation, 15 digits
    "身份证号：430102 1990 0101 1238",          # split 6-4-4-4
    "身份证号：430102/19900101/1238",
    "身份证号：430102_19900101_1238",
])
def test_identity_numbers_in_every_layout(scan, text):
    assert "pii.id_card" in scan(text), text


def test_fifteen_digits_introduced_as_a_serial_number_pass(scan):
    assert "pii.id_card" not in scan("注册号：430102900101123")


def test_sole_trader_code_blocks_enterprise_code_warns(engine):
    [sole] = [f for f in engine.scan_text("a.md", "个体工商户 统一社会信用代码 92430102MA4L123454")
              if f.rule.startswith("pii.uscc")]
    assert sole.rule == "pii.uscc_individual" and sole.blocking
    [company] = [f for f in engine.scan_text("a.md", "统一社会信用代码 91430102MA4L123457")
                 if f.rule.startswith("pii.uscc")]
    assert company.rule == "pii.uscc" and not company.blocking


def test_case_number_in_a_citizens_message_is_not_a_bank_card(scan):
    assert "pii.bank_card" not in scan("我的办件编号是622312010000123458，至今未收到答复。")
    assert "pii.bank_card" in scan("请汇款至622312010000123458。")


@pytest.mark.parametrize("text, found", [
    ("户主：王建国，低保户，家住东风村三组。", True),
    ("王建国（低保户）", True),
    ("李秀英（二级残疾）申请临时救助", True),
    ("东风村三组12号住户患有精神病", True),
    ("王某某（低保户）", False),                      # masked name
    ("全县共有低保户1234户，特困人员56人。", False),  # statistics, nobody identified
    ("做好残疾人就业帮扶工作。", False),
])
def test_sensitive_status_of_an_identifiable_person(scan, text, found):
    assert ("pii.sensitive_status" in scan(text)) is found, text
