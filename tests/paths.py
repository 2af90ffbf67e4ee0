"""Where the tests find the project and their data, from any folder of tests/."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEED = ROOT / "seeds" / "000_433e06851ef59419.txt"
SEED_FILES = sorted((ROOT / "seeds").glob("*.txt"))
OPENAPI_FILE = ROOT / "search" / "data" / "openapi.json"
