"""The hosted login page's state between its steps, held by the browser.

A login transaction (the client's authorization request, the step reached, the account
once its password checked) is sealed with the platform's field cipher (AES-GCM, so it can
be neither read nor altered) into a hidden form field, and bound to the browser by a random
value that is also in an HttpOnly cookie: a form posted from another site, or a
transaction lifted from another browser, is refused. Nothing is stored server-side until
the login finishes.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from sc_core.privacy import get_cipher

AAD = "oidc.login_transaction"
CSRF_COOKIE = "sc_oidc_csrf"
SSO_COOKIE = "sc_sso"
COOKIE_PATH = "/oauth2/"


@dataclass
class Txn:
    query: dict[str, str]
    csrf: str
    expires: int
    lang: str = "zh-CN"
    step: str = "password"
    account: str | None = None  # after the password
    amr: list[str] = field(default_factory=list)
    auth_time: int | None = None
    sso: str | None = None  # the browser session once the login finished

    @classmethod
    def new(cls, query: dict[str, str], csrf: str | None, lang: str, ttl: int) -> Txn:
        return cls(
            query=query,
            csrf=csrf or secrets.token_urlsafe(24),
            expires=int(time.time()) + ttl,
            lang=lang,
        )

    def seal(self) -> str:
        return get_cipher().encrypt(json.dumps(asdict(self), separators=(",", ":")), AAD)

    @classmethod
    def open(cls, sealed: str, csrf_cookie: str | None) -> Txn | None:
        """The transaction, if it is ours, unexpired and bound to this browser."""
        try:
            data: dict[str, Any] = json.loads(get_cipher().decrypt(sealed, AAD))
            txn = cls(**data)
        except Exception:  # not ours, altered, or from an older shape
            return None
        if txn.expires < time.time() or not csrf_cookie:
            return None
        if not secrets.compare_digest(txn.csrf, csrf_cookie):
            return None
        return txn
