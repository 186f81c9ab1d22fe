"""Every text a user, a file or a network client supplies is refused by name or stored as given
(after NFC and stripping), on SQLite and PostgreSQL — never a crash, never a silent store."""
from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import select

from console.domain.errors import DomainError
from console.domain.limits import TEXT_LIMITS, check_count, check_text, normalise
from console.services.actor import actor_for
from console.services import case_desk, cases, hotline, queues
from console.services.settings import get_setting, set_setting
from console.store.models import Case, CaseEvent, Department
from tests.limits_world import world  # noqa: F401 — the fixture
from tests.service_city import CENTRE, GARBAGE, MON, STEP

_ids = count(1)


def report(w, **kw):
    """A valid report, with `kw` replacing its fields."""
    params = {"category_code": GARBAGE, "source": "hotline", "lon": CENTRE[0] + STEP / 3,
              "lat": CENTRE[1] + STEP / 3, "address": "曙光路12号", "description": "路边暴露垃圾",
              "reporter_name": "李女士", "reporter_phone": "13812345678",
              "at": MON + timedelta(seconds=next(_ids))} | kw
    with w.db.transaction() as s:
        return cases.report(s, w.city.dispatcher, **params)


def refused(fn, *args, **kw) -> DomainError:
    with pytest.raises(DomainError) as info:
        fn(*args, **kw)
    return info.value


def stored(w, case_id: int) -> Case:
    with w.db.session() as s:
        return s.get(Case, case_id)


def last_note(w, case_id: int) -> str | None:
    with w.db.session() as s:
        return s.scalars(select(CaseEvent.note).where(CaseEvent.case_id == case_id)
                         .order_by(CaseEvent.id.desc())).first()


# --- the limits themselves (pure) -------------------------------------------------------------

def test_check_text_normalises_then_measures():
    assert check_text("address", "  Cafe\u0301 路 ") == "Café 路"          # NFC, stripped
    assert check_text("reporter_name", "   ", optional=True) is None
    assert check_text("note", "第一行\n\t第二行") == "第一行\n\t第二行"       # multi-line field
    assert check_text("address", "\u202e右到左\u200f 👨‍👩‍👧") == "\u202e右到左\u200f 👨‍👩‍👧"
    assert check_text("reporter_name", "名" * 64) == "名" * 64


@pytest.mark.parametrize("field, value, code", [
    ("reporter_name", "名" * 65, "text_too_long"),
    ("external_id", "x" * 1_000_000, "text_too_long"),
    ("note", "x" * 10_000_000, "text_too_long"),
    ("address", "a\x00b", "text_bad_character"),
    ("address", "line\nbreak", "text_bad_character"),     # a single-line field
    ("note", "lone \ud800 surrogate", "text_bad_character"),
    ("description", "bell\x07", "text_bad_character"),
    ("search", 42, "not_text"),
])
def test_check_text_refuses_by_name(field, value, code):
    err = refused(check_text, field, value)
    assert err.code == code and err.params["field"] == field


def test_check_count_refuses_long_lists():
    assert check_count("photos", ["a"] * 20) == ["a"] * 20
    assert refused(check_count, "photos", ["a"] * 10_000).code == "too_many_items"
    assert refused(check_count, "photos", "a.jpg").code == "not_a_list"


# --- the defects found, on both databases ------------------------------------------------------

def test_a_long_name_or_external_id_is_refused_not_crashed_or_stored_whole(world):
    assert refused(report, world, reporter_name="名" * 70).params == {
        "field": "reporter_name", "limit": 64}
    assert refused(report, world, external_id="x" * 1_000_000).params["field"] == "external_id"
    name = "名" * 64
    c = report(world, reporter_name=name, external_id="e" * 64)
    assert (stored(world, c.case_id).reporter_name, stored(world, c.case_id).external_id) == \
        (name, "e" * 64)


def test_ten_thousand_photos_are_refused(world):
    assert refused(report, world, photos=[f"p{i}.jpg" for i in range(10_000)]).code == \
        "too_many_items"
    assert refused(report, world, photos=["ok.jpg", "bad\x00.jpg"]).params["field"] == "photo"
    c = report(world, photos=[" a.jpg ", "b.jpg"])
    assert stored(world, c.case_id).photos == ["a.jpg", "b.jpg"]


@pytest.mark.parametrize("bad", ["\x00", "\ud800", "\udfff"])
def test_nul_and_lone_surrogates_are_refused_everywhere(world, bad):
    w = world
    for field in ("description", "address", "reporter_name", "external_id"):
        assert refused(report, w, **{field: f"a{bad}b"}).code == "text_bad_character"
    c = report(w)
    assert refused(lambda: _do(w, cases.add_note, w.city.dispatcher, c,
                               note=f"x{bad}")).code == "text_bad_character"
    assert refused(lambda: _do(w, cases.reject, w.city.dispatcher, c,
                               reason=f"x{bad}")).code == "text_bad_character"
    with w.db.session() as s:
        assert refused(queues.queue_page, s, queues.QueueQuery(
            "all", queues.QueueFilter(text=f"垃圾{bad}"))).params["field"] == "search"
        assert refused(hotline.find_places, s, f"曙光{bad}路").params["field"] == "search"
        assert refused(hotline.place_of_cell, s, f"33{bad}").params["field"] == "cell_code"


def test_huge_search_text_is_refused_not_too_complex(world):
    with world.db.session() as s:
        assert refused(hotline.find_places, s, "曙" * 100_000).code == "text_too_long"
        assert refused(queues.stage_counts, s, queues.QueueFilter(text="x" * 100_000)).code == \
            "text_too_long"
        # Under the limit, LIKE and FTS metacharacters are plain text.
        assert hotline.find_places(s, "%_\\'\"" * 40) == []
        assert queues.queue_page(s, queues.QueueQuery(
            "all", queues.QueueFilter(text="%_\\'\" AND OR NEAR(\"x\" * 3"))).rows == []


def test_notes_and_reasons_are_bounded(world):
    w = world
    c = report(w)
    assert refused(lambda: _do(w, cases.add_note, w.city.dispatcher, c,
                               note="x" * 1_000_000)).params == {"field": "note", "limit": 2000}
    assert refused(lambda: _do(w, cases.reject, w.city.dispatcher, c,
                               reason="x" * 10_000_000)).params == {"field": "reason",
                                                                    "limit": 2000}
    _do(w, cases.add_note, w.city.dispatcher, c, note="  第一行\n第二行 ")
    assert last_note(w, c.case_id) == "第一行\n第二行"


def test_an_unknown_action_is_refused_by_name(world):
    c = report(world)
    with world.db.transaction() as s:
        err = refused(case_desk.perform, s, world.city.dispatcher, c.case_id, c.version,
                      "teleport", {})
    assert (err.code, err.params) == ("unknown_action", {"action": "teleport"})
    with world.db.transaction() as s:
        assert refused(cases.act, s, world.city.dispatcher, c.case_id, c.version,
                       "report").code == "unknown_action"


def test_dispatch_to_a_retired_department_is_refused(world):
    w = world
    c = _do(w, cases.register, w.city.dispatcher, report(w))
    with w.db.transaction() as s:
        retired = Department(name=f"已撤销的部门{next(_ids)}", active=False)
        s.add(retired)
        s.flush()
        retired_id, name = retired.id, retired.name
    err = refused(lambda: _do(w, cases.dispatch, w.city.dispatcher, c, department_id=retired_id))
    assert (err.code, err.params) == ("department_retired", {"name": name})
    assert stored(w, c.case_id).status == "registered"


def test_a_department_cannot_write_on_a_case_not_dispatched_to_it(world):
    w = world
    c = report(w)
    err = refused(lambda: _do(w, cases.add_note, w.department, c, note="不是我们的"))
    assert err.code == "not_your_department"
    c = _do(w, cases.register, w.city.dispatcher, c)
    assert refused(lambda: _do(w, cases.add_note, w.department, c,
                               note="还没派给我们")).code == "not_your_department"
    c = _do(w, cases.dispatch, w.city.dispatcher, c)
    _do(w, cases.add_note, w.department, c, note="已到现场")
    assert last_note(w, c.case_id) == "已到现场"


def test_settings_values_are_checked(world):
    at = MON
    with world.db.transaction() as s:
        admin = actor_for(s, "admin")
        assert refused(set_setting, s, admin, "city_name", "杭\x00州", at).code == "text_bad_character"
        assert refused(set_setting, s, admin, "city_name", 3, at).code == "bad_setting"
        assert refused(set_setting, s, admin, "no_such_key", 1, at).code == "unknown_setting"
        assert refused(set_setting, s, admin, "alert_idle_min", float("nan"), at).code == "bad_setting"
        set_setting(s, admin, "city_name", " 杭州市 ", at)
    with world.db.session() as s:
        assert get_setting(s, "city_name") == "杭州市"


def _do(w, fn, actor, change, **kw):
    with w.db.transaction() as s:
        return fn(s, actor, change.case_id, change.version, **kw)


def test_normalise_is_what_the_tests_compare_with():
    assert normalise(" e\u0301 ") == "é"
    assert TEXT_LIMITS["external_id"].max_length == Case.__table__.c.external_id.type.length
    assert TEXT_LIMITS["reporter_name"].max_length == Case.__table__.c.reporter_name.type.length
    assert TEXT_LIMITS["address"].max_length == Case.__table__.c.address.type.length
