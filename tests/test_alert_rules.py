"""The alert rules over plain data: every rule and its edges, reconciliation, escalation."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain import alert_plan as plans
from console.domain import alert_rules as rules
from console.domain.alert_plan import OpenAlert
from console.domain.alert_rules import (
    CaseFacts,
    Finding,
    Kind,
    PatrolFacts,
    Severity,
    Thresholds,
)
from console.domain.patrol_state import (
    PatrolRules,
    PatrolStatus,
    PatrolTrack,
    ShiftWindow,
    current_shift,
    last_shift,
    patrol_state,
)
from console.domain.work_areas import WorkArea, ring_covers
from console.domain.work_calendar import TimeUnit, WorkCalendar

TH = Thresholds()
CAL = WorkCalendar()
FRIDAY = datetime(2026, 11, 27)
MONDAY = datetime(2026, 11, 23)


def at(day: datetime, hhmm: str, s: int = 0) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return day.replace(hour=h, minute=m, second=s)


def case(**kw) -> CaseFacts:
    base = dict(id=1, number="202611230001", status="dispatched", urgent=False,
                category_code="10101", cell_id=7, department_id=3,
                reported_at=at(MONDAY, "09:00"))
    base.update(kw)
    return CaseFacts(**base)


def kinds(findings) -> set[Kind]:
    return {f.kind for f in findings}


# --- shifts --------------------------------------------------------------------------------

def test_shift_start_is_in_and_end_is_out():
    assert current_shift("0123456", "08:00", "16:00", at(MONDAY, "08:00")) == (
        at(MONDAY, "08:00"), at(MONDAY, "16:00"))
    assert current_shift("0123456", "08:00", "16:00", at(MONDAY, "07:59", 59)) is None
    assert current_shift("0123456", "08:00", "16:00", at(MONDAY, "16:00")) is None
    assert last_shift("0123456", "08:00", "16:00", at(MONDAY, "16:00")) == (
        at(MONDAY, "08:00"), at(MONDAY, "16:00"))


def test_overnight_shift_belongs_to_the_evening_it_began():
    sunday_night = at(MONDAY, "03:00")
    assert current_shift("6", "23:00", "07:00", sunday_night) == (
        at(MONDAY - timedelta(days=1), "23:00"), at(MONDAY, "07:00"))
    assert current_shift("0", "23:00", "07:00", sunday_night) is None


# --- geometry ------------------------------------------------------------------------------

SQUARE = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]


@pytest.mark.parametrize("point, inside", [
    ((0.5, 0.5), True), ((1.0, 0.5), True), ((0.5, 0.0), True), ((1.0, 1.0), True),
    ((1.0 + 1e-6, 0.5), False), ((-1e-6, 0.5), False), ((0.5, 1.0 + 1e-6), False),
])
def test_ring_covers_its_boundary(point, inside):
    assert ring_covers(SQUARE, *point) is inside


def test_work_area_is_the_union_and_its_boundary_is_inside():
    lon0, lat0, step = 116.400, 39.900, 0.001
    cells = [[[lon0, lat0], [lon0 + step, lat0], [lon0 + step, lat0 + step], [lon0, lat0 + step]],
             [[lon0, lat0 + step], [lon0 + step, lat0 + step], [lon0 + step, lat0 + 2 * step],
              [lon0, lat0 + 2 * step]]]
    area = WorkArea.from_rings(cells)
    assert area.covers(lon0 + step / 2, lat0 + step)          # the edge shared by two cells
    assert area.covers(lon0 + step, lat0 + step * 1.5)        # exactly on the outer boundary
    assert area.covers(lon0, lat0)                            # a corner
    assert not area.covers(lon0 + step + 1e-7, lat0 + step)   # 1 cm east of it
    assert not WorkArea.from_rings([]).covers(lon0, lat0)


# --- patrol tracks -------------------------------------------------------------------------

def test_track_runs_outside_and_still():
    t = at(MONDAY, "09:00")
    track = PatrolTrack()
    track.add(t, 116.4, 39.9, inside=True, radius_m=30)
    assert track.outside_since is None and track.still_since == t
    track.add(t + timedelta(minutes=1), 116.4001, 39.9, inside=False, radius_m=30)   # ~8.5 m
    assert track.outside_since == t + timedelta(minutes=1) and track.still_since == t
    track.add(t + timedelta(minutes=2), 116.4005, 39.9, inside=False, radius_m=30)   # ~43 m
    assert track.outside_since == t + timedelta(minutes=1)
    assert track.still_since == t + timedelta(minutes=2)
    # A wild fix neither starts nor breaks a run; a late one changes nothing at all.
    track.add(t + timedelta(minutes=3), 116.5, 39.9, inside=True, radius_m=30, accuracy=300)
    assert track.outside_since == t + timedelta(minutes=1) and track.last_at == t + timedelta(minutes=3)
    track.add(t, 116.4, 39.9, inside=True, radius_m=30)
    assert track.last_at == t + timedelta(minutes=3) and track.outside_since is not None


def patrol(**kw) -> PatrolFacts:
    return PatrolFacts(id=5, code="P0005", name="王强",
                       shifts=kw.get("shifts", (("0123456", "08:00", "16:00"),)))


def track_at(last: datetime, *, outside: datetime | None = None, still: datetime | None = None,
             speed: float | None = None) -> PatrolTrack:
    return PatrolTrack(last_at=last, last_lon=116.4, last_lat=39.9, last_speed=speed,
                       outside_since=outside, still_since=still,
                       anchor=(116.4, 39.9) if still else None)


@pytest.mark.parametrize("minutes, expected", [(10, False), (10.02, True)])
def test_off_post_after_more_than_ten_minutes(minutes, expected):
    start = at(MONDAY, "10:00")
    now = start + timedelta(minutes=minutes)
    found = rules.patrol_findings(patrol(), track_at(now, outside=start), now, TH)
    assert (Kind.OFF_POST in kinds(found)) is expected


def test_off_post_counts_from_the_shift_start():
    # Outside since before the shift began: only the minutes in shift count.
    track = track_at(at(MONDAY, "08:05"), outside=at(MONDAY, "07:30"))
    assert not rules.patrol_findings(patrol(), track, at(MONDAY, "08:09"), TH)
    found = rules.patrol_findings(patrol(), track_at(at(MONDAY, "08:11"),
                                                     outside=at(MONDAY, "07:30")),
                                  at(MONDAY, "08:11"), TH)
    assert [f.kind for f in found] == [Kind.OFF_POST]
    assert found[0].params["since"] == "2026-11-23T08:00:00"


@pytest.mark.parametrize("minutes, expected", [(20, False), (20.02, True)])
def test_idle_after_more_than_twenty_minutes_at_one_spot(minutes, expected):
    start = at(MONDAY, "10:00")
    now = start + timedelta(minutes=minutes)
    found = rules.patrol_findings(patrol(), track_at(now, still=start), now, TH)
    assert (Kind.IDLE in kinds(found)) is expected


@pytest.mark.parametrize("silent, expected", [(9.98, False), (10, True)])
def test_offline_after_ten_silent_minutes(silent, expected):
    last = at(MONDAY, "10:00")
    now = last + timedelta(minutes=silent)
    found = rules.patrol_findings(patrol(), track_at(last), now, TH)
    assert (Kind.OFFLINE in kinds(found)) is expected


def test_offline_at_shift_start_waits_ten_minutes_and_ignores_yesterday():
    yesterday = at(MONDAY - timedelta(days=1), "15:59")
    assert not rules.patrol_findings(patrol(), track_at(yesterday), at(MONDAY, "08:09"), TH)
    found = rules.patrol_findings(patrol(), track_at(yesterday), at(MONDAY, "08:10"), TH)
    assert kinds(found) == {Kind.OFFLINE}
    assert found[0].params["shift_start"] == "2026-11-23T08:00:00"
    assert not rules.patrol_findings(patrol(), None, at(MONDAY, "07:59"), TH)
    assert kinds(rules.patrol_findings(patrol(), None, at(MONDAY, "08:10"), TH)) == {Kind.OFFLINE}


def test_silence_near_the_shift_end_is_leaving_early_and_stays_until_the_next_shift():
    last = at(MONDAY, "15:10")          # seen last 50 minutes before the end
    # Offline while the final half hour has not begun…
    assert kinds(rules.patrol_findings(patrol(), track_at(last), at(MONDAY, "15:29"), TH)) == {
        Kind.OFFLINE}
    # …then left early, through the end of the shift and the evening.
    for t in ("15:30", "16:00", "23:59"):
        found = rules.patrol_findings(patrol(), track_at(last), at(MONDAY, t), TH)
        assert kinds(found) == {Kind.LEFT_EARLY}, t
    assert found[0].params == {"code": "P0005", "name": "王强",
                               "last_seen": "2026-11-23T15:10:00",
                               "shift_end": "2026-11-23T16:00:00"}
    # The next morning's shift starts afresh.
    tuesday = MONDAY + timedelta(days=1)
    assert kinds(rules.patrol_findings(patrol(), track_at(last), at(tuesday, "08:00"), TH)) == set()


def test_leaving_in_the_last_half_hour_is_not_leaving_early():
    last = at(MONDAY, "15:31")
    assert kinds(rules.patrol_findings(patrol(), track_at(last), at(MONDAY, "15:45"), TH)) == {
        Kind.OFFLINE}
    assert rules.patrol_findings(patrol(), track_at(last), at(MONDAY, "16:00"), TH) == []


def test_never_seen_in_a_shift_is_offline_not_left_early():
    assert rules.patrol_findings(patrol(), None, at(MONDAY, "16:30"), TH) == []
    assert kinds(rules.patrol_findings(patrol(), None, at(MONDAY, "15:50"), TH)) == {Kind.OFFLINE}


def test_nothing_off_shift():
    track = track_at(at(MONDAY, "06:00"), outside=at(MONDAY, "05:00"), still=at(MONDAY, "05:00"))
    assert rules.patrol_findings(patrol(), track, at(MONDAY, "07:00"), TH) == []


def status(track, shift, now) -> PatrolStatus:
    window = ShiftWindow(shift, shift, now, now + timedelta(seconds=1))
    return patrol_state(track, window, now, PatrolRules()).status


def test_patrol_status_for_markers():
    shift = (at(MONDAY, "08:00"), at(MONDAY, "16:00"))
    now = at(MONDAY, "10:00")
    assert status(None, None, now) is PatrolStatus.OFF_SHIFT
    assert status(track_at(now - timedelta(minutes=11)), shift, now) is PatrolStatus.OFFLINE
    assert status(track_at(now, outside=now - timedelta(minutes=11)), shift,
                  now) is PatrolStatus.OFF_POST
    assert status(track_at(now, still=now - timedelta(minutes=21)), shift,
                  now) is PatrolStatus.IDLE
    assert status(track_at(now, speed=1.3), shift, now) is PatrolStatus.MOVING
    assert status(track_at(now, speed=0.0), shift, now) is PatrolStatus.ON_DUTY


def test_the_status_is_the_most_urgent_of_the_findings():
    """The marker's colour and the open alerts come from one decision."""
    shift = (at(MONDAY, "08:00"), at(MONDAY, "16:00"))
    p = patrol()
    for now, track, expected in [
            (at(MONDAY, "10:00"), track_at(at(MONDAY, "09:40"), outside=at(MONDAY, "09:20")),
             PatrolStatus.OFFLINE),
            (at(MONDAY, "10:00"), track_at(at(MONDAY, "10:00"), outside=at(MONDAY, "09:20"),
                                           still=at(MONDAY, "09:00")), PatrolStatus.OFF_POST),
            (at(MONDAY, "15:50"), track_at(at(MONDAY, "14:00")), PatrolStatus.LEFT_EARLY)]:
        assert status(track, shift, now) is expected
        found = {f.kind.value for f in rules.patrol_findings(p, track, now, TH)}
        assert expected.value in found


# --- cases ---------------------------------------------------------------------------------

def test_new_urgent_case_until_it_is_dispatched():
    for status, expected in (("reported", True), ("registered", True), ("dispatched", False)):
        found = rules.case_findings(case(urgent=True, status=status), MONDAY, TH)
        assert (Kind.NEW_URGENT in kinds(found)) is expected, status
    assert not rules.case_findings(case(urgent=False, status="reported"), MONDAY, TH)


def test_near_deadline_counts_working_time_across_a_weekend():
    # Dispatched Friday 16:00 with 2 working hours: 1.5 h on Friday, the rest Monday morning.
    start = at(FRIDAY, "16:00")
    deadline = CAL.deadline(start, 2, TimeUnit.WORK_HOURS)
    assert deadline == at(FRIDAY + timedelta(days=3), "09:00")
    warn = rules.warning_instant(CAL, start, deadline, TimeUnit.WORK_HOURS, 0.8)
    assert warn == at(FRIDAY + timedelta(days=3), "08:36")   # 1.6 h worked
    c = case(dispatched_at=start, deadline=deadline, warn_at=warn)
    saturday = at(FRIDAY + timedelta(days=1), "12:00")        # 90% of the wall clock, 75% of work
    assert CAL.share_used(start, deadline, saturday, TimeUnit.WORK_HOURS) == pytest.approx(0.75)
    assert not rules.case_findings(c, saturday, TH)
    assert kinds(rules.case_findings(c, warn - timedelta(seconds=1), TH)) == set()
    assert kinds(rules.case_findings(c, warn, TH)) == {Kind.NEAR_DEADLINE}
    assert kinds(rules.case_findings(c, deadline - timedelta(seconds=1), TH)) == {
        Kind.NEAR_DEADLINE}
    # Overdue replaces near deadline at the deadline itself.
    assert kinds(rules.case_findings(c, deadline, TH)) == {Kind.OVERDUE}


def test_urgent_limits_run_on_the_wall_clock():
    start = at(FRIDAY, "23:00")
    deadline = start + timedelta(hours=2)
    assert rules.warning_instant(CAL, start, deadline, TimeUnit.HOURS, 0.8) == at(
        FRIDAY + timedelta(days=1), "00:36")


@settings(max_examples=150, deadline=None)
@given(start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31)),
       amount=st.floats(min_value=0.5, max_value=60),
       unit=st.sampled_from([TimeUnit.WORK_HOURS, TimeUnit.WORK_DAYS, TimeUnit.HOURS]),
       share=st.sampled_from([0.5, 0.8, 0.9]))
def test_the_warning_instant_is_where_the_share_is_reached(start, amount, unit, share):
    start = start.replace(microsecond=0)
    deadline = CAL.deadline(start, amount, unit)
    warn = rules.warning_instant(CAL, start, deadline, unit, share)
    assert start <= warn <= deadline
    assert CAL.share_used(start, deadline, warn, unit) >= share - 1e-9
    before = warn - timedelta(seconds=1)
    if before >= start:
        assert CAL.share_used(start, deadline, before, unit) < share + 1e-9


@pytest.mark.parametrize("gap, expected", [
    (timedelta(days=7), True), (timedelta(days=7, seconds=1), False), (timedelta(0), True),
    (-timedelta(seconds=1), False)])
def test_recurrence_window(gap, expected):
    reported = at(MONDAY, "10:00")
    assert rules.is_recurrence(reported, reported - gap, TH) is expected


def test_recurrence_holds_for_a_week_after_the_report():
    c = case(status="reported", previous=("202611200007", at(MONDAY, "08:00")))
    assert kinds(rules.case_findings(c, at(MONDAY, "10:00"), TH)) == {Kind.RECURRENCE}
    end = c.reported_at + timedelta(days=7)
    assert kinds(rules.case_findings(c, end, TH)) == {Kind.RECURRENCE}
    assert rules.case_findings(c, end + timedelta(seconds=1), TH) == []
    assert rules.next_change(c, end - timedelta(hours=1), TH) == end + timedelta(seconds=1)


def hotspot(count: int) -> rules.HotspotGroup:
    return rules.HotspotGroup(7, "330102001001001", "10101", count, at(MONDAY, "09:00"))


def test_hotspot_at_exactly_the_threshold():
    assert rules.hotspot_findings([hotspot(2)], TH) == []
    (found,) = rules.hotspot_findings([hotspot(3)], TH, {"10101": "上水井盖"})
    assert (found.kind, found.subject_type, found.subject_id) == (Kind.HOTSPOT, "cell", 7)
    assert found.key == "hotspot:cell:7:10101" and found.params["category_name"] == "上水井盖"


def test_backlog_needs_more_than_the_limits():
    th = Thresholds(backlog_open=3, backlog_overdue=1)
    now = at(MONDAY, "12:00")
    late = [case(id=i, deadline=now - timedelta(hours=1)) for i in (1, 2)]
    fine = [case(id=i, deadline=now + timedelta(hours=1)) for i in (3, 4)]
    (found,) = rules.backlog_findings(late + fine, now, th, {3: "排水公司"})
    assert found.params == {"name": "排水公司", "open": 4, "overdue": 2}
    assert rules.backlog_findings(late[:1] + fine, now, th, {}) == []   # 3 open, 1 overdue


# --- stored alerts follow ------------------------------------------------------------------

def stored(finding: Finding, *, raised: datetime, level: int = 0, ack: datetime | None = None,
           severity: Severity | None = None, params=None, alert_id: int = 1) -> OpenAlert:
    return OpenAlert(alert_id, finding.key, finding.kind.value,
                     (severity or finding.severity).value, level, raised, ack,
                     finding.params if params is None else params, finding.subject_type,
                     finding.subject_id)


def test_reconcile_opens_resolves_and_updates():
    a = Finding(Kind.OVERDUE, 1, {"number": "1", "deadline": "x"})
    b = Finding(Kind.OVERDUE, 2, {"number": "2", "deadline": "x"})
    c = Finding(Kind.HOTSPOT, 7, {"count": 3}, discriminator="10101")
    old = [stored(a, raised=MONDAY, alert_id=1), stored(c, raised=MONDAY, alert_id=3)]
    plan = plans.reconcile(old, [b, Finding(Kind.HOTSPOT, 7, {"count": 4}, discriminator="10101")])
    assert [f.key for f in plan.open] == [b.key]
    assert [x.id for x in plan.resolve] == [1]
    assert [(x.id, p) for x, p in plan.update] == [(3, {"count": 4})]
    # Counts that move all the time do not rewrite the stored alert.
    d = Finding(Kind.BACKLOG, 3, {"name": "排水", "open": 120, "overdue": 2})
    assert not plans.reconcile([stored(d, raised=MONDAY, params={"name": "排水", "open": 101,
                                                                 "overdue": 0})], [d])


def test_escalation_once_after_the_set_time_unless_acknowledged_or_informational():
    f = Finding(Kind.OFF_POST, 5, {})
    raised = at(MONDAY, "10:00")
    due = raised + timedelta(minutes=TH.escalate_min)
    alert = stored(f, raised=raised)
    assert plans.escalations([alert], due - timedelta(seconds=1), TH) == []
    assert plans.escalations([alert], due, TH) == [(alert, Severity.CRITICAL)]
    assert plans.escalations([stored(f, raised=raised, ack=raised)], due, TH) == []
    assert plans.escalations([stored(f, raised=raised, level=1)], due, TH) == []
    info = stored(Finding(Kind.NEAR_DEADLINE, 1, {}), raised=raised)
    assert plans.escalations([info], due + timedelta(hours=5), TH) == []


def test_thresholds_come_from_settings_with_safe_fallbacks():
    values = {"alert_off_post_min": "15", "alert_hotspot_cases": 4, "alert_idle_min": -3,
              "alert_escalate_min": "soon"}
    th = Thresholds.from_settings(lambda key: values.get(key, getattr(Thresholds(), next(
        n for n, k in rules.SETTING_KEYS.items() if k == key))))
    assert (th.off_post_min, th.hotspot_cases, th.idle_min, th.escalate_min) == (15, 4, 20, 15)
