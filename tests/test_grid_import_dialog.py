"""The administrator's grid import dialog: the dry run on the long lane (no SQL on the GUI
thread), its report in a table and a preview, the saved JSON, the import and its refusals."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from console.common.i18n import install_translators
from console.live.tasks import TaskRunner
from console.services import users
from console.services.grid_import import apply_grid_import, plan_grid_import
from console.store.models import Cell, WorkGrid
from console.ui.grid_import_dialog import GridImportDialog
from tests.grid_problem_file import COMMUNITY, write_problem_grid

PASSWORD = "长城永不倒-2026"


@pytest.fixture
def zh(qapp):
    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


@pytest.fixture
def admin(db):
    with db.transaction() as s:
        return users.create_first_administrator(s, "gis", "管理员", PASSWORD,
                                                datetime.now().replace(microsecond=0))


@pytest.fixture
def tasks(db):
    runner = TaskRunner(db)
    yield runner
    assert runner.wait(10000)


@pytest.fixture
def dialog(tasks, admin, qtbot, zh):
    d = GridImportDialog(tasks, admin)
    qtbot.addWidget(d)
    d.show()
    return d


def _check(dialog, qtbot):
    with qtbot.waitSignal(dialog.checked, timeout=20000) as blocker:
        dialog.check_button.click()
    return blocker.args[0]


def test_dry_run_report_then_import_with_skip_invalid(db, dialog, qtbot, tmp_path):
    dialog.choose_path(write_problem_grid(tmp_path / "problems.geojson"))
    report = _check(dialog, qtbot)
    assert len(report.features) == 26 and len(report.invalid) == 5
    assert dialog.table.rowCount() == 8           # every problem, errors first
    assert [dialog.table.item(r, 2).text() for r in range(5)] == ["错误"] * 5
    sentences = {dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())}
    assert "单元网格编码“3301060010”不是 14/15 位数字。" in sentences
    assert any("P9999" in s and "监督员" in s for s in sentences)
    assert "<b>21</b>" in dialog.summary.text() and "无效" in dialog.summary.text()
    assert dialog.preview.cell_count() == 25      # the one without geometry cannot be drawn
    dialog.table.selectRow(0)
    assert dialog.preview._highlight == report.invalid[0].index
    assert not dialog.import_button.isEnabled()   # invalid features, no skip
    dialog.skip_invalid.setChecked(True)
    assert dialog.import_button.isEnabled()
    out = tmp_path / "report.json"
    dialog.save_report_to(out)
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["invalid"] == 5 and len(saved["feature_problems"]) == 8
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Cell)) == 0   # a dry run wrote nothing
    with qtbot.waitSignal(dialog.imported, timeout=20000) as blocker:
        dialog.import_button.click()
    assert len(blocker.args[0].added) == 21
    assert not dialog.import_button.isEnabled()
    assert "21" in dialog.message.text()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Cell)) == 21
        assert set(s.scalars(select(WorkGrid.code))) == {"W01", "W02"}


def test_changing_an_option_asks_for_a_new_dry_run(dialog, qtbot, tmp_path):
    dialog.choose_path(write_problem_grid(tmp_path / "problems.geojson"))
    _check(dialog, qtbot)
    dialog.skip_invalid.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.choose(encoding="gbk")
    assert dialog.report is None and not dialog.import_button.isEnabled()
    assert "重新检查" in dialog.message.text()


def test_no_code_field_offers_the_files_fields(dialog, qtbot, tmp_path):
    path = tmp_path / "nameless.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ID": "A1", "NAME": "x"}, "geometry": {
            "type": "Polygon", "coordinates": [[[120.15, 30.27], [120.151, 30.27],
                                                [120.151, 30.271], [120.15, 30.27]]]}}]}))
    dialog.choose_path(path)
    with qtbot.waitSignal(dialog.refused, timeout=20000) as blocker:
        dialog.check_button.click()
    assert blocker.args[0].startswith("没有找到存放单元网格编码的属性")
    offered = [dialog.code_field.itemData(i) for i in range(dialog.code_field.count())]
    assert offered == [None, "ID", "NAME"]
    dialog.choose(code_field="ID")
    report = _check(dialog, qtbot)
    assert report.fields.code == "ID" and [p.code for p in report.invalid[0].problems] == \
        ["bad_code"]


def test_a_grid_imported_by_another_seat_meanwhile_is_refused(db, dialog, qtbot, tmp_path):
    dialog.choose_path(write_problem_grid(tmp_path / "problems.geojson"))
    _check(dialog, qtbot)
    dialog.skip_invalid.setChecked(True)
    other = tmp_path / "other.geojson"
    other.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"BM": f"{COMMUNITY}99"}, "geometry": {
            "type": "Polygon", "coordinates": [[[120.14, 30.26], [120.141, 30.26],
                                                [120.141, 30.261], [120.14, 30.26]]]}}]}))
    with db.transaction() as s:                   # the other seat, between dry run and import
        apply_grid_import(s, plan_grid_import(s, other), datetime(2026, 12, 1, 9))
    with qtbot.waitSignal(dialog.refused, timeout=20000) as blocker:
        dialog.import_button.click()
    assert "其他席位" in blocker.args[0]
    assert not dialog.import_button.isEnabled()
    with db.session() as s:
        assert list(s.scalars(select(Cell.code))) == [f"{COMMUNITY}99"]


def test_a_cancelled_dry_run_shows_nothing(dialog, qtbot, tmp_path, tasks):
    dialog.choose_path(write_problem_grid(tmp_path / "problems.geojson"))
    shown = []
    dialog.checked.connect(shown.append)
    dialog.check_button.click()
    dialog.cancel_button.click()
    assert tasks.wait(10000)
    qtbot.waitUntil(tasks.idle, timeout=10000)
    assert shown == [] and dialog.report is None and dialog.message.text() == "已取消。"
    assert dialog.check_button.isEnabled()


SECOND_DRY_RUN = r"""
import json, sys
from datetime import datetime
from pathlib import Path
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from console.live.tasks import TaskRunner
from console.services import users
from console.store.database import open_database
from console.ui.grid_import_dialog import GridImportDialog
from tests.grid_problem_file import write_problem_grid

app = QApplication([])
folder = Path(sys.argv[1])
db = open_database(f"sqlite:///{folder / 'seat.db'}")
with db.transaction() as s:
    admin = users.create_first_administrator(s, "gis", "GIS", "长城永不倒-2026", datetime.now())
tasks = TaskRunner(db)
dialog = GridImportDialog(tasks, admin)
dialog.choose_path(write_problem_grid(folder / "grid.geojson"))

def check():
    loop = QEventLoop()
    dialog.checked.connect(loop.quit)
    dialog.refused.connect(loop.quit)
    QTimer.singleShot(30000, loop.quit)
    dialog.check_button.click()
    loop.exec()
    return dialog.report

for crs in ("EPSG:4490", "WGS84", "EPSG:4326", "EPSG:4490"):
    dialog.choose(crs=crs)
    report = check()
    assert report is not None and len(report.features) == 26, dialog.message.text()
tasks.wait(10000)
db.dispose()
sys.stdout.write("ok")
"""


def test_dry_runs_one_after_another_on_pool_threads_do_not_crash(tmp_path):
    """pyproj frees a thread's PROJ context when a Qt pool thread drops its Python state, yet
    keeps using it (console/gis/crs.py pins it): the second dry run crashed the seat."""
    import os
    import subprocess
    import sys

    from console.resources import ROOT
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SECOND_DRY_RUN, str(tmp_path)], cwd=ROOT,
                          env=env, capture_output=True, timeout=180)
    assert done.returncode == 0 and done.stdout == b"ok", done.stderr.decode()[-2000:]
