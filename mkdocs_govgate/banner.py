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



def preview_summary(results: list[PageResult], policy: Policy | None, lang: str = "zh") -> str:
    """What `mkdocs serve` says in the terminal about the drafts it shows with a banner ('' when none)."""
    drafts = [r for r in results if r.retired is None and (not r.approved or r.content_blocked)]
    if not drafts:
        return ""
    en = lang == "en"
    lines = [f"govgate preview: {len(drafts)} page(s) are not cleared for publication; they are shown here with a red "
             "banner saying what is missing, and `mkdocs build` leaves them out:" if en else
             f"govgate 预览：{len(drafts)} 个页面尚未获准发布，在此带红色横幅显示（横幅列出还缺什么），"
             "正式构建（mkdocs build）不会发布："]
    for result in sorted(drafts, key=lambda r: r.path):
        parts = []
        missing = [s.stage for s in result.verdict.stages if not s.done] if result.verdict else []
        if missing:
            names = ", ".join(s.id for s in missing) if en else "、".join(s.title for s in missing)
            parts.append(f"needs {names}" if en else f"还缺 {names}")
        content = sum(1 for f in result.findings if f.blocking and f.category not in ("approval", "input"))
        if content:
            parts.append(f"{content} content finding(s)" if en else f"内容问题 {content} 个")
        if result.verdict is None:
            parts.append("cannot be read" if en else "无法读取")
        lines.append(f"  - {result.path}" + (": " if en else "：") + ("; " if en else "；").join(parts))
    return "\n".join(lines)
