"""Guards around acting from the queue: two seats racing (the second is refused and keeps what
it typed), a key acts on the case selected, a retry after a stale refusal can succeed, a dialog that is saving cannot be closed before its answer, and a bulk
action always reports what it did."""
from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from console.services import case_desk, cases
from console.store.models import Case
from tests.test_queue_form import fill, open_form
from tests.test_queue_widgets import (  # noqa: F401 — shared fixtures
    city,
    confirm,
    english,
    new_case,
    open_dialog,
    seat,
    show,
    stored,
)


def bump(db, case_id):
    """Another seat touches a case (its version moves on, its state does not)."""
    with db.transaction() as s:
        s.execute(update(Case).where(Case.id == case_id).values(version=Case.version + 1))


def gated(monkeypatch, module, name) -> threading.Event:
    """Hold a service call on its worker until the test opens the gate (the save is 'running')."""
    real = getattr(module, name)
    gate = threading.Event()

    def held(*args, **kwargs):
        gate.wait(10)
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, held)
    return gate


def two_registered(db, city, qtbot, seat):
    made = [new_case(db, city, to="registered", where=(k, 0)) for k in range(2)]
    dock = seat(city.dispatcher)
    dock.tabs.setCurrentIndex(dock.STAGES.index("registered"))
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2 and not dock.model.busy, timeout=5000)
    return made, dock


def test_a_key_right_after_moving_never_acts_on_the_case_above(db, city, qtbot, seat):
    _made, dock = two_registered(db, city, qtbot, seat)
    dock.table.select_row(0)
    first = dock.table.current_case_id()
    qtbot.waitUntil(lambda: dock.detail.detail is not None and dock.detail.detail.id == first,
                    timeout=5000)
    dock.table.setFocus()
    QTest.keyClick(dock.table, Qt.Key.Key_Down)
    second = dock.table.current_case_id()
    assert second != first
    # The new case is not read yet: the pane no longer holds the one above, nothing acts on it.
    assert dock.detail.detail is None or dock.detail.detail.id == second
    QTest.keyClick(dock.table, Qt.Key.Key_D)
    assert dock.runner.dialog is None or dock.runner._target["id"] == second
    if dock.runner.dialog is not None:
        dock.runner.dialog.reject()
    qtbot.waitUntil(lambda: dock.detail.detail is not None and dock.detail.detail.id == second,
                    timeout=5000)
    assert dock.workflow_actions["dispatch"].isEnabled()
    QTest.keyClick(dock.table, Qt.Key.Key_D)
    assert dock.runner.dialog is not None and dock.runner._target["id"] == second


def test_ok_again_after_a_stale_refusal_in_a_bulk_action_succeeds(db, city, qtbot, seat):
    made, dock = two_registered(db, city, qtbot, seat)
    dock.table.selectAll()
    dialog = open_dialog(qtbot, dock, "dispatch")
    bump(db, made[0].case_id)
    QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 of 2" in dialog.banner.text(), timeout=5000)
    assert stored(db, made[0].case_id)[0].status == "registered"
    qtbot.waitUntil(dialog.ok.isEnabled, timeout=5000)   # the versions are read again
    QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.runner.dialog is None, timeout=5000)
    assert [stored(db, c.case_id)[0].status for c in made] == ["dispatched", "dispatched"]


def test_a_bulk_dialog_cannot_be_closed_while_saving_and_reports_the_outcome(
        db, city, qtbot, seat, monkeypatch):
    gate = gated(monkeypatch, case_desk, "bulk_perform")
    made, dock = two_registered(db, city, qtbot, seat)
    dock.table.selectAll()
    dialog = open_dialog(qtbot, dock, "dispatch")
    bump(db, made[0].case_id)
    QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.busy and not dialog.cancel.isEnabled()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.close()
    assert dialog.isVisible() and dock.runner.dialog is dialog
    gate.set()
    qtbot.waitUntil(lambda: "1 of 2" in dialog.banner.text(), timeout=5000)
    assert made[0].number in dialog.banner.text()
    assert [stored(db, c.case_id)[0].status for c in made] == ["registered", "dispatched"]
    assert not dialog.busy and dialog.cancel.isEnabled()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)   # once the answer is in, Esc closes again
    qtbot.waitUntil(lambda: dock.runner.dialog is None, timeout=5000)


def test_a_single_action_dialog_waits_for_its_answer(db, city, qtbot, seat, monkeypatch):
    gate = gated(monkeypatch, case_desk, "perform")
    c = new_case(db, city)
    dock = seat(city.dispatcher)
    msgs = []
    dock.message.connect(msgs.append)
    dock.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1 and not dock.model.busy, timeout=5000)
    dock.table.select_row(0)
    qtbot.waitUntil(lambda: dock.detail.detail is not None, timeout=5000)
    dialog = open_dialog(qtbot, dock, "reject")
    dialog.reason.setText("不属于受理范围")
    QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert dock.runner.dialog is dialog and dialog.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: dock.runner.dialog is None, timeout=5000)
    assert stored(db, c.case_id)[0].status == "rejected"
    assert any(c.number in m for m in msgs)
    assert dock.runner.draft(c.case_id, "reject") == {}   # no draft for an action done


def test_the_hotline_form_waits_for_its_save(db, city, qtbot, seat, monkeypatch):
    gate = gated(monkeypatch, cases, "report")
    dock = seat(city.dispatcher)
    form = open_form(qtbot, dock)
    fill(form, qtbot, cell=city.cell_codes[5])
    qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    assert form.busy and not form.cancel.isEnabled()
    QTest.keyClick(form, Qt.Key.Key_Escape)
    form.close()
    assert dock.form is form and form.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: dock.form is None, timeout=5000)
    assert "saved" in dock.status.text()


def test_a_database_error_in_a_bulk_action_keeps_the_record_of_what_was_done(
        db, city, monkeypatch):
    made = [new_case(db, city, to="registered", where=(k, 0)) for k in range(3)]
    real = case_desk.perform

    def flaky(session, actor, case_id, *args, **kwargs):
        if case_id == made[1].case_id:
            raise OperationalError("UPDATE cases", {}, Exception("database is locked"))
        return real(session, actor, case_id, *args, **kwargs)
    monkeypatch.setattr(case_desk, "perform", flaky)
    items = [(c.case_id, c.number, c.version) for c in made]
    result = case_desk.bulk_perform(db.transaction, city.dispatcher, items, "dispatch", {})
    assert [d.case_id for d in result.done] == [made[0].case_id, made[2].case_id]
    assert [(n, type(e)) for n, e in result.refused] == [(made[1].number, OperationalError)]
    assert [stored(db, c.case_id)[0].status for c in made] == [
        "dispatched", "registered", "dispatched"]


# --- two seats racing ------------------------------------------------------------------------

def test_the_second_seat_is_refused_and_keeps_what_it_typed(db, city, qtbot, seat):
    c = new_case(db, city, to="registered")
    first, second = seat(city.dispatcher), seat(city.leader)
    show(qtbot, first, c.case_id)
    show(qtbot, second, c.case_id)
    slow = open_dialog(qtbot, second, "dispatch")
    slow.note.setText("请尽快处理，附近有学校")
    confirm(qtbot, first, open_dialog(qtbot, first, "dispatch"))    # the first seat wins
    qtbot.mouseClick(slow.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "changed by someone else" in slow.banner.text(), timeout=5000)
    # The case refreshes; dispatch is no longer possible, and the typing is still there.
    qtbot.waitUntil(lambda: second.detail.detail.status == "dispatched", timeout=5000)
    qtbot.waitUntil(lambda: not slow.ok.isEnabled(), timeout=5000)
    assert "not possible while the case is “Dispatched”" in slow.banner.text()
    assert slow.note.text() == "请尽快处理，附近有学校"
    case, events = stored(db, c.case_id)
    assert [e.action for e in events].count("dispatch") == 1
    assert events[-1].actor_name == city.dispatcher.name
    # Closing keeps the note as a draft: a note on the case can reuse it.
    slow.reject()
    assert second.runner.draft(c.case_id, "dispatch")["note"] == "请尽快处理，附近有学校"


def test_a_refused_note_is_sent_again_on_the_new_version(db, city, qtbot, seat):
    c = new_case(db, city)
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    dialog = open_dialog(qtbot, dock, "add_note")
    dialog.note.setText("市民再次来电")
    with db.transaction() as s:      # another seat annotates first
        cases.add_note(s, city.leader, c.case_id, c.version, note="已电话回访")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "changed by someone else" in dialog.banner.text(), timeout=5000)
    qtbot.waitUntil(lambda: dock.detail.detail.version == 2, timeout=5000)
    assert dialog.note.text() == "市民再次来电" and dialog.ok.isEnabled()
    confirm(qtbot, dock, dialog)
    notes = [e.note for e in stored(db, c.case_id)[1]]
    assert notes[-2:] == ["已电话回访", "市民再次来电"]


def test_a_draft_comes_back_when_the_dialog_is_opened_again(db, city, qtbot, seat):
    c = new_case(db, city)
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    dialog = open_dialog(qtbot, dock, "reject")
    dialog.reason.setText("不属于城管范围")
    dialog.reject()
    again = open_dialog(qtbot, dock, "reject")
    assert again.reason.text() == "不属于城管范围"
