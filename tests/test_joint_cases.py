"""Joint cases through the services, on SQLite and PostgreSQL: a lead and assisting departments
each act on their own part; the case is handled by the rule; refusals; two replies at once."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from console.domain.errors import DomainError
from console.services import cases, joint_cases
from console.services.cases import CaseChange
from console.store.database import open_database
from console.store.models import Case, CaseDepartment, CaseEvent
from tests.pg_server import PG_URL, fresh_database
from tests.service_city import MON, feed_after, load, report

T1 = MON + timedelta(minutes=5)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
        request.node.db_url = f"sqlite:///{tmp_path / 'test.db'}"
        yield database
        database.dispose()
        return
    if not PG_URL:
        pytest.skip("CITY_CONSOLE_TEST_PG_URL is not set")
    with fresh_database("console_joint") as url:
        request.node.db_url = url
        database = open_database(url)
        try:
            yield database
        finally:
            database.dispose()


@pytest.fixture
def joint(db, city):
    """A registered case dispatched to a lead and two assisting departments; their users."""
    names = sorted(city.departments)
    lead, a, b = (city.departments[n] for n in names[:3])
    c = report(db, city.dispatcher)
    with db.transaction() as s:
        c = cases.register(s, city.dispatcher, c.case_id, c.version, at=MON + timedelta(minutes=1))
        c = joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=lead,
                                 assisting=[a, b], at=MON + timedelta(minutes=2))
    users = {d: city.dept_user(db, d) for d in (lead, a, b)}
    return c, lead, a, b, users


def part(db, case_id, dept):
    with db.session() as s:
        return s.scalars(select(CaseDepartment).where(CaseDepartment.case_id == case_id,
                                                      CaseDepartment.department_id == dept)).one()


def act(db, actor, change, dept, action, at=T1, **kw):
    with db.transaction() as s:
        return joint_cases.act_part(s, actor, change.case_id, dept, part(db, change.case_id, dept)
                                    .version, action, at=at, **kw)


def status(db, case_id):
    with db.session() as s:
        return s.get(Case, case_id).status


def test_case_is_handled_when_lead_handled_and_every_assist_replied(db, city, joint):
    c, lead, a, b, users = joint
    with db.session() as s:
        shown = joint_cases.parts(s, c.case_id, None)
    assert [(p.department_id, p.role, p.state) for p in shown] == [
        (lead, "lead", "dispatched"), (a, "assist", "dispatched"), (b, "assist", "dispatched")]
    act(db, users[a], c, a, "part_accept")
    act(db, users[lead], c, lead, "part_reply", reply="已清运")
    assert status(db, c.case_id) == "dispatched"
    act(db, users[a], c, a, "part_reply", reply="已配合")
    assert status(db, c.case_id) == "dispatched"
    done = act(db, users[b], c, b, "part_reply", reply="已配合围挡", at=T1 + timedelta(minutes=3))
    assert done.status == "handled" and status(db, c.case_id) == "handled"
    case, events = load(db, c.case_id)      # the trail chains and replays to the stored case
    assert [e.action for e in events][-5:] == ["part_accept", "part_reply", "part_reply",
                                               "part_reply", "mark_handled"]
    assert events[-1].actor_id == users[b].user_id
    assert part(db, c.case_id, b).reply == "已配合围挡"
    rows = feed_after(db, c.seq).rows
    assert [r.action for r in rows][-2:] == ["part_reply", "mark_handled"]


def test_a_returned_assist_no_longer_holds_the_case(db, city, joint):
    c, lead, a, b, users = joint
    act(db, users[a], c, a, "part_reply", reply="好")
    act(db, users[b], c, b, "part_return", reason="不属本单位职责")
    assert status(db, c.case_id) == "dispatched"
    assert act(db, users[lead], c, lead, "part_reply", reply="完成").status == "handled"
    assert part(db, c.case_id, b).returns == 1


def test_refusals(db, city, joint):
    c, lead, a, b, users = joint
    cases_ = [
        (users[a], lead, "part_reply", {"reply": "x"}, "not_your_part"),
        (city.dispatcher, a, "part_reply", {"reply": "x"}, "role_not_allowed"),
        (users[a], a, "part_reply", {}, "reply_required"),
        (users[a], a, "part_approve_extension", {}, "role_not_allowed"),
        (city.dispatcher, a, "part_rework", {"reason": "x", "deadline": T1 + timedelta(days=1)},
         "part_action_not_allowed"),
    ]
    for actor, dept, action, kw, code in cases_:
        with pytest.raises(DomainError) as e:
            act(db, actor, c, dept, action, **kw)
        assert e.value.code == code, (action, e.value.code)
    # The lead's ordinary workflow buttons are refused on a joint case: its part says it.
    with pytest.raises(DomainError) as e, db.transaction() as s:
        cases.mark_handled(s, users[lead], c.case_id, c.version, at=T1)
    assert e.value.code == "joint_case_parts"
    # An assisting department cannot act on the case itself either.
    with pytest.raises(DomainError) as e, db.transaction() as s:
        cases.add_note(s, users[a], c.case_id, c.version, note="x", at=T1)
    assert e.value.code == "not_your_department"
    with pytest.raises(DomainError) as e, db.transaction() as s:
        joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=lead,
                             assisting=[lead])
    assert e.value.code in ("department_named_twice", "action_not_allowed_in_state")
    assert status(db, c.case_id) == "dispatched"


def test_lead_return_takes_every_part_back_and_a_redispatch_makes_new_ones(db, city, joint):
    c, lead, a, b, users = joint
    act(db, users[a], c, a, "part_reply", reply="好")
    back = act(db, users[lead], c, lead, "part_return", reason="不是我们的")
    assert back.status == "registered"
    assert [part(db, c.case_id, d).state for d in (lead, a, b)] == ["returned", "withdrawn",
                                                                    "withdrawn"]
    with db.transaction() as s:
        again = joint_cases.dispatch(s, city.dispatcher, c.case_id, back.version,
                                     department_id=a, assisting=[lead], at=T1 + timedelta(hours=1))
    assert [(part(db, c.case_id, d).role, part(db, c.case_id, d).state) for d in (a, lead)] == [
        ("lead", "dispatched"), ("assist", "dispatched")]
    assert part(db, c.case_id, lead).returns == 1
    with db.session() as s:
        assert s.get(Case, c.case_id).department_id == a
    load(db, again.case_id)


def test_extensions_per_department(db, city, joint):
    c, lead, a, b, users = joint
    later = MON + timedelta(days=5)
    act(db, users[a], c, a, "part_request_extension", reason="等材料", deadline=later)
    act(db, city.leader, c, a, "part_approve_extension")
    assert part(db, c.case_id, a).deadline == later
    with db.session() as s:
        assert s.get(Case, c.case_id).requested_deadline is None   # an assist's is its own
    act(db, users[lead], c, lead, "part_request_extension", reason="雨天", deadline=later)
    with db.session() as s:
        assert s.get(Case, c.case_id).requested_deadline == later   # the lead's is the case's
    act(db, city.leader, c, lead, "part_deny_extension", reason="不批")
    with db.session() as s:
        assert s.get(Case, c.case_id).requested_deadline is None
    load(db, c.case_id)


def test_rework_of_one_part_after_handling(db, city, joint):
    c, lead, a, b, users = joint
    for d in (lead, a, b):
        act(db, users[d], c, d, "part_reply", reply="好")
    assert status(db, c.case_id) == "handled"
    back = act(db, city.dispatcher, c, b, "part_rework", reason="围挡未撤",
               deadline=T1 + timedelta(days=1))
    assert back.status == "dispatched" and part(db, c.case_id, b).state == "handling"
    assert part(db, c.case_id, lead).state == "handled"
    assert act(db, users[b], c, b, "part_reply", reply="已撤").status == "handled"
    load(db, c.case_id)


def test_single_department_dispatch_is_the_ordinary_one(db, city):
    c = report(db, city.dispatcher)
    with db.transaction() as s:
        c = cases.register(s, city.dispatcher, c.case_id, c.version, at=MON + timedelta(minutes=1))
        c = joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version,
                                 at=MON + timedelta(minutes=2))
    with db.session() as s:
        assert joint_cases.parts(s, c.case_id, None) == []
    dept = city.dept_user(db, c and _case_dept(db, c.case_id))
    with db.transaction() as s:
        done = cases.mark_handled(s, dept, c.case_id, c.version, at=T1)
    assert done.status == "handled"


def _case_dept(db, case_id):
    with db.session() as s:
        return s.get(Case, case_id).department_id


def test_two_departments_replying_at_once_complete_the_case_once(db, city, request):
    """The last two parts reply on two threads, each seat with its own connection, both having
    read their part first: exactly one of them moves the case, and nothing is lost."""
    url = request.node.db_url
    names = sorted(city.departments)
    lead, a = city.departments[names[0]], city.departments[names[1]]
    users = {d: city.dept_user(db, d) for d in (lead, a)}
    seats = [open_database(url), open_database(url)]
    try:
        for i in range(3):
            c = report(db, city.dispatcher, at=MON + timedelta(seconds=i))
            with db.transaction() as s:
                c = cases.register(s, city.dispatcher, c.case_id, c.version,
                                   at=MON + timedelta(minutes=1))
                c = joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version,
                                         department_id=lead, assisting=[a],
                                         at=MON + timedelta(minutes=2))
            gate = threading.Barrier(2)
            outcome: list[object] = [None, None]

            def seat(k, dept, c=c, gate=gate, outcome=outcome):
                try:
                    with seats[k].transaction() as s:
                        version = s.scalars(select(CaseDepartment.version).where(
                            CaseDepartment.case_id == c.case_id,
                            CaseDepartment.department_id == dept)).one()
                        gate.wait(timeout=10)
                        outcome[k] = joint_cases.act_part(s, users[dept], c.case_id, dept,
                                                          version, "part_reply", reply="好", at=T1)
                except Exception as exc:     # noqa: BLE001 - the test inspects it
                    outcome[k] = exc

            threads = [threading.Thread(target=seat, args=(k, d)) for k, d in enumerate((lead, a))]
            for th in threads:
                th.start()
            for th in threads:
                th.join(timeout=30)
            assert all(isinstance(o, CaseChange) for o in outcome), outcome
            assert sorted(o.status for o in outcome) == ["dispatched", "handled"]
            case, events = load(db, c.case_id)
            assert case.status == "handled"
            assert [e.action for e in events].count("mark_handled") == 1
            with db.session() as s:
                n = len(list(s.scalars(select(CaseEvent.id).where(
                    CaseEvent.case_id == c.case_id, CaseEvent.action == "part_reply"))))
            assert n == 2
    finally:
        for d in seats:
            d.dispose()


def test_evaluation_counts_each_assisting_department_for_its_own_part(db, city, joint):
    """One assisting department replies in time, the other never: the first is credited
    (handled on time), the second charged (overdue); the lead is counted through the case."""
    from console.domain.evaluation import Level, Period
    from console.services import evaluation
    from console.store.evaluation_queries import assist_counts
    c, lead, a, b, users = joint
    act(db, users[a], c, a, "part_reply", reply="已配合")
    with db.session() as s:
        deadline = s.get(CaseDepartment, part(db, c.case_id, b).id).deadline
        upto = deadline + timedelta(hours=1)
        rows = {r["department_id"]: r for r in assist_counts(s, MON - timedelta(days=1), upto)}
        ranking = evaluation.evaluate(s, Level.DEPARTMENT, Period(MON - timedelta(days=1),
                                                                  upto + timedelta(days=1)), upto)
    assert rows[a]["dispatched"] == rows[a]["handled"] == rows[a]["handled_on_time"] == 1
    assert rows[a]["overdue"] == 0 and rows[a]["due"] == 1 and rows[a]["closed_on_time"] == 1
    assert rows[b]["handled"] == 0 and rows[b]["overdue"] == 1
    assert lead not in rows
    figures = {r.unit_id: r.figures for r in ranking.rows}
    assert figures[a]["on_time_handling_rate"].value == 1.0
    assert figures[b]["overdue"].value == 1.0
    assert figures[lead]["overdue"].value == 1.0      # the case itself: the lead's


def test_each_department_queue_shows_the_cases_it_has_a_part_in(db, city, joint):
    from console.services.queues import (
        QueueFilter,
        QueueQuery,
        queue_page,
        stage_counts,
    )
    c, lead, a, b, users = joint
    with db.session() as s:
        pages = {d: [r.id for r in queue_page(s, QueueQuery("all", QueueFilter(department_id=d)),
                                               now=T1).rows] for d in (lead, a, b)}
        counts = stage_counts(s, QueueFilter(department_id=b), now=T1)
    assert all(c.case_id in ids for ids in pages.values())
    assert counts["all"] == 1
    act(db, users[b], c, b, "part_reply", reply="好")      # b's part is done: off its queue
    with db.session() as s:
        ids = [r.id for r in queue_page(s, QueueQuery("all", QueueFilter(department_id=b)),
                                        now=T1).rows]
        other = [r.id for r in queue_page(s, QueueQuery("all", QueueFilter(department_id=a)),
                                          now=T1).rows]
    assert c.case_id not in ids and c.case_id in other


def test_too_many_assisting_departments_are_refused_before_anything_moves(db, city):
    c = report(db, city.dispatcher)
    with db.transaction() as s:
        c = cases.register(s, city.dispatcher, c.case_id, c.version, at=MON + timedelta(minutes=1))
    for assisting, code in ((list(range(1, 30)), "too_many_items"), (["x"], "not_a_list"),
                            ([99_999], "not_found")):
        with pytest.raises(DomainError) as e, db.transaction() as s:
            joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version, assisting=assisting,
                                 at=MON + timedelta(minutes=2))
        assert e.value.code == code
    assert status(db, c.case_id) == "registered"


def test_assisting_departments_may_get_their_own_deadline(db, city):
    names = sorted(city.departments)
    lead, a = city.departments[names[0]], city.departments[names[1]]
    c = report(db, city.dispatcher)
    with db.transaction() as s:
        c = cases.register(s, city.dispatcher, c.case_id, c.version, at=MON + timedelta(minutes=1))
    with pytest.raises(DomainError) as e, db.transaction() as s:
        joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=lead,
                             assisting=[a], assist_deadline=MON, at=MON + timedelta(minutes=2))
    assert e.value.code == "deadline_in_past"
    later = MON + timedelta(days=2)
    with db.transaction() as s:
        joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=lead,
                             assisting=[a], assist_deadline=later, at=MON + timedelta(minutes=2))
    assert part(db, c.case_id, a).deadline == later
    assert part(db, c.case_id, lead).deadline != later


# --- the case leaves its joint dispatch other than through a part -----------------------------

def _parked_and_resumed(db, city, joint):
    c, lead, a, b, users = joint
    act(db, users[a], c, a, "part_reply", reply="已配合")      # a replied part leaves too
    with db.transaction() as s:
        c = cases.park(s, city.leader, c.case_id, c.version, reason="等待", at=T1)
    assert [part(db, c.case_id, d).state for d in (lead, a, b)] == ["withdrawn"] * 3
    with db.transaction() as s:
        return cases.resume(s, city.leader, c.case_id, c.version, at=T1 + timedelta(minutes=1))


def _queue_ids(db, department_id):
    with db.session() as s:
        return [cid for cid, _ in joint_cases.department_parts(s, department_id, None)]


def test_a_parked_joint_case_redispatched_to_one_department_is_that_department_s(db, city,
                                                                                joint):
    c, lead, a, b, users = joint
    c = _parked_and_resumed(db, city, joint)
    other = city.departments[sorted(city.departments)[3]]
    with db.transaction() as s:
        c = joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=other,
                                 at=T1 + timedelta(minutes=2))
    assert all(_queue_ids(db, d) == [] for d in (lead, a, b))
    # The former lead's part no longer acts on the case, even written back live (a case
    # parked before parts were withdrawn): the case is dispatched to another department now.
    with db.transaction() as s:
        s.execute(CaseDepartment.__table__.update().where(
            CaseDepartment.case_id == c.case_id).values(state="dispatched"))
    for d in (lead, b):
        with pytest.raises(DomainError) as e:
            act(db, users[d], c, d, "part_reply", reply="已处理", at=T1 + timedelta(minutes=3))
        assert e.value.code == "not_your_department"
    assert status(db, c.case_id) == "dispatched"
    with db.transaction() as s:
        done = cases.mark_handled(s, city.dept_user(db, other), c.case_id, c.version,
                                  note="完成", at=T1 + timedelta(minutes=4))
    assert done.status == "handled"
    load(db, c.case_id)


def test_a_parked_joint_case_redispatched_jointly_has_only_the_new_parts(db, city, joint):
    c, lead, a, b, users = joint
    c = _parked_and_resumed(db, city, joint)
    with db.transaction() as s:
        c = joint_cases.dispatch(s, city.dispatcher, c.case_id, c.version, department_id=b,
                                 assisting=[lead], at=T1 + timedelta(minutes=2))
    assert [(part(db, c.case_id, d).role, part(db, c.case_id, d).state) for d in (b, lead, a)] == [
        ("lead", "dispatched"), ("assist", "dispatched"), ("assist", "withdrawn")]
    assert _queue_ids(db, a) == [] and _queue_ids(db, b) == [c.case_id]
    act(db, users[lead], c, lead, "part_reply", reply="已配合", at=T1 + timedelta(minutes=3))
    done = act(db, users[b], c, b, "part_reply", reply="完成", at=T1 + timedelta(minutes=4))
    assert done.status == "handled"
    load(db, c.case_id)


def test_a_cancelled_joint_case_leaves_every_department_s_queue(db, city, joint):
    c, lead, a, b, users = joint
    with db.transaction() as s:
        cases.cancel(s, city.leader, c.case_id, c.version, reason="重复上报", at=T1)
    assert [part(db, c.case_id, d).state for d in (lead, a, b)] == ["withdrawn"] * 3
    assert all(_queue_ids(db, d) == [] for d in (lead, a, b))
    with pytest.raises(DomainError) as e:
        act(db, users[a], c, a, "part_reply", reply="好")
    assert e.value.code == "action_not_allowed_in_state"
