"""The rankings dock: loads off the GUI thread, sorts, lists the cases behind a figure (which
select the case through the hub), and exports the ranking shown to Excel."""
from __future__ import annotations

from datetime import datetime

import openpyxl
from PySide6.QtCore import Qt
import pytest
from pytestqt.qtbot import QtBot

from console.common.selection import Selection
from console.live.tasks import TaskRunner
from console.ui.evaluation.dock import CasesDialog, EvaluationDock
from tests import evaluation_town as T


@pytest.fixture
def dock(qtbot: QtBot, db):
    town = T.build(db)
    tasks = TaskRunner(db)
    selection = Selection()
    # "This week" seen on Friday evening of the town's week.
    d = EvaluationDock(tasks, selection, now=lambda: datetime(2026, 3, 13, 18, 0))
    qtbot.addWidget(d)
    d.period.setCurrentIndex(d.period.findData("week"))
    qtbot.waitUntil(lambda: d.model.ranking is not None
                    and d.model.ranking.period.start == T.MON, timeout=5000)
    yield d, town, selection
    assert tasks.wait(5000)


def test_ranking_rows_grades_and_sorting(qtbot, dock):
    d, town, _ = dock
    names = [d.proxy.index(r, 1).data() for r in range(d.proxy.rowCount())]
    assert set(names[:2]) == {"甲局", "乙局"}           # the seeded departments have no data
    assert d.proxy.index(2, 0).data() == ""
    grade_col = d.model.columns().index("grade")
    grades = {d.proxy.index(r, 1).data(): d.proxy.index(r, grade_col).data()
              for r in range(d.proxy.rowCount())}
    assert grades["甲局"] in "ABCDE"
    tip = d.model.headerData(d.model.columns().index("closure_rate"), Qt.Orientation.Horizontal,
                             Qt.ItemDataRole.ToolTipRole)
    assert "closed / due" in tip
    score_col = d.model.columns().index("score")
    d.table.sortByColumn(score_col, Qt.SortOrder.AscendingOrder)     # ascending: units without data stay last
    scores = [d.proxy.index(r, score_col).data() for r in range(d.proxy.rowCount())]
    assert float(scores[0]) <= float(scores[1]) and set(scores[2:]) == {"—"}
    d.table.sortByColumn(score_col, Qt.SortOrder.DescendingOrder)
    assert float(d.proxy.index(0, score_col).data()) == max(map(float, scores[:2]))


def test_double_click_lists_the_cases_and_selects_one(qtbot, dock):
    d, town, selection = dock
    col = d.model.columns().index("overdue")
    row = next(r for r in range(d.proxy.rowCount()) if d.proxy.index(r, 1).data() == "甲局")
    d._show_cases(d.proxy.index(row, col))
    dialog = d.findChild(CasesDialog)
    qtbot.waitUntil(lambda: dialog.list.count() > 1, timeout=5000)
    item = dialog.list.item(1)
    assert item.text().strip().startswith("a4")
    with qtbot.waitSignal(selection.case_selected) as got:
        dialog._pick(item)
    assert got.args == [town.cases["a4"]]


def test_export_to_excel(qtbot, dock, tmp_path):
    d, town, _ = dock
    path = tmp_path / "ranking.xlsx"
    d.export(path)
    qtbot.waitUntil(lambda: d.export_button.isEnabled() and path.exists(), timeout=10000)
    ws = openpyxl.load_workbook(path).active
    assert "2026-03-09" in ws["A3"].value
    assert ws.freeze_panes == "C7"
    header = [c.value for c in ws[6]]
    assert header[:2] == ["Rank", "Name"]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=7) if r[1].value}
    assert {"甲局", "乙局"} <= set(rows)
    closure = header.index("Closure rate")
    assert rows["甲局"][closure].number_format == "0.00%"
