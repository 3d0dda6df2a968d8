"""Server-Sent Events framing and the stream cursor.

One stream carries two sources: the caller's inbox messages and (for staff) the alarm
feed. The event id is the cursor of both, ``<inbox id>-<alarm feed id>``, so
``Last-Event-ID`` resumes each where the client stopped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Cursor:
    inbox: int = 0
    alarm: int = 0

    def __str__(self) -> str:
        return f"{self.inbox}-{self.alarm}"

    @classmethod
    def parse(cls, raw: str | None) -> Cursor | None:
        """The cursor in a Last-Event-ID; None when absent or malformed."""
        if not raw:
            return None
        head, sep, tail = raw.strip().partition("-")
        try:
            inbox = int(head)
            alarm = int(tail) if sep else 0
        except ValueError:
            return None
        if inbox < 0 or alarm < 0:
            return None
        return cls(inbox, alarm)


def frame(event: str, data: dict[str, Any], event_id: str | None = None) -> bytes:
    """One SSE message (event name, JSON data on one line, optional id)."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"event: {event}")
    lines.append(
        "data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    )
    return ("\n".join(lines) + "\n\n").encode()


def comment(text: str) -> bytes:
    """A comment line: a heartbeat that keeps proxies from closing an idle stream."""
    return f": {text}\n\n".encode()
