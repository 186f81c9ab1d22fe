"""The work-grid import dialog (from the grid import dialog's button): the dry run on the long
lane, its table of problems and cells in no or two work grids, the import; and the grid dialog's
field mapping of the work-grid attribute."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from console.services.grid_import import apply_grid_import, plan_grid_import
from console.store.models import Cell, PatrolOfficer, WorkGrid, WorkGridCell
from console.ui.grid_import_dialog import GridImportDialog
from console.ui.workgrid_import_dialog import WorkGridImportDialog
from tests.test_grid_import import COMMUNITY, NOW, cell, square, write_geojson
from tests.test_grid_import_dialog import admin, tasks, zh  # noqa: F401 — fixtures
from tests.test_workgrid_import import area, box


@pytest.fixture
def city(db, tmp_path):
    """Twelve cells in two rows; officer P001."""
    features = [cell(row * 6 + col + 1, square(col, row)) for row in range(2) for col in range(6)]
    path = write_geojson(tmp_path / "grid.geojson", features)
    with db.transaction() as s:
        apply_grid_import(s, plan_grid_import(s, path), NOW)
        s.add(PatrolOfficer(code="P001", name="张三"))


@pytest.fixture
def grid_dialog(tasks, admin, qtbot, zh):
    d = GridImportDialog(tasks, admin)
    qtbot.addWidget(d)
    d.show()
    return d


@pytest.fixture
def wg_dialog(tasks, admin, qtbot, zh):
    """Held by the fixture until the widgets are closed: the last reference to an unparented
    dialog must not be dropped by a finished task on a pool thread."""
    d = WorkGridImportDialog(tasks, admin)
    qtbot.addWidget(d)
    d.show()
    return d


def _check(dialog, qtbot):
    with qtbot.waitSignal(dialog.checked, timeout=20000) as blocker:
        dialog.check_button.click()
    return blocker.args[0]


def test_the_grid_dialog_opens_it_and_it_imports_work_grids(db, city, grid_dialog, qtbot,
                                                            tmp_path):
    grid_dialog.work_grid_file_button.click()
    dialog = grid_dialog.work_grid_dialog
    qtbot.addWidget(dialog)
    assert isinstance(dialog, WorkGridImportDialog) and dialog.isVisible()
    path = write_geojson(tmp_path / "wg.geojson", [
        area("W1", box(0, 3, rows=2), "湖滨一网格", "P001"),
        area("W2", box(2.4, 5, rows=2), "湖滨二网格", "P404"),
        area("W3", box(20, 21))])
    dialog.choose_path(path)
    report = _check(dialog, qtbot)
    assert report.fields.officer == "JDY" and len(report.no_grid) == 2
    assert [c for c, _ in report.in_two] == [f"{COMMUNITY}03", f"{COMMUNITY}09"]
    sentences = [dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())]
    assert "数据库中没有监督员 P404" in " ".join(sentences)
    assert any("不含任何单元网格" in s for s in sentences)          # W3
    assert sum("不属于任何责任网格" in s for s in sentences) == 2
    assert sum("W1, W2" in s for s in sentences) == 2
    assert "2</span> 个不在任何责任网格" in dialog.summary.text()
    assert dialog.preview.cell_count() == 3 + 4      # three outlines, four cells named
    dialog.table.selectRow(0)
    if os.environ.get("CITY_CONSOLE_SCREENSHOTS"):
        dialog.resize(1100, 640)
        dialog.grab().save(os.environ["CITY_CONSOLE_SCREENSHOTS"] + "/workgrid-dialog.png")
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=20000) as blocker:
        dialog.import_button.click()
    assert blocker.args[0].created == ["W1", "W2", "W3"]
    assert "已导入" in dialog.message.text()
    with db.session() as s:
        member = dict(s.execute(select(Cell.code, WorkGrid.code)
                                .join(WorkGridCell, WorkGridCell.cell_id == Cell.id)
                                .join(WorkGrid, WorkGrid.id == WorkGridCell.work_grid_id)).all())
        officer_grid = s.scalar(select(WorkGrid.code).join(
            PatrolOfficer, PatrolOfficer.work_grid_id == WorkGrid.id))
    assert member[f"{COMMUNITY}03"] == "W1" and member[f"{COMMUNITY}05"] == "W2"
    assert f"{COMMUNITY}06" not in member and officer_grid == "W1"


def test_a_file_without_a_code_attribute_offers_its_fields(db, city, wg_dialog, qtbot, tmp_path):
    dialog = wg_dialog
    path = write_geojson(tmp_path / "plain.geojson", [
        {"type": "Feature", "properties": {"ID": "A", "LABEL": "甲"},
         "geometry": {"type": "Polygon", "coordinates": [box(0, 6)]}}])
    dialog.choose_path(path)
    with qtbot.waitSignal(dialog.refused, timeout=20000) as blocker:
        dialog.check_button.click()
    assert blocker.args[0].startswith("没有属性字段存放责任网格编码")
    offered = [dialog.fields["code"].itemData(i) for i in range(dialog.fields["code"].count())]
    assert offered == [None, "ID", "LABEL"]
    dialog.choose(code="ID", name="LABEL")
    report = _check(dialog, qtbot)
    assert report.names == {"A": "甲"} and report.importable


def test_a_missing_dbf_is_said_in_chinese(db, city, wg_dialog, qtbot, tmp_path):
    from tests.test_grid_import import write_shp
    shp = write_shp(tmp_path / "wg.shp", [square(0)], [("W1", "一")])
    shp.with_suffix(".dbf").unlink()
    dialog = wg_dialog
    dialog.choose_path(shp)
    with qtbot.waitSignal(dialog.refused, timeout=20000) as blocker:
        dialog.check_button.click()
    assert blocker.args[0].startswith("wg.shp 旁缺少 .dbf 文件")


def test_the_grid_dialogs_work_grid_attribute_can_be_chosen_or_left_out(db, grid_dialog, qtbot,
                                                                       tmp_path):
    path = write_geojson(tmp_path / "grid.geojson", [
        cell(1, square(0), ZRWG="W1", QY="A"), cell(2, square(1), ZRWG="W2", QY="B")])
    grid_dialog.choose_path(path)
    report = _check(grid_dialog, qtbot)
    assert report.fields.work_grid == "ZRWG" and report.work_grids.created == ["W1", "W2"]
    assert "ZRWG" in grid_dialog.summary.text()
    if os.environ.get("CITY_CONSOLE_SCREENSHOTS"):
        grid_dialog.resize(1100, 560)
        grid_dialog.grab().save(os.environ["CITY_CONSOLE_SCREENSHOTS"] + "/grid-dialog.png")
    grid_dialog.choose(work_grid="")                 # none, though the name fits
    report = _check(grid_dialog, qtbot)
    assert report.fields.work_grid is None and report.work_grids is None
    grid_dialog.choose(work_grid="QY")
    report = _check(grid_dialog, qtbot)
    assert report.work_grids.created == ["A", "B"]
