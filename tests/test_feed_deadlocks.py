"""Two seats acting on the same rows at the same moment on PostgreSQL: no deadlock, one outcome.

The feed counter is the last lock a transaction takes (store/feed.py), so a service that locks
several rows cannot hold the counter while it waits for a row another seat holds. Each pair ran
into a deadlock when the counter was taken at the first feed record: acknowledging [a, b]
against [b] in 36 of 60 rounds, merging a duplicate against a note on its case in 1 of 60.
The alert engine's pass against acknowledging its alerts deadlocked while it wrote them in its
plan's order. Threads are released together by a barrier, 40 rounds each.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from console.domain.errors import DomainError, StaleVersion
from console.services import alert_actions, cases, hotline
from console.services.alert_writes import write_plan
from console.store import alert_queries, retry
from console.store.database import open_database
from console.store.models import Alert, Case, ChangeFeed
from tests.pg_server import fresh_database, needs_pg
from tests.service_city import GARBAGE, MON
from tests.test_alert_write_order import against_id_order, new_alerts

pytestmark = needs_pg
ROUNDS = 40


@pytest.fixture
def db():
    """A PostgreSQL database (the `city` fixture builds on it); `other` is a second seat."""
    with fresh_database("console_deadlock") as url:
        database = open_database(url)
        database.other = open_database(url)
        try:
            yield database
        finally:
            database.other.dispose()
            database.dispose()


def race(*jobs: Callable[[], object]) -> list[object]:
    """Run the jobs on threads released together; each result is its value or its exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int, job: Callable[[], object]) -> None:
        barrier.wait(timeout=30)
        try:
            results[i] = job()
        except Exception as exc:   # noqa: BLE001 — the test judges every outcome
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    for r in results:
        assert not isinstance(r, DBAPIError), f"database error escaped: {r}"
    return results


def _new_alerts(db, n: int, at) -> list[int]:
    with db.transaction() as s:
        rows = [{"kind": "new_urgent", "severity": "warning", "subject_type": "case",
                 "subject_id": 1, "params": {}, "raised_at": at, "level": 0,
                 "open_key": f"test:{at.isoformat()}:{i}"} for i in range(n)]
        return sorted(alert_id for alert_id, _ in alert_queries.insert_alerts(s, rows))


def test_acknowledging_overlapping_alerts_never_deadlocks(db, city):
    for i in range(ROUNDS):
        at = MON + timedelta(minutes=i)
        a, b = _new_alerts(db, 2, at)

        def both():
            with db.transaction() as s:
                return alert_actions.acknowledge(s, city.dispatcher, [a, b], at=at)

        def one():
            with db.other.transaction() as s:
                return alert_actions.acknowledge(s, city.leader, [b], at=at)

        first, second = race(both, one)
        assert first in ([a, b], [a])
        if first == [a, b]:
            assert isinstance(second, DomainError) and second.code == "alert_already_acknowledged"
        else:
            assert second == [b]
        with db.session() as s:
            acked = s.execute(select(Alert.id, Alert.acknowledged_by).where(Alert.id.in_([a, b]))
                              .order_by(Alert.id)).all()
            rows = s.execute(select(ChangeFeed.entity_id, func.count()).where(
                ChangeFeed.entity == "alert", ChangeFeed.entity_id.in_([a, b]),
                ChangeFeed.action == "acknowledged").group_by(ChangeFeed.entity_id)).all()
        by = city.dispatcher.user_id if first == [a, b] else city.leader.user_id
        assert acked == [(a, city.dispatcher.user_id), (b, by)]
        assert sorted(rows) == [(a, 1), (b, 1)]     # one feed row per acknowledgement


def test_an_alert_pass_never_deadlocks_against_acknowledging_its_alerts(db, city):
    """The engine's pass resolves b and updates and escalates a (its plan lists them so) while
    a seat acknowledges [a, b]: both lock in id order, so both go through."""
    for i in range(ROUNDS):
        at = MON + timedelta(minutes=i)
        a, b = new_alerts(db, 2, at)

        def engine():
            with db.transaction() as s:
                return write_plan(s, against_id_order(a, b), at)

        def acknowledge():
            with db.other.transaction() as s:
                return alert_actions.acknowledge(s, city.dispatcher, [a.id, b.id], at=at)

        written, acked = race(engine, acknowledge)
        assert acked == [a.id, b.id]
        assert [x.id for x in written.resolved] == [b.id]
        assert [x.id for x, _ in written.escalated] == [a.id]
        with db.session() as s:
            rows = s.execute(select(Alert.params, Alert.level, Alert.resolved_at,
                                    Alert.acknowledged_at).where(Alert.id.in_([a.id, b.id]))
                             .order_by(Alert.id)).all()
        assert [(r.params, r.level, r.resolved_at is None, r.acknowledged_at)
                for r in rows] == [({"count": 2}, 1, True, at), ({}, 0, False, at)]


def test_merging_a_duplicate_against_a_note_never_deadlocks(db, city):
    for i in range(ROUNDS):
        at = MON + timedelta(minutes=i)
        with db.transaction() as s:
            target = cases.report(s, city.dispatcher, category_code=GARBAGE, source="hotline",
                                  cell_code=city.cell_codes[0], at=at)

        def merge():
            with db.transaction() as s:
                return hotline.merge_duplicate(
                    s, city.dispatcher, target.case_id, target.version, reason="重复上报",
                    note="又一位市民来电", category_code=GARBAGE, source="hotline",
                    cell_code=city.cell_codes[0], at=at)

        def note():
            with db.other.transaction() as s:
                return cases.add_note(s, city.leader, target.case_id, target.version,
                                      note="已电话联系", at=at)

        merged, noted = race(merge, note)
        stale = [r for r in (merged, noted) if isinstance(r, StaleVersion)]
        assert len(stale) == 1, (merged, noted)    # exactly one seat won the case
        with db.session() as s:
            version = s.scalar(select(Case.version).where(Case.id == target.case_id))
            duplicates = s.scalar(select(func.count()).select_from(Case)
                                  .where(Case.duplicate_of_id == target.case_id))
        assert version == target.version + 1
        assert duplicates == (0 if isinstance(merged, StaleVersion) else 1)


def test_a_deadlock_victim_is_run_again(db, city):
    """Two transactions locking two rows in opposite orders: PostgreSQL fails one (40P01) and
    `in_transaction` runs it again, so both complete."""
    with db.transaction() as s:
        ids = [cases.report(s, city.dispatcher, category_code=GARBAGE, source="hotline",
                            cell_code=city.cell_codes[0], at=MON).case_id for _ in range(2)]
    locked = threading.Barrier(2)
    attempts = {"ab": 0, "ba": 0}

    def crosswise(first: int, second: int, name: str):
        def fn(s):
            attempts[name] += 1
            s.execute(text("UPDATE cases SET address = address WHERE id = :id"), {"id": first})
            if attempts[name] == 1:
                locked.wait(timeout=30)   # both hold their first row: now cross
            s.execute(text("UPDATE cases SET address = address WHERE id = :id"), {"id": second})
            return name
        return fn

    results = race(lambda: retry.in_transaction(db, crosswise(ids[0], ids[1], "ab")),
                   lambda: retry.in_transaction(db.other, crosswise(ids[1], ids[0], "ba")))
    assert results == ["ab", "ba"]
    # At least one victim, run again. Usually exactly one, but the victim's re-run can take its
    # first row back before the survivor (woken by the abort) locks it, and cross it once more:
    # PostgreSQL then picks a second victim, which the helper re-runs too.
    assert max(attempts.values()) >= 2 and sum(attempts.values()) <= 2 * retry.DEFAULT_ATTEMPTS


def test_other_errors_are_not_retried(db):
    calls = []

    def fn(s):
        calls.append(1)
        s.execute(text("SELECT 1/0"))

    with pytest.raises(DBAPIError):
        retry.in_transaction(db, fn)
    assert len(calls) == 1
