"""The words of the hotline view and of mediation cases: a work order's states, steps,
priorities and the case types a hotline ticket comes as, in Chinese and English."""

from __future__ import annotations

from gov_affairs.domain.text import Text

CASE_STATUSES = {
    "submitted": Text(zh="已受理待分派", en="received"),
    "accepted": Text(zh="已受理", en="accepted"),
    "assigned": Text(zh="已派单", en="assigned"),
    "in_progress": Text(zh="处理中", en="in progress"),
    "resolved": Text(zh="已处理，待确认", en="resolved, awaiting confirmation"),
    "closed": Text(zh="已办结", en="closed"),
    "rejected": Text(zh="不予受理", en="declined"),
    "reopened": Text(zh="重新处理", en="reopened"),
    "cancelled": Text(zh="已撤销", en="cancelled"),
}
STEPS = {
    "created": Text(zh="登记", en="registered"),
    "accept": Text(zh="受理", en="accepted"),
    "reject": Text(zh="不予受理", en="declined"),
    "assign": Text(zh="派单", en="assigned"),
    "start": Text(zh="开始处理", en="work started"),
    "reply": Text(zh="答复", en="reply"),
    "resolve": Text(zh="办结待确认", en="resolved"),
    "close": Text(zh="办结", en="closed"),
    "reopen": Text(zh="重新处理", en="reopened"),
    "cancel": Text(zh="撤销", en="cancelled"),
    "rate": Text(zh="评价", en="rated"),
    "comment": Text(zh="留言", en="comment"),
}
PRIORITIES = {
    "low": Text(zh="低", en="low"),
    "normal": Text(zh="普通", en="normal"),
    "high": Text(zh="紧急", en="high"),
    "urgent": Text(zh="特急", en="urgent"),
}
CATEGORIES = {
    "hotline_ticket": Text(zh="12345热线工单", en="12345 hotline ticket"),
    "repair": Text(zh="报事报修", en="repair"),
    "complaint": Text(zh="投诉", en="complaint"),
    "suggestion": Text(zh="建议", en="suggestion"),
    "mediation": Text(zh="矛盾调解", en="mediation"),
}


def words(table: dict[str, Text], code: str) -> Text:
    """The words for ``code``; a code this service does not know is shown as it is."""
    return table.get(code) or Text(zh=code, en=code)
