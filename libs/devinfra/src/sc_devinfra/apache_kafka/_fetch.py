"""Fetch Apache Kafka's jars from Maven Central with a generated pom.

`kafka_2.13` (the broker, `kafka.Kafka`, and the storage tool `kafka.tools.StorageTool`)
plus everything it depends on at runtime, plus a logging backend (Log4j 2 behind the
SLF4J 1.7 API that Kafka 4 uses, as in Kafka's own distribution). The jars land in
`<cache>/kafka-<version>/jars`; the Maven repository used for the download is
`<cache>/m2`, so nothing is written to `~/.m2`.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from pathlib import Path

from sc_devinfra._proc import cache_dir, file_lock

KAFKA_VERSION = "4.3.1"
SCALA_VERSION = "2.13"
LOG4J_VERSION = "2.24.3"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
_COMPLETE = ".complete"

log = logging.getLogger(__name__)

_POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>sc.devinfra</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>{kafka}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_{scala}</artifactId>
      <version>{kafka}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>{log4j}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>{log4j}</version>
    </dependency>
  </dependencies>
</project>
"""


def kafka_home(version: str = KAFKA_VERSION) -> Path:
    return cache_dir() / f"kafka-{version}"


def jars_dir(version: str = KAFKA_VERSION) -> Path:
    return kafka_home(version) / "jars"


def jars_present(version: str = KAFKA_VERSION) -> bool:
    return (jars_dir(version) / _COMPLETE).exists()


def fetch_jars(version: str = KAFKA_VERSION, *, quiet: bool = True) -> Path:
    """Download the jars once (skipped when present) and return the jars dir.

    A file lock keeps two processes (xdist workers, a Makefile and a test run) from
    fetching at the same time; the second one waits and then finds them present.
    """
    home = kafka_home(version)
    target = jars_dir(version)
    if (target / _COMPLETE).exists():
        return target
    with file_lock(home / ".fetch.lock"):
        if (target / _COMPLETE).exists():
            return target
        if shutil.which("mvn") is None:
            raise RuntimeError("Maven (`mvn`) is needed to fetch Kafka: apt-get install -y maven")
        pom = home / "pom.xml"
        pom.write_text(_POM.format(kafka=version, scala=SCALA_VERSION, log4j=LOG4J_VERSION))
        staging = home / "jars.partial"
        shutil.rmtree(staging, ignore_errors=True)
        cmd = [
            "mvn",
            "-B",
            *(["-q"] if quiet else []),
            f"-Dmaven.repo.local={cache_dir() / 'm2'}",
            "-f",
            str(pom),
            f"{DEPENDENCY_PLUGIN}:copy-dependencies",
            f"-DoutputDirectory={staging}",
            "-DincludeScope=runtime",
        ]
        started = time.monotonic()
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"fetching Kafka {version} jars failed ({result.returncode}):\n"
                f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
        if not any(staging.glob(f"kafka_{SCALA_VERSION}-{version}.jar")):
            raise RuntimeError(f"mvn finished but kafka_{SCALA_VERSION}-{version}.jar is missing")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        (target / _COMPLETE).write_text(f"{time.monotonic() - started:.1f}\n")
        log.info("fetched Kafka %s jars in %.1f s", version, time.monotonic() - started)
    return target
