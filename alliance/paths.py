"""Locations of the committed data the app runs from (never the raw inputs of the build)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GEODATA_DIR = ROOT / "geodata"
DATA_DIR = ROOT / "data"
STATIC_DIR = ROOT / "static"
# Streamlit serves ROOT/static under this URL when server.enableStaticServing is true.
STATIC_URL = "app/static"
