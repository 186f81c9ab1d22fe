"""A feed listener whose connection dies while the seat is idle (a primary stopped for a
failover, a server restart) waits out its pause without raising and reconnects. (The failover
test, tests/test_standby_promotion_pg.py, is where a wait once handed select() the connection
it had just dropped and ended the seat's feed thread; this order of events does not reach it.)"""
from __future__ import annotations

import select

import pytest
from sqlalchemy import create_engine, text

from console.store import notify
from console.store.database import open_database
from tests.pg_server import PG_URL, fresh_database, needs_pg

pytestmark = needs_pg


@pytest.fixture
def pg():
    with fresh_database("listener_lost") as url:
        db = open_database(url)
        yield db
        db.dispose()


def test_a_listener_whose_connection_was_killed_waits_and_reconnects(pg, monkeypatch):
    listener = notify.FeedListener.open(pg.engine, "test")
    try:
        assert listener.connected
        pid = listener._conn.get_backend_pid()
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as con:
            assert con.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
        admin.dispose()
        assert select.select([listener._conn], [], [], 5)[0]     # the server's goodbye
        for _ in range(3):                          # no exception: a pause, then None
            assert listener.wait(0.05) is None
        assert not listener.connected
        monkeypatch.setattr(notify, "RECONNECT_EVERY_S", 0.0)
        listener._retry_at = 0.0                    # the reconnect delay is not under test
        assert listener.wait(0.05) is None
        assert listener.connected                   # back, listening again
        with pg.engine.begin() as con:
            con.execute(text(f"NOTIFY {notify.CHANNEL}, '42'"))
        assert listener.wait(5) == 42
    finally:
        listener.close()
