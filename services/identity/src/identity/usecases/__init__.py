"""The use cases of identity: everything the service does, callable from a route, an
event handler or a job alike. Each owns its unit of work, scope checks, audit records and
events; routes and consumers only translate to and from them. :class:`UseCases` is built
once in :mod:`identity.main` and handed to the routes (``api/deps.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from identity.usecases.accounts import Accounts
from identity.usecases.buildings import Buildings, Rooms, Units
from identity.usecases.clients import Clients
from identity.usecases.communities import Communities, Grids
from identity.usecases.doors import Doors
from identity.usecases.floor_plans import FloorPlans
from identity.usecases.grants import Grants
from identity.usecases.households import Households
from identity.usecases.invitations import Invitations
from identity.usecases.keys import SigningKeys
from identity.usecases.login import Login
from identity.usecases.me import Me
from identity.usecases.moves import Moves
from identity.usecases.oidc import OpenIdPages
from identity.usecases.passages import Passages
from identity.usecases.persons import Persons
from identity.usecases.resident_export import ResidentExport
from identity.usecases.resident_import import ResidentImport
from identity.usecases.room_import import RoomImport
from identity.usecases.signup import Signups
from identity.usecases.sms import SmsCodes
from identity.usecases.tenancies import Tenancies
from identity.usecases.visitors import VisitorPasses
from identity.usecases.wechat import WeChatLogin


@dataclass(frozen=True)
class UseCases:
    accounts: Accounts
    grants: Grants
    clients: Clients
    keys: SigningKeys
    communities: Communities
    grids: Grids
    buildings: Buildings
    units: Units
    rooms: Rooms
    floor_plans: FloorPlans
    room_import: RoomImport
    resident_export: ResidentExport
    resident_import: ResidentImport
    households: Households
    persons: Persons
    moves: Moves
    doors: Doors
    visitors: VisitorPasses
    me: Me
    signups: Signups
    invitations: Invitations
    tenancies: Tenancies
    passages: Passages
    login: Login
    openid: OpenIdPages
    sms: SmsCodes
    wechat: WeChatLogin


__all__ = [
    "Accounts",
    "Buildings",
    "Clients",
    "Communities",
    "Doors",
    "FloorPlans",
    "Grants",
    "Grids",
    "Households",
    "Invitations",
    "Login",
    "Me",
    "Moves",
    "OpenIdPages",
    "Passages",
    "Persons",
    "ResidentExport",
    "RoomImport",
    "Rooms",
    "SigningKeys",
    "Signups",
    "SmsCodes",
    "Tenancies",
    "Units",
    "UseCases",
    "VisitorPasses",
    "WeChatLogin",
]
