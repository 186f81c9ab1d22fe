"""The test PostgreSQL server: CITY_CONSOLE_TEST_PG_URL names a database the tests may create
others from (`.ci/run` starts a local server and sets it); without it, PostgreSQL tests skip."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("CITY_CONSOLE_TEST_PG_URL")
needs_pg = pytest.mark.skipif(not PG_URL, reason="CITY_CONSOLE_TEST_PG_URL is not set")


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """A new, empty database on the test server (its URL, password included), dropped after."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        # FORCE also ends an autovacuum worker still inside; that needs pg_signal_backend,
        # which .ci/run grants the test role (PostgreSQL 15).
        with admin.connect() as con:
            con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def each_database(kind: str, tmp_path, prefix: str):
    """A migrated database of `kind`: "sqlite" (a file in tmp_path) or "postgresql" (a fresh
    one on the test server; the test skips without one). For fixtures parametrised over both."""
    from console.store.database import open_database
    if kind == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
        try:
            yield database
        finally:
            database.dispose()
        return
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database(prefix) as url:
        database = open_database(url)
        try:
            yield database
        finally:
            database.dispose()
