"""Approval evaluation and digests, on real files, through the same Gate every adapter uses."""

from __future__ import annotations

import datetime as dt

import pytest
from sitekit import TZ, Site

from mkdocs_govgate.gate import Gate
from mkdocs_govgate.site import SiteConfig


def verdict(site: Site, rel: str):
    gate = Gate(SiteConfig.at(site.root))
    return gate.check_page(rel)


def rules_of(result) -> list[str]:
    return [f.rule for f in result.findings if f.blocking]


@pytest.fixture
def s(site: Site) -> Site:
    site.page("a.md", "# 通知\n\n正文。\n")
    return site


def test_all_required_stages_approve(s):
    s.approve("a.md")
    result = verdict(s, "a.md")
    assert result.approved and result.missing == []


@pytest.mark.parametrize("classification,stages", [
    ("general", 3), ("important", 4), ("special", 5), ("一般", 3), ("重要", 4), ("特级", 5)])
def test_classification_decides_required_stages(s, classification, stages):
    s.page("a.md", "正文\n", classification=classification)
    result = verdict(s, "a.md")
    assert len(result.missing) == stages and not result.approved


def test_important_page_with_general_signoffs_is_refused(s):
    s.page("a.md", "正文\n", classification="important")
    s.approve("a.md", classification="general")
    result = verdict(s, "a.md")
    assert result.missing == ["principal"]


def test_edit_after_approval_makes_signoffs_stale(s):
    s.approve("a.md")
    s.edit("a.md", s.pages["a.md"][1].replace("正文", "正文（已修改）"))
    result = verdict(s, "a.md")
    assert set(result.missing) == {"first", "second", "final"}
    assert "approval.stale" in rules_of(result)


def test_homoglyph_swap_is_a_change(s):
    s.page("a.md", "详见 gov.cn 网站。\n")
    s.approve("a.md")
    assert verdict(s, "a.md").approved
    s.edit("a.md", s.pages["a.md"][1].replace("gov", "g\u043ev"))  # Cyrillic о looks the same
    assert not verdict(s, "a.md").approved


def test_metadata_change_voids_but_signoffs_do_not_count(s):
    before = s.digest("a.md")
    s.sign("a.md", "first")
    assert s.digest("a.md") == before  # adding sign-offs keeps the digest
    s.edit("a.md", classification="important")
    assert s.digest("a.md") != before


def test_crlf_keeps_the_digest(s):
    before = s.digest("a.md")
    path = s.docs / "a.md"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert s.digest("a.md") == before


def test_attachment_swap_voids_approval(s):
    s.write("content/files/form.xlsx", b"original bytes")
    s.page("a.md", "见[附件](files/form.xlsx)。\n")
    s.approve("a.md")
    assert verdict(s, "a.md").approved
    s.write("content/files/form.xlsx", b"swapped bytes")
    assert not verdict(s, "a.md").approved


def test_link_to_other_page_is_not_in_digest(s):
    s.page("b.md", "乙\n")
    s.page("a.md", "见[乙](b.md)和[乙](b/)。\n")
    before = s.digest("a.md")
    s.page("b.md", "乙（改）\n")
    assert s.digest("a.md") == before


def test_missing_attachment_and_escaping_link_block(s):
    s.page("a.md", "[附件](files/none.pdf) [外](../../etc/passwd)\n")
    s.approve("a.md")
    result = verdict(s, "a.md")
    messages = " ".join(f.message.en for f in result.findings)
    assert "does not exist" in messages and "outside the docs directory" in messages
    assert not result.approved


def test_code_examples_are_not_links(s):
    s.page("a.md", "```\n[x](files/none.pdf)\n```\n\n`[y](nothing.png)`\n")
    s.approve("a.md")
    assert verdict(s, "a.md").approved


def test_later_revise_blocks_and_names_opinion(s):
    s.approve("a.md")
    s.sign("a.md", "second", decision="revise", opinion="第二段表述需核实")
    result = verdict(s, "a.md")
    assert "second" in result.missing
    assert any("第二段表述需核实" in f.message.zh for f in result.findings)


def test_approve_of_same_content_after_reject_does_not_clear_it(s):
    s.sign("a.md", "first")
    s.sign("a.md", "second", decision="reject", opinion="不宜公开")
    s.sign("a.md", "second", by="secrecy1")
    s.sign("a.md", "final")
    result = verdict(s, "a.md")
    assert not result.approved and "approval.sent_back" in rules_of(result)


def test_wrong_role_author_and_double_signing(s):
    s.sign("a.md", "first", by="webadmin1")            # lacks section_chief
    s.sign("a.md", "second", by="editor1")             # the author (and no role)
    s.sign("a.md", "final", by="webadmin1")            # already signed another stage
    result = verdict(s, "a.md")
    text = " ".join(f.message.en for f in result.findings)
    assert "lacks the role" in text and "author may not sign" in text and "one person may sign only one stage" in text
    assert set(result.missing) == {"first", "second", "final"}


def test_out_of_order_signoff_does_not_count(s):
    s.sign("a.md", "second")
    s.sign("a.md", "first")
    s.sign("a.md", "final")
    result = verdict(s, "a.md")
    assert "second" in result.missing and not result.approved


def test_person_no_longer_valid_on_signoff_date(s):
    s.write("signoffs/reviewers.yml", (s.root / "signoffs/reviewers.yml").read_text(encoding="utf-8").replace(
        "    valid_until: null", "    valid_until: 2024-12-31", 3))
    s.sign("a.md", "first", at=dt.datetime(2025, 1, 10, 9, 0, tzinfo=TZ))
    result = verdict(s, "a.md")
    assert any("not valid on the sign-off date" in f.message.en for f in result.findings)


def test_unknown_signer_stage_classification_and_author(s):
    s.page("a.md", "正文\n", classification="secret-level", author="ghost")
    s.sign("a.md", "first", by="nobody")
    s.sign("a.md", "fourth", by="chief2")
    result = verdict(s, "a.md")
    text = " ".join(f.message.en for f in result.findings)
    assert "unknown classification" in text and "author ghost" in text and "fourth" in text
    assert not result.approved


def test_page_without_front_matter_is_refused(site):
    site.write("content/plain.md", "# 无页首信息\n")
    result = verdict(site, "plain.md")
    assert not result.approved and "approval.classification" in rules_of(result)
