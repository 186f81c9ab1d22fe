"""The workflow actions as the queue offers them: shortcut, what the dialog asks, who may act."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from console.domain.roles import Role
from console.domain.workflow import Action, Status, allowed_actions
from console.services.actor import Actor
from console.services.cases import PART_ACTIONS


@dataclass(frozen=True)
class ActionSpec:
    """How one action is offered.

    `fields`: what its dialog asks — category, department, deadline, extension_deadline,
    patrol, reason, note (required when `note_required`). `bulk`: offered for a selection.
    """

    action: str
    shortcut: str
    fields: tuple[str, ...]
    bulk: bool = False
    note_required: bool = False
    presets: tuple[str, ...] = ()


# Letters a dispatcher can hit without looking: R(egister), D(ispatch), K (核查 check),
# C(lose), W (rework), N(ote), V (核实 verify) with Y / Shift+Y for its answer; Shift turns an action into its "no" (reject, return, deny).
SPECS: dict[str, ActionSpec] = {s.action: s for s in (
    ActionSpec("request_verify", "V", ("patrol", "note")),
    ActionSpec("confirm", "Y", ("note",)),
    ActionSpec("refute", "Shift+Y", ("reason",), presets=(
        QT_TRANSLATE_NOOP("Reasons", "Not confirmed on site"),
        QT_TRANSLATE_NOOP("Reasons", "Already gone when the officer arrived"))),
    ActionSpec("register", "R", ("category", "note")),
    ActionSpec("reject", "Shift+R", ("reason",), presets=(
        QT_TRANSLATE_NOOP("Reasons", "Not confirmed on site"),
        QT_TRANSLATE_NOOP("Reasons", "Duplicate report"),
        QT_TRANSLATE_NOOP("Reasons", "Not city management's responsibility"))),
    ActionSpec("dispatch", "D", ("department", "deadline", "note"), bulk=True),
    ActionSpec("return", "Shift+D", ("reason",), presets=(
        QT_TRANSLATE_NOOP("Reasons", "Not our department's responsibility"),)),
    ActionSpec("request_extension", "E", ("extension_deadline", "reason")),
    ActionSpec("approve_extension", "A", ("note",)),
    ActionSpec("deny_extension", "Shift+A", ("reason",)),
    ActionSpec("mark_handled", "H", ("note",)),
    ActionSpec("request_check", "K", ("patrol", "note")),
    ActionSpec("close", "C", ("note",), bulk=True),
    ActionSpec("rework", "W", ("reason", "deadline"), presets=(
        QT_TRANSLATE_NOOP("Reasons", "Not fully handled"),
        QT_TRANSLATE_NOOP("Reasons", "The problem has come back"))),
    ActionSpec("park", "P", ("reason",), presets=(
        QT_TRANSLATE_NOOP("Reasons", "Needs a coordinated solution"),)),
    ActionSpec("resume", "Shift+P", ("note",)),
    ActionSpec("cancel", "Shift+X", ("reason",), presets=(
        QT_TRANSLATE_NOOP("Reasons", "Withdrawn by the reporter"),
        QT_TRANSLATE_NOOP("Reasons", "Entered by mistake"))),
    ActionSpec("add_note", "N", ("note",), note_required=True),
)}
ORDER = tuple(a.value for a in Action if a.value in SPECS)


def preset_reasons(spec: ActionSpec) -> list[str]:
    return [QCoreApplication.translate("Reasons", p) for p in spec.presets]


def available(actor: Actor | None, status: str, *, extension_pending: bool,
              department_id: int | None, needs_verification: bool = False,
              joint: bool = False) -> list[str]:
    """The actions `actor` may take on a case in `status`, in workflow order.

    A department acts only on cases dispatched to it (the service refuses the others too;
    not offering them saves the click). On a `joint` case (its current dispatch has parts) the
    departments' actions — handled, return, extension, rework — are taken part by part (the
    detail pane's parts section); on the case the service refuses them (joint_case_parts)."""
    if actor is None:
        return []
    if actor.role is Role.DEPARTMENT and department_id is not None \
            and department_id != actor.department_id:
        return []
    allowed = allowed_actions(Status(status), actor.role, extension_pending=extension_pending)
    if needs_verification and status == Status.REPORTED:
        # Its source is verified on site first: 立案 would only be refused (核实 before 立案).
        allowed = [a for a in allowed if a is not Action.REGISTER]
    if joint:
        allowed = [a for a in allowed if a not in PART_ACTIONS]
    return [a.value for a in allowed if a.value in SPECS]


def available_for_any(actor: Actor | None, rows: list[tuple[str, bool, int | None]]) -> list[str]:
    """The bulk actions possible on at least one of several cases (status, pending, department).

    The others are refused one by one with their reason when the action runs: a selection
    swept up with the mouse rarely holds only cases in the right state."""
    possible: set[str] = set()
    for status, pending, department in rows:
        possible |= {a for a in available(actor, status, extension_pending=pending,
                                          department_id=department) if SPECS[a].bulk}
    return [a for a in ORDER if a in possible]
