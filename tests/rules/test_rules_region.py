"""Region and sovereignty wording (issue #13 item 2), with quotation and negation awareness."""

from __future__ import annotations

import pytest

BAD = ("expression.political", "expression.region")


def bad(scan, text):
    return [r for r in scan(text) if r in BAD]


@pytest.mark.parametrize("text", [
    "产品远销美国、日本、台湾等国家。",
    "与香港、新加坡等12个国家开展合作。",
    "深化两岸三地文化交流。",
    "中台贸易额持续增长。",
    "会见台湾政府官员。",
    "所谓“台湾国”不存在，台湾国是错误称谓。",
])
def test_wrong_wording_blocks(scan, text):
    assert bad(scan, text), text


@pytest.mark.parametrize("text", [
    "涉台宣传中，不使用“台湾政府”一词，应称“台湾当局”。",
    "不得将台湾与其他国家并列，如“美国、日本、台湾等国家”。",
    "对台湾地区的政权机构，不使用“台湾总统”等称谓。",
    "产品远销美国、日本、台湾等国家和地区。",
    "推动海峡两岸和香港、澳门交流合作。",
    "建设数据中台和业务中台。",
    "台湾地区领导人",
    "台湾国际贸易展",                      # 国际, not 台湾国
])
def test_mentions_and_standard_wording_pass(scan, text):
    assert bad(scan, text) == [], text
