from sc_core.cli import run_service
from work_orders.config import Settings
from work_orders.main import MIGRATIONS, create_app

if __name__ == "__main__":
    run_service(Settings, create_app, migrations_dir=MIGRATIONS)
