"""What the routes are given: the use cases (built once in ``main``) and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gov_affairs.usecases import (
    Activities,
    ActivityArchive,
    Agreements,
    Alterations,
    Assembly,
    AssistiveDevices,
    Certificates,
    Courses,
    Disability,
    Exchanges,
    Files,
    Hall,
    Hotline,
    Legal,
    LegalBookings,
    Migrants,
    Notices,
    Organisations,
    OrgComplaints,
    OrgEdits,
    Party,
    Polls,
    Population,
    Topics,
    Training,
    UseCases,
    Volunteers,
    VolunteerWork,
    Welfare,
)
from gov_affairs.usecases.legal_roster import LegalRoster


def usecases(request: Request) -> UseCases:
    found: UseCases = request.app.state.usecases
    return found


async def _hall(request: Request) -> Hall:
    return usecases(request).hall


async def _hotline(request: Request) -> Hotline:
    return usecases(request).hotline


async def _legal(request: Request) -> Legal:
    return usecases(request).legal


async def _legal_bookings(request: Request) -> LegalBookings:
    return usecases(request).legal_bookings


async def _legal_roster(request: Request) -> LegalRoster:
    return LegalRoster(usecases(request).legal)


HotlineDep = Annotated[Hotline, Depends(_hotline)]
LegalDep = Annotated[Legal, Depends(_legal)]
LegalBookingsDep = Annotated[LegalBookings, Depends(_legal_bookings)]
LegalRosterDep = Annotated[LegalRoster, Depends(_legal_roster)]


async def _certificates(request: Request) -> Certificates:
    return usecases(request).certificates


async def _files(request: Request) -> Files:
    return usecases(request).files


async def _welfare(request: Request) -> Welfare:
    return usecases(request).welfare


async def _disability(request: Request) -> Disability:
    return usecases(request).disability


async def _assistive_devices(request: Request) -> AssistiveDevices:
    return usecases(request).assistive_devices


async def _assembly(request: Request) -> Assembly:
    return usecases(request).assembly


async def _polls(request: Request) -> Polls:
    return usecases(request).polls


AssemblyDep = Annotated[Assembly, Depends(_assembly)]
PollsDep = Annotated[Polls, Depends(_polls)]


async def _topics(request: Request) -> Topics:
    return usecases(request).topics


TopicsDep = Annotated[Topics, Depends(_topics)]


async def _activities(request: Request) -> Activities:
    return usecases(request).activities


ActivitiesDep = Annotated[Activities, Depends(_activities)]


async def _notices(request: Request) -> Notices:
    return usecases(request).notices


NoticesDep = Annotated[Notices, Depends(_notices)]
WelfareDep = Annotated[Welfare, Depends(_welfare)]
DisabilityDep = Annotated[Disability, Depends(_disability)]
AssistiveDevicesDep = Annotated[AssistiveDevices, Depends(_assistive_devices)]
HallDep = Annotated[Hall, Depends(_hall)]
CertificatesDep = Annotated[Certificates, Depends(_certificates)]
FilesDep = Annotated[Files, Depends(_files)]


async def _agreements(request: Request) -> Agreements:
    return usecases(request).agreements


async def _exchanges(request: Request) -> Exchanges:
    return usecases(request).exchanges


AgreementsDep = Annotated[Agreements, Depends(_agreements)]
ExchangesDep = Annotated[Exchanges, Depends(_exchanges)]


async def _training(request: Request) -> Training:
    return usecases(request).training


TrainingDep = Annotated[Training, Depends(_training)]


async def _training_courses(request: Request) -> Courses:
    return usecases(request).training_courses


TrainingCoursesDep = Annotated[Courses, Depends(_training_courses)]


async def _population(request: Request) -> Population:
    return usecases(request).population


PopulationDep = Annotated[Population, Depends(_population)]


async def _migrants(request: Request) -> Migrants:
    return usecases(request).migrants


MigrantsDep = Annotated[Migrants, Depends(_migrants)]


async def _organisations(request: Request) -> Organisations:
    return usecases(request).organisations


OrganisationsDep = Annotated[Organisations, Depends(_organisations)]


async def _org_complaints(request: Request) -> OrgComplaints:
    return usecases(request).org_complaints


OrgComplaintsDep = Annotated[OrgComplaints, Depends(_org_complaints)]


async def _org_edits(request: Request) -> OrgEdits:
    return usecases(request).org_edits


OrgEditsDep = Annotated[OrgEdits, Depends(_org_edits)]


async def _party(request: Request) -> Party:
    return usecases(request).party


PartyDep = Annotated[Party, Depends(_party)]


async def _alterations(request: Request) -> Alterations:
    return usecases(request).alterations


AlterationsDep = Annotated[Alterations, Depends(_alterations)]


async def _volunteers(request: Request) -> Volunteers:
    return usecases(request).volunteers


async def _volunteer_work(request: Request) -> VolunteerWork:
    return usecases(request).volunteer_work


VolunteersDep = Annotated[Volunteers, Depends(_volunteers)]
VolunteerWorkDep = Annotated[VolunteerWork, Depends(_volunteer_work)]


async def _activity_archive(request: Request) -> ActivityArchive:
    return usecases(request).activity_archive


ActivityArchiveDep = Annotated[ActivityArchive, Depends(_activity_archive)]
