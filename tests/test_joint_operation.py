"""A joint operation's after-action summary (联合执法行动) on the campaign tests' town, every
figure by hand.

The operation runs 1–4 April 2026 in 一街道 (cells X of 一甲, Y of 一乙), led for 甲局 (A); it
is seen at noon on the 3rd. Its cases (乙局 is B):
- j1 patrol, X, the 1st: joint — A leads (handled the 1st 20:00, due the 2nd 10:00), B assists
  (replied the 2nd 12:00, due the 2nd 10:00: late); the case closed the 2nd.
- s1 patrol, Y, the 1st: to B, handled the 2nd 09:00 (due 12:00), not yet checked.
- s2 hotline, X, the 2nd: to A, due the 3rd 09:00, not handled: overdue.
- s3 patrol, X, the 3rd: reported only.
- j2 hotline, X, the 2nd: joint — B leads (handling, due the 4th), A assisted but returned it
  (due the 3rd 11:00: returned, so not overdue).
Not found: a rejected report, a case in 二街道, a case reported before the operation began.

Found 5 (3 by patrols), handled 2 (j1, s1), referred 4, open 4 (all but j1).
A: referred 3 (j1 lead, s2, j2 assist), handled 1, overdue 1 (s2).
B: referred 3 (j1 assist, s1, j2 lead), handled 2 (j1, s1), overdue 1 (j1's late reply).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from console.services import campaigns
from console.services.campaign_progress import progress
from console.services.joint_operation import AfterAction, summary
from console.store.campaign_queries import scope_for
from console.store.models import Case, CaseDepartment, Cell
from tests import evaluation_town as T
from tests.test_campaigns import _form, database, town  # noqa: F401 — the fixtures

NOW = datetime(2026, 4, 3, 12)


def at(day: int, hour: float) -> datetime:
    return datetime(2026, 4, day) + timedelta(hours=hour)


def add_operation_cases(database, town) -> None:  # noqa: F811
    A, B = town.depts["甲局"], town.depts["乙局"]
    with database.transaction() as s:
        cell = {name: s.scalars(select(Cell.id).where(
            Cell.community_id == town.communities[name])).one()
            for name in ("一甲社区", "一乙社区", "二甲社区")}
        X, Y, Z = cell["一甲社区"], cell["一乙社区"], cell["二甲社区"]

        def case(number, source, where, status, reported, **kw):
            c = Case(number=number, source=source, category_code=T.CATEGORY, cell_id=where,
                     status=status, reported_at=reported, updated_at=reported, **kw)
            s.add(c)
            return c

        j1 = case("j1", "patrol", X, "closed", at(1, 9), dispatched_at=at(1, 10),
                  deadline=at(2, 10), handled_at=at(2, 12), closed_at=at(2, 14), department_id=A)
        case("s1", "patrol", Y, "handled", at(1, 11), dispatched_at=at(1, 12),
             deadline=at(2, 12), handled_at=at(2, 9), department_id=B)
        case("s2", "hotline", X, "dispatched", at(2, 8), dispatched_at=at(2, 9),
             deadline=at(3, 9), department_id=A)
        case("s3", "patrol", X, "reported", at(3, 8))
        j2 = case("j2", "hotline", X, "dispatched", at(2, 10), dispatched_at=at(2, 11),
                  deadline=at(4, 11), department_id=B)
        case("rej", "patrol", X, "rejected", at(1, 9))
        case("out", "patrol", Z, "dispatched", at(2, 9), dispatched_at=at(2, 10),
             deadline=at(3, 10), department_id=A)
        case("early", "patrol", X, "dispatched", datetime(2026, 3, 30, 9),
             dispatched_at=datetime(2026, 3, 30, 10), deadline=at(1, 10), department_id=A)
        s.flush()
        s.add_all([
            CaseDepartment(case_id=j1.id, department_id=A, role="lead", state="handled",
                           dispatched_at=at(1, 10), deadline=at(2, 10), replied_at=at(1, 20)),
            CaseDepartment(case_id=j1.id, department_id=B, role="assist", state="replied",
                           dispatched_at=at(1, 10), deadline=at(2, 10), replied_at=at(2, 12)),
            CaseDepartment(case_id=j2.id, department_id=B, role="lead", state="handling",
                           dispatched_at=at(2, 11), deadline=at(4, 11)),
            CaseDepartment(case_id=j2.id, department_id=A, role="assist", state="returned",
                           dispatched_at=at(2, 11), deadline=at(3, 11), replied_at=at(2, 15)),
        ])


def create_operation(database, town) -> int:  # noqa: F811
    add_operation_cases(database, town)
    form = _form(town, name="联合执法 一街道", kind="joint", starts_at=at(1, 0),
                 ends_at=at(4, 0), categories=[], targets={},
                 departments=[town.depts["甲局"]])
    with database.transaction() as s:
        return campaigns.create(s, town.leader, form, at(1, 0)).campaign_id


def _expected(town) -> dict:  # noqa: F811
    A, B = town.depts["甲局"], town.depts["乙局"]
    return {"found": 5, "by_patrol": 3, "handled": 2, "referred": 4, "open": 4,
            "departments": [
                {"department_id": A, "name": "甲局", "participating": True, "referred": 3,
                 "lead": 1, "assist": 1, "handled": 1, "overdue": 1},
                {"department_id": B, "name": "乙局", "participating": False, "referred": 3,
                 "lead": 1, "assist": 1, "handled": 2, "overdue": 1}]}


def test_after_action_figures_by_hand(database, town):  # noqa: F811
    cid = create_operation(database, town)
    with database.session() as s:
        p = progress(s, cid, NOW)
    assert p.after_action == _expected(town)
    assert AfterAction.from_json(p.after_action).departments[1].name == "乙局"


def test_other_kinds_have_no_after_action(database, town):  # noqa: F811
    with database.transaction() as s:
        cid = campaigns.create(s, town.leader, _form(town), T.at(8, 9)).campaign_id
    with database.session() as s:
        assert progress(s, cid, T.at(20, 12)).after_action is None


def test_closing_freezes_the_after_action(database, town):  # noqa: F811
    cid = create_operation(database, town)
    with database.transaction() as s:
        campaigns.close(s, town.leader, cid, NOW)
    with database.transaction() as s:
        # After the close: s3 is dispatched and s2 handled — the record does not move.
        s3 = s.scalars(select(Case).where(Case.number == "s3")).one()
        s3.status, s3.dispatched_at, s3.department_id = "dispatched", at(3, 13), town.depts["甲局"]
        s3.deadline = at(5, 13)
        s2 = s.scalars(select(Case).where(Case.number == "s2")).one()
        s2.status, s2.handled_at = "handled", at(3, 14)
    with database.session() as s:
        frozen = progress(s, cid, at(10, 0))
        info = campaigns.info(s, cid)
        live = summary(s, scope_for(s, info.area, info.categories), info.starts_at,
                       info.ends_at, info.departments)
    assert frozen.closed and frozen.after_action == _expected(town)
    # Computed afresh, the figures did move: s3 referred, s2 handled (late) by the 4th.
    assert (live.referred, live.handled) == (5, 3)
    assert [(d.referred, d.handled, d.overdue) for d in live.departments] == [(4, 2, 1), (3, 2, 1)]
