"""The central system: a WebSocket server charge points connect to at
``/ocpp/<charge point id>`` with subprotocol ``ocpp1.6`` or ``ocpp2.0.1`` (the newer when
the charger offers both). Unknown charge points, a wrong Basic-auth password (OCPP
security profile 1) or no common subprotocol are refused at the handshake.
"""

from __future__ import annotations

import base64
import binascii
import logging
from http import HTTPStatus
from urllib.parse import unquote

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

from parking_payment.adapters.ocpp.backend import ChargingBackend
from parking_payment.adapters.ocpp.v16 import CentralSide16
from parking_payment.adapters.ocpp.v201 import CentralSide201

log = logging.getLogger(__name__)
PROTOCOLS = [Subprotocol("ocpp2.0.1"), Subprotocol("ocpp1.6")]
PREFIX = "/ocpp/"


class ChargerOffline(Exception):
    pass


def _cp_id(path: str) -> str | None:
    if not path.startswith(PREFIX):
        return None
    cp_id = unquote(path[len(PREFIX) :].split("?", 1)[0]).strip("/")
    return cp_id if cp_id and "/" not in cp_id and len(cp_id) <= 48 else None


def _password(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        user_pass = base64.b64decode(header[6:], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user_pass.split(":", 1)[1] if ":" in user_pass else None


class CentralSystem:
    def __init__(self, backend: ChargingBackend) -> None:
        self.backend = backend
        self.connected: dict[str, CentralSide16 | CentralSide201] = {}
        self._server: Server | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._server = await serve(
            self._handle, host, port, subprotocols=PROTOCOLS, process_request=self._check
        )
        return int(next(iter(self._server.sockets)).getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _check(self, connection: ServerConnection, request: Request) -> Response | None:
        cp_id = _cp_id(request.path)
        if cp_id is None:
            return connection.respond(HTTPStatus.NOT_FOUND, "unknown path\n")
        if not await self.backend.knows(cp_id, _password(request)):
            return connection.respond(HTTPStatus.UNAUTHORIZED, "unknown charge point\n")
        return None

    async def _handle(self, connection: ServerConnection) -> None:
        cp_id = _cp_id(connection.request.path if connection.request else "") or ""
        side: CentralSide16 | CentralSide201
        if connection.subprotocol == "ocpp2.0.1":
            side = CentralSide201(cp_id, connection, self.backend)
        elif connection.subprotocol == "ocpp1.6":
            side = CentralSide16(cp_id, connection, self.backend)
        else:
            await connection.close(code=1002, reason="no common OCPP version")
            return
        previous = self.connected.get(cp_id)
        self.connected[cp_id] = side
        if previous is not None:  # the charger reconnected: the old socket is dead
            await previous._connection.close()
        try:
            await side.start()
        except ConnectionClosed:
            pass
        finally:
            if self.connected.get(cp_id) is side:
                del self.connected[cp_id]

    def side(self, cp_id: str) -> CentralSide16 | CentralSide201:
        side = self.connected.get(cp_id)
        if side is None:
            raise ChargerOffline(cp_id)
        return side

    async def remote_start(self, cp_id: str, id_tag: str, connector: int | None = None) -> bool:
        """Ask a charger to start charging for ``id_tag`` (the app's start button)."""
        return await self.side(cp_id).remote_start(id_tag, connector)

    async def remote_stop(self, cp_id: str, transaction_id: int) -> bool:
        return await self.side(cp_id).remote_stop(transaction_id)
