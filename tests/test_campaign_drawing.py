"""A campaign's area drawn on the map: corners → GeoJSON (pure), the editor saving a drawn
polygon through the service (the cells inside become the scope, their cases tagged), and the
page's drawing tool clicked on the real map."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Signal
from sqlalchemy import select

from console.common.selection import Selection
from console.live.tasks import TaskRunner
from console.mappage.drawing import polygon_corners, polygon_geojson
from console.services import campaigns
from console.store.models import Campaign
from console.ui.campaigns.dock import CampaignDock
from tests import evaluation_town as T
from tests.test_campaigns import _tagged, database, town  # noqa: F401 — the fixtures
from tests.test_map_widget import city, make_map  # noqa: F401 — the fixtures


def test_corners_become_a_closed_polygon_and_back():
    square = [[0.2, 0.2], [1.8, 0.2], [1.8, 0.8], [0.2, 0.8]]
    poly = polygon_geojson(square)
    assert poly == {"type": "Polygon", "coordinates": [square + [square[0]]]}
    assert polygon_corners(poly) == square
    # A repeated click (a double-click's second) and an explicit closing corner are dropped.
    assert polygon_geojson([square[0], square[1], square[1], square[2], square[0]]) == {
        "type": "Polygon", "coordinates": [[square[0], square[1], square[2], square[0]]]}
    for bad in (None, [], square[:2], [[0, 0], [0, 0], [0, 0]], [[0, 0], [1, "x"], [2, 2]],
                [[0, 0], [200, 0], [0, 1]], "0,0 1,1 2,2"):
        assert polygon_geojson(bad) is None
    assert polygon_corners(None) == []


class FakeMap(QObject):
    """What the editor needs of the map: a drawing that comes back as a signal."""

    polygon_drawn = Signal(object)

    def __init__(self, corners):
        super().__init__()
        self.corners, self.asked, self.stopped = corners, [], 0

    def draw_polygon(self, polygon=None):
        self.asked.append(polygon)

    def stop_drawing(self):
        self.stopped += 1

    def finish(self):
        self.polygon_drawn.emit(polygon_geojson(self.corners))


def test_a_drawn_area_is_the_scope_and_its_cases_are_tagged(qtbot, database, town):  # noqa: F811
    from datetime import datetime
    tasks = TaskRunner(database)
    dock = CampaignDock(tasks, Selection(), now=lambda: datetime(2026, 3, 10, 9))
    dock.set_actor(town.leader)
    # Over the centres of X (0.5, 0.5) and Y (1.5, 0.5), not Z (2.5, 0.5).
    dock.map_drawer = drawer = FakeMap([[0.2, 0.2], [1.8, 0.2], [1.8, 0.8], [0.2, 0.8]])
    qtbot.addWidget(dock)
    dock.new_button.click()
    qtbot.waitUntil(lambda: dock.editor is not None, timeout=5000)
    editor = dock.editor
    assert not editor.isModal() and editor.draw_button.isVisible()
    editor.name.setText("夜查 画区")
    from PySide6.QtCore import Qt
    for i in range(editor.categories.count()):
        item = editor.categories.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == T.CATEGORY:
            item.setCheckState(Qt.CheckState.Checked)
    editor.start.setDate(editor.start.date().fromString("2026-03-09", "yyyy-MM-dd"))
    editor.end.setDate(editor.end.date().fromString("2026-03-16", "yyyy-MM-dd"))
    editor.draw_button.click()
    assert drawer.asked == [None] and editor.drawing
    drawer.finish()
    assert not editor.drawing and editor.drawn.text() == "4 corners"
    assert editor.form().polygon["type"] == "Polygon"
    editor.accept()
    qtbot.waitUntil(lambda: dock.choice.count() == 1, timeout=5000)
    assert tasks.wait(5000)
    with database.session() as s:
        c = s.scalars(select(Campaign)).one()
        cid, area = c.id, c.area
    assert area["polygon"]["type"] == "Polygon" and len(area["cells"]) == 2
    assert _tagged(database, cid) == {"a1", "a2", "a3", "a4", "a5", "r1", "old"}


def test_closing_the_editor_while_drawing_stops_the_map(qtbot, database, town):  # noqa: F811
    from console.ui.campaigns.editor import CampaignEditor
    drawer = FakeMap([])
    with database.session() as s:
        refs = campaigns.editor_references(s)
    editor = CampaignEditor(refs, None, None, drawer=drawer)
    qtbot.addWidget(editor)
    editor.draw_button.click()
    editor.reject()
    assert drawer.stopped == 1 and not editor.drawing


def test_the_page_draws_a_polygon_from_clicks(make_map, qtbot):  # noqa: F811
    h = make_map()
    w = h.widget
    w.draw_polygon()
    h.wait_js("CCC.inspect.drawing()", lambda n: n == 0)
    points = [(300, 300), (500, 300), (500, 450), (300, 450)]
    for x, y in points:
        h.click(x, y)
    assert h.wait_js("CCC.inspect.drawing()", lambda n: n == 4) == 4
    expected = [h.js(f"(function () {{ var p = CCC.map.containerPointToLatLng([{x}, {y}]); "
                     f"return [p.lng, p.lat]; }})()") for x, y in points]
    with qtbot.waitSignal(w.polygon_drawn, timeout=5000) as drawn:
        h.js("void document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}))")
    ring = drawn.args[0]["coordinates"][0]
    assert len(ring) == 5 and ring[0] == ring[-1]
    for got, want in zip(ring, expected):
        assert got == pytest.approx(want, abs=1e-6)
    assert h.js("CCC.inspect.drawing()") is None
    # Esc gives up: None comes back, the page leaves drawing mode.
    w.draw_polygon(drawn.args[0])
    h.wait_js("CCC.inspect.drawing()", lambda n: n == 0)
    with qtbot.waitSignal(w.polygon_drawn, timeout=5000) as given_up:
        h.js("void document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}))")
    assert given_up.args == [None]
