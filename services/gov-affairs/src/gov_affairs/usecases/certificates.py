"""Certificates: issued in the unit of work that approves an application, printed as PDF
for their holder, checked by anyone with the code (ADR 0020)."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from gov_affairs.adapters.certificate_pdf import render_certificate, verify_url
from gov_affairs.adapters.verify_page import PublicCheck
from gov_affairs.db.models import ApplicationRow, CertificateRow
from gov_affairs.domain import certificates as cert
from gov_affairs.domain import defaults, welfare
from gov_affairs.domain.approvals.calendar import CHINA
from gov_affairs.domain.hall import applications as dom
from gov_affairs.domain.hall.catalogue import ServiceItem
from gov_affairs.domain.text import Text
from sc_contracts.events import CertificateIssuedV1
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import NotFound

PROGRAMMES = {p.service_item: p for p in defaults.PROGRAMMES if p.service_item}


@dataclass(frozen=True)
class HeldCertificate:
    """A certificate as its holder sees it in the app: the code and where it is checked."""

    id: uuid.UUID
    number: str
    title: Text
    code: str
    verify_url: str
    issued_on: date
    valid_until: date | None


class Certificates:
    def __init__(self, db: Database, public_base_url: str) -> None:
        self.db = db
        self.public_base_url = public_base_url

    async def issue(
        self,
        uow: UnitOfWork,
        row: ApplicationRow,
        item: ServiceItem,
        app: dom.Application,
        now: datetime,
    ) -> str:
        """Compose and store the certificate of an approved application; returns its code
        (handed to the applicant once, in the approval notice; only its digest is kept)."""
        assert item.certificate is not None
        today = now.astimezone(CHINA).date()
        facts = dom.facts_for(item, app.data, app.materials, today)
        programme = PROGRAMMES.get(item.code)
        if programme is not None:
            facts |= welfare.benefit_facts(welfare.assess(programme, facts))
        code = cert.new_code()
        content = cert.compose(
            item.certificate, facts, code=code, number=row.number, issued_on=today
        )
        holder = str(app.data.get("name", ""))
        certificate = CertificateRow(
            id=uuid.uuid4(),
            number=row.number,
            application_id=row.id,
            community_id=row.community_id,
            holder_id=row.applicant_id,
            code_sha256=cert.digest(code),
            title_zh=content.title.zh,
            title_en=content.title.en,
            holder_masked=cert.mask_name(holder) if holder else "—",
            issuer_zh=content.issuer.zh,
            issuer_en=content.issuer.en,
            issued_on=today,
            valid_until=content.valid_until,
            content=json.dumps(_content_json(content), ensure_ascii=False),
        )
        uow.session.add(certificate)
        await uow.session.flush()
        await uow.publish(
            CertificateIssuedV1(
                certificate_id=str(certificate.id),
                number=certificate.number,
                application_id=str(row.id),
                item_code=row.item_code,
                community_id=row.community_id,
                holder_id=row.applicant_id,
                issued_on=today.isoformat(),
                valid_until=content.valid_until.isoformat() if content.valid_until else None,
                occurred_at=now,
            ),
            key=str(certificate.id),
        )
        return code

    async def issue_content(
        self,
        uow: UnitOfWork,
        content: cert.CertificateContent,
        *,
        item_code: str,
        community_id: str,
        holder_id: str,
        holder_masked: str,
        now: datetime,
    ) -> CertificateRow:
        """Store a certificate composed elsewhere (a volunteer's certificate of hours) the
        way the hall's are stored: the same PDF, the same public check by its code."""
        row = CertificateRow(
            id=uuid.uuid4(),
            number=content.number,
            application_id=None,
            community_id=community_id,
            holder_id=holder_id,
            code_sha256=cert.digest(content.code),
            title_zh=content.title.zh,
            title_en=content.title.en,
            holder_masked=holder_masked,
            issuer_zh=content.issuer.zh,
            issuer_en=content.issuer.en,
            issued_on=content.issued_on,
            valid_until=content.valid_until,
            content=json.dumps(_content_json(content), ensure_ascii=False),
        )
        uow.session.add(row)
        await uow.session.flush()
        await uow.publish(
            CertificateIssuedV1(
                certificate_id=str(row.id),
                number=row.number,
                item_code=item_code,
                community_id=community_id,
                holder_id=holder_id,
                issued_on=content.issued_on.isoformat(),
                valid_until=content.valid_until.isoformat() if content.valid_until else None,
                occurred_at=now,
            ),
            key=str(row.id),
        )
        return row

    async def of_application(
        self, uow: UnitOfWork, application_id: uuid.UUID
    ) -> CertificateRow | None:
        found: CertificateRow | None = await uow.session.scalar(
            select(CertificateRow).where(CertificateRow.application_id == application_id)
        )
        return found

    def held(self, row: CertificateRow) -> HeldCertificate:
        """The holder's own view (the code is read from the encrypted content)."""
        code = str(json.loads(row.content)["code"])
        return HeldCertificate(
            id=row.id,
            number=row.number,
            title=Text(zh=row.title_zh, en=row.title_en),
            code=code,
            verify_url=verify_url(self.public_base_url, code),
            issued_on=row.issued_on,
            valid_until=row.valid_until,
        )

    async def pdf(self, who: Caller, certificate_id: uuid.UUID) -> tuple[CertificateRow, bytes]:
        """The holder's PDF (or a staff member's in scope; that read is audited)."""
        async with self.db.uow() as uow:
            row = await uow.session.get(CertificateRow, certificate_id)
            if row is None or (
                row.holder_id != who.subject and not _staff_over(who, row.community_id)
            ):
                raise NotFound("certificate.not_found", "No such certificate", zh="没有这份证明")
            if row.holder_id != who.subject:
                await uow.audit(
                    who,
                    "certificate.read",
                    "certificate",
                    str(row.id),
                    community_id=row.community_id,
                )
                await uow.commit()
            content = _content_of(json.loads(row.content))
            return row, render_certificate(content, self.public_base_url)

    async def verify(self, code: str) -> PublicCheck | None:
        """Anyone's check of a code; raises MalformedCode for what is not a code at all."""
        digest = cert.digest(code)
        async with self.db.uow() as uow:
            row = await uow.session.scalar(
                select(CertificateRow).where(CertificateRow.code_sha256 == digest)
            )
            if row is None:
                return None
            today = datetime.now(CHINA).date()
            return PublicCheck(
                code=cert.normalise(code),
                title=Text(zh=row.title_zh, en=row.title_en),
                holder_masked=row.holder_masked,
                issuer=Text(zh=row.issuer_zh, en=row.issuer_en),
                issued_on=row.issued_on,
                valid_until=row.valid_until,
                standing=cert.standing(row.valid_until, row.revoked_at, today),
            )


def _staff_over(who: Caller, community_id: str) -> bool:
    p = who.principal
    return p.is_platform_admin or community_id in p.scope_ids(
        "community", {"community_admin", "gov_officer"}
    )


def _content_json(c: cert.CertificateContent) -> dict[str, Any]:
    out = asdict(c)
    out["issued_on"] = c.issued_on.isoformat()
    out["valid_until"] = c.valid_until.isoformat() if c.valid_until else None
    out["title"], out["statement"], out["issuer"] = (
        c.title.model_dump(),
        c.statement.model_dump(),
        c.issuer.model_dump(),
    )
    out["lines"] = [{"label": line.label.model_dump(), "value": line.value} for line in c.lines]
    return out


def _content_of(d: dict[str, Any]) -> cert.CertificateContent:
    return cert.CertificateContent(
        title=Text.model_validate(d["title"]),
        statement=Text.model_validate(d["statement"]),
        lines=tuple(cert.Line(Text.model_validate(x["label"]), x["value"]) for x in d["lines"]),
        issuer=Text.model_validate(d["issuer"]),
        issued_on=date.fromisoformat(d["issued_on"]),
        valid_until=date.fromisoformat(d["valid_until"]) if d["valid_until"] else None,
        code=d["code"],
        number=d["number"],
    )
