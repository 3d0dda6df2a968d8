"""Who may see which community's figures, and problems in zh-CN and en: the use cases'
scope checks (the routers share them through ``evaluation.api.common``)."""

from __future__ import annotations

from evaluation.domain.periods import Period, parse_period
from sc_core.auth.principal import Principal
from sc_core.auth.scope import in_scope
from sc_core.errors import Problem

# who reads KPIs, results, indices and reports of the places they hold
VIEWER_ROLES = (
    "property_staff",
    "property_manager",
    "grid_worker",
    "community_admin",
    "gov_officer",
    "auditor",
    "platform_admin",
)
# who designs and publishes surveys and indices
MANAGER_ROLES = ("property_manager", "community_admin", "gov_officer", "platform_admin")
RESIDENT_ROLES = ("resident", "tenant", "family")


def problem(status: int, code: str, zh: str, en: str, locale: str, **extra: object) -> Problem:
    """A problem+json answer: ``detail`` in the reader's language, both in ``messages``."""
    detail = en if locale == "en" else zh
    return Problem(status, code, detail, messages={"zh-CN": zh, "en": en}, **extra)


def ensure_viewer(
    principal: Principal,
    locale: str,
    community_id: str,
    *,
    building_id: str | None = None,
    grid_id: str | None = None,
    roles: tuple[str, ...] = VIEWER_ROLES,
) -> None:
    """403 ``evaluation.out_of_scope`` unless the caller holds one of ``roles`` over the
    community (or the building / grid asked for)."""
    if in_scope(
        principal,
        community_id=community_id,
        building_id=building_id,
        grid_id=grid_id,
        roles=roles,
    ):
        return
    raise problem(
        403,
        "evaluation.out_of_scope",
        "您无权查看该社区的评价数据。",
        "You may not see the evaluation figures of this place.",
        locale,
    )


def period_or_problem(key: str, locale: str) -> Period:
    try:
        return parse_period(key)
    except ValueError:
        raise problem(
            400,
            "evaluation.bad_period",
            "统计周期格式不正确，应为 2026-11-03、2026-11、2026-Q4 或 2026。",
            "The period must look like 2026-11-03, 2026-11, 2026-Q4 or 2026.",
            locale,
        ) from None
