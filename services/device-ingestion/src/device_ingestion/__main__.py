from device_ingestion.config import Settings
from device_ingestion.main import MIGRATIONS, create_app
from sc_core.cli import run_service
from sc_core.settings import ServiceSettings


def transport(settings: ServiceSettings, argv: list[str]) -> int:
    """``python -m device_ingestion transport``: the MQTT transport alone (ADR 0038)."""
    from device_ingestion.mqtt.standalone import create_transport_app

    run_service(Settings, create_transport_app, argv=["serve"])
    return 0


if __name__ == "__main__":
    run_service(Settings, create_app, migrations_dir=MIGRATIONS, commands={"transport": transport})
