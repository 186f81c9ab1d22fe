"""Live changes reach the queue within a second and keep selection, scroll and sort; filters,
tabs and the shared selection, through the widgets."""
from __future__ import annotations


from PySide6.QtCore import Qt

from console.live.feed_worker import FeedWorker
from console.services import cases
from console.services import queues as Q
from tests.queue_city import cell_centre
from tests.test_queue_widgets import city, english, new_case, seat, show  # noqa: F401


def ids_in(dock):
    return [r.id for r in dock.model.rows()]


def expected(db, stage, f, sort=None, descending=False):
    query = Q.QueueQuery(stage, f, sort or "", descending)
    with db.session() as s:
        return [r.id for r in Q.queue_page(s, query, limit=10_000).rows]


def test_changes_from_another_seat_arrive_within_a_second_keeping_selection_scroll_and_sort(
        db, city, qtbot, seat):
    made = [new_case(db, city, where=(k % 4, k // 4 % 4)) for k in range(60)]
    dock = seat(city.dispatcher)
    dock.table.resize(600, 300)
    worker = FeedWorker(db, interval_ms=50)
    worker.changes.connect(dock.on_feed)
    worker.start()
    try:
        qtbot.waitUntil(lambda: worker.seq is not None, timeout=5000)
        number = dock.model.headerData(0, Qt.Orientation.Horizontal)
        assert number == "Number"
        dock.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)        # newest number first
        qtbot.waitUntil(lambda: dock.model.query.sort == "number" and not dock.model._fetching,
                        timeout=5000)
        assert ids_in(dock) == [c.case_id for c in reversed(made)]
        chosen = made[30]
        dock.table.select_row(dock.model.row_of(chosen.case_id))
        dock.table.scrollTo(dock.model.index(dock.model.row_of(chosen.case_id), 0),
                            dock.table.ScrollHint.PositionAtTop)
        top_case = dock.model.row_at(dock.table.rowAt(0)).id
        offset = dock.table.verticalScrollBar().value()
        assert offset > 0 and top_case == chosen.case_id

        fresh = [new_case(db, city) for _ in range(3)]                # above, by number
        with db.transaction() as s:                                   # one leaves the tab
            cases.register(s, city.leader, made[45].case_id, made[45].version)
        qtbot.waitUntil(lambda: fresh[-1].case_id in ids_in(dock)
                        and made[45].case_id not in ids_in(dock), timeout=3000)
        # How fast is the benchmarks' question (bench live, queues); here: that they arrive.
        qtbot.wait(50)   # the scroll correction runs right after the rows change
        assert ids_in(dock)[:3] == [c.case_id for c in reversed(fresh)]
        assert dock.table.selected_case_ids() == [chosen.case_id]
        assert dock.model.row_at(dock.table.rowAt(0)).id == top_case   # nothing jumped
        assert (dock.model.query.sort, dock.model.query.descending) == ("number", True)
        assert dock.table.horizontalHeader().sortIndicatorSection() == 0
        qtbot.waitUntil(lambda: dock.counts["reported"] == 62, timeout=3000)
        assert dock.tabs.tabText(0) == "To accept 62"
    finally:
        assert worker.stop()


def test_at_the_top_new_cases_come_into_view(db, city, qtbot, seat):
    made = [new_case(db, city) for _ in range(5)]
    dock = seat(city.dispatcher)
    dock.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: dock.model.query.descending and not dock.model._fetching, timeout=5000)
    dock.table.select_row(2)
    fresh = new_case(db, city)
    dock.model.refresh_cases({fresh.case_id})
    qtbot.waitUntil(lambda: dock.model.row_of(fresh.case_id) == 0, timeout=5000)
    assert dock.table.rowAt(0) == 0 and dock.table.selected_case_ids() == [made[2].case_id]


def test_search_and_filters_through_the_widgets_match_the_service(db, city, qtbot, seat):
    for k in range(24):
        new_case(db, city, where=(k % 4, k // 4 % 4), to=["reported", "registered"][k % 2])
    with db.transaction() as s:
        lon, lat = cell_centre(3, 3)
        cases.report(s, city.dispatcher, category_code="10102", source="video", lon=lon, lat=lat,
                     address="青芝坞路88号", description="井盖缺失")
    dock = seat(city.dispatcher)
    dock.search.setText("青芝坞")   # (QTest cannot type Chinese; an input method would)
    qtbot.waitUntil(lambda: dock.model.query.filter.text == "青芝坞" and not dock.model._fetching,
                    timeout=5000)
    assert ids_in(dock) == expected(db, "reported", Q.QueueFilter(text="青芝坞")) and len(ids_in(dock)) == 1
    qtbot.waitUntil(lambda: dock.counts["reported"] == 1, timeout=5000)   # counts follow the filter
    dock.search.clear()
    dock.filter_toggle.click()
    assert dock.filters.isVisible()
    dock.filters.district.setCurrentIndex(2)                 # the second district
    qtbot.waitUntil(lambda: dock.model.query.filter.district_id == city.district_ids[1]
                    and not dock.model._fetching, timeout=5000)
    f = Q.QueueFilter(district_id=city.district_ids[1])
    assert ids_in(dock) == expected(db, "reported", f) and ids_in(dock)
    assert dock.filter_summary.text() == "Filtered: 第2区"
    dock.filters.category.setText("井盖")
    qtbot.keyClick(dock.filters.category, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dock.model.query.filter.category == "井盖" and not dock.model._fetching,
                    timeout=5000)
    assert ids_in(dock) == expected(db, "reported", Q.QueueFilter(category="井盖",
                                                                  district_id=city.district_ids[1]))
    dock.tabs.setCurrentIndex(dock.STAGES.index("registered"))   # filters stay with the tab switch
    qtbot.waitUntil(lambda: dock.model.query.stage == "registered" and not dock.model._fetching,
                    timeout=5000)
    assert ids_in(dock) == expected(db, "registered", Q.QueueFilter(
        category="井盖", district_id=city.district_ids[1]))
    dock.clear_filters.click()
    qtbot.waitUntil(lambda: not dock.model.query.filter.active and not dock.model._fetching,
                    timeout=5000)
    assert ids_in(dock) == expected(db, "registered", Q.QueueFilter())


def test_a_cell_picked_on_the_map_filters_the_queue(db, city, qtbot, seat):
    inside = new_case(db, city, where=(1, 2))
    new_case(db, city, where=(0, 0))
    dock = seat(city.dispatcher)
    dock.selection.cell_selected.emit(city.cell_codes[1 * 4 + 2])
    qtbot.waitUntil(lambda: ids_in(dock) == [inside.case_id], timeout=5000)
    assert city.cell_codes[1 * 4 + 2] in dock.filter_summary.text()


def test_a_case_picked_elsewhere_is_selected_in_its_tab_and_rows_announce_themselves(
        db, city, qtbot, seat):
    waiting = new_case(db, city)
    working = new_case(db, city, to="dispatched")
    dock = seat(city.dispatcher)
    announced, on_map = [], []
    dock.selection.case_selected.connect(announced.append)
    dock.selection.show_case_on_map.connect(on_map.append)
    show(qtbot, dock, working.case_id)
    assert dock.stage == "dispatched" and announced == [working.case_id]   # no echo
    dock.table.setFocus()
    qtbot.keyClick(dock.table, Qt.Key.Key_M)
    assert on_map == [working.case_id]
    dock.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: dock.model.query.stage == "reported" and not dock.model._fetching,
                    timeout=5000)
    dock.table.select_row(dock.model.row_of(waiting.case_id))
    assert announced[-1] == waiting.case_id
