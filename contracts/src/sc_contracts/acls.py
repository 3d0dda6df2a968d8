"""Kafka principals and ACLs for the platform and for outside readers, from the catalogue.

An *agreement* file names who may read what::

    platform:
      principal: platform            # the services' own principal (KAFKA_SASL_USERNAME)
    integrators:
      - principal: city-hz           # a SCRAM user of the cluster
        name: 杭州市城市大脑 (Hangzhou city platform)
        topics: [alarm.events.v1]    # only topics the catalogue marks `external: true`
        writes: [exchange.city-tasks.v1]  # optional; only topics marked `inbound: true`

``plan()`` turns it into ACL bindings:

* the platform principal: every operation on every catalogue topic and its ``.dlq``
  (literal names) and on every consumer group (``*``): the services produce, consume,
  park dead letters and create their topics, and nothing outside the catalogue;
* each integrator: ``READ`` (which implies ``DESCRIBE``) on each granted topic and ``READ``
  on the consumer groups whose id starts with ``<principal>.``; nothing else, so a write,
  a read of another topic or another group is refused by the broker's authorizer
  (``TopicAuthorizationFailed``, ``GroupAuthorizationFailed``);
* and ``WRITE`` (which implies ``DESCRIBE`` and idempotent writes) on each topic of its
  ``writes``: only inbound topics (tasks a district sends down), never one it reads.

``apply()`` makes the cluster hold exactly that for the principals the agreement names
(creates what is missing, deletes their other ACLs); ``set_scram_credential()`` creates or
changes a SCRAM user. Both speak Kafka's own admin requests (CreateAcls, DescribeAcls,
DeleteAcls, AlterUserScramCredentials) through aiokafka's admin client, so they run from any
image that has the platform's Python (no Java, no Kafka scripts) with the connection
settings every client uses (``sc_core.kafka.kafka_client_options``).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import yaml
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import for_code
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    Array,
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    String,
    TaggedFields,
)
from pydantic import BaseModel, ConfigDict, Field

from sc_contracts.catalogue import Catalogue, load_catalogue

# Kafka's enums (org.apache.kafka.common.resource / acl)
RESOURCE = {"ANY": 1, "TOPIC": 2, "GROUP": 3, "CLUSTER": 4}
PATTERN = {"ANY": 1, "MATCH": 2, "LITERAL": 3, "PREFIXED": 4}
OPERATION = {
    "ANY": 1, "ALL": 2, "READ": 3, "WRITE": 4, "CREATE": 5, "DELETE": 6, "ALTER": 7,
    "DESCRIBE": 8, "CLUSTER_ACTION": 9, "DESCRIBE_CONFIGS": 10, "ALTER_CONFIGS": 11,
    "IDEMPOTENT_WRITE": 12,
}  # fmt: skip
PERMISSION = {"ANY": 1, "DENY": 2, "ALLOW": 3}
SCRAM_MECHANISMS = {"SCRAM-SHA-256": (1, "sha256"), "SCRAM-SHA-512": (2, "sha512")}
_NAMES = {kind: {v: k for k, v in table.items()} for kind, table in
          (("resource", RESOURCE), ("pattern", PATTERN), ("operation", OPERATION),
           ("permission", PERMISSION))}  # fmt: skip


@dataclass(frozen=True, order=True)
class AclBinding:
    """One ALLOW rule: ``principal`` may ``operation`` on a resource (from any host)."""

    principal: str  # "User:<name>"
    resource_type: str  # TOPIC, GROUP, CLUSTER
    resource_name: str
    pattern_type: str  # LITERAL or PREFIXED
    operation: str
    permission: str = "ALLOW"
    host: str = "*"

    def describe(self) -> str:
        pattern = "prefix " if self.pattern_type == "PREFIXED" else ""
        return (
            f"{self.permission} {self.principal} {self.operation} on "
            f"{self.resource_type} {pattern}{self.resource_name}"
        )


# -- the agreement ------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlatformPrincipal(_Strict):
    principal: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._-]+$")


class Integrator(_Strict):
    principal: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._-]+$")
    name: str = Field(min_length=1, description="Who this is, for people.")
    topics: tuple[str, ...] = Field(min_length=1)
    writes: tuple[str, ...] = Field(
        default=(), description="Inbound topics it may write (the catalogue's `inbound: true`)."
    )

    @property
    def group_prefix(self) -> str:
        return f"{self.principal}."


class Agreement(_Strict):
    platform: PlatformPrincipal | None = None
    integrators: tuple[Integrator, ...] = ()

    def principals(self) -> list[str]:
        names = [self.platform.principal] if self.platform else []
        return names + [i.principal for i in self.integrators]


def load_agreement(path: Path) -> Agreement:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Agreement.model_validate(document)


def plan(agreement: Agreement, catalogue: Catalogue | None = None) -> list[AclBinding]:
    """The ACLs the agreement means, checked against the catalogue.

    Raises ValueError for a topic that is not in the catalogue, a read of a topic not
    ``external``, a write of a topic not ``inbound``, and a principal named twice.
    """
    catalogue = catalogue or load_catalogue()
    names = agreement.principals()
    if len(set(names)) != len(names):
        raise ValueError("a principal is named twice in the agreement")
    bindings: list[AclBinding] = []
    if agreement.platform is not None:
        user = f"User:{agreement.platform.principal}"
        for name in catalogue.all_topic_names():
            bindings.append(AclBinding(user, "TOPIC", name, "LITERAL", "ALL"))
        bindings.append(AclBinding(user, "GROUP", "*", "LITERAL", "ALL"))
    for integrator in agreement.integrators:
        user = f"User:{integrator.principal}"
        for name in integrator.topics:
            if name not in catalogue.by_name:
                raise ValueError(f"{integrator.principal}: {name} is not in the catalogue")
            if not catalogue.topic(name).external:
                raise ValueError(
                    f"{integrator.principal}: {name} is not meant for outside readers "
                    "(the catalogue does not mark it external)"
                )
            bindings.append(AclBinding(user, "TOPIC", name, "LITERAL", "READ"))
        for name in integrator.writes:
            if name not in catalogue.by_name:
                raise ValueError(f"{integrator.principal}: {name} is not in the catalogue")
            if not catalogue.topic(name).inbound:
                raise ValueError(
                    f"{integrator.principal}: {name} is not written from outside "
                    "(the catalogue does not mark it inbound)"
                )
            bindings.append(AclBinding(user, "TOPIC", name, "LITERAL", "WRITE"))
        bindings.append(AclBinding(user, "GROUP", integrator.group_prefix, "PREFIXED", "READ"))
    return sorted(set(bindings))


# -- Kafka's admin requests (not in aiokafka's admin client) ------------------------

_ACL_FILTER = (
    ("resource_type", Int8),
    ("resource_name", String("utf-8")),
    ("pattern_type", Int8),
    ("principal", String("utf-8")),
    ("host", String("utf-8")),
    ("operation", Int8),
    ("permission_type", Int8),
)


class CreateAclsResponse_v1(Response):
    API_KEY = 30
    API_VERSION = 1
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("results", Array(("error_code", Int16), ("error_message", String("utf-8")))),
    )


class CreateAclsRequest_v1(RequestStruct):
    API_KEY = 30
    API_VERSION = 1
    RESPONSE_TYPE = CreateAclsResponse_v1
    SCHEMA = Schema(("creations", Array(*_ACL_FILTER)))


class CreateAclsRequest(Request[CreateAclsRequest_v1]):
    API_KEY = 30

    def __init__(self, creations: list[tuple[Any, ...]]) -> None:
        self.creations = creations

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class(self.creations)


class DescribeAclsResponse_v1(Response):
    API_KEY = 29
    API_VERSION = 1
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("error_code", Int16),
        ("error_message", String("utf-8")),
        (
            "resources",
            Array(
                ("resource_type", Int8),
                ("resource_name", String("utf-8")),
                ("pattern_type", Int8),
                (
                    "acls",
                    Array(
                        ("principal", String("utf-8")),
                        ("host", String("utf-8")),
                        ("operation", Int8),
                        ("permission_type", Int8),
                    ),
                ),
            ),
        ),
    )


class DescribeAclsRequest_v1(RequestStruct):
    API_KEY = 29
    API_VERSION = 1
    RESPONSE_TYPE = DescribeAclsResponse_v1
    SCHEMA = Schema(*_ACL_FILTER)


class DescribeAclsRequest(Request[DescribeAclsRequest_v1]):
    API_KEY = 29

    def __init__(self, acl_filter: tuple[Any, ...]) -> None:
        self.acl_filter = acl_filter

    def build(self, request_struct_class: type[DescribeAclsRequest_v1]) -> DescribeAclsRequest_v1:
        return request_struct_class(*self.acl_filter)


class DeleteAclsResponse_v1(Response):
    API_KEY = 31
    API_VERSION = 1
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "filter_results",
            Array(
                ("error_code", Int16),
                ("error_message", String("utf-8")),
                (
                    "matching_acls",
                    Array(("error_code", Int16), ("error_message", String("utf-8")), *_ACL_FILTER),
                ),
            ),
        ),
    )


class DeleteAclsRequest_v1(RequestStruct):
    API_KEY = 31
    API_VERSION = 1
    RESPONSE_TYPE = DeleteAclsResponse_v1
    SCHEMA = Schema(("filters", Array(*_ACL_FILTER)))


class DeleteAclsRequest(Request[DeleteAclsRequest_v1]):
    API_KEY = 31

    def __init__(self, filters: list[tuple[Any, ...]]) -> None:
        self.filters = filters

    def build(self, request_struct_class: type[DeleteAclsRequest_v1]) -> DeleteAclsRequest_v1:
        return request_struct_class(self.filters)


class AlterUserScramCredentialsResponse_v0(Response):
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(
                ("user", CompactString("utf-8")),
                ("error_code", Int16),
                ("error_message", CompactString("utf-8")),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentialsRequest_v0(RequestStruct):
    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = AlterUserScramCredentialsResponse_v0
    SCHEMA = Schema(
        (
            "deletions",
            CompactArray(
                ("name", CompactString("utf-8")), ("mechanism", Int8), ("tags", TaggedFields)
            ),
        ),
        (
            "upsertions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("iterations", Int32),
                ("salt", CompactBytes),
                ("salted_password", CompactBytes),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentialsRequest(Request[AlterUserScramCredentialsRequest_v0]):
    API_KEY = 51

    def __init__(self, deletions: list[tuple[Any, ...]], upsertions: list[tuple[Any, ...]]):
        self.deletions = deletions
        self.upsertions = upsertions

    def build(
        self, request_struct_class: type[AlterUserScramCredentialsRequest_v0]
    ) -> AlterUserScramCredentialsRequest_v0:
        return request_struct_class(self.deletions, self.upsertions, {})


_Wire: TypeAlias = tuple[Any, ...]


def _wire(binding: AclBinding) -> _Wire:
    return (
        RESOURCE[binding.resource_type],
        binding.resource_name,
        PATTERN[binding.pattern_type],
        binding.principal,
        binding.host,
        OPERATION[binding.operation],
        PERMISSION[binding.permission],
    )


def _raise_for(code: int, message: str | None, what: str) -> None:
    if code:
        raise for_code(code)(f"{what}: {message or 'refused'}")


async def _send(admin: AIOKafkaAdminClient, request: Request[Any]) -> Any:
    # aiokafka's admin client has no ACL or SCRAM calls; its request path speaks any
    # Request (version negotiated per connection); any broker forwards these to the
    # KRaft controller.
    return await admin._send_request(request)


# -- what the admin client does -----------------------------------------------------


async def describe_acls(admin: AIOKafkaAdminClient, principal: str) -> list[AclBinding]:
    """Every ACL of ``principal`` ("User:<name>")."""
    response = await _send(
        admin,
        DescribeAclsRequest((RESOURCE["ANY"], None, PATTERN["ANY"], principal, None,
                             OPERATION["ANY"], PERMISSION["ANY"])),
    )  # fmt: skip
    _raise_for(response.error_code, response.error_message, f"describing ACLs of {principal}")
    found = []
    for resource_type, name, pattern, acls in response.resources:
        for acl_principal, host, operation, permission in acls:
            found.append(
                AclBinding(
                    acl_principal,
                    _NAMES["resource"][resource_type],
                    name,
                    _NAMES["pattern"][pattern],
                    _NAMES["operation"][operation],
                    _NAMES["permission"][permission],
                    host,
                )
            )
    return sorted(found)


async def create_acls(admin: AIOKafkaAdminClient, bindings: Sequence[AclBinding]) -> None:
    if not bindings:
        return
    response = await _send(admin, CreateAclsRequest([_wire(b) for b in bindings]))
    for binding, (code, message) in zip(bindings, response.results, strict=True):
        _raise_for(code, message, f"creating {binding.describe()}")


async def delete_acls(admin: AIOKafkaAdminClient, bindings: Sequence[AclBinding]) -> None:
    if not bindings:
        return
    response = await _send(admin, DeleteAclsRequest([_wire(b) for b in bindings]))
    for binding, result in zip(bindings, response.filter_results, strict=True):
        _raise_for(result[0], result[1], f"deleting {binding.describe()}")


@dataclass
class ApplyResult:
    created: list[AclBinding]
    deleted: list[AclBinding]
    kept: list[AclBinding]


async def _held(admin: AIOKafkaAdminClient, principals: Iterable[str]) -> set[AclBinding]:
    current: set[AclBinding] = set()
    for name in principals:
        current |= set(await describe_acls(admin, f"User:{name}"))
    return current


async def apply(
    admin: AIOKafkaAdminClient,
    bindings: Iterable[AclBinding],
    principals: Iterable[str],
    *,
    timeout: float = 60.0,
) -> ApplyResult:
    """Make the ACLs of ``principals`` (user names) exactly ``bindings``.

    Returns once the brokers show exactly those (ACLs travel through the KRaft metadata
    log, so a broker holds them a moment after the controller accepted them).
    """
    names = list(principals)
    wanted = set(bindings)
    current = await _held(admin, names)
    missing = sorted(wanted - current)
    extra = sorted(current - wanted)
    await create_acls(admin, missing)
    await delete_acls(admin, extra)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while await _held(admin, names) != wanted:
        if loop.time() > deadline:
            raise TimeoutError(f"the brokers do not show the ACLs after {timeout} s")
        await asyncio.sleep(0.2)
    return ApplyResult(missing, extra, sorted(wanted & current))


def salted_password(password: str, salt: bytes, iterations: int, mechanism: str) -> bytes:
    """SCRAM's SaltedPassword: Hi(Normalize(password), salt, i) (RFC 5802), as Kafka computes it."""
    digest = SCRAM_MECHANISMS[mechanism][1]
    normalized = unicodedata.normalize("NFKC", password).encode()
    return hashlib.pbkdf2_hmac(digest, normalized, salt, iterations)


async def set_scram_credential(
    admin: AIOKafkaAdminClient,
    user: str,
    password: str,
    *,
    mechanism: str = "SCRAM-SHA-512",
    iterations: int = 8192,
) -> None:
    """Create or change ``user``'s SCRAM credential (the password itself never leaves here)."""
    if mechanism not in SCRAM_MECHANISMS:
        raise ValueError(f"mechanism must be one of {sorted(SCRAM_MECHANISMS)}")
    if len(password) < 12:
        raise ValueError("a Kafka password here has at least 12 characters")
    salt = os.urandom(32)
    upsertion: tuple[Any, ...] = (
        user,
        SCRAM_MECHANISMS[mechanism][0],
        iterations,
        salt,
        salted_password(password, salt, iterations, mechanism),
        {},
    )
    response = await _send(admin, AlterUserScramCredentialsRequest([], [upsertion]))
    for name, code, message, _tags in response.results:
        _raise_for(code, message, f"setting the SCRAM credential of {name}")


def admin_client(bootstrap: str, client_options: Mapping[str, Any] | None) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(
        **(client_options or {}), bootstrap_servers=bootstrap, request_timeout_ms=30_000
    )
