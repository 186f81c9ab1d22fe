"""Opening the million-case city at a cold start: the checks, the schema look and the seed.

`live.open_1m_ms` is what a start waits for before the first query: checking the file
(header, size, schema, each table's first page), probing the write lock, reading the schema
revision against the migrations, and seeding reference data
(`live.open_1m_with_imports_ms` adds importing the store, which any start does). Each repeat
runs in a fresh process, so Alembic's scripts load as they do at a real start; the file is in
the page cache (the figure leaves the disk out). `live.verify_1m_ms` is the full read that
opening no longer does (`verify_sqlite_file`), for comparison.

`live.cold_start_1m_s` is the whole start a dispatcher waits for: from the command
(`python -m console --db <the copy>`) to the queue's first rows and the map's grid on screen
(the console writes CITY_CONSOLE_SCREEN_MARK at that moment). The grid's part of the page
may come from an earlier start (the grid is unchanged), as it does at a seat: one untimed
start fills that cache; `live.cold_start_1m_first_s` is that first start. Where the time
goes (CITY_CONSOLE_START_TRACE, medians): `…_db_open_s` the database open (with Chromium's
start and the window's imports beside it), `…_window_s` the window shown, `…_queue_rows_s`
and `…_map_grid_s` each half of the first screen.

The city is /work/benchdata/city_50k_1m.db, or the file CITY_CONSOLE_BENCH_DB names; opening
migrates, so a copy in the data folder is what gets opened, never the file itself.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from console.bench import Figure, offscreen_platform

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
        stamp.write_text(made_from)
    # The migration to the current schema, untimed: a copy made under an older schema is
    # brought up to date here rather than inside the first timed start.
    _open_in_child(copy)
    return copy


def _open_in_child(path: Path) -> tuple[float, float]:
    """(ms in open_database, ms with the store's imports before it) in a fresh process."""
    result = subprocess.run([sys.executable, "-c", _CHILD, f"sqlite:///{path}"],
                            capture_output=True, text=True, check=True)
    opening, with_imports = result.stdout.strip().splitlines()[-1].split()
    return float(opening), float(with_imports)


#: Start steps traced by the console (console/ui/app.py: trace) → figure name parts.
STEPS = {"database opened": "db_open", "queue rows": "queue_rows", "map grid": "map_grid"}


def start_to_screen_s(path: Path, data: Path, timeout: float = 120.0,
                      steps: dict[str, float] | None = None) -> tuple[float, float]:
    """(seconds to the window shown, to the queue's rows and the map's grid on screen) of one
    start of the console as a process; it is ended once both marks are written. `steps`
    receives the seconds to each traced start step."""
    with tempfile.TemporaryDirectory(prefix="console-live-start-") as tmp:
        shown, screen = Path(tmp) / "shown", Path(tmp) / "screen"
        env = dict(os.environ, CITY_CONSOLE_STARTUP_MARK=str(shown),
                   CITY_CONSOLE_SCREEN_MARK=str(screen), CITY_CONSOLE_DATA_DIR=str(data),
                   CITY_CONSOLE_CONFIG_DIR=str(Path(tmp) / "config"),
                   CITY_CONSOLE_START_TRACE="1",
                   QT_QPA_PLATFORM=offscreen_platform())
        log = Path(tmp) / "stderr"
        start = time.time()
        with open(log, "w", encoding="utf-8") as err:
            child = subprocess.Popen([sys.executable, "-m", "console", "--db",
                                      f"sqlite:///{path}", "--quit-after", str(int(timeout))],
                                     env=env, stdout=subprocess.DEVNULL, stderr=err)
            try:
                while not (screen.exists() and screen.read_text()) and child.poll() is None \
                        and time.time() - start < timeout:
                    time.sleep(0.02)
            finally:
                child.terminate()
                child.wait(30)
        if not (screen.exists() and screen.read_text()):
            raise RuntimeError("the console never showed the queue's rows and the map's grid")
        if steps is not None:
            for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
                parts = line.split(" ", 2)
                if len(parts) == 3 and parts[0] == "start-trace" and parts[2] in STEPS:
                    steps.setdefault(parts[2], float(parts[1]) - start)
        return float(shown.read_text()) - start, float(screen.read_text()) - start


def run() -> Iterator[Figure]:
    from console.store.database import verify_sqlite_file
    path = _copy()
    with tempfile.TemporaryDirectory(prefix="console-live-start-data-") as data:
        first = start_to_screen_s(path, Path(data))
        traced: list[dict[str, float]] = [{} for _ in range(REPEATS)]
        runs = [start_to_screen_s(path, Path(data), steps=steps) for steps in traced]
    yield "live.cold_start_1m_s", statistics.median(r[1] for r in runs), "s"
    yield "live.cold_start_1m_best_s", min(r[1] for r in runs), "s"
    yield "live.cold_start_1m_worst_s", max(r[1] for r in runs), "s"
    for step, name in STEPS.items():
        if step == "map grid":
            yield "live.cold_start_1m_window_s", statistics.median(r[0] for r in runs), "s"
        times = [t[step] for t in traced if step in t]
        if times:
            yield f"live.cold_start_1m_{name}_s", statistics.median(times), "s"
    yield "live.cold_start_1m_first_s", first[1], "s"
    _open_in_child(path)              # page cache warmed
    runs = [_open_in_child(path) for _ in range(REPEATS)]
    yield "live.open_1m_ms", statistics.median(r[0] for r in runs), "ms"
    yield "live.open_1m_with_imports_ms", statistics.median(r[1] for r in runs), "ms"
    start = time.perf_counter()
    problem = verify_sqlite_file(path)
    yield "live.verify_1m_ms", (time.perf_counter() - start) * 1000, "ms"
    if problem:
        print(f"warning: the full check found: {problem}", file=sys.stderr)
