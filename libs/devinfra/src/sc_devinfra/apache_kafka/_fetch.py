"""Apache Kafka's jars from Maven Central, fetched with Python and verified.

The list is pinned in ``kafka-<version>.lock`` beside this file: one line per jar,
``group:artifact:version sha256``. ``fetch_jars()`` downloads what is missing into
``<cache>/kafka-<version>/jars`` (``SC_CACHE_DIR``, default ``~/.cache/sc-tools``), checks
every file's sha256 against the list, and refuses anything else; nothing else (no Maven)
is needed. ``SC_MAVEN_REPOSITORY`` points at a mirror (default Maven Central).

``pin()`` writes the list for another Kafka version: it resolves ``kafka_2.13`` and its
runtime dependencies with Maven (a maintainer's task, done once per Kafka upgrade).
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sc_devinfra._proc import cache_dir, file_lock

KAFKA_VERSION = "4.3.1"
SCALA_VERSION = "2.13"
LOG4J_VERSION = "2.24.3"
MAVEN_CENTRAL = "https://repo1.maven.org/maven2"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
_HERE = Path(__file__).parent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PinnedJar:
    group: str
    artifact: str
    version: str
    sha256: str

    @property
    def file_name(self) -> str:
        return f"{self.artifact}-{self.version}.jar"

    def url(self, repository: str) -> str:
        path = "/".join([*self.group.split("."), self.artifact, self.version, self.file_name])
        return f"{repository.rstrip('/')}/{path}"


def lock_file(version: str = KAFKA_VERSION) -> Path:
    return _HERE / f"kafka-{version}.lock"


def pinned_jars(version: str = KAFKA_VERSION) -> list[PinnedJar]:
    path = lock_file(version)
    if not path.is_file():
        raise RuntimeError(
            f"no pinned jar list for Kafka {version} ({path.name}); "
            f"`python -m sc_devinfra.apache_kafka pin --version {version}` writes one"
        )
    jars = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        coordinates, sha256 = line.split()
        group, artifact, jar_version = coordinates.split(":")
        jars.append(PinnedJar(group, artifact, jar_version, sha256.lower()))
    return jars


def kafka_home(version: str = KAFKA_VERSION) -> Path:
    return cache_dir() / f"kafka-{version}"


def jars_dir(version: str = KAFKA_VERSION) -> Path:
    return kafka_home(version) / "jars"


def _marker(version: str) -> Path:
    digest = hashlib.sha256(lock_file(version).read_bytes()).hexdigest()[:16]
    return jars_dir(version) / f".verified-{digest}"


def jars_present(version: str = KAFKA_VERSION) -> bool:
    return _marker(version).exists()


def classpath(version: str = KAFKA_VERSION) -> str:
    """The pinned jars, in the list's order (no wildcard: only what was verified)."""
    target = jars_dir(version)
    return os.pathsep.join(str(target / jar.file_name) for jar in pinned_jars(version))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(jar: PinnedJar, target: Path, repository: str, attempts: int = 3) -> int:
    """Download one jar to ``target`` (via a temporary file), verified; returns its size."""
    url = jar.url(repository)
    for attempt in range(1, attempts + 1):
        tmp = target.with_name(f".{jar.file_name}.{os.getpid()}.part")
        try:
            with urllib.request.urlopen(url, timeout=60) as response, tmp.open("wb") as out:  # noqa: S310 - https Maven repository
                shutil.copyfileobj(response, out, 1 << 20)
            got = _sha256(tmp)
            if got != jar.sha256:
                raise RuntimeError(
                    f"{jar.file_name} from {url} has sha256 {got}, pinned {jar.sha256}: refused"
                )
            tmp.replace(target)
            return target.stat().st_size
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if attempt == attempts:
                raise RuntimeError(f"cannot download {url}: {exc}") from exc
            time.sleep(attempt)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    raise AssertionError("unreachable")


def fetch_jars(version: str = KAFKA_VERSION, *, workers: int = 6) -> Path:
    """Make sure every pinned jar is in the cache and verified; return the jars dir.

    Quick when done before (a marker named after the list's hash). A file lock keeps two
    processes (xdist workers, `make run` and a test run) from fetching at the same time;
    the second one waits and then finds them present. A jar already there (from an
    earlier fetch) is kept when its hash matches and fetched again when it does not.
    """
    if jars_present(version):
        return jars_dir(version)
    target = jars_dir(version)
    with file_lock(kafka_home(version) / ".fetch.lock"):
        if jars_present(version):
            return target
        target.mkdir(parents=True, exist_ok=True)
        repository = os.environ.get("SC_MAVEN_REPOSITORY") or MAVEN_CENTRAL
        started = time.monotonic()
        missing = [
            jar
            for jar in pinned_jars(version)
            if not (target / jar.file_name).is_file()
            or _sha256(target / jar.file_name) != jar.sha256
        ]
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            sizes = list(
                pool.map(lambda jar: _download(jar, target / jar.file_name, repository), missing)
            )
        for stale in target.glob(".verified-*"):
            stale.unlink()
        _marker(version).write_text(
            f"{len(missing)} jars ({sum(sizes) / 1e6:.1f} MB) fetched from {repository} "
            f"in {time.monotonic() - started:.1f} s\n"
        )
        if missing:
            log.info(
                "fetched %d Kafka %s jars in %.1f s",
                len(missing),
                version,
                time.monotonic() - started,
            )
    return target


_POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>sc.devinfra</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>{kafka}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_{scala}</artifactId>
      <version>{kafka}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId><version>{log4j}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId><version>{log4j}</version></dependency>
  </dependencies>
</project>
"""


def pin(version: str) -> Path:
    """Resolve Kafka ``version``'s runtime jars with Maven and write their lock file."""
    if shutil.which("mvn") is None:
        raise RuntimeError("pinning another Kafka version resolves it with Maven (`mvn`)")
    with tempfile.TemporaryDirectory(prefix="sc-kafka-pin-") as tmp:
        work = Path(tmp)
        (work / "pom.xml").write_text(
            _POM.format(kafka=version, scala=SCALA_VERSION, log4j=LOG4J_VERSION)
        )
        out = work / "list.txt"
        subprocess.run(
            ["mvn", "-B", "-q", f"-Dmaven.repo.local={work / 'm2'}", "-f", str(work / "pom.xml"),
             f"{DEPENDENCY_PLUGIN}:list", "-DincludeScope=runtime",
             "-DoutputAbsoluteArtifactFilename=true", f"-DoutputFile={out}"],
            check=True,
        )  # fmt: skip
        lines = []
        for raw in out.read_text().splitlines():
            parts = raw.split(" -- ")[0].strip().split(":")
            if len(parts) < 6 or parts[2] != "jar":
                continue
            group, artifact, _, jar_version, _scope, path = parts[:6]
            lines.append(f"{group}:{artifact}:{jar_version} {_sha256(Path(path))}")
    target = lock_file(version)
    header = lock_file(KAFKA_VERSION).read_text().split("\n")
    comments = [line.replace(KAFKA_VERSION, version) for line in header if line.startswith("#")]
    target.write_text("\n".join([*comments, *sorted(lines)]) + "\n")
    return target
