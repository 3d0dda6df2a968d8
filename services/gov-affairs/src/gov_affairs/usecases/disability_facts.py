"""The register's word over the form's on a disability certificate (残疾人证): when an
approved application enrols its applicant in a welfare programme (the severe-disability care
subsidy 重度残疾人护理补贴), the grade and category the rules see are those of the holder's
registered certificate when the register has one — a certificate re-assessed after the
application was made is enrolled at its new grade. An unregistered holder is enrolled on
the form's certificate, as before."""

from __future__ import annotations

from typing import Any

from gov_affairs.domain.hall.catalogue import ServiceItem
from gov_affairs.usecases.disability_common import certificate_of, registered
from sc_core.db.uow import UnitOfWork


async def with_registered_certificate(
    uow: UnitOfWork,
    community_id: str,
    item: ServiceItem,
    data: dict[str, Any],
    facts: dict[str, Any],
) -> dict[str, Any]:
    """``facts`` with ``subject.disability_grade`` and ``subject.disability_category`` taken
    from the register when the form's certificate is the applicant's own and registered in
    ``community_id``; ``facts`` unchanged otherwise."""
    subject = facts.get("subject")
    if not isinstance(subject, dict) or "disability_grade" not in subject:
        return facts
    if subject.get("disability_card_holder") is not True or not item.subject_id_field:
        return facts  # someone else's certificate: the eligibility refuses it anyway
    number = data.get(item.subject_id_field)
    if not isinstance(number, str):
        return facts
    found = await registered(uow, community_id, number.strip().upper())
    cert = certificate_of(found[1]) if found is not None else None
    if cert is None:
        return facts
    return {
        **facts,
        "subject": {
            **subject,
            "disability_grade": cert.grade,
            "disability_category": cert.category,
        },
    }
