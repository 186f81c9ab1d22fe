"""告警阈值: the administrator's page for the alert thresholds — every `alert_*` shared setting
(and the near-deadline share) with what it means, its unit and its allowed range. Saved through
console/services/settings.py as the signed-in administrator, one transaction for the page; the
feed's SETTINGS row makes every seat's alert engine re-read them (services/alerts.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDialog,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import describe_error
from console.domain.changes import ChangeKind
from console.live.tasks import TaskRunner
from console.services.actor import Actor
from console.services.cases import now
from console.services.settings import (
    SETTING_BOUNDS,
    SHARED_SETTINGS,
    get_setting,
    set_setting,
)

CONTEXT = "Thresholds"


@dataclass(frozen=True)
class Threshold:
    key: str
    label: str          # source strings, translated when shown
    unit: str
    text: str


# the page's groups and their thresholds, in the order a duty leader thinks of them.
GROUPS: tuple[tuple[str, tuple[Threshold, ...]], ...] = (
    (QT_TRANSLATE_NOOP("Thresholds", "Cases"), (
        Threshold(
            "deadline_warning_share",
            QT_TRANSLATE_NOOP("Thresholds", "Near deadline at"),
            QT_TRANSLATE_NOOP("Thresholds", "of the limit"),
            QT_TRANSLATE_NOOP("Thresholds", "Share of a case's time limit used after which it "
                                            "is near its deadline (0.8: at 80%)."),
        ),
        Threshold(
            "alert_hotspot_cases",
            QT_TRANSLATE_NOOP("Thresholds", "Hotspot"),
            QT_TRANSLATE_NOOP("Thresholds", "cases"),
            QT_TRANSLATE_NOOP("Thresholds", "Cases of one minor category in one cell that make "
                                            "a hotspot."),
        ),
        Threshold(
            "alert_hotspot_hours",
            QT_TRANSLATE_NOOP("Thresholds", "Hotspot window"),
            QT_TRANSLATE_NOOP("Thresholds", "hours"),
            QT_TRANSLATE_NOOP("Thresholds", "Hours within which those cases must be reported."),
        ),
        Threshold(
            "alert_recurrence_days",
            QT_TRANSLATE_NOOP("Thresholds", "Recurrence (回潮)"),
            QT_TRANSLATE_NOOP("Thresholds", "days"),
            QT_TRANSLATE_NOOP("Thresholds", "Days after a closure in which the same problem in "
                                            "the same cell counts as recurring."),
        ),
        Threshold(
            "alert_backlog_open",
            QT_TRANSLATE_NOOP("Thresholds", "Department backlog"),
            QT_TRANSLATE_NOOP("Thresholds", "open cases"),
            QT_TRANSLATE_NOOP("Thresholds", "More open dispatched cases than this: the "
                                            "department has a backlog."),
        ),
        Threshold(
            "alert_backlog_overdue",
            QT_TRANSLATE_NOOP("Thresholds", "…or overdue"),
            QT_TRANSLATE_NOOP("Thresholds", "cases"),
            QT_TRANSLATE_NOOP("Thresholds", "…or more overdue cases than this."),
        ),
    )),
    (QT_TRANSLATE_NOOP("Thresholds", "Patrols"), (
        Threshold(
            "alert_off_post_min",
            QT_TRANSLATE_NOOP("Thresholds", "Off post (脱岗)"),
            QT_TRANSLATE_NOOP("Thresholds", "minutes"),
            QT_TRANSLATE_NOOP("Thresholds", "Minutes outside its work grid during a shift "
                                            "before a patrol is off post."),
        ),
        Threshold(
            "alert_idle_radius_m",
            QT_TRANSLATE_NOOP("Thresholds", "Idle radius"),
            QT_TRANSLATE_NOOP("Thresholds", "metres"),
            QT_TRANSLATE_NOOP("Thresholds", "Radius within which a patrol counts as staying at "
                                            "one spot."),
        ),
        Threshold(
            "alert_idle_min",
            QT_TRANSLATE_NOOP("Thresholds", "Idle (窝岗)"),
            QT_TRANSLATE_NOOP("Thresholds", "minutes"),
            QT_TRANSLATE_NOOP("Thresholds", "Minutes within that radius during a shift before a "
                                            "patrol is idle."),
        ),
        Threshold(
            "alert_offline_min",
            QT_TRANSLATE_NOOP("Thresholds", "Offline"),
            QT_TRANSLATE_NOOP("Thresholds", "minutes"),
            QT_TRANSLATE_NOOP("Thresholds", "Minutes without a position during a shift before a "
                                            "patrol is offline."),
        ),
        Threshold(
            "alert_leave_early_min",
            QT_TRANSLATE_NOOP("Thresholds", "Left early (提前退岗)"),
            QT_TRANSLATE_NOOP("Thresholds", "minutes"),
            QT_TRANSLATE_NOOP("Thresholds", "Last seen this many minutes before its shift "
                                            "ended: the patrol left early."),
        ),
        Threshold(
            "alert_offline_digest_min",
            QT_TRANSLATE_NOOP("Thresholds", "Offline together"),
            QT_TRANSLATE_NOOP("Thresholds", "patrols"),
            QT_TRANSLATE_NOOP("Thresholds", "At least this many offline patrols, with the share "
                                            "below, make one digest alert instead of one each."),
        ),
        Threshold(
            "alert_offline_digest_share",
            QT_TRANSLATE_NOOP("Thresholds", "…and at least"),
            QT_TRANSLATE_NOOP("Thresholds", "of those on shift"),
            QT_TRANSLATE_NOOP("Thresholds", "…when they are at least this share of the officers "
                                            "on shift."),
        ),
        Threshold(
            "alert_offline_burst",
            QT_TRANSLATE_NOOP("Thresholds", "Falling silent at once"),
            QT_TRANSLATE_NOOP("Thresholds", "patrols"),
            QT_TRANSLATE_NOOP("Thresholds", "…or when this many fall silent within the minutes "
                                            "below."),
        ),
        Threshold(
            "alert_offline_burst_min",
            QT_TRANSLATE_NOOP("Thresholds", "…within"),
            QT_TRANSLATE_NOOP("Thresholds", "minutes"),
            QT_TRANSLATE_NOOP("Thresholds", "Minutes within which that many falling silent is "
                                            "one event."),
        ),
    )),
    (QT_TRANSLATE_NOOP("Thresholds", "Escalation"), (
        Threshold(
            "alert_escalate_min",
            QT_TRANSLATE_NOOP("Thresholds", "Escalate after"),
            QT_TRANSLATE_NOOP("Thresholds", "minutes"),
            QT_TRANSLATE_NOOP("Thresholds", "Minutes after which an unacknowledged warning "
                                            "alert is escalated."),
        ),
    )),
)
KEYS = tuple(t.key for _, group in GROUPS for t in group)


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def read_thresholds(session) -> dict[str, float]:
    """The stored value of every threshold on the page (its default where none is stored)."""
    return {key: get_setting(session, key) for key in KEYS}


class ThresholdsDialog(QDialog):
    """One field per threshold; Save writes those changed, all in one transaction."""

    loaded = Signal(object)     # the values on screen
    saved = Signal(list)        # the keys written
    refused = Signal(str)

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thresholdsDialog")
        self.setWindowTitle(self.tr("Alert thresholds"))
        self.resize(900, 700)
        self.tasks, self.actor = tasks, actor
        self.values: dict[str, float] = {}
        self.fields: dict[str, QSpinBox | QDoubleSpinBox] = {}
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("The alert engine of every seat uses these numbers; a change "
                               "reaches every seat within seconds. Each field accepts only its "
                               "range."), self)
        intro.setWordWrap(True)
        intro.setProperty("kind", "note")
        layout.addWidget(intro)
        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        for title, group in GROUPS:
            box = QGroupBox(_tr(title), body)
            grid = QGridLayout(box)
            grid.setColumnStretch(3, 1)
            # The same columns in every group, so the fields line up down the page.
            grid.setColumnMinimumWidth(0, 170)
            grid.setColumnMinimumWidth(2, 130)
            for row, t in enumerate(group):
                grid.addWidget(QLabel(_tr(t.label), box), row, 0)
                field = self._field(t, box)
                grid.addWidget(field, row, 1)
                grid.addWidget(QLabel(_tr(t.unit), box), row, 2)
                note = QLabel(_tr(t.text), box)
                note.setWordWrap(True)
                note.setProperty("kind", "note")
                grid.addWidget(note, row, 3)
            body_layout.addWidget(box)
        body_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        self.message = QLabel(self)
        self.message.setObjectName("thresholdsMessage")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        self.defaults_button = QPushButton(self.tr("&Defaults"), self)
        self.defaults_button.setObjectName("thresholdDefaults")
        self.defaults_button.clicked.connect(self.fill_defaults)
        self.save_button = QPushButton(self.tr("&Save"), self)
        self.save_button.setObjectName("saveThresholds")
        self.save_button.clicked.connect(self.save)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        buttons.addWidget(self.message, 1)
        for b in (self.defaults_button, self.save_button, close):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.reload()

    def _field(self, t: Threshold, parent: QWidget) -> QSpinBox | QDoubleSpinBox:
        low, high = SETTING_BOUNDS[t.key]
        default = SHARED_SETTINGS[t.key][0]
        if isinstance(default, int):
            field = QSpinBox(parent)
            field.setRange(int(low), int(high))
        else:
            field = QDoubleSpinBox(parent)
            field.setDecimals(2)
            field.setSingleStep(0.05)
            field.setRange(low, high)
        field.setObjectName(t.key)
        field.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        field.setToolTip(self.tr("From {low} to {high}; default {default}.").format(
            low=low, high=high, default=default))
        field.setMinimumWidth(96)
        self.fields[t.key] = field
        return field

    @Slot()
    def reload(self) -> None:
        self.tasks.run(read_thresholds, on_done=self._show, on_error=self._failed, owner=self,
                       key=(id(self), "values"))

    def _show(self, values: dict[str, float]) -> None:
        edited = {k for k, f in self.fields.items() if self.values and f.value() != self.values[k]}
        self.values = values
        for key, value in values.items():
            if key not in edited:       # what the administrator is typing stays
                self.fields[key].setValue(value)
        self.loaded.emit(values)

    def _failed(self, exc: BaseException) -> None:
        text = describe_error(exc)
        self.message.setText(text)
        self.save_button.setEnabled(True)
        self.refused.emit(text)

    @Slot(object)
    def on_feed(self, batch) -> None:
        """Another seat changed a threshold: show the stored values (keeping unsaved edits)."""
        if any(row.entity == ChangeKind.SETTINGS
               and (row.payload or {}).get("key") in (None, *KEYS) for row in batch.rows):
            self.reload()

    def fill_defaults(self) -> None:
        for key, field in self.fields.items():
            field.setValue(SHARED_SETTINGS[key][0])

    def changed(self) -> dict[str, float]:
        return {k: f.value() for k, f in self.fields.items()
                if k in self.values and f.value() != self.values[k]}

    def save(self) -> None:
        changes, actor, at = self.changed(), self.actor, now()
        if not changes:
            self.message.setText(self.tr("Nothing changed."))
            return

        def write(s) -> list[str]:
            for key, value in changes.items():
                set_setting(s, actor, key, value, at)
            return sorted(changes)

        def done(keys: list[str]) -> None:
            self.save_button.setEnabled(True)
            self.message.setText(self.tr("{n} thresholds saved; every seat's alerts use them "
                                         "now.").format(n=len(keys)))
            self.values = {**self.values, **changes}
            self.saved.emit(keys)
            self.reload()
        self.save_button.setEnabled(False)
        self.message.setText(self.tr("Saving…"))
        self.tasks.run(write, on_done=done, on_error=self._failed, owner=self)
