"""The campaign dock shows a joint operation's after-action summary in its own tab (and only for
joint operations); the figures are those of tests/test_joint_operation.py."""
from __future__ import annotations

import re

import pytest

from console.common.selection import Selection
from console.live.tasks import TaskRunner
from console.ui.campaigns.dock import CampaignDock
from tests.test_campaigns import database, town  # noqa: F401 — the fixtures
from tests.test_joint_operation import NOW, create_operation


@pytest.fixture
def dock(qtbot, database, town):  # noqa: F811
    create_operation(database, town)
    tasks = TaskRunner(database)
    d = CampaignDock(tasks, Selection(), now=lambda: NOW)
    d.set_actor(town.leader)
    d.resize(1000, 640)
    qtbot.addWidget(d)
    qtbot.waitUntil(lambda: d.data is not None, timeout=10_000)
    yield d
    assert tasks.wait(5000)


def test_the_after_action_tab_shows_the_figures(qtbot, dock):
    d = dock
    view = d.after_action
    assert d.tabs.isTabVisible(d.tabs.indexOf(view))

    numbers = [int(n) for n in re.findall(r"\d+", view.totals.text())]
    assert numbers == [5, 3, 2, 4, 4]
    rows = [[view.departments.item(r, c).text() for c in range(5)]
            for r in range(view.departments.rowCount())]
    assert [r[1:] for r in rows] == [["3", "1 / 1", "1", "1"], ["3", "1 / 1", "2", "1"]]
    assert rows[0][0] == "甲局" and rows[1][0].startswith("乙局")
    d.tabs.setCurrentWidget(view)


def test_the_workbook_has_an_after_action_sheet(qtbot, dock, tmp_path):
    from openpyxl import load_workbook
    d = dock
    path = tmp_path / "operation.xlsx"
    with qtbot.waitSignal(d.export.done, timeout=20_000):
        d.export.start(d.data.campaign_id, d.data.name, path)
    wb = load_workbook(path)
    assert wb.sheetnames[-1] == "After-action summary"
    ws = wb["After-action summary"]
    assert [c.value for c in ws[6]] == ["Department", "Referred", "As lead", "Assisting",
                                        "Handled", "Overdue", "In the operation"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=7) if r[0].value is not None]
    assert [r[:2] for r in rows[:5]] == [["Cases found", 5], ["Found by patrols", 3],
                                         ["Cases handled", 2], ["Cases referred", 4],
                                         ["Still open", 4]]
    assert rows[5:] == [["甲局", 3, 1, 1, 1, 1, "yes"], ["乙局", 3, 1, 1, 2, 1, "no"]]
