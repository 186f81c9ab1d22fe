"""A simulated hour of the demo city raises every patrol alert kind and the deadline alerts."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from console.services.alerts import AlertEngine
from console.sim.demo import build_demo
from console.sim.simulator import SimCore
from console.store.models import Alert

# Monday 13:40: the 07:00–15:00 shift has its last stretch ahead (the simulator's "leavers"
# switch their phones off 75 minutes before the end), the 11:00–19:00 shift is on duty.
T0 = datetime(2026, 11, 23, 13, 40)
SEED = 17   # a city whose officers on these shifts include an idler, a wanderer and a leaver


@pytest.fixture
def hour(db):
    build_demo(db, seed=SEED, cells=3000, cases=8000, now=T0)
    # Speed 1: departments take their real time, so deadlines fall due during the hour.
    core = SimCore(db, seed=SEED, speed=1)
    habits = Counter((w.habit, w.shift[1]) for w in core.walkers)
    assert habits[("leaver", "07:00")] and habits[("wanderer", "07:00")] \
        and habits[("idler", "11:00")], habits
    engine = AlertEngine()
    for second in range(0, 3600 + 1, 5):
        now = T0 + timedelta(seconds=second)
        core.tick(now)
        if second % 30 == 0:
            with db.transaction() as s:
                engine.evaluate(s, now)
    return db, engine


def test_a_simulated_hour_raises_each_patrol_alert_and_the_deadline_alerts(hour):
    db, _ = hour
    with db.session() as s:
        alerts = s.scalars(select(Alert)).all()
    raised = Counter(a.kind for a in alerts)
    for kind in ("off_post", "idle", "left_early", "near_deadline_digest", "overdue_digest"):
        assert raised[kind] > 0, (kind, raised)
    assert raised["offline"] + raised["offline_digest"] > 0, raised
    # Deadlines passed during the hour, not only in the history the demo started with.
    during = Counter(a.kind for a in alerts if a.raised_at > T0)
    assert sum(n for k, n in during.items() if "deadline" in k or "overdue" in k) > 0, during
    # Conditions that cleared resolved themselves: patrols came back, cases were handled.
    assert any(a.resolved_at is not None for a in alerts if a.kind in ("offline", "off_post",
                                                                       "idle"))
    # One open alert per subject and kind, whatever happened.
    open_keys = [a.open_key for a in alerts if a.resolved_at is None]
    assert len(open_keys) == len(set(open_keys))
    # The incremental engine ends where a console started afresh now would begin.
    now = T0 + timedelta(seconds=3600)
    fresh = AlertEngine()
    with db.transaction() as s:
        result = fresh.evaluate(s, now)
        found = {f.key for f in fresh.findings(s, now)}
    assert result.opened == result.resolved == 0
    with db.session() as s:
        stored = set(s.scalars(select(Alert.open_key).where(Alert.resolved_at.is_(None))))
    assert stored == found
