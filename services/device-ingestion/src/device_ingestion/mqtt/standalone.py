"""The MQTT transport as its own deployable: ``python -m device_ingestion transport``
(ADR 0038).

A process of device-ingestion's own code that holds device connections and nothing else:
the device transport (MQTT 3.1, 3.1.1, 5; every topic of the device API, ADR 0029) on
MQTT_TRANSPORT_PORT and, with a certificate, over TLS on MQTT_TLS_PORT; the same use
cases as the service (tokens checked against the service's database, readings handed to
``telemetry.readings.v1`` and a QoS 1 message acknowledged only after Kafka has them), and
a :class:`~device_ingestion.mqtt.downlink.DownlinkListener` that delivers the messages for
devices (server-side RPC, shared attributes, firmware notices) to the devices it holds,
whichever replica they came from. No routes, no consumers of the service's events, no
periodic jobs, no migrations (the service runs them): /healthz, /readyz and /metrics
(``mqtt_connections`` for the autoscaler) on HTTP_PORT.

Any number of replicas run behind a TCP load balancer; a device may connect to any.
"""

from __future__ import annotations

import logging
import ssl

from fastapi import FastAPI

from device_ingestion.config import Settings
from device_ingestion.main import build, downlink_publisher
from device_ingestion.mqtt.downlink import DownlinkListener
from device_ingestion.mqtt.transport import DeviceTransport
from sc_contracts.events import DeviceDownlinkRequestedV1
from sc_core.service import Runtime, create_service_app

log = logging.getLogger(__name__)


def tls_context(settings: Settings) -> ssl.SSLContext | None:
    """The server's TLS context from MQTT_TLS_CERT_FILE and MQTT_TLS_KEY_FILE, if set."""
    if settings.mqtt_tls_cert_file is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(settings.mqtt_tls_cert_file, settings.mqtt_tls_key_file)
    return context


def create_transport_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings, serve=False)
    downlinks = downlink_publisher(settings, runtime)
    transport = DeviceTransport(
        settings.mqtt_transport_host,
        settings.mqtt_transport_port,
        directory=usecases.directory,
        ingest=usecases.ingest,
        on_rpc_response=usecases.commands.complete,
        claims=usecases.claims,
        provisioning=usecases.provisioning,
        gateways=usecases.gateways,
        firmware=usecases.firmware,
        ack_invalid=settings.mqtt_ack_invalid,
        tls_port=settings.mqtt_tls_port,
        tls=tls_context(settings),
    )
    # what this process changes itself (a gateway's command, ...) goes the same way
    usecases.commands.mqtt_send = downlinks.rpc
    usecases.attribute_updates.listen(downlinks.attributes)
    listener = DownlinkListener(
        settings,
        settings.topic(DeviceDownlinkRequestedV1.topic),
        rpc=transport.deliver_rpc,
        attributes=transport.push_attributes,
        delivered=usecases.commands.delivered,
    )

    async def start(runtime: Runtime) -> None:
        await listener.start()
        await transport.start()
        log.info(
            "mqtt transport: devices on %s:%d%s",
            settings.mqtt_transport_host,
            transport.port,
            f", over TLS on {transport.tls_port}" if transport.tls_port else "",
        )

    async def stop(runtime: Runtime) -> None:
        await transport.stop()
        await listener.stop()

    app = create_service_app(
        settings,
        title="device-ingestion MQTT transport",
        runtime=runtime,
        on_start=[start],
        on_stop=[stop],
        resources=[usecases.firmware.files],
        readiness={"mqtt": transport.ready, "downlinks": listener.ready},
    )
    app.state.usecases = usecases
    app.state.transport = transport
    app.state.downlinks = listener
    return app
