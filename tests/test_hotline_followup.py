"""Hotline follow-up: caller history and repeat calls, the call-back (回访) queue filled at
closure, outcomes, and the leader's consent to reopen a case a citizen was not satisfied with."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from console.domain.callbacks import Outcome, Rework
from console.domain.changes import ChangeKind
from console.domain.errors import DomainError, StaleVersion
from console.services import caller_history, callbacks, cases
from console.services.callback_intake import callback_due
from console.store.feed import current_seq
from console.store.models import AuditRecord, Callback, Case, HotlineCall, Setting
from tests.service_city import MON, do, feed_after, load, report

PHONE = "13812345678"


def _closed(db, city, *, at=MON, **kw):
    """A case reported, handled, checked and closed at `at` + 4 h (the whole loop)."""
    c = report(db, city.dispatcher, at=at, **kw)
    c = do(db, cases.register, city.dispatcher, c, at=at + timedelta(minutes=5))
    c = do(db, cases.dispatch, city.dispatcher, c, at=at + timedelta(minutes=10))
    c = do(db, cases.mark_handled, city.leader, c, at=at + timedelta(hours=2))
    c = do(db, cases.request_check, city.dispatcher, c, patrol_id=city.officer_id,
           at=at + timedelta(hours=3))
    return do(db, cases.close, city.dispatcher, c, at=at + timedelta(hours=4))


def _callbacks(db, case_id):
    with db.session() as s:
        return list(s.scalars(select(Callback).where(Callback.case_id == case_id)
                              .order_by(Callback.id)))


def _queue(db, viewer, now):
    with db.session() as s:
        return callbacks.callback_queue(s, viewer, now)


# --- the queue is filled by the closure itself -------------------------------------------------

def test_a_closed_hotline_case_is_called_back_within_24_clock_hours(db, city):
    closed = _closed(db, city)
    [row] = _callbacks(db, closed.case_id)
    assert row.closed_at == MON + timedelta(hours=4)
    assert row.due_at == MON + timedelta(hours=28)            # round the clock, the default
    assert row.outcome is None and row.done_at is None
    queue = _queue(db, city.dispatcher, MON + timedelta(hours=5))
    assert [r.number for r in queue.rows] == [closed.number] and queue.overdue == 0
    assert queue.rows[0].reporter_phone == PHONE and not queue.rows[0].overdue
    late = _queue(db, city.dispatcher, MON + timedelta(hours=28, seconds=1))
    assert late.overdue == 1 and late.rows[0].overdue


def test_patrol_reports_and_callers_without_a_number_are_not_called_back(db, city):
    patrol = _closed(db, city, source="patrol", reporter_phone=None)
    silent = _closed(db, city, reporter_phone=None)
    video = _closed(db, city, source="video")                # not a citizen's source by default
    assert [_callbacks(db, c.case_id) for c in (patrol, silent, video)] == [[], [], []]


def test_the_sources_and_the_working_time_clock_are_shared_settings(db, city):
    with db.transaction() as s:
        s.merge(Setting(key="callback_sources", value={"v": ["video"]}, updated_at=MON))
        s.merge(Setting(key="callback_clock", value={"v": "work_hours"}, updated_at=MON))
        s.merge(Setting(key="callback_due_hours", value={"v": 8}, updated_at=MON))
    friday = MON + timedelta(days=4, hours=4)                 # Friday 14:00, closed 18:00
    hotline = _closed(db, city)
    video = _closed(db, city, source="video", at=friday)
    assert _callbacks(db, hotline.case_id) == []
    [row] = _callbacks(db, video.case_id)
    with db.session() as s:
        assert row.due_at == callback_due(s, row.closed_at)
    # 8 working hours from Friday 18:00 (after hours): Monday's 7 (8:30–12, 14–17:30), then
    # Tuesday 8:30–9:30.
    assert row.due_at == datetime(2026, 3, 17, 9, 30)


# --- answers, and rework only with the leader's consent ----------------------------------------

def test_an_answer_is_recorded_once_audited_and_fed(db, city):
    closed = _closed(db, city)
    [row] = _callbacks(db, closed.case_id)
    since = current_seq_of(db)
    with db.transaction() as s:
        v = callbacks.record_outcome(s, city.dispatcher, row.id, row.version,
                                     outcome=Outcome.BASICALLY_SATISFIED, note="还行",
                                     at=MON + timedelta(hours=6))
    assert v == 2
    [row] = _callbacks(db, closed.case_id)
    assert (row.outcome, row.note, row.done_by_name) == ("basically_satisfied", "还行",
                                                         city.dispatcher.name)
    assert [r.entity for r in feed_after(db, since).rows] == [ChangeKind.CALLBACK.value]
    with db.session() as s:
        [audit] = s.scalars(select(AuditRecord).where(AuditRecord.entity == "callback")).all()
    assert (audit.actor_name, audit.data["outcome"]) == (city.dispatcher.name,
                                                         "basically_satisfied")
    with pytest.raises(DomainError) as err, db.transaction() as s:
        callbacks.record_outcome(s, city.dispatcher, row.id, 2, outcome="satisfied")
    assert err.value.code == "callback_already_done"
    with pytest.raises(DomainError) as err, db.transaction() as s:
        callbacks.record_outcome(s, city.dispatcher, row.id, 2, outcome="happy")
    assert err.value.code == "bad_callback_outcome"
    # Answered lately: still listed (the shift's work), no longer to call.
    queue = _queue(db, city.dispatcher, MON + timedelta(hours=7))
    assert queue.rows[0].done_at is not None and queue.overdue == 0


def current_seq_of(db):
    with db.session() as s:
        return current_seq(s)


def test_two_seats_answering_one_call_back_one_wins(db, city):
    closed = _closed(db, city)
    [row] = _callbacks(db, closed.case_id)
    for _ in range(3):
        outcomes = []
        gate = threading.Barrier(2)

        def answer(outcome):
            try:
                with db.transaction() as s:
                    s.get(Callback, row.id)               # both read version 1 first
                    gate.wait(timeout=10)
                    callbacks.record_outcome(s, city.dispatcher, row.id, 1, outcome=outcome)
                outcomes.append(outcome)
            except (StaleVersion, DomainError) as exc:
                outcomes.append(exc.code)
        threads = [threading.Thread(target=answer, args=(o,))
                   for o in ("satisfied", "unsatisfied")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        done = [o for o in outcomes if o in ("satisfied", "unsatisfied")]
        assert len(done) == 1 and set(outcomes) - set(done) <= {"stale_version",
                                                                 "callback_already_done"}
        [stored] = _callbacks(db, closed.case_id)
        assert stored.outcome == done[0] and stored.version == 2
        with db.transaction() as s:                      # again, from the start
            s.execute(Callback.__table__.update().where(Callback.id == row.id).values(
                version=1, outcome=None, done_at=None))


def test_not_satisfied_reopens_only_with_the_leaders_consent(db, city):
    closed = _closed(db, city)
    [row] = _callbacks(db, closed.case_id)
    with pytest.raises(DomainError) as err, db.transaction() as s:
        callbacks.record_outcome(s, city.dispatcher, row.id, 1, outcome="satisfied",
                                 request_rework=True)
    assert err.value.code == "rework_needs_unsatisfied"
    with db.transaction() as s:
        callbacks.record_outcome(s, city.dispatcher, row.id, 1, outcome="unsatisfied",
                                 note="垃圾还在", request_rework=True, at=MON + timedelta(hours=6))
    assert _queue(db, city.leader, MON + timedelta(hours=7)).awaiting_consent == 1
    # The dispatcher may not decide, nor reopen through the workflow itself.
    with pytest.raises(DomainError) as err, db.transaction() as s:
        callbacks.decide_rework(s, city.dispatcher, row.id, 2, consent=True, reason="同意")
    assert err.value.code == "role_not_allowed"
    with pytest.raises(DomainError) as err, db.transaction() as s:
        cases.act(s, city.dispatcher, closed.case_id, closed.version, "reopen", reason="x",
                  deadline=MON + timedelta(days=3))
    assert err.value.code == "role_not_allowed"
    with pytest.raises(DomainError) as err, db.transaction() as s:
        callbacks.decide_rework(s, city.leader, row.id, 2, consent=True, reason="  ")
    assert err.value.code == "reason_required"
    at = MON + timedelta(hours=8)
    with db.transaction() as s:
        change = callbacks.decide_rework(s, city.leader, row.id, 2, consent=True,
                                         reason="市民不满意，返工", at=at)
    assert change.status == "dispatched"
    case, events = load(db, closed.case_id)                  # replays to the stored row
    assert (case.status, case.closed_at, case.handled_at, case.rework_count) == (
        "dispatched", None, None, 1)
    assert case.deadline > at
    last = events[-1]
    assert (last.action, last.actor_name, last.note, last.from_status) == (
        "reopen", city.leader.name, "市民不满意，返工", "closed")
    assert last.data["callback_id"] == row.id
    [row] = _callbacks(db, closed.case_id)
    assert (row.rework, row.rework_by_name, row.rework_at) == (
        Rework.CONSENTED.value, city.leader.name, at)
    with pytest.raises(DomainError) as err, db.transaction() as s:
        callbacks.decide_rework(s, city.leader, row.id, 3, consent=False, reason="再议")
    assert err.value.code == "rework_not_requested"
    # Closed again after the rework: a second call-back, for the second closure.
    c = do(db, cases.mark_handled, city.leader, change, at=at + timedelta(hours=1))
    c = do(db, cases.request_check, city.dispatcher, c, patrol_id=city.officer_id,
           at=at + timedelta(hours=2))
    do(db, cases.close, city.dispatcher, c, at=at + timedelta(hours=3))
    assert [r.closed_at for r in _callbacks(db, closed.case_id)] == [
        MON + timedelta(hours=4), at + timedelta(hours=3)]


def test_a_declined_rework_leaves_the_case_closed(db, city):
    closed = _closed(db, city)
    [row] = _callbacks(db, closed.case_id)
    with db.transaction() as s:
        callbacks.record_outcome(s, city.dispatcher, row.id, 1, outcome="unsatisfied",
                                 request_rework=True)
        assert callbacks.decide_rework(s, city.leader, row.id, 2, consent=False,
                                       reason="已按标准处置") is None
    case, _ = load(db, closed.case_id)
    assert case.status == "closed"
    [row] = _callbacks(db, closed.case_id)
    assert (row.rework, row.rework_reason) == (Rework.DECLINED.value, "已按标准处置")


# --- caller history and repeat calls ---------------------------------------------------------

def test_caller_history_counts_calls_and_open_cases(db, city):
    first = _closed(db, city, at=MON - timedelta(days=3))
    second = report(db, city.dispatcher, at=MON, description="又有垃圾")
    report(db, city.dispatcher, at=MON, reporter_phone="13900000000")      # someone else
    with db.session() as s:
        assert caller_history.caller_history(s, city.dispatcher, "138123") is None  # typing
        assert caller_history.caller_history(s, city.dispatcher, "1381234567x") is None
        h = caller_history.caller_history(s, city.dispatcher, PHONE)
    assert (h.calls, h.open_cases, h.last_call, h.phone) == (2, 1, MON, PHONE)
    assert [(c.number, c.open) for c in h.cases] == [(second.number, True),
                                                      (first.number, False)]
    with db.transaction() as s:
        caller_history.link_repeat_call(s, city.dispatcher, second.case_id, second.version,
                                        phone=PHONE, caller_name="李女士",
                                        note=f"李女士 {PHONE} 再次来电催办",
                                        at=MON + timedelta(hours=1))
    with db.session() as s:
        h = caller_history.caller_history(s, city.dispatcher, PHONE)
        assert s.scalar(select(Case).where(Case.reporter_phone == PHONE)
                        .order_by(Case.id.desc())).id == second.case_id   # no new case
        [call] = s.scalars(select(HotlineCall)).all()
    assert (h.calls, h.open_cases, h.last_call) == (3, 1, MON + timedelta(hours=1))
    assert h.cases[0].repeat_calls == 1 and call.case_id == second.case_id
    case, events = load(db, second.case_id)
    assert events[-1].action == "add_note" and "再次来电" in events[-1].note
    # A stale view of the case saves nothing; a closed case takes no repeat call.
    with pytest.raises(StaleVersion), db.transaction() as s:
        caller_history.link_repeat_call(s, city.dispatcher, second.case_id, second.version,
                                        phone=PHONE, note="再次")
    with pytest.raises(DomainError) as err, db.transaction() as s:
        caller_history.link_repeat_call(s, city.dispatcher, first.case_id, first.version,
                                        phone=PHONE, note="再次")
    assert err.value.code == "duplicate_target_closed"
    with db.session() as s:
        assert s.scalar(select(HotlineCall.id).where(HotlineCall.note == "再次")) is None


def test_a_repeat_call_is_linked_by_the_number_of_another_caller_too(db, city):
    """A neighbour calls about the same open case: the history of the neighbour's number
    shows it from then on."""
    c = report(db, city.dispatcher, at=MON)
    with db.transaction() as s:
        caller_history.link_repeat_call(s, city.dispatcher, c.case_id, c.version,
                                        phone="0571-87654321", note="邻居来电")
    with db.session() as s:
        h = caller_history.caller_history(s, city.dispatcher, "0571-87654321")
    assert (h.calls, h.open_cases, [x.number for x in h.cases]) == (1, 1, [c.number])
