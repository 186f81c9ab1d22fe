"""门前三包: the register, the suggestion at the distance threshold, the dispatcher's
confirmation on the case, warnings, and the repeat-offence alert with the time."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from pyproj import Geod
from sqlalchemy import select

from console.domain import frontage as geo
from console.domain.errors import DomainError
from console.services import frontage
from console.services.actor import actor_for
from console.services.alerts import AlertEngine
from console.services.settings import set_setting
from console.store.models import AuditRecord, CaseEvent, ChangeFeed, FrontageRecord
from tests.service_city import CENTRE, GARBAGE, MANHOLE, MON, STEP, report

WGS84 = Geod(ellps="WGS84")
A = (CENTRE[0] + STEP / 2, CENTRE[1] + STEP / 2)      # the east end of the test shop's kerb


def kerb(lon: float = A[0], lat: float = A[1]) -> dict:
    """A 60 m kerb running west from (lon, lat)."""
    return {"type": "LineString", "coordinates": [[lon - 0.0006, lat], [lon, lat]]}


def east_of(d: float) -> tuple[float, float]:
    """The point `d` metres due east of the kerb's end: its nearest point is that vertex, whose
    distance the projection keeps exactly."""
    lon, lat, _ = WGS84.fwd(A[0], A[1], 90, d)
    return lon, lat


def add_unit(db, city, code="F001", name="老王面馆", stretch=None, **kw) -> int:
    values = frontage.UnitValues(code, name, kw.pop("kind", "shop"), "曙光路12号", "王老板",
                                 "13800000000", stretch or kerb(), date(2026, 3, 1), **kw)
    with db.transaction() as s:
        return frontage.save_unit(s, city.leader, values, MON)


@pytest.mark.parametrize(("metres", "suggested"), [(29.9, True), (30.0, True), (30.1, False)])
def test_suggestion_exactly_at_the_threshold(db, city, metres, suggested):
    unit = add_unit(db, city)
    lon, lat = east_of(metres)
    with db.session() as s:
        found = frontage.suggestions(s, GARBAGE, lon, lat)
    assert [(f.unit_id, f.distance_m) for f in found] == ([(unit, metres)] if suggested else [])


def test_the_threshold_is_the_setting_and_only_frontage_categories_suggest(db, city):
    add_unit(db, city)
    lon, lat = east_of(45.0)
    with db.session() as s:
        assert frontage.suggestions(s, GARBAGE, lon, lat) == []
        assert frontage.suggestions(s, MANHOLE, *east_of(1.0)) == []     # 污水井盖: not frontage
    with db.transaction() as s:
        admin = actor_for(s, "admin")
        set_setting(s, admin, "frontage_distance_m", 45, MON)
    with db.session() as s:
        assert [f.distance_m for f in frontage.suggestions(s, GARBAGE, lon, lat)] == [45.0]
    with db.transaction() as s:      # the categories are data: by code as well as by name
        set_setting(s, admin, "frontage_categories", [MANHOLE], MON)
    with db.session() as s:
        assert frontage.suggestions(s, GARBAGE, lon, lat) == []
        assert len(frontage.suggestions(s, MANHOLE, lon, lat)) == 1


def test_default_categories_are_found_by_name_in_the_seeded_catalogue(db):
    with db.session() as s:
        codes = frontage.frontage_codes(s)
        from console.store.models import Category
        names = {c.name for c in s.scalars(select(Category).where(Category.code.in_(codes)))}
    assert {"店外经营", "暴露垃圾", "乱堆物堆料"} <= names
    assert GARBAGE in codes and MANHOLE not in codes


def test_nearest_first_inactive_left_out_and_inside_a_polygon_is_zero(db, city):
    near = add_unit(db, city, "F001", "近", kerb())
    lon, lat, _ = WGS84.fwd(A[0], A[1], 90, 20)
    start, end = (WGS84.fwd(A[0], A[1], 90, d)[:2] for d in (45, 100))
    far = add_unit(db, city, "F002", "远", {"type": "LineString",
                                            "coordinates": [list(start), list(end)]})
    add_unit(db, city, "F003", "停业", kerb(), active=False)
    ring = [[lon - 0.0001, lat - 0.0001], [lon + 0.0001, lat - 0.0001],
            [lon + 0.0001, lat + 0.0001], [lon - 0.0001, lat + 0.0001]]
    square = add_unit(db, city, "F004", "单位", {"type": "Polygon",
                                                 "coordinates": [ring + ring[:1]]},
                      kind="organisation")
    with db.session() as s:
        found = frontage.suggestions(s, GARBAGE, lon, lat)
    assert [(f.unit_id, f.distance_m) for f in found] == [(square, 0.0), (near, 20.0),
                                                           (far, 25.0)]


def test_confirming_records_it_on_the_case_and_counts_an_offence(db, city):
    unit = add_unit(db, city)
    other = add_unit(db, city, "F002", "隔壁超市")
    lon, lat = east_of(10)
    change = report(db, city.dispatcher, lon=lon, lat=lat)
    with db.session() as s:
        assert [f.unit_id for f in frontage.case_suggestions(s, change.case_id)] == [unit, other]
    with db.transaction() as s:
        after = frontage.confirm_responsible(s, city.dispatcher, change.case_id, change.version,
                                             unit, MON)
    assert after.version == change.version + 1
    with db.transaction() as s:     # a correction replaces it: still one offence per case
        frontage.confirm_responsible(s, city.dispatcher, change.case_id, after.version, other,
                                     MON + timedelta(minutes=1))
    with db.session() as s:
        notes = [e.data["frontage_unit"]["id"] for e in s.scalars(
            select(CaseEvent).where(CaseEvent.case_id == change.case_id,
                                    CaseEvent.action == "add_note"))]
        assert notes == [unit, other]
        assert frontage.confirmed_unit(s, change.case_id) == (other, "F002", "隔壁超市")
        records = s.scalars(select(FrontageRecord)).all()
        assert [(r.unit_id, r.kind, r.case_id) for r in records] == [
            (other, "offence", change.case_id)]
        assert s.scalar(select(AuditRecord.id).where(AuditRecord.entity == "frontage",
                                                     AuditRecord.entity_id == str(unit)))
        entities = {r.entity for r in s.scalars(select(ChangeFeed))}
        assert "frontage" in entities
    with pytest.raises(DomainError) as err, db.transaction() as s:     # the stale version
        frontage.confirm_responsible(s, city.dispatcher, change.case_id, change.version, unit, MON)
    assert err.value.code == "stale_version"


def test_warnings_are_listed_per_unit_and_bad_input_is_refused(db, city):
    unit = add_unit(db, city)
    with db.transaction() as s:
        frontage.record_warning(s, city.dispatcher, unit, "warning", "占道摆放，已劝导", MON)
        frontage.record_warning(s, city.dispatcher, unit, "notice", "书面告知",
                                MON + timedelta(hours=1))
    with db.session() as s:
        assert [(r.kind, r.note) for r in frontage.unit_records(s, unit)] == [
            ("notice", "书面告知"), ("warning", "占道摆放，已劝导")]
        (view,) = frontage.units(s, MON, None)
        assert (view.warnings, view.offences) == (2, 0)
    refusals = {
        "bad_frontage_record": lambda s: frontage.record_warning(s, city.dispatcher, unit,
                                                                 "offence", "", MON),
        "frontage_code_taken": lambda s: frontage.save_unit(s, city.leader, frontage.UnitValues(
            "F001", "重号", "shop", "", "", None, kerb()), MON),
        "stretch_too_short": lambda s: frontage.save_unit(s, city.leader, frontage.UnitValues(
            "F009", "一点", "shop", "", "", None, {"type": "LineString",
                                                 "coordinates": [[120.1, 30.2]]}), MON),
        "bad_stretch": lambda s: frontage.save_unit(s, city.leader, frontage.UnitValues(
            "F009", "出界", "shop", "", "", None, {"type": "LineString",
                                                 "coordinates": [[120.1, 30.2], [190, 30]]}), MON),
        "bad_phone": lambda s: frontage.save_unit(s, city.leader, frontage.UnitValues(
            "F009", "电话", "shop", "", "", "call me", kerb()), MON),
    }
    for code, fn in refusals.items():
        with pytest.raises(DomainError) as err, db.transaction() as s:
            fn(s)
        assert err.value.code == code


def test_stretch_text_round_trip():
    geometry = geo.stretch_geometry(geo.parse_points("120.1 30.2; 120.101 30.2；120.101,30.201"))
    assert geometry["type"] == "LineString"
    assert geo.stretch_geometry(geo.parse_points(geo.points_text(geometry))) == geometry
    ring = "120.1 30.2; 120.101 30.2; 120.101 30.201; 120.1 30.2"
    assert geo.stretch_geometry(geo.parse_points(ring))["type"] == "Polygon"
    with pytest.raises(DomainError) as err:
        geo.parse_points("120.1 30.2; 120.1")
    assert err.value.params == {"point": 2}


def test_repeat_offences_raise_an_alert_that_clears_with_the_period(db, city):
    """3 offences in 30 days (the defaults): the alert opens at the third and clears when the
    first leaves the period."""
    unit = add_unit(db, city)
    engine = AlertEngine()
    lon, lat = east_of(5)
    times = [MON, MON + timedelta(days=10), MON + timedelta(days=20)]
    for i, at in enumerate(times):
        change = report(db, city.dispatcher, lon=lon, lat=lat, at=at)
        with db.transaction() as s:
            frontage.confirm_responsible(s, city.dispatcher, change.case_id, change.version,
                                         unit, at)
        with db.transaction() as s:
            engine.evaluate(s, at + timedelta(minutes=1))
        with db.session() as s:
            keys = {a.open_key for a in s.scalars(select(frontage_alerts()))
                    if a.open_key and a.kind == "frontage_repeat"}
        assert keys == ({f"frontage_repeat:frontage:{unit}"} if i == 2 else set())
    with db.session() as s:
        (repeat,) = frontage.repeat_offenders(s, times[2])
        assert (repeat.unit_id, repeat.count, repeat.first_at) == (unit, 3, MON)
    for at, still in ((MON + timedelta(days=30), True),
                      (MON + timedelta(days=30, seconds=1), False)):
        with db.transaction() as s:
            engine.evaluate(s, at)
        with db.session() as s:
            open_ = [a for a in s.scalars(select(frontage_alerts()))
                     if a.kind == "frontage_repeat" and a.resolved_at is None]
        assert bool(open_) is still
        if still:
            assert open_[0].params["count"] == 3 and open_[0].params["name"] == "老王面馆"


def frontage_alerts():
    from console.store.models import Alert
    return Alert


def test_distances_from_many_threads_at_once():
    """The seats' workers measure at once (a shared PROJ transformer crashed the process)."""
    import threading
    start = threading.Barrier(4)
    results: list[set[float]] = []

    def measure(d: float) -> None:
        start.wait()
        results.append({geo.distance_m(kerb(), *east_of(d)) for _ in range(200)})

    threads = [threading.Thread(target=measure, args=(d,)) for d in (5.0, 10.0, 29.9, 30.1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.pop() for r in results if len(r) == 1) == [5.0, 10.0, 29.9, 30.1]


@pytest.mark.parametrize("coordinates", [
    [[120.1, "x"], [120.2, 30.2]],          # a string
    [[120.1, None], [120.2, 30.2]],         # a null
    [120.1, 30.1],                          # flat numbers, not points
    [[120.1, 30.1, 5.0], [120.2, 30.2]],    # three numbers
    [{"lon": 120.1}, [120.2, 30.2]],        # an object
])
def test_a_malformed_drawn_stretch_is_refused_by_name(coordinates):
    from console.domain import frontage as geo
    with pytest.raises(DomainError) as refused:
        geo.stretch_from_geojson({"type": "LineString", "coordinates": coordinates})
    assert refused.value.code == "bad_stretch" and refused.value.params["point"] == 1


def test_the_hotline_form_saved_again_with_its_unit_is_the_case_filed(db, city):
    """A retry after a lost answer: the same unit returns the case as it is (no second note,
    audit row or version); another unit means the form changed since, and is refused."""
    from console.store.models import Case
    unit = add_unit(db, city)
    other = add_unit(db, city, "F002", "隔壁超市")
    lon, lat = east_of(10)
    fields = dict(category_code=GARBAGE, source="hotline", lon=lon, lat=lat, address="曙光路12号",
                  description="门前堆物", reporter_name="李女士", reporter_phone="13812345678",
                  at=MON, client_key="form-1")
    with db.transaction() as s:
        first = frontage.report_case(s, city.dispatcher, unit, **fields)
    with db.session() as s:
        before = (s.scalars(select(CaseEvent.id)).all(), s.scalars(select(AuditRecord.id)).all())
    with db.transaction() as s:
        again = frontage.report_case(s, city.dispatcher, unit, **fields)
    assert (again.case_id, again.version) == (first.case_id, first.version)
    for changed in ({"unit": other}, {"lon": lon + 0.0001}, {"urgent": True}):
        with pytest.raises(DomainError) as refused, db.transaction() as s:
            frontage.report_case(s, city.dispatcher, changed.pop("unit", unit),
                                 **(fields | changed))
        assert refused.value.code == "form_already_saved"
    with db.session() as s:
        assert (s.scalars(select(CaseEvent.id)).all(),
                s.scalars(select(AuditRecord.id)).all()) == before
        assert s.scalars(select(FrontageRecord.unit_id)).all() == [unit]
        assert s.get(Case, first.case_id).version == first.version


def test_two_seats_editing_one_unit_the_second_is_refused(db, city):
    """Optimistic locking: each edit expects the version it read; the later one is refused by
    name and changes nothing (it was a silent lost update)."""
    unit = add_unit(db, city)
    with db.session() as s:
        (view,) = [v for v in frontage.units(s, MON, None) if v.id == unit]

    def edit(person, version):
        values = frontage.UnitValues(view.code, view.name, view.kind, view.address, person,
                                     view.phone, view.stretch, view.letter_signed_on, True)
        with db.transaction() as s:
            return frontage.save_unit(s, city.leader, values, MON, unit, version)
    edit("王老板", view.version)
    with pytest.raises(DomainError) as refused:
        edit("李老板", view.version)
    assert refused.value.code == "frontage_unit_changed"
    with db.session() as s:
        (after,) = [v for v in frontage.units(s, MON, None) if v.id == unit]
    assert (after.person, after.version) == ("王老板", view.version + 1)
