"""The rankings dock (综合评价): level and period, a sortable ranking, the cases behind a figure
on double-click, and the ranking as an Excel workbook (long work with progress)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDate, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDockWidget, QFileDialog,
                               QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem,
                               QProgressBar, QPushButton, QTableView, QVBoxLayout, QWidget)

from console.common.selection import Selection
from console.domain.evaluation import Level, PeriodKind, period_of
from console.domain.permissions import Permission, may
from console.live.tasks import TaskRunner
from console.services.evaluation import PARTS, cases_behind, evaluate
from console.services.evaluation_export import export_ranking
from console.ui.evaluation.ranking_model import FIXED, SORT_ROLE, RankingModel, indicator_name
from console.ui.queues.supervision_box import DepartmentOrders


class _SortProxy(QSortFilterProxyModel):
    """Sorts by value; a unit without data stays below the others in either order."""

    def lessThan(self, left, right) -> bool:
        (l_none, l_value), (r_none, r_value) = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if l_none != r_none:
            return l_none == (self.sortOrder() == Qt.SortOrder.DescendingOrder)
        return l_value < r_value


class EvaluationDock(QDockWidget):
    """Rankings of departments, streets, communities or patrol officers over a period."""

    def __init__(self, tasks: TaskRunner, selection: Selection, parent: QWidget | None = None,
                 now=datetime.now) -> None:
        super().__init__(self.tr("Rankings"), parent)
        self.setObjectName("evaluationDock")
        self.tasks, self.selection, self._now = tasks, selection, now
        body = QWidget(self)
        bar = QHBoxLayout()
        self.level = QComboBox(body)
        for lv, text in zip(Level, (self.tr("Departments"), self.tr("Streets"),
                                           self.tr("Communities"), self.tr("Patrol officers"),
                                           self.tr("Desk posts: receiving, registering, dispatching"))):
            self.level.addItem(text, lv.value)
        self.period = QComboBox(body)
        for kind, text in ((PeriodKind.LAST_7_DAYS, self.tr("Last 7 days")),
                           (PeriodKind.LAST_30_DAYS, self.tr("Last 30 days")),
                           (PeriodKind.DAY, self.tr("Today")), (PeriodKind.WEEK, self.tr("This week")),
                           (PeriodKind.MONTH, self.tr("This month")),
                           (PeriodKind.CUSTOM, self.tr("Custom"))):
            self.period.addItem(text, kind.value)
        # First the last 7 days, the wall's period (domain last_days): "today" or "this
        # week" holds next to nothing in the small hours of a Monday.
        today = QDate.currentDate()
        self.start = QDateEdit(today.addDays(-29), body, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.end = QDateEdit(today, body, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.export_button = QPushButton(self.tr("Export to Excel…"), body)
        self.supervise_button = QPushButton(self.tr("Supervise department…"), body)
        self.supervise_button.setToolTip(self.tr("Raise a supervision order (督办) on the "
                                                 "selected department"))
        self.supervise_button.hide()
        self.actor = None
        self.orders = DepartmentOrders(tasks, self, now=now)
        self.progress = QProgressBar(body, maximum=100, visible=False)
        self.progress.setMaximumWidth(120)
        self.dash = QLabel("–", body)
        for w in (QLabel(self.tr("Level"), body), self.level, QLabel(self.tr("Period"), body),
                  self.period, self.start, self.dash, self.end):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.progress)
        bar.addWidget(self.supervise_button)
        bar.addWidget(self.export_button)
        self.caption = QLabel(body)
        self.note = QLabel(body)
        self.note.setProperty("kind", "note")
        self.note.setWordWrap(True)
        self.note.hide()
        self.model = RankingModel(self)
        self.proxy = _SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(body, sortingEnabled=True, alternatingRowColors=True)
        self.table.setModel(self.proxy)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(86)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        layout = QVBoxLayout(body)
        layout.addLayout(bar)
        layout.addWidget(self.caption)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        self.setWidget(body)
        self.level.currentIndexChanged.connect(self.reload)
        self.period.currentIndexChanged.connect(self._period_changed)
        self.start.dateChanged.connect(self.reload)
        self.end.dateChanged.connect(self.reload)
        self.table.doubleClicked.connect(self._show_cases)
        self.export_button.clicked.connect(self._ask_export)
        self.supervise_button.clicked.connect(self._supervise)
        self.level.currentIndexChanged.connect(lambda _i: self._supervisable())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._supervisable())
        self.orders.said.connect(self._say)
        self._period_changed()

    def set_actor(self, actor) -> None:
        """The signed-in user: a leader may raise orders on a department from its row."""
        self.actor = actor
        self._supervisable()

    # --- supervision orders on a department ---------------------------------------------------

    def _supervisable(self) -> None:
        leader = self.actor is not None and may(self.actor.role, Permission.RAISE_SUPERVISION)
        departments = self.level.currentData() == Level.DEPARTMENT.value
        self.supervise_button.setVisible(leader and departments)
        self.supervise_button.setEnabled(self._selected_unit() is not None)

    def _selected_unit(self):
        ranking, rows = self.model.ranking, self.table.selectionModel().selectedRows()
        if ranking is None or not rows or ranking.level is not Level.DEPARTMENT:
            return None
        row = self.proxy.mapToSource(rows[0]).row()
        return ranking.rows[row] if 0 <= row < len(ranking.rows) else None

    def _supervise(self) -> None:
        unit = self._selected_unit()
        if unit is not None:
            self.orders.supervise(self.actor, unit.unit_id, unit.name)

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    # --- loading ---------------------------------------------------------------------------

    def current_period(self):
        kind = PeriodKind(self.period.currentData())
        return period_of(kind, self._now(), self.start.date().toPython(), self.end.date().toPython())

    def _period_changed(self) -> None:
        custom = self.period.currentData() == PeriodKind.CUSTOM.value
        self.start.setVisible(custom)
        self.dash.setVisible(custom)
        self.end.setVisible(custom)
        self.reload()

    def reload(self) -> None:
        """Evaluate on the task runner; a newer request supersedes an older one."""
        level, now = Level(self.level.currentData()), self._now()
        try:
            period = self.current_period()
        except ValueError:
            self.caption.setText(self.tr("The period's end is before its start."))
            return
        self.caption.setText(self.tr("Evaluating…"))
        self.tasks.run(lambda s: evaluate(s, level, period, now), on_done=self._loaded,
                       owner=self, key=(self, "ranking"))

    def _loaded(self, ranking) -> None:
        self.model.set_ranking(ranking)
        self._supervisable()
        p = ranking.period
        caption = (self.tr("%1 – %2, up to %3; change against the day before") if p.days == 1
                   else self.tr("%1 – %2, up to %3; change against the %4 days before"))
        self.caption.setText(caption
                             .replace("%1", f"{p.start:%Y-%m-%d}")
                             .replace("%2", f"{p.end:%Y-%m-%d %H:%M}")
                             .replace("%3", f"{ranking.upto:%Y-%m-%d %H:%M}")
                             .replace("%4", f"{p.days:g}"))
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        for col in range(self.model.columnCount()):
            text = self.model.headerData(col, Qt.Orientation.Horizontal)
            header.resizeSection(col, max(70, metrics.horizontalAdvance(text) + 28))
        header.resizeSection(1, 170)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

    # --- the cases behind a figure -----------------------------------------------------------

    def _show_cases(self, index) -> None:
        ranking = self.model.ranking
        source = self.proxy.mapToSource(index)
        key = self.model.key_at(source.column())
        if ranking is None or key in FIXED or PARTS[key][0] is None:
            return
        row = ranking.rows[source.row()]
        level, period, now = ranking.level, ranking.period, ranking.upto
        dialog = CasesDialog(self.selection, f"{row.name} · {indicator_name(key)}", self)
        parts = [p for p, c in zip(("numerator", "denominator"), PARTS[key]) if c is not None]

        def load(s):
            return {p: cases_behind(s, level, row.unit_id, key, period, now, p, ranking.scope)
                    for p in parts}
        self.tasks.run(load, on_done=dialog.show_cases, owner=dialog, key=(self, "cases"))
        dialog.show()

    # --- export ------------------------------------------------------------------------------

    def _ask_export(self) -> None:
        if self.model.ranking is None:
            return
        name = f"evaluation-{datetime.now():%Y%m%d-%H%M}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export ranking"), name,
                                              self.tr("Excel workbook (*.xlsx)"))
        if path:
            self.export(Path(path))

    def export(self, path: Path):
        """Write the ranking shown to `path` as long work; returns the task."""
        ranking = self.model.ranking
        labels = {"scope": self.tr("Scope"), "period": self.tr("Period"), "upto": self.tr("up to"),
                  "exported": self.tr("Exported"), "rank": self.tr("Rank"), "name": self.tr("Name"),
                  "score": self.tr("Score"), "grade": self.tr("Grade"), "change": self.tr("Change")}
        labels.update({k: indicator_name(k) for k in ranking.indicators})
        title = self.tr("Rankings: %1").replace("%1", self.level.currentText())
        scope = self.tr("whole city") if ranking.scope is None else self.tr("campaign scope")
        self.progress.setValue(0)
        self.progress.show()
        self.export_button.setEnabled(False)

        def write(job):
            return export_ranking(ranking, path, title=title, scope_text=scope, labels=labels,
                                  exported_at=datetime.now().replace(microsecond=0),
                                  progress=lambda f: job.progress(f, "xlsx"))

        def finished(_result=None) -> None:
            self.progress.hide()
            self.export_button.setEnabled(True)
        return self.tasks.call_long(write, on_done=finished, on_error=lambda _e: finished(),
                                    on_progress=lambda f, _s: self.progress.setValue(int(f * 100)),
                                    owner=self)


class CasesDialog(QDialog):
    """The cases behind a figure; clicking one selects it everywhere (the selection hub)."""

    def __init__(self, selection: Selection, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.selection = selection
        self.list = QListWidget(self)
        self.label = QLabel(self.tr("Loading…"), self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.list)
        self.resize(520, 420)
        self.list.itemActivated.connect(self._pick)
        self.list.itemClicked.connect(self._pick)

    def show_cases(self, parts: dict) -> None:
        heads = {"numerator": self.tr("Counted (numerator)"),
                 "denominator": self.tr("Out of (denominator)")}
        self.list.clear()
        deadline_word = self.tr("deadline")
        for part, cases in parts.items():
            head = QListWidgetItem(f"{heads[part]}: {len(cases)}")
            head.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(head)
            for c in cases:
                deadline = f"{c['deadline']:%m-%d %H:%M}" if c["deadline"] else "—"
                item = QListWidgetItem(f"  {c['number']}  {c['status']}  {deadline_word} {deadline}")
                item.setData(Qt.ItemDataRole.UserRole, c["id"])
                self.list.addItem(item)
        self.label.setText(self.tr("Click a case to select it on the map and in the queue."))

    def _pick(self, item: QListWidgetItem) -> None:
        case_id = item.data(Qt.ItemDataRole.UserRole)
        if case_id is not None:
            self.selection.case_selected.emit(int(case_id))


