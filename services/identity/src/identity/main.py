"""The composition of identity: runtime -> key ring and its own verifier -> use cases ->
consumers (passages from device-ingestion) -> app (accounts, sign-in, OpenID Connect, the
register of places and people, visitors, doors)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from identity import consumers
from identity.api import (
    accounts,
    auth,
    buildings,
    communities,
    doors,
    floor_plans,
    grants,
    households,
    keys,
    me,
    moves,
    oidc,
    oidc_clients,
    passages,
    persons,
    resident_sheet,
    signup,
    sms,
    visitors,
)
from identity.auth.keystore import KeyStore
from identity.auth.verifier import LocalVerification
from identity.config import Settings
from identity.db.models import metadata
from identity.oidc.console import ensure_console_client
from identity.sms.senders import build_sender
from identity.usecases import (
    Accounts,
    Buildings,
    Clients,
    Communities,
    Doors,
    FloorPlans,
    Grants,
    Grids,
    Households,
    Invitations,
    Login,
    Me,
    Moves,
    OpenIdPages,
    Passages,
    Persons,
    ResidentExport,
    ResidentImport,
    RoomImport,
    Rooms,
    SigningKeys,
    Signups,
    SmsCodes,
    Tenancies,
    Units,
    UseCases,
    VisitorPasses,
    WeChatLogin,
)
from identity.wechat.provider import Outbound
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [
    auth.router,
    oidc.router,
    oidc_clients.router,
    keys.router,
    me.router,
    accounts.router,
    grants.router,
    communities.router,
    buildings.router,
    floor_plans.router,
    resident_sheet.router,
    households.router,
    persons.router,
    moves.router,
    doors.router,
    visitors.router,
    passages.router,
    signup.router,
    sms.router,
]


def build(settings: Settings) -> tuple[Runtime, LocalVerification, Outbound, UseCases]:
    runtime = Runtime(settings, metadata)
    keystore = KeyStore(settings, runtime.db)
    verification = LocalVerification(settings, keystore)
    outbound = Outbound(settings)  # the SMS provider's and WeChat's HTTP
    db = runtime.db
    sms_codes = SmsCodes(db, keystore, build_sender(settings, outbound.http))
    usecases = UseCases(
        accounts=Accounts(db, settings),
        grants=Grants(db),
        clients=Clients(db),
        keys=SigningKeys(db, keystore),
        communities=Communities(db),
        grids=Grids(db),
        buildings=Buildings(db),
        units=Units(db),
        rooms=Rooms(db),
        floor_plans=FloorPlans(db),
        room_import=RoomImport(db),
        resident_export=ResidentExport(db),
        resident_import=ResidentImport(db, timezone=settings.community_timezone),
        households=Households(db),
        persons=Persons(db),
        moves=Moves(db),
        doors=Doors(db, settings, keystore),
        visitors=VisitorPasses(db, settings),
        me=Me(db),
        signups=Signups(
            db,
            timezone=settings.community_timezone,
            sms=sms_codes if settings.signup_requires_sms_code else None,
        ),
        invitations=Invitations(db, timezone=settings.community_timezone),
        tenancies=Tenancies(
            db, timezone=settings.community_timezone, notice_days=settings.tenancy_notice_days
        ),
        passages=Passages(db),
        login=Login(db, keystore),
        openid=OpenIdPages(db, keystore, sms_codes),
        sms=sms_codes,
        wechat=WeChatLogin(db, keystore, sms_codes, outbound),
    )
    consumers.register(runtime, usecases.passages)
    runtime.every(settings.tenancy_sweep_s, "tenancy-ends", usecases.tenancies.sweep)
    runtime.every(3600.0, "sms-codes-sweep", usecases.sms.sweep)
    return runtime, verification, outbound, usecases


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, verification, outbound, usecases = build(settings)

    async def start(runtime: Runtime) -> None:
        if settings.console_client_enabled:
            await ensure_console_client(runtime.db, settings.public_base_url)

    # identity verifies its own tokens in-process (auth/verifier.py), never over JWKS_URL
    app = create_service_app(
        settings.model_copy(update={"jwks_url": None}),
        title="identity",
        runtime=runtime,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        resources=[verification, outbound],
        on_start=[start],
    )
    app.state.settings = settings
    app.state.keystore = verification.keystore
    app.state.jwks_verifier = verification.verifier
    app.state.usecases = usecases
    return app
