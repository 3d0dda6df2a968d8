"""Apache Kafka (KRaft) from pinned Maven Central jars, on the system Java or the PyPI JDK.

`fetch_jars()` downloads and verifies the jars once into the cache; `KafkaCluster(brokers=1|3)`
runs combined broker+controller nodes on 127.0.0.1 (persistent for `make run`, SASL_SSL with
an authorizer when given a `BrokerSecurity`; `SecuredKafka` is one such broker for tests with
its throwaway CA); `find_java()` says which Java runs them.
"""

from sc_devinfra.apache_kafka._cluster import KafkaCluster, new_kafka_uuid
from sc_devinfra.apache_kafka._fetch import (
    KAFKA_VERSION,
    classpath,
    fetch_jars,
    jars_dir,
    jars_present,
    pinned_jars,
)
from sc_devinfra.apache_kafka._java import Java, find_java
from sc_devinfra.apache_kafka._secured import PLAIN_PASSWORD, PLAIN_USER, SecuredKafka
from sc_devinfra.apache_kafka._security import BrokerSecurity

__all__ = [
    "KAFKA_VERSION",
    "PLAIN_PASSWORD",
    "PLAIN_USER",
    "BrokerSecurity",
    "Java",
    "KafkaCluster",
    "SecuredKafka",
    "classpath",
    "fetch_jars",
    "find_java",
    "jars_dir",
    "jars_present",
    "new_kafka_uuid",
    "pinned_jars",
]
