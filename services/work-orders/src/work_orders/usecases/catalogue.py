"""Case types (data, editable by platform admins) and staff skills (what each staff member
handles and where: assignment by skill and building)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Text, select
from sqlalchemy.dialects.postgresql import array

from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, Principal, ensure_in_scope
from sc_core.db.engine import Database
from work_orders.api.schemas.catalogue import CaseTypeWrite, StaffSkillWrite
from work_orders.db.models import CaseType, StaffSkill
from work_orders.domain.states import MANAGER_ROLES


class CaseTypes:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(
        self, paging: PageParams, *, creatable_by: Principal | None = None
    ) -> tuple[list[CaseType], int]:
        """Every case type, or with ``creatable_by`` only the active ones whose creator
        roles that caller holds (a platform admin may open any)."""
        query = select(CaseType)
        if creatable_by is not None:
            query = query.where(CaseType.active.is_(True))
            if not creatable_by.is_platform_admin:
                roles = sorted(creatable_by.roles)
                query = query.where(CaseType.creator_roles.has_any(array(roles, type_=Text)))
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query.order_by(CaseType.code), paging)

    async def put(self, who: Caller, code: str, body: CaseTypeWrite) -> CaseType:
        """Create or change a case type (the route lets platform admins only)."""
        async with self.db.uow() as uow:
            row = await uow.session.get(CaseType, code)
            values = body.model_dump(mode="json")
            if row is None:
                row = CaseType(code=code, **values)
                uow.session.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            row.updated_at = datetime.now(UTC)
            await uow.session.flush()
            await uow.audit(who, "case_type.put", "case_type", code)
            await uow.commit()
            return row


class StaffSkills:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def put(self, who: Caller, user_id: str, body: StaffSkillWrite) -> StaffSkill:
        ensure_in_scope(who.principal, community_id=body.community_id, roles=MANAGER_ROLES)
        async with self.db.uow() as uow:
            row = await uow.session.get(StaffSkill, (body.community_id, user_id))
            if row is None:
                row = StaffSkill(community_id=body.community_id, user_id=user_id)
                uow.session.add(row)
            row.display_name = body.display_name
            row.skills = body.skills
            row.building_ids = body.building_ids
            row.active = body.active
            row.updated_at = datetime.now(UTC)
            await uow.session.flush()
            await uow.audit(
                who, "staff_skill.put", "staff_skill", user_id, community_id=body.community_id
            )
            await uow.commit()
            return row

    async def page(
        self, who: Caller, community_id: str, paging: PageParams
    ) -> tuple[list[StaffSkill], int]:
        ensure_in_scope(who.principal, community_id=community_id, roles=MANAGER_ROLES)
        query = (
            select(StaffSkill)
            .where(StaffSkill.community_id == community_id)
            .order_by(StaffSkill.user_id)
        )
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query, paging)
