"""wall.frame_ms: one refresh of the wall display on the GUI thread, the simulator running.

A demo city (5,000 cells, 30,000 cases, built in a temporary folder: the simulator writes) with
the live simulator at speed 10; the wall reads its figures on the task runner and the GUI
thread pays only for putting them on screen (`WallView.show_live`), which is what is timed —
wall-clock and the GUI thread's own CPU time — over REFRESHES refreshes, after the one that
first fills the labels. The map is left out: its live updates are `bench live-map`'s figures.
"""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from collections.abc import Iterator
from pathlib import Path

from console.bench import Figure

REFRESHES = 40
CELLS, CASES = 5_000, 30_000


def run() -> Iterator[Figure]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from console.bench.map import _wait
    from console.common.application import create_application
    from console.live.tasks import TaskRunner
    from console.sim.demo import build_demo
    from console.sim.simulator import Simulator
    from console.store.database import open_database
    from console.ui.wall.wall_view import WallView
    folder = Path(tempfile.mkdtemp(prefix="bench-wall-"))
    db = open_database(f"sqlite:///{folder / 'city.db'}")
    sim = view = tasks = None
    try:
        build_demo(db, seed=3, cells=CELLS, cases=CASES)
        app = create_application(["bench"], "zh_CN")
        tasks = TaskRunner(db)
        sim = Simulator(db, seed=3, speed=10.0)
        sim.start()
        view = WallView(tasks)
        view.resize(1920, 1080)
        view.show()
        for _ in range(REFRESHES + 1):
            done = len(view.frame_ms) + 1
            view.refresh_live()
            if not _wait(app, lambda d=done: len(view.frame_ms) >= d, 60):
                raise RuntimeError("the wall's figures did not come back within a minute")
        walls, cpus = view.frame_ms[1:], view.frame_cpu_ms[1:]
    finally:
        if sim is not None:
            sim.stop()
        if tasks is not None:
            tasks.wait(30_000)
        if view is not None:
            view.close()
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    yield "wall.frame_ms", statistics.median(walls), "ms"
    yield "wall.frame_max_ms", max(walls), "ms"
    yield "wall.frame_cpu_ms", statistics.median(cpus), "ms"
