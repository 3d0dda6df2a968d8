"""The use cases of gov-affairs, built once in :mod:`gov_affairs.main` and handed to the
routes (``api/deps.py``), the consumers and the jobs."""

from __future__ import annotations

from dataclasses import dataclass

from gov_affairs.usecases.activities import Activities
from gov_affairs.usecases.activity_archive import ActivityArchive
from gov_affairs.usecases.alteration_reminders import AlterationReminders
from gov_affairs.usecases.alterations import Alterations
from gov_affairs.usecases.assembly import Assembly
from gov_affairs.usecases.assistive_devices import AssistiveDevices
from gov_affairs.usecases.certificates import Certificates
from gov_affairs.usecases.city_tasks import CityTasks
from gov_affairs.usecases.city_tasks_inbound import InboundTasks
from gov_affairs.usecases.disability import Disability
from gov_affairs.usecases.exchange import Exchanges
from gov_affairs.usecases.exchange_agreements import Agreements
from gov_affairs.usecases.files import Files
from gov_affairs.usecases.hall import Hall
from gov_affairs.usecases.hotline import Hotline
from gov_affairs.usecases.legal import Legal
from gov_affairs.usecases.legal_bookings import LegalBookings
from gov_affairs.usecases.migrants import Migrants
from gov_affairs.usecases.notices import Notices
from gov_affairs.usecases.org_complaints import OrgComplaints
from gov_affairs.usecases.org_edits import OrgEdits
from gov_affairs.usecases.organisations import Organisations
from gov_affairs.usecases.party import Party
from gov_affairs.usecases.polls import Polls
from gov_affairs.usecases.population import Population
from gov_affairs.usecases.topics import Topics
from gov_affairs.usecases.training import Training
from gov_affairs.usecases.training_courses import Courses
from gov_affairs.usecases.volunteer_work import VolunteerWork
from gov_affairs.usecases.volunteers import Volunteers
from gov_affairs.usecases.welfare import Welfare


@dataclass(frozen=True)
class UseCases:
    hall: Hall
    certificates: Certificates
    files: Files
    hotline: Hotline
    legal: Legal
    legal_bookings: LegalBookings
    welfare: Welfare
    disability: Disability
    assistive_devices: AssistiveDevices
    assembly: Assembly
    polls: Polls
    topics: Topics
    activities: Activities
    notices: Notices
    agreements: Agreements
    exchanges: Exchanges
    city_tasks: CityTasks
    inbound_tasks: InboundTasks  # the same tasks sent down over Kafka (ADR 0042)
    training: Training
    training_courses: Courses
    population: Population
    migrants: Migrants
    organisations: Organisations
    org_complaints: OrgComplaints
    org_edits: OrgEdits
    party: Party
    alterations: Alterations
    alteration_reminders: AlterationReminders
    volunteers: Volunteers
    volunteer_work: VolunteerWork
    activity_archive: ActivityArchive


__all__ = [
    "Activities",
    "ActivityArchive",
    "Agreements",
    "AlterationReminders",
    "Alterations",
    "Assembly",
    "AssistiveDevices",
    "Certificates",
    "CityTasks",
    "Courses",
    "Disability",
    "Exchanges",
    "Files",
    "Hall",
    "Hotline",
    "InboundTasks",
    "Legal",
    "LegalBookings",
    "Migrants",
    "Notices",
    "OrgComplaints",
    "OrgEdits",
    "Organisations",
    "Party",
    "Polls",
    "Population",
    "Topics",
    "Training",
    "UseCases",
    "VolunteerWork",
    "Volunteers",
    "Welfare",
]
