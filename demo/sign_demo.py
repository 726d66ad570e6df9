"""Sign the demo site's pages with the demo reviewers' keys (DEMO ONLY).

The demo site has no signed git history of its own, so its policy uses
`evidence: inline`: every sign-off carries an SSH signature over (digest, stage, by,
decision, at), made here with the fictional reviewers' keys in demo/keys/.  A real
site signs with `govgate approve`, one signed commit per sign-off.

Usage: python demo/sign_demo.py   (re-signs every page except the one left for review, then seals the
configuration with the demo admin's key, as `govgate seal` would)
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_ssh_private_key
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from mkdocs_govgate.digest import page_digest
from mkdocs_govgate.evidence import sshsig
from mkdocs_govgate.evidence.inline import INLINE_NAMESPACE, payload_for
from mkdocs_govgate.page import FRONT_MATTER_RE, Page
from mkdocs_govgate.policy import Policy
from mkdocs_govgate.siteconfig.seal import make_seal, seal_text
from mkdocs_govgate.siteconfig.sealed import SEAL_FILE
from mkdocs_govgate.sitefinder import read_site_settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "content"
KEYS = ROOT / "demo" / "keys"
ADMIN = "liuyang"      # the demo's trust-store admin: seals the configuration
WAITING = {"tzgg/draft-recruitment.md"}   # left for review on purpose
TZ = dt.timezone(dt.timedelta(hours=8))
SIGNERS = {"first": "zhaoliu", "second": "sunqi", "final": "wuming", "principal": "zhengqiang",
           "superior": "chenhua"}
OPINIONS = {"first": "内容准确，同意报复审。", "second": "经保密审查和文字校对，无涉密信息，同意报终审。",
            "final": "同意发布。", "principal": "同意发布。", "superior": "同意，请按程序发布并书面备案。"}


def sign(entry: dict, path: str) -> str:
    key = load_ssh_private_key((KEYS / entry["by"]).read_bytes(), password=None)
    blob = sshsig.key_blob_from_line((KEYS / f"{entry['by']}.pub").read_text())
    payload = payload_for(entry["digest"], entry["stage"], entry["by"], entry["decision"], entry["at"], path)
    return sshsig.sign(key, blob, payload, INLINE_NAMESPACE)


def signoffs_for(page: Page, policy: Policy) -> list[dict]:
    digest = page_digest(page, DOCS)
    start = dt.datetime.combine(page.meta["date"], dt.time(9, 0), TZ)
    entries = []
    for number, stage in enumerate(policy.required_stages(policy.resolve_classification(page.classification))):
        entry = {"stage": stage.id, "by": SIGNERS[stage.id], "decision": "approve",
                 "opinion": OPINIONS[stage.id], "at": start + dt.timedelta(hours=number), "digest": digest}
        entry["signature"] = LiteralScalarString(sign(entry, page.path))
        entry["at"] = entry["at"].isoformat()
        entries.append(entry)
    return entries


def write_signoffs(path: Path, entries: list[dict]) -> None:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER_RE.match(text)
    assert match, path
    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = 200
    stream = io.StringIO()
    yaml.dump({"signoffs": entries}, stream)
    front = match.group(1)
    front = front[: front.index("signoffs:")] if "\nsignoffs:" in "\n" + front else front
    path.write_text("---\n" + front + stream.getvalue() + text[match.end(1):], encoding="utf-8")


def main() -> int:
    policy = Policy.load(ROOT / "signoffs" / "policy.yml")
    for path in sorted(DOCS.rglob("*.md")):
        rel = path.relative_to(DOCS).as_posix()
        if rel in WAITING:
            continue
        page = Page.load(DOCS, rel)
        write_signoffs(path, signoffs_for(page, policy))
        print("signed", rel)
    seal_configuration()
    return 0


def seal_configuration() -> None:
    """What `govgate seal` does, with the demo admin's key: sign the digests of every configuration file."""
    _, settings = read_site_settings(ROOT / "mkdocs.yml")
    at = dt.datetime.now(TZ).replace(microsecond=0).isoformat()
    key = load_ssh_private_key((KEYS / ADMIN).read_bytes(), password=None)
    blob = sshsig.key_blob_from_line((KEYS / f"{ADMIN}.pub").read_text())
    seal = make_seal(ROOT, settings, f"signoffs/{SEAL_FILE}", ADMIN, at, "",
                     lambda payload: sshsig.sign(key, blob, payload, INLINE_NAMESPACE))
    (ROOT / "signoffs" / SEAL_FILE).write_text(seal_text(seal), encoding="utf-8")
    print(f"sealed {len(seal.files)} configuration files; pin: GOVGATE_TRUST_ROOT={sshsig.key_fingerprint(blob)}")


if __name__ == "__main__":
    sys.exit(main())
