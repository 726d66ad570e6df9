"""The demo county site in content/ builds through the gate, as the README promises."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sitekit import BIN, build_demo, demo_pin

ROOT = Path(__file__).resolve().parents[1]
DEMO_PIN = demo_pin()


@pytest.fixture(autouse=True)
def _demo_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVGATE_TRUST_ROOT", DEMO_PIN)
WAITING = "tzgg/draft-recruitment.md"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo"))


def test_demo_has_the_promised_shape():
    pages = sorted(p.relative_to(ROOT / "content").as_posix() for p in (ROOT / "content").rglob("*.md"))
    assert len(pages) >= 12
    text = {p: (ROOT / "content" / p).read_text(encoding="utf-8") for p in pages}
    for classification in ("general", "important", "special"):
        assert any(f"classification: {classification}" in t for t in text.values())
    assert any("reprint:" in t for t in text.values())
    assert "signoffs:" not in text[WAITING]


def test_every_page_but_the_waiting_one_is_approved(demo):
    result = subprocess.run([str(BIN / "govgate"), "check", "--format", "json"], cwd=demo, capture_output=True,
                            text=True, timeout=300)
    report = json.loads(result.stdout)
    unapproved = [p["path"] for p in report["pages"] if not p["approved"]]
    assert unapproved == [WAITING]
    assert result.returncode == 1   # the waiting page blocks a `check` of the whole site
    assert {f["path"] for f in report["findings"] if f["severity"] == "block"} == {WAITING}


def test_build_publishes_approved_pages_only(demo):
    site = demo / "site"
    assert (site / "zcwj" / "business-environment-measures" / "index.html").is_file()
    assert (site / "files" / "business-environment-task-list.docx").is_file()
    assert not (site / "tzgg" / "draft-recruitment").exists()
    assert not (site / "files" / "2025-recruitment-positions.xlsx").exists()   # linked only by the draft
    everything = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file()
                           and p.suffix in (".html", ".json", ".xml"))
    decoded = json.dumps(json.loads((site / "search" / "search_index.json").read_text()), ensure_ascii=False)
    assert "draft-recruitment" not in everything and "事业单位公开招聘" not in everything + decoded


def test_reprint_names_its_source_on_the_page(demo):
    html = (demo / "site" / "zwdt" / "reprint-gov-cn-2025-01" / "index.html").read_text(encoding="utf-8")
    assert "来源：中国政府网" in html and "作者：新华社" in html and "转载时间：2025年1月10日" in html
    assert 'href="https://www.gov.cn/yaowen/liebiao/202501/content_6997412.htm"' in html


def test_build_writes_the_audit_report_outside_the_site(demo):
    report = json.loads((demo / ".govgate-report" / "govgate-report.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "built"
    waiting = next(p for p in report["pages"] if p["path"] == WAITING)
    assert waiting["approved"] is False and waiting["missing"] == ["first", "second", "final"]
    assert report["timelines"]["index.md"][0]["by"] == "zhaoliu"
    assert not list((demo / "site").rglob("govgate-report*"))
