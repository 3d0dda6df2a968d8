"""Running a service's demo data loader (``python -m <service>.demo``, started by
``make run`` after identity's demo): the loader talks to the platform through the gateway
(``GATEWAY_URL``) as the demo accounts. Never in production; a loader that fails leaves
the stack running without its demo data."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def run_gateway_demo(name: str, load: Callable[[str], str]) -> int:
    """Run ``load(gateway_url)`` and print what it loaded; the exit status is 0 unless the
    environment is production (demo accounts and data must never reach one)."""
    if os.environ.get("ENVIRONMENT", "").strip().lower() == "production":
        print(f"{name} demo: refusing to load demo data in production", file=sys.stderr)
        return 1
    base = os.environ.get("GATEWAY_URL")
    if not base:
        print(f"{name} demo: GATEWAY_URL is not set; skipped")
        return 0
    try:
        print(f"{name} demo: {load(base)}")
    except Exception as exc:  # the stack goes on without demo data
        print(f"{name} demo: not loaded ({exc})", file=sys.stderr)
    return 0
