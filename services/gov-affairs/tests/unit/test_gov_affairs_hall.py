"""The service hall's applications, driven through the old-age allowance as a resident and
the signers would: the issue's scenario in the domain, with no I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from gov_affairs.domain.approvals import engine
from gov_affairs.domain.approvals.flow import SignerRef
from gov_affairs.domain.defaults import OLD_AGE_ALLOWANCE as ITEM
from gov_affairs.domain.hall import applications as hall

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
SIGNERS = {"community_admin": ["admin-1"], "gov_officer": ["officer-1"]}
ALL_MATERIALS = {"id_card": ["f1"], "hukou_book": ["f2"], "bank_card": ["f3"]}


def resolve(ref: SignerRef) -> list[str]:
    return [ref.account] if ref.account else SIGNERS.get(ref.role or "", [])


def ctx(at: datetime = NOW) -> engine.Context:
    return engine.Context(now=at, resolve=resolve)


def form(**over: Any) -> dict[str, Any]:
    base = {
        "name": "王秀英",
        "id_number": "11010519450312002X",
        "hukou_local": True,
        "on_behalf": False,
        "phone": "13812345678",
        "bank_account": "6222020200112233445",
    }
    base.update(over)
    return base


def valid_id(born: str) -> str:
    from sc_core.validators import id_number_check_char

    first = f"110105{born}002"
    return first + id_number_check_char(first)


def test_an_elder_applying_with_every_material_is_granted_at_once() -> None:
    out = hall.submit(
        ITEM, "resident-1", form(id_number=valid_id("19450312")), dict(ALL_MATERIALS), ctx(), TODAY
    )
    app = out.application
    assert (app.status, app.instant, app.run) == ("approved", True, None)
    assert out.effects == [hall.Decided("approved", instant=True)]
    assert [s.action for s in app.timeline] == ["submit", "instant_approve"]


def test_a_proxy_missing_the_letter_of_authority_is_asked_then_two_signers_approve_in_order() -> (
    None
):
    data = form(id_number=valid_id("19380101"), on_behalf=True, proxy_name="李明")
    out = hall.submit(ITEM, "family-1", data, dict(ALL_MATERIALS), ctx(), TODAY)
    app = out.application
    # the hall says at once, and all of it, what is missing
    assert app.status == "needs_more"
    [asked] = out.effects
    assert isinstance(asked, hall.MoreRequested)
    assert (asked.by, asked.materials) == ("system", ("proxy_letter",))
    assert asked.note.zh == "请补充以下材料：代办委托书及代办人身份证"
    # resubmitting without it is refused with the material named
    with pytest.raises(hall.HallError) as still:
        hall.resubmit(ITEM, app, "family-1", ctx(), TODAY)
    assert still.value.code == "hall.materials_missing"
    assert still.value.reasons[0].zh == "代办委托书及代办人身份证"
    app = hall.attach(ITEM, app, "family-1", "proxy_letter", ["f4"])
    out = hall.resubmit(ITEM, app, "family-1", ctx(NOW + timedelta(hours=2)), TODAY)
    app = out.application
    # a proxy's application is not instant: the community checks first, then the street
    assert app.status == "in_review"
    assert out.effects == [
        engine.TasksOpened("community", ("admin-1",), app.run.state("community").due_at)
    ]
    with pytest.raises(hall.HallError) as early:
        hall.act(ITEM, app, "officer-1", "approve", ctx())
    assert early.value.code == "approval.not_your_turn"
    app = hall.act(ITEM, app, "admin-1", "approve", ctx(), comment="材料已核").application
    assert app.run is not None and app.run.current == "street"
    out = hall.act(ITEM, app, "officer-1", "approve", ctx(NOW + timedelta(days=1)))
    assert out.application.status == "approved"
    assert hall.Decided("approved") in out.effects
    signed = [(h.actor, h.step) for h in out.application.run.history if h.action == "approve"]
    assert signed == [("admin-1", "community"), ("officer-1", "street")]


def test_an_applicant_under_80_is_refused_with_the_reason() -> None:
    with pytest.raises(hall.HallError) as caught:
        hall.submit(
            ITEM, "r", form(id_number=valid_id("19600101")), dict(ALL_MATERIALS), ctx(), TODAY
        )
    assert caught.value.code == "hall.not_eligible"
    assert [r.zh for r in caught.value.reasons] == ["年满80周岁"]


def test_a_bad_form_lists_every_field() -> None:
    with pytest.raises(hall.HallError) as caught:
        hall.submit(ITEM, "r", form(phone="123", id_number="110105194503120021"), {}, ctx(), TODAY)
    assert caught.value.code == "hall.form_invalid"
    assert {e.field for e in caught.value.errors} == {"phone", "id_number"}


def test_a_signer_asks_for_a_new_file_and_the_round_starts_again() -> None:
    data = form(id_number=valid_id("19380101"), on_behalf=True)
    materials = {**ALL_MATERIALS, "proxy_letter": ["f4"]}
    app = hall.submit(ITEM, "family-1", data, materials, ctx(), TODAY).application
    out = hall.act(
        ITEM,
        app,
        "admin-1",
        "request_more",
        ctx(),
        materials=["hukou_book"],
        comment="户口簿照片不清晰",
    )
    app = out.application
    assert app.status == "needs_more"
    assert app.materials["hukou_book"] == []  # the unreadable file no longer counts
    assert any(isinstance(e, hall.MoreRequested) and e.by == "admin-1" for e in out.effects)
    with pytest.raises(hall.HallError):
        hall.resubmit(ITEM, app, "family-1", ctx(), TODAY)
    app = hall.attach(ITEM, app, "family-1", "hukou_book", ["f9"])
    app = hall.resubmit(ITEM, app, "family-1", ctx(), TODAY).application
    assert app.status == "in_review"
    assert app.run is not None and app.run.state("community").round == 2


def test_withdrawal_and_what_only_the_applicant_may_do() -> None:
    data = form(id_number=valid_id("19380101"), on_behalf=True)
    app = hall.submit(
        ITEM, "family-1", data, {**ALL_MATERIALS, "proxy_letter": ["f4"]}, ctx(), TODAY
    ).application
    with pytest.raises(hall.HallError) as other:
        hall.withdraw(app, "resident-2", ctx())
    assert other.value.code == "hall.not_applicant"
    out = hall.withdraw(app, "family-1", ctx(), "已在线下办理")
    assert out.application.status == "withdrawn"
    assert out.application.run is not None and out.application.run.status == "withdrawn"
    with pytest.raises(hall.HallError) as done:
        hall.act(ITEM, out.application, "admin-1", "approve", ctx())
    assert done.value.code == "hall.not_in_review"


def test_unknown_materials_and_too_many_files_are_refused() -> None:
    data = form(id_number=valid_id("19450312"))
    with pytest.raises(hall.HallError) as unknown:
        hall.submit(ITEM, "r", data, {"passport": ["x"]}, ctx(), TODAY)
    assert unknown.value.code == "hall.unknown_material"
    with pytest.raises(hall.HallError) as many:
        hall.submit(ITEM, "r", data, {"id_card": [str(i) for i in range(6)]}, ctx(), TODAY)
    assert many.value.code == "hall.too_many_files"


def test_overdue_community_check_escalates_to_the_street_office() -> None:
    data = form(id_number=valid_id("19380101"), on_behalf=True)
    app = hall.submit(
        ITEM, "family-1", data, {**ALL_MATERIALS, "proxy_letter": ["f4"]}, ctx(), TODAY
    ).application
    assert app.run is not None
    due = app.run.state("community").due_at
    assert due == datetime(2026, 3, 5, 1, 0, tzinfo=UTC)  # three working days, Monday → Thursday
    out = hall.tick(app, ctx(due + timedelta(minutes=1)))
    assert [type(e).__name__ for e in out.effects] == ["Escalated"]
    assert out.effects[0].to == ("officer-1",)


def test_the_issues_story_from_application_to_a_verified_certificate() -> None:
    """Instant grant → the allowance assessed → the certificate composed → its code checks."""
    from gov_affairs.domain import certificates as cert
    from gov_affairs.domain import welfare
    from gov_affairs.domain.defaults import OLD_AGE_PROGRAMME

    data = form(id_number=valid_id("19360520"))
    app = hall.submit(ITEM, "resident-1", data, dict(ALL_MATERIALS), ctx(), TODAY).application
    assert app.status == "approved" and app.instant
    facts = hall.facts_for(ITEM, app.data, app.materials, TODAY)
    assessment = welfare.assess(OLD_AGE_PROGRAMME, facts)
    assert assessment.monthly_amount is not None and str(assessment.monthly_amount) == "100.00"
    facts |= welfare.benefit_facts(assessment)
    code = cert.new_code()
    assert ITEM.certificate is not None
    content = cert.compose(
        ITEM.certificate, facts, code=code, number="GA-2026-000002", issued_on=TODAY
    )
    printed = {line.label.en: line.value for line in content.lines}
    assert printed == {
        "Name": "王秀英",
        "ID number": "110***********" + data["id_number"][-4:],
        "Age": "89",
        "Band": "80至89周岁 80 to 89",
        "Amount (yuan a month)": "100.00",
    }
    store = {cert.digest(code): content}  # the service keeps the digest only
    typed = code.lower().replace("-", " ")
    found = store.get(cert.digest(typed))
    assert found is content
    assert cert.standing(found.valid_until, None, TODAY) == "valid"
    record = welfare.enrol(
        OLD_AGE_PROGRAMME, assessment, person_ref="p", community_id="c1", grid_id="g1", since=TODAY
    )
    assert welfare.payments_due(record, "2026-04") is not None
