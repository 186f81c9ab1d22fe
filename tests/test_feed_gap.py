"""A seat that slept longer than the feed is kept: its next read finds the rows after its last
sequence pruned, says so (`FeedBatch.resync`), and the window reads every view again."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from console.ingest.pruner import prune_once
from console.live.feed_worker import FeedWorker
from console.store import feed
from console.store.models import FeedCounter
from tests.test_feed_worker import add_cell, report_case
from tests.test_main_window import english, make_window  # noqa: F401  (fixtures)

A_WEEK_AND_A_DAY_LATER = timedelta(days=8)      # feed_keep_days is 7


def seq_now(db) -> int:
    with db.session() as s:
        return feed.current_seq(s)


def read(db, since: int) -> feed.FeedBatch:
    with db.session() as s:
        return feed.changes_since(s, since)


def test_a_read_after_its_rows_were_pruned_asks_for_a_resync(db):
    add_cell(db)
    report_case(db)
    since = seq_now(db)                 # the seat's last read, then it sleeps
    missed = report_case(db)
    assert [r.entity_id for r in read(db, since).rows] == [missed.case_id]   # not pruned yet
    _rows, feed_rows = prune_once(db, datetime.now() + A_WEEK_AND_A_DAY_LATER)
    assert feed_rows >= 2
    after = report_case(db)
    batch = read(db, since)
    assert batch.resync and batch.rows == [] and batch.seq == seq_now(db)
    # A seat that had read everything pruned misses nothing: plain rows, no resync.
    up_to_date = read(db, batch.seq - 1)
    assert not up_to_date.resync and [r.entity_id for r in up_to_date.rows] == [after.case_id]


def test_sequences_without_feed_rows_are_not_a_gap(db):
    """Position-only transactions take a sequence and write no feed row: after a prune, the
    oldest kept row lies far above a reader that is fully up to date."""
    add_cell(db)
    report_case(db)
    prune_once(db, datetime.now() + A_WEEK_AND_A_DAY_LATER)
    since = seq_now(db)
    with db.transaction() as s:     # five transactions that moved positions only
        s.execute(update(FeedCounter).where(FeedCounter.id == 1)
                  .values(value=FeedCounter.value + 5))
    new = report_case(db)
    batch = read(db, since)
    assert not batch.resync and [r.entity_id for r in batch.rows] == [new.case_id]


def test_the_window_reads_everything_again_and_says_so(db, make_window, qtbot,  # noqa: F811
                                                       monkeypatch):
    add_cell(db)
    window = make_window()
    since = seq_now(db)
    report_case(db)                 # while the seat sleeps …
    prune_once(db, datetime.now() + A_WEEK_AND_A_DAY_LATER)     # … longer than the feed is kept
    report_case(db)
    reloaded = []
    monkeypatch.setattr(window.queue_dock, "reload", lambda: reloaded.append("queues"))
    monkeypatch.setattr(window.alerts_dock, "reload", lambda: reloaded.append("alerts"))
    monkeypatch.setattr(window.map_widget.live, "refresh_cases", lambda: reloaded.append("map"))
    worker = FeedWorker(db, interval_ms=50, since=since)        # the seat wakes up
    window.attach_feed(worker)
    batches = []
    worker.changes.connect(lambda b: batches.append(b))
    worker.start()
    try:
        qtbot.waitUntil(lambda: bool(batches), timeout=5000)
        assert batches[0].resync and worker.seq == seq_now(db)
        assert sorted(reloaded) == ["alerts", "map", "queues"]
        assert "read again in full" in window.status.currentMessage()
    finally:
        assert worker.stop()
