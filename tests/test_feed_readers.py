"""The feed is pruned below what every running seat has read, never past a seat that lags, and
after feed_keep_days whoever still holds it (that seat reloads in full). SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from console.ingest.pruner import prune_once
from console.live.feed_worker import FeedWorker
from console.store import feed, feed_readers
from console.store.database import open_database
from console.store.models import ChangeFeed, FeedReader
from tests.pg_server import PG_URL, fresh_database
from tests.test_feed_worker import add_cell, report_case

SOON = timedelta(hours=1)                 # past the readers' window (ACTIVE_S), within a week
A_WEEK_AND_A_DAY = timedelta(days=8)      # feed_keep_days is 7


@pytest.fixture(params=["sqlite", "postgresql"])
def anydb(request, tmp_path):
    if request.param == "sqlite":
        db = open_database(f"sqlite:///{tmp_path / 'feed.db'}")
        yield db
        db.dispose()
        return
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("feed_readers") as url:
        db = open_database(url)
        yield db
        db.dispose()


def seq_now(db) -> int:
    with db.session() as s:
        return feed.current_seq(s)


def read(db, since: int) -> feed.FeedBatch:
    with db.session() as s:
        return feed.changes_since(s, since)


def beat(db, reader: str, seq: int, at: datetime) -> None:
    with db.transaction() as s:
        feed_readers.heartbeat(s, reader, "seat", seq, at)


def test_a_lagging_seat_is_never_pruned_past_even_with_writes_between_chunks(anydb):
    add_cell(anydb)
    for _ in range(3):
        report_case(anydb)
    lagging = seq_now(anydb)
    beat(anydb, "lagging", lagging, datetime.now() + SOON)       # seen lately, behind
    missed = [report_case(anydb).case_id for _ in range(4)]
    beat(anydb, "ahead", seq_now(anydb), datetime.now() + SOON)
    arrived = []

    def between() -> None:
        # A write and a heartbeat slip in between the pruner's chunks: neither lets it past.
        arrived.append(report_case(anydb).case_id)
        beat(anydb, "lagging", lagging, datetime.now() + SOON)
    _, pruned = prune_once(anydb, datetime.now() + SOON, chunk=1, between=between)
    assert pruned >= 3          # the rows every seat had read went, one transaction per chunk
    batch = read(anydb, lagging)
    assert not batch.resync
    assert [r.entity_id for r in batch.rows if r.entity == "case"] == missed + arrived
    with anydb.session() as s:  # nothing at or below the lagging seat's sequence is kept
        assert s.scalar(select(ChangeFeed.seq).order_by(ChangeFeed.seq).limit(1)) > lagging


def test_a_seat_gone_longer_than_the_window_holds_nothing_and_reloads_in_full(anydb):
    add_cell(anydb)
    report_case(anydb)
    since = seq_now(anydb)
    beat(anydb, "gone", since, datetime.now())      # last seen now: an hour later, long gone
    report_case(anydb)
    _, pruned = prune_once(anydb, datetime.now() + SOON)
    assert pruned >= 2
    batch = read(anydb, since)
    assert batch.resync and batch.rows == [] and batch.seq == seq_now(anydb)


def test_feed_keep_days_bounds_a_seat_stuck_on_an_old_sequence(anydb):
    add_cell(anydb)
    report_case(anydb)
    stuck = seq_now(anydb)
    report_case(anydb)
    later = datetime.now() + A_WEEK_AND_A_DAY
    beat(anydb, "stuck", stuck, later)       # still beating, never reading on
    prune_once(anydb, later)
    assert read(anydb, stuck).resync
    # A reader not seen for feed_keep_days is forgotten altogether.
    beat(anydb, "stuck", stuck, datetime.now())
    prune_once(anydb, later)
    with anydb.session() as s:
        assert s.scalar(select(FeedReader.id)) is None


def test_a_seats_sequence_only_moves_forward(anydb):
    beat(anydb, "seat", 10, datetime.now())
    beat(anydb, "seat", 7, datetime.now())      # a late, older heartbeat
    with anydb.session() as s:
        assert s.get(FeedReader, "seat").seq == 10
        assert feed_readers.lowest_needed(s, datetime.now()) == 10


def test_the_feed_worker_says_how_far_it_has_read_and_lets_go_when_it_stops(db, qtbot):
    add_cell(db)
    worker = FeedWorker(db, interval_ms=20)
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.seq is not None, timeout=5000)
        start = worker.seq

        def recorded() -> int | None:
            with db.session() as s:
                return s.scalar(select(FeedReader.seq))
        qtbot.waitUntil(lambda: recorded() == start, timeout=5000)
    finally:
        worker.stop()
    with db.session() as s:
        assert s.scalar(select(FeedReader.id)) is None
