"""serve's SQLite checkpoints: never inside a commit of serve's connections, always by the
Checkpointer's thread (console/ingest/checkpoint.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from console.ingest.checkpoint import Checkpointer, no_automatic_checkpoints
from console.services.intake import IntakeFix, write_fixes
from console.store.database import open_database
from console.store.models import Device, PatrolOfficer


def _city(db) -> None:
    with db.transaction() as s:
        officer = PatrolOfficer(code="C1", name="甲", active=True)
        s.add(officer)
        s.flush()
        s.add(Device(unique_id="phone", patrol_officer_id=officer.id, active=True))


def test_serve_connections_leave_checkpoints_to_the_thread(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    db = open_database(url)
    _city(db)
    no_automatic_checkpoints(db)
    with db.session() as s:
        assert s.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
    main_file = tmp_path / "c.db"
    before = main_file.stat().st_size
    # Past the default mark of 1,000 pages: an automatic checkpoint would have copied pages
    # into the database file by now, and grown it.
    at = datetime(2026, 5, 1, 8, 0, 0)
    for batch in range(40):
        with db.transaction() as s:
            write_fixes(s, [IntakeFix("phone", at, 30.0 + i * 1e-6, 120.0, extras={"pad": "x" * 200})
                            for i in range(batch * 200, batch * 200 + 200)])
    assert (tmp_path / "c.db-wal").stat().st_size > 1000 * 4096
    assert main_file.stat().st_size == before
    checkpointer = Checkpointer(url, every=3600)     # only the final round runs here
    checkpointer.start()
    checkpointer.stop()
    assert main_file.stat().st_size > before + 500 * 4096     # the pages copied back
    db.dispose()


def test_checkpointer_is_a_no_op_beside_postgresql():
    checkpointer = Checkpointer("postgresql+psycopg2://u@localhost/x")
    checkpointer.start()
    checkpointer.stop()
    assert checkpointer.path is None
