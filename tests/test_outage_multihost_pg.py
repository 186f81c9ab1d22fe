"""A multi-host URL for a primary and its standby: seats and `serve` build their engine (and the
feed listener its connection) from it, and libpq skips a host that does not answer or is not
writable (`target_session_attrs=read-write`), so after a promotion they reach the new primary.

Here the first host is a closed loopback port and the second the test server, which is a
primary: the connection must land on it. docs/deployment.md names the form used.
"""
from __future__ import annotations

import socket

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from console.store import notify
from console.store.database import make_engine
from tests.pg_server import PG_URL, needs_pg

pytestmark = needs_pg


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]   # nothing listens there once the socket is closed


def urls() -> list[str]:
    if not PG_URL:
        return ["unused"]   # collected then skipped (needs_pg): no PostgreSQL to point at
    u = make_url(PG_URL)
    host, port, dead = u.host or "localhost", u.port or 5432, closed_port()
    auth = f"{u.username}:{u.password}@" if u.password else f"{u.username}@"
    base = f"postgresql+psycopg2://{auth}/{u.database}?target_session_attrs=read-write"
    return [f"{base}&host=127.0.0.1:{dead}&host={host}:{port}",       # SQLAlchemy's form
            f"{base}&host=127.0.0.1,{host}&port={dead},{port}"]       # libpq's own lists


@pytest.mark.parametrize("url", urls())
def test_a_multi_host_url_reaches_the_writable_host(url):
    engine = make_engine(url)
    try:
        with engine.connect() as con:
            in_recovery = con.execute(text("SELECT pg_is_in_recovery()")).scalar_one()
            assert in_recovery is False
        listener = notify.FeedListener.open(engine, "test")
        assert listener is not None and listener.connected
        listener.close()
    finally:
        engine.dispose()
