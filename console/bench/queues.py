"""Queue figures on a million cases: first rows of every tab and of a text filter, memory.

The queue dock runs in a child process exactly as in the console (offscreen Qt, the task
pool, the SQL of console/services/queues.py), so a figure is what a dispatcher waits for: from
choosing a tab or typing a filter to the first rows in the table, thread hand-off included.
The child's resident memory with the queue open is the memory figure.

The million-case city is built once into the data folder (a few minutes) and reused; set
CITY_CONSOLE_BENCH_DB to a database (URL or SQLite path) to measure another one — it is
migrated to the current schema first.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from console.bench import Figure, offscreen_platform

CASES = 1_000_000
CELLS = 50_000
REPEATS = 3


def _database() -> str:
    """The URL of a database with a million cases (built once if need be)."""
    given = os.environ.get("CITY_CONSOLE_BENCH_DB")
    if given:
        return given if "://" in given else f"sqlite:///{Path(given).resolve()}"
    from sqlalchemy import func, select

    from console.paths import data_dir
    from console.sim.demo import build_demo
    from console.store.database import open_database
    from console.store.models import Case
    path = data_dir() / "bench" / "queues-1m.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    db = open_database(url)
    try:
        with db.session() as s:
            have = s.scalar(select(func.count()).select_from(Case)) or 0
        if have < CASES:
            db.dispose()
            path.unlink()
            db = open_database(url)
            build_demo(db, seed=1, cells=CELLS, cases=CASES)
    finally:
        db.dispose()
    return url


def run() -> Iterator[Figure]:
    """queue.first_rows_1m_ms (the slowest of every tab and text filter), the slowest tab and
    text filter alone, a page fetched while scrolling, and queue.rss_1m_mb."""
    url = _database()
    env = dict(os.environ, QT_QPA_PLATFORM=offscreen_platform())
    done = subprocess.run([sys.executable, "-m", "console.bench.queues", url], env=env,
                          capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"queue benchmark failed:\n{done.stderr[-2000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    yield "queue.first_rows_1m_ms", max([*data["tabs"].values(), *data["text"].values()]), "ms"
    yield "queue.slowest_tab_1m_ms", max(data["tabs"].values()), "ms"
    yield "queue.text_filter_1m_ms", max(data["text"].values()), "ms"
    yield "queue.scroll_page_1m_ms", data["scroll_page_ms"], "ms"
    yield "queue.rss_1m_mb", data["rss_mb"], "MB"


# --- the child: the dock itself ---------------------------------------------------------------

def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(url: str) -> dict:
    from PySide6.QtCore import QEventLoop, QTimer
    from sqlalchemy import text

    from console.common.application import create_application
    from console.common.selection import Selection
    from console.live.tasks import TaskRunner
    from console.services.actor import actor_for
    from console.store.database import open_database
    from console.ui.queues.dock import QueueDock

    app = create_application(["bench"], "zh_CN")
    db = open_database(url)
    tasks = TaskRunner(db)
    with db.session() as s:
        actor = actor_for(s)
        sample = s.execute(text(
            "SELECT number, address FROM cases WHERE address != '' ORDER BY id DESC LIMIT 1")).one()
    dock = QueueDock(None, tasks=tasks, selection=Selection(), actor=actor)
    dock.resize(700, 1000)
    dock.show()

    def wait_for(predicate, timeout_s: float = 60.0) -> None:
        end = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() > end:
                raise TimeoutError("the queue did not answer")
            loop = QEventLoop()
            QTimer.singleShot(1, loop.quit)
            loop.exec()

    def timed(start) -> float:
        """Milliseconds from `start()` to the first page in the model."""
        # Start from a quiet queue, as a dispatcher does: the last counts have come in.
        wait_for(lambda: tasks.pending() == 0 and not dock.model.busy)
        loaded = []
        dock.model.loaded.connect(lambda: loaded.append(time.perf_counter()))
        began = time.perf_counter()
        start()
        wait_for(lambda: bool(loaded))
        dock.model.loaded.disconnect()
        dock.model.loaded.connect(dock._loaded)
        return (loaded[0] - began) * 1000

    wait_for(lambda: dock.refs is not None and not dock.model.busy)
    tabs: dict[str, float] = {}
    for _ in range(REPEATS):
        for i, stage in enumerate(dock.STAGES):
            # Switch away first so every switch really reads.
            other = (i + 1) % len(dock.STAGES)
            dock.tabs.setCurrentIndex(other)
            wait_for(lambda: not dock.model.busy)
            tabs.setdefault(stage, [])
            tabs[stage].append(timed(lambda k=i: dock.tabs.setCurrentIndex(k)))
    # Free text on the "all" tab, where a million cases are searched: part of an address,
    # today's case numbers, a description word, and a text that matches nothing.
    words = {"address": sample.address[:4], "number": sample.number[:8],
             "description": "问题，请及时", "nothing": "无此地址无此描述"}
    texts: dict[str, list[float]] = {}
    dock.tabs.setCurrentIndex(dock.STAGES.index("all"))
    wait_for(lambda: not dock.model.busy)
    for _ in range(REPEATS):
        for name, word in words.items():
            def search(w=word):
                dock.search.setText(w)
                dock._apply_filter()
            texts.setdefault(name, []).append(timed(search))
            dock.search.clear()
            dock._apply_filter()
            wait_for(lambda: not dock.model.busy)
    # Scrolling: each page read as the view reaches the end of the loaded rows.
    pages = []
    for _ in range(10):
        count = dock.model.rowCount()
        began = time.perf_counter()
        dock.model.fetchMore()
        wait_for(lambda c=count: dock.model.rowCount() > c and not dock.model.busy)
        pages.append((time.perf_counter() - began) * 1000)
    wait_for(lambda: tasks.pending() == 0)
    rss = _rss_mb()
    tasks.wait(10_000)
    db.dispose()
    del app
    return {"tabs": {k: statistics.median(v) for k, v in tabs.items()},
            "text": {k: statistics.median(v) for k, v in texts.items()},
            "scroll_page_ms": statistics.median(pages), "rss_mb": rss}


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1])))
