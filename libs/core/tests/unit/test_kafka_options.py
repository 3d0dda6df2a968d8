"""The one function every Kafka client takes its connection's security from."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from pydantic import ValidationError

from sc_core.kafka import kafka_client_options
from sc_core.settings import KafkaSettings, ServiceSettings
from sc_devinfra.pki import ThrowawayPki


def test_plaintext_by_default() -> None:
    assert kafka_client_options(ServiceSettings()) == {"security_protocol": "PLAINTEXT"}


def test_sasl_ssl_with_scram_a_ca_and_a_client_certificate(tmp_path: Path) -> None:
    pki = ThrowawayPki(tmp_path)
    client = pki.issue("platform", client=True)
    settings = ServiceSettings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="platform",
        kafka_sasl_password="s3cret-pw",
        kafka_ssl_cafile=str(pki.ca_cert),
        kafka_ssl_certfile=str(client.cert),
        kafka_ssl_keyfile=str(client.key),
    )
    options = kafka_client_options(settings)
    context = options.pop("ssl_context")
    assert options == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "platform",
        "sasl_plain_password": "s3cret-pw",
    }
    assert isinstance(context, ssl.SSLContext)
    assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
    assert [c["subject"] for c in context.get_ca_certs()] == [((("commonName", "sc test CA"),),)]
    # every client of a process shares one context
    assert kafka_client_options(settings)["ssl_context"] is context


def test_hostname_check_can_be_turned_off_and_the_system_ca_is_the_default() -> None:
    options = kafka_client_options(
        KafkaSettings(kafka_security_protocol="SSL", kafka_ssl_check_hostname=False)
    )
    assert options["ssl_context"].check_hostname is False
    assert options["ssl_context"].verify_mode == ssl.CERT_REQUIRED  # still verified
    assert "sasl_mechanism" not in options


def test_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "PLAIN")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "bench")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "pw")
    assert kafka_client_options() == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "PLAIN",
        "sasl_plain_username": "bench",
        "sasl_plain_password": "pw",
    }


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"kafka_security_protocol": "SASL_SSL"}, "needs KAFKA_SASL_USERNAME"),
        ({"kafka_sasl_username": "u", "kafka_sasl_password": "p"}, "does not use SASL"),
        ({"kafka_ssl_cafile": "/ca.pem"}, "does not use TLS"),
        ({"kafka_security_protocol": "SSL", "kafka_ssl_keyfile": "/k"}, "needs KAFKA_SSL_CERT"),
    ],
)
def test_half_a_configuration_is_refused_at_start(settings: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        KafkaSettings(**settings)


def test_production_refuses_a_plain_password_in_clear() -> None:
    with pytest.raises(ValidationError, match="kafka_sasl_mechanism"):
        ServiceSettings(
            environment="production",
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_sasl_mechanism="PLAIN",
            kafka_sasl_username="u",
            kafka_sasl_password="a-real-Secret",
        )


def test_the_password_is_a_secret() -> None:
    settings = ServiceSettings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_username="u",
        kafka_sasl_password="hunter2-Secret",
    )
    assert "hunter2" not in repr(settings)
    assert "kafka_sasl_password" in settings.secret_fields()
