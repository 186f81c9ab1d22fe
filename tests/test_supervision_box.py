"""督办 in the case detail: the buttons each role sees, and raise → answer → close through the
service on the evaluation town (case a4 is dispatched to 甲局 and never handled)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from console.live.tasks import TaskRunner
from console.services import case_desk
from console.store.models import Case, SupervisionOrder
from console.ui.queues.detail_pane import DetailPane
from console.ui.queues.supervision_box import AnswerInput, RaiseInput
from tests import evaluation_town as T
from tests.test_supervision import database, town  # noqa: F401 — the fixtures

NOW = T.at(13, 12)


@pytest.fixture
def pane(qtbot, database, town):  # noqa: F811
    tasks = TaskRunner(database)
    p = DetailPane()
    p.supervision._now = lambda: NOW
    p.supervision.bind(tasks)
    p.resize(520, 700)
    qtbot.addWidget(p)
    yield p, tasks
    assert tasks.wait(5000)


def _show(qtbot, p, tasks, case_id):
    got = []
    tasks.run(lambda s: case_desk.case_detail(s, case_id), on_done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    p.show_detail(got[0], [])
    box = p.supervision
    qtbot.waitUntil(lambda: box.case_id == case_id and tasks.idle(), timeout=5000)
    return box


def _visible(box):
    return {name for name, b in (("raise", box.raise_button), ("answer", box.answer_button),
                                 ("close", box.close_button)) if b.isVisibleTo(box)}


def test_buttons_by_role_and_round_trip(qtbot, database, town, pane):  # noqa: F811
    p, tasks = pane
    box = p.supervision
    a4 = town.cases["a4"]
    lead, jia, yi, desk = (town.people[k] for k in ("lead", "jia", "yi", "desk"))
    box.set_actor(lead)
    box = _show(qtbot, p, tasks, a4)
    assert _visible(box) == {"raise"}
    assert "No supervision order" in box.list.text()
    box.set_actor(desk)
    assert _visible(box) == set()

    # The leader raises a 督办 (level 2) with a reason and a due time.
    box.set_actor(lead)
    box.ask_raise = lambda _parent, above, _now: (
        above == 0 and RaiseInput(2, "三天未动", T.at(13, 18)) or None)
    with qtbot.waitSignal(box.changed, timeout=5000):
        box.raise_button.click()
    qtbot.waitUntil(lambda: box.open_order is not None, timeout=5000)
    with database.session() as s:
        assert s.get(Case, a4).supervision_level == 2
    assert "三天未动" in box.list.text() and "带班领导" in box.list.text()
    assert _visible(box) == {"raise", "close"}
    assert box.raise_button.text() == "Step up…"

    # The other department sees nothing to answer; the case's department answers.
    box.set_actor(yi)
    assert _visible(box) == set()
    box.set_actor(jia)
    assert _visible(box) == {"answer"}
    box.ask_answer = lambda _parent, _now: AnswerInput("已派人", T.at(14, 9))
    with qtbot.waitSignal(box.changed, timeout=5000):
        box.answer_button.click()
    qtbot.waitUntil(lambda: box.open_order is not None and box.open_order.reply == "已派人",
                    timeout=5000)
    assert "已派人" in box.list.text()

    # A promise in the past is refused with the service's sentence, shown in the pane.
    box.ask_answer = lambda _parent, _now: AnswerInput("再等等", T.at(13, 11))
    with qtbot.waitSignal(box.refused, timeout=5000) as refused:
        box.answer_button.click()
    assert refused.args[0] and box.refusal.isVisibleTo(box)

    # The leader closes it: the case's badge goes.
    box.set_actor(lead)
    box.ask_close = lambda _parent: True
    with qtbot.waitSignal(box.changed, timeout=5000):
        box.close_button.click()
    qtbot.waitUntil(lambda: box.orders and box.open_order is None, timeout=5000)
    with database.session() as s:
        assert s.get(Case, a4).supervision_level == 0
        order = s.scalars(select(SupervisionOrder).where(SupervisionOrder.case_id == a4)).one()
        assert (order.level, order.reply, order.resolved_at) == (2, "已派人", NOW)
    assert _visible(box) == {"raise"}


def test_top_level_cannot_step_up_and_cancelled_dialog_writes_nothing(qtbot, database, town,
                                                                        pane):  # noqa: F811
    p, tasks = pane
    box = p.supervision
    box.set_actor(town.people["lead"])
    box = _show(qtbot, p, tasks, town.cases["a4"])
    box.ask_raise = lambda *_: None
    box.raise_button.click()
    assert tasks.idle()
    with database.session() as s:
        assert s.scalar(select(SupervisionOrder.id)) is None
    box.ask_raise = lambda *_: RaiseInput(3, "挂牌", T.at(14, 12))
    with qtbot.waitSignal(box.changed, timeout=5000):
        box.raise_button.click()
    qtbot.waitUntil(lambda: box.open_order is not None, timeout=5000)
    assert _visible(box) == {"close"}      # 挂牌督办 is the top of the ladder


def test_badge_in_the_queue_model(qtbot, qtmodeltester, database, town):  # noqa: F811
    from PySide6.QtCore import Qt

    from console.services import supervision as sv
    from console.services.queues import QueueQuery
    from console.ui.queues.case_queue_model import CASE_ID_ROLE, COLUMNS, CaseQueueModel
    a4 = town.cases["a4"]
    with database.transaction() as s:
        sv.raise_order(s, town.people["lead"], case_id=a4, level=3, reason="挂牌",
                       due_at=T.at(14, 12), at=NOW)
    tasks = TaskRunner(database)
    model = CaseQueueModel(tasks)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_query(QueueQuery("all"))
    qtmodeltester.check(model)
    number = COLUMNS.index("number")
    marked = {}
    for r in range(model.rowCount()):
        index = model.index(r, number)
        icon = model.data(index, Qt.ItemDataRole.DecorationRole)
        marked[model.data(index, CASE_ID_ROLE)] = (icon is not None and not icon.isNull(),
                                                   model.data(index, Qt.ItemDataRole.ToolTipRole))
    assert marked[a4][0] and "挂牌督办" in marked[a4][1]
    assert not any(has for cid, (has, _) in marked.items() if cid != a4)
    assert tasks.wait(5000)


def test_orders_on_a_department_from_the_rankings(qtbot, database, town):  # noqa: F811
    from datetime import datetime

    from console.common.selection import Selection
    from console.ui.evaluation.dock import EvaluationDock
    tasks = TaskRunner(database)
    d = EvaluationDock(tasks, Selection(), now=lambda: datetime(2026, 3, 13, 18, 0))
    qtbot.addWidget(d)
    d.period.setCurrentIndex(d.period.findData("week"))
    qtbot.waitUntil(lambda: d.model.ranking is not None, timeout=5000)
    assert not d.supervise_button.isVisibleTo(d)          # no actor: nobody to issue it
    d.set_actor(town.people["desk"])
    assert not d.supervise_button.isVisibleTo(d)          # a dispatcher issues no orders
    d.set_actor(town.people["lead"])
    assert d.supervise_button.isVisibleTo(d) and not d.supervise_button.isEnabled()
    row = next(r for r in range(d.proxy.rowCount()) if d.proxy.index(r, 1).data() == "甲局")
    d.table.selectRow(row)
    assert d.supervise_button.isEnabled()
    offered = []
    d.orders.ask_raise = lambda _w, above, _now: offered.append(above) or RaiseInput(
        1, "积案多", T.at(14, 9))
    with qtbot.waitSignal(d.orders.raised, timeout=5000):
        d.supervise_button.click()
    assert "甲局" in d.note.text()
    # Again: the dialog offers only the levels above the open 催办, and the order steps up.
    d.orders.ask_raise = lambda _w, above, _now: offered.append(above) or RaiseInput(
        2, "仍未处理", T.at(14, 12))
    with qtbot.waitSignal(d.orders.raised, timeout=5000):
        d.supervise_button.click()
    assert offered == [0, 1]
    with database.session() as s:
        order = s.scalars(select(SupervisionOrder)).one()
        assert (order.department_id, order.case_id, order.level, order.note) == (
            town.depts["甲局"], None, 2, "仍未处理")
    # A level-2 order asked again at level 2 is refused with the service's sentence.
    d.orders.ask_raise = lambda *_: RaiseInput(2, "再催", T.at(14, 12))
    with qtbot.waitSignal(d.orders.said, timeout=5000) as said:
        d.supervise_button.click()
    assert "already open" in said.args[0]
    d.level.setCurrentIndex(1)                            # streets: no orders on a street
    assert not d.supervise_button.isVisibleTo(d)
    assert tasks.wait(5000)
