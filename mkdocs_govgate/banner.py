"""The draft banner `mkdocs serve` puts on unapproved pages, so reviewers see what is missing."""

from __future__ import annotations

from html import escape

from .policy import Policy
from .report import PageResult
from .roster import Roster

_STYLE = ("border:3px solid #b71c1c;background:#fff3f3;color:#3e0000;padding:12px 16px;margin:0 0 16px;"
          "border-radius:4px;font-size:15px;line-height:1.6")


def draft_banner(result: PageResult, policy: Policy | None, roster: Roster | None, lang: str = "zh") -> str:
    en = lang == "en"
    title = ("DRAFT: not approved for publication — `mkdocs build` will not publish this page"
             if en else "草稿：尚未获准发布 —— 正式构建（mkdocs build）不会发布本页")
    items = []
    if result.verdict is not None:
        for status in result.verdict.stages:
            if status.done:
                continue
            stage = status.stage
            roles = ", ".join(stage.roles) if en else "、".join(policy.role_title(r) for r in stage.roles) if policy else ""
            names = [roster.person(p) for p in status.eligible] if roster else []
            people = ", ".join(p.id for p in names if p) if en else "、".join(f"{p.name}（{p.id}）" for p in names if p)
            reasons = "; ".join(r.render(lang) for r in status.reasons)
            if en:
                text = f"<b>{escape(stage.id)} ({escape(stage.title)})</b>: needs {escape(roles)}"
                text += f" — eligible: {escape(people)}" if people else ""
            else:
                text = f"<b>{escape(stage.title)}（{escape(stage.id)}）</b>：需由{escape(roles)}签核"
                text += f"，可签：{escape(people)}" if people else ""
            items.append(f"<li>{text}<br><small>{escape(reasons)}</small></li>")
    other = [f for f in result.findings if f.blocking and not f.rule.startswith(("approval.missing", "approval.sent_back",
                                                                              "approval.stale", "approval.order",
                                                                              "approval.invalid"))]
    for finding in other:
        items.append(f"<li>{escape(finding.rule)}: {escape(finding.message.render(lang))}</li>")
    heading = "Still needed:" if en else "还需要："
    return (f'<div class="govgate-draft-banner" role="alert" style="{_STYLE}"><strong>{escape(title)}</strong>'
            f"<div>{heading}</div><ul>{''.join(items)}</ul></div>\n")
