"""告警: the alert panel dock — open alerts as cards, filter by kind, acknowledge, open, escalate.

Alerts are read off the GUI thread (TaskRunner) and followed through the change feed: every
alert row in a feed batch re-reads just those alerts, whichever seat changed them. An
unacknowledged critical alert cannot be missed: the banner flashes, the sound plays (and again
every minute until someone acknowledges), and the window asks for attention.
"""
from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.domain.alert_rules import MAX_LEVEL
from console.domain.changes import ChangeKind
from console.live.tasks import TaskRunner
from console.services import alert_actions, alert_digests
from console.domain.permissions import Permission, may
from console.services.actor import Actor
from console.services.alert_actions import AlertView
from console.ui.alerts import ack_dialog
from console.ui.alerts.alert_delegate import AlertDelegate
from console.ui.alerts.alert_header import AlertHeader
from console.ui.alerts.alert_model import AlertListModel, AlertRole, KindFilter
from console.ui.alerts.digest_members import DigestMembers
from console.ui.alerts.texts import DIGEST_KINDS, stands_for
from console.ui.alerts.sound import AlertSound
from console.ui.alerts.style import panel_style
from console.common.messages import describe_error
from console.common.seat_settings import SeatSettings
from console.common.selection import Selection
from console.common.theme import current_theme, set_state

REPEAT_SOUND_MS = 60_000     # while a critical alert waits, the sound comes back every minute
CLOCK_MS = 15_000            # durations on the cards ("overdue by 12 min") move on
FULL_RELOAD_MS = 120_000     # a full re-read now and then, in case a feed row was missed
ERROR_SHOWN_S = 15.0

# The feed kinds the panel reacts to (tests/test_feed_kinds.py checks each has a producer).
FEED_KINDS = frozenset({ChangeKind.ALERT})


class AlertsDock(QDockWidget):
    """The alert panel; needs the task runner and the shared selection."""

    alerts_loaded = Signal()          # after alerts read from the database are shown
    critical_arrived = Signal(list)   # ids of unacknowledged critical alerts new to this panel

    def __init__(self, tasks: TaskRunner, selection: Selection, *,
                 settings: SeatSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Alerts"), parent)
        self.setObjectName("alertsDock")
        self.tasks, self.selection, self.settings = tasks, selection, settings
        muted = bool(settings.get("alerts/sound_muted")) if settings is not None else False
        self.actor: Actor | None = None
        self.worker = None
        body = QWidget(self)
        body.setObjectName("alertPanel")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 6)
        layout.setSpacing(6)
        self.header = AlertHeader(body)
        layout.addWidget(self.header)

        self.model = AlertListModel(self)
        self.proxy = KindFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QListView(body)
        self.view.setObjectName("alertList")
        self.view.setModel(self.proxy)
        self.delegate = AlertDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.doubleClicked.connect(lambda _: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        layout.addWidget(self.view, 3)
        # A selected digest's members, under the list (alert_digests.members, off the GUI
        # thread); a click selects the case or centres the officer.
        self.members = DigestMembers(selection, body)
        layout.addWidget(self.members, 2)

        buttons = QHBoxLayout()
        self.ack_button = QPushButton(self.tr("&Acknowledge…"), body)
        self.ack_button.setObjectName("ackButton")
        self.ack_button.clicked.connect(lambda: self.acknowledge_selected())
        self.open_button = QPushButton(self.tr("&Open"), body)
        self.open_button.setObjectName("openButton")
        self.open_button.clicked.connect(self.open_selected)
        self.escalate_button = QPushButton(self.tr("&Escalate"), body)
        self.escalate_button.setObjectName("escalateButton")
        self.escalate_button.clicked.connect(self.escalate_selected)
        for b in (self.ack_button, self.open_button, self.escalate_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.footer = QLabel(self.tr("Reading alerts…"), body)
        self.footer.setObjectName("alertFooter")
        self.footer.setWordWrap(True)
        layout.addWidget(self.footer)
        self.setWidget(body)
        for key in (QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)):
            QShortcut(key, self.view, self.open_selected,
                      context=Qt.ShortcutContext.WidgetShortcut)

        self.sound = AlertSound(self, muted=muted)
        self.header.mute.setChecked(muted)
        self.header.mute_toggled.connect(self._set_muted)
        self.header.kind_changed.connect(self._filter)
        self._known_critical: set[int] = set()
        self._error_until = 0.0
        self._loading = False
        self._wanted: set[int] = set()
        self._full_wanted = False
        self._repeat = QTimer(self, interval=REPEAT_SOUND_MS)
        self._repeat.timeout.connect(self.sound.play)
        self._clock = QTimer(self, interval=CLOCK_MS)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._full = QTimer(self, interval=FULL_RELOAD_MS)
        self._full.timeout.connect(self.reload)
        self._full.start()
        self.apply_theme(current_theme())
        self._update_buttons()
        self.reload()

    # --- wiring --------------------------------------------------------------------------

    def set_actor(self, actor: Actor | None) -> None:
        """Who acknowledges and escalates from this seat (the signed-in user); a role that may
        not do either does not see the buttons (the services refuse it anyway)."""
        self.actor = actor
        role = actor.role if actor is not None else None
        # A department's seat shows its own department's digests and cases.
        if self.model.set_audience(role, actor.department_id if actor is not None else None):
            self.reload()
        self.ack_button.setVisible(role is not None and may(role, Permission.ACKNOWLEDGE_ALERT))
        self.escalate_button.setVisible(role is not None and may(role, Permission.ESCALATE_ALERT))

    def attach_worker(self, worker) -> None:
        """Show the alert worker's state in the footer (it evaluates; the feed brings alerts)."""
        self.worker = worker
        worker.evaluated.connect(self._on_evaluated)
        worker.evaluator.connect(self._on_evaluator)
        worker.error.connect(self._on_worker_error)

    @Slot(object)
    def on_feed(self, batch) -> None:
        """Re-read the alerts a feed batch names."""
        ids = {r.entity_id for r in batch.rows if r.entity in FEED_KINDS and r.entity_id is not None}
        if ids:
            self._wanted |= ids
            self._load()

    @Slot(str)
    def apply_theme(self, theme: str) -> None:
        self.widget().setStyleSheet(panel_style(theme))
        self.view.viewport().update()

    # --- reading -------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        """Read every open alert again."""
        self._full_wanted = True
        self._load()

    def _load(self) -> None:
        if self._loading:
            return
        if self._full_wanted:
            self._full_wanted, self._wanted = False, set()
            self._loading = True
            self.tasks.run(alert_actions.open_alerts, on_done=self._show_all,
                           on_error=self._load_failed, owner=self)
        elif self._wanted:
            ids, self._wanted = self._wanted, set()
            self._loading = True
            self.tasks.run(lambda s: alert_actions.alerts_by_id(s, ids), on_done=self._show_some,
                           on_error=lambda exc: self._load_failed(exc, ids), owner=self)

    def _show_all(self, views: list[AlertView]) -> None:
        self._loading = False
        self.model.replace_all(views)
        self._after_change()

    def _show_some(self, views: list[AlertView]) -> None:
        self._loading = False
        self.model.apply(views)
        self._after_change()

    def _load_failed(self, exc: BaseException, ids: set[int] | None = None) -> None:
        self._loading = False
        if ids is None:
            self._full_wanted = True
        else:
            # The feed named these alerts once; a failed read must not forget them, or a new
            # critical alert would stay unseen until a full reload.
            self._wanted |= ids
        self._footer(describe_error(exc), error=True)
        QTimer.singleShot(2000, self._load)

    def _after_change(self) -> None:
        rows = self.model.alerts()
        critical = self.model.unacknowledged_critical
        # What needs a human: an alert not yet acknowledged, a digest counting as one.
        self.header.show_counts(self.model.counts, total=len(rows),
                                unacknowledged=sum(1 for a in rows if a.acknowledged_at is None),
                                critical=len(critical),
                                stands_for=sum(stands_for(a) for a in rows))
        new = sorted(critical - self._known_critical)
        self._known_critical = set(critical)
        if new:
            self.sound.play()
            QApplication.alert(self.window(), 0)
            self.critical_arrived.emit(new)
        if critical and not self._repeat.isActive():
            self._repeat.start()
        elif not critical:
            self._repeat.stop()
        self._selection_changed()
        if self.worker is None:   # with a worker, its passes speak in the footer
            self._footer(self.tr("Alerts read at {time}").format(
                time=datetime.now().strftime("%H:%M:%S")))
        self.alerts_loaded.emit()
        self._load()   # whatever the feed named meanwhile

    # --- actions -------------------------------------------------------------------------

    def selected(self) -> list[AlertView]:
        """The selected alerts, in list order."""
        rows = sorted(self.view.selectionModel().selectedRows(), key=lambda i: i.row())
        return [i.data(AlertRole) for i in rows if i.data(AlertRole) is not None]

    def select_alert(self, alert_id: int) -> bool:
        """Make one alert the selection (e.g. from a test or a notification)."""
        row = self.model.row_of(alert_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid():
            return False
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index)
        return True

    def acknowledge_selected(self, note: str | None = None) -> None:
        """Acknowledge the selection; asks for the optional note unless one is given."""
        targets = [a.id for a in self.selected() if a.acknowledged_at is None]
        if not targets or self.actor is None:
            return
        if note is None:
            ack_dialog.open_note(self, len(targets), self.actor.name if self.actor else "",
                                 lambda text, done, failed: self._acknowledge(
                                     targets, text, done, failed))
            return
        self._acknowledge(targets, note)

    def _acknowledge(self, targets: list[int], note: str, done=None, failed=None) -> None:
        actor = self.actor

        def saved(ids: list[int]) -> None:
            self._refresh(ids)
            if done is not None:
                done()

        def refused(exc: BaseException) -> None:
            self._action_failed(exc)
            if failed is not None:
                failed(describe_error(exc))
        self.tasks.run(lambda s: alert_actions.acknowledge(s, actor, targets,
                                                           note=note),
                       on_done=saved, on_error=refused, owner=self)

    @Slot()
    def open_selected(self) -> None:
        """Point the other views at the alert's subject: select the case, centre the patrol."""
        chosen = self.selected()
        if len(chosen) != 1:
            return
        a = chosen[0]
        if a.subject_type == "case":
            self.selection.case_selected.emit(a.subject_id)
            self.selection.show_case_on_map.emit(a.subject_id)
        elif a.subject_type == "patrol":
            self.selection.patrol_selected.emit(a.subject_id)
            self.selection.show_patrol_on_map.emit(a.subject_id)
        elif a.subject_type == "cell" and a.params.get("cell_code"):
            self.selection.cell_selected.emit(a.params["cell_code"])
            self.selection.show_cell_on_map.emit(a.params["cell_code"])
        elif a.subject_type == "device" and a.params.get("officer_id"):
            # The phone's officer: where the map shows the jump.
            self.selection.patrol_selected.emit(a.params["officer_id"])
            self.selection.show_patrol_on_map.emit(a.params["officer_id"])

    @Slot()
    def escalate_selected(self) -> None:
        """Raise the selected alert to the next level (to the duty leader and up)."""
        chosen = self.selected()
        if len(chosen) != 1 or self.actor is None:
            return
        alert_id, actor = chosen[0].id, self.actor
        self.tasks.run(lambda s: alert_actions.escalate(s, actor, alert_id),
                       on_done=lambda view: self._refresh([view.id]),
                       on_error=self._action_failed, owner=self)

    def _refresh(self, ids: list[int]) -> None:
        # Our own change: show it now rather than after the next feed poll.
        self._wanted |= set(ids)
        self._load()

    def _action_failed(self, exc: BaseException) -> None:
        self._footer(describe_error(exc), error=True)
        self.reload()

    def _selection_changed(self) -> None:
        self._update_buttons()
        chosen = self.selected()
        one = chosen[0] if len(chosen) == 1 else None
        if one is None or one.kind not in DIGEST_KINDS:
            self.members.clear_members()
            return
        shown = self.members.alert
        if shown is not None and shown == one:
            return     # the same digest as listed, unchanged
        alert_id = one.id
        self.tasks.run(lambda s: alert_digests.members(s, alert_id),
                       on_done=lambda members: self._show_members(alert_id, members),
                       on_error=self._action_failed, owner=self, key=(self, "digest-members"))

    def _show_members(self, alert_id: int, members: list[dict]) -> None:
        alert = self.model.alert(alert_id)
        chosen = self.selected()
        if alert is None or len(chosen) != 1 or chosen[0].id != alert_id:
            return     # the selection moved on meanwhile
        self.members.show_members(alert, members, datetime.now())

    def _update_buttons(self) -> None:
        chosen = self.selected()
        one = chosen[0] if len(chosen) == 1 else None
        self.ack_button.setEnabled(any(a.acknowledged_at is None for a in chosen))
        self.open_button.setEnabled(one is not None and one.subject_type not in ("department",
                                                                                 "digest"))
        self.open_button.setToolTip(
            self.tr("Department alerts have nothing to show on the map or in the queues")
            if one is not None and one.subject_type == "department" else "")
        self.escalate_button.setEnabled(one is not None and one.level < MAX_LEVEL)

    def _context_menu(self, pos: QPoint) -> None:
        if not self.selected():
            return
        menu = QMenu(self)
        for button in (self.ack_button, self.open_button, self.escalate_button):
            if button.isHidden():
                continue
            action = QAction(button.text(), menu)
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
            menu.addAction(action)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    # --- the rest ------------------------------------------------------------------------

    @Slot(str)
    def _filter(self, kind: str) -> None:
        self.proxy.set_kind(kind)
        self._update_buttons()

    @Slot(bool)
    def _set_muted(self, muted: bool) -> None:
        self.sound.muted = muted
        if self.settings is not None:
            self.settings.set("alerts/sound_muted", int(muted))

    @Slot()
    def _tick(self) -> None:
        self.delegate.now = datetime.now()
        self.view.viewport().update()

    @Slot(object)
    def _on_evaluated(self, result) -> None:
        self._footer(self.tr("Rules checked at {time} in {ms} ms").format(
            time=datetime.now().strftime("%H:%M:%S"), ms=round(result.timings.get("total", 0))))

    @Slot(bool)
    def _on_evaluator(self, leading: bool) -> None:
        if not leading:
            self._footer(self.tr("Another seat is running the alert rules; its alerts appear here"))

    @Slot(str)
    def _on_worker_error(self, message: str) -> None:
        self._footer(self.tr("The alert rules failed and will retry: {error}").format(
            error=message), error=True)

    def _footer(self, text: str, *, error: bool = False) -> None:
        # A refusal stays readable for a while: routine news must not wipe it at once.
        if not error and time.monotonic() < self._error_until:
            return
        self._error_until = time.monotonic() + ERROR_SHOWN_S if error else 0.0
        self.footer.setText(text)
        set_state(self.footer, "state", "error" if error else "")
