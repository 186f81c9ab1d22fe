"""Where the console's own files live (resources/ and db/ beside the package in the source tree)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
SEED = RESOURCES / "seed"
TRANSLATIONS = RESOURCES / "translations"
THEMES = RESOURCES / "theme"
