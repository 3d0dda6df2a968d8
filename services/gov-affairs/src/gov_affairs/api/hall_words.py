"""The service hall's codes as a person reads them: an application's history (its timeline),
the step it waits at, a service's category. Never an id or an action name."""

from __future__ import annotations

from gov_affairs.api.hall_schemas import HallHistoryRead
from gov_affairs.domain.hall import applications as dom
from gov_affairs.domain.hall.catalogue import ServiceItem
from gov_affairs.domain.text import Text

CATEGORY = {
    "welfare": Text(zh="社会救助", en="Social assistance"),
    "elderly": Text(zh="养老服务", en="Older people"),
    "disability": Text(zh="残疾人服务", en="Disability"),
    "migrants": Text(zh="流动人口", en="Migrants"),
    "housing": Text(zh="住房", en="Housing"),
    "certificates": Text(zh="证明开具", en="Certificates"),
    "general": Text(zh="综合事项", en="General"),
}

_ACTION = {
    "submit": Text(zh="提交申请", en="Applied"),
    "resubmit": Text(zh="补充材料后重新提交", en="Added the material and sent it again"),
    "approve": Text(zh="审批人同意", en="A signer approved"),
    "reject": Text(zh="审批人不同意", en="A signer did not approve"),
    "delegate": Text(zh="已转交其他工作人员审批", en="Passed to another member of staff"),
    "request_more": Text(zh="工作人员要求补充材料", en="Staff asked for more material"),
    "withdraw": Text(zh="申请人撤回申请", en="Withdrawn by the applicant"),
    "instant_approve": Text(zh="符合即办条件，当场办结", en="Approved at once (即办)"),
}
_OTHER = Text(zh="办理进展", en="Progress")


def material_names(item: ServiceItem, codes: list[str]) -> list[Text]:
    out = []
    for code in codes:
        m = item.material(code)
        out.append(m.name if m is not None else Text(zh="其他材料", en="Other material"))
    return out


def history(item: ServiceItem, app: dom.Application) -> list[HallHistoryRead]:
    """The timeline in words, oldest first; what the hall itself asked for names the
    materials (一次性告知), a signer's comment is kept as written."""
    out = []
    for step in app.timeline:
        text = _ACTION.get(step.action, _OTHER)
        if step.action == "request_more" and step.actor == dom.SYSTEM:
            names = material_names(item, list(step.detail.get("materials", [])))
            text = Text(
                zh="材料不全，请补充：" + "、".join(n.zh for n in names),
                en="Material missing; please add: " + ", ".join(n.en for n in names),
            )
        comment = step.detail.get("comment") or step.detail.get("reason") or ""
        out.append(HallHistoryRead(at=step.at, text=text, comment=str(comment)[:1000]))
    instant = any(s.action == "instant_approve" for s in app.timeline)
    if app.decided_at is not None and app.status in ("approved", "rejected") and not instant:
        done = (
            Text(zh="办结：审批通过", en="Decided: approved")
            if app.status == "approved"
            else Text(zh="办结：未通过", en="Decided: not approved")
        )
        out.append(HallHistoryRead(at=app.decided_at, text=done))
    return out


def current_step(item: ServiceItem, app: dom.Application) -> Text | None:
    """The approval step the application waits at (its name), while it is in review."""
    if app.run is None or app.status != "in_review":
        return None
    for step in item.flow.steps:
        if app.run.state(step.key).status == "active":
            return step.name
    return None
