from commerce.config import Settings
from commerce.main import MIGRATIONS, create_app
from sc_core.cli import run_service

if __name__ == "__main__":
    run_service(Settings, create_app, migrations_dir=MIGRATIONS)
