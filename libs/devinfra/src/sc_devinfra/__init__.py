"""Development and test infrastructure: real brokers and databases, started locally.

* `sc_devinfra.tansu.EmbeddedKafka`: Tansu Kafka-protocol broker (memory only, no
  idempotent producers).
* `sc_devinfra.postgres.EmbeddedPostgres`: PostgreSQL 16 on 127.0.0.1.
* `sc_devinfra.apache_kafka.KafkaCluster`: real Apache Kafka KRaft, 1 or 3 brokers.
* `sc_devinfra.topics.create_topic`: create a topic and wait for its leaders.
* `sc_devinfra.servers`: start them once per test run (`up` / `down`).
* `sc_devinfra.pytest_plugin`: the fixtures (registered automatically).

Import the submodules; this package imports nothing heavy itself.
"""

from sc_devinfra._proc import cache_dir, free_port

__all__ = ["cache_dir", "free_port"]
