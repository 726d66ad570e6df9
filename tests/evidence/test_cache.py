from __future__ import annotations

from mkdocs_govgate.cachefile import cache_folder
from mkdocs_govgate.evidence import CachedHistoryEvidence
from mkdocs_govgate.page import Page


def cached_problems(repo) -> tuple[dict, bool]:  # noqa: ANN001
    verifier = CachedHistoryEvidence(repo.root / "content", repo.root / "signoffs/policy.yml",
                                     repo.root / "signoffs/reviewers.yml", repo.trust_root())
    page = Page.load(repo.root / "content", "a.md")
    try:
        return {s.stage: [m.en for m in verifier(page, s)] for s in page.signoffs}, verifier._history is None
    finally:
        verifier.close()


def test_warm_run_reads_no_history_and_moves_with_head(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    assert cached_problems(repo) == ({"first": []}, False)     # cold
    assert cached_problems(repo) == ({"first": []}, True)      # warm: history untouched
    repo.write("content/a.md", repo.read("content/a.md").replace("opinion: 同意发布", "opinion: 改过"))
    repo.commit("edit entry", signer=None)
    problems, warm = cached_problems(repo)
    assert not warm and "not signed" in problems["first"][0]


def test_corrupt_cache_is_ignored(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    cached_problems(repo)
    cache = cache_folder(repo.root) / "evidence.json"      # outside the checkout (issue #11)
    for junk in ("{", '{"key": 1}', '[]', cache.read_text().replace('"entries":{', '"entries":{"x":5,')):
        cache.write_text(junk)
        assert cached_problems(repo) == ({"first": []}, False)


def test_uncommitted_edit_misses_the_cache(repo):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    cached_problems(repo)
    repo.write("content/a.md", repo.read("content/a.md").replace("opinion: 同意发布", "opinion: 改过"))
    problems, warm = cached_problems(repo)
    assert not warm and "not in a committed version" in problems["first"][0]
