"""Joint cases in the domain: each department's part machine and the case-level rule."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from console.domain.errors import DomainError
from console.domain.joint import (
    LIVE,
    ON_CASE,
    RULES,
    Part,
    PartAction,
    PartRole,
    PartState,
    allowed,
    apply,
    case_handled,
    new_parts,
    perform,
    withdraw,
)
from console.domain.roles import Role

T0 = datetime(2026, 3, 9, 9, 0)
ROLE_FOR = {PartAction.APPROVE_EXTENSION: Role.LEADER, PartAction.DENY_EXTENSION: Role.LEADER,
            PartAction.REWORK: Role.DISPATCHER}


def params(action: PartAction, at: datetime, part: Part) -> dict:
    later = max(part.deadline or at, at) + timedelta(days=1)
    return {PartAction.REPLY: {"reply": "done"},
            PartAction.RETURN: {"reason": "not ours"},
            PartAction.REQUEST_EXTENSION: {"reason": "rain", "deadline": later},
            PartAction.DENY_EXTENSION: {"reason": "no"},
            PartAction.REWORK: {"reason": "again", "deadline": later}}.get(action, {})


def test_lead_and_assists_make_the_case_handled_only_together():
    lead, a, b = new_parts(1, [2, 3], T0 + timedelta(days=2))
    role = Role.DEPARTMENT
    lead, _ = perform(lead, PartAction.REPLY, role, at=T0, reply="cleared")
    assert lead.state is PartState.HANDLED and not case_handled([lead, a, b])
    a, _ = perform(a, PartAction.REPLY, role, at=T0, reply="fenced off")
    assert not case_handled([lead, a, b])
    b, _ = perform(b, PartAction.RETURN, role, at=T0, reason="not ours")
    assert b.returns == 1 and case_handled([lead, a, b])   # a returned part no longer holds it up


def test_refusals_name_what_is_wrong():
    lead, a = new_parts(1, [2], T0 + timedelta(days=1))
    with pytest.raises(DomainError) as e:
        perform(a, PartAction.REPLY, Role.DEPARTMENT, at=T0)
    assert e.value.code == "reply_required"
    with pytest.raises(DomainError) as e:
        perform(a, PartAction.REPLY, Role.DISPATCHER, at=T0, reply="x")
    assert e.value.code == "role_not_allowed"
    with pytest.raises(DomainError) as e:
        perform(a, PartAction.RETURN, Role.DEPARTMENT, at=T0, reason="x", may_return=False)
    assert e.value.code == "ruled_owner_cannot_return"
    with pytest.raises(DomainError) as e:
        perform(a, PartAction.REWORK, Role.DISPATCHER, at=T0, reason="x", deadline=T0 + timedelta(1))
    assert e.value.code == "part_action_not_allowed"
    with pytest.raises(DomainError) as e:
        new_parts(1, [1], T0)
    assert e.value.code == "department_named_twice"


def test_extension_per_part():
    lead, a = new_parts(1, [2], T0 + timedelta(days=1))
    a, _ = perform(a, PartAction.REQUEST_EXTENSION, Role.DEPARTMENT, at=T0, reason="rain",
                   deadline=T0 + timedelta(days=3))
    assert PartAction.REQUEST_EXTENSION not in allowed(a, Role.DEPARTMENT)
    with pytest.raises(DomainError) as again:     # a second request would replace the first
        perform(a, PartAction.REQUEST_EXTENSION, Role.DEPARTMENT, at=T0, reason="more rain",
                deadline=T0 + timedelta(days=5))
    assert again.value.code == "extension_already_requested"
    a, _ = perform(a, PartAction.APPROVE_EXTENSION, Role.LEADER, at=T0)
    assert a.deadline == T0 + timedelta(days=3) and a.extension_count == 1
    assert lead.deadline == T0 + timedelta(days=1)


class JointMachine(RuleBasedStateMachine):
    """Random actions by random roles on random parts: every accepted action replays, states
    stay in the machine, and the case is handled exactly by the rule."""

    @initialize(n=st.integers(min_value=0, max_value=3))
    def start(self, n):
        self.at = T0
        self.parts = new_parts(10, range(11, 11 + n), T0 + timedelta(days=1))

    @rule(i=st.integers(min_value=0, max_value=3), action=st.sampled_from(list(PartAction)),
          role=st.sampled_from([Role.DEPARTMENT, Role.DISPATCHER, Role.LEADER, Role.PATROL]),
          with_params=st.booleans(), minutes=st.integers(min_value=1, max_value=600))
    def act(self, i, action, role, with_params, minutes):
        i %= len(self.parts)
        part = self.parts[i]
        self.at += timedelta(minutes=minutes)
        kwargs = params(action, self.at, part) if with_params else {}
        expected = action in allowed(part, role)
        try:
            after, data = perform(part, action, role, at=self.at, **kwargs)
        except DomainError:
            assert not (expected and (with_params or not params(action, self.at, part)))
            return
        assert expected
        assert apply(part, action, data, self.at) == after
        assert after.version == part.version + 1
        if action is PartAction.REPLY:
            assert after.state is (PartState.HANDLED if part.role is PartRole.LEAD
                                   else PartState.REPLIED)
        self.parts[i] = after

    @rule()
    def lead_returns_case(self):
        if self.parts[0].state in LIVE:
            self.parts = [withdraw(p) for p in self.parts]
            assert all(p.state not in ON_CASE for p in self.parts)

    @invariant()
    def rule_holds(self):
        lead = self.parts[0]
        assists_done = all(p.state in (PartState.REPLIED, PartState.RETURNED, PartState.WITHDRAWN)
                           for p in self.parts[1:])
        assert case_handled(self.parts) == (lead.state is PartState.HANDLED and assists_done)
        for p in self.parts:
            assert p.state in PartState
            assert p.role is PartRole.LEAD or p.state is not PartState.HANDLED
            assert p.role is PartRole.ASSIST or p.state is not PartState.REPLIED
            if p.requested_deadline is not None:
                assert p.state in LIVE


TestJointMachine = JointMachine.TestCase
TestJointMachine.settings = settings(max_examples=150, stateful_step_count=30, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])


def test_every_action_has_a_rule():
    assert set(RULES) == set(PartAction)
