"""The case workflow state machine: every transition, every refusal, and random walks that replay."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from console.domain.errors import DomainError
from console.domain.roles import Role
from console.domain.workflow import (OPEN, TERMINAL, TRANSITIONS, Action, CaseState, Status,
                                     allowed_actions, apply, perform, replay)

T0 = datetime(2026, 3, 9, 9, 0)          # a Monday morning
CATEGORY = "2010101"
DEPT = 7
PATROL = 42

# How to reach each status from a fresh report, as (action, role) steps with valid params.
PATHS: dict[Status, list[Action]] = {
    Status.REPORTED: [],
    Status.VERIFYING: [Action.REQUEST_VERIFY],
    Status.VERIFIED: [Action.REQUEST_VERIFY, Action.CONFIRM],
    Status.REGISTERED: [Action.REGISTER],
    Status.REJECTED: [Action.REJECT],
    Status.DISPATCHED: [Action.REGISTER, Action.DISPATCH],
    Status.HANDLED: [Action.REGISTER, Action.DISPATCH, Action.MARK_HANDLED],
    Status.CHECKING: [Action.REGISTER, Action.DISPATCH, Action.MARK_HANDLED, Action.REQUEST_CHECK],
    Status.CLOSED: [Action.REGISTER, Action.DISPATCH, Action.MARK_HANDLED, Action.REQUEST_CHECK,
                    Action.CLOSE],
    Status.PARKED: [Action.REGISTER, Action.PARK],
    Status.CANCELLED: [Action.CANCEL],
}
assert set(PATHS) == set(Status)


def a_role_for(action: Action) -> Role:
    """A role allowed to take `action` (admin may do everything but request an extension)."""
    roles = TRANSITIONS[action].roles
    return Role.ADMIN if Role.ADMIN in roles else min(roles)


def valid_params(action: Action, state: CaseState, at: datetime) -> dict[str, Any]:
    """Parameters that satisfy every need of `action` on `state` at `at`."""
    later = max(at, state.deadline or at) + timedelta(days=2)
    params: dict[str, Any] = {}
    needs = TRANSITIONS[action].needs
    if "reason" in needs:
        params["reason"] = "需要说明的理由"
    if "note" in needs:
        params["note"] = "备注"
    if "department" in needs:
        params["department_id"] = DEPT
    if "deadline" in needs:
        params["deadline"] = later
    if "patrol" in needs:
        params["patrol_id"] = PATROL
    return params


class Walk:
    """A case driven through `perform`, keeping its recorded events for replay."""

    def __init__(self, category_code: str = CATEGORY) -> None:
        self.state = CaseState(status=Status.REPORTED, category_code=category_code, version=1)
        self.events: list[tuple[str, dict[str, Any], datetime]] = [
            (Action.REPORT.value, {"category_code": category_code}, T0)]
        self.now = T0

    def step(self, action: Action, role: Role | None = None, minutes: int = 30,
             **params: Any) -> CaseState:
        self.now += timedelta(minutes=minutes)
        params = valid_params(action, self.state, self.now) | params
        self.state, data = perform(self.state, action, role or a_role_for(action), at=self.now,
                                   **params)
        self.events.append((action.value, data, self.now))
        return self.state


def walk_to(status: Status, *, pending_extension: bool = False) -> Walk:
    w = Walk()
    for action in PATHS[status]:
        w.step(action)
    assert w.state.status is status
    if pending_extension:
        w.step(Action.REQUEST_EXTENSION, Role.DEPARTMENT)
        assert w.state.requested_deadline is not None
    return w


def refusal(state: CaseState, action: Action | str, role: Role | str, **kw: Any) -> DomainError:
    """Call perform expecting a refusal; return the error for its code."""
    at = kw.pop("at", T0 + timedelta(days=1))
    with pytest.raises(DomainError) as info:
        perform(state, action, role, at=at, **kw)
    return info.value


# --- every allowed transition ----------------------------------------------------------------

ALLOWED = [(action, source, role)
           for action, t in TRANSITIONS.items()
           for source in sorted(t.sources)
           for role in sorted(t.roles)]


@pytest.mark.parametrize(("action", "source", "role"), ALLOWED,
                         ids=[f"{a}-{s}-{r}" for a, s, r in ALLOWED])
def test_allowed_transition_lands_in_target(action, source, role):
    pending = action in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION)
    w = walk_to(source, pending_extension=pending)
    before = w.state
    at = w.now + timedelta(minutes=5)
    after, data = perform(before, action, role, at=at, **valid_params(action, before, at))
    target = TRANSITIONS[action].target
    assert after.status is (target if target is not None else source)
    assert after.version == before.version + 1
    assert apply(before, action, data, at) == after
    # The event data alone is enough to rebuild the state.
    assert replay(CATEGORY, w.events + [(action.value, data, at)]) == after


def test_transition_table_covers_the_documented_workflow():
    # DESIGN.md: reported → registered | rejected → dispatched → handled → checking → closed | rework.
    edges = {(s, t.target) for t in TRANSITIONS.values() for s in t.sources if t.target}
    for edge in [(Status.REPORTED, Status.REGISTERED), (Status.REPORTED, Status.REJECTED),
                 (Status.REGISTERED, Status.DISPATCHED), (Status.DISPATCHED, Status.HANDLED),
                 (Status.HANDLED, Status.CHECKING), (Status.CHECKING, Status.CLOSED),
                 (Status.CHECKING, Status.DISPATCHED), (Status.DISPATCHED, Status.REGISTERED),
                 (Status.DISPATCHED, Status.PARKED), (Status.PARKED, Status.REGISTERED)]:
        assert edge in edges
    # Nothing leaves a terminal state but a closure a citizen was not satisfied with (回访),
    # reopened for rework by a leader's consent alone (services/callbacks.py).
    leaving = {a: t for a, t in TRANSITIONS.items() if t.target and t.sources & TERMINAL}
    assert set(leaving) == {Action.REOPEN}
    assert leaving[Action.REOPEN].sources == {Status.CLOSED}
    assert leaving[Action.REOPEN].roles == {Role.LEADER, Role.ADMIN}
    assert TERMINAL | OPEN == set(Status) and not TERMINAL & OPEN


# --- every forbidden combination -------------------------------------------------------------

WRONG_STATE = [(action, status)
               for action, t in TRANSITIONS.items()
               for status in sorted(set(Status) - t.sources)]


@pytest.mark.parametrize(("action", "status"), WRONG_STATE,
                         ids=[f"{a}-{s}" for a, s in WRONG_STATE])
def test_action_in_wrong_state_is_refused(action, status):
    w = walk_to(status)
    for role in Role:   # whatever the role: the state is checked first
        err = refusal(w.state, action, role, **valid_params(action, w.state, w.now + timedelta(hours=1)),
                      at=w.now + timedelta(hours=1))
        assert err.code == "action_not_allowed_in_state"
        assert err.params == {"action": action.value, "status": status.value}


WRONG_ROLE = [(action, source, role)
              for action, t in TRANSITIONS.items()
              for source in sorted(t.sources)
              for role in sorted(set(Role) - t.roles)]


@pytest.mark.parametrize(("action", "source", "role"), WRONG_ROLE,
                         ids=[f"{a}-{s}-{r}" for a, s, r in WRONG_ROLE])
def test_action_by_wrong_role_is_refused(action, source, role):
    pending = action in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION)
    w = walk_to(source, pending_extension=pending)
    at = w.now + timedelta(hours=1)
    err = refusal(w.state, action, role, at=at, **valid_params(action, w.state, at))
    assert err.code == "role_not_allowed"
    assert err.params["role"] == role.value


def test_roles_outside_the_desk_cannot_run_the_case():
    # The field and machines may only report (and patrols annotate, and answer a 核实 they
    # were sent): no other workflow step at all.
    for action, t in TRANSITIONS.items():
        assert Role.SYSTEM not in t.roles
        if action not in (Action.ADD_NOTE, Action.CONFIRM, Action.REFUTE):
            assert Role.PATROL not in t.roles
    assert TRANSITIONS[Action.REQUEST_EXTENSION].roles == {Role.DEPARTMENT}
    assert Role.DISPATCHER not in TRANSITIONS[Action.APPROVE_EXTENSION].roles


def test_report_and_unknown_actions_are_not_workflow_steps():
    w = walk_to(Status.REPORTED)
    assert refusal(w.state, Action.REPORT, Role.ADMIN).code == "unknown_action"
    # An action name comes from a caller (a dialog, an intake): refused by name.
    assert refusal(w.state, "teleport", Role.ADMIN).code == "unknown_action"
    # A role comes from the stored user: a wrong one is a programming error.
    with pytest.raises(ValueError):
        perform(w.state, Action.REGISTER, "janitor", at=T0)


def test_a_refusal_leaves_the_state_untouched():
    w = walk_to(Status.DISPATCHED)
    frozen = w.state
    refusal(frozen, Action.CLOSE, Role.ADMIN)
    refusal(frozen, Action.RETURN, Role.DEPARTMENT, reason="  ")
    assert w.state == frozen and w.state.version == 3


# --- needs: reasons, departments, deadlines ---------------------------------------------------

NEEDS_REASON = [Action.REJECT, Action.RETURN, Action.REWORK, Action.PARK, Action.CANCEL,
                Action.DENY_EXTENSION, Action.REQUEST_EXTENSION, Action.REFUTE, Action.REOPEN]


def test_the_documented_actions_need_a_reason():
    assert {a for a, t in TRANSITIONS.items() if "reason" in t.needs} == set(NEEDS_REASON)


@pytest.mark.parametrize("action", NEEDS_REASON)
@pytest.mark.parametrize("reason", [None, "", "   ", "\t\n　"])
def test_reason_required_and_blank_refused(action, reason):
    source = min(TRANSITIONS[action].sources)
    w = walk_to(source, pending_extension=action is Action.DENY_EXTENSION)
    at = w.now + timedelta(hours=1)
    params = valid_params(action, w.state, at) | {"reason": reason}
    err = refusal(w.state, action, a_role_for(action), at=at, **params)
    assert err.code == "reason_required"


def test_reason_is_stripped_into_the_event():
    w = walk_to(Status.REPORTED)
    after, data = perform(w.state, Action.REJECT, Role.DISPATCHER, at=T0 + timedelta(minutes=3),
                          reason="  重复上报 \n")
    assert data == {"reason": "重复上报"}
    assert after.status is Status.REJECTED


def test_note_requires_text():
    w = walk_to(Status.CLOSED)
    assert refusal(w.state, Action.ADD_NOTE, Role.PATROL, note=" ").code == "note_required"
    after, data = perform(w.state, Action.ADD_NOTE, Role.PATROL, at=w.now, note=" 已回访 ")
    assert data == {"note": "已回访"}
    assert after == replace(w.state, version=w.state.version + 1)


def test_dispatch_needs_a_department():
    w = walk_to(Status.REGISTERED)
    at = w.now + timedelta(minutes=5)
    err = refusal(w.state, Action.DISPATCH, Role.DISPATCHER, at=at, deadline=at + timedelta(days=1))
    assert err.code == "department_required"


def test_dispatch_keeps_the_known_department_when_none_is_named():
    # A case back from 挂账 still knows its department: re-dispatch may omit it.
    w = walk_to(Status.DISPATCHED)
    w.step(Action.PARK)
    w.step(Action.RESUME)
    at = w.now + timedelta(minutes=5)
    after, data = perform(w.state, Action.DISPATCH, Role.DISPATCHER, at=at,
                          deadline=at + timedelta(days=1))
    assert data["department_id"] == DEPT and after.department_id == DEPT


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(seconds=-1), timedelta(days=-3)])
@pytest.mark.parametrize("action", [Action.DISPATCH, Action.REWORK, Action.REQUEST_EXTENSION])
def test_deadline_must_be_in_the_future(action, offset):
    source = {Action.DISPATCH: Status.REGISTERED, Action.REWORK: Status.CHECKING,
              Action.REQUEST_EXTENSION: Status.DISPATCHED}[action]
    w = walk_to(source)
    at = w.now + timedelta(minutes=5)
    params = valid_params(action, w.state, at) | {"deadline": at + offset}
    assert refusal(w.state, action, a_role_for(action), at=at, **params).code == "deadline_in_past"
    params["deadline"] = None
    assert refusal(w.state, action, a_role_for(action), at=at, **params).code == "deadline_required"


def test_dispatch_records_department_deadline_and_time():
    w = walk_to(Status.REGISTERED)
    at = w.now + timedelta(minutes=5)
    deadline = at + timedelta(hours=26)
    after, data = perform(w.state, Action.DISPATCH, Role.DISPATCHER, at=at, department_id=3,
                          deadline=deadline)
    assert data == {"department_id": 3, "deadline": deadline.isoformat()}
    assert (after.department_id, after.deadline, after.dispatched_at) == (3, deadline, at)


def test_return_clears_the_dispatch_and_counts():
    w = walk_to(Status.DISPATCHED)
    after = w.step(Action.RETURN, Role.DEPARTMENT)
    assert after.status is Status.REGISTERED
    assert (after.department_id, after.deadline, after.dispatched_at) == (None, None, None)
    assert after.return_count == 1
    # Re-dispatch now needs a department again.
    at = w.now + timedelta(minutes=1)
    assert refusal(after, Action.DISPATCH, Role.DISPATCHER, at=at,
                   deadline=at + timedelta(days=1)).code == "department_required"


def test_rework_sends_back_with_a_fresh_deadline():
    w = walk_to(Status.CHECKING)
    old = w.state
    after = w.step(Action.REWORK, Role.DISPATCHER)
    assert after.status is Status.DISPATCHED
    assert after.department_id == old.department_id
    assert after.deadline > w.now and after.deadline != old.deadline
    assert after.dispatched_at == w.now
    assert (after.handled_at, after.check_patrol_id, after.rework_count) == (None, None, 1)


# --- extensions ------------------------------------------------------------------------------

@pytest.mark.parametrize("action", [Action.APPROVE_EXTENSION, Action.DENY_EXTENSION])
def test_extension_cannot_be_decided_when_none_requested(action):
    w = walk_to(Status.DISPATCHED)
    err = refusal(w.state, action, Role.LEADER, **valid_params(action, w.state, w.now))
    assert err.code == "extension_not_requested"


def test_extension_cannot_be_requested_twice():
    w = walk_to(Status.DISPATCHED, pending_extension=True)
    at = w.now + timedelta(minutes=1)
    err = refusal(w.state, Action.REQUEST_EXTENSION, Role.DEPARTMENT, at=at, reason="再延",
                  deadline=w.state.requested_deadline + timedelta(days=1))
    assert err.code == "extension_already_requested"


@pytest.mark.parametrize("delta", [timedelta(0), timedelta(hours=-1)])
def test_extension_must_be_later_than_the_current_deadline(delta):
    w = walk_to(Status.DISPATCHED)
    at = w.now + timedelta(minutes=1)
    assert w.state.deadline > at
    err = refusal(w.state, Action.REQUEST_EXTENSION, Role.DEPARTMENT, at=at, reason="材料",
                  deadline=w.state.deadline + delta)
    assert err.code == "extension_not_later"


def test_extension_approved_moves_the_deadline():
    w = walk_to(Status.DISPATCHED, pending_extension=True)
    asked = w.state.requested_deadline
    old = w.state.deadline
    assert asked > old
    after = w.step(Action.APPROVE_EXTENSION, Role.LEADER)
    assert (after.deadline, after.requested_deadline, after.extension_count) == (asked, None, 1)
    # A second request is possible once the first is decided.
    after = w.step(Action.REQUEST_EXTENSION, Role.DEPARTMENT)
    assert after.requested_deadline > asked


def test_extension_denied_keeps_the_deadline():
    w = walk_to(Status.DISPATCHED, pending_extension=True)
    old = w.state.deadline
    after = w.step(Action.DENY_EXTENSION, Role.LEADER)
    assert (after.deadline, after.requested_deadline, after.extension_count) == (old, None, 0)


@pytest.mark.parametrize("leave", [Action.MARK_HANDLED, Action.RETURN, Action.PARK, Action.CANCEL])
def test_leaving_dispatch_drops_a_pending_extension(leave):
    w = walk_to(Status.DISPATCHED, pending_extension=True)
    after = w.step(leave)
    assert after.status is not Status.DISPATCHED
    assert after.requested_deadline is None


# --- allowed_actions agrees with perform -----------------------------------------------------

# An extension request exists only on a dispatched case.
@pytest.mark.parametrize(("status", "pending"),
                         [(s, False) for s in Status] + [(Status.DISPATCHED, True)])
def test_allowed_actions_agree_with_perform(status, pending):
    w = walk_to(status, pending_extension=pending)
    at = w.now + timedelta(minutes=5)
    for role in Role:
        allowed = allowed_actions(status, role, extension_pending=pending)
        assert allowed == [a for a in TRANSITIONS if a in allowed], "workflow order"
        for action in Action:
            try:
                perform(w.state, action, role, at=at, **valid_params(action, w.state, at)
                        if action in TRANSITIONS else {})
            except DomainError:
                assert action not in allowed, (action, role)
            else:
                assert action in allowed, (action, role)


def test_terminal_states_allow_only_notes():
    for status in TERMINAL:
        for role in Role:
            # …and a leader's reopening of a closure the citizen was not satisfied with.
            reopen = {Action.REOPEN} if status is Status.CLOSED and role in (
                Role.LEADER, Role.ADMIN) else set()
            assert set(allowed_actions(status, role)) <= {Action.ADD_NOTE} | reopen


# --- random walks: replay and invariants -----------------------------------------------------

STRUCTURAL = {"action_not_allowed_in_state", "role_not_allowed", "extension_not_requested",
              "extension_already_requested", "unknown_action"}
PARAMETER = {"reason_required", "note_required", "department_required", "patrol_required",
             "deadline_required", "deadline_in_past", "extension_not_later"}

reasons = st.sampled_from([None, "", "  ", "理由", " 权属不清 "])
minutes = st.integers(min_value=0, max_value=3 * 24 * 60)


class WorkflowMachine(RuleBasedStateMachine):
    """Any mix of actions, roles and parameters: what perform accepts always replays."""

    @initialize(category=st.sampled_from(["2010101", "1010101"]))
    def report(self, category):
        self.w = Walk(category)
        self.category = category
        self.successes = 0

    def _perform(self, action: Action, role: Role, **params: Any) -> None:
        before = self.w.state
        pending = before.requested_deadline is not None
        try:
            after, data = perform(before, action, role, at=self.w.now, **params)
        except DomainError as err:
            assert err.code in STRUCTURAL | PARAMETER, err.code
            if err.code in STRUCTURAL:
                assert action not in allowed_actions(before.status, role, extension_pending=pending)
            assert self.w.state is before
            return
        assert action in allowed_actions(before.status, role, extension_pending=pending)
        if before.status in TERMINAL:
            assert after.status is before.status
        self.w.state = after
        self.w.events.append((action.value, data, self.w.now))
        self.successes += 1

    @rule(action=st.sampled_from(list(Action)), role=st.sampled_from(list(Role)), reason=reasons,
          note=st.sampled_from([None, "", "处理中"]),
          department=st.sampled_from([None, 1, 2]), patrol=st.sampled_from([None, 9]),
          deadline_in=st.one_of(st.none(), st.integers(-2 * 24 * 60, 20 * 24 * 60)),
          gap=minutes)
    def anything(self, action, role, reason, note, department, patrol, deadline_in, gap):
        self.w.now += timedelta(minutes=gap)
        deadline = None if deadline_in is None else self.w.now + timedelta(minutes=deadline_in)
        self._perform(action, role, reason=reason, note=note, department_id=department,
                      deadline=deadline, patrol_id=patrol)

    @precondition(lambda self: self.w.state.status not in TERMINAL)
    @rule(data=st.data(), gap=minutes, extra=st.integers(1, 10 * 24 * 60))
    def something_allowed(self, data, gap, extra):
        # Steer the walk deep into the workflow: an allowed action with valid params must succeed.
        self.w.now += timedelta(minutes=gap)
        state = self.w.state
        pending = state.requested_deadline is not None
        by_action: dict[Action, list[Role]] = {}
        for role in Role:
            for action in allowed_actions(state.status, role, extension_pending=pending):
                by_action.setdefault(action, []).append(role)
        # Mostly move forward; notes and terminal steps now and then, or walks end too soon.
        forward = [a for a in by_action
                   if a is not Action.ADD_NOTE and TRANSITIONS[a].target not in TERMINAL]
        anything = data.draw(st.integers(0, 3)) == 0
        action = data.draw(st.sampled_from(forward if forward and not anything else list(by_action)))
        role = data.draw(st.sampled_from(by_action[action]))
        params = valid_params(action, state, self.w.now)
        if "deadline" in params:
            params["deadline"] = max(self.w.now, state.deadline or self.w.now) + timedelta(minutes=extra)
        before = self.successes
        self._perform(action, role, **params)
        assert self.successes == before + 1, (action, role, state)

    @invariant()
    def events_replay_to_the_live_state(self):
        assert replay(self.category, self.w.events) == self.w.state

    @invariant()
    def version_counts_the_actions(self):
        assert self.w.state.version == 1 + self.successes == len(self.w.events)

    @invariant()
    def state_is_possible(self):
        s = self.w.state
        assert s.category_code == self.category
        if s.status in (Status.DISPATCHED, Status.HANDLED, Status.CHECKING, Status.CLOSED):
            assert s.department_id is not None and s.deadline is not None
            assert s.dispatched_at is not None and s.dispatched_at < s.deadline
        if s.status in (Status.HANDLED, Status.CHECKING, Status.CLOSED):
            assert s.handled_at is not None and s.handled_at >= s.dispatched_at
        if s.status in (Status.CHECKING, Status.CLOSED):
            assert s.check_patrol_id is not None
        assert (s.closed_at is not None) == (s.status is Status.CLOSED)
        if s.status is Status.DISPATCHED:
            assert s.handled_at is None
        if s.requested_deadline is not None:
            assert s.status is Status.DISPATCHED
            assert s.requested_deadline > s.deadline
        if s.status in (Status.REPORTED, Status.REJECTED):
            assert (s.department_id, s.deadline, s.dispatched_at) == (None, None, None)
        assert min(s.rework_count, s.extension_count, s.return_count) >= 0


TestWorkflowMachine = WorkflowMachine.TestCase
TestWorkflowMachine.settings = settings(max_examples=150, stateful_step_count=40, deadline=None,
                                        suppress_health_check=[HealthCheck.too_slow])
