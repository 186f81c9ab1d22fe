"""The queue's per-minute update on the GUI thread, after the user has scrolled through 100,000 rows,
and the seat's memory after scrolling 100,000 and 500,000 rows.

Once a minute the queue moves every countdown on (`CaseQueueModel.tick`) and the dock asks which
cases fell due since the last minute, merges them and recounts the tabs. Everything of that
which runs on the GUI thread is timed here: the tick with the repaint of the visible rows, the
merge of the due cases and the new tab counts. The dock runs in a child process exactly as in
the console (offscreen Qt, the task pool), on the "all" tab of the million-case city.

The user scrolls as in the console: to the bottom, where the view asks for the next page and the
model lets go of rows far above (its window is bounded). The resident memory of the process
after 100,000 and after 500,000 rows must be the same: it may not grow with the distance.

The city is the million-case benchmark city (console/bench/cities.py: built once per machine,
read through a private copy); CITY_CONSOLE_BENCH_DB names another database.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from console.bench import Figure, cities, offscreen_platform

ROWS = 100_000
FAR = 500_000
SCROLL_PAGE = 5_000   # bigger pages than a user's, only to get to 100,000 rows sooner
REPEATS = 5


def run() -> Iterator[Figure]:
    """live.queue_minute_tick_ms (all GUI-thread work of one minute), its parts, and the
    GUI-thread time of merging the largest burst of live changes the model merges."""
    url = cities.working_copy(cities.MILLION, "live-queue")
    env = dict(os.environ, QT_QPA_PLATFORM=offscreen_platform())
    done = subprocess.run([sys.executable, "-m", "console.bench.live_queue", url], env=env,
                          capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"live queue benchmark failed:\n{done.stderr[-2000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    yield "live.queue_minute_tick_ms", data["minute_ms"], "ms"
    yield "live.queue_tick_repaint_ms", data["tick_ms"], "ms"
    yield "live.queue_due_merge_ms", data["merge_ms"], "ms"
    yield "live.queue_counts_shown_ms", data["counts_ms"], "ms"
    yield "live.queue_rows_scrolled", data["rows"], "rows"
    yield "live.queue_rows_held", data["held"], "rows"
    yield "live.queue_rss_scrolled_mb_100k", data["rss_100k"], "MB"
    yield "live.queue_rss_scrolled_mb_500k", data["rss_far"], "MB"
    yield "live.queue_rows_scrolled_far", data["far"], "rows"
    yield "live.queue_due_per_minute", data["due"], "cases"
    yield f"live.queue_merge_{data['burst']}_ms", data["burst_ms"], "ms"


# --- the child: the dock itself ---------------------------------------------------------------

def _timed(box: list[float], fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`, adding the milliseconds of each call to `box`."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            box.append((time.perf_counter() - began) * 1000)
    return wrapper


def _rss_mb() -> float:
    """The process's resident memory now (Linux: /proc; elsewhere the peak, from resource)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _child(url: str) -> dict:
    from PySide6.QtCore import QEventLoop, QTimer

    from console.common.application import create_application
    from console.common.selection import Selection
    from console.live.tasks import TaskRunner
    from console.services.actor import actor_for
    from console.store.database import open_database
    from console.ui.queues.case_queue_model import MERGE_LIMIT
    from console.ui.queues.dock import QueueDock

    app = create_application(["bench"], "zh_CN")
    db = open_database(url)
    tasks = TaskRunner(db)
    with db.session() as s:
        actor = actor_for(s)
    dock = QueueDock(None, tasks=tasks, selection=Selection(), actor=actor)
    dock.resize(900, 1000)
    dock.show()
    model, table = dock.model, dock.table

    def wait_for(predicate: Callable[[], bool], timeout_s: float = 300.0) -> None:
        end = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() > end:
                raise TimeoutError("the queue did not answer")
            loop = QEventLoop()
            QTimer.singleShot(1, loop.quit)
            loop.exec()

    def quiet() -> bool:
        return tasks.idle() and not model.busy

    wait_for(lambda: dock.refs is not None and quiet())
    dock.tabs.setCurrentIndex(dock.STAGES.index("all"))
    wait_for(quiet)
    default_page, model.page_size = model.page_size, SCROLL_PAGE
    scrolled = [model.rowCount()]
    model.rowsInserted.connect(lambda _p, first, last: scrolled.__setitem__(
        0, scrolled[0] + (last - first + 1)))

    def scroll_to(rows: int) -> None:
        # As the user does: to the bottom, where the view asks for the next page.
        while scrolled[0] < rows and model.has_more():
            table.scrollToBottom()
            model.fetchMore()   # no-op when the view has already asked
            wait_for(quiet)

    scroll_to(ROWS)
    model.page_size = default_page
    rss_100k = _rss_mb()
    rows = scrolled[0]
    # The user reads somewhere in the middle of the rows held.
    table.scrollTo(model.index(model.rowCount() // 2, 0))
    wait_for(quiet)
    app.processEvents()

    merges: list[float] = []
    counts: list[float] = []
    model._merge = _timed(merges, model._merge)
    due: list[int] = []
    refresh = model.refresh_cases
    model.refresh_cases = lambda ids: (due.append(len(ids)), refresh(ids))
    dock._show_counts = _timed(counts, dock._show_counts)
    ticks, minutes, merged, counted = [], [], [], []
    for _ in range(REPEATS):
        del merges[:], counts[:]
        began = time.perf_counter()
        model.tick()
        app.processEvents()   # Qt repaints what the tick marked: the visible countdowns
        tick_ms = (time.perf_counter() - began) * 1000
        # The dock's own minute: cases that fell due since the last one, and the counts.
        dock._last_due_check = datetime.now().replace(microsecond=0) - timedelta(minutes=1)
        began = time.perf_counter()
        dock._each_minute()
        own = (time.perf_counter() - began) * 1000
        wait_for(lambda: bool(counts) and quiet())   # no merge when nothing fell due
        app.processEvents()
        ticks.append(tick_ms)
        merged.append(sum(merges))
        minutes.append(tick_ms + own + sum(merges) + sum(counts))
        counted.append(sum(counts))
    due_each_minute = list(due)
    # A burst of live changes as big as the model merges (MERGE_LIMIT), spread over the rows.
    burst = []
    held = model.rowCount()
    step = max(1, held // MERGE_LIMIT)
    ids = {model.row_at(i).id for i in range(0, held, step)}
    ids = set(list(ids)[:MERGE_LIMIT])
    for _ in range(REPEATS):
        del merges[:]
        model.refresh_cases(ids)
        wait_for(lambda: bool(merges) and quiet())
        burst.append(sum(merges))
    model.page_size = SCROLL_PAGE
    scroll_to(FAR)
    rss_far, far, held = _rss_mb(), scrolled[0], model.rowCount()
    tasks.wait(10_000)
    db.dispose()
    del app
    return {"minute_ms": statistics.median(minutes), "tick_ms": statistics.median(ticks),
            "merge_ms": statistics.median(merged), "rows": rows,
            "due": statistics.median(due_each_minute) if due_each_minute else 0,
            "burst_ms": statistics.median(burst), "burst": len(ids),
            "counts_ms": statistics.median(counted), "held": held, "rss_100k": rss_100k,
            "rss_far": rss_far, "far": far}


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1])))
