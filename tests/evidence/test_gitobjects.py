from __future__ import annotations

import pytest

from mkdocs_govgate.evidence.gitobjects import BadCommit, parse_commit

BASE = (b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
        b"author A <a@b> 1700000000 +0800\ncommitter A <a@b> 1700000000 +0800\n")
SIG = b"gpgsig -----BEGIN SSH SIGNATURE-----\n AAAA\n -----END SSH SIGNATURE-----\n"


def test_payload_drops_exactly_the_signature_header():
    commit = parse_commit("x", BASE + SIG + b"\nmessage\n")
    assert commit.payload == BASE + b"\nmessage\n"
    assert commit.signature == b"-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"


@pytest.mark.parametrize("extra", [SIG, SIG.replace(b"gpgsig", b"gpgsig-sha256"), b"weird value\n"])
def test_extra_signature_or_unknown_headers_are_refused(extra):
    with pytest.raises(BadCommit):
        parse_commit("x", BASE + SIG + extra + b"\nmessage\n")


def test_missing_blank_line_is_refused():
    with pytest.raises(BadCommit):
        parse_commit("x", BASE)
