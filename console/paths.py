"""Per-user folders: data (the default database) and configuration (seat settings, layout)."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "city-command-console"


def data_dir() -> Path:
    """Where the default database lives; CITY_CONSOLE_DATA_DIR overrides (tests, kiosks)."""
    return Path(os.environ.get("CITY_CONSOLE_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def config_dir() -> Path:
    """Where this seat's settings and window layout live; CITY_CONSOLE_CONFIG_DIR overrides."""
    return Path(os.environ.get("CITY_CONSOLE_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def default_database_url() -> str:
    """The embedded default: a SQLite file in the user's data folder."""
    return f"sqlite:///{data_dir() / 'console.db'}"


def demo_database_url() -> str:
    """The demo city's own SQLite file, kept apart from real data."""
    return f"sqlite:///{data_dir() / 'demo.db'}"
