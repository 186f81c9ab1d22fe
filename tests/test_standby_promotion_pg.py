"""A real failover: a primary and its streaming standby (two local clusters, tests/standby_pair.py),
a seat (its services and feed worker) and serve's intake writer on the multi-host URL with
target_session_attrs=read-write. The primary stops, the standby is promoted; the seat and the
writer reach the new primary by themselves, and nothing entered before, during or after is lost.

It takes 10-20 s (two clusters made with initdb and pg_basebackup), so it runs with the other
PostgreSQL tests when the machine can make clusters (root, PostgreSQL 15's binaries) and skips
otherwise; it is marked `standby` so `-m "not standby"` leaves it out. docs/deployment.md gives
the same commands for a centre.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from console.ingest.app import create_app
from console.ingest.directory import DeviceDirectory
from console.ingest.writer import BatchWriter
from console.live.feed_worker import FeedWorker
from console.services.actor import actor_for
from console.store.database import open_database
from console.store.models import Case, Position
from tests.ingest_app import Client
from tests.pg_server import needs_pg
from tests.service_city import report
from tests.standby_pair import available, standby_pair
from tests.test_feed_worker import Recorder

pytestmark = [pytest.mark.standby, needs_pg,
              pytest.mark.skipif(available() is not None, reason=available() or "")]
START = 1773050400
OK = "id=patrol-0001&lat=30.27&lon=120.15"


@pytest.fixture
def pair():
    with standby_pair() as made:
        yield made


@pytest.fixture
def db(pair):
    database = open_database(pair.url())
    yield database
    database.dispose()


def _report(db) -> int:
    with db.session() as s:
        actor = actor_for(s)
    return report(db, actor).case_id


def test_seats_and_serve_reach_the_promoted_standby_and_nothing_is_lost(pair, db, city, qtbot):
    writer_db = open_database(pair.url(), upgrade=False)
    directory = DeviceDirectory()
    writer = BatchWriter(writer_db, directory, window=0.01)
    client = Client(create_app(writer, directory))
    seat = FeedWorker(db, interval_ms=50)
    seen = Recorder(seat)
    back = []
    seat.connection_back.connect(lambda: back.append(True))
    sent = 0

    def send() -> int:
        nonlocal sent
        sent += 1
        return client.get(f"/?{OK}&timestamp={START + sent}").status_code

    def cases_seen() -> set[int]:
        return {r.entity_id for b in seen.batches for r in b.rows if r.entity == "case"}
    writer.start()
    seat.start()
    try:
        qtbot.waitUntil(lambda: seat.seq is not None, timeout=10_000)
        before = [_report(db) for _ in range(2)]
        assert [send() for _ in range(5)] == [200] * 5
        qtbot.waitUntil(lambda: writer.written == 5 and set(before) <= cases_seen(), timeout=10_000)
        qtbot.waitUntil(pair.streaming, timeout=30_000)
        qtbot.waitUntil(pair.caught_up, timeout=30_000)

        pair.primary.ctl("stop", "-m", "fast")     # the primary goes: its last WAL is shipped
        during = [send() for _ in range(5)]        # the phones go on reporting meanwhile
        assert during == [200] * 5                 # held in serve's bounded queue
        qtbot.waitUntil(lambda: writer.failures >= 1, timeout=15_000)
        pair.standby.ctl("promote")

        qtbot.waitUntil(lambda: writer.written == 10, timeout=30_000)
        after = _report(db)                        # the seat writes to the new primary
        assert [send() for _ in range(5)] == [200] * 5
        qtbot.waitUntil(lambda: writer.written == 15, timeout=15_000)
        qtbot.waitUntil(lambda: after in cases_seen(), timeout=15_000)
        assert back                                # the seat said it was back
    finally:
        lost = writer.stop(timeout=10)
        seat.stop()
        writer_db.dispose()
    assert lost == 0
    assert pair.standby.sql("SELECT pg_is_in_recovery()") == "f"
    with db.session() as s:                       # every fix and case, each once
        assert s.scalar(select(func.count()).select_from(Position)) == 15
        assert {c for c in s.scalars(select(Case.id))} >= {*before, after}
