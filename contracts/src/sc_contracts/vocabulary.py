"""The words a person reads for the contracts' enum values, zh-CN first, en second.

Events carry codes (``critical``, ``smoke``, ``submitted``); a text a person reads never
shows one. Every service that renders text for people (notification's templates first)
takes the words from here, so one value reads the same everywhere. The console keeps its
own copy for the browser (``console/src/i18n/enums.ts``).

``label(kind, value, locale)``: the word for ``value``; a value this vocabulary does not
know reads as a neutral word of the locale ("其他" / "other"), never as the code.
"""

from __future__ import annotations

from types import MappingProxyType

Entry = tuple[str, str]  # (zh-CN, en)

_KINDS: dict[str, dict[str, Entry]] = {
    # alarm severity (ThingsBoard scale) and a notification's urgency
    "severity": {
        "critical": ("严重", "critical"),
        "major": ("重要", "major"),
        "minor": ("一般", "minor"),
        "warning": ("提示", "warning"),
        "indeterminate": ("待定", "undetermined"),
        "urgent": ("紧急", "urgent"),
        "info": ("通知", "information"),
    },
    "alarm_type": {
        "smoke": ("烟雾", "smoke"),
        "fire": ("火警", "fire"),
        "gas": ("燃气泄漏", "gas leak"),
        "water_leak": ("漏水", "water leak"),
        "emergency": ("紧急呼叫", "emergency call"),
        "fall": ("跌倒", "fall"),
        "sos": ("SOS 求助", "SOS call"),
        "device_offline": ("设备离线", "device offline"),
        "structure_unsafe": ("结构安全", "unsafe structure"),
        "water_tank_offline": ("水箱离线", "water tank offline"),
        "overheat": ("温度过高", "overheating"),
        "intrusion": ("非法闯入", "intrusion"),
        "manual": ("人工上报", "reported"),
        "wandering": ("走失", "wandering"),
        "inactivity": ("长时间无活动", "no activity"),
        "no_mask": ("未佩戴口罩", "no mask"),
        "fever": ("发热", "fever"),
    },
    "alarm_status": {
        "active_unack": ("未确认", "not yet acknowledged"),
        "active_ack": ("已确认", "acknowledged"),
        "cleared_unack": ("已解除未确认", "cleared, not acknowledged"),
        "cleared_ack": ("已解除", "cleared"),
    },
    "work_order_status": {
        "submitted": ("已提交，待受理", "submitted, waiting to be accepted"),
        "accepted": ("已受理", "accepted"),
        "assigned": ("已派单", "assigned"),
        "in_progress": ("处理中", "in progress"),
        "resolved": ("已处理完成", "resolved"),
        "closed": ("已关闭", "closed"),
        "rejected": ("已退回", "rejected"),
        "reopened": ("已重新打开", "reopened"),
        "cancelled": ("已撤销", "cancelled"),
    },
    "priority": {
        "urgent": ("紧急", "urgent"),
        "high": ("高", "high"),
        "normal": ("普通", "normal"),
        "low": ("低", "low"),
    },
    # work-orders' seeded case types (admins may add more: those read as "其他事项")
    "case_type": {
        "repair": ("报事报修", "repair"),
        "complaint": ("投诉", "complaint"),
        "suggestion": ("建议", "suggestion"),
        "hazard_report": ("隐患上报", "hazard report"),
        "alarm_dispatch": ("告警派单", "alarm dispatch"),
        "patrol_issue": ("巡更异常", "patrol issue"),
        "inspection": ("巡检", "inspection"),
        "mediation": ("矛盾调解", "mediation"),
        "maintenance_booking": ("维修预约", "maintenance booking"),
        "hotline_ticket": ("12345热线工单", "12345 hotline ticket"),
        "department_task": ("部门联动任务", "department task"),
        "shop_living_check": ("商铺住人核查", "shop living check"),
        "population_check": ("人口核查", "population check"),
    },
}

VOCABULARY = MappingProxyType({k: MappingProxyType(v) for k, v in _KINDS.items()})
UNKNOWN: Entry = ("其他", "other")


def label(kind: str, value: str, locale: str) -> str:
    """The word for ``value`` of ``kind`` in ``locale`` (zh-CN unless it is English)."""
    entries = VOCABULARY.get(kind)
    zh, en = entries.get(value, UNKNOWN) if entries is not None else UNKNOWN
    return en if locale.lower().startswith("en") else zh


def codes() -> frozenset[str]:
    """Every code this vocabulary knows (tests scan texts for them)."""
    return frozenset(code for entries in VOCABULARY.values() for code in entries)
