"""Opening the million-case city at a cold start: the checks, the schema look and the seed.

`live.open_1m_ms` is what a start waits for before the first query: checking the file
(header, size, schema, each table's first page), probing the write lock, reading the schema
revision against the migrations, and seeding reference data
(`live.open_1m_with_imports_ms` adds importing the store, which any start does). Each repeat
runs in a fresh process, so Alembic's scripts load as they do at a real start; the file is in
the page cache (the figure leaves the disk out). `live.verify_1m_ms` is the full read that
opening no longer does (`verify_sqlite_file`), for comparison.

The city is /work/benchdata/city_50k_1m.db, or the file CITY_CONSOLE_BENCH_DB names; opening
migrates, so a copy in the data folder is what gets opened, never the file itself.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from console.bench import Figure

SOURCE = Path("/work/benchdata/city_50k_1m.db")
REPEATS = 3

_CHILD = """
import sys, time
start = time.perf_counter()
from console.store.database import open_database
imported = time.perf_counter()
db = open_database(sys.argv[1])
opened = time.perf_counter()
db.dispose()
print((opened - imported) * 1000, (opened - start) * 1000)
"""


def _copy() -> Path:
    """A copy of the million-case city that opening may migrate (refreshed when the source
    changes)."""
    given = os.environ.get("CITY_CONSOLE_BENCH_DB")
    source = Path(given).expanduser().resolve() if given else SOURCE
    if not source.is_file():
        from console.bench.queues import _database
        source = Path(_database().removeprefix("sqlite:///"))
    from console.paths import data_dir
    copy = data_dir() / "bench" / "live-start-1m.db"
    copy.parent.mkdir(parents=True, exist_ok=True)
    stamp = copy.with_name(copy.name + ".source")
    stat = source.stat()
    made_from = f"{source} {stat.st_size} {stat.st_mtime_ns}"
    if not copy.exists() or not stamp.exists() or stamp.read_text() != made_from:
        for suffix in ("-wal", "-shm"):
            copy.with_name(copy.name + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, copy)
        _open_in_child(copy)          # the migration to the current schema, untimed
        stamp.write_text(made_from)
    return copy


def _open_in_child(path: Path) -> tuple[float, float]:
    """(ms in open_database, ms with the store's imports before it) in a fresh process."""
    result = subprocess.run([sys.executable, "-c", _CHILD, f"sqlite:///{path}"],
                            capture_output=True, text=True, check=True)
    opening, with_imports = result.stdout.strip().splitlines()[-1].split()
    return float(opening), float(with_imports)


def run() -> Iterator[Figure]:
    from console.store.database import verify_sqlite_file
    path = _copy()
    _open_in_child(path)              # page cache warmed
    runs = [_open_in_child(path) for _ in range(REPEATS)]
    yield "live.open_1m_ms", statistics.median(r[0] for r in runs), "ms"
    yield "live.open_1m_with_imports_ms", statistics.median(r[1] for r in runs), "ms"
    start = time.perf_counter()
    problem = verify_sqlite_file(path)
    yield "live.verify_1m_ms", (time.perf_counter() - start) * 1000, "ms"
    if problem:
        print(f"warning: the full check found: {problem}", file=sys.stderr)
