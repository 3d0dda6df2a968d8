from commerce.db.models import metadata
from sc_core.db.migrate import run_env

run_env(metadata)
