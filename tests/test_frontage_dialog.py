"""The 门前三包 page: a unit typed in is saved and listed, a bad stretch is refused in words
where the user looks, a warning shows in the unit's record; screenshots in both languages."""
from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

from console.common.i18n import install_translators
from console.live.tasks import TaskRunner
from console.store.models import FrontageRecord, FrontageUnit
from console.ui.frontage_dialog import FrontageDialog


@pytest.fixture(params=["zh_CN", "en"])
def dialog(request, db, city, qtbot, qapp):
    install_translators(qapp, request.param)
    tasks = TaskRunner(db)
    d = FrontageDialog(tasks, city.leader)
    qtbot.addWidget(d)
    d.show()
    with qtbot.waitSignal(d.loaded, timeout=5000):
        d.reload()
    d.lang = request.param
    yield d
    assert tasks.wait(5000)
    install_translators(qapp, "en")


def test_add_refuse_and_warn(db, dialog, qtbot, monkeypatch):
    dialog.code.setText("F001")
    dialog.name.setText("老王面馆")
    dialog.person.setText("王老板")
    dialog.phone.setText("13800000000")
    dialog.stretch.setPlainText("120.15 30.27; 120.1506 30.27; 120.15")
    with qtbot.waitSignal(dialog.failed, timeout=5000) as bad:
        dialog.save()
    assert "3" in bad.args[0] and dialog.message.text() == bad.args[0]
    dialog.stretch.setPlainText("120.15 30.27; 120.1506 30.27")
    with qtbot.waitSignal(dialog.saved, timeout=5000), qtbot.waitSignal(dialog.loaded,
                                                                          timeout=5000):
        dialog.save()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "老王面馆"
    dialog.table.selectRow(0)
    monkeypatch.setattr("console.ui.frontage_dialog.QInputDialog.getMultiLineText",
                        lambda *a, **k: ("占道摆放，已劝导", True))
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.record("warning")
    qtbot.waitUntil(lambda: dialog.records.rowCount() == 1, timeout=5000)
    assert dialog.table.item(0, 7).text() == "1"
    with db.session() as s:
        assert s.scalar(select(FrontageUnit.person)) == "王老板"
        assert s.scalar(select(FrontageRecord.note)) == "占道摆放，已劝导"
    shots = os.environ.get("FRONTAGE_SHOTS")
    if shots:
        dialog.grab().save(f"{shots}/frontage-{dialog.lang}.png")


def test_export_then_import_through_the_page(db, city, dialog, qtbot, monkeypatch, tmp_path):
    from console.services import frontage
    from tests.service_city import MON
    with db.transaction() as s:
        frontage.save_unit(s, city.leader, frontage.UnitValues(
            "F001", "老王面馆", "shop", "", "", None, {"type": "LineString", "coordinates": [
                [120.15, 30.27], [120.1506, 30.27]]}), MON)
    path = str(tmp_path / "units.xlsx")
    monkeypatch.setattr("console.ui.frontage_dialog.QFileDialog.getSaveFileName",
                        lambda *a, **k: (path, ""))
    monkeypatch.setattr("console.ui.frontage_dialog.QFileDialog.getOpenFileName",
                        lambda *a, **k: (path, ""))
    dialog.export()
    qtbot.waitUntil(lambda: "1" in dialog.message.text() and (tmp_path / "units.xlsx").exists(),
                    timeout=5000)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.import_()
    assert re.findall(r"\d+", dialog.message.text()) == ["0", "0", "1"]   # added, changed, same
    assert dialog.table.rowCount() == 1
