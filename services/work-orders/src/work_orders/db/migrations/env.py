from sc_core.db.migrate import run_env
from work_orders.db.models import metadata

run_env(metadata)
