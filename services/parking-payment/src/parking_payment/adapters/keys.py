"""RSA keys of the payment protocols: load PEM (PKCS#8, PKCS#1, X.509) or bare base64,
sign and verify SHA256withRSA (PKCS#1 v1.5), the algorithm of WeChat Pay v3
(WECHATPAY2-SHA256-RSA2048) and Alipay RSA2."""

from __future__ import annotations

import base64
import binascii
import textwrap

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def _pem(text: str, label: str) -> bytes:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return text.encode()
    body = "\n".join(textwrap.wrap("".join(text.split()), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode()


def load_private_key(text: str) -> rsa.RSAPrivateKey:
    """A merchant's private key: PEM, or the bare base64 body providers hand out."""
    data = _pem(text, "PRIVATE KEY")
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("an RSA private key is required")
    return key


def load_public_key(text: str) -> rsa.RSAPublicKey:
    """A provider's public key (PEM or bare base64) or its X.509 certificate."""
    stripped = text.strip()
    key: object
    if "BEGIN CERTIFICATE" in stripped:
        key = x509.load_pem_x509_certificate(stripped.encode()).public_key()
    else:
        key = serialization.load_pem_public_key(_pem(stripped, "PUBLIC KEY"))
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("an RSA public key is required")
    return key


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def new_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit key (test keys and the simulator's keys; never committed)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sign(key: rsa.RSAPrivateKey, message: str) -> str:
    signature = key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def verify(key: rsa.RSAPublicKey, message: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
        key.verify(raw, message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
