import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from place_models import metadata

from sc_core.db.migrate import run_env

run_env(metadata)
