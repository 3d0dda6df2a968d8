"""The composition of gov-affairs: settings -> runtime -> the place directory -> the use
cases -> the consumers and jobs that call them -> the app with its routers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from gov_affairs import consumers
from gov_affairs.api import (
    activities,
    activity_archive,
    alterations,
    applications,
    approvals,
    assistive_devices,
    certificates,
    city_tasks,
    disability,
    exchange,
    files,
    hall_mine,
    hotline,
    industries,
    items,
    legal,
    legal_roster,
    migrants,
    notice_reads,
    notices,
    organisation_complaints,
    organisation_edits,
    organisations,
    party,
    polls,
    population,
    topics,
    training,
    training_courses,
    volunteers,
    votes,
    welfare,
)
from gov_affairs.config import Settings
from gov_affairs.db.models import PLACES, metadata
from gov_affairs.domain.exchange.agreements import GradeName
from gov_affairs.usecases import (
    Activities,
    ActivityArchive,
    Agreements,
    AlterationReminders,
    Alterations,
    Assembly,
    AssistiveDevices,
    Certificates,
    CityTasks,
    Courses,
    Disability,
    Exchanges,
    Files,
    Hall,
    Hotline,
    InboundTasks,
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
from gov_affairs.usecases.city_tasks import subscribe_city_tasks
from gov_affairs.usecases.city_tasks_inbound import subscribe_inbound_tasks
from gov_affairs.usecases.population_rows import Rules as PopulationRules
from sc_core.places import Places
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [
    items.router,
    hall_mine.router,
    files.router,
    legal.router,
    legal_roster.router,
    hotline.router,
    applications.router,
    approvals.router,
    certificates.router,
    welfare.router,
    disability.router,
    assistive_devices.router,
    votes.router,
    polls.router,
    topics.router,
    activities.router,
    activity_archive.router,
    notices.router,
    notice_reads.router,
    exchange.router,
    city_tasks.router,
    training.router,
    training_courses.router,
    population.router,
    migrants.router,
    industries.router,
    organisations.router,
    organisation_edits.router,
    organisation_complaints.router,
    party.router,
    alterations.router,
    volunteers.router,
]


def build(settings: Settings) -> tuple[Runtime, UseCases]:
    runtime = Runtime(settings, metadata)
    places = Places(PLACES)
    certs = Certificates(runtime.db, settings.public_base_url)
    register = Welfare(runtime.db)
    agreements = Agreements(runtime.db, GradeName(settings.exchange_max_grade))
    organisations = Organisations(runtime.db, places)
    register_of_volunteers = Volunteers(runtime.db, places, certs)
    activities_ = Activities(runtime.db, places)
    legal_services = Legal(runtime.db, places)
    city_tasks_ = CityTasks(runtime.db)
    alterations_ = Alterations(runtime.db, places)
    training_ = Training(runtime.db, places)
    usecases = UseCases(
        hall=Hall(runtime.db, places, certs, register),
        certificates=certs,
        files=Files(runtime.db, settings.material_max_bytes),
        hotline=Hotline(runtime.db),
        legal=legal_services,
        legal_bookings=LegalBookings(legal_services),
        welfare=register,
        disability=Disability(runtime.db, register),
        assistive_devices=AssistiveDevices(runtime.db),
        assembly=Assembly(runtime.db, places),
        polls=Polls(runtime.db, places),
        topics=Topics(runtime.db, places),
        activities=activities_,
        notices=Notices(runtime.db, places),
        agreements=agreements,
        exchanges=Exchanges(runtime.db, agreements),
        city_tasks=city_tasks_,
        inbound_tasks=InboundTasks(city_tasks_),
        training=training_,
        training_courses=Courses(training_),
        alterations=alterations_,
        alteration_reminders=AlterationReminders(alterations_),
        population=Population(
            runtime.db,
            places,
            PopulationRules(
                window_days=settings.population_window_days,
                min_days=settings.population_min_days,
                absent_days=settings.population_absent_days,
                grace_days=settings.population_grace_days,
            ),
        ),
        migrants=Migrants(runtime.db),
        organisations=organisations,
        org_complaints=OrgComplaints(runtime.db, places, organisations),
        org_edits=OrgEdits(organisations),
        party=Party(runtime.db, places),
        volunteers=register_of_volunteers,
        volunteer_work=VolunteerWork(register_of_volunteers),
        activity_archive=ActivityArchive(activities_),
    )
    consumers.register(runtime, places, usecases.population, usecases.org_complaints)
    subscribe_city_tasks(runtime, usecases.city_tasks)  # cases of tasks sent down report back
    subscribe_inbound_tasks(runtime, usecases.inbound_tasks)  # tasks sent down over Kafka

    async def sweep() -> None:
        await usecases.hall.sweep(settings.approval_sweep_batch)

    runtime.every(settings.approval_sweep_interval_s, "approval-sweeper", sweep)

    async def close_votes() -> None:
        await usecases.assembly.close_due()
        await usecases.polls.close_due()

    runtime.every(settings.vote_sweep_interval_s, "vote-closer", close_votes)
    # each active exchange agreement's datasets, once per period (ADR 0036)
    runtime.every(settings.exchange_sweep_interval_s, "exchange-sweeper", usecases.exchanges.sweep)
    # population checks: each community's day that ended, once (a claimed row)
    runtime.every(
        settings.population_sweep_interval_s, "population-sweeper", usecases.population.sweep
    )

    async def permits() -> None:
        await usecases.migrants.sweep()

    # residence permits past their end lapse; holders reminded 30 and 7 days before, once
    runtime.every(settings.permit_sweep_interval_s, "permit-sweeper", permits)
    # the day before an activity, everyone with a place is reminded (once per activity)
    runtime.every(
        settings.activity_reminder_interval_s,
        "activity-reminder",
        usecases.activity_archive.remind_due,
    )
    # alteration requests: signers before a step's due time, the works' planned end
    runtime.every(
        settings.alteration_sweep_interval_s,
        "alteration-reminder",
        usecases.alteration_reminders.sweep,
    )
    return runtime, usecases


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings)
    app = create_service_app(
        settings, title="gov-affairs", runtime=runtime, migrations_dir=MIGRATIONS, routers=ROUTERS
    )
    app.state.usecases = usecases
    # tasks over Kafka prove their sender with a token the app's own verifier checks
    usecases.inbound_tasks.verifier = lambda: getattr(app.state, "jwks_verifier", None)
    return app
