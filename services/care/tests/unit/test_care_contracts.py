"""Family-doctor contracts: signing gives the team time-boxed grants; ending revokes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from care.domain.consent import Basis, Category, ConsentError, Subject, alert_recipients, decide
from care.domain.contracts import end_early, sign
from care.domain.records import ContractStatus, TeamMember

NOW = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
ELDER = Subject("p-1", date(1948, 5, 1), user_id="u-elder")
TEAM = (TeamMember("u-doc", "张医生", "全科医生"), TeamMember("u-nurse", "李护士", "护士"))


def signed(subject=ELDER, actor="u-elder", **kw):
    args = dict(
        contract_id="k-1", actor=actor, team_name="张医生团队", members=TEAM,
        start=date(2026, 1, 1), end=date(2026, 12, 31), services=["健康评估", "慢病随访"], at=NOW,
    )  # fmt: skip
    return sign(subject, **(args | kw))


def test_signing_lets_the_team_see_the_record_for_the_period_only():
    contract, grants = signed()
    assert contract.status is ContractStatus.ACTIVE and contract.services == (
        "健康评估",
        "慢病随访",
    )
    assert [g.grantee for g in grants] == ["u-doc", "u-nurse"]
    assert decide(ELDER, grants, "u-doc", Category.CLINICAL, NOW).basis is Basis.GRANT
    last_day = datetime(2026, 12, 31, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
    assert decide(ELDER, grants, "u-nurse", Category.VITALS, last_day).allowed
    assert not decide(
        ELDER, grants, "u-nurse", Category.VITALS, last_day + timedelta(minutes=2)
    ).allowed
    assert not decide(ELDER, grants, "u-doc", Category.WHEREABOUTS, NOW).allowed
    # the doctor is told of alerts, the nurse reads only
    assert [r.user_id for r in alert_recipients(ELDER, grants, Category.VITALS, NOW)] == ["u-doc"]


def test_a_child_s_contract_is_signed_by_a_guardian():
    child = Subject("p-2", date(2020, 1, 1), guardians=frozenset({"u-mum"}))
    _, grants = signed(child, actor="u-mum")
    assert all(g.granted_as == "guardian" for g in grants)
    with pytest.raises(ConsentError):
        signed(child, actor="u-doc")


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"services": [" "]}, "care.contract_no_services"),
        ({"end": date(2025, 12, 31)}, "care.contract_period"),
        ({"end": date(2029, 6, 1)}, "care.contract_period"),
    ],
)
def test_bad_contracts_are_refused(kw, code):
    with pytest.raises(ConsentError) as info:
        signed(**kw)
    assert info.value.code == code


def test_one_current_contract_and_ending_early_revokes_the_team():
    contract, grants = signed()
    with pytest.raises(ConsentError) as info:
        signed(contract_id="k-2", current=[contract], start=date(2026, 6, 1), end=date(2027, 5, 31))
    assert info.value.code == "care.contract_overlap"
    later = NOW + timedelta(days=30)
    ended, revoked = end_early(contract, grants, later)
    assert ended.status is ContractStatus.REVOKED and len(revoked) == 2
    assert not decide(ELDER, revoked, "u-doc", Category.CLINICAL, later).allowed
    with pytest.raises(ConsentError):
        end_early(ended, revoked, later)
