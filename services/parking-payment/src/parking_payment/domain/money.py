"""Money: integer fen (分) everywhere inside; yuan strings only at the edges.

WeChat Pay v3 speaks fen (``amount.total: 1``); Alipay speaks yuan with two decimals
(``total_amount: "0.01"``). Floats never touch an amount.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from parking_payment.domain.errors import DomainError

_YUAN = re.compile(r"^(0|[1-9]\d{0,9})(\.\d{1,2})?$")
MAX_FEN = 10_000_000_000  # 1亿元: anything above is a typo or an attack


def yuan_to_fen(text: str) -> int:
    """``"88.8"`` -> 8880. Refuses signs, exponents, more than two decimals, blanks."""
    if not isinstance(text, str) or not _YUAN.match(text.strip()):
        raise DomainError(
            "payment.bad_amount", f"金额格式不正确：{text!r}", f"malformed amount: {text!r}"
        )
    fen = int(Decimal(text.strip()) * 100)
    if fen > MAX_FEN:
        raise DomainError("payment.bad_amount", "金额过大", "amount too large")
    return fen


def fen_to_yuan(fen: int) -> str:
    """8880 -> ``"88.80"`` (Alipay's format: always two decimals)."""
    if fen < 0:
        raise DomainError("payment.bad_amount", "金额不能为负", "amount cannot be negative")
    return f"{fen // 100}.{fen % 100:02d}"


def round_fen(value: Decimal) -> int:
    """A computed amount in fen (e.g. area × unit price) rounded half up to whole fen."""
    try:
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation as exc:  # pragma: no cover - Decimal of a finite number
        raise DomainError("payment.bad_amount", "金额无效", "invalid amount") from exc


def describe_fen(fen: int) -> str:
    """For people: 8880 -> ``"88.80 元"``."""
    return f"{fen_to_yuan(fen)} 元"
