"""The category catalogue edited by an administrator: local classes with codes that cannot be
national ones, 细类 under a 小类, edits, retire and reinstate (old cases keep their class), named
refusals for bad input, every write audited and told to every seat through the feed."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from console.domain.changes import ChangeKind
from console.domain.errors import DomainError
from console.services import case_desk, cases, categories, queues
from console.services.actor import actor_for
from console.store import feed
from console.store.models import AuditRecord, Category
from console.store.seed import read_categories
from tests.pg_server import fresh_database, needs_pg
from tests.service_city import GARBAGE, MANHOLE, MON


def _admin(s):
    return actor_for(s, "admin")


def _refused(db, fn) -> DomainError:
    with db.transaction() as s, pytest.raises(DomainError) as caught:
        fn(s, _admin(s))
    return caught.value


def _add(db, **kw) -> str:
    args = {"kind": "event", "name": "共享单车乱停放", "time_limit": 2, "time_unit": "work_hours",
            **kw}
    with db.transaction() as s:
        return categories.add_class(s, _admin(s), at=MON, **args)


def test_local_codes_never_take_a_national_code(db):
    national = {r.code for r in read_categories()}
    under_national = _add(db, major_code="05")
    new_major = _add(db, major_name="本地专项", name="夜市占道")
    second = _add(db, major_name=None, major_code="901", name="夜市噪音")
    with db.transaction() as s:
        fine = categories.add_subclass(s, _admin(s), GARBAGE, name="建筑垃圾", at=MON)
        finer = categories.add_subclass(s, _admin(s), under_national, name="电动车", at=MON)
    assert (under_national, new_major, second) == ("205901", "290101", "290102")
    assert (fine, finer) == (GARBAGE + "01", "20590101")
    assert not {under_national, new_major, second, fine, finer} & national
    assert all(len(c) == 5 for c in national)
    with db.session() as s:
        tree = categories.category_tree(s)
    row = tree.get(fine)
    garbage = tree.get(GARBAGE)
    # A 细类 takes its 小类's department, limit and urgency unless told otherwise.
    assert (row.level, row.parent_code, row.department_id, row.time_limit, row.time_unit) == (
        3, GARBAGE, garbage.department_id, garbage.time_limit, garbage.time_unit)
    assert tree.get(new_major).major_name == "本地专项" and tree.get(new_major).local
    assert ("901", "本地专项") in tree.majors("event")
    codes = [r.code for r in tree.rows]
    assert codes.index(fine) == codes.index(GARBAGE) + 1     # a 细类 follows its 小类


def test_every_write_is_audited_and_reaches_a_second_session(db, tmp_path):
    from console.store.database import open_database
    other = open_database(f"sqlite:///{tmp_path / 'test.db'}")   # another seat, same file
    try:
        with other.session() as s:
            start = feed.current_seq(s)
        code = _add(db, major_code="05")
        with db.transaction() as s:
            dep = next(d for d, _ in categories.category_tree(s).departments)
            assert categories.edit_category(s, _admin(s), code, name="单车乱停", department_id=dep,
                                            time_limit=4, time_unit="hours", urgent=True, at=MON)
            assert not categories.edit_category(s, _admin(s), code, name="单车乱停",
                                                department_id=dep, time_limit=4,
                                                time_unit="hours", urgent=True, at=MON)
            assert categories.set_active(s, _admin(s), code, False, at=MON)
        with other.session() as s:
            rows = feed.changes_since(s, start).rows
            refs = queues.references(s)
            audits = s.scalars(select(AuditRecord).where(AuditRecord.entity == "category")
                               .order_by(AuditRecord.id)).all()
        assert [(r.entity, r.action) for r in rows] == [
            (ChangeKind.CATEGORY, "added"), (ChangeKind.CATEGORY, "changed"),
            (ChangeKind.CATEGORY, "changed")]
        assert [a.action for a in audits] == ["added", "changed", "changed"]
        assert audits[0].actor_name == "系统管理员"
        assert audits[1].data["after"] == {"name": "单车乱停", "department_id": dep,
                                           "time_limit": 4.0, "time_unit": "hours",
                                           "urgent": True}
        assert refs.category(code) is None          # retired: gone from the pickers
    finally:
        other.dispose()


def test_retiring_keeps_old_cases_and_closes_the_class_to_new_ones(db, city):
    with db.transaction() as s:
        case_id = cases.report(s, city.dispatcher, category_code=MANHOLE, source="hotline",
                               cell_code=city.cell_codes[0], at=MON).case_id
        fine = categories.add_subclass(s, _admin(s), MANHOLE, name="井盖破损", at=MON)
        # Its 细类 retire with it: every reader of `active` agrees (pickers, intake, Open311).
        assert categories.set_active(s, _admin(s), MANHOLE, False, at=MON) == [MANHOLE, fine]
    with db.session() as s:
        detail = case_desk.case_detail(s, case_id)
        refs = queues.references(s)
        tree = categories.category_tree(s)
    assert (detail.category_code, detail.category_name) == (MANHOLE, "污水井盖")
    assert refs.category(MANHOLE) is None
    assert refs.category(fine) is None
    assert tree.get(MANHOLE).cases == 1 and not tree.get(MANHOLE).active
    assert not tree.get(fine).active
    for code in (MANHOLE, fine):
        with db.transaction() as s, pytest.raises(DomainError) as caught:
            cases.report(s, city.dispatcher, category_code=code, source="hotline",
                         cell_code=city.cell_codes[0], at=MON)
        assert caught.value.code == "unknown_category"
    assert _refused(db, lambda s, a: categories.set_active(s, a, fine, True)).code == \
        "category_parent_retired"
    assert _refused(db, lambda s, a: categories.add_subclass(s, a, MANHOLE, name="x")).code == \
        "category_retired"
    with db.transaction() as s:
        # Back one by one: the 小类 first, then whichever of its 细类 the centre still uses.
        assert categories.set_active(s, _admin(s), MANHOLE, True, at=MON) == [MANHOLE]
        assert categories.set_active(s, _admin(s), MANHOLE, True, at=MON) == []
        assert queues.references(s).category(fine) is None
        assert categories.set_active(s, _admin(s), fine, True, at=MON) == [fine]
    with db.session() as s:
        refs = queues.references(s)
    assert refs.category(MANHOLE) is not None and refs.category(fine) is not None
    assert refs.category(fine).parent_code == MANHOLE


def test_only_an_administrator_edits_the_catalogue(db, city):
    for actor in (city.dispatcher, city.leader):
        with db.transaction() as s, pytest.raises(DomainError) as caught:
            categories.set_active(s, actor, GARBAGE, False, at=MON)
        assert caught.value.code == "role_not_allowed"
    with db.session() as s:
        assert s.scalar(select(Category.active).where(Category.code == GARBAGE))


@pytest.mark.parametrize(("kw", "code"), [
    ({"name": ""}, "category_name_required"),
    ({"name": "   "}, "category_name_required"),
    ({"name": "垃圾" * 40}, "text_too_long"),
    ({"name": "a\x00b"}, "text_bad_character"),
    ({"name": 42}, "not_text"),
    ({"name": "暴露垃圾", "major_code": "01"}, "category_name_taken"),
    ({"major_code": "77"}, "not_found"),
    ({"major_code": None, "major_name": ""}, "category_name_required"),
    ({"major_code": None, "major_name": "市容环境"}, "category_name_taken"),
    ({"kind": "weather", "major_code": "01"}, "bad_category_kind"),
    ({"time_limit": 0, "major_code": "01"}, "bad_time_limit"),
    ({"time_limit": float("nan"), "major_code": "01"}, "bad_time_limit"),
    ({"time_limit": True, "major_code": "01"}, "bad_time_limit"),
    ({"time_unit": "fortnights", "major_code": "01"}, "bad_time_limit"),
    ({"department_id": 99999, "major_code": "01"}, "not_found"),
])
def test_bad_input_is_refused_by_name_and_writes_nothing(db, kw, code):
    args = {"kind": "event", "name": "新类", "time_limit": 2, "time_unit": "work_hours",
            "major_code": "01", **kw}
    with db.session() as s:
        before = feed.current_seq(s), len(s.scalars(select(Category.id)).all())
    assert _refused(db, lambda s, a: categories.add_class(s, a, at=MON, **args)).code == code
    with db.session() as s:
        assert (feed.current_seq(s), len(s.scalars(select(Category.id)).all())) == before


def test_edits_are_checked_like_additions(db):
    edit = {"name": "暴露垃圾", "department_id": None, "time_limit": 4, "time_unit": "work_hours",
            "urgent": False}
    assert _refused(db, lambda s, a: categories.edit_category(
        s, a, "29999", **edit)).code == "not_found"
    assert _refused(db, lambda s, a: categories.edit_category(
        s, a, GARBAGE, **{**edit, "name": "积存垃圾渣土"})).code == "category_name_taken"
    assert _refused(db, lambda s, a: categories.edit_category(
        s, a, GARBAGE, **{**edit, "time_limit": 1001})).code == "bad_time_limit"
    assert _refused(db, lambda s, a: categories.edit_category(
        s, a, "2\x00", **edit)).code == "text_bad_character"
    with db.transaction() as s:
        fine = categories.add_subclass(s, _admin(s), GARBAGE, name="建筑垃圾", at=MON)
    assert _refused(db, lambda s, a: categories.add_subclass(
        s, a, fine, name="更细")).code == "category_too_deep"


def test_two_administrators_editing_one_class_the_second_is_refused(db):
    """Each edit expects the class as its editor read it: the later one is refused by name and
    leaves the earlier edit in place (it silently undid it)."""
    with db.session() as s:
        read = categories.category_tree(s).get(GARBAGE)
    edit = {"department_id": read.department_id, "time_limit": read.time_limit,
            "time_unit": read.time_unit, "urgent": read.urgent}
    with db.transaction() as s:
        assert categories.edit_category(s, _admin(s), GARBAGE, name="暴露垃圾（街面）",
                                        expected=read, at=MON, **edit)
    refused = _refused(db, lambda s, a: categories.edit_category(
        s, a, GARBAGE, name="暴露垃圾（小区）", expected=read, at=MON, **edit))
    assert (refused.code, refused.params["code"]) == ("category_changed", GARBAGE)
    with db.session() as s:
        assert categories.category_tree(s).get(GARBAGE).name == "暴露垃圾（街面）"


@needs_pg
def test_the_catalogue_on_postgresql():
    from console.store.database import open_database
    with fresh_database("console_categories") as url:
        pg = open_database(url)
        other = open_database(url)
        try:
            with other.session() as s:
                start = feed.current_seq(s)
            code = _add(pg, major_code="05")
            with pg.transaction() as s:
                fine = categories.add_subclass(s, _admin(s), code, name="电动车", at=MON)
                categories.set_active(s, _admin(s), code, False, at=MON)
            assert (code, fine) == ("205901", "20590101")
            with other.session() as s:
                rows = feed.changes_since(s, start).rows
                refs = queues.references(s)
                tree = categories.category_tree(s)
            assert [r.entity for r in rows] == [ChangeKind.CATEGORY] * 4   # the 细类 retired too
            assert refs.category(code) is None and refs.category(fine) is None
            assert tree.get(fine).parent_code == code and not tree.get(code).active
            assert _refused(pg, lambda s, a: categories.add_class(
                s, a, kind="event", name="x\x00", time_limit=1, time_unit="hours",
                major_code="05")).code == "text_bad_character"
        finally:
            other.dispose()
            pg.dispose()


@needs_pg
def test_two_administrators_adding_at_once_get_two_codes_on_postgresql():
    """Another seat commits the code this one is about to insert, between its read of the codes
    in use and its INSERT: the insert collides, and the next free code is taken instead."""
    from sqlalchemy import event

    from console.store.database import open_database
    with fresh_database("console_categories_race") as url:
        pg, other = open_database(url), open_database(url)
        injected: list[str] = []

        def meanwhile(_con, _cursor, statement, *_args):
            if statement.lstrip().upper().startswith("INSERT INTO CATEGORIES") and not injected:
                injected.append(_add(other, major_code="05", name="其他席位的新类"))
        event.listen(pg.engine, "before_cursor_execute", meanwhile)
        try:
            mine = _add(pg, major_code="05", name="本席位的新类")
        finally:
            event.remove(pg.engine, "before_cursor_execute", meanwhile)
            other.dispose()
        try:
            assert (injected, mine) == (["205901"], "205902")
            with pg.session() as s:
                tree = categories.category_tree(s)
                audits = s.scalars(select(AuditRecord.action).where(
                    AuditRecord.entity == "category")).all()
            assert (tree.get("205901").name, tree.get("205902").name) == ("其他席位的新类",
                                                                          "本席位的新类")
            assert audits == ["added", "added"]
        finally:
            pg.dispose()
