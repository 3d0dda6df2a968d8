"""How every Kafka client of the platform connects: one function, from settings.

``kafka_client_options(settings)`` gives the keyword arguments that aiokafka's producer,
consumer and admin client take for the connection's security (``security_protocol``,
``sasl_mechanism``, ``sasl_plain_username``/``password``, ``ssl_context``). Producers
(``sc_core.bus.producer``), the outbox relay, the consumers and batch consumers, topic and
ACL administration (``sc_contracts``), the test helpers and the benchmarks all take their
options from here, so a platform that must authenticate (SCRAM-SHA-512 or PLAIN) over TLS
is one set of environment variables away::

    KAFKA_SECURITY_PROTOCOL=SASL_SSL
    KAFKA_SASL_MECHANISM=SCRAM-SHA-512
    KAFKA_SASL_USERNAME=platform
    KAFKA_SASL_PASSWORD=...
    KAFKA_SSL_CAFILE=/etc/kafka-ca/ca.crt        # unset: the system's CA bundle
    KAFKA_SSL_CERTFILE=... KAFKA_SSL_KEYFILE=...  # only when the brokers ask for one
    KAFKA_SSL_CHECK_HOSTNAME=true
"""

from __future__ import annotations

import ssl
from functools import lru_cache
from typing import Any

from sc_core.settings import KafkaSettings


def kafka_client_options(settings: KafkaSettings | None = None) -> dict[str, Any]:
    """aiokafka keyword arguments for the connection's security (not the bootstrap).

    ``settings`` defaults to :class:`KafkaSettings` read from the environment. With the
    default ``PLAINTEXT`` the result is ``{"security_protocol": "PLAINTEXT"}``.
    """
    settings = settings if settings is not None else KafkaSettings()
    options: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if settings.kafka_uses_sasl:
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism
        options["sasl_plain_username"] = settings.kafka_sasl_username
        options["sasl_plain_password"] = settings.kafka_sasl_password
    if settings.kafka_uses_ssl:
        options["ssl_context"] = _ssl_context(
            settings.kafka_ssl_cafile,
            settings.kafka_ssl_certfile,
            settings.kafka_ssl_keyfile,
            settings.kafka_ssl_key_password,
            settings.kafka_ssl_check_hostname,
        )
    return options


@lru_cache(maxsize=8)
def _ssl_context(
    cafile: str | None,
    certfile: str | None,
    keyfile: str | None,
    key_password: str | None,
    check_hostname: bool,
) -> ssl.SSLContext:
    """One context per distinct setting, shared by every client of the process.

    TLS 1.2 at least; the brokers' certificates are always verified (against ``cafile``,
    or the system's bundle when it is unset); hostname verification can be turned off
    for brokers whose certificates do not name the address they are reached at.
    """
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if certfile:
        context.load_cert_chain(certfile, keyfile=keyfile, password=key_password)
    context.check_hostname = check_hostname
    context.verify_mode = ssl.CERT_REQUIRED
    return context
