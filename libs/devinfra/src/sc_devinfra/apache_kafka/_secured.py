"""A secured 1-broker Apache Kafka for tests: a throwaway CA, SASL_SSL and an authorizer.

``SecuredKafka.start(base_dir)`` issues the broker's certificate from a `ThrowawayPki`,
starts a `KafkaCluster` with `BrokerSecurity` (SCRAM-SHA-512 and PLAIN over TLS,
``StandardAuthorizer``, nobody but the admin may do anything an ACL does not grant) and
gives each principal's client settings. Principals and ACLs are the tests' to create, as an
operator would (``sc_contracts.acls``). The pytest plugin serves one as ``secured_kafka``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sc_devinfra.apache_kafka._cluster import KafkaCluster
from sc_devinfra.apache_kafka._security import SCRAM, BrokerSecurity
from sc_devinfra.pki import ThrowawayPki

# a PLAIN user the broker knows from its JAAS file (no ACL grants it anything)
PLAIN_USER = "ops-plain"
PLAIN_PASSWORD = "ops-plain-password"  # noqa: S105 (a test broker's)


@dataclass
class SecuredKafka:
    cluster: KafkaCluster
    security: BrokerSecurity
    base_dir: Path

    @classmethod
    def start(cls, base_dir: Path) -> SecuredKafka:
        pki = ThrowawayPki(base_dir / "pki")
        broker = pki.issue("broker", ip_addresses=["127.0.0.1"], dns_names=["localhost"])
        security = BrokerSecurity(
            pki.ca_cert, broker.cert, broker.key, plain_users={PLAIN_USER: PLAIN_PASSWORD}
        )
        cluster = KafkaCluster(brokers=1, base_dir=base_dir / "kafka", security=security)
        try:
            cluster.start()
        except BaseException:
            cluster.close()
            raise
        return cls(cluster, security, base_dir)

    @property
    def bootstrap(self) -> str:
        return self.cluster.bootstrap

    def settings(self, user: str, password: str, mechanism: str = SCRAM) -> dict[str, Any]:
        """`KafkaSettings` fields (a service's ``KAFKA_*`` settings) for ``user``."""
        return self.security.client_settings(user, password, mechanism)

    def options(self, user: str, password: str, mechanism: str = SCRAM) -> dict[str, Any]:
        """aiokafka connection options for ``user`` (from sc_core's one function)."""
        from sc_core.kafka import kafka_client_options
        from sc_core.settings import KafkaSettings

        return kafka_client_options(KafkaSettings(**self.settings(user, password, mechanism)))

    def admin_options(self) -> dict[str, Any]:
        """aiokafka connection options for the admin (the only super user)."""
        return self.cluster.client_options()

    def close(self) -> None:
        self.cluster.close()
        shutil.rmtree(self.base_dir, ignore_errors=True)
