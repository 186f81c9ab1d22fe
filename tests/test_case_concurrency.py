"""Two seats at once: optimistic locking and case numbers under concurrent writers."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.domain.errors import StaleVersion
from console.services import cases
from console.store.database import open_database
from console.store.models import Case, CaseNumberCounter
from tests.service_city import GARBAGE, MON, counts, do, feed_after, load, report

# --- optimistic locking ------------------------------------------------------------------------

def test_stale_version_refused_and_nothing_written(db, city):
    c = report(db, city.dispatcher)
    # Two seats read the case at version 1.
    seat_b = db.session()
    seat_b.begin()
    seen = seat_b.get(Case, c.case_id)
    assert seen.version == 1
    # Seat A registers it.
    a = do(db, cases.register, city.dispatcher, c, at=MON + timedelta(minutes=1))
    assert a.version == 2
    before = counts(db)
    # Seat B rejects what it saw: its session still holds version 1, so the write must be refused.
    with pytest.raises(StaleVersion) as err:
        cases.reject(seat_b, city.dispatcher, c.case_id, 1, reason="重复上报",
                     at=MON + timedelta(minutes=2))
    seat_b.rollback()
    seat_b.close()
    assert err.value.code == "stale_version"
    assert err.value.params == {"number": c.number, "expected": 1, "actual": 2}
    assert counts(db) == before
    case, events = load(db, c.case_id)
    assert (case.status, case.version) == ("registered", 2)
    assert [e.action for e in events] == ["report", "register"]


def test_stale_version_from_a_fresh_session(db, city):
    c = report(db, city.dispatcher)
    do(db, cases.register, city.dispatcher, c)
    before = counts(db)
    with pytest.raises(StaleVersion) as err:
        do(db, cases.reject, city.dispatcher, c, reason="重复")    # c still says version 1
    assert err.value.params["expected"] == 1 and err.value.params["actual"] == 2
    assert counts(db) == before


def race(dbs, actions) -> list[object]:
    """Run one action per seat on its own thread, both after reading the case; their outcomes."""
    barrier = threading.Barrier(len(actions))
    outcome: list[object] = [None] * len(actions)

    def seat(i: int) -> None:
        case_id, action = actions[i]
        try:
            with dbs[i].transaction() as s:
                assert s.get(Case, case_id).version == 1      # both seats saw version 1
                barrier.wait(timeout=10)
                outcome[i] = action(s)
        except Exception as exc:     # noqa: BLE001 - the test inspects it
            outcome[i] = exc

    threads = [threading.Thread(target=seat, args=(i,)) for i in range(len(actions))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    return outcome


def test_race_on_real_threads_has_one_winner(db, city, tmp_path):
    """Two seats, each with its own Database, act on the same case at the same version."""
    url = f"sqlite:///{tmp_path / 'test.db'}"
    reported = [report(db, city.dispatcher, at=MON + timedelta(seconds=i)) for i in range(3)]
    dbs = [open_database(url), open_database(url)]
    at = MON + timedelta(minutes=1)
    try:
        for c in reported:
            outcome = race(dbs, [
                (c.case_id, lambda s, c=c: cases.register(s, city.dispatcher, c.case_id, 1, at=at)),
                (c.case_id, lambda s, c=c: cases.reject(s, city.leader, c.case_id, 1, reason="重复",
                                                        at=at)),
            ])
            wins = [o for o in outcome if isinstance(o, cases.CaseChange)]
            losses = [o for o in outcome if isinstance(o, StaleVersion)]
            assert len(wins) == 1 and len(losses) == 1, outcome
            assert losses[0].params == {"number": c.number, "expected": 1, "actual": 2}
            case, events = load(db, c.case_id)
            assert case.version == 2 and len(events) == 2
            assert case.status == wins[0].status
    finally:
        for d in dbs:
            d.dispose()
    batch = feed_after(db, reported[-1].seq)
    assert len(batch.rows) == len(reported)          # one feed row per winner, none per loser


# --- case numbers ------------------------------------------------------------------------------

def test_case_numbers_are_daily_and_consecutive(db, city):
    nums = [report(db, city.dispatcher, at=MON + timedelta(minutes=i)).number for i in range(12)]
    assert nums == [f"20260309{i:04d}" for i in range(1, 13)]
    # A new day starts again at 1; the old day continues where it was.
    assert report(db, city.dispatcher, at=MON + timedelta(days=1)).number == "202603100001"
    assert report(db, city.dispatcher, at=MON + timedelta(hours=3)).number == "202603090013"
    with db.session() as s:
        assert dict(s.execute(select(CaseNumberCounter.day, CaseNumberCounter.last)).all()) == {
            "20260309": 13, "20260310": 1}


def test_case_numbers_unique_under_concurrent_reports(db, city, tmp_path):
    url = f"sqlite:///{tmp_path / 'test.db'}"
    dbs = [open_database(url), open_database(url)]
    per_thread = 25
    got: list[list[str]] = [[], []]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def reporter(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            for k in range(per_thread):
                with dbs[i].transaction() as s:
                    got[i].append(cases.report(
                        s, city.patrol, category_code=GARBAGE, source="patrol",
                        cell_code=city.cell_codes[k % 4], at=MON + timedelta(seconds=k)).number)
        except BaseException as exc:   # noqa: BLE001 - reported below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=reporter, args=(i,)) for i in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
    finally:
        for d in dbs:
            d.dispose()
    assert not errors, errors
    numbers = got[0] + got[1]
    assert len(set(numbers)) == 2 * per_thread
    assert sorted(numbers) == [f"20260309{i:04d}" for i in range(1, 2 * per_thread + 1)]
    for mine in got:      # each seat sees its own numbers rising
        assert mine == sorted(mine)
    with db.session() as s:
        assert s.scalar(select(CaseNumberCounter.last).where(CaseNumberCounter.day == "20260309")) == 50
        assert s.scalar(select(func.count()).select_from(Case)) == 50
        stored = set(s.scalars(select(Case.number)))
    assert stored == set(numbers)
    batch = feed_after(db, 0)
    report_seqs = [r.seq for r in batch.rows if r.action == "report"]
    assert len(report_seqs) == len(set(report_seqs)) == 50
