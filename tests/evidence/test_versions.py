"""The quick reader of old page versions must agree with the strict parser, or step aside."""

from __future__ import annotations

import pytest

from mkdocs_govgate.evidence.versions import read_version, signoff_key
from mkdocs_govgate.page import Page

HEAD = "---\ntitle: t\nauthor: editor1\n"
ENTRY = ("  - stage: first\n    by: chief1\n    decision: approve\n    opinion: {opinion}\n"
         "    at: 2024-01-09T10:12:00+08:00\n    digest: sha256:" + "a" * 64 + "\n")


@pytest.mark.parametrize("opinion", ["同意", '"同意: 发布 # 注"', "yes", "123", "null", "2024-01-01", '"a\\"b"',
                                     "同意!", "&anchor x", "'单引号'"])
def test_quick_reader_agrees_with_strict_parser(opinion):
    raw = (HEAD + "signoffs:\n" + ENTRY.format(opinion=opinion) + "---\nbody\n").encode()
    try:
        strict = tuple(signoff_key(s) for s in Page.from_bytes("a.md", raw).signoffs)
    except Exception:  # noqa: BLE001 - the strict parser refuses: the quick reader must not invent entries
        strict = ()
    assert read_version("a.md", raw).entries == strict


def test_duplicate_signoffs_key_is_left_to_yaml():
    raw = (HEAD + "signoffs:\n" + ENTRY.format(opinion="a") + "signoffs:\n" + ENTRY.format(opinion="b")
           + "---\nbody\n").encode()
    assert read_version("a.md", raw).entries == ()
