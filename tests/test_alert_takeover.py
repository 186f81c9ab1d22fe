"""A seat that takes the evaluator lease over starts from the stored track summaries and the
fixes since them, and its first pass finds exactly what the seat before it would have found
(and what a replay of the whole history finds), on SQLite and on PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from console.domain.alert_rules import PATROL_KIND_STATUS
from console.services.alerts import AlertEngine
from console.services.positions import Fix, record_positions
from console.store.database import open_database
from console.store.models import Alert, PatrolTrackSummary
from tests import alert_city as C
from tests.alert_city import LAT0, LON0, MONDAY, STEP
from tests.pg_server import PG_URL, fresh_database

H = lambda hh, mm=0, ss=0: MONDAY.replace(hour=hh, minute=mm, second=ss)
EAST = (LON0 + STEP * 1.5, LAT0 + STEP * 0.5)        # cell 2: outside the work grid
SPOT = (LON0 + STEP * 0.4, LAT0 + STEP * 1.4)        # cell 3: inside, standing still


def where(t):
    """The officer's morning: patrolling, off post, a wild fix, back and standing, silent."""
    if t < H(8, 20):
        return C.inside(t), 8.0
    if t < H(8, 35):
        return EAST, 8.0
    if t < H(8, 38):
        return C.inside(t), 400.0            # too poor to place: still off post
    if t < H(9, 5):
        return SPOT, 5.0
    return None                              # the phone is off


@pytest.fixture(params=["sqlite", "postgresql"])
def seats(request, tmp_path):
    """Two seats' databases (connections of their own) on one shared database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.db'}"
        a, b = open_database(url), open_database(url)
        yield a, b
        a.dispose(), b.dispose()
        return
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("console_takeover") as url:
        a, b = open_database(url), open_database(url)
        try:
            yield a, b
        finally:
            a.dispose(), b.dispose()


def report_until(db, city, t, end, late, every_s=20):
    """The phone's fixes from t up to end (exclusive), plus (`late`) one from its buffer."""
    fixes = []
    while t < end:
        got = where(t)
        if got is not None:
            (lon, lat), accuracy = got
            fixes.append(Fix(device=city.device, at=t, lon=lon, lat=lat, accuracy=accuracy))
        t += timedelta(seconds=every_s)
    if fixes and late:
        buffered = fixes[0]
        fixes.append(Fix(device=city.device, at=buffered.at - timedelta(seconds=7),
                         lon=buffered.lon + 0.002, lat=buffered.lat, accuracy=5.0))
    with db.transaction() as s:
        record_positions(s, fixes)
    return t


def first_pass(db, now, *, forget_summaries=False):
    """A new seat's first pass, rolled back: (how it started, its tracks, the open alerts
    after it, its patrol findings)."""
    engine = AlertEngine()
    with db.session() as s:
        if forget_summaries:
            s.execute(delete(PatrolTrackSummary))
        engine.evaluate(s, now)
        alerts = {(a.kind, a.subject_type, a.subject_id, repr(sorted(a.params.items())),
                   tuple(m["id"] for m in a.members or ()))
                  for a in s.scalars(select(Alert).where(Alert.resolved_at.is_(None)))}
        findings = {(f.kind, f.subject_id, repr(sorted(f.params.items())))
                    for f in engine.findings(s, now) if f.kind in PATROL_KIND_STATUS}
        s.rollback()
    return engine, alerts, findings


def continued(engine, db, now):
    """What the seat that died would have found had it run one more pass (rolled back)."""
    with db.session() as s:
        engine.evaluate(s, now)
        alerts = {(a.kind, a.subject_type, a.subject_id, repr(sorted(a.params.items())),
                   tuple(m["id"] for m in a.members or ()))
                  for a in s.scalars(select(Alert).where(Alert.resolved_at.is_(None)))}
        findings = {(f.kind, f.subject_id, repr(sorted(f.params.items())))
                    for f in engine.findings(s, now) if f.kind in PATROL_KIND_STATUS}
        s.rollback()
    return alerts, findings


@pytest.mark.parametrize("late", [False, True], ids=["in_order", "late_fixes"])
def test_the_seat_taking_over_opens_what_the_dead_seat_would_have(seats, late):
    """With late fixes the history's replay (one step per 15 s, in time order) may date a run
    a few seconds apart from the live track (fixes in arrival order): the seat taking over
    must still match the live one exactly."""
    a_db, b_db = seats
    city = C.build(a_db)
    C.report(a_db, city, H(7, 50), category=C.URGENT)
    a = AlertEngine()
    t, now = H(7, 45), H(7, 55)
    kinds_seen = set()
    checks = 0
    while now <= H(9, 40):
        t = report_until(a_db, city, t, now, late)
        C.evaluate(a_db, a, now)
        if now.minute % 7 == 3:
            # Seat A dies here; the phone goes on reporting until its lease runs out.
            later = now + timedelta(seconds=45)
            t_after = report_until(a_db, city, t, later, late)
            b, b_alerts, b_findings = first_pass(b_db, later)
            assert b.started_from == "summaries"
            a_copy_alerts, a_findings = continued(a, a_db, later)
            assert b.tracks == a.tracks, later
            assert b_alerts == a_copy_alerts, later
            assert b_findings == a_findings, later
            full, full_alerts, full_findings = first_pass(b_db, later, forget_summaries=True)
            assert full.started_from == "history"
            if not late:
                assert full_alerts == b_alerts and full_findings == b_findings, later
            kinds_seen |= {k for k, *_ in b_findings}
            checks += 1
            # Seat A lives on (it was only a what-if): its pass above was rolled back.
            a = AlertEngine() if checks % 2 else a
            t = t_after
        now += timedelta(minutes=1)
    assert checks >= 10
    assert kinds_seen >= {"off_post", "idle", "offline"}, kinds_seen
    with a_db.session() as s:
        assert s.scalar(select(func.count()).select_from(PatrolTrackSummary)) == 1


def test_an_officer_without_a_stored_track_is_replayed_from_the_history(db):
    """The stored tracks miss one officer (new since the last save): the seat taking over
    replays the window's history for that officer alone, and decides as a full replay does."""
    from console.store.models import Device, PatrolOfficer, Shift

    city = C.build(db)
    with db.transaction() as s:
        grid = s.get(PatrolOfficer, city.officer_id).work_grid_id
        other = PatrolOfficer(code="P0002", name="李明", work_grid_id=grid)
        s.add(other)
        s.flush()
        s.add(Device(unique_id="phone-2", patrol_officer_id=other.id))
        s.add(Shift(patrol_officer_id=other.id, weekdays="0123456", start="08:00", end="16:00"))
        other_id = other.id

    def walk(start, end):
        fixes, t = [], start
        while t < end:
            fixes.append(Fix(device=city.device, at=t, lon=C.inside(t)[0], lat=C.inside(t)[1],
                             accuracy=8.0))
            # The second officer stands outside the grid from 8:20.
            where = EAST if t >= H(8, 20) else C.inside(t)
            fixes.append(Fix(device="phone-2", at=t, lon=where[0], lat=where[1], accuracy=8.0))
            t += timedelta(seconds=30)
        with db.transaction() as s:
            record_positions(s, fixes)

    walk(H(8), H(8, 40))
    C.evaluate(db, AlertEngine(), H(8, 40))
    with db.transaction() as s:
        s.execute(delete(PatrolTrackSummary).where(PatrolTrackSummary.patrol_officer_id == other_id))
    walk(H(8, 40), H(8, 41))
    now = H(8, 41, 10)
    b, b_alerts, b_findings = first_pass(db, now)
    full, full_alerts, full_findings = first_pass(db, now, forget_summaries=True)
    assert (b.started_from, full.started_from) == ("summaries", "history")
    assert b.tracks[other_id] == full.tracks[other_id]
    assert b_alerts == full_alerts and b_findings == full_findings
    assert ("off_post", other_id) in {(k, i) for k, i, _ in b_findings}


def test_on_a_generated_city_the_first_pass_raises_what_the_running_seat_does(seats):
    """A demo city with many officers and open cases of every kind: a seat taking over finds,
    in its first pass, exactly the alerts the seat that kept running finds in its next one
    (both rolled back), and a third seat replaying the history alone raises the case alerts
    the same way. Officers drift, some leave their grids, some phones go silent."""
    import random
    from datetime import datetime

    from console.bench.alerts import FIX_S, _top_up_cases, _top_up_patrols, _walk
    from console.sim.demo import build_demo

    db = seats[0]
    now = datetime(2026, 3, 2, 10, 0)          # a Monday morning: most shifts are on
    build_demo(db, seed=5, cells=600, cases=1500, now=now)
    rng = random.Random(11)
    _top_up_patrols(db, 120)
    _top_up_cases(db, 900, now, rng)
    where = _walk(db, now, rng)
    assert len(where) >= 20
    devices = sorted(where)
    running = AlertEngine()
    C.evaluate(db, running, now)
    at = now
    for step in range(1, 19):                  # a minute and a half of fixes, then 30 s more
        at = now + timedelta(seconds=FIX_S * step)
        fixes = []
        for k, device in enumerate(devices):
            lon, lat = where[device]
            if k % 5 == 0 and step > 3:
                continue                       # a silent phone
            if k % 7 == 0:
                lon += 0.02                    # far outside any grid's first cell
            fixes.append(Fix(device=device, at=at, lon=lon + rng.uniform(-1e-5, 1e-5),
                             lat=lat + rng.uniform(-1e-5, 1e-5), speed=1.0, accuracy=8.0))
        with db.transaction() as s:
            record_positions(s, fixes)
        if step <= 12:
            C.evaluate(db, running, at)
    later = at + timedelta(minutes=11)         # past the offline and off-post thresholds
    taking_over, b_alerts, b_findings = first_pass(db, later)
    assert taking_over.started_from == "summaries"
    a_alerts, a_findings = continued(running, db, later)
    assert taking_over.tracks == running.tracks
    assert b_alerts == a_alerts and b_findings == a_findings
    kinds = {k for k, *_ in b_alerts}
    assert {"off_post", "near_deadline_digest", "overdue_digest", "recurrence_digest",
            "new_urgent"} <= kinds, kinds
    assert kinds & {"offline", "offline_digest"}, kinds
    replayed, c_alerts, _ = first_pass(db, later, forget_summaries=True)
    assert replayed.started_from == "history"
    assert ({a for a in c_alerts if a[1] == "case"} == {a for a in b_alerts if a[1] == "case"})
    alone, digested = case_alerts_the_slow_way(db, later)
    assert {a[:4] for a in b_alerts if a[1] == "case"} == alone
    assert {(a[0], i) for a in b_alerts if a[0] in ("overdue_digest", "near_deadline_digest",
                                                     "recurrence_digest")
            for i in a[4]} == digested


def case_alerts_the_slow_way(db, now):
    """(the case alerts, (digest kind, case id) of the digested ones) due at `now`, from each open case's ORM row, the calendar walk of
    warning_instant and one query per case for the closure it recurs after: none of the
    first pass's shortcuts (driver tuples, the warning clock, closures read at once)."""
    from console.domain import alert_rules as rules
    from console.domain.workflow import OPEN, Status
    from console.services.alerts import thresholds
    from console.services.settings import work_calendar
    from console.store.models import Case, Category

    out, digested = set(), set()
    with db.session() as s:
        th, calendar = thresholds(s), work_calendar(s)
        units = dict(s.execute(select(Category.code, Category.time_unit)).all())
        names = dict(s.execute(select(Category.code, Category.name)).all())
        for case in s.scalars(select(Case).where(Case.status.in_([x.value for x in OPEN]))):
            warn_at = None
            if case.status == Status.DISPATCHED.value and case.deadline and case.dispatched_at:
                warn_at = rules.warning_instant(calendar, case.dispatched_at, case.deadline,
                                                units[case.category_code], th.near_share)
            previous = None
            if case.cell_id is not None and now - case.reported_at <= timedelta(
                    days=th.recurrence_days):
                for number, closed_at in s.execute(
                        select(Case.number, Case.closed_at)
                        .where(Case.status == Status.CLOSED.value, Case.cell_id == case.cell_id,
                               Case.category_code == case.category_code)
                        .order_by(Case.id)):
                    if (rules.is_recurrence(case.reported_at, closed_at, th)
                            and (previous is None or closed_at > previous[1])):
                        previous = (number, closed_at)
            facts = rules.CaseFacts(case.id, case.number, case.status, bool(case.urgent),
                                    case.category_code, case.cell_id, case.department_id,
                                    case.reported_at, case.deadline, warn_at, previous,
                                    case.dispatched_at)
            for f in rules.case_findings(facts, now, th, names):
                if f.kind is rules.Kind.RECURRENCE or (
                        f.kind in (rules.Kind.OVERDUE, rules.Kind.NEAR_DEADLINE)
                        and not case.urgent):
                    digested.add((f"{f.kind.value}_digest", case.id))
                else:
                    out.add((f.kind, "case", case.id, repr(sorted(f.params.items()))))
    return out, digested
