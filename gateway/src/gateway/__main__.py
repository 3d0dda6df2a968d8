"""``python -m gateway`` serves the gateway."""

from gateway.app import create_app
from gateway.config import GatewaySettings
from sc_core.cli import run_service

if __name__ == "__main__":
    run_service(GatewaySettings, create_app)
