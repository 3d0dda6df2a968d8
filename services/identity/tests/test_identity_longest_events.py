"""Must show: no schema-valid event is dead-lettered by a column narrower than its
contract (issue 18): identity's consumer of passages (plate 16, credentials and ids 64,
a face id 128) is handed the longest valid passage, on a migrated database, through its
own handler (no broker), and stores it."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from identity.main import MIGRATIONS, build
from sqlalchemy import text

from sc_core.bus.testing import feed_longest
from sc_core.db.migrate import upgrade
from sc_core.privacy import FieldCipher, configure_cipher, reset_cipher


async def test_every_consumer_takes_the_longest_valid_events(
    make_settings: Callable[..., Any],
) -> None:
    settings = make_settings()
    await upgrade(MIGRATIONS, settings.database_url)
    configure_cipher(FieldCipher([("k1", os.urandom(32))], index_key=os.urandom(32)))
    runtime, verification, _outbound, _usecases = build(settings)  # the consumers registered
    try:
        fed = await feed_longest(runtime)
        async with runtime.db.uow(read_only=True) as uow:
            plates = (await uow.session.execute(text("SELECT plate FROM passages"))).scalars()
            stored = [len(p) for p in plates]
    finally:
        await verification.close()
        await runtime.db.dispose()
        reset_cipher()
    assert fed == [("passages", "community.access.passage_recorded.v1")]
    assert stored == [16]  # the plate at the contract's limit, stored whole
