"""The briefing map: one HTML file that needs no network (Leaflet inside it, nothing fetched),
holding the scope's cells with their open-case counts and its open cases."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from console.domain.workflow import OPEN
from console.mappage.briefing_page import write_scope_html
from console.services.reports_map import scope_map
from console.store.models import Campaign, Case, CaseCampaign, Cell, Community
from tests import queue_city as Q
from tests.pg_server import PG_URL, fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """Each test on SQLite, and on a fresh PostgreSQL database when one is set."""
    from console.store.database import open_database
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
        with fresh_database("console_reports") as url:
            database = open_database(url)
            try:
                yield database
            finally:
                database.dispose()
        return
    database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    try:
        yield database
    finally:
        database.dispose()


def test_a_street_and_a_campaign_as_offline_html(db, tmp_path):
    city = Q.build_city(db)
    Q.add_history(db, city, n=80)
    street = city.street_ids[0]
    with db.transaction() as s:
        s.get(Campaign, city.campaign_id).area = {"streets": [street]}
        in_street = set(s.scalars(select(Cell.id).join(Community)
                                  .where(Community.street_id == street)))
        open_in_street = s.scalars(select(Case.number).where(
            Case.cell_id.in_(in_street), Case.status.in_([x.value for x in OPEN]))).all()
        tagged_open = s.scalars(select(Case.number).join(CaseCampaign).where(
            CaseCampaign.campaign_id == city.campaign_id,
            Case.status.in_([x.value for x in OPEN]))).all()
    with db.session() as s:
        by_street = scope_map(s, street_ids=[street])
        by_campaign = scope_map(s, campaign_id=city.campaign_id)
    assert len(by_street.cells) == len(in_street) == 4
    assert sorted(c[0] for c in by_street.cases) == sorted(open_in_street)
    assert sum(n for *_, n in by_street.cells) == len(open_in_street) > 0
    assert sorted(c[0] for c in by_campaign.cases) == sorted(tagged_open)
    assert by_campaign.title == "迎检专项整治" and len(by_campaign.cells) == 4
    path = write_scope_html(by_campaign, tmp_path / "b.html", heading="专项整治简报",
                            generated_at=datetime(2026, 3, 11, 15, 0))
    page = path.read_text(encoding="utf-8")
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', page)   # nothing fetched
    assert "L.map" in page and "Leaflet" in page                                 # Leaflet inside
    assert all(code in page for code, *_ in by_campaign.cells)
    assert "迎检专项整治" in page and "专项整治简报" in page


def test_the_window_entry_writes_the_filtered_campaign(db, qtbot, tmp_path):
    from console.common.selection import Selection  # noqa: F401
    from console.live.tasks import TaskRunner
    from console.services.queues import QueueFilter
    from console.ui.reports.briefing import BriefingMap
    city = Q.build_city(db)
    tasks = TaskRunner(db)
    maker = BriefingMap(tasks)
    with qtbot.waitSignal(maker.done, timeout=10000) as got:
        maker.start(QueueFilter(campaign_id=city.campaign_id), tmp_path / "c.html")
    assert "迎检专项整治" in got.args[0].read_text(encoding="utf-8")
    assert tasks.wait(5000)
