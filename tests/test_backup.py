"""Backup while the simulator writes, restore into a database that opens, agrees with itself
and whose audit chain verifies; restore refuses what it must."""
from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from console.cli import main
from console.sim.demo import build_demo
from console.sim.simulator import SimCore
from console.store import audit, feed, migrations
from console.store.backup import BackupError, backup, restore
from console.store.database import open_database
from console.store.models import Case, CaseEvent, ChangeFeed

T0 = datetime(2026, 11, 23, 9, 0)


@pytest.fixture
def demo_db(db):
    build_demo(db, seed=3, cells=300, cases=800, now=T0)
    return db


class Writer:
    """The simulator on its own thread, ticking as fast as it can until stopped; `ticked` is set
    after its first ticks so a backup surely overlaps its writes."""

    def __init__(self, db) -> None:
        self.core = SimCore(db, seed=3, speed=50)
        self.stop, self.ticked, self.error = threading.Event(), threading.Event(), None
        self.ticks = 0
        self.thread = threading.Thread(target=self.run, name="sim-writer")

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.core.tick(T0 + timedelta(seconds=10 * self.ticks))
                self.ticks += 1
                if self.ticks == 20:
                    self.ticked.set()
        except Exception as exc:   # reported to the test
            self.error = exc
            self.ticked.set()

    def __enter__(self):
        self.thread.start()
        assert self.ticked.wait(120) and self.error is None, self.error
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(60)


def check_consistent(url: str) -> None:
    """The restored database opens; its cases, events and feed agree; the chains verify."""
    db = open_database(url)
    try:
        with db.session() as s:
            last_event = (select(CaseEvent.case_id, func.max(CaseEvent.chain_seq).label("seq"))
                          .group_by(CaseEvent.case_id).subquery())
            pairs = s.execute(select(Case.status, CaseEvent.to_status)
                              .join(last_event, last_event.c.case_id == Case.id)
                              .join(CaseEvent, CaseEvent.chain_seq == last_event.c.seq)).all()
            cases = s.scalar(select(func.count()).select_from(Case))
            assert len(pairs) == cases > 0
            assert all(status == to for status, to in pairs)
            newest = s.scalar(select(func.max(ChangeFeed.seq)))
            assert feed.current_seq(s) >= newest
            assert feed.changes_since(s, feed.current_seq(s)).empty
        report = audit.verify(db.engine)
        assert report.ok, report.first_break
    finally:
        db.dispose()


def test_backup_while_the_simulator_writes_restores_to_a_consistent_database(demo_db, tmp_path):
    source = demo_db.engine.url.database
    with Writer(demo_db) as writer:
        info = backup(f"sqlite:///{source}", tmp_path / "b1.db")
        taken = writer.ticks
        writer.stop.set()
    assert writer.error is None and taken >= 20
    with demo_db.session() as s:
        live_seq = feed.current_seq(s)
    copy = sqlite3.connect(info.path)
    backup_seq = copy.execute("SELECT value FROM feed_counter").fetchone()[0]
    copy.close()
    assert 0 < backup_seq <= live_seq     # a state of the running city, taken mid-run
    assert info.revision == migrations.head_revision() and info.size > 0
    target = tmp_path / "restored.db"
    assert main(["restore", "--from", str(info.path), "--db", str(target)]) == 0
    check_consistent(f"sqlite:///{target}")


def test_restore_refuses_a_database_with_data_without_force(demo_db, tmp_path, capsys):
    path = tmp_path / "b.db"
    assert main(["backup", "--db", str(demo_db.engine.url.database), "--to", str(path)]) == 0
    other = tmp_path / "other.db"
    open_database(f"sqlite:///{other}").dispose()     # seeded: holds categories
    assert main(["restore", "--from", str(path), "--db", str(other)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["restore", "--from", str(path), "--db", str(other), "--force"]) == 0
    check_consistent(f"sqlite:///{other}")


def test_restore_refuses_a_schema_it_does_not_know(tmp_path):
    path = tmp_path / "future.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
    con.execute("INSERT INTO alembic_version VALUES ('9999')")
    con.commit()
    con.close()
    with pytest.raises(BackupError, match="9999"):
        restore(path, f"sqlite:///{tmp_path / 'new.db'}")
    (tmp_path / "text.db").write_text("not a backup")
    with pytest.raises(BackupError, match="neither"):
        restore(tmp_path / "text.db", f"sqlite:///{tmp_path / 'new.db'}")


def test_without_pg_dump_the_message_says_what_to_install(monkeypatch):
    import shutil
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(BackupError, match="pg_dump is not installed.*postgresql-client"):
        backup("postgresql+psycopg2://u@127.0.0.1:1/x", Path("/tmp/never.dump"))
