"""What the change feed can say: every kind of thing that changes and every action on it.

One list, in the spirit of Anki's `OpChanges`: producers (services, the simulator, the alert
engine) record only these members, and every consumer (queues, map, alerts, KPIs) names the
kinds it reacts to from here. A consumer of a kind that nothing produces is then a visible
mistake, and `tests/test_feed_kinds.py` checks it.
"""
from __future__ import annotations

from enum import StrEnum

from console.domain.joint import DisputeAction, PartAction
from console.domain.workflow import Action


class ChangeKind(StrEnum):
    """The entity a feed row is about (stored in `change_feed.entity`, 16 characters at most)."""

    CASE = "case"
    ALERT = "alert"
    SETTINGS = "settings"           # shared settings, thresholds and the work calendar
    OFFICER = "officer"             # the roster: a patrol officer added, changed, (de)activated
    DEVICE = "device"               # a phone assigned, replaced or switched off
    SHIFT = "shift"                 # an officer's shift schedule
    WORK_GRID = "work_grid"         # a work grid, its cells, or who patrols it
    CATEGORY = "category"           # the 部件/事件 catalogue and its time limits
    DEPARTMENT = "department"       # who handles what
    CITY = "city"                   # the regions and unit grid as a whole (a city loaded or imported)
    HISTORY = "history"             # a bulk load of past cases (the queues re-read)
    USER = "user"                   # an account added, changed, (de)activated or its password reset
    CAMPAIGN = "campaign"           # a campaign created, edited, closed, or the cases it tags
    SUPERVISION = "supervision"     # a supervision order (督办) raised, escalated, answered, closed
    FRONTAGE = "frontage"           # a street-front unit (门前三包), or a warning or offence of one
    CALLBACK = "callback"           # a call-back (回访) answered, its rework asked or decided


class ChangeAction(StrEnum):
    """What happened to it (stored in `change_feed.action`, 24 characters at most).

    Case rows carry their workflow action (console.domain.workflow.Action) instead; the feed
    accepts those too, see `is_action`."""

    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"
    LOADED = "loaded"
    # alerts
    RAISED = "raised"
    RESOLVED = "resolved"
    UPDATED = "updated"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    # supervision orders
    ANSWERED = "answered"
    CLOSED = "closed"


#: Everything the roster consists of: who patrols, with which phone, when and where.
ROSTER_KINDS = frozenset({ChangeKind.OFFICER, ChangeKind.DEVICE, ChangeKind.SHIFT,
                          ChangeKind.WORK_GRID})
#: The catalogues every seat caches: categories, departments, the grid, shared settings.
REFERENCE_KINDS = frozenset({ChangeKind.CATEGORY, ChangeKind.DEPARTMENT, ChangeKind.CITY,
                             ChangeKind.SETTINGS})


def is_action(kind: ChangeKind, action: str) -> bool:
    """Whether `action` is a valid action for a row of `kind`."""
    if kind is ChangeKind.CASE:
        return action in _CASE_ACTIONS
    return action in _ACTIONS


# A joint case's part actions are case changes too (the queues of every department re-read).
_CASE_ACTIONS = frozenset(a.value for enum in (Action, PartAction, DisputeAction) for a in enum)
_ACTIONS = frozenset(a.value for a in ChangeAction)
