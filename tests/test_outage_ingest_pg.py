"""`serve` while PostgreSQL is away: requests are still answered from the bounded queue (503 once
it is full), the writer keeps the batch and tries again with backoff, and when the database is
back every accepted fix is written exactly once.

The writer reaches the shared test server through a loopback relay that the test cuts
(tests/outage_proxy.py); the server itself keeps running.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from console.ingest.app import create_app
from console.ingest.directory import DeviceDirectory
from console.ingest.writer import BatchWriter
from console.store.database import open_database
from console.store.models import Position
from tests.ingest_app import Client
from tests.outage_proxy import cuttable_proxy
from tests.pg_server import fresh_database, needs_pg

pytestmark = needs_pg

OK = "id=patrol-0001&lat=30.27&lon=120.15"
START = 1773050400
CAPACITY = 20


@pytest.fixture
def db():
    with fresh_database("console_outage_ingest") as url:
        database = open_database(url)
        database.test_url = url
        yield database
        database.dispose()


def stored(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Position))


def test_an_accepted_fix_survives_a_cut_and_is_written_once(db, city, qtbot):
    u = make_url(db.test_url)
    with cuttable_proxy(u.host or "localhost", u.port or 5432) as proxy:
        writer_db = open_database(u.set(host="127.0.0.1", port=proxy.port)
                                  .render_as_string(hide_password=False), upgrade=False)
        directory = DeviceDirectory()
        writer = BatchWriter(writer_db, directory, capacity=CAPACITY, window=0.01)
        client = Client(create_app(writer, directory))
        writer.start()
        try:
            sent = 0

            def send() -> int:
                nonlocal sent
                sent += 1
                return client.get(f"/?{OK}&timestamp={START + sent}").status_code
            assert [send() for _ in range(5)] == [200] * 5
            qtbot.waitUntil(lambda: writer.written == 5, timeout=5000)

            proxy.cut()
            # The first fix after the cut makes the writer fail and back off, its batch kept.
            assert send() == 200
            qtbot.waitUntil(lambda: writer.failures >= 2, timeout=10_000)
            answers = [send() for _ in range(CAPACITY + 5)]
            accepted = 5 + 1 + answers.count(200)
            # The queue fills to its bound (the failed batch, held aside, is the "plus one
            # batch" of writer.py's bound) …
            assert answers.count(200) == CAPACITY
            assert answers[-5:] == [503] * 5              # … then the phones are told to wait
            assert writer.written == 5 and stored(db) == 5

            proxy.restore()
            qtbot.waitUntil(lambda: writer.written == accepted, timeout=15_000)
            assert send() == 200                           # room again
            qtbot.waitUntil(lambda: writer.written == accepted + 1, timeout=5000)
        finally:
            lost = writer.stop(timeout=10)
            writer_db.dispose()
        assert lost == 0
        assert stored(db) == accepted + 1                  # nothing lost, nothing twice
        with db.session() as s:
            stamps = s.scalars(select(Position.at)).all()
        assert len(set(stamps)) == len(stamps)
