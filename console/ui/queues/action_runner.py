"""Running workflow actions from the queue: dialogs, the service call off the GUI thread, the
answer — and the user's typing kept whenever an action does not go through."""
from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from console.domain.errors import DomainError, StaleVersion
from console.live.tasks import TaskRunner
from console.services import case_desk, disputes
from console.services.actor import Actor
from console.services.case_desk import BulkResult, CaseDetail
from console.services.queues import QueueRow, References
from console.common.messages import action_name, describe_error, is_busy, status_name
from console.ui.queues.action_dialog import ActionDialog
from console.ui.queues.actions import available


class ActionRunner(QObject):
    """Opens the dialog of an action, runs it, and reports; one dialog at a time."""

    acted = Signal(str, list)      # a message for the status line, the case ids changed
    stale = Signal(int)            # another seat changed this case first: read it again

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.actor: Actor | None = None
        self.refs: References | None = None
        self.dialog: ActionDialog | None = None
        self._target: dict[str, Any] = {}
        # (case id, action) → what the user typed in a dialog that closed without saving.
        self._drafts: dict[tuple[int, str], dict[str, str]] = {}

    # --- one case -----------------------------------------------------------------------------

    def open(self, action: str, detail: CaseDetail, parent: QWidget) -> ActionDialog | None:
        """The dialog of `action` on the case shown in the detail pane."""
        if self.refs is None or self.actor is None or self._saving():
            return None
        self._close_dialog()
        summary = self.tr("{number} · {category} · {status}\n{address}").format(
            number=detail.number, category=detail.category_name,
            status=status_name(detail.status), address=detail.address or detail.cell_code)
        dialog = ActionDialog(action, title=self.tr("{action} · case {number}").format(
            action=action_name(action), number=detail.number), summary=summary, refs=self.refs,
            category_code=detail.category_code, department_id=detail.department_id,
            current_deadline=detail.deadline, parent=parent)
        dialog.restore_draft(self._drafts.get((detail.id, action), {}))
        self._target = {"id": detail.id, "number": detail.number, "version": detail.version,
                        "action": action}
        self._show(dialog)
        fields = dialog.spec.fields
        case_id = detail.id
        if "deadline" in fields or "extension_deadline" in fields:
            extension = "extension_deadline" in fields
            self._tasks.run(lambda s: case_desk.deadline_proposal(s, case_id,
                                                                  from_deadline=extension),
                            on_done=lambda p, d=dialog: self._if_open(d, d.set_proposal, p),
                            on_error=lambda e, d=dialog: self._if_open(d, d.show_error,
                                                                       describe_error(e)),
                            owner=dialog)
        if dialog.joint is not None:   # earlier rulings on disputes of this kind nearby
            viewer = self.actor
            self._tasks.run(lambda s: disputes.precedents_for_case(s, case_id, viewer),
                            on_done=lambda p, d=dialog: self._if_open(d, d.joint.set_precedents, p),
                            owner=dialog)
        if "patrol" in fields:
            self._tasks.run(lambda s: case_desk.nearest_patrols(s, case_id),
                            on_done=lambda p, d=dialog: self._if_open(d, d.set_patrols, p),
                            owner=dialog)
        return dialog

    def case_updated(self, detail: CaseDetail) -> None:
        """A fresh read of a case: an open dialog on it acts on the new version from now on."""
        if self.dialog is None or self._target.get("id") != detail.id:
            return
        self._target["version"] = detail.version
        action = self._target["action"]
        if action not in available(self.actor, detail.status,
                                   extension_pending=detail.extension_pending,
                                   department_id=detail.department_id):
            self.dialog.block(describe_error(DomainError(
                "action_not_allowed_in_state", action=action, status=detail.status)))

    # --- several cases ------------------------------------------------------------------------

    def open_bulk(self, action: str, rows: list[QueueRow], parent: QWidget) -> ActionDialog | None:
        """The dialog of a bulk action (dispatch, close) on the selected rows."""
        if self.refs is None or self.actor is None or not rows or self._saving():
            return None
        self._close_dialog()
        numbers = "、".join(r.number for r in rows[:5]) + ("…" if len(rows) > 5 else "")
        dialog = ActionDialog(action, title=self.tr("{action} · {n} cases").format(
            action=action_name(action), n=len(rows)), summary=numbers, refs=self.refs,
            bulk=True, parent=parent)
        dialog.set_bulk_deadline_note()
        self._target = {"bulk": [(r.id, r.number, r.version) for r in rows], "action": action}
        self._show(dialog)
        return dialog

    # --- running --------------------------------------------------------------------------------

    def _show(self, dialog: ActionDialog) -> None:
        self.dialog = dialog
        dialog.submitted.connect(self._submit)
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        dialog.open()

    def _submit(self, params: dict[str, Any]) -> None:
        dialog, target = self.dialog, dict(self._target)
        if dialog is None:
            return
        refusal = self._check_locally(target["action"], params)
        if refusal is not None:
            dialog.show_error(describe_error(refusal))
            return
        dialog.set_busy(True)
        actor = self.actor
        # The runner, not the dialog, owns the work: what was committed is always reported.
        if "bulk" in target:
            transaction = self._tasks.db.transaction
            self._tasks.call(lambda: case_desk.bulk_perform(transaction, actor, target["bulk"],
                                                            target["action"], params),
                             on_done=lambda r: self._bulk_done(dialog, target, r),
                             on_error=lambda e: self._failed(dialog, target, e), owner=self)
            return
        self._tasks.run(lambda s: case_desk.perform(s, actor, target["id"], target["version"],
                                                    target["action"], params),
                        on_done=lambda change: self._done(dialog, target, change),
                        on_error=lambda e: self._failed(dialog, target, e), owner=self)

    def _check_locally(self, action: str, params: dict[str, Any]) -> DomainError | None:
        """The refusals that need no database, in the words the service would use."""
        if "reason" in params and not params["reason"]:
            return DomainError("reason_required", action=action)
        if self.dialog is not None and self.dialog.spec.note_required and not params.get("note"):
            return DomainError("note_required")
        if "patrol_id" in params and params["patrol_id"] is None:
            return DomainError("patrol_required")
        if "category_code" in params and params["category_code"] is None:
            return DomainError("category_required")
        return None

    def _done(self, dialog: ActionDialog, target: dict[str, Any], change) -> None:
        self._drafts.pop((target["id"], target["action"]), None)
        self._finish(dialog)
        self.acted.emit(self.tr("Case {number}: {action} done.").format(
            number=change.number, action=action_name(target["action"])), [change.case_id])

    def _bulk_done(self, dialog: ActionDialog, target: dict[str, Any], result: BulkResult) -> None:
        changed = [c.case_id for c in result.done]
        if not result.refused:
            self._finish(dialog)
            self.acted.emit(self.tr("{action}: {n} cases done.").format(
                action=action_name(target["action"]), n=len(changed)), changed)
            return
        refused = "\n".join(f"{number}: {describe_error(exc)}" for number, exc in result.refused)
        report = self.tr("{done} of {total} cases done. Not done:\n{refused}").format(
            done=len(changed), total=len(target["bulk"]), refused=refused)
        if self.dialog is not dialog or not shiboken6.isValid(dialog):
            # The dialog is gone: the report goes to the status line instead.
            self.acted.emit(report, changed)
            return
        # Keep the dialog open on the refused ones: the user can read why and try again.
        dialog.set_busy(False)
        dialog.show_error(report)
        left = {number for number, _ in result.refused}
        kept = [item for item in target["bulk"] if item[1] in left]
        self._target["bulk"] = kept
        self.acted.emit("", changed)
        stale = [case_id for case_id, number, _ in kept
                 if isinstance(dict(result.refused)[number], StaleVersion)]
        for case_id in stale:
            self.stale.emit(case_id)
        if stale:
            self._refresh_versions(dialog, stale)

    def _refresh_versions(self, dialog: ActionDialog, case_ids: list[int]) -> None:
        """Another seat changed some cases first: read their versions again, so that OK (the
        user's second look) acts on what they are now instead of being refused forever."""
        dialog.ok.setEnabled(False)

        def fresh(versions: dict[int, int]) -> None:
            if self.dialog is not dialog or "bulk" not in self._target:
                return
            self._target["bulk"] = [(i, n, versions.get(i, v)) for i, n, v in self._target["bulk"]]
            if not dialog.busy:
                dialog.ok.setEnabled(True)

        def failed(exc: BaseException) -> None:
            if self.dialog is dialog:
                dialog.ok.setEnabled(True)
                dialog.show_error(f"{dialog.banner.text()}\n{describe_error(exc)}")
        self._tasks.run(lambda s: case_desk.case_versions(s, case_ids), on_done=fresh,
                        on_error=failed, owner=self)

    def _failed(self, dialog: ActionDialog, target: dict[str, Any], exc: BaseException) -> None:
        if self.dialog is not dialog or not shiboken6.isValid(dialog):
            return
        dialog.set_busy(False)
        dialog.show_error(describe_error(exc), retry=is_busy(exc))
        if isinstance(exc, StaleVersion) and "id" in target:
            self.stale.emit(target["id"])

    def _finish(self, dialog: ActionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
            self._target = {}
        if not shiboken6.isValid(dialog):
            return
        dialog.set_busy(False)   # else the dialog refuses to close
        dialog.submitted.disconnect(self._submit)
        dialog.accept()
        dialog.deleteLater()

    def _closed(self, dialog: ActionDialog) -> None:
        """Closed without saving: keep what was typed for the next time."""
        if self.dialog is not dialog:
            return
        target = self._target
        if "id" in target and any(dialog.draft().values()):
            self._drafts[(target["id"], target["action"])] = dialog.draft()
        self.dialog, self._target = None, {}
        dialog.deleteLater()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()

    def _saving(self) -> bool:
        """An action is being saved: its dialog stays until the answer is in."""
        return self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.busy

    def _if_open(self, dialog: ActionDialog, fn, value) -> None:
        if self.dialog is dialog:
            fn(value)

    def draft(self, case_id: int, action: str) -> dict[str, str]:
        return dict(self._drafts.get((case_id, action), {}))
