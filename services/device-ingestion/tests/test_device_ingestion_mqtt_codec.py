"""The device transport's packet layer (no I/O): framing, the CONNECT's protocol level,
both codecs reading what the other side writes, topic filters."""

from __future__ import annotations

import asyncio

import mqtt5
import pytest
from amqtt.mqtt.publish import PublishPacket
from device_ingestion.mqtt.codec import (
    Connect,
    MalformedPacket,
    Publish,
    V3Codec,
    V5Codec,
    codec_for,
    connect_level,
    read_packet,
    topic_matches,
)


def test_topic_filters_match_as_mqtt_says() -> None:
    assert topic_matches("v1/devices/me/rpc/request/+", "v1/devices/me/rpc/request/7")
    assert not topic_matches("v1/devices/me/rpc/request/+", "v1/devices/me/rpc/request")
    assert topic_matches("v1/devices/me/#", "v1/devices/me/attributes/response/3")
    assert topic_matches("v1/devices/me/attributes", "v1/devices/me/attributes")
    assert not topic_matches("v1/devices/me/attributes", "v1/devices/me/attributes/response/1")


def test_the_connect_names_its_protocol_level() -> None:
    v5 = mqtt5.ConnectPacket("dev-1", username="token").write()
    assert connect_level(v5) == 5
    body = b"\x00\x04MQTT\x04\x02\x00\x3c\x00\x02d2"  # 3.1.1, clean session, id "d2"
    assert connect_level(bytes([0x10, len(body)]) + body) == 4
    old = b"\x00\x06MQIsdp\x03\x02\x00\x3c\x00\x02d3"  # 3.1
    assert connect_level(bytes([0x10, len(old)]) + old) == 3
    with pytest.raises(MalformedPacket):
        connect_level(mqtt5.PingReqPacket().write())
    assert codec_for(6) is None


async def test_each_codec_reads_a_connect_and_a_publish() -> None:
    v5 = V5Codec()
    connect = await v5.decode(
        mqtt5.ConnectPacket("dev-1", username="token", keep_alive=30, clean_start=True).write()
    )
    assert connect == Connect(5, "dev-1", "token", None, 30, True)
    raw = mqtt5.PublishPacket(
        "v1/devices/me/telemetry", b'{"t": 1}', qos=mqtt5.QoS.AT_LEAST_ONCE, packet_id=9
    ).write()
    assert await v5.decode(raw) == Publish("v1/devices/me/telemetry", b'{"t": 1}', 1, 9)
    v3 = V3Codec(4)
    body = b"\x00\x04MQTT\x04\x82\x00\x3c\x00\x02d2\x00\x05token"  # with a username
    decoded = await v3.decode(bytes([0x10, len(body)]) + body)
    assert decoded == Connect(4, "d2", "token", None, 60, True)
    raw3 = PublishPacket.build("v1/devices/me/attributes", b"{}", 3, False, 1, False).to_bytes()
    assert await v3.decode(raw3) == Publish("v1/devices/me/attributes", b"{}", 1, 3)


async def test_framing_reads_whole_packets_and_refuses_oversized_ones() -> None:
    reader = asyncio.StreamReader()
    ping = mqtt5.PingReqPacket().write()
    reader.feed_data(ping + ping)
    reader.feed_eof()
    assert await read_packet(reader) == ping
    assert await read_packet(reader) == ping
    assert await read_packet(reader) is None
    huge = asyncio.StreamReader()
    huge.feed_data(b"\x30\xff\xff\xff\x7f")  # a PUBLISH of 256 MiB
    with pytest.raises(MalformedPacket):
        await read_packet(huge)
