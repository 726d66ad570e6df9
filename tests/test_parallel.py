"""A check on all cores reports exactly what a serial one does, and so does a run from the scan cache."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from sitekit import Site, gate_report

from mkdocs_govgate import pool
from mkdocs_govgate.errors import GateError
from mkdocs_govgate.gate import Gate
from mkdocs_govgate.i18n import Msg

pytestmark = pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                                reason="workers are forked")


def findings_site(root: Path) -> Site:
    """Clean pages plus one of each kind of finding: content, approval, input, attachments, waivers."""
    site = Site(root)
    site.write("signoffs/rules/allowed_domains.txt", "www.mkdocs.org\n")
    for number in range(30):
        site.page(f"news/n{number:02d}.md", f"## 第{number}期\n\n县政府召开第{number}次常务会议，研究部署有关工作。\n")
        site.approve(f"news/n{number:02d}.md")
    site.page("bad/secret.md", "# 通知\n\n本件密级：绝密★10年。\n")
    site.approve("bad/secret.md")
    site.page("bad/phone.md", "# 招聘\n\n联系人手机 13912345678。\n")
    site.page("bad/waived.md", "# 招聘\n\n联系人工作手机：13800000000。\n",
              waivers=[{"rule": "pii.mobile", "match": "13800000000", "reason": "经本人同意公开"}])
    site.approve("bad/waived.md")
    site.page("bad/typo.md", "# 进展\n\n截止目前已完成。\n")
    site.approve("bad/typo.md")
    site.page("bad/link.md", "# 链接\n\n见[某网站](https://ads.example.com/x)。\n")
    site.approve("bad/link.md")
    site.page("bad/stale.md", "# 原稿\n")
    site.approve("bad/stale.md")
    site.edit("bad/stale.md", "# 改稿\n")
    site.page("bad/unsigned.md", "# 待审\n", classification="important")
    site.write("content/bad/broken.md", "---\ntitle: 坏\nauthor: editor1\nclassification: [general\n---\n正文\n")
    site.write("content/files/annex.txt", "附件\n本件为绝密★5年文件。\n")
    site.page("bad/annex.md", "# 附件\n\n[附件](../files/annex.txt)\n")
    site.approve("bad/annex.md")
    site.write("content/files/stray.txt", "无人引用\n")
    return site


def test_parallel_report_equals_serial_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = findings_site(tmp_path / "site")
    monkeypatch.setattr(pool, "MIN_ITEMS", 1)
    pids = tmp_path / "pids"
    prepare = Gate._prepare

    def recording(self: Gate, rel_path: str):  # noqa: ANN202
        with open(pids, "a") as out:
            out.write(f"{os.getpid()}\n")
        return prepare(self, rel_path)

    monkeypatch.setattr(Gate, "_prepare", recording)
    serial = gate_report(site.root, tmp_path / "cache-serial", workers=1)
    assert {int(p) for p in pids.read_text().split()} == {os.getpid()}
    pids.unlink()
    parallel = gate_report(site.root, tmp_path / "cache-parallel", workers=2)
    assert {int(p) for p in pids.read_text().split()} - {os.getpid()}, "no page was checked in a worker"
    cached = gate_report(site.root, tmp_path / "cache-parallel", workers=2)     # every scan from the cache it filled
    deferred = gate_report(site.root, tmp_path / "cache-deferred", workers=2, deferred=True)
    for lang in ("zh", "en"):
        assert parallel.as_dict(lang) == serial.as_dict(lang)
        assert cached.as_dict(lang) == serial.as_dict(lang)
        assert deferred.as_dict(lang) == serial.as_dict(lang)
    assert parallel.all_findings() == serial.all_findings() == cached.all_findings() == deferred.all_findings()
    assert [p.digest.value if p.digest else None for p in parallel.pages] == \
           [p.digest.value if p.digest else None for p in serial.pages]
    rules = {f.rule for f in serial.all_findings()}
    assert {"secret.marking", "pii.mobile", "expression.typo", "link.domain", "approval.unlinked_file"} <= rules
    assert any(f.path == "files/annex.txt" and f.rule == "secret.marking" for f in serial.all_findings())
    assert any(f.path == "bad/broken.md" and f.category == "input" for f in serial.all_findings())
    assert not [f for f in serial.all_findings() if f.path == "bad/waived.md" and f.rule == "pii.mobile"]
    assert len(serial.pages) == 39 and serial.blocking


def test_parallel_map_keeps_order_and_raises() -> None:
    assert pool.parallel_map(lambda x: x * 2, list(range(200)), workers=2, min_items=1) == [x * 2 for x in range(200)]

    def fail(x: int) -> int:
        if x == 150:
            raise RuntimeError("digest store unavailable")
        return x

    with pytest.raises(RuntimeError, match="digest store unavailable"):
        pool.parallel_map(fail, list(range(200)), workers=2, min_items=1)


def test_gate_errors_cross_process_boundaries_intact() -> None:
    error = GateError(Msg("第 3 行格式错误", "line 3 is malformed"), "a.md", 3, 2, hint=Msg("改正", "fix it"))
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.path, copy.line, copy.column, copy.hint) == \
           (error.message, error.path, error.line, error.column, error.hint)
    assert copy.render("en") == error.render("en")


def test_a_child_answers_raises_or_is_cancelled() -> None:
    assert pool.start_child(lambda: "答复")() == "答复"

    def fail() -> None:
        raise GateError(Msg("历史不完整", "history is incomplete"), "a.md")

    with pytest.raises(GateError, match="history is incomplete"):
        pool.start_child(fail)()
    big = pool.start_child(lambda: b"x" * (8 << 20))    # more than a pipe holds: it waits to hand it over
    big.cancel()
    with pytest.raises(RuntimeError, match="stopped before it answered"):
        big()


def test_a_process_never_asking_for_its_child_s_answer_still_exits(tmp_path: Path) -> None:
    """A build that fails while a child still works must end, not wait for that child forever."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    script = ("from mkdocs_govgate import pool\n"
              "child = pool.start_child(lambda: b'x' * (8 << 20))\n"
              "raise SystemExit(3)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == 3
