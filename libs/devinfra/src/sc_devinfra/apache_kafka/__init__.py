"""A real Apache Kafka KRaft cluster from Maven Central jars.

`fetch_jars()` downloads them once into the cache; `KafkaCluster(brokers=1|3)` runs
combined broker+controller nodes on free 127.0.0.1 ports.
"""

from sc_devinfra.apache_kafka._cluster import KafkaCluster, new_kafka_uuid
from sc_devinfra.apache_kafka._fetch import KAFKA_VERSION, fetch_jars, jars_dir, jars_present

__all__ = [
    "KAFKA_VERSION",
    "KafkaCluster",
    "fetch_jars",
    "jars_dir",
    "jars_present",
    "new_kafka_uuid",
]
