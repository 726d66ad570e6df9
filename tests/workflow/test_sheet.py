"""`govgate sheet`: the 审签表 from real signed commits (history) and real inline signatures,
rendered by headless Chromium (screenshot, DOM, PDF) and checked for what an archive needs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evidence"))

from kit import Key, Repo, forge, isolate_home, make_openpgp_key, make_ssh_key  # noqa: E402
from sitekit import BIN, Site, demo_pin  # noqa: E402

from mkdocs_govgate.browser import CHROMIUM_ENV, dump_dom, screenshot  # noqa: E402

from .pngcheck import assert_real_png  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def keyfolder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sheet-keys")


@pytest.fixture(scope="module")
def keys(keyfolder: Path) -> dict[str, Key]:
    gnupghome = keyfolder / "gnupg"
    gnupghome.mkdir(mode=0o700)
    made = {name: make_ssh_key(keyfolder, name) for name in
            ("editor1", "chief1", "chief2", "webadmin1", "principal1", "root1", "root2", "mallory")}
    made["deputy1"] = make_openpgp_key(gnupghome, "deputy1")
    return made


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate_home(tmp_path, monkeypatch)


@pytest.fixture
def repo(tmp_path: Path, keys: dict[str, Key], keyfolder: Path, home: Path) -> Repo:
    return Repo(tmp_path / "site", keys, keyfolder / "gnupg")


def sheet(repo: Repo, *args: str, lang: str = "zh") -> subprocess.CompletedProcess:
    env = dict(os.environ, GNUPGHOME=str(repo.gnupghome),
               GOVGATE_TRUST_ROOT=f"{repo.root_commit}:{repo.keys['root1'].fingerprint}")
    return subprocess.run([str(BIN / "govgate"), "--lang", lang, "sheet", *args], cwd=repo.root, capture_output=True,
                          text=True, env=env, timeout=300)


def approval_commit(repo: Repo, stage: str) -> str:
    return repo.git("log", "--format=%H", f"--grep=Govgate-Stage: {stage}$", "HEAD").split()[0]


def signature_rows(dom: str) -> list[dict[str, str]]:
    """Each signature row of the rendered sheet: status plus the text of every cell, by class."""
    tree = lxml_html.fromstring(dom)
    rows = []
    for tr in tree.xpath('//table[contains(@class, "sigs")]//tr[contains(@class, "signature")]'):
        cells = {td.get("class"): " ".join(td.text_content().split()) for td in tr.xpath("./td")}
        cells["verdict"] = tr.get("data-status")
        cells["stage_id"] = tr.get("data-stage")
        cells["name"] = " ".join("".join(tr.xpath('.//span[@class="name"]//text()')).split())
        rows.append(cells)
    return rows


def test_history_sheet_names_every_signature_with_commit_and_key(repo, tmp_path):
    for stage, signer in (("first", "chief1"), ("second", "webadmin1"), ("final", "deputy1")):
        assert repo.approve("content/a.md", stage, signer, opinion=f"{stage} 同意") == 0
    out = tmp_path / "sheet.html"
    result = sheet(repo, "content/a.md", "--out", str(out))
    assert result.returncode == 0, result.stderr
    source = out.read_text(encoding="utf-8")
    assert "<script" not in source and "http://" not in source and "https://" not in source   # opens offline

    dom = dump_dom(out)   # what Chromium built, not what we meant to write
    rows = {row["stage_id"]: row for row in signature_rows(dom)}
    assert set(rows) == {"first", "second", "final"}
    for stage, signer in (("first", "chief1"), ("second", "webadmin1"), ("final", "deputy1")):
        row = rows[stage]
        assert row["verdict"] == "valid", row
        assert row["name"] == signer
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["time"])
        assert approval_commit(repo, stage) in row["commit"]
        assert "同意" in row["decision"] and f"{stage} 同意" in row["decision"]
    assert repo.keys["chief1"].fingerprint in rows["first"]["fingerprint"]
    assert repo.keys["webadmin1"].fingerprint in rows["second"]["fingerprint"]
    assert repo.keys["deputy1"].signing.upper() in rows["final"]["fingerprint"].replace(" ", "")
    page = lxml_html.fromstring(dom)
    assert "关于做好春节期间安全生产工作的通知" in page.xpath('string(//tr[contains(@class,"title")])')
    assert "县应急管理局" in page.xpath('string(//tr[contains(@class,"unit")])')
    assert "editor1" in page.xpath('string(//tr[contains(@class,"author")])')
    assert "准予发布" in page.xpath('string(//tr[contains(@class,"outcome")])')
    digest = re.search(r"sha256:[0-9a-f]{64}", page.xpath('string(//tr[contains(@class,"content")])'))
    assert digest is not None
    points = page.xpath('//ol[@class="points"]/li')
    assert len(points) == 8 and all(li.get("class") == "pass" for li in points)

    png = screenshot(out, tmp_path / "sheet.png", 900, 1400)
    assert_real_png(png, 900, 1400)


def test_forged_and_stale_signoffs_are_not_shown_as_signed(repo, tmp_path):
    assert repo.approve("content/a.md", "first", "chief1") == 0
    # mallory signs an entry that claims to be webadmin1's approval
    forge(repo, "second", "webadmin1", signer="mallory")
    out = tmp_path / "forged.html"
    assert sheet(repo, "content/a.md", "--out", str(out)).returncode == 0
    rows = {row["stage_id"]: row for row in signature_rows(out.read_text(encoding="utf-8"))}
    assert rows["first"]["verdict"] == "valid"
    assert rows["second"]["verdict"] == "invalid"
    assert "无效" in rows["second"]["status"] and "有效" not in rows["second"]["status"].replace("无效", "")
    assert "webadmin1" in rows["second"]["status"]       # the verifier's reason: not webadmin1's key
    assert repo.keys["mallory"].fingerprint in rows["second"]["fingerprint"]
    assert "webadmin1" in rows["second"]["fingerprint"]          # the key is not the roster's key for webadmin1
    assert "未获准发布" in out.read_text(encoding="utf-8")

    # the content changes after the sign-off: the valid approval becomes stale, never "valid"
    repo.write("content/a.md", repo.read("content/a.md").replace("请做好安全生产工作。", "请做好安全生产和防火工作。"))
    repo.commit("改稿", signer=None)
    stale = tmp_path / "stale.html"
    assert sheet(repo, "content/a.md", "--out", str(stale)).returncode == 0
    rows = {row["stage_id"]: row for row in signature_rows(stale.read_text(encoding="utf-8"))}
    assert rows["first"]["verdict"] == "stale"
    assert rows["second"]["verdict"] == "invalid"
    assert 'data-status="valid"' not in stale.read_text(encoding="utf-8")


@pytest.fixture
def inline_site(tmp_path: Path, home: Path) -> Site:
    return Site(tmp_path / "inline-site")


def test_pdf_in_chinese_and_english_labels(inline_site, tmp_path):
    inline_site.page("tzgg/notice.md", "各乡镇：\n\n请做好防汛准备。\n", title="关于做好2025年汛期防汛工作的通知",
                     classification="important")
    inline_site.approve("tzgg/notice.md")
    pdf = tmp_path / "notice.pdf"
    result = inline_site.govgate("sheet", "content/tzgg/notice.md", "--pdf", "--out", str(pdf))
    assert result.returncode == 0, result.stderr
    reader = PdfReader(str(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    compact = re.sub(r"\s+", "", text)
    assert "信息发布审签表" in compact
    assert "关于做好2025年汛期防汛工作的通知" in compact
    for name in ("科长甲", "网管甲", "副县长甲", "县长甲"):       # every reviewer, by roster name
        assert name in compact
    assert "单位主要领导签批" in compact and "信息审核要点" in compact and "保密性" in compact

    english = inline_site.govgate("--lang", "en", "sheet", "content/tzgg/notice.md")
    assert english.returncode == 0
    assert "Review and sign-off sheet" in english.stdout and "Principal leader" in english.stdout
    assert 'data-status="valid"' in english.stdout


def test_injection_in_title_and_opinion_is_escaped(inline_site, tmp_path):
    title = '通知<b id="injected-title">加粗</b><script>document.title="pwned"</script>'
    inline_site.page("tzgg/x.md", "正文。\n", title=title)
    inline_site.sign("tzgg/x.md", "first", opinion='同意<img id="injected-opinion" src=x onerror="alert(1)">')
    inline_site.sign_with_key_of("tzgg/x.md", "second", by="webadmin1", key_owner="secrecy1")
    out = tmp_path / "x.html"
    result = inline_site.govgate("sheet", "content/tzgg/x.md", "--out", str(out))
    assert result.returncode == 0, result.stderr
    source = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;" in source and "<script" not in source
    dom = dump_dom(out)
    tree = lxml_html.fromstring(dom)
    assert not tree.xpath('//*[@id="injected-title" or @id="injected-opinion"]')
    assert '<b id="injected-title">' in tree.xpath('string(//tr[contains(@class,"title")])')
    assert tree.xpath("string(//title)").endswith(title)     # shown as text; a script would have replaced it
    rows = {row["stage_id"]: row for row in signature_rows(dom)}
    assert rows["first"]["verdict"] == "valid"
    assert '<img id="injected-opinion"' in rows["first"]["decision"]
    assert rows["second"]["verdict"] == "invalid"
    assert "secrecy1" in rows["second"]["status"]       # the reason: made with secrecy1's key


def test_missing_browser_is_a_clear_error(inline_site, monkeypatch):
    inline_site.page("a.md", "正文。\n")
    monkeypatch.setenv(CHROMIUM_ENV, "/nonexistent/chromium")
    result = inline_site.govgate("sheet", "content/a.md", "--pdf")
    assert result.returncode == 2
    assert "GOVGATE_CHROMIUM" in result.stderr and "apt-get install chromium" in result.stderr


def test_inline_evidence_sheet_says_what_proves_each_signoff() -> None:
    """On an inline-evidence site (the demo) the commit is no approval commit, and that is no fault:
    the row says the entry's own signature is the proof, not "不是签核提交"."""
    result = subprocess.run([str(BIN / "govgate"), "sheet", "content/tzgg/2025-spring-festival-safety.md"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "GOVGATE_TRUST_ROOT": demo_pin()})
    assert result.returncode == 0, result.stderr
    assert "不是签核提交" not in result.stdout
    assert result.stdout.count("内嵌签名：由签核记录本身的签名证明") == 3


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_sheet_file_follows_the_umask(tmp_path, umask: int) -> None:
    target = tmp_path / "sheet.html"
    result = subprocess.run([str(BIN / "govgate"), "sheet", "content/tzgg/2025-spring-festival-safety.md", "--out",
                             str(target)], cwd=ROOT, capture_output=True, text=True, timeout=300, umask=umask,
                            env={**os.environ, "GOVGATE_TRUST_ROOT": demo_pin()})
    assert result.returncode == 0, result.stderr
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_sheets_of_a_whole_column_one_file_per_page(tmp_path) -> None:
    """An archive run: a folder of pages gives one 审签表 per page (PDF through Chromium), named by its path."""
    out = tmp_path / "archive"
    result = subprocess.run([str(BIN / "govgate"), "sheet", "content/zcjd", "content/tzgg/index.md", "--pdf", "--out",
                             str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "GOVGATE_TRUST_ROOT": demo_pin()})
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["tzgg-index-sheet.pdf", "zcjd-business-environment-measures-jd-sheet.pdf", "zcjd-index-sheet.pdf",
                     "zcjd-rural-revitalization-plan-2025-jd-sheet.pdf"]
    assert all((out / name).read_bytes().startswith(b"%PDF") for name in names)
    assert f"4 份审签表已写入 {out}" in result.stdout
    text = PdfReader(out / "zcjd-index-sheet.pdf").pages[0].extract_text()
    assert "政策解读" in text
