"""Safety education and staff training (6.1.4 f) as a service: the community's office
writes courses (lessons: an article, images, a video link, or one of the alarm service's
emergency plans by id; an optional quiz); residents take the residents' courses of their
community, staff the staff courses; reading every lesson and passing the quiz completes a
course, one record per person; the quiz's answers are never sent to a learner before they
pass. The office reads a training report per community: each course's completions, and
for staff courses who of the roles it names has not completed it yet. The rules are in
:mod:`gov_affairs.domain.training`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from gov_affairs.db.models import PLACES
from gov_affairs.db.training import CourseRow, ProgressRow
from gov_affairs.domain import training as d
from gov_affairs.usecases.training_events import record_changed
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.paging import PageParams, fetch_page
from sc_core.places import RESIDENT_ROLES, Places

# who writes courses and reads the reports of a community
OFFICE_ROLES = frozenset({"community_admin", "gov_officer", "property_manager", "platform_admin"})


@dataclass(frozen=True)
class Taken:
    """A course as one person sees it: the course, their record, whether answers show."""

    row: CourseRow
    course: d.Course
    progress: ProgressRow | None
    answers_visible: bool


@dataclass(frozen=True)
class Attempted:
    taken: Taken
    score: d.Score


@dataclass(frozen=True)
class CourseFigures:
    row: CourseRow
    started: int
    completed: int
    expected: int | None  # staff courses naming roles: who holds them in the community


@dataclass(frozen=True)
class PersonRecord:
    person_id: str
    roles: list[str]
    lessons_read: int
    best_percent: int | None
    completed_at: datetime | None


def _not_found() -> Problem:
    return Problem(404, "training.not_found", "No such course", zh="没有这门课程")


class Training:
    def __init__(
        self, db: Database, places: Places, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.db = db
        self.places = places
        self.clock = clock or (lambda: datetime.now(UTC))

    def office(self, who: Caller, community_id: str) -> None:
        if not in_scope(who.principal, community_id=community_id, roles=OFFICE_ROLES):
            raise Problem(
                403,
                "auth.out_of_scope",
                "Courses of this community are not yours to manage",
                zh="您不负责该社区的安全教育培训",
            )

    @staticmethod
    def staff_of(who: Caller, community_id: str) -> bool:
        """Staff of the community: any grant on it (or platform-wide)."""
        return in_scope(who.principal, community_id=community_id)

    async def _ensure_learner(self, uow: UnitOfWork, who: Caller, row: CourseRow) -> None:
        """Residents of the community take its residents' courses, its staff every course."""
        if self.staff_of(who, row.community_id):
            return
        if row.audience == "residents" and row.community_id in await self.places.home_communities(
            uow, who.principal, RESIDENT_ROLES
        ):
            return
        raise _not_found()

    # writing courses -----------------------------------------------------------------
    async def create(self, who: Caller, community_id: str, course: d.Course) -> CourseRow:
        self.office(who, community_id)
        row = CourseRow(
            id=uuid.uuid4(),
            community_id=community_id,
            audience=course.audience,
            title=course.title,
            data=course.model_dump(mode="json"),
            created_by=who.subject,
            created_at=self.clock(),
        )
        async with self.db.uow() as uow:
            uow.session.add(row)
            await uow.audit(
                who,
                "training.course_create",
                "training_course",
                str(row.id),
                community_id=community_id,
                detail={"audience": course.audience, "lessons": len(course.lessons)},
            )
            await uow.commit()
        return row

    # learning ------------------------------------------------------------------------
    async def page(
        self, who: Caller, community_id: str, limit: int, offset: int, cursor: str | None = None
    ) -> tuple[list[Taken], int]:
        """Staff see every course of the community, residents its residents' courses;
        each with the caller's own record."""
        async with self.db.uow(read_only=True) as uow:
            await self.places.ensure_readable(uow, who.principal, community_id=community_id)
            where = [CourseRow.community_id == community_id]
            if not self.staff_of(who, community_id):
                where.append(CourseRow.audience == "residents")
            rows, total = await fetch_page(
                uow.session,
                select(CourseRow).where(*where).order_by(CourseRow.created_at.desc(), CourseRow.id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
            )
            courses = list(rows)
            mine = {
                p.course_id: p
                for p in await uow.session.scalars(
                    select(ProgressRow).where(
                        ProgressRow.person_id == who.subject,
                        ProgressRow.course_id.in_([c.id for c in courses]),
                    )
                )
            }
            return [self._taken(who, c, mine.get(c.id)) for c in courses], total

    async def get(self, who: Caller, course_id: uuid.UUID) -> Taken:
        async with self.db.uow(read_only=True) as uow:
            row = await uow.session.get(CourseRow, course_id)
            if row is None:
                raise _not_found()
            await self._ensure_learner(uow, who, row)
            progress = await uow.session.get(ProgressRow, (row.id, who.subject))
            return self._taken(who, row, progress)

    async def read_lesson(self, who: Caller, course_id: uuid.UUID, key: str) -> Taken:
        async with self.db.uow() as uow:
            row, progress, p = await self._progress(uow, who, course_id)
            course = d.Course.model_validate(row.data)
            before = p
            try:
                p = d.read_lesson(course, p, key, self.clock())
            except ValueError:
                raise Problem(
                    404, "training.no_such_lesson", "No such lesson", zh="没有这一课"
                ) from None
            progress = self._save(progress, p)
            await record_changed(uow, row, who.subject, before, p, "lesson_read", self.clock())
            await uow.audit(
                who,
                "training.lesson_read",
                "training_course",
                str(row.id),
                community_id=row.community_id,
                detail={"lesson": key, "completed": p.completed_at is not None},
            )
            await uow.commit()
            return self._taken(who, row, progress)

    async def attempt(
        self, who: Caller, course_id: uuid.UUID, answers: dict[str, list[int]]
    ) -> Attempted:
        async with self.db.uow() as uow:
            row, progress, p = await self._progress(uow, who, course_id)
            course = d.Course.model_validate(row.data)
            if course.quiz is None:
                raise Problem(
                    409, "training.no_quiz", "This course has no quiz", zh="这门课程没有测验"
                )
            known = {q.key for q in course.quiz.questions}
            unknown = sorted(set(answers) - known)
            if unknown:
                raise Problem(
                    422,
                    "training.unknown_question",
                    f"No such question: {', '.join(unknown)}",
                    zh=f"没有这道题：{'、'.join(unknown)}",
                )
            before = p
            p, s = d.attempt(course, p, answers, self.clock())
            progress = self._save(progress, p)
            await record_changed(uow, row, who.subject, before, p, "quiz_attempted", self.clock())
            await uow.audit(
                who,
                "training.quiz_attempt",
                "training_course",
                str(row.id),
                community_id=row.community_id,
                detail={"percent": s.percent, "passed": s.passed},
            )
            await uow.commit()
            return Attempted(self._taken(who, row, progress), s)

    async def records(
        self, who: Caller, limit: int, offset: int, cursor: str | None = None
    ) -> tuple[list[tuple[ProgressRow, CourseRow]], int]:
        """The caller's own records, the latest first."""
        async with self.db.uow(read_only=True) as uow:
            where = ProgressRow.person_id == who.subject
            rows, total = await fetch_page(
                uow.session,
                select(ProgressRow, CourseRow)
                .join(CourseRow, CourseRow.id == ProgressRow.course_id)
                .where(where)
                .order_by(ProgressRow.updated_at.desc(), ProgressRow.course_id),
                PageParams(limit=limit, offset=offset, cursor=cursor),
                rows=True,
            )
            return [(p, c) for p, c in rows], total

    # reports -------------------------------------------------------------------------
    async def report(
        self, who: Caller, community_id: str, limit: int, offset: int
    ) -> tuple[list[CourseFigures], int]:
        """Each course of the community with how many started and completed it; staff
        courses naming roles also say how many hold those roles in the community."""
        self.office(who, community_id)
        taken, total = await self.page(who, community_id, limit, offset)
        out = []
        async with self.db.uow(read_only=True) as uow:
            for row in (t.row for t in taken):
                counts = (
                    await uow.session.execute(
                        select(func.count(), func.count(ProgressRow.completed_at)).where(
                            ProgressRow.course_id == row.id
                        )
                    )
                ).one()
                roles = d.Course.model_validate(row.data).roles
                expected = None
                if row.audience == "staff" and roles:
                    expected = len(await self._holders(uow, row.community_id, roles))
                out.append(CourseFigures(row, int(counts[0]), int(counts[1]), expected))
        await self._audit_read(who, community_id, "training.report", None)
        return out, total

    async def people(
        self, who: Caller, course_id: uuid.UUID, limit: int, offset: int
    ) -> tuple[CourseRow, list[PersonRecord], int]:
        """One course's records per person: for a staff course, every holder of the roles
        it names (those who have not started it too), then anyone else who took it."""
        async with self.db.uow(read_only=True) as uow:
            row = await uow.session.get(CourseRow, course_id)
            if row is None:
                raise _not_found()
            self.office(who, row.community_id)
            course = d.Course.model_validate(row.data)
            holders: dict[str, list[str]] = {}
            if row.audience == "staff" and course.roles:
                holders = await self._holders(uow, row.community_id, course.roles)
            taken = {
                p.person_id: p
                for p in await uow.session.scalars(
                    select(ProgressRow).where(ProgressRow.course_id == row.id)
                )
            }
        ids = sorted(holders) + sorted(set(taken) - set(holders))
        people = []
        for person in ids[offset : offset + limit]:
            p = taken.get(person)
            people.append(
                PersonRecord(
                    person_id=person,
                    roles=holders.get(person, []),
                    lessons_read=len(d.Progress.model_validate(p.data).lessons_read) if p else 0,
                    best_percent=p.best_percent if p else None,
                    completed_at=p.completed_at if p else None,
                )
            )
        await self._audit_read(who, row.community_id, "training.records_read", str(row.id))
        return row, people, len(ids)

    # internals -----------------------------------------------------------------------
    async def _audit_read(
        self, who: Caller, community_id: str, action: str, course_id: str | None
    ) -> None:
        async with self.db.uow() as uow:
            await uow.audit(
                who, action, "training_course", course_id or community_id, community_id=community_id
            )
            await uow.commit()

    async def _holders(
        self, uow: UnitOfWork, community_id: str, roles: list[str]
    ) -> dict[str, list[str]]:
        """Accounts holding any of ``roles`` on the community or a place inside it."""
        g = PLACES.grants
        assert g is not None
        rows = await uow.session.execute(
            select(g.c.account_id, g.c.role)
            .where(g.c.community_id == community_id, g.c.role.in_(sorted(set(roles))))
            .order_by(g.c.account_id, g.c.role)
        )
        out: dict[str, list[str]] = {}
        for account, role in rows:
            if role not in out.setdefault(account, []):
                out[account].append(role)
        return out

    async def _progress(
        self, uow: UnitOfWork, who: Caller, course_id: uuid.UUID
    ) -> tuple[CourseRow, ProgressRow, d.Progress]:
        row = await uow.session.get(CourseRow, course_id)
        if row is None:
            raise _not_found()
        await self._ensure_learner(uow, who, row)
        # the record exists before it is locked: two first steps at once wait in turn
        await uow.session.execute(
            insert(ProgressRow)
            .values(
                course_id=row.id,
                person_id=who.subject,
                community_id=row.community_id,
                data=d.Progress().model_dump(mode="json"),
                updated_at=self.clock(),
            )
            .on_conflict_do_nothing()
        )
        progress = (
            await uow.session.scalars(
                select(ProgressRow)
                .where(ProgressRow.course_id == row.id, ProgressRow.person_id == who.subject)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).one()
        return row, progress, d.Progress.model_validate(progress.data)

    def _save(self, progress: ProgressRow, p: d.Progress) -> ProgressRow:
        progress.data = p.model_dump(mode="json")
        progress.best_percent = max((a.percent for a in p.attempts), default=None)
        progress.completed_at = p.completed_at
        progress.updated_at = self.clock()
        return progress

    def _taken(self, who: Caller, row: CourseRow, progress: ProgressRow | None) -> Taken:
        course = d.Course.model_validate(row.data)
        p = d.Progress.model_validate(progress.data) if progress else None
        passed = p is not None and any(a.passed for a in p.attempts)
        visible = passed or who.subject == row.created_by
        return Taken(row, course, progress, visible)
