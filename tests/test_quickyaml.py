"""The fast YAML reader answers exactly what the strict one does, or declines (then the strict one reads)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mkdocs_govgate.errors import GateError
from mkdocs_govgate.page import FRONT_MATTER_RE
from mkdocs_govgate.quickyaml import QuickDoc, quick_load
from mkdocs_govgate.yamlstrict import load_strict, load_yaml

ROOT = Path(__file__).resolve().parents[1]
SIG = "    signature: |\n      -----BEGIN SSH SIGNATURE-----\n      U1NIU0lHAAAAAQ\n      -----END SSH SIGNATURE-----\n"
ENTRY = ("  - stage: first\n    by: chief1\n    decision: approve\n    opinion: 同意\n"
         "    at: 2024-01-09T10:12:00+08:00\n    digest: sha256:" + "a" * 64 + "\n")
BASE = "title: 标题\ndate: 2024-01-09\n"
TRICKY = [
    "a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\n", "a: 012\n", "a: 1.5\n", "a: 1e3\n", "a: 0x1F\n", "a: 0o17\n",
    "a: 2024-02-30\n", "a: 2024-01-09 10:00:00\n", "a: 2024-01-09T10:00:00Z\n", "a: 2024-01-09T10:00:00\n",
    "a: \"x\\ty\"\n", "a: 'it''s'\n", "a: \"multi\n  line\"\n", "a: [x, y]\n", "a: [x:y, z]\n", "a: {k: v}\n",
    "1: x\n", "true: x\n", "a: 1\na: 2\n", "a:\n  -\n    b: c\n  - d\n", "a: |2\n    x\n", "a: >-\n  f\n  t\n\n  m\n",
    "a: |+\n  keep\n\n", "# only comment\n", "- a\n- b\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "? a\n: b\n",
    "a: b # c\n", "a:\n", "a: ~\n", "a: Null\n", "a: True\n", "a: tRUE\n", "a: .inf\n", "a: +1\n", "a: 1_000\n",
    "a: 1:20\n", "a: 2024年\n", "a: -新\n", "a: b: c\n", "a: plain\n  continued\n", "a: =\n", "a: <<\n",
    "<<: {b: 1}\n", "%YAML 1.1\n---\na: b\n", "a:\tb\n", "a: '*x'\n", "a: 注意!\n", "a: \"\\u4e2d\"\n",
    "url: https://www.gov.cn/a?b=c#d\n", "a: [2024-01-01]\n", "a: {b: [c, {d: e}]}\n", "a: \"\"\n", "a: [ ]\n",
    BASE + "signoffs:\n" + ENTRY, BASE + "signoffs:\n" + ENTRY + SIG + ENTRY, BASE + "signoffs:\n" + ENTRY + SIG,
    BASE + "signoffs:\n" + ENTRY.replace("同意", '"同意: 是"'), BASE + "signoffs:\n" + ENTRY.replace("同意", "yes"),
    BASE + "signoffs:\n" + ENTRY.replace("chief1", "123"), BASE + "signoffs:\n" + ENTRY + "    extra: x\n",
    BASE + "signoffs:\n" + ENTRY.replace("  - stage", "- stage").replace("\n    ", "\n  "),
    BASE + "signoffs:\n" + ENTRY + SIG.replace("U1NIU", " U1NIU"), BASE + "signoffs:\n" + ENTRY + SIG + "other: x\n",
    BASE + "signoffs:\n" + ENTRY.replace("+08:00", "Z"), "desc: |+\n  x\n\nsignoffs:\n" + ENTRY,
    "k: [a,\nsignoffs:\n" + ENTRY + "]\n", "desc: >\n  folded\n  text\nsignoffs:\n" + ENTRY,
    BASE + "signoffs:\n" + ENTRY.replace("同意", "同意 #注释"), BASE + "signoffs:\n" + ENTRY.replace("同意", "同\u2028意"),
]


def _same(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dt.datetime):
        return a == b and a.isoformat() == b.isoformat()
    return a == b


def _paths(lines: object, prefix: tuple = ()) -> list[tuple]:
    found = []
    for key, (_, sub) in (lines.items() if isinstance(lines, dict) else []):
        found.append((*prefix, key))
        found.extend(_paths(sub, (*prefix, key)))
    return found


def _texts() -> list[tuple[str, str]]:
    texts = [(f"case {i}", text) for i, text in enumerate(TRICKY)]
    for pattern in ("content/**/*.md", "tests/**/*.md"):
        for path in sorted(ROOT.glob(pattern)):
            match = FRONT_MATTER_RE.match(path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n"))
            if match:
                texts.append((str(path.relative_to(ROOT)), match.group(1)))
    for pattern in ("mkdocs_govgate/rulepacks/*.yml", "signoffs/**/*.yml", "tests/**/*.yml"):
        texts.extend((str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in sorted(ROOT.glob(pattern)))
    return texts


def test_quick_reader_reads_as_the_strict_reader_or_declines() -> None:
    quick_count = 0
    for name, text in _texts():
        quick = quick_load(text, name, 2)
        if quick is None:
            continue
        quick_count += 1
        try:
            strict = load_strict(text, name, 2)
        except GateError as error:
            pytest.fail(f"{name}: the quick reader accepted what the strict one refuses: {error}")
        assert _same(quick.data, strict.data), name
        for keys in _paths(quick._lines):
            assert quick.line_of(*keys) == strict.line_of(*keys), (name, keys)
        assert quick.line_of("no such key") == strict.line_of("no such key")
    assert quick_count > 40    # the common shapes do take the fast path


def test_signoffs_written_by_approve_take_the_fast_path() -> None:
    doc = load_yaml(BASE + "signoffs:\n" + ENTRY + SIG + ENTRY.replace("first", "second"), "a.md", 2)
    assert isinstance(doc, QuickDoc)
    assert [e["stage"] for e in doc.data["signoffs"]] == ["first", "second"]
    assert doc.data["signoffs"][0]["signature"].startswith("-----BEGIN SSH SIGNATURE-----\n")
    assert doc.data["signoffs"][1]["at"] == dt.datetime(2024, 1, 9, 10, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert doc.line_of("signoffs", 1) == 2 + 2 + 1 + 6 + 4    # the second entry's "- stage" line in the file


def test_writers_still_get_the_round_trip_tree() -> None:
    doc = load_yaml(BASE + "signoffs:\n" + ENTRY, "a.md", 2)
    assert isinstance(doc, QuickDoc)
    assert doc.node.lc.key("signoffs")[0] == 2     # ruamel's node, parsed on first use (approve splices with it)


@pytest.mark.parametrize("text", ["a: 1\na: 2\n", "a: &x 1\nb: *x\n", "a: [b\n", "a: !!str 1\n"])
def test_refused_yaml_gets_the_strict_readers_message(text: str) -> None:
    with pytest.raises(GateError):
        load_yaml(text, "a.md", 2)


def test_pyyaml_without_libyaml_still_reads(tmp_path):
    """A PyYAML built without libyaml has no CSafeLoader: the readers fall back, never crash on import."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    script = ("import yaml\ndel yaml.CSafeLoader\n"
              "from mkdocs_govgate.quickyaml import quick_load\n"
              "from mkdocs_govgate.evidence import versions\n"
              "doc = quick_load('title: 标题\\ndate: 2024-01-09\\n', 'a.md')\n"
              "print(doc.data['title'])\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "标题"


@pytest.mark.parametrize(("text", "zh", "fix"), [
    ("title: 标题\n\tdate: 2024-01-09\n", "Tab 字符", "请用空格代替 Tab"),
    ("title: 通知: 关于春节\n", "值里有“: ”", "加引号"),
    ("title: '标题\n", "引号没有闭合", "补上另一半引号"),
    ("tags: [a, b\n", "方括号 [ 没有闭合", "补上 ]"),
])
def test_yaml_errors_are_explained_in_chinese_with_a_fix(text, zh, fix):
    with pytest.raises(GateError) as caught:
        load_strict(text, "a.md")
    rendered = caught.value.render("zh")
    assert zh in rendered and fix in rendered.split("处理办法：", 1)[1]
    assert rendered.index("YAML 格式错误：") < rendered.index("解析器：")    # Chinese first, the parser's words after
    assert caught.value.render("en").startswith("a.md:")
