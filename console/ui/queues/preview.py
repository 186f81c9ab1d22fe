"""Preview the queue dock alone on a database: `python -m console.ui.queues.preview --db X`.

Handy for screenshots (`--shot queue.png`, offscreen) and for trying the workflow by hand.
"""
from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow

from console.live.feed_worker import FeedWorker
from console.live.tasks import TaskRunner
from console.services.actor import actor_for
from console.store.database import open_database
from console.common.application import create_application
from console.ui.queues.dock import QueueDock
from console.common.selection import Selection


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", default=None)
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--shot", help="save a PNG of the dock and quit")
    parser.add_argument("--delay", type=float, default=2.0)
    args = parser.parse_args(argv)
    app = create_application(sys.argv[:1], args.lang)
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    db = open_database(url)
    tasks = TaskRunner(db)
    with db.session() as s:
        actor = actor_for(s, args.user)
    window = QMainWindow()
    dock = QueueDock(window, tasks=tasks, selection=Selection(window), actor=actor)
    window.setCentralWidget(dock)
    window.resize(620, 900)
    window.show()
    feed = FeedWorker(db)
    feed.changes.connect(dock.on_feed)
    feed.start()
    if args.shot:
        QTimer.singleShot(int(args.delay * 1000), lambda: (window.grab().save(args.shot),
                                                           app.quit()))
    code = app.exec()
    feed.stop()
    tasks.wait(5000)
    db.dispose()
    return code


if __name__ == "__main__":
    sys.exit(main())
