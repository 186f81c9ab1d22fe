"""A joint case in the queue dock, seat by seat: the lead department gets its part's buttons and
no ordinary 处置完成/回退/申请延期 (the service refuses those on a joint case), an assisting
department its own part's reply and extension, the desk its rework per part once the case is
handled and no ordinary rework; a click on a part's button reaches the database."""
from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from console.common.i18n import install_translators
from console.common.selection import Selection
from console.domain.joint import PartAction
from console.live.tasks import TaskRunner
from console.services import joint_cases
from console.services.actor import Actor
from console.ui.queues.dock import QueueDock
from tests.test_disputes import bounced, user_of
from tests.test_joint_actions_offered import AT, LATER, _departments, _joint, _part

SHOTS = os.environ.get("JOINT_SHOTS", "/tmp")


@pytest.fixture(params=["zh_CN", "en"])
def lang(request, qapp):
    install_translators(qapp, request.param)
    yield request.param
    install_translators(qapp, "en")


@pytest.fixture
def seat(db, qtbot):
    runners = []

    def make(actor: Actor) -> QueueDock:
        tasks = TaskRunner(db)
        runners.append(tasks)
        dock = QueueDock(None, tasks=tasks, selection=Selection(), actor=actor)
        qtbot.addWidget(dock)
        dock.resize(620, 1100)
        dock.show()
        qtbot.waitUntil(lambda: dock.refs is not None and not dock.model._fetching, timeout=5000)
        return dock

    yield make
    for tasks in runners:
        assert tasks.wait(5000)


def show(qtbot, dock: QueueDock, case_id: int, version: int | None = None) -> None:
    dock.selection.case_selected.emit(case_id)
    qtbot.waitUntil(lambda: dock.detail.detail is not None and dock.detail.detail.id == case_id
                    and (version is None or dock.detail.detail.version == version)
                    and dock.table.current_case_id() == case_id, timeout=5000)


def snap(qtbot, dock: QueueDock, name: str) -> None:
    """A screenshot once the buttons are laid out (a new button shows on the next event)."""
    widgets = [*dock.detail.joint_parts.part_buttons, *dock.detail.actions_row._buttons]
    qtbot.waitUntil(lambda: all(w.isVisible() and w.width() > 20 for w in widgets), timeout=5000)
    labels = dock.detail.widget().findChildren(QLabel)
    qtbot.waitUntil(lambda: all(w.height() >= w.minimumSizeHint().height() for w in labels
                                if w.isVisible()), timeout=5000)
    dock.detail.widget().grab().save(f"{SHOTS}/{name}.png")


def case_buttons(dock: QueueDock) -> list[str]:
    return [b.defaultAction().objectName() for b in dock.detail.actions_row._buttons]


def enabled(dock: QueueDock) -> set[str]:
    return {n for n, a in dock.workflow_actions.items() if a.isEnabled()}


def part_buttons(dock: QueueDock) -> dict[str, str]:
    """objectName → text of the part buttons on screen."""
    return {w.objectName(): w.text() for w in dock.detail.joint_parts.part_buttons}


class Answered:
    """The part action's dialog, answered."""

    def __init__(self, action, *args, **kw):
        self.action = action

    def needs_nothing(self):
        return False

    def exec(self):
        return QDialog.DialogCode.Accepted

    def values(self):
        return {PartAction.REPLY: {"reply": "已派人配合"},
                PartAction.REQUEST_EXTENSION: {"reason": "等材料", "deadline": LATER},
                PartAction.REWORK: {"reason": "未清理干净", "deadline": LATER}}.get(
            self.action, {"reason": "理由"})


def test_each_seat_sees_exactly_its_own_actions_on_a_joint_case(db, city, qtbot, seat, lang,
                                                                 monkeypatch):
    lead, a, b, _ = _departments(city)
    c, *_ = bounced(db, city, 0)
    c = _joint(db, city, c, lead, [a, b])
    lead_seat, a_seat = user_of(db, city, lead), user_of(db, city, a)
    monkeypatch.setattr("console.ui.queues.joint_parts.PartActionDialog", Answered)

    # The lead: its part's take up / reply / return / extension; on the case only a note.
    dock = seat(lead_seat)
    show(qtbot, dock, c.case_id)
    assert enabled(dock) == {"add_note"} and case_buttons(dock) == ["add_note"]
    assert set(part_buttons(dock)) == {f"part:{lead}:{x.value}" for x in (
        PartAction.ACCEPT, PartAction.REPLY, PartAction.RETURN, PartAction.REQUEST_EXTENSION)}
    snap(qtbot, dock, f"privacy-joint-lead-{lang}")

    # An assisting department: its own part only; nothing on the case, and the hint says where.
    dock = seat(a_seat)
    show(qtbot, dock, c.case_id)
    assert enabled(dock) == set() and case_buttons(dock) == []
    assert set(part_buttons(dock)) == {f"part:{a}:{x.value}" for x in (
        PartAction.ACCEPT, PartAction.REPLY, PartAction.RETURN, PartAction.REQUEST_EXTENSION)}
    assert dock.detail.hint.text() == dock.detail.tr(
        "A joint case: act on the department's part under Departments below.")
    snap(qtbot, dock, f"privacy-joint-assisting-{lang}")
    button = dock.detail.joint_parts.findChild(QWidget, f"part:{a}:part_request_extension")
    with qtbot.waitSignal(dock.detail.joint_parts.changed, timeout=10_000):
        button.click()
    with db.session() as s:
        part = {p.department_id: p for p in joint_cases.parts(s, c.case_id, None)}[a]
    assert part.requested_deadline == LATER
    # Its extension awaits the leader: no second request is offered (the service refuses it).
    qtbot.waitUntil(lambda: f"part:{a}:part_request_extension" not in part_buttons(dock)
                    and f"part:{a}:part_reply" in part_buttons(dock), timeout=5000)

    # The leader: approve or deny the assisting department's extension, nothing of the lead's.
    dock = seat(city.leader)
    show(qtbot, dock, c.case_id)
    assert not enabled(dock) & {"approve_extension", "deny_extension", "mark_handled",
                                "return", "rework"}
    assert set(part_buttons(dock)) == {f"part:{a}:part_approve_extension",
                                       f"part:{a}:part_deny_extension"}
    snap(qtbot, dock, f"privacy-joint-leader-{lang}")


def test_the_desk_sends_a_part_back_for_rework_not_the_case(db, city, qtbot, seat, monkeypatch):
    lead, a, _, _ = _departments(city)
    c, *_ = bounced(db, city, 0)
    c = _joint(db, city, c, lead, [a])
    _part(db, user_of(db, city, a), c, a, PartAction.REPLY, reply="已配合")
    handled = _part(db, user_of(db, city, lead), c, lead, PartAction.REPLY, reply="已处理")
    assert handled.status == "handled"
    monkeypatch.setattr("console.ui.queues.joint_parts.PartActionDialog", Answered)
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    assert "rework" not in enabled(dock) and "request_check" in enabled(dock)
    assert set(part_buttons(dock)) == {f"part:{lead}:part_rework", f"part:{a}:part_rework"}
    snap(qtbot, dock, "privacy-joint-desk-handled")
    # W, the ordinary rework's key, does nothing on a joint case.
    dock.actions.trigger("rework")
    assert dock.runner.dialog is None
    button = dock.detail.joint_parts.findChild(QWidget, f"part:{lead}:part_rework")
    with qtbot.waitSignal(dock.detail.joint_parts.changed, timeout=10_000):
        button.click()
    # The whole case went back with the lead's part; the detail re-reads it.
    qtbot.waitUntil(lambda: dock.detail.detail.status == "dispatched", timeout=5000)
    with db.session() as s:
        parts = {p.department_id: p for p in joint_cases.parts(s, c.case_id, None)}
    assert parts[lead].state == "handling" and parts[lead].rework_count == 1
    assert parts[a].state == "replied"
    # Dispatched again: the assisting department's reply may still be sent back, not the lead's.
    qtbot.waitUntil(lambda: set(part_buttons(dock)) == {f"part:{a}:part_rework"}, timeout=5000)


def test_a_new_user_signing_in_gets_their_own_part_buttons(db, city, qtbot, seat):
    lead, a, _, _ = _departments(city)
    c, *_ = bounced(db, city, 0)
    c = _joint(db, city, c, lead, [a], at=AT)
    dock = seat(user_of(db, city, a))
    show(qtbot, dock, c.case_id)
    assert all(n.startswith(f"part:{a}:") for n in part_buttons(dock))
    dock.set_actor(user_of(db, city, lead))     # the shift changes, the case stays on screen
    assert part_buttons(dock) and all(n.startswith(f"part:{lead}:") for n in part_buttons(dock))
    assert enabled(dock) == {"add_note"}
