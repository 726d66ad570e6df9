"""Issue #12 item 4: property-based fuzzing of the page reader, the front-matter rules and the sign-off reader.

Pages are mutated from a real approved page (inline signatures made as `govgate approve` makes them) with
fragments that once crashed the gate (impossible dates and times, huge integers, bad escapes, merge keys,
deep nesting, non-ASCII inside a signature) and with arbitrary text.  Whatever the bytes, each reader
either reads the page or refuses it with a GateError naming the file and a line; the front-matter rules,
the digest and the sign-off verdict never raise; reading the page as an old version never raises.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitekit import Site

from mkdocs_govgate.approval import evaluate
from mkdocs_govgate.digest import compute_digest
from mkdocs_govgate.engines import build_rules
from mkdocs_govgate.errors import GateError
from mkdocs_govgate.evidence.inline import InlineEvidence
from mkdocs_govgate.evidence.versions import read_version
from mkdocs_govgate.page import Page
from mkdocs_govgate.site import load_trust
from mkdocs_govgate.sitefinder import site_from_mkdocs

FRAGMENTS = [
    "2025-02-30", "2025-01-01T25:00:00+08:00", "0000-01-01", "2024-01-09T10:12:00", "9" * 4400, "-" + "1" * 5000,
    '"\\U00110000"', '"\\ud800"', '"\\udfff x"', "<<", "<<: {a: 1}", "<<: 1", "=", "[" * 400, "{a: " * 300,
    "- " * 400, "中", "é", "\u2028", "\ufeff", "\x00", "\t", "\r", "\n", "\n  ", ": ", "- ", "&a ", "*a", "!!str ",
    "!!binary ", "|", ">-", "|2", "'", '"', "#", "null", "~", "yes", "1e400", ".inf", "0x1F", "0o17", "1_000",
    "12:30:00", "---", "...", "? ", "%YAML 1.1", "signoffs:", "signoffs: []", "  - stage: first", "at: ",
    "digest: sha256:" + "0" * 64, "signature: |", "    -----BEGIN SSH SIGNATURE-----", "    中文签名",
    "classification: 重要", "author: [a]", "title: {a: b}", "waivers:", "reprint:", "withdrawn:", "expires: ",
]


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory: pytest.TempPathFactory):
    site = Site(tmp_path_factory.mktemp("fuzz") / "root")
    site.page("a.md", "正文第一段。\n\n[附件](files/a.txt)\n")
    site.write("content/files/a.txt", "附件")
    site.approve("a.md")
    config = site_from_mkdocs(None, site.root)
    trust = load_trust(config)
    evidence = InlineEvidence(trust.roster, config.policy_path.parent)
    yield site, config, trust, build_rules(config, trust), evidence
    evidence.close()


def _mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for where, length, fragment in edits:
        at = where % (len(text) + 1)
        text = text[:at] + fragment + text[at + length % 8:]
    return text


EDITS = st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 7),
                           st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12))), min_size=1, max_size=4)


# CI: a fixed set of 600 examples (~5 s); GOVGATE_FUZZ_EXAMPLES=20000 explores further with fresh randomness
EXAMPLES = int(os.environ.get("GOVGATE_FUZZ_EXAMPLES", "600"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=EXAMPLES <= 600,
          database=None)
@given(edits=EDITS, encode_errors=st.sampled_from(["strict", "surrogatepass"]))
def test_any_page_is_read_or_refused_with_file_and_line(fuzz_site, edits, encode_errors):
    site, config, trust, rules, evidence = fuzz_site
    text = _mutate((site.docs / "a.md").read_text(encoding="utf-8"), edits)
    raw = text.encode("utf-8", encode_errors)
    read_version("a.md", raw)                               # history: never raises
    try:
        page = Page.from_bytes("a.md", raw, site.docs / "a.md")
    except GateError as error:
        assert error.path == "a.md" and error.line >= 1, error.render("en")
        return
    for problem in page.problems:
        assert problem.path == "a.md" and problem.line >= 1
    rules.scan_front_matter(page)                            # the front-matter-only hook
    evaluate(page, trust.policy, trust.roster, "", None)
    digest = compute_digest(page, config.docs_dir)
    rules.scan_page(page)
    verdict = evaluate(page, trust.policy, trust.roster, digest.value, evidence)   # the sign-off reader
    for finding in verdict.findings:
        assert finding.path == "a.md"


def test_fuzz_base_page_is_approved(fuzz_site):
    site, config, trust, rules, evidence = fuzz_site
    page = Page.load(config.docs_dir, "a.md")
    verdict = evaluate(page, trust.policy, trust.roster, compute_digest(page, config.docs_dir).value, evidence)
    assert verdict.approved, [f.message.en for f in verdict.findings]


def test_deep_nesting_is_refused_quickly(fuzz_site):
    import time

    for nested in ("[" * 100000 + "]" * 100000, "{a: " * 50000, "- " * 50000 + "x"):
        start = time.monotonic()
        with pytest.raises(GateError) as caught:
            Page.from_bytes("a.md", f"---\ntitle: {nested}\n---\n".encode())
        assert caught.value.line >= 2 and time.monotonic() - start < 2
