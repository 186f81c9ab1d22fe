"""核实 before 立案 and the centre's own clock, through the services on SQLite (and PostgreSQL
in test_verification_pg.py): who verifies, what each answer does, the stage limits and alerts."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select

from console.domain import alert_rules as rules
from console.domain.errors import DomainError
from console.domain.stages import stages_of
from console.services import case_desk, cases, field_tasks, queues
from console.services.field_sessions import FieldOfficer, FieldRefused
from console.services.settings import set_setting
from console.store.models import AuditRecord, Case, Setting, User
from tests.service_city import GARBAGE, MON, do, feed_after, load, report

ADMIN_NAME = "verify-admin"


@pytest.fixture(autouse=True)
def verified_sources(request):
    """The tiny city turns 核实 off for the other tests; here it has its defaults again."""
    if "city" not in request.fixturenames:
        return
    db = request.getfixturevalue("db")
    request.getfixturevalue("city")
    with db.transaction() as s:
        s.execute(delete(Setting).where(Setting.key == "verification_sources"))


def officer_of(db, city) -> FieldOfficer:
    from console.services.actor import snapshot
    with db.session() as s:
        user = s.get(User, city.patrol.user_id)
        return FieldOfficer(snapshot(user), city.officer_id, "P0001", 0, "华为 Mate 60",
                            datetime.now() + timedelta(hours=8))


def an_admin(db):
    from console.domain.roles import Role
    from console.services.actor import Actor
    with db.transaction() as s:
        user = User(username=ADMIN_NAME, display_name="管理员", role=Role.ADMIN)
        s.add(user)
        s.flush()
        return Actor(user.id, user.display_name, Role.ADMIN)


def test_a_hotline_report_is_verified_then_registered_on_the_centres_clock(db, city):
    c = report(db, city.dispatcher)                          # 12345 hotline: needs 核实
    case, _ = load(db, c.case_id)
    # Monday 10:00 in working time: ten work minutes to send it out.
    assert (case.stage_key, case.stage_at, case.stage_due) == ("verify_send", MON,
                                                               MON + timedelta(minutes=10))
    assert case.stage_warn_at == MON + timedelta(minutes=8)
    with pytest.raises(DomainError) as refused:
        do(db, cases.register, city.dispatcher, c, at=MON + timedelta(minutes=1))
    assert refused.value.code == "verification_required"

    seq = feed_after(db, 0).seq
    c = do(db, cases.request_verify, city.dispatcher, c, patrol_id=city.officer_id,
           note="请到现场核实", at=MON + timedelta(minutes=12))     # two minutes late
    case, events = load(db, c.case_id)
    assert case.status == "verifying" and case.verify_patrol_id == city.officer_id
    assert case.verify_requested_at == MON + timedelta(minutes=12)
    assert case.verify_due == case.stage_due == MON + timedelta(minutes=72)
    assert events[-1].data["centre_stage"] == {"key": "verify_send", "on_time": False}
    assert events[-1].data["patrol_id"] == city.officer_id
    assert stages_of(case.status, None, None, MON) == ["verifying", "all"]
    (row,) = [r for r in feed_after(db, seq).rows if r.entity_id == c.case_id]
    assert row.action == "request_verify" and row.payload["status"] == "verifying"

    c = do(db, cases.confirm, city.dispatcher, c, note="电话确认：属实",
           at=MON + timedelta(minutes=40))
    case, events = load(db, c.case_id)
    assert case.status == "verified" and case.verified_at == MON + timedelta(minutes=40)
    assert events[-1].data["verified"] is True
    assert events[-1].data["centre_stage"] == {"key": "verify_answer", "on_time": True}
    assert case.stage_key == "register" and case.stage_due == MON + timedelta(minutes=70)
    assert stages_of(case.status, None, None, MON) == ["reported", "all"]

    c = do(db, cases.register, city.dispatcher, c, at=MON + timedelta(minutes=50))
    case, events = load(db, c.case_id)
    assert case.status == "registered" and case.stage_key == "dispatch"
    assert events[-1].data["centre_stage"] == {"key": "register", "on_time": True}
    c = do(db, cases.dispatch, city.dispatcher, c, at=MON + timedelta(minutes=55))
    case, _ = load(db, c.case_id)
    assert case.stage_key is None and case.stage_due is None     # the department's clock now


def test_not_confirmed_cancels_the_case_with_the_reason(db, city):
    c = report(db, city.dispatcher, source="public")
    c = do(db, cases.request_verify, city.dispatcher, c, patrol_id=city.officer_id, at=MON)
    with pytest.raises(DomainError) as refused:
        do(db, cases.refute, city.dispatcher, c, reason="", at=MON + timedelta(minutes=5))
    assert refused.value.code == "reason_required"
    c = do(db, cases.refute, city.dispatcher, c, reason="现场无垃圾", at=MON + timedelta(minutes=5))
    case, events = load(db, c.case_id)
    assert case.status == "cancelled" and events[-1].note == "现场无垃圾"
    assert events[-1].data["verified"] is False and case.stage_key is None


def test_patrol_reports_and_unlisted_sources_register_without_verification(db, city):
    c = report(db, city.patrol, source="patrol", reporter_patrol_id=city.officer_id)
    with db.session() as s:
        assert s.get(Case, c.case_id).stage_key == "register"
    do(db, cases.register, city.dispatcher, c, at=MON + timedelta(minutes=3))
    admin = an_admin(db)
    with db.transaction() as s:
        set_setting(s, admin, "verification_sources", ["video"], MON)
        set_setting(s, admin, "centre_stage_limits_min", {"register": 5}, MON)
    c = report(db, city.dispatcher)                      # hotline is no longer verified
    with db.session() as s:
        case = s.get(Case, c.case_id)
        assert (case.stage_key, case.stage_due) == ("register", MON + timedelta(minutes=5))
    assert do(db, cases.register, city.dispatcher, c).status == "registered"
    with db.transaction() as s:                          # 0: the centre times no 立案
        set_setting(s, admin, "centre_stage_limits_min", {"register": 0}, MON)
    c = report(db, city.dispatcher)
    with db.session() as s:
        assert s.get(Case, c.case_id).stage_key is None


def test_who_may_send_and_answer(db, city):
    c = report(db, city.dispatcher)
    worker = city.dept_user(db, city.departments["环卫处"])
    with pytest.raises(DomainError) as refused:
        do(db, cases.request_verify, worker, c, patrol_id=city.officer_id)
    assert refused.value.code in ("role_not_allowed", "not_your_department")
    with pytest.raises(DomainError) as refused:
        do(db, cases.request_verify, city.dispatcher, c, patrol_id=None)
    assert refused.value.code == "patrol_required"
    # An officer who is not asked may not answer on the phone either (see below); the desk may
    # send it again to someone else, which restarts the answer clock.
    c = do(db, cases.request_verify, city.dispatcher, c, patrol_id=city.officer_id, at=MON)
    c = do(db, cases.request_verify, city.dispatcher, c, patrol_id=city.officer_id,
           at=MON + timedelta(minutes=30))
    with db.session() as s:
        assert s.get(Case, c.case_id).verify_due == MON + timedelta(minutes=90)


def test_the_officer_answers_on_the_phone_with_photos(db, city):
    c = report(db, city.dispatcher, at=datetime.now().replace(microsecond=0) - timedelta(hours=1))
    c = do(db, cases.request_verify, city.dispatcher, c, patrol_id=city.officer_id,
           note="请核实垃圾是否存在")
    officer = officer_of(db, city)
    with db.session() as s:
        (task,) = field_tasks.tasks(s, officer)
    assert task["kind"] == "verify" and task["kind_name"] == "核实"
    assert task["answers"] == {"confirmed": "属实", "not_confirmed": "不属实"}
    assert task["request_note"] == "请核实垃圾是否存在" and task["case_number"] == c.number
    ans = field_tasks.Answer("k" * 20, "verify", c.number, "confirmed", "确有垃圾",
                             ("photos/2026/a.jpg",))
    with db.transaction() as s:
        first = field_tasks.answer(s, officer, ans, datetime.now().replace(microsecond=0))
    with db.transaction() as s:
        again = field_tasks.answer(s, officer, ans, datetime.now().replace(microsecond=0))
    assert first["result"] == "confirmed" and again["replayed"] is True
    case, events = load(db, c.case_id)
    assert case.status == "verified" and events[-1].actor_id == city.patrol.user_id
    assert events[-1].note == "【核实】属实：确有垃圾"
    assert events[-1].data["verify"]["photos"] == ["photos/2026/a.jpg"]
    with db.session() as s:
        assert field_tasks.tasks(s, officer) == []
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.actor_name == city.patrol.name)).all()
        assert any(a.data.get("field") == "verify" for a in audit)
    # Answered already: a second answer with a new key finds the task gone.
    with db.transaction() as s, pytest.raises(FieldRefused) as gone:
        field_tasks.answer(s, officer, field_tasks.Answer("m" * 20, "verify", c.number,
                                                          "not_confirmed"), datetime.now())
    assert (gone.value.status, gone.value.code) == (409, "task_gone")


def test_the_phone_refutes_and_a_bad_result_is_refused(db, city):
    c = report(db, city.dispatcher, at=datetime.now().replace(microsecond=0) - timedelta(hours=1))
    c = do(db, cases.request_verify, city.dispatcher, c, patrol_id=city.officer_id)
    officer = officer_of(db, city)
    with db.transaction() as s, pytest.raises(FieldRefused):
        field_tasks.answer(s, officer, field_tasks.Answer("n" * 20, "verify", c.number, "maybe"),
                           datetime.now())
    with db.transaction() as s:
        field_tasks.answer(s, officer, field_tasks.Answer("p" * 20, "verify", c.number,
                                                          "not_confirmed", "现场已无"),
                           datetime.now().replace(microsecond=0))
    case, events = load(db, c.case_id)
    assert case.status == "cancelled" and events[-1].note == "【核实】不属实：现场已无"


def test_the_desk_lists_the_new_actions_and_suggests_officers(db, city):
    c = report(db, city.dispatcher)
    with db.session() as s:
        (suggestion, *_) = case_desk.nearest_patrols(s, c.case_id, now=MON)
    assert suggestion.id == city.officer_id
    with db.transaction() as s:
        change = case_desk.perform(s, city.dispatcher, c.case_id, c.version, "request_verify",
                                   {"patrol_id": city.officer_id, "note": "核实", "reason": ""})
    assert change.status == "verifying"
    with db.session() as s:
        counts = queues.stage_counts(s, now=MON)
        (row,) = queues.queue_page(s, queues.QueueQuery("verifying"), now=MON).rows
    assert counts["verifying"] == 1 and counts["reported"] == 0
    left = queues.time_left(row, None, row.stage_due - timedelta(minutes=5), 0.8)
    assert (left.state, left.seconds, left.centre_stage) == ("warning", 300.0, "verify_answer")
    late = queues.time_left(row, None, row.stage_due + timedelta(minutes=1), 0.8)
    assert late.state == "overdue" and late.seconds == -60.0


def test_centre_limits_raise_near_and_overdue_alerts():
    at = datetime(2026, 3, 9, 10, 0)
    facts = rules.CaseFacts(1, "202603090001", "verifying", False, GARBAGE, 1, None, at,
                            stage_key="verify_answer", stage_warn_at=at + timedelta(minutes=48),
                            stage_due=at + timedelta(minutes=60))
    th = rules.Thresholds()
    assert rules.case_findings(facts, at + timedelta(minutes=47), th) == []
    assert rules.next_change(facts, at, th) == at + timedelta(minutes=48)
    (near,) = rules.case_findings(facts, at + timedelta(minutes=48), th)
    assert near.kind is rules.Kind.CENTRE_NEAR and near.params["stage"] == "verify_answer"
    assert rules.next_change(facts, at + timedelta(minutes=48), th) == at + timedelta(minutes=60)
    (over,) = rules.case_findings(facts, at + timedelta(minutes=60), th)
    assert over.kind is rules.Kind.CENTRE_OVERDUE and over.severity is rules.Severity.WARNING
    # The next stage's limit is another alert, not the same one carried on.
    nxt = rules.CaseFacts(1, "202603090001", "verified", False, GARBAGE, 1, None, at,
                          stage_key="register", stage_due=at)
    (again,) = rules.case_findings(nxt, at, th)
    assert again.key != over.key


# --- post evaluation ---------------------------------------------------------------------------

def test_on_time_verification_and_the_dispatchers_correct_dispatch_rate(db, city):
    from console.domain.evaluation import Level, Period
    from console.services import evaluation
    dept = city.departments["环卫处"]
    worker = city.dept_user(db, dept)
    week = Period(MON - timedelta(days=1), MON + timedelta(days=6))
    # Two 核实 asked of the officer: one answered in 30 min (limit 60), one after 90.
    quick = do(db, cases.request_verify, city.dispatcher, report(db, city.dispatcher),
               patrol_id=city.officer_id, at=MON + timedelta(minutes=5))
    do(db, cases.confirm, city.dispatcher, quick, at=MON + timedelta(minutes=35))
    slow = do(db, cases.request_verify, city.dispatcher, report(db, city.dispatcher),
              patrol_id=city.officer_id, at=MON + timedelta(minutes=5))
    slow = do(db, cases.confirm, city.dispatcher, slow, at=MON + timedelta(minutes=95))
    # The dispatcher dispatches twice; the department returns one as not theirs, and the
    # leader dispatches that one again (the leader's, correct).
    slow = do(db, cases.register, city.dispatcher, slow, at=MON + timedelta(minutes=100))
    slow = do(db, cases.dispatch, city.dispatcher, slow, department_id=dept,
              at=MON + timedelta(minutes=110))
    slow = do(db, cases.return_case, worker, slow, reason="非本部门",
              at=MON + timedelta(minutes=120))
    do(db, cases.dispatch, city.leader, slow, department_id=dept,
       at=MON + timedelta(minutes=130))
    with db.session() as s:
        c = s.get(Case, quick.case_id)
        quick_version = c.version
    quick = cases.CaseChange(quick.case_id, quick.number, "verified", quick_version, quick.ticket)
    quick = do(db, cases.register, city.dispatcher, quick, at=MON + timedelta(minutes=40))
    do(db, cases.dispatch, city.dispatcher, quick, department_id=dept,
       at=MON + timedelta(minutes=45))
    now = MON + timedelta(days=1)
    with db.session() as s:
        patrols = evaluation.evaluate(s, Level.PATROL, week, now)
        desk = evaluation.evaluate(s, Level.DISPATCHER, week, now)
        officer = next(r for r in patrols.rows if r.unit_id == city.officer_id)
        verify = officer.figures["on_time_verify_rate"]
        assert (verify.numerator, verify.denominator, verify.value) == (1, 2, 0.5)
        behind = evaluation.cases_behind(s, Level.PATROL, city.officer_id, "on_time_verify_rate",
                                         week, now)
        assert [r["id"] for r in behind] == [quick.case_id]
        rows = {r.unit_id: r.figures["correct_dispatch_rate"] for r in desk.rows}
        assert (rows[city.dispatcher.user_id].numerator,
                rows[city.dispatcher.user_id].denominator) == (1, 2)
        assert rows[city.leader.user_id].value == 1.0
        assert "correct_dispatch_rate" in desk.indicators and desk.rows[0].score is None
        returned = evaluation.cases_behind(s, Level.DISPATCHER, city.dispatcher.user_id,
                                           "correct_dispatch_rate", week, now, "denominator")
        assert {r["id"] for r in returned} == {quick.case_id, slow.case_id}


def test_the_desk_posts_on_time_and_correct_rates_computed_by_hand(db, city):
    """按时受理率 (receiver), 按时立案率 and 准确立案率 (shift leader), 按时派遣率 (dispatcher), each
    from the events that end the centre's own stages; limits 10 / 30 / 30 working minutes."""
    from console.domain.evaluation import Level, Period
    from console.services import evaluation
    dept = city.departments["环卫处"]
    d, lead = city.dispatcher, city.leader
    m = lambda minutes: MON + timedelta(minutes=minutes)   # noqa: E731
    # A: sent to 核实 at +5 (limit 10: on time), confirmed at +20; registered by the leader at
    # +70 (20 minutes late), dispatched at +80 (on time).
    a = do(db, cases.request_verify, d, report(db, d), patrol_id=city.officer_id, at=m(5))
    a = do(db, cases.confirm, d, a, at=m(20))
    a = do(db, cases.register, lead, a, at=m(70))
    a = do(db, cases.dispatch, d, a, department_id=dept, at=m(80))
    # B: sent to 核实 at +15 (late), confirmed at +20, registered by the leader at +30 (on
    # time) — and cancelled afterwards as registered in error.
    b = do(db, cases.request_verify, d, report(db, d), patrol_id=city.officer_id, at=m(15))
    b = do(db, cases.confirm, d, b, at=m(20))
    b = do(db, cases.register, lead, b, at=m(30))
    do(db, cases.cancel, lead, b, reason="重复立案", at=m(200))
    # C: a leader's own report needs no 核实; the dispatcher refuses it at +45 (limit 30: late).
    c = report(db, d, source="leader")
    do(db, cases.reject, d, c, reason="不属于受理范围", at=m(45))
    week = Period(MON - timedelta(days=1), MON + timedelta(days=6))
    now = MON + timedelta(days=1)
    with db.session() as s:
        desk = evaluation.evaluate(s, Level.DISPATCHER, week, now)
        rows = {r.unit_id: r.figures for r in desk.rows}

        def parts(user, key):
            f = rows[user.user_id][key]
            return f.numerator, f.denominator, f.value

        assert parts(d, "on_time_accept_rate") == (1, 2, 0.5)
        assert parts(d, "on_time_register_rate") == (0, 1, 0.0)
        assert parts(d, "correct_register_rate") == (0, 0, None)
        assert parts(d, "on_time_dispatch_rate") == (1, 1, 1.0)
        assert parts(lead, "on_time_register_rate") == (1, 2, 0.5)
        assert parts(lead, "correct_register_rate") == (1, 2, 0.5)
        assert parts(lead, "on_time_accept_rate") == (0, 0, None)
        late = evaluation.cases_behind(s, Level.DISPATCHER, d.user_id, "on_time_accept_rate",
                                       week, now, "denominator")
        on_time = evaluation.cases_behind(s, Level.DISPATCHER, d.user_id, "on_time_accept_rate",
                                          week, now)
        assert {r["id"] for r in late} == {a.case_id, b.case_id}
        assert [r["id"] for r in on_time] == [a.case_id]
        wrong = evaluation.cases_behind(s, Level.DISPATCHER, lead.user_id,
                                        "correct_register_rate", week, now)
        assert [r["id"] for r in wrong] == [a.case_id]
        # A period that ends before the cancellation still counts B's registration as correct.
        early = evaluation.evaluate(s, Level.DISPATCHER, Period(MON, m(100)), m(100))
        f = {r.unit_id: r.figures for r in early.rows}[lead.user_id]["correct_register_rate"]
        assert (f.numerator, f.denominator) == (2, 2)


def test_the_alert_engine_raises_and_clears_the_centres_own_limits(db):
    from console.services.alerts import AlertEngine
    from tests import alert_city as C
    city = C.build(db)
    with db.transaction() as s:
        s.execute(delete(Setting).where(Setting.key.in_(("verification_sources",
                                                         "centre_stage_limits_min"))))
    t = C.MONDAY.replace(hour=9)
    change = C.report(db, city, t)                                   # hotline: send within 10 min
    engine = AlertEngine()
    C.evaluate(db, engine, t + timedelta(minutes=7))
    assert not [k for k in C.open_alerts(db) if k.startswith("centre_")]
    C.evaluate(db, engine, t + timedelta(minutes=8))
    assert f"centre_near:case:{change.case_id}:verify_send" in C.open_alerts(db)
    C.evaluate(db, engine, t + timedelta(minutes=11))
    over = C.open_alerts(db)[f"centre_overdue:case:{change.case_id}:verify_send"]
    assert over.severity == "warning" and over.params["stage"] == "verify_send"
    assert f"centre_near:case:{change.case_id}:verify_send" not in C.open_alerts(db)
    with db.transaction() as s:
        cases.request_verify(s, city.desk, change.case_id, change.version,
                             patrol_id=city.officer_id, at=t + timedelta(minutes=12))
    C.evaluate(db, engine, t + timedelta(minutes=12))
    assert not [k for k in C.open_alerts(db) if k.startswith("centre_")]   # the next clock runs
    C.evaluate(db, engine, t + timedelta(minutes=12 + 60))
    assert f"centre_overdue:case:{change.case_id}:verify_answer" in C.open_alerts(db)
