"""Services take naive local times; an aware `at` means the same instant and is stored as that
local time, on both databases, and the audit chain hashes what is stored (it once hashed the
offset while the database kept the naive time, and verification failed)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from console.services import cases
from console.services.actor import actor_for
from console.services.settings import set_setting
from console.store import audit
from console.store.models import AuditRecord, Case, CaseEvent
from tests.limits_world import world  # noqa: F401 — the fixture
from tests.service_city import CENTRE, GARBAGE, STEP

LOCAL = datetime(2026, 3, 9, 10, 0, 0, 123456)


def test_an_aware_time_is_stored_as_the_local_time_it_means_and_the_chain_holds(world):
    # The same instant, written with an offset that is not the seat's own.
    aware = LOCAL.astimezone().astimezone(timezone(timedelta(hours=-5, minutes=-30)))
    assert aware.replace(tzinfo=None) != LOCAL
    with world.db.transaction() as s:
        change = cases.report(s, world.city.dispatcher, category_code=GARBAGE, source="hotline",
                              lon=CENTRE[0] + STEP / 3, lat=CENTRE[1] + STEP / 3,
                              address="曙光路1号", description="垃圾", at=aware)
        set_setting(s, actor_for(s, "admin"), "city_name", "杭州", aware)
    with world.db.session() as s:
        assert s.get(Case, change.case_id).reported_at == LOCAL
        assert s.scalars(select(CaseEvent.at).where(CaseEvent.case_id == change.case_id)
                         ).all() == [LOCAL]
        assert s.scalars(select(AuditRecord.at).order_by(AuditRecord.id.desc())).first() == LOCAL
        # A query bound with an aware time compares as the same local time too.
        assert s.scalar(select(Case.id).where(Case.reported_at == aware)) == change.case_id
    report = audit.verify(world.db.engine)
    assert report.ok, report
