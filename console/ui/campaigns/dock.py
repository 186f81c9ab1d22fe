"""The campaign dashboard (专项行动): a campaign's targets with their daily trend, its open focus
cases (a click selects the case everywhere), the slowest departments and streets, patrol
coverage and the supervision orders raised in it. Loaded on the task runner, re-read when the
feed says a campaign, a case or an order changed."""
from __future__ import annotations

from datetime import date, datetime

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import describe_error, supervision_level_name
from console.common.selection import Selection
from console.domain.changes import ChangeKind
from console.domain.permissions import Permission, may
from console.live.tasks import TaskRunner
from console.services import campaigns
from console.services.campaign_progress import progress
from console.ui.campaigns.after_action import AfterActionView
from console.ui.campaigns.editor import CampaignEditor, kind_names
from console.ui.queues.supervision_badge import supervision_badge
from console.ui.queues.supervision_box import DepartmentOrders
from console.ui.reports.campaign_export import CampaignExport

FEED_KINDS = frozenset({ChangeKind.CAMPAIGN, ChangeKind.CASE, ChangeKind.SUPERVISION})
#: Feed changes come in bursts (a simulator writes every second): re-read at most this often.
RELOAD_MS = 3000


def _epoch(day: str) -> float:
    return datetime.combine(date.fromisoformat(day), datetime.min.time()).timestamp()


class CampaignDock(QDockWidget):
    """One campaign at a time, picked from the list of all campaigns."""

    def __init__(self, tasks: TaskRunner, selection: Selection, parent: QWidget | None = None,
                 now=datetime.now) -> None:
        super().__init__(self.tr("Campaigns"), parent)
        self.setObjectName("campaignDock")
        self.tasks, self.selection, self._now = tasks, selection, now
        self.actor = None
        self.data = None
        self.editor: CampaignEditor | None = None
        # The map (console/map/widget.py) where an area can be drawn; set by the main window.
        self.map_drawer = None
        body = QWidget(self)
        bar = QHBoxLayout()
        self.choice = QComboBox(body)
        self.choice.setMinimumWidth(220)
        self.new_button = QPushButton(self.tr("New…"), body)
        self.edit_button = QPushButton(self.tr("Edit…"), body)
        self.close_button = QPushButton(self.tr("Close campaign"), body)
        self.supervise_button = QPushButton(self.tr("Supervise department…"), body)
        self.supervise_button.setToolTip(self.tr("Raise a supervision order (督办) on the "
                                                 "department selected under Slowest"))
        self.supervise_button.setVisible(False)
        self.orders_writer = DepartmentOrders(tasks, self, now=now)
        self.orders_writer.said.connect(lambda text: self._say(text))
        self.export_button = QPushButton(self.tr("Excel…"), body)
        self.export_button.setToolTip(self.tr("Export the campaign's figures to Excel"))
        for w in (QLabel(self.tr("Campaign"), body), self.choice):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.new_button, self.edit_button, self.close_button):
            bar.addWidget(w)
            w.setVisible(False)
        bar.addWidget(self.supervise_button)
        bar.addWidget(self.export_button)
        self.export_button.setEnabled(False)
        self.export = CampaignExport(tasks, self, now=now)
        self.caption = QLabel(body)
        self.caption.setWordWrap(True)
        self.note = QLabel(body)
        self.note.setWordWrap(True)
        self.note.setProperty("kind", "note")
        self.note.hide()
        self.export.message.connect(self._say)
        self.targets = self._table([self.tr("Target"), self.tr("Goal"), self.tr("Now"),
                                    self.tr("Met")])
        # Three rows: every cell in full (a goal's date, "not met") beats an even split.
        self.targets.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot.setMinimumHeight(80)   # a 1366×768 seat: the dock and the map share 768 px
        # pyqtgraph's own menu and auto-range button speak English only and offer nothing a
        # leader needs here (the sheet export is the dock's); the theme shows through.
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setBackground(None)
        self.curve = self.plot.plot([], [], pen=pg.mkPen("#4fc3f7", width=2), symbol="o",
                                    symbolSize=5)
        self.goal_line = pg.InfiniteLine(angle=0, pen=pg.mkPen("#ffb74d", style=Qt.PenStyle.DashLine))
        self.plot.addItem(self.goal_line)
        self.open_cases = self._table([self.tr("Case"), self.tr("Category"), self.tr("Street"),
                                       self.tr("Department"), self.tr("Deadline"),
                                       self.tr("Supervision")])
        self.slowest = self._table([self.tr("Unit"), self.tr("Score"), self.tr("Grade"),
                                    self.tr("On-time rate"), self.tr("Overdue")])
        self.orders = self._table([self.tr("Level"), self.tr("Case"), self.tr("Department"),
                                   self.tr("Reason"), self.tr("Issued"), self.tr("Due"),
                                   self.tr("State")])
        self.tabs = QTabWidget(body)
        self.tabs.addTab(self.open_cases, self.tr("Open focus cases"))
        self.tabs.addTab(self.slowest, self.tr("Slowest"))
        self.tabs.addTab(self.orders, self.tr("Supervision orders"))
        self.after_action = AfterActionView(body)   # joint operations (联合执法) only
        self.tabs.addTab(self.after_action, self.tr("After-action summary"))
        self.tabs.setTabVisible(self.tabs.indexOf(self.after_action), False)
        # A campaign without targets: a sentence in their place, not an empty table beside a
        # chart whose axes measure nothing.
        self.no_targets = QLabel(body)
        self.no_targets.setWordWrap(True)
        self.no_targets.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_targets.setProperty("kind", "note")
        self.no_targets.hide()
        top = QSplitter(Qt.Orientation.Horizontal, body)
        top.addWidget(self.targets)
        top.addWidget(self.plot)
        top.addWidget(self.no_targets)
        top.setSizes([360, 500])
        split = QSplitter(Qt.Orientation.Vertical, body)
        split.addWidget(top)
        split.addWidget(self.tabs)
        # The lists below matter as much as the chart: on a low dock they share the height.
        split.setSizes([400, 400])
        self._split = split
        layout = QVBoxLayout(body)
        layout.addLayout(bar)
        layout.addWidget(self.caption)
        layout.addWidget(split, 1)
        layout.addWidget(self.note)
        # Scrolled rather than squeezed: on a 1366×768 seat the dashboard's own minimum plus
        # the docks above it ran the window past the screen's bottom.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.setWidget(scroll)
        self._timer = QTimer(self, singleShot=True, interval=RELOAD_MS, timeout=self.reload)
        self.choice.currentIndexChanged.connect(self.reload)
        self.targets.currentCellChanged.connect(lambda row, *_: self._draw(row))
        self.open_cases.cellClicked.connect(self._pick_case)
        self.new_button.clicked.connect(lambda: self._edit(None))
        self.edit_button.clicked.connect(lambda: self._edit(self.choice.currentData()))
        self.close_button.clicked.connect(self._close_campaign)
        self.supervise_button.clicked.connect(self._supervise)
        self.slowest.itemSelectionChanged.connect(self._buttons)
        self.tabs.currentChanged.connect(lambda _i: self._buttons())
        self.export_button.clicked.connect(
            lambda: self.data and self.export.ask(self.data.campaign_id, self.data.name))
        self.load_list()

    def _table(self, headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers), self)
        t.setHorizontalHeaderLabels(headers)
        t.verticalHeader().hide()
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return t

    def set_actor(self, actor) -> None:
        self.actor = actor
        self._buttons()

    def _buttons(self) -> None:
        editor = self.actor is not None and may(self.actor.role, Permission.EDIT_CAMPAIGN)
        running = self.data is not None and not self.data.closed
        self.new_button.setVisible(editor)
        self.edit_button.setVisible(editor and running)
        # "Edit it" only to whoever can: a closed campaign, or a seat that may not edit, has
        # no Edit button.
        note = self.tr("This campaign has no targets: it is followed through its cases, its "
                       "slowest units and its supervision orders below.")
        if editor and running:
            note += self.tr(" Edit it to set targets.")   # Chinese runs on without a space
        self.no_targets.setText(note)
        self.close_button.setVisible(editor and running)
        leader = self.actor is not None and may(self.actor.role, Permission.RAISE_SUPERVISION)
        self.supervise_button.setVisible(leader and running)
        self.supervise_button.setEnabled(self._slow_department() is not None)

    def _slow_department(self) -> dict | None:
        """The department row picked under Slowest (departments come first there)."""
        row = self.slowest.currentRow()
        if self.data is None or self.tabs.currentWidget() is not self.slowest \
                or not self.slowest.selectedItems():
            return None
        rows = self.data.slowest_departments
        return rows[row] if 0 <= row < len(rows) else None

    def _supervise(self) -> None:
        unit = self._slow_department()
        if unit is not None and self.data is not None:
            self.orders_writer.supervise(self.actor, unit["unit_id"], unit["name"],
                                         campaign_id=self.data.campaign_id)

    # --- loading ---------------------------------------------------------------------------

    def load_list(self) -> None:
        self.tasks.run(campaigns.campaigns, on_done=self._listed, owner=self, key=(self, "list"))

    def _listed(self, rows) -> None:
        current = self.choice.currentData()
        self.choice.blockSignals(True)
        self.choice.clear()
        kinds = kind_names(self)
        for cid, name, kind, start, end, closed in rows:
            state = self.tr("closed") if closed else f"{start:%m-%d}–{end:%m-%d}"
            self.choice.addItem(f"{name} · {kinds.get(kind, kind).split(' ')[0]} · {state}", cid)
        index = self.choice.findData(current)
        self.choice.setCurrentIndex(index if index >= 0 else 0)
        self.choice.blockSignals(False)
        if not rows:
            self.caption.setText(self.tr("No campaign yet."))
        self.reload()

    def reload(self) -> None:
        cid, now = self.choice.currentData(), self._now()
        if cid is None:
            return
        self.tasks.run(lambda s: progress(s, cid, now), on_done=self._loaded, owner=self,
                       key=(self, "progress"))

    def on_feed(self, batch) -> None:
        kinds = {row.entity for row in batch.rows}
        if ChangeKind.CAMPAIGN in kinds:
            self.load_list()
        elif kinds & FEED_KINDS and not self._timer.isActive():
            self._timer.start()

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _loaded(self, p) -> None:
        self.data = p
        self.export_button.setEnabled(True)
        self._buttons()
        cov = p.coverage
        self.caption.setText(self.tr("%1 – %2 · %3 cases tagged, %4 open · patrol coverage "
                                     "today %5 of %6 cells%7")
                             .replace("%1", p.starts_at[:10]).replace("%2", p.ends_at[:10])
                             .replace("%3", str(p.tagged)).replace("%4", str(p.open_count))
                             .replace("%5", str(cov["covered"])).replace("%6", str(cov["cells"]))
                             .replace("%7", self.tr(" · closed, figures frozen") if p.closed else ""))
        names = {"on_time_closure_rate": self.tr("On-time closure rate ≥"),
                 "open_focus_max": self.tr("Open focus cases ≤"),
                 "patrol_coverage": self.tr("Cells patrolled daily ≥")}
        if self.no_targets.isHidden() == (not p.targets):   # the campaign has them or not now
            for widget in (self.targets, self.plot):
                widget.setVisible(bool(p.targets))
            self.no_targets.setVisible(not p.targets)
            # Without targets the sentence needs a few lines; the lists take the rest.
            self._split.setSizes([400, 400] if p.targets else [60, 740])
        self.targets.setRowCount(len(p.targets))
        for row, t in enumerate(p.targets):
            share = t.key != "open_focus_max"
            fmt = (lambda v: "—" if v is None else f"{100 * v:.1f} %") if share else \
                  (lambda v: "—" if v is None else f"{v:g}")
            goal = fmt(t.goal) + (f" ({t.by})" if t.by else "")
            met = {True: self.tr("✔ met"), False: self.tr("✘ not met"), None: "…"}[t.met]
            for col, text in enumerate((names.get(t.key, t.key), goal, fmt(t.value), met)):
                item = QTableWidgetItem(text)
                if col == 3 and t.met is not None:
                    item.setForeground(Qt.GlobalColor.green if t.met else Qt.GlobalColor.red)
                self.targets.setItem(row, col, item)
        self.targets.setCurrentCell(0 if p.targets else -1, 0)
        self._draw(0)
        self._fill(self.open_cases, [(c["number"], c["category"], c["street"], c["department"],
                                      (c["deadline"] or "")[:16].replace("T", " "),
                                      supervision_level_name(c["supervision_level"])
                                      if c["supervision_level"] else "")
                                     for c in p.open_cases])
        level_column = self.open_cases.columnCount() - 1
        for r, c in enumerate(p.open_cases):
            if c["supervision_level"]:
                item = self.open_cases.item(r, level_column)
                item.setIcon(supervision_badge(c["supervision_level"]))
        slow = [(self.tr("Department"), r) for r in p.slowest_departments] + \
               [(self.tr("Street"), r) for r in p.slowest_streets]
        self._fill(self.slowest, [(f"{kind} · {r['name']}", f"{r['score']:.1f}", r["grade"] or "",
                                   "—" if r["rate"] is None else f"{100 * r['rate']:.1f} %",
                                   str(r["overdue"])) for kind, r in slow])
        self._fill(self.orders, [(supervision_level_name(o["level"]),
                                  o["number"] or self.tr("(the department)"),
                                  o["department"], o["reason"],
                                  o["issued_at"][:16].replace("T", " "),
                                  (o["due_at"] or "")[:16].replace("T", " "),
                                  self.tr("closed") if o["closed_at"] else
                                  self.tr("answered") if o["answered_at"] else self.tr("open"))
                                 for o in p.orders])
        self.tabs.setTabVisible(self.tabs.indexOf(self.after_action), p.kind == "joint")
        self.after_action.show_summary(p.after_action)

    @staticmethod
    def _fill(table: QTableWidget, rows) -> None:
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(str(text)))

    def _draw(self, row: int) -> None:
        p = self.data
        if p is None or not (0 <= row < len(p.targets)):
            self.curve.setData([], [])
            return
        t = p.targets[row]
        scale = 1 if t.key == "open_focus_max" else 100
        points = [(_epoch(d), v * scale) for d, v in zip(p.days, t.trend) if v is not None]
        self.curve.setData([x for x, _ in points], [y for _, y in points])
        self.goal_line.setValue(t.goal * scale)

    def _pick_case(self, row: int, _col: int) -> None:
        if self.data is not None and 0 <= row < len(self.data.open_cases):
            self.selection.case_selected.emit(self.data.open_cases[row]["case_id"])

    # --- editing ---------------------------------------------------------------------------

    def _edit(self, campaign_id) -> None:
        def read(s):
            refs = campaigns.editor_references(s)
            return refs, (campaigns.info(s, campaign_id).form() if campaign_id else None)
        self.tasks.run(read, on_done=lambda r: self._open_editor(campaign_id, *r), owner=self)

    def _open_editor(self, campaign_id, refs, form) -> None:
        # Not modal: the map must take clicks while the area is drawn on it.
        if self.editor is not None:
            self.editor.close()
        dialog = self.editor = CampaignEditor(refs, form, self, drawer=self.map_drawer)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._save(campaign_id, dialog.form()))
        dialog.destroyed.connect(lambda: setattr(self, "editor", None))
        dialog.show()

    def _save(self, campaign_id, form) -> None:
        actor, now = self.actor, self._now().replace(microsecond=0)
        if campaign_id is None:
            fn = lambda s: campaigns.create(s, actor, form, now)   # noqa: E731
        else:
            fn = lambda s: campaigns.edit(s, actor, campaign_id, form, now)   # noqa: E731
        self.tasks.run(fn, on_done=lambda _: self.load_list(), on_error=self._refused, owner=self)

    def _close_campaign(self) -> None:
        cid, actor = self.choice.currentData(), self.actor
        if cid is None or QMessageBox.question(
                self, self.tr("Close campaign"),
                self.tr("Close the campaign? Its figures are kept as they stand now.")) \
                != QMessageBox.StandardButton.Yes:
            return
        now = self._now().replace(microsecond=0)
        self.tasks.run(lambda s: campaigns.close(s, actor, cid, now),
                       on_done=lambda _: self.load_list(), on_error=self._refused, owner=self)

    def _refused(self, exc) -> None:
        QMessageBox.warning(self, self.tr("Campaign"), describe_error(exc))
