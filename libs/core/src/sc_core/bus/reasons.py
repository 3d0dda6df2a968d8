"""Why a message was dead-lettered, said safely: a stable code and a short message.

The ``x-dlq-reason`` header travels with the message to whoever reads the dead-letter
topic (operators, tools, other teams), so it must never carry what the failing code had
in hand: no SQL statement, no bound parameters, no row values, no pydantic ``input``.
:func:`dlq_reason` turns any exception into ``(code, message)``:

- ``event.invalid``: not a CloudEvent, not JSON, or data that does not fit its model
  (the message names the fields and pydantic's error types, never the values);
- ``db.<condition>``: a database error, by its SQLSTATE condition name
  (``db.string_data_right_truncation: value too long for type character varying(16)``);
  quoted values in the server's message are replaced by ``…``;
- ``<the problem's own code>``: a :class:`~sc_core.errors.Problem` the handler raised
  (``exchange.no_agreement: No active exchange agreement names you as a sender``): the
  same stable code an HTTP caller would get, with its English words (quoted values
  replaced);
- ``handler.<ExceptionType>``: anything else the handler raised, its first line with
  quoted values replaced, at most :data:`MAX_MESSAGE` characters.

:func:`refused` says which failures are not worth retrying (ADR 0044): a Problem with a
4xx status is the message's own fault (its sender, its content, what it names), so the
consumers dead-letter it after one attempt instead of ``max_retries + 1``.
"""

from __future__ import annotations

import re

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, StatementError

from sc_core.errors import Problem

MAX_MESSAGE = 160
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'|\([^()]*\)=\([^()]*\)")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
TRY_LATER = frozenset({408, 425, 429})
"""4xx statuses that say "not now" rather than "not this": retried like any failure."""


def redact(text: str) -> str:
    """The first line of ``text`` with quoted values (and ``(key)=(value)``) replaced by
    ``…``, at most :data:`MAX_MESSAGE` characters."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return _QUOTED.sub("…", first)[:MAX_MESSAGE]


def fields_wrong(exc: ValidationError) -> str:
    """Which fields failed and how (``household_id: string_too_long``), without values."""
    parts = [
        f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['type']}"
        for err in exc.errors()[:3]
    ]
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


def dlq_reason(error: BaseException | str) -> tuple[str, str]:
    """``(code, message)`` for a dead letter; neither holds a value from the message."""
    from sc_core.bus.cloudevents import InvalidEvent  # cloudevents imports this module

    if isinstance(error, str):
        return "consumer.failed", redact(error)
    if isinstance(error, InvalidEvent):
        return "event.invalid", redact(str(error))
    if isinstance(error, ValidationError):
        return "event.invalid", redact(f"not a {error.title}: {fields_wrong(error)}")
    if isinstance(error, Problem):
        return error.code, redact(error.detail)
    if isinstance(error, DBAPIError):
        return _database(error.orig)
    if isinstance(error, StatementError):  # SQLAlchemy's wrapper without a DBAPI error
        return _database(error.orig)
    if _is_driver_error(error):
        return _database(error)
    return f"handler.{type(error).__name__}", redact(str(error))


def refused(error: BaseException) -> bool:
    """Whether retrying cannot help: a :class:`~sc_core.errors.Problem` with a 4xx status
    (but 408, 425 and 429, which ask to come back later). A 5xx Problem (a dependency
    away: ``auth.jwks_unavailable``) and any other exception are retried as before."""
    return (
        isinstance(error, Problem) and 400 <= error.status < 500 and (error.status not in TRY_LATER)
    )


def _database(orig: BaseException | None) -> tuple[str, str]:
    if orig is None:
        return "db.error", "database error"
    # SQLAlchemy's asyncpg adapter wraps the driver's exception; its __cause__ is asyncpg's
    driver = orig.__cause__ if _is_driver_error(orig.__cause__) else orig
    name = type(driver).__name__.removesuffix("Error")
    condition = _CAMEL.sub("_", name).lower() or "error"
    message = getattr(driver, "message", None) or str(driver).split("\n")[0]
    # "<class 'asyncpg...'>: message" is how the adapter renders the wrapped error
    message = re.sub(r"^<class '[^']*'>:\s*", "", str(message))
    return f"db.{condition}", redact(message)


def _is_driver_error(error: BaseException | None) -> bool:
    return error is not None and type(error).__module__.startswith("asyncpg")
