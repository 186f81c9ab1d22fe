"""Joint cases on screen: the detail pane's departments, the dispatch dialog's assisting
departments and precedents, the leader's disputes page with a ruling and the agenda export."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from console.common.i18n import install_translators
from console.domain.errors import DomainError
from console.live.tasks import TaskRunner
from console.services import case_desk, disputes, joint_cases
from console.services.queues import references
from console.ui.disputes_dialog import DisputesDialog
from console.ui.queues.action_dialog import ActionDialog
from console.ui.queues.detail_pane import DetailPane
from tests.service_city import MON
from tests.test_disputes import bounced, user_of

SHOTS = os.environ.get("JOINT_SHOTS", "/tmp")


@pytest.fixture(params=["zh_CN", "en"])
def lang(request, qapp):
    install_translators(qapp, request.param)
    yield request.param
    install_translators(qapp, "en")


def joint_case(db, city):
    names = sorted(city.departments)
    lead, a, b = (city.departments[n] for n in names[:3])
    c, _, _, at = bounced(db, city, 0)
    with db.transaction() as s:
        c = joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=lead,
                                 assisting=[a, b], at=at + timedelta(minutes=1))
    users = {d: user_of(db, city, d) for d in (lead, a, b)}
    t = at + timedelta(minutes=30)
    with db.transaction() as s:
        joint_cases.act_part(s, users[a], c.case_id, a, 1, "part_reply", reply="已派人配合围挡",
                             at=t)
    with db.transaction() as s:
        joint_cases.act_part(s, users[b], c.case_id, b, 1, "part_request_extension",
                             reason="等待材料", deadline=MON + timedelta(days=3), at=t)
    return c, (lead, a, b)


def test_detail_pane_shows_each_departments_part(qtbot, db, city, lang):
    c, (lead, a, b) = joint_case(db, city)
    with db.session() as s:
        detail = case_desk.case_detail(s, c.case_id)
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.resize(560, 1000)
    pane.show_detail(detail, [])
    pane.show()
    parts = pane.findChild(QWidget, "jointParts")
    qtbot.waitUntil(parts.isVisible)
    text = parts.findChild(QWidget, "jointPartsTable").text()
    names = {d.id: d.name for d in _departments(db)}
    for d in (lead, a, b):
        assert names[d] in text
    assert "已派人配合围挡" in text
    assert ("已反馈" if lang == "zh_CN" else "Replied") in text
    assert ("主办" if lang == "zh_CN" else "Lead") in text
    pane.grab().save(f"{SHOTS}/joint-detail-{lang}.png")
    # A single-department case hides the section.
    pane.clear()
    assert not parts.isVisible()


def _departments(db):
    with db.session() as s:
        return references(s).departments


def test_dispatch_dialog_offers_assisting_departments_and_precedents(qtbot, db, city, lang):
    c, depts, users, at = bounced(db, city, 3)
    with db.transaction() as s:
        disputes.rule(s, city.leader, c.case_id, department_id=depts[1], reason="沿河5米归水务",
                      at=at + timedelta(minutes=1))
    nearby = bounced(db, city, 0)[0]
    with db.session() as s:
        refs = references(s)
        shown = disputes.precedents_for_case(s, nearby.case_id, None)
    dialog = ActionDialog("dispatch", title="派遣", summary="x", refs=refs,
                          department_id=depts[0])
    qtbot.addWidget(dialog)
    box = dialog.joint
    lead_items = [box.assisting.item(i) for i in range(box.assisting.count())
                  if box.assisting.item(i).data(Qt.ItemDataRole.UserRole) == depts[0]]
    assert lead_items[0].isHidden()               # the lead cannot assist too
    dialog.department.setCurrentIndex(dialog.department.findData(depts[1]))
    assert not lead_items[0].isHidden()
    dialog.department.setCurrentIndex(dialog.department.findData(depts[0]))
    box.set_precedents(shown)
    item = box.assisting.item(2)
    item.setCheckState(Qt.CheckState.Checked)
    assert dialog.values()["assisting"] == [item.data(Qt.ItemDataRole.UserRole)]
    dialog.show()
    qtbot.waitUntil(box.precedents.isVisible)
    assert c.number in box.precedents.text() and "沿河5米归水务" in box.precedents.text()
    dialog.grab().save(f"{SHOTS}/joint-dispatch-{lang}.png")


def test_disputes_page_rules_and_exports_the_agenda(qtbot, db, city, lang, tmp_path):
    c, depts, users, at = bounced(db, city, 3)
    other, *_ = bounced(db, city, 4, lon=city_lon(db, city))
    with db.transaction() as s:
        disputes.rule(s, city.leader, other.case_id, department_id=depts[0], reason="管线井归市政",
                      at=at)
    dialog = DisputesDialog(TaskRunner(db), lambda: city.leader)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000) as shown:
        dialog.reload()
    assert shown.args == [1, 1]
    dialog.show()
    dialog.open_table.selectRow(0)
    dialog.owner.setCurrentIndex(dialog.owner.findData(depts[1]))
    dialog.reason.setText("道路红线外归街道")
    assert dialog.rule_button.isEnabled()
    with qtbot.waitSignal(dialog.ruled, timeout=10_000):
        dialog.rule_button.click()
    qtbot.waitUntil(lambda: dialog.ruled_table.rowCount() == 2 and dialog.open_table.rowCount() == 0,
                    timeout=10_000)
    with db.session() as s:
        assert disputes.rulings(s, None)[0].reason == "道路红线外归街道"
    with qtbot.waitSignal(dialog.exported, timeout=10_000) as written:
        dialog.export(str(tmp_path / "agenda.xlsx"))
    wb = load_workbook(written.args[0])
    assert len(wb.sheetnames) == 2
    assert wb.sheetnames[1] == ("已裁定" if lang == "zh_CN" else "Rulings")
    # Back to one open dispute for the screenshot: both tables filled.
    third, *_ = bounced(db, city, 3)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.reload()
    dialog.open_table.selectRow(0)
    dialog.grab().save(f"{SHOTS}/joint-disputes-{lang}.png")


def city_lon(db, city):
    from tests.service_city import CENTRE, STEP
    return CENTRE[0] + STEP * 0.8


def test_a_dispatcher_cannot_rule(qtbot, db, city):
    dialog = DisputesDialog(TaskRunner(db), lambda: city.dispatcher)
    qtbot.addWidget(dialog)
    c, *_ = bounced(db, city, 3)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.reload()
    dialog.open_table.selectRow(0)
    assert not dialog.rule_button.isEnabled()
    with pytest.raises(DomainError) as e, db.transaction() as s:   # the service refuses too
        disputes.rule(s, city.dispatcher, c.case_id, department_id=1, reason="x")
    assert e.value.code == "role_not_allowed"


def test_a_department_acts_on_its_own_part_from_the_pane(qtbot, db, city, monkeypatch):
    c, (lead, a, b) = joint_case(db, city)
    lead_user = user_of(db, city, lead)
    with db.session() as s:
        detail = case_desk.case_detail(s, c.case_id)
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.joint_parts.bind(TaskRunner(db), lambda: lead_user)
    pane.show_detail(detail, [])
    names = {w.objectName() for w in pane.joint_parts.findChildren(QWidget)
             if w.objectName().startswith("part:")}
    # Only its own part's actions: none on the assisting departments' parts.
    assert names == {f"part:{lead}:{x}" for x in ("part_accept", "part_reply", "part_return",
                                                   "part_request_extension")}

    class Answered:
        def __init__(self, *args, **kw):
            pass

        def needs_nothing(self):
            return False

        def exec(self):
            from PySide6.QtWidgets import QDialog
            return QDialog.DialogCode.Accepted

        def values(self):
            return {"reply": "垃圾已清运"}
    pane.resize(560, 1000)
    pane.show()
    qtbot.waitUntil(pane.joint_parts.isVisible)
    pane.grab().save(f"{SHOTS}/joint-detail-department.png")
    monkeypatch.setattr("console.ui.queues.joint_parts.PartActionDialog", Answered)
    button = pane.joint_parts.findChild(QWidget, f"part:{lead}:part_reply")
    with qtbot.waitSignal(pane.joint_parts.changed, timeout=10_000):
        button.click()
    with db.session() as s:
        parts = {p.department_id: p for p in joint_cases.parts(s, c.case_id, None)}
    assert parts[lead].state == "handled" and parts[lead].reply == "垃圾已清运"
    # A refusal is shown in the section: a second reply on the handled part.
    pane.joint_parts.act(parts[lead], joint_cases.PartAction.REPLY, {"reply": "再次"})
    error = pane.joint_parts.findChild(QWidget, "jointPartsError")
    qtbot.waitUntil(lambda: not error.isHidden(), timeout=10_000)
    assert error.text()
