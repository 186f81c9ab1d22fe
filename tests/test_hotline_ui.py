"""The hotline form's caller history and the call-back window, clicked through on a seat."""
from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from console.services import cases
from console.store.models import Callback, Case, HotlineCall
from tests.queue_city import GARBAGE, cell_centre
from tests.test_queue_form import open_form
from tests.test_queue_widgets import city, english, seat, stored  # noqa: F401 — shared fixtures

PHONE = "13812345678"


def _citizen_case(db, city, *, close=False, description="路边暴露垃圾"):
    lon, lat = cell_centre(0, 0)
    with db.transaction() as s:
        c = cases.report(s, city.dispatcher, category_code=GARBAGE, source="hotline", lon=lon,
                         lat=lat, address="曙光路12号", description=description,
                         reporter_name="李女士", reporter_phone=PHONE)
        if not close:
            return c
        c = cases.register(s, city.dispatcher, c.case_id, c.version)
        c = cases.dispatch(s, city.dispatcher, c.case_id, c.version)
        c = cases.mark_handled(s, city.leader, c.case_id, c.version)
        c = cases.request_check(s, city.dispatcher, c.case_id, c.version,
                                patrol_id=city.officers[0])
        return cases.close(s, city.dispatcher, c.case_id, c.version)


def test_typing_the_number_shows_the_callers_history_and_links_the_call(db, city, qtbot, seat):
    earlier = _citizen_case(db, city, close=True, description="上周的垃圾")
    open_case = _citizen_case(db, city, description="门口垃圾")
    dock = seat(city.dispatcher)
    form = open_form(qtbot, dock)
    qtbot.keyClicks(form.phone, PHONE[:6])                  # still typing: nothing asked
    assert form.history.isHidden()
    qtbot.keyClicks(form.phone, PHONE[6:])
    qtbot.waitUntil(lambda: form.history.isVisible(), timeout=5000)
    box = form.history
    assert box.history.calls == 2 and box.history.open_cases == 1
    assert "2 time(s)" in box.title.text() and "1 case(s) still open" in box.title.text()
    numbers = [box.cases.topLevelItem(i).text(0) for i in range(box.cases.topLevelItemCount())]
    assert numbers == [open_case.number, earlier.number]
    assert box.current().number == open_case.number         # the open one is offered first
    assert box.link.isEnabled()
    box.cases.setCurrentItem(box.cases.topLevelItem(1))
    assert not box.link.isEnabled()                         # a closed case takes no call
    box.cases.setCurrentItem(box.cases.topLevelItem(0))
    form.caller.setText("李女士")
    form.description.setPlainText("又来催了")
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(Case))
    qtbot.mouseClick(box.link, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.form is None, timeout=5000)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == before
        [call] = s.scalars(select(HotlineCall)).all()
    assert (call.case_id, call.phone, call.caller_name) == (open_case.case_id, PHONE, "李女士")
    _case, events = stored(db, open_case.case_id)
    assert events[-1].note == f"Repeat call by 李女士 {PHONE}: 又来催了"
    assert "repeat call" in dock.status.text()


def test_the_call_back_window_records_an_answer_and_the_leader_reopens(db, city, qtbot, seat):
    closed = _citizen_case(db, city, close=True)
    desk = seat(city.dispatcher)
    button = desk.callback_button
    qtbot.waitUntil(lambda: button.page.queue is not None, timeout=5000)
    dialog = button.open_dialog()
    page = dialog.page
    qtbot.waitUntil(lambda: page.table.topLevelItemCount() == 1, timeout=5000)
    row = page.current()
    assert row.number == closed.number and row.reporter_phone == PHONE
    assert "1 to call back" in page.summary.text()
    assert not page.record.isEnabled() and not page.decide_box.isVisibleTo(page)
    next(b for b in page.outcomes.buttons()
         if b.property("outcome") == "unsatisfied").setChecked(True)
    assert page.ask_rework.isEnabled()
    page.ask_rework.setChecked(True)
    page.note.setPlainText("垃圾还在")
    qtbot.mouseClick(page.record, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.queue is not None and page.queue.awaiting_consent == 1,
                    timeout=5000)
    with db.session() as s:
        [cb] = s.scalars(select(Callback)).all()
    assert (cb.outcome, cb.rework, cb.note) == ("unsatisfied", "requested", "垃圾还在")
    dialog.close()
    leader = seat(city.leader)
    page = leader.callback_button.open_dialog().page
    qtbot.waitUntil(lambda: page.table.topLevelItemCount() == 1
                    and page.decide_box.isEnabled(), timeout=5000)
    assert page.decide_box.isVisibleTo(page)
    page.reason.setText("市民不满意，返工")
    qtbot.mouseClick(page.consent, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.queue is not None and page.queue.awaiting_consent == 0,
                    timeout=5000)
    case, events = stored(db, closed.case_id)
    assert case.status == "dispatched" and events[-1].action == "reopen"
    assert events[-1].actor_name == city.leader.name
    page.window().close()


def test_a_department_sees_the_call_backs_masked_and_cannot_answer(db, city, qtbot, seat):
    _citizen_case(db, city, close=True)
    with db.session() as s:
        department_id = s.scalar(select(Case.department_id))
    from tests.queue_city import dept_actor_in
    with db.transaction() as s:
        worker = dept_actor_in(s, department_id)
    dock = seat(worker)
    page = dock.callback_button.open_dialog().page
    qtbot.waitUntil(lambda: page.table.topLevelItemCount() == 1, timeout=5000)
    assert page.current().reporter_phone == "138****5678"
    assert page.table.topLevelItem(0).text(6) == "138****5678"
    assert not page.answer_box.isVisibleTo(page) and not page.decide_box.isVisibleTo(page)
    page.window().close()
