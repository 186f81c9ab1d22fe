"""The daily backup: once a day whoever runs it, the oldest beyond the retention deleted, the
outcome kept for the administrator's status."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

from console.ingest.backup_task import DailyBackup
from console.services import backups, settings
from console.services.actor import actor_for
from console.store import audit
from console.store.database import open_database

DAY = datetime(2026, 11, 30, 2, 0)


def test_one_backup_a_day_and_the_retention(db, tmp_path):
    folder = tmp_path / "bk"
    with db.transaction() as s:
        settings.set_setting(s, actor_for(s, "admin"), "backup_folder", str(folder), DAY)
        settings.set_setting(s, actor_for(s, "admin"), "backup_keep", 2, DAY)
    with db.session() as s:
        assert backups.last_backup(s) is None
    first = backups.run_daily(db, DAY, tmp_path)
    assert first is not None and first.error is None and first.size > 0
    assert backups.run_daily(db, DAY + timedelta(hours=3), tmp_path) is None   # done today
    for day in (1, 2, 3):
        assert backups.run_daily(db, DAY + timedelta(days=day), tmp_path) is not None
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == ["city-20261202-020000.db", "city-20261203-020000.db"]
    with db.session() as s:
        last = backups.last_backup(s)
    assert last.at == DAY + timedelta(days=3) and last.path.endswith(kept[-1]) and last.error is None
    restored = open_database(f"sqlite:///{folder / kept[-1]}")
    try:
        assert audit.verify(restored.engine).ok
    finally:
        restored.dispose()


def test_a_failed_backup_is_recorded_with_its_reason(db, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with db.transaction() as s:
        settings.set_setting(s, actor_for(s, "admin"), "backup_folder", str(blocker / "sub"), DAY)
    status = backups.run_daily(db, DAY, tmp_path)
    assert status.error
    with db.session() as s:
        assert backups.last_backup(s).error == status.error


def test_serve_task_runs_at_start_and_stops(db, tmp_path):
    done = threading.Event()
    with db.transaction() as s:
        settings.set_setting(s, actor_for(s, "admin"), "backup_folder", str(tmp_path / "bk"), DAY)

    def clock() -> datetime:
        done.set()
        return DAY
    task = DailyBackup(db, tmp_path, clock=clock, every_s=3600)
    task.start()
    assert done.wait(30)
    task.stop()
    assert list((tmp_path / "bk").glob("city-*.db"))


def test_the_status_bar_tooltip_tells_the_last_backup(qtbot):
    from console.ui.status_bar import ConsoleStatusBar
    bar = ConsoleStatusBar()
    qtbot.addWidget(bar)
    bar.set_backup(None)
    assert "No daily backup yet" in bar.db_label.toolTip()
    bar.set_backup(backups.BackupStatus(DAY, "/b/city-20261130-020000.db", 12_300_000, None))
    assert "city-20261130-020000.db (12.3 MB)" in bar.db_label.toolTip()
    bar.set_backup(backups.BackupStatus(DAY, "", 0, "disk full"))
    assert "disk full" in bar.db_label.toolTip()
