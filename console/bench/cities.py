"""The benchmark cities, built once and kept: the 50,000-cell, 1,000,000-case city and the
200,000-cell megacity. A suite asks for a city and gets a private working copy, since opening a
SQLite file in WAL mode writes beside it and some suites change what they read.

CITY_CONSOLE_BENCH_DB (the million-case city) and CITY_CONSOLE_BENCH_CITY_200K (the megacity)
name existing databases instead; CITY_CONSOLE_BENCH_DIR moves the folder the built ones are
kept in (default: `bench` in the console's data folder). Building takes minutes (the million
cases about three), once per machine.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from console.paths import data_dir


@dataclass(frozen=True)
class City:
    env: str         # the variable that names an existing database instead
    file: str        # the built city's file name in the bench folder
    cells: int
    cases: int
    seed: int


MILLION = City("CITY_CONSOLE_BENCH_DB", "city_50k_1m.db", 50_000, 1_000_000, 1)
MEGACITY = City("CITY_CONSOLE_BENCH_CITY_200K", "city_200k.db", 200_000, 20_000, 2)


def folder() -> Path:
    return Path(os.environ.get("CITY_CONSOLE_BENCH_DIR") or data_dir() / "bench")


def source(city: City) -> Path:
    """The city's database file, built first if this machine has none."""
    given = os.environ.get(city.env)
    if given:
        return Path(given)
    path = folder() / city.file
    if not path.exists():
        _build(city, path)
    return path


def working_copy(city: City, name: str) -> str:
    """A SQLAlchemy URL of a private copy (refreshed when the source changed) of the city."""
    given = os.environ.get(city.env)
    if given and "://" in given:
        return given   # a server database: nothing to copy
    src = source(city)
    copy = Path(tempfile.gettempdir()) / f"city-console-{name}.db"
    if not copy.exists() or copy.stat().st_size != src.stat().st_size \
            or copy.stat().st_mtime < src.stat().st_mtime:
        for stale in (copy, copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
            stale.unlink(missing_ok=True)
        shutil.copyfile(src, copy)
    return f"sqlite:///{copy}"


def _build(city: City, path: Path) -> None:
    from console.sim.demo import build_demo
    from console.store.database import open_database
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".building")
    partial.unlink(missing_ok=True)
    print(f"building the benchmark city {path} ({city.cells:,} cells, {city.cases:,} cases; "
          "minutes, once)", file=sys.stderr, flush=True)
    db = open_database(f"sqlite:///{partial}")
    try:
        build_demo(db, seed=city.seed, cells=city.cells, cases=city.cases)
    finally:
        db.dispose()
    for extra in ("-wal", "-shm"):
        Path(str(partial) + extra).unlink(missing_ok=True)
    partial.rename(path)   # only a whole city is ever found under the final name
