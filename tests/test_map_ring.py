"""An open supervision order rings its case's marker: in the page data, and on the live map
when the order is raised and closed through the service."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from console.mappage import styles
from console.mappage.page_data import case_row, page_config
from console.services import cases, map_data
from console.services import supervision as sv
from console.services.actor import snapshot
from console.services.map_data import CaseMarker
from console.store.models import User
from tests.map_city import CATEGORY, dispatcher
from tests.test_map_widget import city, make_map  # noqa: F401 — the fixtures


def test_the_page_row_carries_the_level_and_the_config_its_colours():
    marker = CaseMarker(7, "202611290001", 120.1, 30.2, "running", False, "dispatched", "井盖",
                        datetime(2026, 11, 29, 18), None, supervision=2)
    assert case_row(marker)[10] == 2
    assert case_row(CaseMarker(8, "n", 120.1, 30.2, "new", False, "reported", "x", None))[10] == 0
    config = page_config(texts={}, theme="dark", bbox=(0, 0, 1, 1), trail_minutes=15)
    assert config["supervisionColours"] == {"1": "#facc15", "2": "#fb923c", "3": "#dc2626"}


def _leader(s):
    user = s.scalar(select(User).where(User.username == "ring-leader"))
    if user is None:
        user = User(username="ring-leader", display_name="带班领导", role="leader")
        s.add(user)
        s.flush()
    return snapshot(user)


def test_raising_and_closing_an_order_rings_and_unrings_the_marker(make_map, city):  # noqa: F811
    h = make_map()
    at = datetime.now().replace(microsecond=0)
    with h.db.transaction() as s:
        change = cases.report(s, dispatcher(s), category_code=CATEGORY, source="hotline",
                              cell_code=city.cell_codes[12], description="井盖松动")
    h.wait_js("CCC.inspect.caseIds()", lambda ids: change.case_id in ids, timeout=3000)
    assert h.js(f"CCC.inspect.caseRing({change.case_id})") is None
    with h.db.transaction() as s:
        order = sv.raise_order(s, _leader(s), case_id=change.case_id, level=3, reason="挂牌",
                               due_at=at + timedelta(hours=4), at=at)
        markers, _ = map_data.case_markers(s, at, [change.case_id])
    assert markers[0].supervision == 3
    ring = styles.SUPERVISION_COLOURS[3]
    assert h.wait_js(f"CCC.inspect.caseRing({change.case_id})", lambda v: v == ring,
                     timeout=3000) == ring
    with h.db.transaction() as s:
        sv.close(s, _leader(s), order.order_id, at=at)
    assert h.wait_js(f"CCC.inspect.caseRing({change.case_id})", lambda v: v is None,
                     timeout=3000) is None
