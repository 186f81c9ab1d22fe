"""A seat's share of PostgreSQL: a few connections, named after it, and no wait without end."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from console.common.messages import ERROR_TEXTS
from console.domain.errors import DomainError
from console.live.feed_worker import FeedWorker
from console.store import database
from console.store.database import open_database
from tests.pg_server import fresh_database, needs_pg
from tests.test_feed_worker import add_cell, report_case

pytestmark = needs_pg

LOCK_TIMEOUT_MS = 400


@pytest.fixture
def seat(monkeypatch):
    """A seat database with its own application_name and a short lock timeout; `url` for others."""
    name = f"seat-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("CITY_CONSOLE_APPLICATION_NAME", name)
    monkeypatch.setattr(database, "PG_LOCK_TIMEOUT_MS", LOCK_TIMEOUT_MS)
    with fresh_database("console_budget") as url:
        db = open_database(url)
        db.app_name, db.raw_url = name, url
        add_cell(db)
        try:
            yield db
        finally:
            db.dispose()


def test_a_lock_held_elsewhere_ends_the_write_with_a_refusal_not_a_hang(seat):
    other = create_engine(seat.raw_url)
    try:
        with other.connect() as holder:
            # Another program holds the feed counter, which every write takes at commit.
            holder.execute(text("SELECT value FROM feed_counter WHERE id = 1 FOR UPDATE"))
            outcome: list[BaseException | None] = []

            def write() -> None:
                try:
                    report_case(seat)
                    outcome.append(None)
                except BaseException as exc:   # noqa: BLE001 — the test judges it
                    outcome.append(exc)
            started = time.monotonic()
            t = threading.Thread(target=write)
            t.start()
            t.join(timeout=20)
            elapsed = time.monotonic() - started
            assert not t.is_alive(), "the write hung behind the lock"
            holder.rollback()
    finally:
        other.dispose()
    [exc] = outcome
    assert isinstance(exc, DomainError) and exc.code == "db_lock_timeout"
    assert exc.params["seconds"] == "0.4"
    assert "db_lock_timeout" in ERROR_TEXTS
    assert elapsed < 10   # the lock timeout, not a statement timeout or a pool wait
    report_case(seat)     # the lock gone, the seat writes again on the same pool


def test_a_seat_opens_at_most_its_pool_and_one_listener(seat, qtbot):
    budget = database.PG_POOL_SIZE + 1
    worker = FeedWorker(seat, interval_ms=50)
    worker.start()
    counts: list[int] = []
    errors: list[BaseException] = []
    gate = threading.Barrier(database.PG_POOL_SIZE, timeout=20)

    def busy() -> None:
        # Every thread wants a connection at once; those holding one wait for each other, so
        # the pool is full when they count.
        try:
            with seat.transaction() as s:
                gate.wait()
                counts.append(s.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE :n"),
                    {"n": f"{seat.app_name}%"}).scalar_one())
        except BaseException as exc:   # noqa: BLE001
            errors.append(exc)
    try:
        qtbot.waitUntil(lambda: worker.seq is not None, timeout=5000)
        threads = [threading.Thread(target=busy) for _ in range(3 * database.PG_POOL_SIZE)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors
        assert len(counts) == len(threads)
        # Pool full and the listener connected: exactly the budget, never more.
        assert max(counts) == budget, counts
    finally:
        assert worker.stop()
