"""SQLAlchemy column types that keep sensitive values encrypted at rest.

``EncryptedString`` stores the :class:`~sc_core.privacy.cipher.FieldCipher` token in a
``Text`` column and decrypts on load with the process-wide cipher
(:func:`~sc_core.privacy.configure_cipher`). Because every encryption uses a fresh nonce,
the column cannot be searched: store a blind index beside it::

    id_number: Mapped[str] = mapped_column(EncryptedString(context="person.id_number"))
    id_number_idx: Mapped[str] = mapped_column(String(64), index=True)
    ...
    person.id_number_idx = get_cipher().blind_index(value, "id_number")
    select(Person).where(Person.id_number_idx == get_cipher().blind_index(q, "id_number"))
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from sc_core.privacy.cipher import FieldCipher, get_cipher


class EncryptedString(TypeDecorator[str]):
    """A string column stored as an AES-GCM token and decrypted transparently.

    ``context`` (for example ``"person.id_number"``) is bound as associated data, so a
    token copied into another column fails to decrypt. Changing it later makes existing
    rows unreadable: pick it once. ``cipher`` overrides the process-wide cipher.
    """

    impl = Text
    cache_ok = True

    def __init__(self, context: str | None = None, cipher: FieldCipher | None = None) -> None:
        super().__init__()
        self.context = context
        self.cipher = cipher

    def _get(self) -> FieldCipher:
        return self.cipher if self.cipher is not None else get_cipher()

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"EncryptedString takes str values, not {type(value).__name__}")
        return self._get().encrypt(value, self.context)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return self._get().decrypt(value, self.context)

    def copy(self, **kw: Any) -> EncryptedString:
        return EncryptedString(self.context, self.cipher)
