"""The campaign dashboard: loads off the GUI thread, shows the targets and their trend, and a
click on an open focus case selects it through the hub."""
from __future__ import annotations

from datetime import datetime

import pytest

from console.common.selection import Selection
from console.live.tasks import TaskRunner
from console.services import campaigns
from console.ui.campaigns.dock import CampaignDock
from tests import evaluation_town as T
from tests.test_campaigns import _form, town  # noqa: F401 — the fixture
from tests.test_campaigns import database  # noqa: F401


@pytest.fixture
def dock(qtbot, database, town):  # noqa: F811
    with database.transaction() as s:
        campaigns.create(s, town.leader, _form(town), T.at(8, 9))
    tasks = TaskRunner(database)
    selection = Selection()
    d = CampaignDock(tasks, selection, now=lambda: datetime(2026, 3, 20, 12))
    d.set_actor(town.leader)
    d.resize(1000, 640)
    qtbot.addWidget(d)
    qtbot.waitUntil(lambda: d.data is not None, timeout=10_000)
    yield d, selection
    assert tasks.wait(5000)


def test_targets_trend_and_case_pick(qtbot, dock):
    d, selection = dock
    assert d.targets.rowCount() == 3
    assert d.targets.item(0, 2).text() == "50.0 %"
    xs, ys = d.curve.getData()
    assert list(ys) == [100.0, 100.0, 100.0, pytest.approx(200 / 3), 50.0, 50.0, 50.0]
    assert [d.open_cases.item(r, 0).text() for r in range(d.open_cases.rowCount())] == [
        "old", "a4", "a5"]
    assert d.edit_button.isVisibleTo(d) and d.close_button.isVisibleTo(d)
    assert not d.tabs.isTabVisible(d.tabs.indexOf(d.after_action))   # not a joint operation
    with qtbot.waitSignal(selection.case_selected) as picked:
        d.open_cases.cellClicked.emit(1, 0)
    assert picked.args == [d.data.open_cases[1]["case_id"]]
    d.targets.setCurrentCell(1, 0)
    assert list(d.curve.getData()[1]) == [1, 2, 2, 2, 3, 3, 3]


def test_a_slow_department_is_supervised_and_listed_under_orders(qtbot, dock, database):  # noqa: F811
    from console.ui.queues.supervision_box import RaiseInput
    d, _selection = dock
    assert d.supervise_button.isVisibleTo(d) and not d.supervise_button.isEnabled()
    d.tabs.setCurrentWidget(d.slowest)
    d.slowest.selectRow(0)
    assert d.supervise_button.isEnabled()
    unit = d.data.slowest_departments[0]
    d.orders_writer.ask_raise = lambda *_: RaiseInput(1, "进度落后", datetime(2026, 3, 21, 9))
    with qtbot.waitSignal(d.orders_writer.raised, timeout=5000) as raised:
        d.supervise_button.click()
    assert raised.args == [unit["unit_id"]]
    # The order counts in the campaign: the dashboard lists it (re-read after the feed).
    d.reload()
    qtbot.waitUntil(lambda: d.orders.rowCount() == 1, timeout=5000)
    assert d.orders.item(0, 1).text() == "(the department)"
    assert d.orders.item(0, 2).text() == unit["name"]
    assert d.orders.item(0, 3).text() == "进度落后"


def test_a_campaign_without_targets_says_so_instead_of_an_empty_chart(qtbot, database, town):  # noqa: F811
    with database.transaction() as s:
        campaigns.create(s, town.leader, _form(town, name="夜查 无目标", targets={}), T.at(8, 9))
    tasks = TaskRunner(database)
    d = CampaignDock(tasks, Selection(), now=lambda: datetime(2026, 3, 20, 12))
    d.set_actor(town.leader)
    d.resize(1000, 640)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitUntil(lambda: d.data is not None, timeout=10_000)
    assert d.data.targets == () or d.data.targets == []
    assert d.no_targets.isVisible() and not d.plot.isVisible() and not d.targets.isVisible()
    assert d.open_cases.rowCount() == 3                   # the rest of the dashboard is there
    assert "Edit it" in d.no_targets.text() and d.edit_button.isVisible()
    d.set_actor(None)                                      # a seat that may not edit
    assert "Edit it" not in d.no_targets.text() and not d.edit_button.isVisible()
    assert tasks.wait(5000)
