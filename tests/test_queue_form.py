"""The hotline form: validation says what is wrong and saves nothing; duplicates can be merged."""
from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from console.services import cases
from console.store.models import Case, CaseEvent, ChangeFeed
from tests.queue_city import GARBAGE, MANHOLE, cell_centre
from tests.test_queue_widgets import city, english, seat  # noqa: F401 — shared fixtures


def counts(db):
    with db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Case, CaseEvent, ChangeFeed))


def fill(form, qtbot, *, caller="李女士", phone="13812345678", category=GARBAGE, cell=None,
         description="路边暴露垃圾，气味很大"):
    form.caller.setText(caller)
    form.phone.setText(phone)
    if category:
        form.category.set_code(category)
    if cell:
        form.set_cell(cell)
        qtbot.waitUntil(lambda: form.place is not None, timeout=5000)
    form.description.setPlainText(description)


def open_form(qtbot, dock):
    dock.new_case_action.trigger()
    form = dock.form
    assert form is not None and form.isVisible()
    return form


@pytest.mark.parametrize(("change", "message", "focus"), [
    ({"phone": ""}, "Give the caller's phone number, so the case can be followed up.", "phone"),
    ({"phone": "12345678901"}, "“12345678901” is not a valid phone number.", "phone"),
    ({"category": None}, "Choose the case category.", "category"),
    ({"cell": None}, "Give the location: a point on the map or a grid cell code.", "address"),
    ({"description": "  "}, "Describe the problem the caller reports.", "description"),
])
def test_every_refusal_says_what_is_wrong_and_saves_nothing(db, city, qtbot, seat, change,
                                                            message, focus):
    dock = seat(city.dispatcher)
    form = open_form(qtbot, dock)
    values = {"cell": city.cell_codes[0]} | change
    fill(form, qtbot, **values)
    before = counts(db)
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    assert form.banner.text() == message and form.isVisible()
    assert getattr(form, focus).hasFocus() or not form.isActiveWindow()
    assert counts(db) == before
    assert form.description.toPlainText() == values.get("description", "路边暴露垃圾，气味很大")


def test_the_phone_is_checked_while_typing(db, city, qtbot, seat):
    form = open_form(qtbot, seat(city.dispatcher))
    qtbot.keyClicks(form.phone, "1381234567x")
    assert form.phone.property("invalid") == "true" and "not a valid phone number" in form.phone_hint.text()
    form.phone.clear()
    qtbot.keyClicks(form.phone, "0571-87654321")
    assert form.phone.property("invalid") == "false" and form.phone_hint.text() == ""


def test_an_unknown_cell_or_a_point_outside_the_city_is_refused(db, city, qtbot, seat):
    form = open_form(qtbot, seat(city.dispatcher))
    form.set_cell("999999")
    qtbot.waitUntil(lambda: form.banner.text() == "There is no grid cell with code 999999.",
                    timeout=5000)
    form.set_point(0.5, 0.5)
    qtbot.waitUntil(lambda: "lies outside every grid cell" in form.banner.text(), timeout=5000)
    assert form.place is None


def test_a_valid_call_is_saved_and_selected(db, city, qtbot, seat):
    dock = seat(city.dispatcher)
    form = open_form(qtbot, dock)
    fill(form, qtbot, cell=city.cell_codes[5])
    form.address.setText("文三路100号")
    form.urgent.setChecked(True)
    form.source.setCurrentIndex(form.source.findData("public"))
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.form is None, timeout=5000)
    with db.session() as s:
        case = s.scalars(select(Case).order_by(Case.id.desc())).first()
    assert (case.status, case.category_code, case.source, case.urgent) == (
        "reported", GARBAGE, "public", True)
    assert (case.reporter_name, case.reporter_phone, case.address, case.description) == (
        "李女士", "13812345678", "文三路100号", "路边暴露垃圾，气味很大")
    assert case.cell_id == city.cell_ids[5]
    assert f"New case {case.number} saved." in dock.status.text()
    qtbot.waitUntil(lambda: dock.table.current_case_id() == case.id, timeout=5000)


def test_the_map_gives_the_location(db, city, qtbot, seat):
    dock = seat(city.dispatcher)
    dock.selection.report_here.emit(*cell_centre(2, 3))   # "report here" on the map
    form = dock.form
    qtbot.waitUntil(lambda: form.place is not None, timeout=5000)
    assert form.place.cell_code == city.cell_codes[2 * 4 + 3]
    form.pick.setChecked(True)                             # pick mode: a cell click locates
    dock.selection.cell_selected.emit(city.cell_codes[0])
    qtbot.waitUntil(lambda: form.place.cell_code == city.cell_codes[0], timeout=5000)
    assert not form.pick.isChecked() and dock.filters.value().cell_code == ""


def test_an_address_finds_earlier_reports_there(db, city, qtbot, seat):
    lon, lat = cell_centre(1, 1)
    with db.transaction() as s:
        cases.report(s, city.dispatcher, category_code=MANHOLE, source="patrol", lon=lon, lat=lat,
                     address="黄龙体育中心东门")
    form = open_form(qtbot, seat(city.dispatcher))
    form.address.setText("黄龙体育")
    qtbot.mouseClick(form.find, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.places.count() == 1, timeout=5000)
    form.places.itemActivated.emit(form.places.item(0))
    assert form.place.cell_code == city.cell_codes[1 * 4 + 1]
    assert form.address.text() == "黄龙体育"   # what the caller said is kept


def test_the_duplicate_hint_and_merging_the_call(db, city, qtbot, seat):
    lon, lat = cell_centre(0, 0)
    with db.transaction() as s:
        first = cases.report(s, city.dispatcher, category_code=GARBAGE, source="patrol", lon=lon,
                             lat=lat, address="曙光路12号", description="垃圾堆积")
        cases.report(s, city.dispatcher, category_code=MANHOLE, source="patrol", lon=lon, lat=lat)
        cases.report(s, city.dispatcher, category_code=GARBAGE, source="patrol", lon=lon, lat=lat,
                     at=cases.now() - timedelta(hours=30))
    dock = seat(city.dispatcher)
    form = open_form(qtbot, dock)
    fill(form, qtbot, cell=city.cell_codes[0])
    qtbot.waitUntil(lambda: form.duplicates_box.isVisible(), timeout=5000)
    assert [form.duplicates.topLevelItem(i).text(0) for i in range(form.duplicates.topLevelItemCount())] \
        == [first.number]
    assert "within 50 m in the last 24 hours" in form.duplicates_title.text()
    form.category.set_code(MANHOLE)                # another category: another list
    qtbot.waitUntil(lambda: form.duplicates.topLevelItem(0).text(0) != first.number, timeout=5000)
    form.category.set_code(GARBAGE)
    qtbot.waitUntil(lambda: form.duplicates.topLevelItem(0).text(0) == first.number, timeout=5000)
    qtbot.mouseClick(form.merge, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.form is None, timeout=5000)
    with db.session() as s:
        dup = s.scalars(select(Case).order_by(Case.id.desc())).first()
        notes = [e.note for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == first.case_id))]
    assert (dup.status, dup.duplicate_of_id, dup.reporter_phone) == ("rejected", first.case_id,
                                                                      "13812345678")
    assert notes[-1] == "Repeat report by 李女士 13812345678: 路边暴露垃圾，气味很大"
    assert "recorded on case" in dock.status.text()
    qtbot.waitUntil(lambda: dock.detail.detail is not None and dock.detail.detail.id == first.case_id,
                    timeout=5000)


def test_a_stale_duplicate_keeps_the_form(db, city, qtbot, seat):
    lon, lat = cell_centre(0, 0)
    with db.transaction() as s:
        first = cases.report(s, city.dispatcher, category_code=GARBAGE, source="patrol", lon=lon,
                             lat=lat)
    dock = seat(city.dispatcher)
    form = open_form(qtbot, dock)
    fill(form, qtbot, cell=city.cell_codes[0])
    qtbot.waitUntil(lambda: form.duplicates_box.isVisible(), timeout=5000)
    with db.transaction() as s:     # another seat registers it meanwhile
        cases.register(s, city.leader, first.case_id, first.version)
    before = counts(db)
    qtbot.mouseClick(form.merge, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "changed by someone else" in form.banner.text(), timeout=5000)
    assert counts(db) == before and form.isVisible()
    assert form.description.toPlainText() == "路边暴露垃圾，气味很大"
    # The list is read again with the new version: merging now works.
    qtbot.waitUntil(lambda: form.candidates and form.candidates[0].version == 2, timeout=5000)
    qtbot.mouseClick(form.merge, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.form is None, timeout=5000)


def test_an_open_form_follows_a_catalogue_change_and_keeps_the_call(db, city, qtbot, seat):
    from console.services import categories
    from console.services.actor import actor_for
    dock = seat(city.dispatcher)
    form = open_form(qtbot, dock)
    fill(form, qtbot)
    with db.transaction() as s:   # an administrator at another seat
        admin = actor_for(s, "admin")
        fine = categories.add_subclass(s, admin, GARBAGE, name="建筑垃圾")
        categories.set_active(s, admin, MANHOLE, False)
    assert form.category.findData(MANHOLE) >= 0
    with qtbot.waitSignal(dock.references_loaded, timeout=5000):
        dock.load_references()       # what the feed's CATEGORY row makes the dock do
    assert form.category.findData(fine) >= 0 and form.category.findData(MANHOLE) < 0
    assert form.category.code() == GARBAGE
    assert form.description.toPlainText() == "路边暴露垃圾，气味很大"
