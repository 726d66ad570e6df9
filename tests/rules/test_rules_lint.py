"""`govgate rules lint` (issue #13 item 9): entries of a site's word lists that would block
ordinary government pages are reported before they do."""

from __future__ import annotations

from mkdocs_govgate.cli import main
from mkdocs_govgate.rules.lint import clean_corpus, lint

# entries of a widely used public sensitive-word list that the issue reports blocking pages
BAD = ["人大", "改革", "公安", "近平", "赌"]
GOOD = ["违规理财产品", "代办假学历"]


def _site(tmp_path):
    rules = tmp_path / "rules"
    (rules / "words").mkdir(parents=True)
    (rules / "sensitive.txt").write_text("# 公开敏感词表\n" + "\n".join(BAD + GOOD) + "\n", "utf-8")
    (rules / "words" / "sensitive.fraud.txt").write_text("刷单\n", "utf-8")
    return rules


def test_lint_reports_short_and_ordinary_entries(tmp_path):
    assert len(clean_corpus()) >= 50
    problems = lint(_site(tmp_path))
    flagged = {p.entry for p in problems}
    assert set(BAD) <= flagged and not flagged & set(GOOD)
    [single] = [p for p in problems if p.entry == "赌"]
    assert single.file == "rules/sensitive.txt" and single.line == 6
    [renda] = [p for p in problems if p.entry == "人大"]
    assert "/" in renda.message.render("en")         # how many ordinary pages it hits


def test_cli_exit_codes(tmp_path, capsys):
    rules = _site(tmp_path)
    assert main(["rules", "lint", str(rules)]) == 1
    assert "人大" in capsys.readouterr().out
    (rules / "sensitive.txt").write_text("违规理财产品\n", "utf-8")
    (rules / "words" / "sensitive.fraud.txt").unlink()
    assert main(["rules", "lint", str(rules)]) == 0
    assert main(["rules", "lint", str(tmp_path / "missing")]) == 2
