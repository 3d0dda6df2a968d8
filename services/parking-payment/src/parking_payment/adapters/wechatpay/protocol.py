"""The pieces of WeChat Pay API v3 both sides need: the signature strings, the
``Authorization`` header, AES-256-GCM resources, trade states.

Request signature string: ``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n`` signed by the
merchant's private key; header ``Authorization: WECHATPAY2-SHA256-RSA2048 mchid="..",
nonce_str="..",signature="..",timestamp="..",serial_no=".."``. Answers and callbacks:
``TIMESTAMP\\nNONCE\\nBODY\\n`` signed by WeChat Pay's platform key, sent in the headers
``Wechatpay-Timestamp``, ``-Nonce``, ``-Signature``, ``-Serial`` (the platform certificate's
serial or the platform public key's id ``PUB_KEY_ID_...``).
"""

from __future__ import annotations

import base64
import re
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from parking_payment.adapters import keys
from parking_payment.domain.payments import TradeState

SCHEMA = "WECHATPAY2-SHA256-RSA2048"
_AUTH_ITEM = re.compile(r'(\w+)="([^"]*)"')

# trade_state -> ours. REFUND: paid, then (partly) refunded: the payment happened.
TRADE_STATES = {
    "SUCCESS": TradeState.paid,
    "REFUND": TradeState.refunded,
    "NOTPAY": TradeState.not_paid,
    "USERPAYING": TradeState.not_paid,
    "ACCEPT": TradeState.not_paid,
    "CLOSED": TradeState.closed,
    "REVOKED": TradeState.closed,
    "PAYERROR": TradeState.failed,
}


def nonce() -> str:
    return secrets.token_hex(16).upper()


def request_message(method: str, path: str, timestamp: str, nonce_str: str, body: str) -> str:
    return f"{method.upper()}\n{path}\n{timestamp}\n{nonce_str}\n{body}\n"


def response_message(timestamp: str, nonce_str: str, body: str) -> str:
    return f"{timestamp}\n{nonce_str}\n{body}\n"


def authorization(
    *,
    method: str,
    path: str,
    body: str,
    mchid: str,
    serial_no: str,
    key: rsa.RSAPrivateKey,
    timestamp: str,
    nonce_str: str,
) -> str:
    signature = keys.sign(key, request_message(method, path, timestamp, nonce_str, body))
    return (
        f'{SCHEMA} mchid="{mchid}",nonce_str="{nonce_str}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial_no}"'
    )


def parse_authorization(header: str) -> dict[str, str] | None:
    if not header.startswith(SCHEMA + " "):
        return None
    items = dict(_AUTH_ITEM.findall(header[len(SCHEMA) + 1 :]))
    wanted = {"mchid", "nonce_str", "signature", "timestamp", "serial_no"}
    return items if wanted <= items.keys() else None


def decrypt_resource(apiv3_key: bytes, resource: dict[str, str]) -> bytes:
    """``resource`` of a callback or a certificate: AEAD_AES_256_GCM with the APIv3 key."""
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise ValueError("unsupported algorithm")
    try:
        return AESGCM(apiv3_key).decrypt(
            resource["nonce"].encode(),
            base64.b64decode(resource["ciphertext"]),
            (resource.get("associated_data") or "").encode(),
        )
    except (InvalidTag, KeyError, ValueError) as exc:
        raise ValueError("the resource does not decrypt with this APIv3 key") from exc


def encrypt_resource(
    apiv3_key: bytes, plaintext: bytes, associated_data: str, original_type: str
) -> dict[str, str]:
    nonce_str = secrets.token_hex(6)  # 12 characters, as WeChat Pay sends
    ciphertext = AESGCM(apiv3_key).encrypt(nonce_str.encode(), plaintext, associated_data.encode())
    return {
        "original_type": original_type,
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(ciphertext).decode(),
        "associated_data": associated_data,
        "nonce": nonce_str,
    }
