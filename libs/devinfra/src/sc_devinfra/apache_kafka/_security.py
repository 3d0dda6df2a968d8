"""A secured Apache Kafka: SASL_SSL for clients, an authorizer, PEM certificates.

``BrokerSecurity`` turns a `KafkaCluster` into what a city platform would be given:

* the client listener is ``SASL_SSL`` with ``SCRAM-SHA-512`` and ``PLAIN``; its key store
  and trust store are PEM files (``ssl.keystore.type=PEM``), no Java key store needed;
* the controller listener is ``SASL_PLAINTEXT`` with ``PLAIN`` for the admin alone (it only
  listens on 127.0.0.1), so no unauthenticated principal is a super user;
* ``StandardAuthorizer`` with ``allow.everyone.if.no.acl.found=false``: a principal may do
  only what an ACL grants it; the admin is the only super user;
* the admin's SCRAM credential is written when the storage is formatted (``--add-scram``),
  so SCRAM works from the first start; further users come from the admin
  (``sc_contracts.acls``: AlterUserScramCredentials, CreateAcls).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRAM = "SCRAM-SHA-512"
AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"


def _jaas_quote(value: str) -> str:
    if '"' in value or "\\" in value or "\n" in value:
        raise ValueError("JAAS values here may not hold quotes, backslashes or newlines")
    return f'"{value}"'


@dataclass(frozen=True)
class BrokerSecurity:
    cafile: Path
    certfile: Path
    keyfile: Path
    admin_user: str = "admin"
    admin_password: str = field(default_factory=lambda: secrets.token_urlsafe(18), repr=False)
    plain_users: Mapping[str, str] = field(default_factory=dict, repr=False)
    client_auth: str = "none"  # "requested" or "required" asks clients for a certificate

    def properties(self, keystore: Path) -> dict[str, str]:
        """Broker properties for listeners named SECURE (clients) and CONTROLLER."""
        admin = (
            f"username={_jaas_quote(self.admin_user)} password={_jaas_quote(self.admin_password)}"
        )
        users = {self.admin_user: self.admin_password, **self.plain_users}
        plain_users = " ".join(f"user_{u}={_jaas_quote(p)}" for u, p in users.items())
        plain = "org.apache.kafka.common.security.plain.PlainLoginModule required"
        scram = "org.apache.kafka.common.security.scram.ScramLoginModule required"
        return {
            "listener.security.protocol.map": "SECURE:SASL_SSL,CONTROLLER:SASL_PLAINTEXT",
            "inter.broker.listener.name": "SECURE",
            "sasl.enabled.mechanisms": f"{SCRAM},PLAIN",
            "sasl.mechanism.inter.broker.protocol": SCRAM,
            "sasl.mechanism.controller.protocol": "PLAIN",
            "listener.name.secure.scram-sha-512.sasl.jaas.config": f"{scram} {admin};",
            "listener.name.secure.plain.sasl.jaas.config": f"{plain} {admin} {plain_users};",
            "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
            "listener.name.controller.plain.sasl.jaas.config": (
                f"{plain} {admin} user_{self.admin_user}={_jaas_quote(self.admin_password)};"
            ),
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": str(keystore),
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": str(self.cafile),
            "ssl.client.auth": self.client_auth,
            "ssl.endpoint.identification.algorithm": "https",
            "authorizer.class.name": AUTHORIZER,
            "super.users": f"User:{self.admin_user}",
            "allow.everyone.if.no.acl.found": "false",
            "auto.create.topics.enable": "false",
        }

    def keystore_pem(self) -> str:
        """The broker's key and certificate in one PEM file (Kafka's PEM key store)."""
        return self.keyfile.read_text() + self.certfile.read_text()

    def format_args(self) -> list[str]:
        """``StorageTool format`` arguments writing the admin's SCRAM credential."""
        return ["--add-scram", f"{SCRAM}=[name={self.admin_user},password={self.admin_password}]"]

    def client_settings(
        self, user: str | None = None, password: str | None = None, mechanism: str = SCRAM
    ) -> dict[str, Any]:
        """`KafkaSettings` fields for a client of this broker (the admin by default)."""
        return {
            "kafka_security_protocol": "SASL_SSL",
            "kafka_sasl_mechanism": mechanism,
            "kafka_sasl_username": user or self.admin_user,
            "kafka_sasl_password": password if user else self.admin_password,
            "kafka_ssl_cafile": str(self.cafile),
        }

    def admin_options(self) -> dict[str, Any]:
        """aiokafka options for the admin, from sc_core's one function."""
        from sc_core.kafka import kafka_client_options
        from sc_core.settings import KafkaSettings

        return kafka_client_options(KafkaSettings(**self.client_settings()))
