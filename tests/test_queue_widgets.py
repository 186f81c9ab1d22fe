"""The queue dock driven through its widgets: every action ends in the database and the timeline."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select, update

from console.domain.roles import Role
from console.live.tasks import TaskRunner
from console.services import cases
from console.services.actor import Actor
from console.store.models import Case, CaseEvent, LatestPosition, Shift
from console.common.i18n import install_translators
from console.ui.queues.case_queue_model import CaseQueueModel
from console.ui.queues.dock import QueueDock
from console.common.selection import Selection
from tests.queue_city import COLLAPSE, GARBAGE, MANHOLE, build_city, cell_centre, dept_actor_in


@pytest.fixture
def english(qapp):
    install_translators(qapp, "en")
    yield


@pytest.fixture
def city(db):
    """The queue city moved to the real clock: shifts and last fixes around now."""
    city = build_city(db)
    now = datetime.now().replace(microsecond=0, second=0)
    hhmm = lambda t: t.strftime("%H:%M")   # noqa: E731
    on = (hhmm(now - timedelta(hours=1)), hhmm(now + timedelta(hours=1)))
    off = (hhmm(now + timedelta(hours=2)), hhmm(now + timedelta(hours=3)))
    with db.transaction() as s:
        for officer, (start, end), age in zip(city.officers, [on, on, off, on], [1, 2, 1, 90]):
            s.execute(update(Shift).where(Shift.patrol_officer_id == officer)
                      .values(weekdays="0123456", start=start, end=end))
            s.execute(update(LatestPosition).where(LatestPosition.patrol_officer_id == officer)
                      .values(at=now - timedelta(minutes=age)))
    return city


@pytest.fixture
def seat(db, qtbot, english):
    """Docks on the test database (a seat each); their workers are waited for afterwards."""
    runners = []

    def make(actor: Actor) -> QueueDock:
        tasks = TaskRunner(db)
        runners.append(tasks)
        dock = QueueDock(None, tasks=tasks, selection=Selection(), actor=actor)
        qtbot.addWidget(dock)
        dock.resize(640, 900)
        dock.show()
        qtbot.waitUntil(lambda: dock.refs is not None and not dock.model._fetching, timeout=5000)
        return dock

    yield make
    for tasks in runners:
        assert tasks.wait(5000)


def new_case(db, city, *, category=GARBAGE, where=(0, 0), to="reported", dept=None):
    lon, lat = cell_centre(*where)
    with db.transaction() as s:
        c = cases.report(s, city.dispatcher, category_code=category, source="hotline", lon=lon,
                         lat=lat, address="曙光路12号", description="路边暴露垃圾")
        if to == "reported":
            return c
        c = cases.register(s, city.dispatcher, c.case_id, c.version)
        if to == "registered":
            return c
        c = cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=dept)
        if to == "dispatched":
            return c
        if to == "extension":
            worker = dept_actor_in(s, s.get(Case, c.case_id).department_id)
            return cases.request_extension(s, worker, c.case_id, c.version,
                                           deadline=s.get(Case, c.case_id).deadline + timedelta(days=2),
                                           reason="等材料")
        c = cases.mark_handled(s, city.leader, c.case_id, c.version)
        if to == "handled":
            return c
        c = cases.request_check(s, city.dispatcher, c.case_id, c.version, patrol_id=city.officers[0])
        if to == "checking":
            return c
        if to == "parked":
            raise ValueError(to)
    raise ValueError(to)


def stored(db, case_id):
    with db.session() as s:
        case = s.get(Case, case_id)
        events = list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                .order_by(CaseEvent.id)))
    return case, events


def show(qtbot, dock: QueueDock, case_id: int) -> None:
    """Pick a case as the map would; the dock finds its tab and selects it."""
    dock.selection.case_selected.emit(case_id)
    qtbot.waitUntil(lambda: dock.detail.detail is not None and dock.detail.detail.id == case_id
                    and dock.table.current_case_id() == case_id, timeout=5000)


def open_dialog(qtbot, dock: QueueDock, name: str):
    assert dock.workflow_actions[name].isEnabled(), name
    dock.workflow_actions[name].trigger()
    dialog = dock.runner.dialog
    assert dialog is not None and dialog.action == name
    if dialog.deadline is not None and not dialog.bulk:
        qtbot.waitUntil(lambda: dialog.deadline.isEnabled(), timeout=5000)
    if dialog.patrols is not None:
        qtbot.waitUntil(lambda: dialog.patrols.topLevelItemCount() > 0, timeout=5000)
    return dialog


def confirm(qtbot, dock: QueueDock, dialog) -> None:
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.runner.dialog is None, timeout=5000)


# --- the model -------------------------------------------------------------------------------

def test_model_passes_the_model_tester_through_load_paging_and_live_merges(db, city, qtbot,
                                                                          qtmodeltester, english):
    made = [new_case(db, city, where=(k % 4, k // 4 % 4)) for k in range(12)]
    tasks = TaskRunner(db)
    model = CaseQueueModel(tasks)
    from console.services.queues import QueueQuery
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_query(QueueQuery("reported", sort="number", descending=True))
    qtmodeltester.check(model)
    assert [model.row_at(i).id for i in range(model.rowCount())] == [c.case_id for c in reversed(made)]
    with db.transaction() as s:   # one leaves the tab, one arrives
        cases.register(s, city.dispatcher, made[3].case_id, made[3].version)
    extra = new_case(db, city)
    model.refresh_cases({made[3].case_id, extra.case_id})
    qtbot.waitUntil(lambda: model.rowCount() == 12 and model.row_at(0).id == extra.case_id,
                    timeout=5000)
    assert model.row_of(made[3].case_id) == -1
    qtmodeltester.check(model)
    assert tasks.wait(5000)


def test_paging_fetches_more_as_the_view_scrolls(db, city, qtbot, qtmodeltester, seat):
    made = [new_case(db, city) for _ in range(35)]
    dock = seat(city.dispatcher)
    dock.table.resize(600, 200)          # room for a few rows only
    dock.model.page_size = 10
    with qtbot.waitSignal(dock.model.loaded, timeout=5000):
        dock.model.reload()
    assert dock.model.rowCount() == 10 and dock.model.has_more()
    while dock.model.rowCount() < 35:    # each scroll to the end asks for one more page
        count = dock.model.rowCount()
        dock.table.scrollToBottom()
        qtbot.waitUntil(lambda c=count: dock.model.rowCount() > c, timeout=5000)
    assert not dock.model.has_more()
    assert [r.id for r in dock.model.rows()] == [c.case_id for c in made]
    qtmodeltester.check(dock.model)


def test_countdown_ticks_without_a_query(db, city, qtbot, seat, monkeypatch):
    # An urgent category counts natural hours, so the clock runs whatever the time of day.
    c = new_case(db, city, category=COLLAPSE, to="dispatched")
    dock = seat(city.dispatcher)
    dock.tabs.setCurrentIndex(dock.STAGES.index("dispatched"))
    qtbot.waitUntil(lambda: dock.model.row_of(c.case_id) == 0, timeout=5000)
    before = dock.model.index(0, 6).data()
    assert before.endswith("left")
    calls = []
    monkeypatch.setattr(dock.tasks, "run", lambda *a, **k: calls.append(a))
    later = datetime.now() + timedelta(hours=1)
    monkeypatch.setattr("console.ui.queues.case_queue_model.now", lambda: later.replace(microsecond=0))
    with qtbot.waitSignal(dock.model.dataChanged, timeout=1000):
        dock.model.tick()
    assert before == "2 h 0 min left" or before == "1 h 59 min left"
    assert dock.model.index(0, 6).data() in ("1 h 0 min left", "59 min left") and calls == []


# --- every action through the widgets -------------------------------------------------------

def test_register_with_a_corrected_category(db, city, qtbot, seat):
    c = new_case(db, city)
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    dialog = open_dialog(qtbot, dock, "register")
    assert dialog.category.code() == GARBAGE
    dialog.category.set_code(MANHOLE)
    dialog.note.setText("现场核实为井盖")
    confirm(qtbot, dock, dialog)
    case, events = stored(db, c.case_id)
    assert (case.status, case.category_code) == ("registered", MANHOLE)
    assert (events[-1].action, events[-1].note, events[-1].actor_name) == (
        "register", "现场核实为井盖", city.dispatcher.name)


def test_reject_needs_a_reason_and_keeps_the_dialog_until_given(db, city, qtbot, seat):
    c = new_case(db, city)
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    dialog = open_dialog(qtbot, dock, "reject")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.banner.text() == "“Reject” needs a reason." and dock.runner.dialog is dialog
    assert stored(db, c.case_id)[0].status == "reported"
    dialog.reason.setText("重复上报")
    confirm(qtbot, dock, dialog)
    case, events = stored(db, c.case_id)
    assert case.status == "rejected" and events[-1].note == "重复上报"


def test_dispatch_with_a_changed_department_and_deadline_by_keyboard(db, city, qtbot, seat):
    c = new_case(db, city, to="registered")
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    dock.table.setFocus()
    QTest.keyClick(dock.table, Qt.Key.Key_D)
    dialog = dock.runner.dialog
    assert dialog is not None and dialog.action == "dispatch"
    qtbot.waitUntil(lambda: dialog.deadline.isEnabled(), timeout=5000)
    assert dialog.department.currentData() == city.departments["环卫处"]   # from the category
    assert "By the category's time limit (4 work hours" in dialog.deadline_hint.text()
    other = city.departments["市政设施管理处"] if "市政设施管理处" in city.departments else \
        next(d for n, d in city.departments.items() if n != "环卫处")
    dialog.department.setCurrentIndex(dialog.department.findData(other))
    wanted = (datetime.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    from console.ui.queues.action_dialog import to_qdatetime
    dialog.deadline.setDateTime(to_qdatetime(wanted))
    QTest.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dock.runner.dialog is None, timeout=5000)
    case, events = stored(db, c.case_id)
    assert (case.status, case.department_id, case.deadline) == ("dispatched", other, wanted)
    data = dict(events[-1].data)
    assert data.pop("centre_stage")["key"] == "dispatch"     # the centre's own 派遣 limit ended
    assert data == {"department_id": other, "deadline": wanted.isoformat()}


@pytest.mark.parametrize(("start", "role", "action", "fill", "status"), [
    ("dispatched", "department", "return", {"reason": "非本单位职责"}, "registered"),
    ("dispatched", "department", "mark_handled", {"note": "已清理"}, "handled"),
    ("extension", "leader", "approve_extension", {"note": "同意"}, "dispatched"),
    ("extension", "leader", "deny_extension", {"reason": "理由不充分"}, "dispatched"),
    ("checking", "dispatcher", "close", {"note": "核查通过"}, "closed"),
    ("checking", "dispatcher", "rework", {"reason": "处置不彻底"}, "dispatched"),
    ("registered", "leader", "park", {"reason": "需统筹解决"}, "parked"),
    ("registered", "leader", "cancel", {"reason": "上报人撤回"}, "cancelled"),
    ("reported", "dispatcher", "add_note", {"note": "来电催办"}, "reported"),
])
def test_each_action_lands_in_the_database_and_the_timeline(db, city, qtbot, seat, start, role,
                                                            action, fill, status):
    dept = city.departments["环卫处"]
    c = new_case(db, city, to=start, dept=dept)
    actor = {"dispatcher": city.dispatcher, "leader": city.leader,
             "department": city.dept_actor(db, dept)}[role]
    dock = seat(actor)
    show(qtbot, dock, c.case_id)
    dialog = open_dialog(qtbot, dock, action)
    for field, text in fill.items():
        getattr(dialog, field).setText(text)
    confirm(qtbot, dock, dialog)
    case, events = stored(db, c.case_id)
    assert case.status == status
    assert (events[-1].action, events[-1].note, events[-1].actor_role) == (
        action, next(iter(fill.values())), role)
    assert "done" in dock.status.text()


def test_request_extension_and_resume(db, city, qtbot, seat):
    dept = city.departments["环卫处"]
    c = new_case(db, city, to="dispatched", dept=dept)
    dock = seat(city.dept_actor(db, dept))
    show(qtbot, dock, c.case_id)
    dialog = open_dialog(qtbot, dock, "request_extension")
    proposed = dialog.values()["deadline"]
    assert proposed > stored(db, c.case_id)[0].deadline
    dialog.reason.setText("材料未到")
    confirm(qtbot, dock, dialog)
    case, events = stored(db, c.case_id)
    assert case.requested_deadline == proposed and events[-1].note == "材料未到"
    # A parked case comes back with resume (a leader's action).
    with db.transaction() as s:
        other = new_case(db, city, to="registered")
        cases.park(s, city.leader, other.case_id, other.version, reason="等待")
    leader = seat(city.leader)
    show(qtbot, leader, other.case_id)
    assert leader.stage == "all"
    confirm(qtbot, leader, open_dialog(qtbot, leader, "resume"))
    assert stored(db, other.case_id)[0].status == "registered"


def test_request_check_suggests_the_nearest_officer_on_duty(db, city, qtbot, seat):
    c = new_case(db, city, to="handled")
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    dialog = open_dialog(qtbot, dock, "request_check")
    names = [dialog.patrols.topLevelItem(i).text(0) for i in range(dialog.patrols.topLevelItemCount())]
    assert names[0].startswith("近巡查") and names[1].startswith("远巡查")
    assert "on duty" in dialog.patrols.topLevelItem(0).text(2)
    confirm(qtbot, dock, dialog)
    case, events = stored(db, c.case_id)
    assert (case.status, case.check_patrol_id) == ("checking", city.officers[0])


def test_actions_follow_the_role_and_the_state(db, city, qtbot, seat):
    c = new_case(db, city, to="registered")
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    enabled = {n for n, a in dock.workflow_actions.items() if a.isEnabled()}
    assert enabled == {"dispatch", "add_note"}        # park and cancel are the leader's
    buttons = [b.defaultAction().objectName() for b in dock.detail.actions_row._buttons]
    assert buttons == ["dispatch", "add_note"]
    dept = city.departments["环卫处"]
    with db.transaction() as s:
        cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=dept)
    dock.reload()
    qtbot.waitUntil(lambda: dock.detail.detail.status == "dispatched", timeout=5000)
    dock.set_actor(city.dept_actor(db, dept))
    assert {n for n, a in dock.workflow_actions.items() if a.isEnabled()} == {
        "return", "request_extension", "mark_handled", "add_note"}
    assert not dock.filters.department.isEnabled()   # a department sees its own cases
    dock.set_actor(Actor(None, "别的部门", Role.DEPARTMENT, 999))
    assert not any(a.isEnabled() for a in dock.workflow_actions.values())


# --- bulk ------------------------------------------------------------------------------------

def test_bulk_dispatch_and_bulk_close(db, city, qtbot, seat):
    registered = [new_case(db, city, to="registered", where=(k, 0)) for k in range(3)]
    checking = [new_case(db, city, to="checking", where=(k, 1)) for k in range(2)]
    dock = seat(city.dispatcher)
    dock.tabs.setCurrentIndex(dock.STAGES.index("registered"))
    qtbot.waitUntil(lambda: dock.model.rowCount() == 3, timeout=5000)
    dock.table.selectAll()
    assert {n for n, a in dock.workflow_actions.items() if a.isEnabled()} == {"dispatch"}
    dialog = open_dialog(qtbot, dock, "dispatch")
    assert dialog.bulk and dialog.department.currentData() is None   # each by its category
    confirm(qtbot, dock, dialog)
    for c in registered:
        case, events = stored(db, c.case_id)
        assert (case.status, case.department_id) == ("dispatched", city.departments["环卫处"])
    dock.tabs.setCurrentIndex(dock.STAGES.index("checking"))
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2 and dock.model.query.stage == "checking",
                    timeout=5000)
    dock.table.selectAll()
    dialog = open_dialog(qtbot, dock, "close")
    dialog.note.setText("批量结案")
    confirm(qtbot, dock, dialog)
    assert all(stored(db, c.case_id)[0].status == "closed" for c in checking)
    assert stored(db, checking[0].case_id)[1][-1].note == "批量结案"


# --- the detail pane, the picker, the menu -----------------------------------------------------

def test_the_detail_shows_every_field_photos_and_the_timeline(db, city, qtbot, seat, tmp_path):
    from PySide6.QtGui import QColor, QImage
    photo = tmp_path / "site.png"
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor("orange"))
    assert image.save(str(photo))
    lon, lat = cell_centre(1, 1)
    with db.transaction() as s:
        c = cases.report(s, city.dispatcher, category_code=GARBAGE, source="hotline", lon=lon,
                         lat=lat, address="文三路100号", description="垃圾满溢", urgent=True,
                         reporter_name="王先生", reporter_phone="13900001111",
                         photos=[str(photo), "https://example.org/p/2.jpg", "/nowhere/3.jpg"])
        c = cases.register(s, city.dispatcher, c.case_id, c.version, note="属实")
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    pane = dock.detail
    texts = {label.objectName(): label.text() for label in pane.findChildren(type(pane.title))
             if label.objectName().startswith("detail")}
    assert texts["detailCategory"].startswith(f"{GARBAGE} 暴露垃圾") and "4 work hours" in texts["detailCategory"]
    assert city.cell_codes[1 * 4 + 1] in texts["detailLocation"] and "第1区" in texts["detailLocation"]
    assert texts["detailAddress"] == "文三路100号" and texts["detailDescription"] == "垃圾满溢"
    assert "王先生 13900001111" in texts["detailSource"]
    assert "Urgent" in pane.badges.text() and "Registered" in pane.badges.text()
    timeline = pane.timeline.text()
    assert timeline.index("Register") < timeline.index("Report") and "属实" in timeline
    photos = pane.findChildren(type(pane.title), "detailPhoto")
    assert len(photos) == 3
    qtbot.waitUntil(lambda: photos[0].pixmap() is not None and not photos[0].pixmap().isNull(),
                    timeout=5000)
    assert photos[0].pixmap().width() <= 120 and "example.org" in photos[1].text()
    assert photos[2].text() == "Photo not found"


def test_the_category_picker_finds_by_code_or_name(db, city, qtbot, seat):
    dock = seat(city.dispatcher)
    from console.ui.queues.category_picker import CategoryPicker
    picker = CategoryPicker()
    qtbot.addWidget(picker)
    picker.set_categories(dock.refs.categories)
    completer = picker.completer()
    completer.setCompletionPrefix("井盖")
    found = [completer.completionModel().index(i, 0).data()
             for i in range(completer.completionModel().rowCount())]
    assert found and all("井盖" in f for f in found) and any(f.startswith("10102 ") for f in found)
    completer.setCompletionPrefix("201")
    assert completer.completionModel().rowCount() >= 3
    picker.setEditText("20102")              # a bare code names the category too
    assert picker.code() == "20102"
    picker.setEditText("垃圾")                # a fragment alone names none yet
    assert picker.code() is None
    picker.set_code("20401")
    assert picker.category().urgent


def test_the_context_menu_offers_what_the_buttons_offer(db, city, qtbot, seat, monkeypatch):
    c = new_case(db, city)
    dock = seat(city.dispatcher)
    show(qtbot, dock, c.case_id)
    shown = []
    monkeypatch.setattr("PySide6.QtWidgets.QMenu.popup", lambda menu, *_: shown.append(menu))
    dock.table.context_menu_requested.emit(dock.table.visualRect(dock.model.index(0, 0)).center())
    names = [a.objectName() for a in shown[0].actions() if a.objectName()]
    assert names == ["request_verify", "register", "reject", "add_note", "showOnMap", "newCase"]


def test_a_mixed_selection_closes_what_it_can_and_names_the_rest(db, city, qtbot, seat):
    checking = new_case(db, city, to="checking")
    handled = new_case(db, city, to="handled")
    dock = seat(city.dispatcher)
    dock.tabs.setCurrentIndex(dock.STAGES.index("checking"))
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2 and dock.model.query.stage == "checking",
                    timeout=5000)
    dock.table.selectAll()
    dialog = open_dialog(qtbot, dock, "close")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 of 2 cases done" in dialog.banner.text(), timeout=5000)
    assert f"{handled.number}: “Close” is not possible while the case is “Handled”." \
        in dialog.banner.text()
    assert stored(db, checking.case_id)[0].status == "closed"
    assert stored(db, handled.case_id)[0].status == "handled"
    assert dock.runner.dialog is dialog and dialog.ok.isEnabled()   # the user decides what next


def test_a_case_a_minute_from_the_keyboard(db, city, qtbot, seat):
    """Search, Enter, D, Enter — and the next case is selected for the next D."""
    first = new_case(db, city, to="registered", where=(0, 0))
    second = new_case(db, city, to="registered", where=(1, 0))
    dock = seat(city.dispatcher)
    dock.tabs.setCurrentIndex(dock.STAGES.index("registered"))
    qtbot.waitUntil(lambda: dock.model.query.stage == "registered" and not dock.model.busy,
                    timeout=5000)
    dock.search.setFocus()
    qtbot.keyClicks(dock.search, "2026")
    qtbot.keyClick(dock.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dock.table.current_case_id() == first.case_id
                    and dock.detail.detail is not None and dock.detail.detail.id == first.case_id,
                    timeout=5000)
    for case in (first, second):
        qtbot.waitUntil(lambda c=case: dock.detail.detail is not None
                        and dock.detail.detail.id == c.case_id
                        and dock.workflow_actions["dispatch"].isEnabled(), timeout=5000)
        QTest.keyClick(dock.table, Qt.Key.Key_D)
        dialog = dock.runner.dialog
        qtbot.waitUntil(lambda d=dialog: d.deadline.isEnabled(), timeout=5000)
        QTest.keyClick(dialog.department, Qt.Key.Key_Return)     # Enter confirms
        qtbot.waitUntil(lambda: dock.runner.dialog is None, timeout=5000)
    assert [stored(db, c.case_id)[0].status for c in (first, second)] == ["dispatched"] * 2
