"""门前三包 at the desk: the hotline form names the units near a frontage case and saves the
one the dispatcher confirms with the case; the detail pane suggests and confirms afterwards.
Screenshots with FRONTAGE_SHOTS=<folder>."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QRadioButton
from sqlalchemy import select

from console.services import frontage
from console.store.models import Case, CaseEvent, FrontageRecord
from tests.queue_city import GARBAGE, MANHOLE, cell_centre
from tests.test_queue_form import fill, open_form
from tests.test_queue_widgets import city, english, seat  # noqa: F401 — shared fixtures


def add_units(db, actor) -> tuple[int, int]:
    """Two kerbs just west of cell (2, 3)'s centre: 10 m and 25 m from it (about)."""
    lon, lat = cell_centre(2, 3)
    ids = []
    with db.transaction() as s:
        for code, name, metres in (("F001", "老王面馆", 10), ("F002", "便民超市", 25)):
            dlon = metres / 96_000        # about a metre per 1/96,000 degree here
            kerb = {"type": "LineString", "coordinates": [[lon - dlon - 0.0005, lat],
                                                          [lon - dlon, lat]]}
            ids.append(frontage.save_unit(s, actor, frontage.UnitValues(
                code, name, "shop", "", "", None, kerb), frontage.cases.now()))
    return ids[0], ids[1]


def test_the_form_saves_the_confirmed_unit_with_the_case(db, city, qtbot, seat):
    near, far = add_units(db, city.leader)
    dock = seat(city.dispatcher)
    form = open_form(qtbot, dock)
    fill(form, qtbot, category=MANHOLE)
    form.set_point(*cell_centre(2, 3))
    qtbot.waitUntil(lambda: form.place is not None, timeout=5000)
    with qtbot.waitSignal(form.frontage.shown, timeout=5000):
        form._look_for_duplicates()
    assert form.frontage.isHidden()                       # 污水井盖 is no frontage category
    form.category.set_code(GARBAGE)
    with qtbot.waitSignal(form.frontage.shown, timeout=5000):
        form._look_for_duplicates()
    choices = form.frontage.findChildren(QRadioButton)
    assert [c.objectName() for c in choices if c.objectName()] == [
        f"frontageChoice:{near}", f"frontageChoice:{far}"]          # nearest first
    if os.environ.get("FRONTAGE_SHOTS"):
        form.grab().save(f"{os.environ['FRONTAGE_SHOTS']}/frontage-form-en.png")
    form.findChild(QRadioButton, f"frontageChoice:{near}").setChecked(True)
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.form is None, timeout=5000)
    with db.session() as s:
        case = s.scalars(select(Case).order_by(Case.id.desc())).first()
        record = s.scalar(select(FrontageRecord).where(FrontageRecord.case_id == case.id))
        assert (record.unit_id, record.kind) == (near, "offence")
        assert s.scalar(select(CaseEvent.action).where(CaseEvent.case_id == case.id)
                        .order_by(CaseEvent.id.desc())) == "add_note"


def test_the_detail_pane_suggests_and_confirms(db, city, qtbot, seat):
    near, far = add_units(db, city.leader)
    lon, lat = cell_centre(2, 3)
    with db.transaction() as s:
        change = frontage.cases.report(s, city.dispatcher, category_code=GARBAGE,
                                       source="patrol", lon=lon, lat=lat,
                                       description="店门口堆放垃圾")
    dock = seat(city.dispatcher)
    with qtbot.waitSignal(dock.frontage.shown, timeout=5000):
        dock.selection.case_selected.emit(change.case_id)
    assert dock.frontage.isVisible()
    button = dock.frontage.findChild(QPushButton, f"frontageConfirm:{far}")
    with qtbot.waitSignal(dock.frontage.confirmed, timeout=5000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.frontage.findChild(QPushButton, f"frontageConfirm:{far}")
                    is None and dock.frontage.findChild(QPushButton, f"frontageConfirm:{near}")
                    is not None, timeout=5000)
    if os.environ.get("FRONTAGE_SHOTS"):
        dock.detail.ensureWidgetVisible(dock.frontage)
        dock.detail.grab().save(f"{os.environ['FRONTAGE_SHOTS']}/frontage-detail-en.png")
    with db.session() as s:
        assert frontage.confirmed_unit(s, change.case_id)[0] == far
