"""The panel with digests: a digest is one row whose header count is one thing to handle,
selecting it lists its members, a member picked selects its case everywhere; a department's
seat sees its own department's digest and cases only."""
from __future__ import annotations

from datetime import timedelta

import pytest

from console.common.i18n import install_translators
from console.common.seat_settings import SeatSettings
from console.common.selection import Selection
from console.domain.roles import Role
from console.live.tasks import TaskRunner
from console.services.actor import Actor
from console.services.alerts import AlertEngine
from console.store.models import Case, Department
from console.ui.alerts import alert_panel
from console.ui.alerts.alert_panel import AlertsDock
from tests import alert_city as C
from tests.alert_city import MONDAY, URGENT

T = MONDAY.replace(hour=9)


@pytest.fixture
def city(db, qapp):
    install_translators(qapp, "en")
    city = C.build(db)
    made = []
    for i in range(3):
        change = C.report(db, city, T + timedelta(minutes=i), cell=1 + i)
        made.append(C.dispatch(db, city, change, T + timedelta(minutes=i),
                               deadline=T + timedelta(hours=1, minutes=i)))
    urgent = C.report(db, city, T, category=URGENT, cell=4)
    C.dispatch(db, city, urgent, T, deadline=T + timedelta(hours=1))
    C.evaluate(db, AlertEngine(), T + timedelta(hours=2))
    with db.session() as s:
        city.departments = {c.id: c.department_id for c in s.query(Case)}
        city.overdue = [c.case_id for c in made]
        city.urgent = urgent.case_id
        city.other_department = s.query(Department.id).filter(
            Department.id != city.departments[made[0].case_id]).first()[0]
    return city


def _panel(db, qtbot, monkeypatch, actor):
    monkeypatch.setattr(alert_panel.QApplication, "alert", lambda widget, ms=0: None)
    tasks = TaskRunner(db)
    selection = Selection()
    dock = AlertsDock(tasks, selection, settings=SeatSettings.open())
    dock.set_actor(actor)
    qtbot.addWidget(dock)
    dock.resize(360, 700)
    dock.show()
    return dock, tasks, selection


def test_a_digest_is_one_row_and_lists_its_members(db, city, qtbot, monkeypatch):
    dock, tasks, selection = _panel(db, qtbot, monkeypatch, city.leader)
    qtbot.waitUntil(lambda: any(a.kind == "overdue_digest" for a in dock.model.alerts()),
                    timeout=5000)
    kinds = sorted(a.kind for a in dock.model.alerts())
    assert kinds == ["offline", "overdue", "overdue_digest"]     # the urgent case stands alone
    # Three to handle, standing for the five things behind them (3 cases in the digest).
    assert dock.header.banner_text.text() == (
        "3 need a human · 3 open · standing for 5 cases and officers")
    digest = next(a for a in dock.model.alerts() if a.kind == "overdue_digest")
    assert not dock.open_button.isEnabled() or dock.selected() == []
    assert dock.select_alert(digest.id)
    qtbot.waitUntil(lambda: dock.members.list.count() == 3, timeout=5000)
    assert dock.members.isVisible() and dock.members.member_ids() == city.overdue
    with qtbot.waitSignal(selection.case_selected) as picked:
        dock.members.list.itemClicked.emit(dock.members.list.item(1))
    assert picked.args == [city.overdue[1]]
    # Another alert selected: the list goes away.
    other = next(a for a in dock.model.alerts() if a.kind == "overdue")
    dock.select_alert(other.id)
    assert not dock.members.isVisible()
    dock.header._flash.stop()
    assert tasks.wait(5000)


def test_a_department_seat_sees_its_own_department_only(db, city, qtbot, monkeypatch):
    own = city.departments[city.overdue[0]]
    seat = Actor(None, "部门", Role.DEPARTMENT, department_id=own)
    dock, tasks, _ = _panel(db, qtbot, monkeypatch, seat)
    qtbot.waitUntil(lambda: dock.model.alerts() != [], timeout=5000)
    qtbot.waitUntil(lambda: not dock._loading, timeout=5000)
    shown = dock.model.alerts()
    assert "offline" not in {a.kind for a in shown}          # patrols are not its business
    assert all(a.params.get("department_id") == own for a in shown)
    assert any(a.kind == "overdue_digest" for a in shown)
    elsewhere = Actor(None, "别的部门", Role.DEPARTMENT, department_id=city.other_department)
    dock.set_actor(elsewhere)
    qtbot.waitUntil(lambda: not dock._loading, timeout=5000)
    assert all(a.params.get("department_id") != own for a in dock.model.alerts())
    dock.header._flash.stop()
    assert tasks.wait(5000)
