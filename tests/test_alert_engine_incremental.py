"""The engine keeps its findings between passes and re-decides only what may have changed:
these cases pin the instants at which it must look again by itself (no feed row at all)."""
from __future__ import annotations

from datetime import timedelta

from console.domain.changes import ChangeAction, ChangeKind
from console.services.alerts import AlertEngine
from console.store import feed
from tests import alert_city as C
from tests.alert_city import MONDAY

T = MONDAY.replace(hour=9)
TICK = timedelta(microseconds=1)


def keys(db) -> set[str]:
    return set(C.open_alerts(db))


def test_a_hotspot_clears_the_microsecond_its_first_case_leaves_the_window(db):
    city = C.build(db)
    engine = AlertEngine()
    for h in (0, 1, 2):
        C.report(db, city, T + timedelta(hours=h), cell=2)
    key = f"hotspot:cell:{city.cell_ids[2]}:10101"
    C.evaluate(db, engine, T + timedelta(hours=2))
    assert key in keys(db)
    C.evaluate(db, engine, T + timedelta(hours=6))          # the first case still counts
    assert key in keys(db)
    C.evaluate(db, engine, T + timedelta(hours=6) + TICK)   # and now it does not
    assert key not in keys(db)


def test_a_patrol_goes_offline_at_the_threshold_without_a_new_fix(db):
    city = C.build(db)
    engine = AlertEngine()
    start = MONDAY.replace(hour=10)
    C.walk(db, city, start, start + timedelta(minutes=5), C.inside)
    last = start + timedelta(minutes=5)
    C.evaluate(db, engine, last)
    offline = f"offline:patrol:{city.officer_id}"
    # Passes with nothing new in between: only the clock moves.
    for minutes in (1, 5, 9):
        C.evaluate(db, engine, last + timedelta(minutes=minutes))
    C.evaluate(db, engine, last + timedelta(minutes=10) - TICK)
    assert offline not in keys(db)
    C.evaluate(db, engine, last + timedelta(minutes=10))
    assert offline in keys(db)


def test_closures_read_per_cell_or_for_the_whole_window_agree(db, monkeypatch):
    from console.store import alert_queries

    city = C.build(db)
    made = []
    for i, cell in enumerate((1, 3, 3, 2)):
        first = C.report(db, city, T + timedelta(hours=i), cell=cell)
        C.close(db, city, C.dispatch(db, city, first, T + timedelta(hours=i)),
                T + timedelta(hours=i, minutes=30))
        made.append(C.report(db, city, T + timedelta(days=2, hours=i), cell=cell))
    with db.session() as s:
        asked = [(r.id, r.cell_id, r.category_code, r.reported_at)
                 for r in alert_queries.open_cases(s, [m.case_id for m in made])]
        per_cell = alert_queries.previous_closures(s, asked, 7)
        monkeypatch.setattr(alert_queries, "_MANY_CELLS", 0)
        whole = alert_queries.previous_closures(s, asked, 7)
    assert per_cell == whole and len(whole) == 4


def test_the_next_pass_does_not_read_back_the_alerts_it_wrote(db, monkeypatch):
    from console.store import alert_queries

    city = C.build(db)
    engine = AlertEngine()
    for i in range(3):
        C.report(db, city, T + timedelta(seconds=i), category=C.URGENT, cell=1 + i)
    assert C.evaluate(db, engine, T).opened >= 3
    asked: list[set[int]] = []
    real = alert_queries.open_alerts

    def spy(session, ids=None):
        asked.append(set(ids) if ids is not None else None)
        return real(session, ids)

    monkeypatch.setattr(alert_queries, "open_alerts", spy)
    C.evaluate(db, engine, T + timedelta(seconds=5))
    assert asked == []
    # Another seat's change to one of them is read, though.
    alert_id = next(a.id for a in C.all_alerts(db) if a.kind == "new_urgent")
    with db.transaction() as s:
        alert_queries.acknowledge(s, alert_id, user_id=None, at=T + timedelta(seconds=6),
                                  note="seen")
        feed.record(s, ChangeKind.ALERT, alert_id, ChangeAction.ACKNOWLEDGED,
                    T + timedelta(seconds=6))
    C.evaluate(db, engine, T + timedelta(seconds=10))
    assert asked == [{alert_id}]
