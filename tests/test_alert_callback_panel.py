"""回访超期 in the alert panel: one row for the desk, in Chinese by default (English
available), selecting it lists the call-backs, picking one selects its case; a department's seat
does not list it."""
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
from console.store.models import Case
from console.ui.alerts import alert_panel, texts
from console.ui.alerts.alert_panel import AlertsDock
from tests import alert_city as C
from tests.alert_city import MONDAY
from tests.test_callback_alerts import DUE, _closed_call

T = MONDAY.replace(hour=9)
NOW = T + DUE + timedelta(hours=3)


def _city(db):
    city = C.build(db)
    city.closed = [_closed_call(db, city, T + timedelta(hours=i)).case_id for i in range(3)]
    C.evaluate(db, AlertEngine(), NOW)
    return city


def _panel(db, qtbot, monkeypatch, actor):
    monkeypatch.setattr(alert_panel.QApplication, "alert", lambda widget, ms=0: None)
    dock = AlertsDock(TaskRunner(db), selection := Selection(), settings=SeatSettings.open())
    dock.set_actor(actor)
    qtbot.addWidget(dock)
    dock.resize(380, 640)
    dock.show()
    return dock, selection


@pytest.mark.parametrize(("language", "name", "line"), [
    ("zh_CN", "回访超期", "3 位市民待回访"), ("en", "Call-backs overdue", "3 citizens to call back")])
def test_the_desk_sees_one_row_listing_the_call_backs(db, qapp, qtbot, monkeypatch, language,
                                                      name, line):
    install_translators(qapp, language)
    city = _city(db)
    dock, selection = _panel(db, qtbot, monkeypatch, city.desk)
    qtbot.waitUntil(lambda: any(a.kind == "callback_digest" for a in dock.model.alerts()),
                    timeout=5000)
    digest = next(a for a in dock.model.alerts() if a.kind == "callback_digest")
    assert texts.kind_name(digest.kind) == name and texts.subject(digest) == line
    assert dock.select_alert(digest.id)
    qtbot.waitUntil(lambda: dock.members.list.count() == 3, timeout=5000)
    assert dock.members.member_ids() == city.closed
    with qtbot.waitSignal(selection.case_selected) as picked:
        dock.members.list.itemClicked.emit(dock.members.list.item(0))
    assert picked.args == [city.closed[0]]
    dock.header._flash.stop()


def test_a_departments_seat_does_not_list_it(db, qapp, qtbot, monkeypatch):
    install_translators(qapp, "en")
    city = C.build(db)
    _closed_call(db, city, T)
    late = C.dispatch(db, city, C.report(db, city, NOW - timedelta(hours=2)),
                      NOW - timedelta(hours=2), deadline=NOW - timedelta(hours=1))
    C.evaluate(db, AlertEngine(), NOW)
    with db.session() as s:
        own = s.get(Case, late.case_id).department_id
    seat = Actor(None, "部门", Role.DEPARTMENT, department_id=own)
    dock, _ = _panel(db, qtbot, monkeypatch, seat)
    # Its own overdue case shows: the list is loaded, and the call-backs are not in it.
    qtbot.waitUntil(lambda: any(a.kind == "overdue_digest" for a in dock.model.alerts()),
                    timeout=5000)
    assert not any(a.kind == "callback_digest" for a in dock.model.alerts())
    dock.header._flash.stop()
