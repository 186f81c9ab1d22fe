"""Preview the map alone: `python -m console.map [--db URL]`.

Without --db a small demo city (400 cells, its patrols walking) is built in a temporary
folder, so the map can be looked at and clicked without the rest of the console.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console.map")
    parser.add_argument("--db", help="a database URL or SQLite file (default: a fresh demo city)")
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args(argv)
    import console.map.widget  # noqa: F401 — QtWebEngine before the QApplication
    from console.live.feed_worker import FeedWorker
    from console.live.tasks import TaskRunner
    from console.map.widget import MapWidget
    from console.sim.demo import build_demo
    from console.sim.simulator import Simulator
    from console.store.database import open_database
    from console.common.application import create_application
    from console.common.seat_settings import SeatSettings
    from console.common.selection import Selection
    app = create_application(sys.argv[:1], args.lang)
    with tempfile.TemporaryDirectory(prefix="console-map-") as tmp:
        url = args.db if args.db and "://" in args.db else \
            f"sqlite:///{args.db or Path(tmp) / 'preview.db'}"
        db = open_database(url)
        simulator = None
        if not args.db:
            build_demo(db, seed=1, cells=400, cases=600)
            simulator = Simulator(db, seed=1, speed=10)
            simulator.start()
        tasks = TaskRunner(db)
        selection = Selection()
        widget = MapWidget(tasks, SeatSettings.open(), selection)
        for name in ("cell_selected", "case_selected", "patrol_selected", "report_here"):
            getattr(selection, name).connect(lambda *a, n=name: print(n, *a))
        feed = FeedWorker(db)
        feed.changes.connect(widget.apply_feed)
        feed.start()
        widget.resize(1280, 800)
        widget.show()
        code = app.exec()
        if simulator is not None:
            simulator.stop()
        feed.stop()
        tasks.wait(10_000)
        db.dispose()
    return code


if __name__ == "__main__":
    sys.exit(main())
