"""Firmware over the air, as ThingsBoard's device API has it (pure: no I/O).

A package (title, version, SHA-256 checksum, size) is assigned to a device type in a
community or to devices. A device learns of it through its shared attributes ``fw_title``,
``fw_version``, ``fw_checksum``, ``fw_checksum_algorithm`` and ``fw_size``, fetches it in
chunks (MQTT ``v2/fw/request/{request_id}/chunk/{chunk}`` with the chunk size as payload,
answered on ``v2/fw/response/{request_id}/chunk/{chunk}``; HTTP
``GET /api/v1/{token}/firmware?title=&version=&size=&chunk=``) and reports its progress as
``fw_state`` telemetry (with ``fw_error`` when FAILED).
"""

from __future__ import annotations

from typing import Any

CHECKSUM_ALGORITHM = "SHA256"
FW_KEYS = ("fw_title", "fw_version", "fw_checksum", "fw_checksum_algorithm", "fw_size")

#: the states a device reports (ThingsBoard's), and the one before it reports any
QUEUED = "QUEUED"
FAILED = "FAILED"
STATES = (
    QUEUED,
    "INITIATED",
    "DOWNLOADING",
    "DOWNLOADED",
    "VERIFIED",
    "UPDATING",
    "UPDATED",
    FAILED,
)
WORDS: dict[str, tuple[str, str]] = {
    QUEUED: ("等待设备下载", "waiting for the device to download it"),
    "INITIATED": ("已通知设备", "the device was told of the update"),
    "DOWNLOADING": ("正在下载", "downloading"),
    "DOWNLOADED": ("已下载", "downloaded"),
    "VERIFIED": ("已校验", "checksum verified"),
    "UPDATING": ("正在升级", "updating"),
    "UPDATED": ("已升级", "updated"),
    FAILED: ("升级失败", "the update failed"),
}
NO_FIRMWARE = ("未分配固件", "no firmware assigned")


def shared_attributes(package: Any) -> dict[str, Any]:
    """What the device is told (ThingsBoard's ``fw_*`` shared attributes)."""
    return {
        "fw_title": package.title,
        "fw_version": package.version,
        "fw_checksum": package.checksum,
        "fw_checksum_algorithm": package.checksum_algorithm,
        "fw_size": int(package.size),
    }


def chunk_of(data: bytes, size: int, chunk: int) -> bytes:
    """Chunk number ``chunk`` of ``size`` bytes (size 0: the whole package); past the end,
    nothing (the device knows it has everything), as ThingsBoard answers."""
    if size <= 0:
        return data if chunk <= 0 else b""
    start = chunk * size
    return data[start : start + size]


def state_words(state: str | None, has_firmware: bool) -> tuple[str, str]:
    """A device's firmware state in words (zh-CN, en)."""
    if not has_firmware:
        return NO_FIRMWARE
    return WORDS.get(state or QUEUED, (state or "", state or ""))
