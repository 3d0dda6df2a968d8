"""The service hall's use cases on a real PostgreSQL (no HTTP, no broker): issue 23's story.
An elder applies with every material and is granted at once; the certificate's code, sent
to her in the approval notice, checks out; a proxy missing a material is asked for it and
approved by the community, then the street office."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import select

from gov_affairs.config import Settings
from gov_affairs.domain.certificates import new_code
from gov_affairs.main import MIGRATIONS, build
from gov_affairs.usecases import UseCases
from sc_contracts.events import GrantChange, GrantChangedV1, Placement
from sc_core.auth import Caller, Grant, Principal
from sc_core.db.migrate import model_drift, upgrade
from sc_core.errors import Problem
from sc_core.places import Places
from sc_core.privacy import configure_cipher
from sc_core.service import Runtime
from sc_core.validators import id_number_check_char

COMMUNITY = f"c-{uuid.uuid4().hex[:6]}"


def settings(database_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        environment="test",
        database_url=database_url,
        kafka_bootstrap_servers="127.0.0.1:1",
        jwks_url="http://127.0.0.1:1/jwks",
        public_base_url="https://sq.example.gov.cn",
        log_level="WARNING",
    )


@pytest.fixture(scope="module")
async def kit(module_database_url: str) -> AsyncIterator[tuple[Runtime, UseCases]]:
    s = settings(module_database_url)
    configure_cipher(s)  # as the app's start does
    await upgrade(MIGRATIONS, s.database_url)
    runtime, usecases = build(s)
    places: Places = usecases.hall.places
    now = datetime.now(UTC)
    async with runtime.db.uow() as uow:
        for household, room in (("hh-1", "r-101"), ("hh-2", "r-102")):
            await places.place_household(
                uow,
                household,
                Placement(
                    community_id=COMMUNITY,
                    building_id="b-1",
                    unit_id="u-1",
                    room_id=room,
                    grid_id="g-1",
                    community_name="幸福里社区",
                    building_name="1号楼",
                    unit_name="1单元",
                    room_number=room.removeprefix("r-"),
                ),
            )
        for account, role in (("admin-1", "community_admin"), ("officer-1", "gov_officer")):
            await places.record_grant(
                uow,
                GrantChangedV1(
                    aggregate_id=account,
                    account_id=account,
                    grant_id=f"gr-{account}",
                    change=GrantChange.GRANTED,
                    role=role,
                    scope_type="community",
                    scope_id=COMMUNITY,
                    community_id=COMMUNITY,
                    changed_by="platform",
                    changed_at=now,
                ),
            )
        await uow.commit()
    yield runtime, usecases
    await runtime.db.dispose()


def caller(account: str, role: str, household: str | None = None) -> Caller:
    grants = (
        (Grant(role, "household", household),)
        if household
        else (Grant(role, "community", COMMUNITY),)
    )
    return Caller(
        Principal(account, "user", roles=frozenset({role}), grants=grants), "198.51.100.7"
    )


ELDER = caller("elder-1", "resident", "hh-1")
SON = caller("son-1", "family", "hh-2")
ADMIN = caller("admin-1", "community_admin")
OFFICER = caller("officer-1", "gov_officer")


def id_number(born: str) -> str:
    first = f"110105{born}002"
    return first + id_number_check_char(first)


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buf, format="JPEG")
    return buf.getvalue()


async def upload(usecases: UseCases, who: Caller, *materials: str) -> dict[str, list[str]]:
    out = {}
    for m in materials:
        row = await usecases.files.upload(who, f"{m}.jpg", jpeg())
        out[m] = [str(row.id)]
    return out


def form(born: str, **over: object) -> dict[str, object]:
    return {
        "name": "王秀英",
        "id_number": id_number(born),
        "hukou_local": True,
        "on_behalf": False,
        "phone": "13812345678",
        "bank_account": "6222020200112233445",
        **over,
    }


async def notices(runtime: Runtime, application_id: str) -> list[dict[str, object]]:
    """The notification requests the outbox holds for an application, in order."""
    outbox = runtime.db.tables.outbox
    async with runtime.db.uow() as uow:
        rows = await uow.session.execute(
            select(outbox.c.headers, outbox.c.payload).order_by(outbox.c.seq)
        )
        out = []
        for headers, payload in rows:
            if headers["ce_type"] == "community.notification.requested.v1":
                data = json.loads(payload)
                if data.get("correlation_id") == application_id:
                    out.append(data)
        return out


async def test_migrations_match_the_tables(kit: tuple[Runtime, UseCases]) -> None:
    runtime, _ = kit
    from gov_affairs.db.models import metadata

    assert await model_drift(runtime.settings.database_url, metadata) == []


async def test_an_elder_is_granted_at_once_and_her_certificate_checks_out(
    kit: tuple[Runtime, UseCases],
) -> None:
    runtime, usecases = kit
    materials = await upload(usecases, ELDER, "id_card", "hukou_book", "bank_card")
    found = await usecases.hall.submit(
        ELDER, "old_age_allowance", None, form("19400212"), materials
    )
    assert (found.app.status, found.app.instant) == ("approved", True)
    assert found.certificate_id is not None
    [approved] = await notices(runtime, str(found.row.id))
    assert approved["template"] == "gov.application.approved"
    assert approved["recipients"]["user_ids"] == ["elder-1"]
    code = approved["variables"]["code"]
    assert "证明验证码" in approved["variables"]["body"]
    check = await usecases.certificates.verify(code.lower().replace("-", " "))
    assert check is not None
    assert (check.holder_masked, check.standing, check.title.zh) == (
        "王*英",
        "valid",
        "高龄补贴核定通知书",
    )
    assert await usecases.certificates.verify(new_code()) is None  # well formed, issued to nobody
    row, pdf = await usecases.certificates.pdf(ELDER, found.certificate_id)
    assert pdf.startswith(b"%PDF-") and row.number == found.row.number
    with pytest.raises(Problem) as other:
        await usecases.certificates.pdf(SON, found.certificate_id)
    assert other.value.code == "certificate.not_found"


async def test_a_proxy_is_asked_for_the_letter_then_two_signers_approve_in_order(
    kit: tuple[Runtime, UseCases],
) -> None:
    runtime, usecases = kit
    materials = await upload(usecases, SON, "id_card", "hukou_book", "bank_card")
    data = form("19380301", on_behalf=True, proxy_name="李明")
    found = await usecases.hall.submit(SON, "old_age_allowance", None, data, materials)
    assert found.app.status == "needs_more"
    [asked] = await notices(runtime, str(found.row.id))
    assert asked["template"] == "gov.application.more_requested"
    assert "代办委托书及代办人身份证" in asked["variables"]["body"]
    with pytest.raises(Problem) as still:
        await usecases.hall.resubmit(SON, found.row.id, None)
    assert still.value.code == "hall.materials_missing"
    letter = await upload(usecases, SON, "proxy_letter")
    await usecases.hall.attach(SON, found.row.id, "proxy_letter", letter["proxy_letter"])
    found = await usecases.hall.resubmit(SON, found.row.id, None)
    assert found.app.status == "in_review"
    # the approver reads whose flat applied, in words (issue 18), never an empty place
    task = next(n for n in await notices(runtime, str(found.row.id))
                if n["template"] == "gov.approval.task")  # fmt: skip
    assert task["variables"]["body"].startswith("幸福里社区 1号楼1单元102室的“")
    assert task["variables"]["place_en"] == "Room 102, Unit 1, Building 1, 幸福里社区"
    tasks, total = await usecases.hall.inbox(ADMIN, 20, 0)
    assert total >= 1 and found.row.id in {t.application_id for t in tasks}
    with pytest.raises(Problem) as early:
        await usecases.hall.act(OFFICER, found.row.id, "approve")
    assert early.value.code == "approval.not_your_turn"
    found = await usecases.hall.act(ADMIN, found.row.id, "approve", comment="材料已核")
    assert found.app.run is not None and found.app.run.current == "street"
    found = await usecases.hall.act(OFFICER, found.row.id, "approve")
    assert found.app.status == "approved" and found.certificate_id is not None
    signed = [(h.actor, h.step) for h in found.app.run.history if h.action == "approve"]
    assert signed == [("admin-1", "community"), ("officer-1", "street")]
    # the staff's reads of the form are audited; the son sees his own application
    again = await usecases.hall.get(SON, found.row.id)
    assert again.certificate_id == found.certificate_id
