"""One definition of the stages: the KPI strip's counts (the overview) equal the queue tabs'
counts on seeded random cities, at times that move cases across the deadline and midnight."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from console.domain.stages import STAGES, stages_of
from console.services.overview import TAB_STAGES, overview
from console.services.queues import stage_counts
from console.store.models import Case
from console.store.queue_queries import stage_condition
from tests.queue_city import NOW, add_history, add_verifying, build_city


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_overview_counts_what_the_queue_tabs_hold(db, seed):
    city = build_city(db)
    add_history(db, city, n=30 + 15 * seed, seed=seed)
    add_verifying(db, city)
    for now in (NOW, NOW - timedelta(hours=14), NOW + timedelta(hours=9, minutes=30),
                NOW + timedelta(days=3)):
        with db.session() as s:
            ov = overview(s, now)
            tabs = stage_counts(s, stages=TAB_STAGES, now=now)
        assert {stage: getattr(ov, stage) for stage in TAB_STAGES} == tabs, now
    with db.session() as s:   # the city has cases in every tab, so the equality says something
        assert all(stage_counts(s, stages=TAB_STAGES, now=NOW).values())


def test_the_counts_stay_on_their_indexes(db):
    """closed_today by the closed_at index, not the status index (most cases are closed)."""
    stmt = select(func.count()).select_from(Case).where(stage_condition("closed_today", NOW))
    with db.session() as s:
        sql = str(stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(r[-1] for r in s.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "closed_at" in plan and "status" not in plan, plan


@pytest.mark.parametrize("seed", [4, 5])
def test_each_case_sits_in_the_tabs_the_domain_names(db, seed):
    """The queue's own "which tabs hold this case" (domain/stages.py: stages_of, used when a case
    picked on the map is looked for) names exactly the tabs whose SQL finds it."""
    city = build_city(db)
    add_history(db, city, n=60, seed=seed)
    add_verifying(db, city)
    seen = set()
    for now in (NOW, NOW - timedelta(hours=14), NOW + timedelta(days=3)):
        with db.session() as s:
            in_sql: dict[int, set[str]] = {}
            for stage in STAGES:
                for case_id in s.scalars(select(Case.id).where(stage_condition(stage, now))):
                    in_sql.setdefault(case_id, set()).add(stage)
            cases = s.execute(select(Case.id, Case.status, Case.deadline, Case.closed_at)).all()
        assert len(cases) >= 60
        for case_id, status, deadline, closed_at in cases:
            named = stages_of(status, deadline, closed_at, now)
            assert set(named) == in_sql[case_id], (case_id, status, deadline, closed_at, now)
            seen.update(named)
    assert seen == set(STAGES)   # every tab is exercised, so the equality says something
