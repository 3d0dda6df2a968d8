"""Development and test infrastructure: real brokers and databases, started locally.

* `sc_devinfra.apache_kafka.KafkaCluster`: Apache Kafka KRaft, 1 or 3 brokers, from pinned
  Maven Central jars on the system Java or the PyPI JDK (persistent for `make run`,
  SASL_SSL with an authorizer for security tests).
* `sc_devinfra.postgres.EmbeddedPostgres`: PostgreSQL 16 on 127.0.0.1.
* `sc_devinfra.pki.ThrowawayPki`: a CA and certificates for TLS tests.
* `sc_devinfra.topics.create_topic`: create a topic and wait for its leaders.
* `sc_devinfra.servers`: start them once per test run (`up` / `down`).
* `sc_devinfra.pytest_plugin`: the fixtures (registered automatically).

Import the submodules; this package imports nothing heavy itself.
"""

from sc_devinfra._proc import cache_dir, free_port

__all__ = ["cache_dir", "free_port"]
