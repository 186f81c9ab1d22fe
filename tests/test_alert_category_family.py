"""The hotspot and recurrence rules count a 细类 in its 小类: a hand-built town where two
reports of 上水井盖 (10101) and one of its 细类 in one cell reach the threshold of three, and a
细类 case coming back after its 小类's closure is a recurrence, digested under the 小类. On
SQLite, and on PostgreSQL when CITY_CONSOLE_TEST_PG_URL is set."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.services import categories
from console.services.actor import actor_for
from console.services.alerts import AlertEngine
from console.store.models import Alert, Category
from tests import alert_city as C
from tests.alert_city import MONDAY, ORDINARY
from tests.pg_server import each_database

T = MONDAY.replace(hour=9)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    with each_database(request.param, tmp_path, "console_category_family") as database:
        yield database


@pytest.fixture
def city(db):
    return C.build(db)


def _subclass(db, parent: str, name: str) -> str:
    with db.transaction() as s:
        return categories.add_subclass(s, actor_for(s, "admin"), parent, name=name, at=T)


def test_a_subclass_counts_in_its_classs_hotspot(db, city):
    fine = _subclass(db, ORDINARY, "井盖破损")
    other = _subclass(db, "10102", "雨水井盖破损")      # a 细类 of another 小类
    assert fine.startswith(ORDINARY) and len(fine) == 7
    engine = AlertEngine()
    C.report(db, city, T, cell=2)
    C.report(db, city, T + timedelta(hours=1), cell=2)
    C.report(db, city, T + timedelta(hours=2), cell=2, category=other)   # not counted
    C.evaluate(db, engine, T + timedelta(hours=2))
    assert not any(k.startswith("hotspot") for k in C.open_alerts(db))
    C.report(db, city, T + timedelta(hours=3), cell=2, category=fine)
    C.evaluate(db, engine, T + timedelta(hours=3))
    (key,) = [k for k in C.open_alerts(db) if k.startswith("hotspot")]
    assert key == f"hotspot:cell:{city.cell_ids[2]}:{ORDINARY}"
    hotspot = C.open_alerts(db)[key]
    assert hotspot.params["count"] == 3 and hotspot.params["category_name"] == "上水井盖"
    # A fresh look (a new seat) counts alike.
    with db.session() as s:
        found = engine.findings(s, T + timedelta(hours=3))
    assert {f.key for f in found if f.kind == "hotspot"} == {key}


def test_a_subclass_case_recurs_after_its_classs_closure(db, city):
    fine = _subclass(db, ORDINARY, "井盖破损")
    first = C.report(db, city, T, cell=3)
    C.close(db, city, C.dispatch(db, city, first, T), T + timedelta(hours=1))
    again = C.report(db, city, T + timedelta(days=2), cell=3, category=fine)
    engine = AlertEngine()
    C.evaluate(db, engine, T + timedelta(days=2, minutes=1))
    digest = C.open_alerts(db)[f"recurrence_digest:digest:0:{ORDINARY}"]
    assert digest.params["name"] == "上水井盖"
    assert [(m["id"], m["previous"]) for m in digest.members] == [(again.case_id, first.number)]
    assert digest.members[0]["category_name"] == "井盖破损"


def test_a_class_case_recurs_after_its_subclasss_closure_and_both_digest_together(db, city):
    fine = _subclass(db, ORDINARY, "井盖破损")
    first = C.report(db, city, T, cell=1, category=fine)
    C.close(db, city, C.dispatch(db, city, first, T), T + timedelta(hours=1))
    a = C.report(db, city, T + timedelta(days=1), cell=1)
    b = C.report(db, city, T + timedelta(days=1, hours=1), cell=1, category=fine)
    engine = AlertEngine()
    C.evaluate(db, engine, T + timedelta(days=1, hours=2))
    digests = [a_ for a_ in C.open_alerts(db).values() if a_.kind == "recurrence_digest"]
    assert [d.open_key for d in digests] == [f"recurrence_digest:digest:0:{ORDINARY}"]
    assert {m["id"]: m["previous"] for m in digests[0].members} == {
        a.case_id: first.number, b.case_id: first.number}


def test_a_subclass_keeps_its_classs_time_window(db, city):
    # 露天烧烤 counts at night only (the default setting names it); its 细类 has another name
    # and no window of its own: it counts at night only too, in the 小类's hotspot.
    with db.session() as s:
        bbq = s.scalar(select(Category.code).where(Category.name == "露天烧烤"))
    fine = _subclass(db, bbq, "烧烤油烟")
    engine = AlertEngine()
    night = MONDAY.replace(hour=19)
    C.report(db, city, night - timedelta(hours=1), cell=2, category=fine)    # by day: no
    C.report(db, city, night, cell=2, category=bbq)
    C.report(db, city, night + timedelta(minutes=10), cell=2, category=bbq)
    C.evaluate(db, engine, night + timedelta(minutes=20))
    assert not any(k.startswith("hotspot") for k in C.open_alerts(db))
    C.report(db, city, night + timedelta(minutes=30), cell=2, category=fine)
    C.evaluate(db, engine, night + timedelta(minutes=31))
    key = f"hotspot:cell:{city.cell_ids[2]}:{bbq}"
    assert C.open_alerts(db)[key].params["count"] == 3


def test_an_acknowledged_digest_of_a_subclass_stays_acknowledged_under_its_class(db, city):
    # A centre upgrading: its stored recurrence digest was keyed by the 细类 and acknowledged;
    # the new roll-up moves the same recurrence into the 小类's digest, which opens
    # acknowledged — the duty leader has seen it.
    fine = _subclass(db, ORDINARY, "井盖破损")
    first = C.report(db, city, T, cell=3, category=fine)
    C.close(db, city, C.dispatch(db, city, first, T), T + timedelta(hours=1))
    again = C.report(db, city, T + timedelta(days=1), cell=3, category=fine)
    seen_at = T + timedelta(days=1, minutes=5)
    with db.transaction() as s:
        s.add(Alert(kind="recurrence_digest", severity="info", subject_type="digest",
                    subject_id=0, params={"category": fine, "name": "井盖破损", "count": 1},
                    raised_at=T + timedelta(days=1, minutes=1),
                    open_key=f"recurrence_digest:digest:0:{fine}", level=0,
                    acknowledged_at=seen_at, acknowledged_by=city.leader.user_id,
                    members=[{"id": again.case_id, "number": again.number,
                              "category_name": "井盖破损", "previous": first.number,
                              "since": (T + timedelta(days=1)).isoformat(),
                              "joined": (T + timedelta(days=1, minutes=1)).isoformat()}]))
    C.evaluate(db, AlertEngine(), T + timedelta(days=1, minutes=10))
    digests = [a for a in C.open_alerts(db).values() if a.kind == "recurrence_digest"]
    assert [d.open_key for d in digests] == [f"recurrence_digest:digest:0:{ORDINARY}"]
    assert digests[0].acknowledged_at == seen_at
    assert digests[0].acknowledged_by == city.leader.user_id
