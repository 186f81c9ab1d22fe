"""The one permission table: which role may take which action.

The case workflow's transitions take their roles from here (console/domain/workflow.py), and
every service entry point checks the same table against the user as stored now
(console/services/actor.py: authorize). The interface asks it too, to hide what a role may
not do — but the services refuse anyway.
"""
from __future__ import annotations

from enum import StrEnum

from console.domain.roles import Role


class Permission(StrEnum):
    # The case workflow: the values are the workflow's action names.
    REPORT = "report"
    REQUEST_VERIFY = "request_verify"
    CONFIRM = "confirm"
    REFUTE = "refute"
    REGISTER = "register"
    REJECT = "reject"
    DISPATCH = "dispatch"
    RETURN = "return"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    DENY_EXTENSION = "deny_extension"
    MARK_HANDLED = "mark_handled"
    REQUEST_CHECK = "request_check"
    CLOSE = "close"
    REWORK = "rework"
    PARK = "park"
    RESUME = "resume"
    CANCEL = "cancel"
    ADD_NOTE = "add_note"
    # Everything else a seat can change.
    ACKNOWLEDGE_ALERT = "alert.acknowledge"
    ESCALATE_ALERT = "alert.escalate"
    EDIT_ROSTER = "roster.edit"            # officers, work grids, devices, shifts, catalogues
    EDIT_CAMPAIGN = "campaign.edit"        # create, edit and close campaigns
    RAISE_SUPERVISION = "supervision.raise"      # 催办/督办/挂牌督办, and raising one a step
    ANSWER_SUPERVISION = "supervision.answer"    # the department's reply and promised time
    CLOSE_SUPERVISION = "supervision.close"
    RULE_DISPUTE = "dispute.rule"          # 执法调处: which department owns a disputed case
    EDIT_SETTINGS = "settings.edit"        # the shared settings every seat reads
    MANAGE_USERS = "users.manage"          # create, edit, deactivate, reset passwords
    CHANGE_OWN_PASSWORD = "password.change_own"
    EDIT_FRONTAGE = "frontage.edit"        # the register of street-front units (门前三包)
    RECORD_FRONTAGE = "frontage.record"    # a warning or notice to a unit; a case confirmed as its
    # Hotline follow-up (services/callbacks.py, domain/privacy.py).
    REOPEN = "reopen"                       # a closed case back to rework: the leader's consent
    CALL_BACK = "hotline.call"              # the hotline's calls: a 回访's answer, a repeat call
    SEE_CALLER_PHONE = "caller_phone.see"   # a citizen's number in full, not 138****5678


R = Role
_DESK = frozenset({R.DISPATCHER, R.LEADER, R.ADMIN})
_COMMAND = frozenset({R.LEADER, R.ADMIN})
_HANDLERS = frozenset({R.DEPARTMENT, R.LEADER, R.ADMIN})
_PEOPLE = frozenset(r for r in Role if r is not R.SYSTEM)
P = Permission

TABLE: dict[Permission, frozenset[Role]] = {
    P.REPORT: frozenset({R.DISPATCHER, R.LEADER, R.ADMIN, R.PATROL, R.SYSTEM}),
    # 核实: the desk sends it out and may record an answer given by phone; the officer answers.
    P.REQUEST_VERIFY: _DESK,
    P.CONFIRM: _DESK | {R.PATROL},
    P.REFUTE: _DESK | {R.PATROL},
    P.REGISTER: _DESK,
    P.REJECT: _DESK,
    P.DISPATCH: _DESK,
    P.RETURN: _HANDLERS,
    P.REQUEST_EXTENSION: frozenset({R.DEPARTMENT}),
    P.APPROVE_EXTENSION: _COMMAND,
    P.DENY_EXTENSION: _COMMAND,
    P.MARK_HANDLED: _HANDLERS,
    P.REQUEST_CHECK: _DESK,
    P.CLOSE: _DESK,
    P.REWORK: _DESK,
    P.PARK: _COMMAND,
    P.RESUME: _COMMAND,
    P.CANCEL: _COMMAND,
    P.ADD_NOTE: frozenset({R.DISPATCHER, R.LEADER, R.ADMIN, R.DEPARTMENT, R.PATROL}),
    P.ACKNOWLEDGE_ALERT: _DESK,
    P.ESCALATE_ALERT: _DESK,
    P.EDIT_ROSTER: _COMMAND,
    P.EDIT_CAMPAIGN: _COMMAND,
    # Leaders issue orders. The machine's own (a case far past its deadline, an order left
    # unanswered) are the periodic check's, which takes no actor (services/supervision.py).
    P.RAISE_SUPERVISION: _COMMAND,
    P.ANSWER_SUPERVISION: frozenset({R.DEPARTMENT}),
    P.CLOSE_SUPERVISION: _COMMAND,
    P.RULE_DISPUTE: _COMMAND,
    P.EDIT_SETTINGS: frozenset({R.ADMIN}),
    P.MANAGE_USERS: frozenset({R.ADMIN}),
    P.CHANGE_OWN_PASSWORD: _PEOPLE,
    P.EDIT_FRONTAGE: _COMMAND,
    P.RECORD_FRONTAGE: _DESK,
    P.REOPEN: _COMMAND,
    P.CALL_BACK: _DESK,
    # The hotline and dispatch desk call citizens back; departments, viewers, the wall and
    # the field do not need the number (domain/privacy.py masks it for them).
    P.SEE_CALLER_PHONE: _DESK,
}
assert set(TABLE) == set(Permission), "every permission needs its row"


def roles_with(permission: Permission | str) -> frozenset[Role]:
    """The roles that hold `permission`."""
    return TABLE[Permission(permission)]


def may(role: Role | str, permission: Permission | str) -> bool:
    """Whether `role` holds `permission`."""
    return Role(role) in TABLE[Permission(permission)]
