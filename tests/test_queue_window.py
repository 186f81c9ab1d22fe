"""The queue holds a window on its tab, not every row scrolled past: pages are let go of at the
far end and read back by keyset, the rows on screen and the selection stay put, and live
changes are merged only inside the window."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from console.common.selection import Selection
from console.live.tasks import TaskRunner
from console.services import cases, queues
from console.store.models import Case
from console.ui.queues.dock import QueueDock
from tests.queue_city import CATEGORIES, NOW, build_city

PAGE, CAP = 20, 100


def many_cases(db, city, n: int = 500, seed: int = 11) -> list[int]:
    """`n` reported cases over two days, many sharing a report time (ties broken by id)."""
    rng = random.Random(seed)
    made = []
    with db.transaction() as s:
        for _ in range(n):
            at = NOW - timedelta(minutes=rng.randrange(0, 3000, 7))
            made.append(cases.report(s, city.dispatcher, category_code=rng.choice(CATEGORIES),
                                     source="hotline", lon=120.1505, lat=30.2705,
                                     address="曙光路12号", description="x", at=at).case_id)
    return made


@pytest.fixture
def queue(db, qtbot):
    city = build_city(db)
    many_cases(db, city)
    tasks = TaskRunner(db)
    dock = QueueDock(None, tasks=tasks, selection=Selection(), actor=city.dispatcher)
    qtbot.addWidget(dock)
    dock.resize(640, 700)
    dock.show()
    dock.model.page_size, dock.model.window_cap = PAGE, CAP
    dock.tabs.setCurrentIndex(dock.STAGES.index("all"))
    dock.model.reload()                                 # the first page at this page size too
    qtbot.waitUntil(lambda: dock.refs is not None and settled(dock)
                    and dock.model.query.stage == "all" and dock.model.rowCount() > 0,
                    timeout=5000)
    dock.table.resize(600, 200)                         # a few rows on screen
    yield dock
    assert tasks.wait(5000)


def settled(dock) -> bool:
    return dock.tasks.idle() and not dock.model.busy


def tab_order(db, query) -> list[int]:
    """The whole tab in the database's keyset order (the service's own page query)."""
    with db.session() as s:
        return [r.id for r in queues.queue_page(s, query, limit=100_000).rows]


def assert_a_window_of(model, expected: list[int]) -> int:
    """The model holds a contiguous run of the tab, says rightly what lies beyond; its start."""
    ids = [r.id for r in model.rows()]
    assert ids and len(ids) <= CAP + PAGE
    start = expected.index(ids[0])
    assert ids == expected[start:start + len(ids)]  # no gap, no duplicate, the right order
    assert model.has_before() == (start > 0)
    assert model.has_more() == (start + len(ids) < len(expected))
    assert [model.row_of(i) for i in ids] == list(range(len(ids)))
    return start


def on_screen(table) -> tuple[int, int]:
    top = table.rowAt(0)
    return table.model().row_at(top).id, table.rowViewportPosition(top)


def scroll_down_one_page(qtbot, dock) -> None:
    """As the user does: to the bottom, where the view asks for the next page."""
    table, model = dock.table, dock.model
    before = model.rows()[-1].id
    table.scrollToBottom()
    qtbot.waitUntil(lambda: settled(dock) and model.rows()[-1].id != before, timeout=5000)


def scroll_up_one_page(qtbot, dock) -> None:
    table, model = dock.table, dock.model
    before = model.rows()[0].id
    table.scrollToTop()
    qtbot.waitUntil(lambda: settled(dock) and model.rows()[0].id != before, timeout=5000)


def test_scrolling_down_and_back_up_holds_a_bounded_window_of_exactly_the_tab(
        db, qtbot, queue, qtmodeltester):
    dock = queue
    model, table = dock.model, dock.table
    expected = tab_order(db, model.query)
    assert len(expected) > 4 * CAP
    dropped = 0
    while model.has_more():
        scroll_down_one_page(qtbot, dock)
        start = assert_a_window_of(model, expected)
        dropped = max(dropped, start)
        # A page read while the view stays where it is: the same rows remain on screen.
        shown = on_screen(table)
        if model.canFetchMore():
            model.fetchMore()
            qtbot.waitUntil(lambda: settled(dock), timeout=5000)
            assert on_screen(table) == shown
    assert dropped > 2 * CAP                       # scrolled far past the cap: let go of the top
    assert model.rows()[-1].id == expected[-1]
    qtmodeltester.check(model)

    lows = []
    while model.has_before():
        top = model.rows()[0].id
        scroll_up_one_page(qtbot, dock)
        lows.append(assert_a_window_of(model, expected))
        # The page above came in above the viewport: the view still shows the rows it did.
        assert on_screen(table) == (top, 0)
    assert lows == sorted(lows, reverse=True) and lows[-1] == 0
    assert [r.id for r in model.rows()] == expected[:model.rowCount()]
    qtmodeltester.check(model)


def test_the_rows_on_screen_stay_when_the_window_lets_go_of_the_top(db, qtbot, queue):
    dock = queue
    model, table = dock.model, dock.table
    while not model.has_before():
        scroll_down_one_page(qtbot, dock)
    scroll_down_one_page(qtbot, dock)
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum() // 2)
    qtbot.waitUntil(lambda: settled(dock), timeout=5000)
    shown, first = on_screen(table), model.rows()[0].id
    model.fetchMore()                                # a page at the bottom, so one at the top goes
    qtbot.waitUntil(lambda: settled(dock) and model.rows()[0].id != first, timeout=5000)
    assert on_screen(table) == shown


def test_the_selected_case_survives_being_let_go_of_and_read_back(db, qtbot, queue):
    dock = queue
    model, table = dock.model, dock.table
    table.select_row(3)
    case_id = table.selected_case_ids()[0]
    qtbot.waitUntil(lambda: dock.detail.detail is not None and dock.detail.detail.id == case_id,
                    timeout=5000)
    while model.row_of(case_id) >= 0:
        scroll_down_one_page(qtbot, dock)
    # Out of the window, the case is still the one the pane shows and the actions act on.
    assert dock.sync.wanted_case() == case_id
    assert dock.detail.detail.id == case_id
    assert dock.actions.current_detail().id == case_id
    assert table.parked_case_ids() == {case_id}
    while model.row_of(case_id) < 0:
        scroll_up_one_page(qtbot, dock)
    assert table.selected_case_ids() == [case_id]
    assert table.current_case_id() == case_id
    assert dock.detail.detail.id == case_id


def test_choosing_another_case_forgets_the_one_let_go_of(db, qtbot, queue):
    dock = queue
    model, table = dock.model, dock.table
    table.select_row(2)
    first = table.selected_case_ids()[0]
    while model.row_of(first) >= 0:
        scroll_down_one_page(qtbot, dock)
    table.select_row(table.rowAt(0))
    other = table.selected_case_ids()[0]
    while model.has_before():
        scroll_up_one_page(qtbot, dock)
    assert model.row_of(first) >= 0
    assert table.selected_case_ids() == [other]


def test_a_live_change_is_merged_inside_the_window_and_not_outside(db, qtbot, queue):
    dock = queue
    model = dock.model
    first_id = model.rows()[0].id
    for _ in range(3):
        scroll_down_one_page(qtbot, dock)
    while model.rows()[0].id == first_id:
        scroll_down_one_page(qtbot, dock)
    assert model.has_before() and model.has_more()
    rows = model.rows()
    first, last = rows[0], rows[-1]            # the "all" tab: newest first
    mid = rows[len(rows) // 2]
    city_actor = dock.actor
    with db.transaction() as s:
        inside = cases.report(s, city_actor, category_code=CATEGORIES[0], source="hotline",
                              lon=120.1505, lat=30.2705, address="窗口内", description="y",
                              at=mid.reported_at).case_id
        above = cases.report(s, city_actor, category_code=CATEGORIES[0], source="hotline",
                             lon=120.1505, lat=30.2705, address="窗口上", description="y",
                             at=first.reported_at + timedelta(minutes=5)).case_id
        below = cases.report(s, city_actor, category_code=CATEGORIES[0], source="hotline",
                             lon=120.1505, lat=30.2705, address="窗口下", description="y",
                             at=last.reported_at - timedelta(minutes=5)).case_id
        # A case in the window moves above it (reported later): it leaves the window.
        leaving = rows[5].id
        s.get(Case, leaving).reported_at = first.reported_at + timedelta(minutes=9)
    model.refresh_cases({inside, above, below, leaving})
    qtbot.waitUntil(lambda: settled(dock) and model.row_of(inside) >= 0, timeout=5000)
    assert model.row_of(above) < 0 and model.row_of(below) < 0 and model.row_of(leaving) < 0
    expected = tab_order(db, model.query)
    assert_a_window_of(model, expected)
    # And they are all there when the user scrolls to them.
    while model.has_before():
        scroll_up_one_page(qtbot, dock)
    assert model.row_of(above) >= 0 and model.row_of(leaving) >= 0
    assert_a_window_of(model, expected)


def test_sorting_after_scrolling_reads_the_window_afresh_from_the_top(db, qtbot, queue):
    dock = queue
    model = dock.model
    while not model.has_before():
        scroll_down_one_page(qtbot, dock)
    model.sort(model.sort_column(), Qt.SortOrder.AscendingOrder)   # oldest first now
    qtbot.waitUntil(lambda: settled(dock) and not model.query.descending, timeout=5000)
    assert not model.has_before()
    assert [r.id for r in model.rows()] == tab_order(db, model.query)[:model.rowCount()]
    while model.rowCount() < CAP:
        scroll_down_one_page(qtbot, dock)
    assert_a_window_of(model, tab_order(db, model.query))
