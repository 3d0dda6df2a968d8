"""The use cases of identity: everything the service does, callable from a route, an
event handler or a job alike. Each owns its unit of work, scope checks, audit records and
events; routes and consumers only translate to and from them. :class:`UseCases` is built
once in :mod:`identity.main` and handed to the routes (``api/deps.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from identity.usecases.accounts import Accounts
from identity.usecases.clients import Clients
from identity.usecases.grants import Grants
from identity.usecases.keys import SigningKeys
from identity.usecases.passages import Passages


@dataclass(frozen=True)
class UseCases:
    accounts: Accounts
    grants: Grants
    clients: Clients
    keys: SigningKeys
    passages: Passages


__all__ = ["Accounts", "Clients", "Grants", "Passages", "SigningKeys", "UseCases"]
