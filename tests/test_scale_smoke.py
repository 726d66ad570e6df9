"""CI smoke run of the scale benchmark on a small generated site: it completes and reports every figure.

Timings are the benchmark's business (benchmarks/README.md); nothing here asserts on them.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import gensite  # noqa: E402
import scale  # noqa: E402

SUMMARY = re.compile(r"^pages=(\d+) " + " ".join(rf"{f}=(\S+)" for f in scale.SUMMARY_FIELDS[1:]) + "$")


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GOVGATE_TRUST_ROOT", raising=False)
    monkeypatch.delenv("GOVGATE_PROFILE", raising=False)


def test_scale_benchmark_runs_and_reports_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert scale.main(["--pages", "60", "--keep", str(tmp_path / "bench"), "--runs", "1"]) == 0
    out = capsys.readouterr().out
    last = out.strip().splitlines()[-1]
    match = SUMMARY.match(last)
    assert match, last
    assert int(match.group(1)) == 60
    values = dict(zip(scale.SUMMARY_FIELDS[1:], (float(v) for v in match.groups()[1:]), strict=True))
    for name, value in values.items():
        assert math.isfinite(value) and value > 0, (name, value)
    # the kept sites can be reused without generating again
    assert scale.main(["--pages", "60", "--reuse", str(tmp_path / "bench"), "--runs", "1"]) == 0
    assert "generated" not in capsys.readouterr().out


def test_generated_site_is_clean_and_approved_by_its_signed_history(tmp_path: Path) -> None:
    """Every page approved through real signed commits; no content finding of any severity."""
    site = gensite.generate(tmp_path / "site", 40)
    assert site.pages == 40 and site.signoffs >= 3 * 40 and site.commits > site.signoffs
    proc = scale.subprocess.run([str(scale.BIN / "govgate"), "check", "--format", "json"], cwd=site.root,
                                capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["findings"] == []
    assert len(report["pages"]) == 40 and all(p["approved"] for p in report["pages"])
    classifications = {p["classification"] for p in report["pages"]}
    assert classifications >= {"general", "important"}
    texts = [p.read_text(encoding="utf-8") for p in (site.root / "content").rglob("*.md")]
    assert any("reprint:" in t for t in texts)    # a few percent of pages; seed 1 puts one among these 40
    assert all("signature: |" in t for t in texts)                   # inline signatures as approve writes them
    log = scale.subprocess.run(["git", "log", "--format=%s", "-n", "5"], cwd=site.root, capture_output=True,
                               text=True, check=True).stdout
    assert "govgate: approve" in log
