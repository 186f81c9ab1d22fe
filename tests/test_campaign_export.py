"""The campaign workbook: written on the long lane from the dashboard, read back with openpyxl —
header (scope, period, export time), number formats, frozen header, every section's rows."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from console.common.selection import Selection
from console.live.tasks import TaskRunner
from console.services import campaigns
from console.services import supervision as sv
from console.ui.campaigns.dock import CampaignDock
from tests import evaluation_town as T
from tests.test_campaigns import _form, database, town  # noqa: F401 — the fixtures

NOW = datetime(2026, 3, 20, 12)


@pytest.fixture
def dock(qtbot, database, town):  # noqa: F811
    with database.transaction() as s:
        cid = campaigns.create(s, town.leader, _form(town, name="=迎检"), T.at(8, 9)).campaign_id
        sv.raise_order(s, town.leader, case_id=town.cases["a4"], level=2, reason="三天未动",
                       due_at=T.at(13, 18), at=T.at(13, 12))
        sv.raise_order(s, town.leader, department_id=town.depts["甲局"], level=1,
                       reason="积案多", due_at=T.at(14, 18), at=T.at(14, 9), campaign_id=cid)
    tasks = TaskRunner(database)
    d = CampaignDock(tasks, Selection(), now=lambda: NOW)
    d.set_actor(town.leader)
    qtbot.addWidget(d)
    qtbot.waitUntil(lambda: d.data is not None, timeout=10_000)
    yield d, cid
    assert tasks.wait(5000)


def test_the_workbook_holds_every_section(qtbot, dock, tmp_path):
    d, cid = dock
    path = tmp_path / "campaign.xlsx"
    assert d.export_button.isEnabled()
    with qtbot.waitSignal(d.export.done, timeout=20_000):
        d.export.start(cid, d.data.name, path)
    assert "campaign.xlsx" in d.note.text()
    wb = load_workbook(path)
    assert wb.sheetnames == ["Targets", "Daily trend", "Open focus cases", "Slowest",
                             "Supervision orders"]
    targets = wb["Targets"]
    assert targets["A1"].value == "Campaign: =迎检" and targets["A1"].data_type == "s"
    assert targets["A2"].value == "Scope: 一街道"
    assert targets["A3"].value.startswith("Period: 2026-03-09 00:00 – 2026-03-16 00:00")
    assert targets["A4"].value == "Exported: 2026-03-20 12:00:00"
    assert targets.freeze_panes == "A7"
    assert [c.value for c in targets[6]][:4] == ["Target", "Goal", "Now", "Met"]
    rate = targets["B7"], targets["C7"]
    assert (rate[0].value, rate[0].number_format) == (0.9, "0.0%")
    assert rate[1].value == pytest.approx(d.data.targets[0].value)
    assert targets["D7"].value == ("yes" if d.data.targets[0].met else "no")
    trend = wb["Daily trend"]
    days = [r[0].value for r in trend.iter_rows(min_row=7) if r[0].value is not None]
    assert days[0] == datetime(2026, 3, 9) and len(days) == len(d.data.days)
    assert trend["A7"].number_format == "yyyy-mm-dd"
    assert [r[1].value for r in trend.iter_rows(min_row=7)] == pytest.approx(
        d.data.targets[0].trend)
    focus = wb["Open focus cases"]
    numbers = [r[0].value for r in focus.iter_rows(min_row=7)]
    assert numbers == [c["number"] for c in d.data.open_cases] and "a4" in numbers
    a4 = next(r for r in focus.iter_rows(min_row=7) if r[0].value == "a4")
    assert (a4[4].value, a4[4].number_format, a4[5].value) == (
        T.at(13, 11), "yyyy-mm-dd hh:mm", 2)
    orders = wb["Supervision orders"]
    rows = [[c.value for c in r] for r in orders.iter_rows(min_row=7)]
    assert [(r[0], r[1], r[3]) for r in rows] == [("催办 (reminder)", None, "积案多"),
                                                  ("督办 (supervision)", "a4", "三天未动")]
    assert rows[1][4] == T.at(13, 12) and orders["E8"].number_format == "yyyy-mm-dd hh:mm"
    slowest = wb["Slowest"]
    assert {r[0].value for r in slowest.iter_rows(min_row=7)} <= {"Department", "Street"}
    assert slowest["C7"].number_format == "0.00"


def test_a_cancelled_export_leaves_no_file(qtbot, dock, tmp_path):
    d, cid = dock
    path = tmp_path / "cancelled.xlsx"
    task = d.export.start(cid, d.data.name, path)
    d.export.cancel()
    qtbot.waitUntil(lambda: d.export.task is None, timeout=5000)
    assert d.tasks.wait(10_000)
    assert task is not None and not path.exists()
    assert not list(tmp_path.glob(".*.part"))


def test_the_wall_shows_running_campaigns_with_the_share_of_each_target(database, town):  # noqa: F811
    from console.services import wall_data
    from console.services.campaign_progress import progress, reached
    with database.transaction() as s:
        cid = campaigns.create(s, town.leader, _form(town), T.at(8, 9)).campaign_id
        later = campaigns.create(s, town.leader, _form(town, name="下月",
                                                       starts_at=datetime(2026, 4, 1),
                                                       ends_at=datetime(2026, 4, 30)),
                                 T.at(8, 9)).campaign_id
    now = T.at(13, 12)
    assert wall_data.campaign_source() is campaigns.campaign_progress
    with database.session() as s:
        live = wall_data.read_live(s, now)
        full = progress(s, cid, now)
    assert later and [c.name for c in live.campaigns] == ["迎检 一街道"]   # not yet begun: not shown
    shown = dict(live.campaigns[0].targets)
    assert set(shown) == {"on_time_closure_rate", "open_focus_max", "patrol_coverage"}
    for t in full.targets:
        assert shown[t.key] == pytest.approx(reached(t))
    rate = next(t for t in full.targets if t.key == "on_time_closure_rate")
    assert shown["on_time_closure_rate"] == pytest.approx(min(1, rate.value / 0.9))
