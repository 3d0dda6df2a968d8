"""Family-doctor contracts (家庭医生签约服务): signing, renewing, ending (pure).

Signing is done by the person (or a guardian for a child under 14 or an adult in their
care, as for any consent). The signed form says that the team may see the record for the
contract's period, so signing gives each team member a grant (profile, vitals, clinical,
assessments, visits; doctors are told of alerts) from the start to the day after the end;
ending the contract early revokes those grants at once. A person has one current contract.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from care.domain.consent import Category, ConsentError, Grant, Relation, Subject, new_grant
from care.domain.records import ContractStatus, DoctorContract, TeamMember

TEAM_CATEGORIES = (
    Category.PROFILE,
    Category.VITALS,
    Category.CLINICAL,
    Category.ASSESSMENTS,
    Category.VISITS,
)
MAX_YEARS = 3


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz)


def sign(
    subject: Subject,
    *,
    contract_id: str,
    actor: str,
    team_name: str,
    members: Iterable[TeamMember],
    start: date,
    end: date,
    services: Iterable[str],
    at: datetime,
    current: Iterable[DoctorContract] = (),
    tz: ZoneInfo = ZoneInfo("Asia/Shanghai"),
) -> tuple[DoctorContract, list[Grant]]:
    """The contract and the team's grants; raise ConsentError / ValueError when refused."""
    team = tuple(members)
    wanted = tuple(dict.fromkeys(s.strip() for s in services if s.strip()))
    if not wanted:
        raise ConsentError(
            "care.contract_no_services", "请选择签约服务内容。", "Choose the services agreed."
        )
    if end > start.replace(year=start.year + MAX_YEARS) or end <= start:
        raise ConsentError(
            "care.contract_period", "签约期限须晚于开始日期，且不超过3年。",
            "A contract ends after it starts and lasts at most 3 years.",
        )  # fmt: skip
    for other in current:
        if other.status is ContractStatus.ACTIVE and other.start <= end and start <= other.end:
            raise ConsentError(
                "care.contract_overlap", "该时段已有有效的家庭医生签约。",
                "There is already a family-doctor contract for that period.",
            )  # fmt: skip
    contract = DoctorContract(
        contract_id, team_name, team, start, end, wanted, ContractStatus.ACTIVE, at
    )
    grants = [
        new_grant(
            subject,
            grant_id=f"{contract_id}:{m.user_id}",
            actor=actor,
            grantee=m.user_id,
            relation=Relation.DOCTOR,
            categories=TEAM_CATEGORIES,
            at=at,
            valid_from=min(at, _midnight(start, tz)),
            valid_until=_midnight(end + timedelta(days=1), tz),
            notify="医生" in m.role or "doctor" in m.role.lower(),
        )
        for m in team
    ]
    return contract, grants


def end_early(
    contract: DoctorContract, grants: Iterable[Grant], at: datetime
) -> tuple[DoctorContract, list[Grant]]:
    """End a contract before its end date; its team's grants are revoked now."""
    if contract.status is not ContractStatus.ACTIVE:
        raise ConsentError(
            "care.contract_not_active", "该签约已结束。", "This contract has already ended."
        )
    prefix = f"{contract.id}:"
    revoked = [
        replace(g, revoked_at=at)
        for g in grants
        if g.id.startswith(prefix) and g.revoked_at is None
    ]
    return replace(contract, status=ContractStatus.REVOKED), revoked
