"""Acting on one case: detail and timeline, proposals, nearest patrols, duplicates, bulk actions."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.domain.errors import DomainError, StaleVersion
from console.domain.work_calendar import TimeUnit, WorkCalendar
from console.services import case_desk, cases, hotline
from console.store.models import Case, CaseEvent, ChangeFeed
from tests.queue_city import CENTRE, GARBAGE, MANHOLE, NOW, STEP, build_city, cell_centre


@pytest.fixture
def city(db):
    return build_city(db)


def report(db, city, *, at=NOW, category=GARBAGE, where=(0, 0), dx=0.0, **kw):
    lon, lat = cell_centre(*where)
    with db.transaction() as s:
        return cases.report(s, city.dispatcher, category_code=category, source="hotline",
                            lon=lon + dx, lat=lat, address="曙光路12号",
                            description="路边暴露垃圾", at=at, **kw)


def counts(db):
    with db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Case, CaseEvent, ChangeFeed))


def test_detail_has_every_field_and_the_timeline_with_names(db, city):
    c = report(db, city, reporter_name="李女士", reporter_phone="13812345678",
               photos=["/srv/photos/a.jpg"])
    dept = city.departments["环卫处"]
    with db.transaction() as s:
        c = cases.register(s, city.dispatcher, c.case_id, c.version, category_code=MANHOLE,
                           note="实为井盖", at=NOW)
        c = cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=dept,
                           deadline=NOW + timedelta(hours=3), at=NOW)
    # Events are chained and written at commit: the detail pane reads in its own transaction.
    with db.session() as s:
        d = case_desk.case_detail(s, c.case_id, city.dispatcher)
        # Without a viewer the caller's number is masked (tests/test_privacy.py: every role).
        assert case_desk.case_detail(s, c.case_id).reporter_phone == "138****5678"
    assert (d.number, d.status, d.version, d.category_code, d.category_name) == (
        c.number, "dispatched", 3, MANHOLE, "污水井盖")
    assert (d.cell_code, d.community, d.street, d.district) == (
        city.cell_codes[0], "街道00社区0", "街道00", "第1区")
    assert (d.reporter_name, d.reporter_phone, d.photos) == ("李女士", "13812345678",
                                                             ["/srv/photos/a.jpg"])
    assert (d.department_name, d.deadline, d.time_unit, d.time_limit) == (
        "环卫处", NOW + timedelta(hours=3), "work_days", 3)
    assert [e.action for e in d.timeline] == ["report", "register", "dispatch"]
    assert d.timeline[1].note == "实为井盖" and d.timeline[1].category == f"{MANHOLE} 污水井盖"
    assert d.timeline[2].department_name == "环卫处"
    assert d.timeline[2].deadline == NOW + timedelta(hours=3)
    assert d.timeline[0].actor_name == city.dispatcher.name and not d.extension_pending


def test_deadline_proposals_follow_the_category_and_the_calendar(db, city):
    c = report(db, city)
    with db.session() as s:
        p = case_desk.deadline_proposal(s, c.case_id, start=NOW)
    assert p.department_id == city.departments["环卫处"]
    assert p.deadline == WorkCalendar().deadline(NOW, 4, TimeUnit.WORK_HOURS)
    with db.transaction() as s:
        c = cases.register(s, city.dispatcher, c.case_id, c.version, at=NOW)
        c = cases.dispatch(s, city.dispatcher, c.case_id, c.version, at=NOW)
        ext = case_desk.deadline_proposal(s, c.case_id, start=NOW, from_deadline=True)
    assert ext.deadline == WorkCalendar().deadline(p.deadline, 4, TimeUnit.WORK_HOURS)


def test_nearest_on_duty_patrols_come_first(db, city):
    c = report(db, city)
    with db.session() as s:
        got = case_desk.nearest_patrols(s, c.case_id, now=NOW)
    assert [p.name for p in got] == ["近巡查", "远巡查", "下班巡查", "失联巡查"]
    assert [p.on_duty for p in got] == [True, True, False, False]
    assert got[0].responsible and not got[1].responsible
    assert got[0].distance_m == pytest.approx(0.3 * STEP * 111_320 * 1.2, rel=0.3)
    assert got[1].distance_m > 300


def test_perform_takes_only_what_the_action_needs(db, city):
    c = report(db, city)
    with db.transaction() as s:
        c = case_desk.perform(s, city.dispatcher, c.case_id, c.version, "register",
                              {"category_code": "", "reason": "ignored", "note": "ok"})
    with db.transaction() as s:
        with pytest.raises(DomainError) as err:
            case_desk.perform(s, city.dispatcher, c.case_id, c.version, "park", {"reason": "x"})
    assert err.value.code == "role_not_allowed"


def test_bulk_dispatch_does_what_it_can_and_names_what_it_cannot(db, city):
    made = []
    for k in range(3):
        c = report(db, city, where=(k, 0))
        with db.transaction() as s:
            made.append(cases.register(s, city.dispatcher, c.case_id, c.version))
    stale = made[1]
    with db.transaction() as s:      # another seat acts on the second case first
        cases.add_note(s, city.leader, stale.case_id, stale.version, note="稍等")
    items = [(c.case_id, c.number, c.version) for c in made]
    result = case_desk.bulk_perform(db.transaction, city.dispatcher, items, "dispatch", {})
    assert [d.case_id for d in result.done] == [made[0].case_id, made[2].case_id]
    assert [(n, e.code) for n, e in result.refused] == [(stale.number, "stale_version")]
    with db.session() as s:
        statuses = [s.get(Case, c.case_id).status for c in made]
    assert statuses == ["dispatched", "registered", "dispatched"]


# --- hotline: places and duplicates ------------------------------------------------------------

def test_places_by_point_cell_code_and_address(db, city):
    with db.session() as s:
        here = hotline.place_at(s, *cell_centre(1, 2))
        assert here.cell_code == city.cell_codes[1 * 4 + 2]
        with pytest.raises(DomainError) as err:
            hotline.place_at(s, 0.0, 0.0)
        assert err.value.code == "location_outside_city"
        cell = hotline.place_of_cell(s, city.cell_codes[3])
        assert (cell.lon, cell.lat) == pytest.approx(cell_centre(0, 3))
        with pytest.raises(DomainError) as err:
            hotline.place_of_cell(s, "999")
        assert err.value.code == "unknown_cell"
    report(db, city, where=(2, 2))
    with db.session() as s:
        by_address = hotline.find_places(s, "曙光路")
        by_community = hotline.find_places(s, "街道11社区1")
        by_code = hotline.find_places(s, city.cell_codes[0][:12])
    assert [p.label for p in by_address] == ["曙光路12号"]
    assert by_address[0].cell_code == city.cell_codes[2 * 4 + 2]
    assert [p.label for p in by_community] == ["街道11社区1"]
    assert {p.cell_code for p in by_code} == {city.cell_codes[0], city.cell_codes[1]}


def test_duplicates_are_open_same_minor_category_within_50_m_and_24_h(db, city):
    near = report(db, city, at=NOW - timedelta(hours=2))
    report(db, city, at=NOW - timedelta(hours=25))                      # too old
    report(db, city, at=NOW - timedelta(hours=1), category=MANHOLE)      # other category
    report(db, city, at=NOW - timedelta(hours=1), dx=70 / 96_000)        # about 70 m east
    closed = report(db, city, at=NOW - timedelta(hours=1))
    with db.transaction() as s:
        cases.reject(s, city.dispatcher, closed.case_id, closed.version, reason="误报")
    lon, lat = cell_centre(0, 0)
    with db.session() as s:
        got = hotline.duplicate_candidates(s, GARBAGE, lon + 20 / 96_000, lat, now=NOW)
    assert [g.number for g in got] == [near.number]
    assert 15 < got[0].distance_m < 25 and got[0].version == 1


def test_merge_as_duplicate_links_rejects_and_notes_in_one_transaction(db, city):
    first = report(db, city, at=NOW - timedelta(hours=2))
    lon, lat = cell_centre(0, 0)
    new = dict(category_code=GARBAGE, source="hotline", lon=lon, lat=lat, address="曙光路12号",
               description="又有人打电话", reporter_name="王先生", reporter_phone="13900001111")
    with db.transaction() as s:
        change = hotline.merge_duplicate(s, city.dispatcher, first.case_id, first.version,
                                         reason="重复", note="重复来电", **new)
    with db.session() as s:
        dup = s.get(Case, change.case_id)
        target = s.get(Case, first.case_id)
        notes = [e.note for e in s.scalars(select(CaseEvent).where(
            CaseEvent.case_id == first.case_id).order_by(CaseEvent.id))]
    assert (dup.status, dup.duplicate_of_id, dup.reporter_phone) == ("rejected", first.case_id,
                                                                      "13900001111")
    assert target.status == "reported" and target.version == 2 and notes == [None, "重复来电"]

    before = counts(db)
    with pytest.raises(StaleVersion), db.transaction() as s:   # the case moved on meanwhile
        hotline.merge_duplicate(s, city.dispatcher, first.case_id, first.version, reason="重复",
                                note="再次来电", **new)
    assert counts(db) == before


def test_merge_into_a_finished_case_is_refused(db, city):
    first = report(db, city)
    with db.transaction() as s:
        c = cases.reject(s, city.dispatcher, first.case_id, first.version, reason="误报")
    before = counts(db)
    with pytest.raises(DomainError) as err, db.transaction() as s:
        hotline.merge_duplicate(s, city.dispatcher, first.case_id, c.version, reason="重复",
                                note="x", category_code=GARBAGE, source="hotline",
                                lon=CENTRE[0] + STEP / 2, lat=CENTRE[1] + STEP / 2)
    assert err.value.code == "duplicate_target_closed" and counts(db) == before
