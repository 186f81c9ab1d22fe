"""The dialog of one workflow action: only the fields the action needs, Enter to confirm.

It never closes on a refusal: the message appears on top and whatever was typed stays, so a
dispatcher whose case another seat changed first loses nothing.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDateTime,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.services.case_desk import DeadlineProposal, PatrolSuggestion
from console.services.queues import References
from console.common.messages import action_name
from console.ui.queues.actions import SPECS, preset_reasons
from console.ui.queues.category_picker import CategoryPicker
from console.ui.queues.joint_parts import JointDispatchBox
from console.ui.queues.texts import full_time

UNIT_NAMES = {"work_hours": QT_TRANSLATE_NOOP("TimeUnits", "work hours"),
              "work_days": QT_TRANSLATE_NOOP("TimeUnits", "work days"),
              "hours": QT_TRANSLATE_NOOP("TimeUnits", "hours")}


def unit_name(unit: str) -> str:
    return QCoreApplication.translate("TimeUnits", UNIT_NAMES[unit]) if unit in UNIT_NAMES else unit


def to_qdatetime(value: datetime) -> QDateTime:
    return QDateTime(value.year, value.month, value.day, value.hour, value.minute, 0)


def from_qdatetime(value: QDateTime) -> datetime:
    return value.toPython().replace(second=0, microsecond=0)


class ActionDialog(QDialog):
    """Asks what `action` needs; `submitted(params)` when the user confirms."""

    submitted = Signal(dict)

    def __init__(self, action: str, *, title: str, summary: str, refs: References,
                 category_code: str = "", department_id: int | None = None,
                 current_deadline: datetime | None = None, bulk: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"actionDialog_{action}")
        self.action, self.spec, self.bulk = action, SPECS[action], bulk
        self._deadline_touched = self._department_touched = False
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        heading = QLabel(summary, self)
        heading.setProperty("kind", "dialogSummary")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.banner = QLabel(self)
        self.banner.setObjectName("actionError")
        self.banner.setProperty("kind", "errorBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)
        fields = self.spec.fields

        self.category = None
        if "category" in fields:
            self.category = CategoryPicker(self)
            self.category.setObjectName("actionCategory")
            self.category.set_categories(refs.categories)
            self.category.set_code(category_code)
            form.addRow(self.tr("Category"), self.category)

        self.department = None
        if "department" in fields:
            self.department = QComboBox(self)
            self.department.setObjectName("actionDepartment")
            if bulk:
                self.department.addItem(self.tr("Each case's department by category"), None)
            for d in refs.departments:
                self.department.addItem(d.name, d.id)
            if department_id is not None:
                self.department.setCurrentIndex(max(0, self.department.findData(department_id)))
            self.department.activated.connect(self._department_chosen)
            form.addRow(self.tr("Department"), self.department)
        self.joint = None
        if action == "dispatch" and not bulk:
            self.joint = JointDispatchBox(refs.departments, self)
            form.addRow(self.tr("Assisting"), self.joint)
            if self.department is not None:
                self.department.currentIndexChanged.connect(
                    lambda _i: self.joint.set_lead(self.department.currentData()))
                self.joint.set_lead(self.department.currentData())

        self.deadline = self.deadline_hint = None
        if "deadline" in fields or "extension_deadline" in fields:
            self.deadline = QDateTimeEdit(self)
            self.deadline.setObjectName("actionDeadline")
            self.deadline.setDisplayFormat("yyyy-MM-dd HH:mm")
            self.deadline.setCalendarPopup(True)
            self.deadline.setEnabled(False)   # until the proposal arrives (or for bulk: per case)
            self.deadline.dateTimeChanged.connect(self._deadline_edited)
            self.deadline_hint = QLabel(self.tr("Computing the deadline…"), self)
            self.deadline_hint.setProperty("kind", "note")
            self.deadline_hint.setWordWrap(True)
            label = self.tr("Extend to") if "extension_deadline" in fields else \
                self.tr("Deadline")
            form.addRow(label, self.deadline)
            form.addRow("", self.deadline_hint)
            if current_deadline is not None and "extension_deadline" in fields:
                form.addRow(self.tr("Current deadline"), QLabel(full_time(current_deadline), self))

        self.patrols = None
        if "patrol" in fields:
            self.patrols = QTreeWidget(self)
            self.patrols.setObjectName("actionPatrols")
            self.patrols.setHeaderLabels([self.tr("Patrol officer"), self.tr("Distance"),
                                          self.tr("State")])
            self.patrols.setRootIsDecorated(False)
            self.patrols.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            self.patrols.setMinimumHeight(170)
            self.patrols.setColumnWidth(0, 190)
            self.patrols.itemActivated.connect(lambda *_: self.confirm())
            form.addRow(self.tr("Verify by") if action == "request_verify" else self.tr("Check by"),
                        self.patrols)

        self.reason = self._line("actionReason", form, self.tr("Reason"), fields, "reason",
                                 self.tr("Why (required)"))
        note_hint = (self.tr("Note (required)") if self.spec.note_required
                     else self.tr("Note (optional)"))
        self.note = self._line("actionNote", form, self.tr("Note"), fields, "note", note_hint)
        if self.reason is not None and self.spec.presets:
            words = QStringListModel(preset_reasons(self.spec), self)
            completer = QCompleter(words, self)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            self.reason.setCompleter(completer)

        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton(action_name(action),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("actionConfirm")
        self.ok.setDefault(True)
        self.ok.setToolTip(self.tr("Enter or Ctrl+Enter"))
        # Offered when the database was held by another program: the same values, once more.
        self.retry = self.buttons.addButton(self.tr("Try again"),
                                            QDialogButtonBox.ButtonRole.ActionRole)
        self.retry.setObjectName("actionRetry")
        self.retry.hide()
        self.retry.clicked.connect(self.confirm)
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self._busy = False
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.confirm)
        first = next((w for w in (self.category, self.reason, self.patrols, self.department,
                                  self.note) if w is not None), self.ok)
        first.setFocus()

    def _line(self, name: str, form: QFormLayout, label: str, fields: tuple[str, ...], key: str,
              placeholder: str) -> QLineEdit | None:
        if key not in fields:
            return None
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(500)
        form.addRow(label, edit)
        return edit

    # --- what arrives later -------------------------------------------------------------------

    def set_proposal(self, proposal: DeadlineProposal) -> None:
        """The category's department and deadline, once read (the user may change both)."""
        if self.department is not None and not self._department_touched \
                and proposal.department_id is not None:
            # The category's own department first; the user may still choose another.
            found = self.department.findData(proposal.department_id)
            if found >= 0:
                self.department.setCurrentIndex(found)
        if self.deadline is None:
            return
        unit = unit_name(proposal.time_unit)
        self.deadline_hint.setText(self.tr(
            "By the category's time limit ({limit} {unit}, counted in the work calendar): "
            "{deadline}").format(limit=f"{proposal.time_limit:g}", unit=unit,
                                 deadline=full_time(proposal.deadline)))
        self.deadline.setEnabled(True)
        self.adjustSize()   # the hint grew: make room instead of clipping it
        if not self._deadline_touched:
            self.deadline.blockSignals(True)
            self.deadline.setDateTime(to_qdatetime(proposal.deadline))
            self.deadline.blockSignals(False)

    def set_bulk_deadline_note(self) -> None:
        if self.deadline_hint is not None:
            self.deadline_hint.setText(self.tr(
                "Each case gets its own category's time limit, counted in the work calendar."))

    def set_patrols(self, patrols: list[PatrolSuggestion]) -> None:
        if self.patrols is None:
            return
        self.patrols.clear()
        for p in patrols:
            distance = (self.tr("{metres} m").format(metres=f"{p.distance_m:.0f}")
                        if p.distance_m is not None else self.tr("no position"))
            state = self.tr("on duty") if p.on_duty else self.tr("off duty or silent")
            if p.responsible:
                state = self.tr("{state}, this grid").format(state=state)
            item = QTreeWidgetItem([f"{p.name}（{p.code}）", distance, state])
            item.setData(0, Qt.ItemDataRole.UserRole, p.id)
            if not p.on_duty:
                item.setForeground(0, self.palette().placeholderText())
            self.patrols.addTopLevelItem(item)
        if self.patrols.topLevelItemCount():
            self.patrols.setCurrentItem(self.patrols.topLevelItem(0))
        for column in (1, 2):
            self.patrols.resizeColumnToContents(column)

    def _deadline_edited(self, *_args) -> None:
        self._deadline_touched = True

    def _department_chosen(self, *_args) -> None:
        self._department_touched = True

    # --- the outcome ----------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The parameters for the service (only what this action asks for)."""
        out: dict[str, Any] = {}
        if self.category is not None:
            out["category_code"] = self.category.code()
        if self.department is not None:
            out["department_id"] = self.department.currentData()
        if self.joint is not None:
            out["assisting"] = self.joint.chosen()
        if self.deadline is not None and self.deadline.isEnabled():
            out["deadline"] = from_qdatetime(self.deadline.dateTime())
        if self.patrols is not None:
            item = self.patrols.currentItem()
            out["patrol_id"] = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        if self.reason is not None:
            out["reason"] = self.reason.text().strip()
        if self.note is not None:
            out["note"] = self.note.text().strip()
        return out

    def draft(self) -> dict[str, str]:
        """What the user typed, to keep when the dialog closes unsaved."""
        return {k: w.text() for k, w in (("reason", self.reason), ("note", self.note)) if w}

    def restore_draft(self, draft: dict[str, str]) -> None:
        for key, widget in (("reason", self.reason), ("note", self.note)):
            if widget is not None and draft.get(key):
                widget.setText(draft[key])

    def confirm(self) -> None:
        if self.ok.isEnabled():
            self.submitted.emit(self.values())

    def show_error(self, text: str, *, retry: bool = False) -> None:
        """A message on top; with `retry`, a button that submits the same values again."""
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        self.retry.setVisible(retry)
        self.adjustSize()

    @property
    def busy(self) -> bool:
        return self._busy

    def set_busy(self, busy: bool) -> None:
        """While the action runs: no second submission, and the user sees why. The dialog
        cannot be closed meanwhile: the work commits anyway, and its outcome (what was done,
        what was refused) must reach the user."""
        self._busy = busy
        self.ok.setEnabled(not busy)
        self.ok.setText(self.tr("Saving…") if busy else action_name(self.action))
        self.retry.setEnabled(not busy)
        self.cancel.setEnabled(not busy)

    def reject(self) -> None:
        if self._busy:
            return   # Esc / Cancel while saving: wait for the answer
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:   # noqa: N802 — Qt's name
        if self._busy:
            event.ignore()
            return
        super().closeEvent(event)

    def block(self, text: str) -> None:
        """The action is no longer possible (the case moved on): say so and keep the text."""
        # Under the refusal that led here, which the user has not necessarily read yet.
        earlier = self.banner.text()
        self.show_error(f"{earlier}\n{text}" if earlier and text not in earlier else text)
        self.ok.setEnabled(False)
