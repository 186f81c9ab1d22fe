"""案件队列: the queue dock — tabs per stage with live counts, filters, the table, the detail
pane and the actions, wired to the shared selection and the change feed."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import describe_error, stage_name
from console.common.selection import Selection
from console.common.theme import set_state
from console.domain.changes import REFERENCE_KINDS, ROSTER_KINDS, ChangeKind
from console.domain.privacy import sees_phone
from console.live import refresh_policy
from console.live.tasks import TaskRunner
from console.services import case_desk, queues
from console.services.actor import Actor
from console.services.queues import STAGES, QueueFilter, QueueQuery, References
from console.ui.frontage_panel import FrontagePanel
from console.ui.queues.action_runner import ActionRunner
from console.ui.queues.callback_page import CallbackButton, concerns_callbacks
from console.ui.queues.case_queue_model import CaseQueueModel
from console.ui.queues.case_table import CaseTable
from console.ui.queues.detail_pane import DetailPane, load_thumbnail
from console.ui.queues.filter_bar import FilterBar
from console.ui.queues.new_case_form import NewCaseForm
from console.ui.queues.queue_actions import QueueActions
from console.ui.queues.selection_sync import SelectionSync
from console.ui.queues.tab_counts import TabCounts

# Shared with the headless seats the benches measure (console/live/refresh_policy.py).
COUNTS_MIN_INTERVAL_MS = refresh_policy.COUNTS_MIN_INTERVAL_MS
FEED_COALESCE_MS = refresh_policy.ROW_COALESCE_MS
# Columns a tab starts without: what is the same on every row there, or not yet known.
# 待受理, 待核实 and 待派遣 show the centre's own stage limit counting down (domain/centre_clock.py).
HIDDEN_BY_DEFAULT = {"reported": {"department"},
                     "verifying": {"department", "status"},
                     "registered": {"department", "status"},
                     "dispatched": {"source", "status", "reported_at"},
                     "overdue": {"source", "status", "reported_at"},
                     "checking": {"source", "reported_at"},
                     "closed_today": {"source", "status"}}

# Reference data the filters and forms show (categories, departments, streets, patrols).
_CATALOGUE_KINDS = REFERENCE_KINDS | ROSTER_KINDS
# The feed kinds the queues react to (tests/test_feed_kinds.py checks each has a producer).
FEED_KINDS = frozenset({ChangeKind.CASE, ChangeKind.HISTORY, ChangeKind.SUPERVISION}) | _CATALOGUE_KINDS


class QueueDock(TabCounts, QDockWidget):
    """The queues of every stage; `set_actor` enables the actions of the signed-in role."""

    STAGES = STAGES
    references_loaded = Signal(object)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, tasks: TaskRunner, selection: Selection,
                 actor: Actor | None = None) -> None:
        super().__init__(self.tr("Case queues"), parent)
        self.setObjectName("queueDock")
        self.tasks, self.selection, self.actor = tasks, selection, actor
        self.refs: References | None = None
        self.counts: dict[str, int] = dict.fromkeys(STAGES, 0)
        self.form: NewCaseForm | None = None
        self._sorts: dict[str, tuple[str, bool]] = {}
        self._hidden: dict[str, set[str]] = {s: set(HIDDEN_BY_DEFAULT.get(s, ())) for s in STAGES}
        self._pending_ids: set[int] = set()
        self._counting = self._count_again = self._count_after_load = False
        self._total_counted = False   # counts["all"] holds the unfiltered total, still current
        self._last_due_check = datetime.now().replace(microsecond=0)

        self._build()
        self.runner = ActionRunner(tasks, self)
        self.runner.actor = actor
        self.runner.acted.connect(self._acted)
        self.runner.stale.connect(self._reload_case)
        self.actions = QueueActions(self)
        self.sync = SelectionSync(self)
        self._wire()
        self._update_filter_summary()
        if actor is not None:
            self.set_actor(actor)
        self.load_references()
        self._show_stage(self.stage)
        self.refresh_counts()

    def _build(self) -> None:
        """The widgets: search row, filters, tabs, then the table over the detail pane."""
        body = QWidget(self)
        body.setObjectName("queueBody")
        # A readable detail pane; the tab bar scrolls when the dock is narrower than its tabs.
        body.setMinimumWidth(400)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.new_case_button = QToolButton(body)
        self.search = QLineEdit(body)
        self.search.setObjectName("queueSearch")
        self.search.setClearButtonEnabled(True)
        self._search_hint()
        self.filter_toggle = QPushButton(self.tr("Filters"), body)
        self.filter_toggle.setObjectName("filterToggle")
        self.filter_toggle.setCheckable(True)
        top.addWidget(self.new_case_button)
        top.addWidget(self.search, 1)
        top.addWidget(self.filter_toggle)
        self.export_button = QToolButton(body)
        self.export_button.setObjectName("queueExport")
        self.export_button.setText(self.tr("Excel…"))
        self.export_button.setToolTip(self.tr("Export this view (tab, filter, order) to Excel"))
        self.export_button.clicked.connect(self.export_view)
        top.addWidget(self.export_button)
        self.callback_button = CallbackButton(self.tasks, lambda: self.actor, body)
        self.callback_button.open_requested.connect(lambda case_id: self.sync.select_case(case_id))
        top.addWidget(self.callback_button)
        layout.addLayout(top)
        self.filters = FilterBar(body)
        self.filters.hide()
        layout.addWidget(self.filters)
        summary_row = QHBoxLayout()
        self.filter_summary = QLabel(body)
        self.filter_summary.setObjectName("filterSummary")
        self.filter_summary.setProperty("kind", "note")
        self.clear_filters = QPushButton(self.tr("Clear"), body)
        self.clear_filters.setObjectName("clearAllFilters")
        summary_row.addWidget(self.filter_summary, 1)
        summary_row.addWidget(self.clear_filters)
        layout.addLayout(summary_row)
        self.tabs = QTabBar(body)
        self.tabs.setObjectName("queueTabs")
        self.tabs.setExpanding(False)
        self.tabs.setUsesScrollButtons(True)
        for stage in STAGES:
            self.tabs.addTab(stage_name(stage) if stage != "all" else self.tr("All cases"))
        layout.addWidget(self.tabs)
        self.model = CaseQueueModel(self.tasks, self)
        self.table = CaseTable(body)
        self.table.setModel(self.model)
        self.detail = DetailPane(body)
        self.detail.supervision.bind(self.tasks, self.actor)
        self.detail.joint_parts.bind(self.tasks, lambda: self.actor)   # a joint case's parts
        self.detail.joint_parts.changed.connect(self.load_case)
        self.frontage = FrontagePanel(self.tasks, self.actor, self.detail)
        self.frontage.confirmed.connect(self.load_case)
        self.detail.extras.addWidget(self.frontage)
        self.splitter = QSplitter(Qt.Orientation.Vertical, body)
        self.splitter.setObjectName("queueSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)
        self.status = QLabel(body)
        self.status.setObjectName("queueMessage")
        self.status.setProperty("kind", "note")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.setWidget(body)

    def _wire(self) -> None:
        """Timers and signals."""
        self._feed_timer = QTimer(self, singleShot=True, interval=FEED_COALESCE_MS)
        self._feed_timer.timeout.connect(self._apply_feed)
        self._count_timer = QTimer(self, singleShot=True, interval=COUNTS_MIN_INTERVAL_MS)
        self._count_timer.timeout.connect(self.refresh_counts)
        self._message_timer = QTimer(self, singleShot=True, interval=15_000)
        self._message_timer.timeout.connect(lambda: self.status.clear())
        self._minute = QTimer(self, interval=60_000)
        self._minute.timeout.connect(self._each_minute)
        self._minute.start()

        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self._search_timer = QTimer(self, singleShot=True, interval=300)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.returnPressed.connect(self._search_entered)
        self.filters.changed.connect(lambda _f: self._apply_filter())
        self.filter_toggle.toggled.connect(self.filters.setVisible)
        self.clear_filters.clicked.connect(self.clear_all_filters)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(self._failed)
        self.model.modelReset.connect(self._update_empty)
        self.model.busy_changed.connect(self._update_empty)
        self.model.rowsInserted.connect(self._update_empty)
        self.model.rowsRemoved.connect(self._update_empty)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.context_menu_requested.connect(self.actions.context_menu)
        self.table.columns_changed.connect(self._remember_columns)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._remember_sort)
        self.detail.show_on_map.connect(self.selection.show_case_on_map)
        self.detail.photo_wanted.connect(self._load_photo)
        self.detail.photo_opened.connect(self._open_photo)

    # --- actions ------------------------------------------------------------------------------

    @property
    def workflow_actions(self) -> dict[str, QAction]:
        return self.actions.workflow

    @property
    def new_case_action(self) -> QAction:
        return self.actions.new_case

    @property
    def map_action(self) -> QAction:
        return self.actions.show_on_map

    def set_actor(self, actor: Actor) -> None:
        """The signed-in user: their role decides the actions; a department sees its own cases."""
        self.actor = self.runner.actor = self.frontage.actor = actor
        self.detail.supervision.set_actor(actor)
        if self.form is not None:
            # An open hotline form is filed by whoever is signed in when it is saved (shift change).
            self.form.set_actor(actor)
        self.callback_button.refresh()
        self.model.set_viewer(actor)
        self._search_hint()
        if self.current_filter().text.strip():
            self.schedule_counts()     # what the text finds depends on whose search it is
        if actor.department_id is not None and actor.role.value == "department":
            self.filters.lock_department(actor.department_id)
            self._apply_filter()
            # A department works on what was dispatched to it, not on the intake queue.
            self.tabs.setCurrentIndex(STAGES.index("dispatched"))
        self.update_actions()

    def _search_hint(self) -> None:
        # The service decides what the text searches (services/queues.py); the hint says it.
        if self.actor is not None and sees_phone(self.actor.role):
            self.search.setPlaceholderText(
                self.tr("Search number, address, description, phone (Ctrl+F)"))
            self.search.setToolTip("")
        else:
            self.search.setPlaceholderText(self.tr("Search number, address, description (Ctrl+F)"))
            self.search.setToolTip(self.tr(
                "Callers' phone numbers are not searched, and words with digits are looked for "
                "in case numbers and addresses only: the numbers in descriptions stay private."))

    def update_actions(self) -> None:
        """Enable exactly the actions the selection allows (the sync calls it as it settles)."""
        self.actions.update()

    def trigger(self, name: str) -> None:
        """Open the dialog of a workflow action for the selection (one case, or bulk)."""
        self.actions.trigger(name)

    def _acted(self, text: str, case_ids: list[int]) -> None:
        if text:
            self.show_message(text)
        # The next key goes to the queue again (the dialog that had the keyboard is gone).
        self.table.window().activateWindow()
        self.table.setFocus()
        self.model.refresh_cases(set(case_ids))
        self.schedule_counts()
        if self.detail.detail is not None and self.detail.detail.id in case_ids:
            self._reload_case(self.detail.detail.id)

    def export_view(self) -> None:
        """The view shown, to Excel, as long work (console/ui/reports/queue_export.py)."""
        if getattr(self, "exporter", None) is None:
            from console.ui.reports.queue_export import QueueExport
            self.exporter = QueueExport(self)
            self.exporter.message.connect(self.message)
        self.exporter.ask()

    # --- tabs, filters, sorting --------------------------------------------------------------

    @property
    def stage(self) -> str:
        return STAGES[self.tabs.currentIndex()]

    def current_filter(self) -> QueueFilter:
        return self.filters.with_text(self.search.text())

    def _show_stage(self, stage: str) -> None:
        sort, descending = self._sorts.get(stage, queues.DEFAULT_SORT[stage])
        self.table.set_hidden_columns(self._hidden[stage])
        self.model.set_query(QueueQuery(stage, self.current_filter(), sort, descending,
                                        viewer=self.actor))
        self.table.horizontalHeader().blockSignals(True)
        self.table.horizontalHeader().setSortIndicator(
            self.model.sort_column(),
            Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().blockSignals(False)

    def _tab_changed(self, index: int) -> None:
        if 0 <= index < len(STAGES):
            self._show_stage(STAGES[index])

    def _apply_filter(self) -> None:
        self._search_timer.stop()
        query = self.model.query
        wanted = self.current_filter()
        self._update_filter_summary()
        if wanted != query.filter:
            self.model.set_query(replace(query, filter=wanted))
            # Counted once the first rows are in: the rows are what the user waits for.
            self._count_after_load = True

    def _search_entered(self) -> None:
        """Enter in the search box: filter now and go to the rows, keyboard in hand."""
        self._apply_filter()
        self.table.setFocus()
        self.sync.select_first_when_loaded()

    def clear_all_filters(self) -> None:
        self.search.clear()
        self.filters.clear()
        self._apply_filter()

    def filter_to_cell(self, code: str) -> None:
        """Only the cases of one cell (a click on the map)."""
        self.filters.set_cell(code)

    def _update_filter_summary(self) -> None:
        described = self.filters.describe()
        self.filter_summary.setText(self.tr("Filtered: {what}").format(what=described)
                                    if described else "")
        self.filter_summary.setVisible(bool(described))
        self.clear_filters.setVisible(bool(described) or bool(self.search.text()))

    def _remember_sort(self, *_args) -> None:
        query = self.model.query
        self._sorts[query.stage] = (query.sort, query.descending)

    def _remember_columns(self) -> None:
        self._hidden[self.stage] = self.table.hidden_columns()

    def reload(self) -> None:
        """Read the current tab, the counts and the selected case again."""
        self.model.reload()
        self._total_counted = False
        self.refresh_counts()
        if self.detail.detail is not None:
            self._reload_case(self.detail.detail.id)

    # --- live changes -------------------------------------------------------------------------

    def on_feed(self, batch) -> None:
        """A FeedBatch: re-read the cases that changed (shortly, together)."""
        ids = refresh_policy.case_ids(batch.rows)
        if refresh_policy.adds_cases(batch.rows):
            self._total_counted = False
        if ids:
            self._pending_ids |= ids
            if not self._feed_timer.isActive():
                self._feed_timer.start()
        kinds = {row.entity for row in batch.rows}
        if concerns_callbacks(batch.rows):
            self.refresh_callbacks()
        if kinds & _CATALOGUE_KINDS:
            self.load_references()
        if ChangeKind.HISTORY in kinds:
            self.reload()

    def refresh_callbacks(self) -> None:
        """A closure or a call-back answered: the call-back list and its count, shortly."""
        self.callback_button.schedule()

    def _apply_feed(self) -> None:
        ids, self._pending_ids = self._pending_ids, set()
        self.model.refresh_cases(ids)
        self.schedule_counts()
        if self.detail.detail is not None and self.detail.detail.id in ids:
            self._reload_case(self.detail.detail.id)

    def _each_minute(self) -> None:
        """Time alone moves cases into 超期, and midnight empties 今日结案."""
        now = datetime.now().replace(microsecond=0)
        since, self._last_due_check = self._last_due_check, now
        if since.date() != now.date():
            self.reload()
            return
        self.tasks.run(lambda s: queues.due_between(s, since, now),
                       on_done=lambda ids: self.model.refresh_cases(set(ids)), owner=self)
        self._total_counted = False   # once a minute the total too, whoever wrote the cases
        self.schedule_counts()

    # --- references, detail, photos -------------------------------------------------------------

    def load_references(self) -> None:
        self.tasks.run(queues.references, on_done=self._set_references, on_error=self._failed,
                       owner=self)

    def _set_references(self, refs: References) -> None:
        self.refs = self.runner.refs = refs
        self.model.set_references(refs)
        self.filters.set_references(refs)
        if self.form is not None:   # an open hotline form offers the catalogue as it is now
            self.form.set_references(refs)
        self.update_actions()
        self.references_loaded.emit(refs)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.sync.selection_changed()

    def load_case(self, case_id: int) -> None:
        """Show a case in the detail pane (read off the GUI thread)."""
        viewer = self.actor    # the number is masked for roles that do not call citizens
        self.tasks.run(lambda s: case_desk.case_detail(s, case_id, viewer),
                       on_done=self._show_case,
                       on_error=self._failed, owner=self)

    _reload_case = load_case

    def _show_case(self, detail: case_desk.CaseDetail) -> None:
        if self.sync.wanted_case() != detail.id:
            return   # the user has moved on meanwhile
        self.detail.show_detail(detail, [])
        self.frontage.show_case(detail.id)
        self.runner.case_updated(detail)
        self.update_actions()
        self.sync.detail_shown(detail)

    def _load_photo(self, path: str) -> None:
        self.tasks.call(lambda: load_thumbnail(path),
                        on_done=lambda image: self._photo_loaded(path, image), owner=self)

    def _open_photo(self, photos: list, index: int) -> None:
        from console.ui.photo_viewer import PhotoViewer
        PhotoViewer(self.tasks, photos, index, parent=self).open()

    def _photo_loaded(self, path: str, image: QImage) -> None:
        self.detail.set_photo(path, image)

    # --- the hotline form --------------------------------------------------------------------

    def open_new_case(self, lon: float | None = None,
                      lat: float | None = None) -> NewCaseForm | None:
        """The hotline form (non-modal: the map stays clickable for the location)."""
        if self.actor is None or self.refs is None:
            return None
        if self.form is None:
            self.form = NewCaseForm(self.tasks, self.actor, self.refs, self)
            self.form.created.connect(self._case_created)
            self.form.case_opened.connect(self.sync.select_case)
            self.form.finished.connect(self._form_closed)
            self.form.show()
        self.form.raise_()
        self.form.activateWindow()
        if lon is not None and lat is not None:
            self.form.set_point(lon, lat)
        return self.form

    def _form_closed(self) -> None:
        if self.form is not None:
            self.form.deleteLater()
            self.form = None

    def _case_created(self, case_id: int, text: str) -> None:
        self.show_message(text)
        self.schedule_counts()
        self.model.refresh_cases({case_id})   # at once, not when the feed comes round
        self.sync.select_case(case_id)

    # --- feedback ------------------------------------------------------------------------------

    def show_message(self, text: str, severity: str = "ok") -> None:
        self.status.setText(text)
        set_state(self.status, "severity", severity)
        self._message_timer.start()
        self.message.emit(text)

    def _failed(self, exc: BaseException) -> None:
        self.show_message(describe_error(exc), "critical")

    def _loaded(self) -> None:
        self._update_empty()
        if self._count_after_load:
            self._count_after_load = False
            self.refresh_counts()
        self.sync.rows_loaded()

    def _update_empty(self, *_args) -> None:
        # An empty table says whether it is empty or still being read.
        self.table.set_placeholder(self.tr("Reading the queue…") if self.model.busy else
                                   self.tr("No cases here."), self.model.rowCount() == 0)
