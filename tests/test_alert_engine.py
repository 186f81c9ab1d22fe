"""The evaluation pass against a real database: each rule end to end, no duplicates (also with
two seats evaluating at once), resolution with the time, escalation, and the incremental
snapshot always agreeing with a fresh look."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.services import settings as shared
from console.services.actor import actor_for
from console.services.alerts import AlertEngine
from console.store import alert_lease, feed
from console.store.database import open_database
from console.store.models import Alert, ChangeFeed
from tests import alert_city as C
from tests.alert_city import LAT0, LON0, MONDAY, STEP, URGENT

T = MONDAY.replace(hour=9)


@pytest.fixture
def city(db):
    return C.build(db)


def keys(db) -> set[str]:
    return set(C.open_alerts(db))


def case_keys(db) -> set[str]:
    """Open alerts about cases (the patrol of the tiny city is offline unless a test walks it)."""
    return {k for k in keys(db) if ":case:" in k}


def test_urgent_report_raises_one_alert_that_clears_when_dispatched(db, city):
    engine = AlertEngine()
    change = C.report(db, city, T, category=URGENT)
    result = C.evaluate(db, engine, T)
    key = f"new_urgent:case:{change.case_id}"
    assert key in keys(db) and result.opened >= 1
    alert = C.open_alerts(db)[key]
    assert (alert.severity, alert.subject_type, alert.params["number"]) == (
        "critical", "case", change.number)
    assert alert.params["category_name"] == "路面塌陷"
    # Nothing new on the next passes: one open alert per subject and kind.
    for minute in range(1, 4):
        assert C.evaluate(db, engine, T + timedelta(minutes=minute)).opened == 0
    C.dispatch(db, city, change, T + timedelta(minutes=5))
    C.evaluate(db, engine, T + timedelta(minutes=5))
    assert key not in keys(db)
    (resolved,) = [a for a in C.all_alerts(db) if a.kind == "new_urgent"]
    assert resolved.resolved_at == T + timedelta(minutes=5) and resolved.open_key is None


def test_near_deadline_then_overdue_with_the_time(db, city):
    engine = AlertEngine()
    change = C.report(db, city, T)
    C.dispatch(db, city, change, T, deadline=T + timedelta(hours=1))   # urgent-style limit
    warn = T + timedelta(minutes=48)   # 80% of one working hour (09:00–10:00 is worked)
    C.evaluate(db, engine, warn - timedelta(seconds=1))
    assert not any(k.startswith("near_deadline") for k in keys(db))
    C.evaluate(db, engine, warn)
    # An ordinary case's deadline alerts join its department's digests
    # (tests/test_alert_digests.py); an urgent one's stand alone.
    (near,) = [a for a in C.open_alerts(db).values() if a.kind == "near_deadline_digest"]
    assert [m["id"] for m in near.members] == [change.case_id]
    C.evaluate(db, engine, T + timedelta(hours=1))
    assert case_keys(db) == set()
    kinds = [(a.kind, a.resolved_at) for a in C.all_alerts(db)
             if a.subject_type in ("case", "digest")]
    assert kinds == [("near_deadline_digest", T + timedelta(hours=1)), ("overdue_digest", None)]
    (digest,) = [a for a in C.all_alerts(db) if a.kind == "overdue_digest"]
    assert [m["id"] for m in digest.members] == [change.case_id]


def test_deadline_alerts_follow_the_working_calendar_across_a_weekend(db, city):
    friday = MONDAY + timedelta(days=4, hours=16)
    engine = AlertEngine()
    change = C.report(db, city, friday, urgent=True)   # urgent: its own alert, not a digest
    with db.transaction() as s:
        deadline = shared.work_calendar(s).deadline(friday, 2, "work_hours")
    C.dispatch(db, city, change, friday, deadline=deadline)
    C.evaluate(db, engine, friday + timedelta(days=1, hours=2))   # Saturday: 75% of the work
    assert case_keys(db) == set()
    C.evaluate(db, engine, friday + timedelta(days=3, hours=-7, minutes=-24, seconds=-1))
    assert case_keys(db) == set()
    C.evaluate(db, engine, friday + timedelta(days=3, hours=-7, minutes=-24))   # Mon 08:36
    assert case_keys(db) == {f"near_deadline:case:{change.case_id}"}


def test_hotspot_at_three_reports_in_six_hours(db, city):
    engine = AlertEngine()
    C.report(db, city, T, cell=2)
    C.report(db, city, T + timedelta(hours=2), cell=2)
    C.report(db, city, T + timedelta(hours=3), cell=4)        # another cell: not counted
    C.evaluate(db, engine, T + timedelta(hours=3))
    assert not any(k.startswith("hotspot") for k in keys(db))
    C.report(db, city, T + timedelta(hours=5, minutes=59), cell=2)
    C.evaluate(db, engine, T + timedelta(hours=6))
    key = f"hotspot:cell:{city.cell_ids[2]}:10101"
    assert key in keys(db)
    assert C.open_alerts(db)[key].params["count"] == 3
    # The first report leaves the six-hour window: the hotspot clears by itself.
    C.evaluate(db, engine, T + timedelta(hours=6, seconds=1))
    assert key not in keys(db)


def test_recurrence_within_seven_days_of_a_closure(db, city):
    engine = AlertEngine()
    first = C.report(db, city, T, cell=3)
    C.close(db, city, C.dispatch(db, city, first, T), T + timedelta(hours=1))
    again = C.report(db, city, T + timedelta(days=7, hours=1), cell=3)     # exactly 7 days
    later = C.report(db, city, T + timedelta(days=7, hours=1, seconds=1), cell=1)   # other cell
    C.evaluate(db, engine, T + timedelta(days=7, hours=1, minutes=1))
    # Recurrences are digested per category: the one in cell 3, not the other cell's case.
    alert = C.open_alerts(db)["recurrence_digest:digest:0:10101"]
    assert alert.severity == "info" and alert.params["name"] == "上水井盖"
    assert [(m["id"], m["previous"]) for m in alert.members] == [(again.case_id, first.number)]


def test_department_backlog_over_the_limit(db, city):
    with db.transaction() as s:
        shared.set_setting(s, actor_for(s, "admin"), "alert_backlog_open", 2, T)
    engine = AlertEngine()
    for i in range(3):
        C.dispatch(db, city, C.report(db, city, T + timedelta(minutes=i)), T + timedelta(minutes=i))
    C.evaluate(db, engine, T + timedelta(minutes=5))
    (key,) = [k for k in keys(db) if k.startswith("backlog")]
    assert C.open_alerts(db)[key].params["open"] == 3


def test_patrol_off_post_idle_and_back(db, city):
    engine = AlertEngine()
    start = MONDAY.replace(hour=8)
    C.walk(db, city, start, start + timedelta(minutes=30), C.inside)
    C.evaluate(db, engine, start + timedelta(minutes=30))
    assert keys(db) == set()
    # Exactly on the grid's east boundary for 15 minutes: still inside.
    out0 = start + timedelta(minutes=31)
    C.walk(db, city, out0, out0 + timedelta(minutes=15), lambda t: (LON0 + STEP, LAT0 + STEP / 2))
    C.evaluate(db, engine, out0 + timedelta(minutes=15))
    assert not any(k.startswith("off_post") for k in keys(db))
    # Ten metres east of it, in the neighbouring cell: off post after more than ten minutes.
    east = out0 + timedelta(minutes=16)
    there = lambda t: (LON0 + STEP * 1.12, LAT0 + STEP / 2)
    C.walk(db, city, east, east + timedelta(minutes=10), there)
    C.evaluate(db, engine, east + timedelta(minutes=10))
    assert f"off_post:patrol:{city.officer_id}" not in keys(db)
    C.walk(db, city, east + timedelta(minutes=10, seconds=30), east + timedelta(minutes=12), there)
    C.evaluate(db, engine, east + timedelta(minutes=12))
    assert f"off_post:patrol:{city.officer_id}" in keys(db)
    # Ten metres from the boundary spot it stood on since `out0`: idle as well (within 30 m
    # of one spot for more than 20 minutes).
    assert f"idle:patrol:{city.officer_id}" in keys(db)
    back = east + timedelta(minutes=13)
    C.walk(db, city, back, back + timedelta(minutes=2), C.inside)
    C.evaluate(db, engine, back + timedelta(minutes=2))
    assert not any(k.startswith(("off_post", "idle")) for k in keys(db))


def test_patrol_idle_after_twenty_minutes_at_one_spot(db, city):
    engine = AlertEngine()
    start = MONDAY.replace(hour=9)
    spot = (LON0 + STEP * 0.3, LAT0 + STEP * 0.3)
    C.walk(db, city, start, start + timedelta(minutes=20), lambda t: spot)
    C.evaluate(db, engine, start + timedelta(minutes=20))
    assert keys(db) == set()
    C.walk(db, city, start + timedelta(minutes=20, seconds=30), start + timedelta(minutes=21),
           lambda t: spot)
    C.evaluate(db, engine, start + timedelta(minutes=21))
    assert keys(db) == {f"idle:patrol:{city.officer_id}"}


def test_patrol_offline_then_left_early(db, city):
    engine = AlertEngine()
    C.walk(db, city, MONDAY.replace(hour=8), MONDAY.replace(hour=15), C.inside, every_s=300)
    C.evaluate(db, engine, MONDAY.replace(hour=15, minute=9))
    assert keys(db) == set()
    C.evaluate(db, engine, MONDAY.replace(hour=15, minute=10))
    assert keys(db) == {f"offline:patrol:{city.officer_id}"}
    C.evaluate(db, engine, MONDAY.replace(hour=15, minute=30))
    assert keys(db) == {f"left_early:patrol:{city.officer_id}"}
    C.evaluate(db, engine, MONDAY.replace(hour=18))
    assert keys(db) == {f"left_early:patrol:{city.officer_id}"}


def test_escalation_after_the_set_time(db, city):
    engine = AlertEngine()
    C.evaluate(db, engine, MONDAY.replace(hour=8, minute=10))   # never seen: offline
    key = f"offline:patrol:{city.officer_id}"
    assert C.open_alerts(db)[key].severity == "warning"
    C.evaluate(db, engine, MONDAY.replace(hour=8, minute=24, second=59))
    assert C.open_alerts(db)[key].level == 0
    result = C.evaluate(db, engine, MONDAY.replace(hour=8, minute=25))
    alert = C.open_alerts(db)[key]
    assert (result.escalated, alert.level, alert.severity) == (1, 1, "critical")
    assert alert.escalated_at == MONDAY.replace(hour=8, minute=25) and alert.escalated_by is None
    assert C.evaluate(db, engine, MONDAY.replace(hour=9)).escalated == 0   # once only


def test_every_change_is_in_the_feed(db, city):
    with db.session() as s:
        since = feed.current_seq(s)
    engine = AlertEngine()
    change = C.report(db, city, T, category=URGENT)
    C.evaluate(db, engine, T)
    C.dispatch(db, city, change, T + timedelta(minutes=1))
    C.evaluate(db, engine, T + timedelta(minutes=1))
    with db.session() as s:
        rows = s.execute(select(ChangeFeed.action, ChangeFeed.payload)
                         .where(ChangeFeed.seq > since, ChangeFeed.entity == "alert")).all()
    assert [r.action for r in rows if r.payload.get("kind") == "new_urgent"] == ["raised",
                                                                                 "resolved"]


def test_a_fresh_engine_resolves_what_cleared_while_nobody_watched(db, city):
    change = C.report(db, city, T, category=URGENT)
    C.evaluate(db, AlertEngine(), T)
    C.dispatch(db, city, change, T + timedelta(minutes=1))
    C.evaluate(db, AlertEngine(), T + timedelta(minutes=2))   # e.g. the console restarted
    assert not any(k.startswith("new_urgent") for k in keys(db))


def test_incremental_passes_agree_with_a_fresh_look(db, city):
    engine = AlertEngine()
    now = T
    made = []
    for i in range(6):
        now += timedelta(minutes=9)
        made.append(C.report(db, city, now, category=URGENT if i % 2 else C.ORDINARY,
                             cell=1 + i % 4))
        if i % 3 == 0:
            C.dispatch(db, city, made[-1], now, deadline=now + timedelta(minutes=30))
        C.walk(db, city, now - timedelta(minutes=9), now, C.inside, every_s=60)
        C.evaluate(db, engine, now)
        check = AlertEngine()
        with db.transaction() as s:
            check.evaluate(s, now)   # bootstraps from scratch; must find nothing to change
            fresh = {f.key for f in check.findings(s, now)}
        assert keys(db) == fresh, i


def test_two_seats_evaluating_at_once_make_no_duplicates(db, city, tmp_path):
    for i in range(5):
        C.report(db, city, T + timedelta(seconds=i), category=URGENT, cell=1 + i % 4)
    seats = [open_database(db.url) for _ in range(2)]
    C.race_seats(seats, T, timeout_s=30)
    with db.session() as s:
        counts = s.execute(select(Alert.open_key, func.count()).where(Alert.resolved_at.is_(None))
                           .group_by(Alert.open_key)).all()
        raised = s.scalar(select(func.count()).select_from(ChangeFeed).where(
            ChangeFeed.entity == "alert", ChangeFeed.action == "raised"))
    assert counts and all(n == 1 for _, n in counts)
    assert raised == len(counts)   # a feed row only for the insert that happened


def test_the_evaluator_lease_admits_one_seat(db):
    ttl = timedelta(seconds=30)
    with db.transaction() as s:
        assert alert_lease.claim_evaluator(s, "seat-a", ttl)
    with db.transaction() as s:
        assert not alert_lease.claim_evaluator(s, "seat-b", ttl)
        assert alert_lease.claim_evaluator(s, "seat-a", ttl)
    with db.transaction() as s:   # seat-a renews with a lease already run out: seat-b takes over
        assert alert_lease.claim_evaluator(s, "seat-a", timedelta(seconds=-1))
        assert alert_lease.claim_evaluator(s, "seat-b", ttl)
        assert not alert_lease.claim_evaluator(s, "seat-a", ttl)
    with db.transaction() as s:
        alert_lease.release_evaluator(s, "seat-b")
    with db.transaction() as s:
        assert alert_lease.claim_evaluator(s, "seat-a", ttl)


def test_a_console_started_mid_run_finds_off_post_from_the_history(db, city):
    start = MONDAY.replace(hour=10)
    C.walk(db, city, start, start + timedelta(minutes=5), C.inside)
    away = start + timedelta(minutes=5, seconds=30)
    C.walk(db, city, away, away + timedelta(minutes=11),
           lambda t: (LON0 + STEP * 1.5, LAT0 + STEP / 2))
    # A wild fix "inside" at the end proves nothing about where the officer is.
    C.walk(db, city, away + timedelta(minutes=11, seconds=10),
           away + timedelta(minutes=11, seconds=10), C.inside, accuracy=400)
    now = away + timedelta(minutes=11, seconds=10)
    C.evaluate(db, AlertEngine(), now)
    alert = C.open_alerts(db)[f"off_post:patrol:{city.officer_id}"]
    assert alert.params["since"] == away.isoformat(timespec="seconds")
