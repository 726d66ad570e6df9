"""The approval commit's message: a subject for people, trailers that bind page, stage and digest.

Example (what ``govgate approve`` writes)::

    govgate: approve first (初审初校) of content/news/a.md by zhaoliu

    Govgate-Page: content/news/a.md
    Govgate-Stage: first
    Govgate-By: zhaoliu
    Govgate-Decision: approve
    Govgate-Digest: sha256:9f2c…
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import Msg

TRAILER_KEYS = ("Govgate-Page", "Govgate-Stage", "Govgate-By", "Govgate-Decision", "Govgate-Digest")


@dataclass(frozen=True)
class ApprovalTrailer:
    page: str       # path relative to the repository root, posix
    stage: str
    by: str
    decision: str
    digest: str

    def lines(self) -> str:
        values = (self.page, self.stage, self.by, self.decision, self.digest)
        return "\n".join(f"{key}: {value}" for key, value in zip(TRAILER_KEYS, values, strict=True)) + "\n"


def approval_message(trailer: ApprovalTrailer, stage_title: str) -> str:
    subject = f"govgate: {trailer.decision} {trailer.stage} ({stage_title}) of {trailer.page} by {trailer.by}"
    return f"{subject}\n\n{trailer.lines()}"


def parse_trailer(message: str) -> ApprovalTrailer | Msg:
    """The trailer of an approval commit, or a message saying why there is none usable."""
    found: dict[str, list[str]] = {}
    for line in message.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.lower().startswith("govgate-"):
            found.setdefault(key.strip(), []).append(value.strip())
    unknown = sorted(k for k in found if k not in TRAILER_KEYS)
    if unknown:
        return Msg(f"提交消息含有未知的 govgate 尾注 {unknown[0]}", f"commit message carries unknown trailer {unknown[0]}")
    missing = [k for k in TRAILER_KEYS if k not in found]
    if missing:
        return Msg(f"签核提交的消息缺少尾注 {', '.join(missing)}（应由 govgate approve 生成）",
                   f"approval commit message lacks trailer(s) {', '.join(missing)} (govgate approve writes them)")
    repeated = [k for k, v in found.items() if len(v) != 1]
    if repeated:
        return Msg(f"签核提交的尾注 {repeated[0]} 出现多次", f"approval commit repeats trailer {repeated[0]}")
    return ApprovalTrailer(*(found[k][0] for k in TRAILER_KEYS))
