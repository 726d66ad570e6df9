"""Issue #12 item 7: a template's empty ``signoffs:`` in any valid spelling can be approved (and read from history)."""

from __future__ import annotations

import pytest
from kit import PAGE

FORMS = ["signoffs:", "signoffs: []", "signoffs:  # 由 govgate approve 填写", "signoffs: [ ]   # 空"]


@pytest.mark.parametrize("form", FORMS)
def test_empty_signoffs_in_any_spelling_can_be_approved(repo, form):
    text = PAGE.format(classification="general", extra="").replace("classification: general\n",
                                                                    f"classification: general\n{form}\n")
    repo.write("content/a.md", text)
    repo.commit("模板", signer=None)
    for stage, signer in (("first", "chief1"), ("second", "webadmin1"), ("final", "deputy1")):
        assert repo.approve("content/a.md", stage, signer) == 0
    after = repo.read("content/a.md")
    assert after.startswith(text[:text.index("signoffs:")])                  # everything before kept
    assert after.endswith(text[text.index("signoffs:") + len(form) + 1:])   # everything after kept
    comment = form.partition("#")[2]
    assert not comment or f"#{comment}" in after                             # the comment stays
    assert repo.problems() == {"first#0": [], "second#1": [], "final#2": []}
    assert repo.verdict().approved
