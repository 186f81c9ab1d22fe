"""部件/事件分类: the administrator's page for the category catalogue — the tree 大类 → 小类 →
细类 with department, time limit and urgency; an edit form; a centre's own classes added; classes
retired and reinstated. Every write goes through console/services/categories.py on the task
runner as the signed-in administrator; a refusal is shown as its sentence and the form keeps
what was typed. The page re-reads when any seat changes the catalogue (the feed).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import describe_error
from console.domain.changes import ChangeKind
from console.live.tasks import TaskRunner
from console.services import categories
from console.services.actor import Actor
from console.services.cases import now

CODE_ROLE = Qt.ItemDataRole.UserRole
# what the form writes when saved.
EDIT, NEW_FINE, NEW_LOCAL, NEW_MAJOR = "edit", "fine", "local", "major"


@dataclass(frozen=True)
class Draft:
    """The form's fields, read once on the GUI thread and handed to the worker."""

    name: str
    major_name: str
    department_id: int | None
    time_limit: float
    time_unit: str
    urgent: bool


class CategoriesDialog(QDialog):
    """The catalogue's tree on the left, the chosen (or new) class's form on the right."""

    loaded = Signal(object)      # the CategoryTree on screen
    saved = Signal(str)          # the code written
    refused = Signal(str)        # the sentence shown

    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("categoriesDialog")
        self.setWindowTitle(self.tr("Categories"))
        self.resize(1180, 680)
        self.tasks, self.actor = tasks, actor
        self.data: categories.CategoryTree | None = None
        self.mode, self.target = EDIT, ""      # what Save does, and to which class / 大类
        self.read: categories.CategoryRow | None = None
        self._dirty = False
        self._pending_select = ""
        self.units = {"work_hours": self.tr("work hours"), "work_days": self.tr("work days"),
                      "hours": self.tr("hours (round the clock)")}
        self.short_units = {**self.units, "hours": self.tr("hours")}
        self.kinds = {"component": self.tr("Components (部件)"), "event": self.tr("Events (事件)")}

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("categorySearch")
        self.search.setPlaceholderText(self.tr("Find by code or name"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.show_retired = QCheckBox(self.tr("Show retired"), self)
        self.show_retired.setObjectName("showRetired")
        self.show_retired.setChecked(True)
        self.show_retired.toggled.connect(self._filter)
        top.addWidget(self.search, 1)
        top.addWidget(self.show_retired)
        layout.addLayout(top)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.tree = QTreeWidget(split)
        self.tree.setObjectName("categoryTree")
        self.tree.setHeaderLabels([self.tr("Code · name"), self.tr("Department"),
                                   self.tr("Time limit"), self.tr("Urgent"), self.tr("State"),
                                   self.tr("Cases")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for col, width in ((1, 150), (2, 110), (3, 56), (4, 64), (5, 56)):
            header.resizeSection(col, width)
        self.tree.currentItemChanged.connect(self._chosen)
        split.addWidget(self.tree)
        split.addWidget(self._build_form(split))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 460])
        layout.addWidget(split, 1)

        self.message = QLabel(self)
        self.message.setObjectName("categoriesMessage")
        self.message.setWordWrap(True)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self._show_form(None)
        self.reload()

    def _build_form(self, parent: QWidget) -> QWidget:
        box = QGroupBox(parent)
        box.setObjectName("categoryForm")
        self.form_box = box
        outer = QVBoxLayout(box)
        self.heading = QLabel(box)
        self.heading.setObjectName("categoryHeading")
        self.heading.setWordWrap(True)
        outer.addWidget(self.heading)
        form = QFormLayout()
        self.major_name = QLineEdit(box)
        self.major_name.setObjectName("majorName")
        self.major_name.setPlaceholderText(self.tr("e.g. 夜间经济"))
        self.name = QLineEdit(box)
        self.name.setObjectName("categoryName")
        self.department = QComboBox(box)
        self.department.setObjectName("categoryDepartment")
        limit_row = QHBoxLayout()
        self.limit = QDoubleSpinBox(box)
        self.limit.setObjectName("categoryLimit")
        self.limit.setRange(0, categories.MAX_TIME_LIMIT)
        self.limit.setDecimals(1)
        self.unit = QComboBox(box)
        self.unit.setObjectName("categoryUnit")
        for code, text in self.units.items():
            self.unit.addItem(text, code)
        limit_row.addWidget(self.limit)
        limit_row.addWidget(self.unit, 1)
        self.urgent = QCheckBox(self.tr("Urgent (急件)"), box)
        self.urgent.setObjectName("categoryUrgent")
        self.major_label = QLabel(self.tr("New class (大类)"), box)
        form.addRow(self.major_label, self.major_name)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Default department"), self.department)
        form.addRow(self.tr("Time limit"), limit_row)
        form.addRow("", self.urgent)
        outer.addLayout(form)
        for w in (self.name, self.major_name):
            w.textEdited.connect(self._edited)
        self.limit.valueChanged.connect(self._edited)
        for w in (self.department, self.unit):
            w.activated.connect(self._edited)
        self.urgent.toggled.connect(self._edited)

        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("&Save"), box)
        self.save_button.setObjectName("saveCategory")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self.tr("&Undo changes"), box)
        self.cancel_button.setObjectName("undoCategory")
        self.cancel_button.clicked.connect(lambda: self._chosen(self.tree.currentItem()))
        self.retire_button = QPushButton(self.tr("&Retire"), box)
        self.retire_button.setObjectName("retireCategory")
        self.retire_button.clicked.connect(self.toggle_active)
        row.addWidget(self.save_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        row.addWidget(self.retire_button)
        outer.addLayout(row)

        adds = QGroupBox(self.tr("Add"), box)
        add_layout = QVBoxLayout(adds)
        self.add_fine_button = QPushButton(self.tr("A third level (细类) under this class…"), adds)
        self.add_fine_button.setObjectName("addFine")
        self.add_fine_button.clicked.connect(lambda: self.start_new(NEW_FINE))
        self.add_local_button = QPushButton(self.tr("A local class (小类) in this 大类…"), adds)
        self.add_local_button.setObjectName("addLocal")
        self.add_local_button.clicked.connect(lambda: self.start_new(NEW_LOCAL))
        self.add_major_button = QPushButton(self.tr("A new local 大类 with its first class…"), adds)
        self.add_major_button.setObjectName("addMajor")
        self.add_major_button.clicked.connect(lambda: self.start_new(NEW_MAJOR))
        for b in (self.add_fine_button, self.add_local_button, self.add_major_button):
            add_layout.addWidget(b)
        note = QLabel(self.tr("Local codes are longer than the national five digits, so a later "
                              "national list can never take one. Classes are retired, never "
                              "deleted: cases that name one keep it."), adds)
        note.setWordWrap(True)
        note.setProperty("kind", "note")
        add_layout.addWidget(note)
        outer.addWidget(adds)
        outer.addStretch(1)
        return box

    # --- reading -------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        self.tasks.run(categories.category_tree, on_done=self._show, on_error=self._failed,
                       owner=self, key=(id(self), "tree"))

    def _show(self, data: categories.CategoryTree) -> None:
        keep = self._pending_select or self.current_code()
        self._pending_select = ""
        self.data = data
        self.department.clear()
        self.department.addItem(self.tr("(none)"), None)
        for dep_id, name in data.departments:
            self.department.addItem(name, dep_id)
        self.tree.blockSignals(True)
        self.tree.clear()
        kinds: dict[str, QTreeWidgetItem] = {}
        majors: dict[tuple[str, str], QTreeWidgetItem] = {}
        items: dict[str, QTreeWidgetItem] = {}
        for r in data.rows:
            kind = kinds.get(r.kind)
            if kind is None:
                kind = kinds[r.kind] = QTreeWidgetItem(self.tree, [self.kinds.get(r.kind, r.kind)])
                kind.setData(0, CODE_ROLE, f"kind:{r.kind}")
            major = majors.get((r.kind, r.major_code))
            if major is None:
                major = majors[(r.kind, r.major_code)] = QTreeWidgetItem(
                    kind, [f"{r.major_code} {r.major_name}"])
                major.setData(0, CODE_ROLE, f"major:{r.kind}:{r.major_code}")
            owner = items.get(r.parent_code, major) if r.parent_code else major
            item = items[r.code] = QTreeWidgetItem(owner, self._columns(r))
            item.setData(0, CODE_ROLE, r.code)
            if not r.active:
                for col in range(self.tree.columnCount()):
                    item.setForeground(col, self.palette().placeholderText())
        for kind in kinds.values():
            kind.setExpanded(True)
        self.tree.blockSignals(False)
        self._filter()
        chosen = items.get(keep)
        if chosen is not None:
            # Quietly: a re-read while the administrator types must not replace the form.
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(chosen)
            self.tree.blockSignals(False)
            if not self._dirty:
                self._show_form(data.get(keep))
            elif self.mode == EDIT:     # the typing stays; Retire/Reinstate follows the class
                self._enable(data.get(self.target), "")
        elif not self._dirty:
            self._show_form(None)
        self.loaded.emit(data)

    def _columns(self, r: categories.CategoryRow) -> list[str]:
        limit = f"{r.time_limit:g} {self.short_units.get(r.time_unit, r.time_unit)}"
        state = self.tr("in use") if r.active else self.tr("retired")
        if r.active and not r.national:
            state = self.tr("local")
        return [f"{r.code} {r.name}", r.department_name, limit, self.tr("yes") if r.urgent else "",
                state, str(r.cases) if r.cases else ""]

    def _failed(self, exc: BaseException) -> None:
        text = describe_error(exc)
        self.message.setText(text)
        self.refused.emit(text)

    @Slot(object)
    def on_feed(self, batch) -> None:
        """Another seat (or this one) changed the catalogue or the departments: re-read it."""
        if any(row.entity in (ChangeKind.CATEGORY, ChangeKind.DEPARTMENT) for row in batch.rows):
            self.reload()

    def _filter(self, *_args) -> None:
        words = self.search.text().strip().lower()
        retired = self.show_retired.isChecked()

        def visit(item: QTreeWidgetItem) -> bool:
            code = item.data(0, CODE_ROLE) or ""
            row = self.data.get(code) if self.data and ":" not in code else None
            shown_children = [visit(item.child(i)) for i in range(item.childCount())]
            own = row is not None and (retired or row.active) and (
                not words or words in item.text(0).lower())
            visible = own or any(shown_children)
            item.setHidden(not visible)
            if words and any(shown_children):
                item.setExpanded(True)
            return visible
        for i in range(self.tree.topLevelItemCount()):
            visit(self.tree.topLevelItem(i))

    # --- the form ------------------------------------------------------------------------

    def current_code(self) -> str:
        item = self.tree.currentItem()
        return (item.data(0, CODE_ROLE) or "") if item is not None else ""

    def _chosen(self, item: QTreeWidgetItem | None, *_args) -> None:
        code = (item.data(0, CODE_ROLE) or "") if item is not None else ""
        row = self.data.get(code) if self.data is not None else None
        self._show_form(row, major=code if code.startswith("major:") else "")

    def _show_form(self, row: categories.CategoryRow | None, *, major: str = "") -> None:
        """Fill the form from a class (EDIT), or empty it when no class is chosen."""
        self.mode, self.target = EDIT, row.code if row else ""
        self.read = row          # what an edit expects to find still (categories.edit_category)
        self._fill(row.name if row else "", "", row.department_id if row else None,
                   row.time_limit if row else 0, row.time_unit if row else "work_days",
                   row.urgent if row else False)
        if row is None:
            self.heading.setText(self.tr("Choose a class in the tree.") if not major else
                                 self.tr("A 大类: add a local class to it, or choose one of its "
                                         "classes."))
        else:
            level = self.tr("细类 under {parent}").format(parent=row.parent_code) \
                if row.level == 3 else self.tr("小类 of {major} {name}").format(
                    major=row.major_code, name=row.major_name)
            text = f"{row.code} · {level}"
            if not row.active:
                text += " · " + self.tr("retired: not offered for new cases")
            self.heading.setText(text)
        self._enable(row, major)

    def _fill(self, name, major_name, dep, limit, unit, urgent) -> None:
        self.name.setText(name)
        self.major_name.setText(major_name)
        self.department.setCurrentIndex(max(0, self.department.findData(dep)))
        self.limit.blockSignals(True)
        self.limit.setValue(limit)
        self.limit.blockSignals(False)
        self.unit.setCurrentIndex(max(0, self.unit.findData(unit)))
        self.urgent.blockSignals(True)
        self.urgent.setChecked(bool(urgent))
        self.urgent.blockSignals(False)
        self._dirty = False

    def _enable(self, row: categories.CategoryRow | None, major: str) -> None:
        new = self.mode != EDIT
        editing = row is not None or new
        for w in (self.name, self.department, self.limit, self.unit, self.urgent,
                  self.save_button):
            w.setEnabled(editing)
        self.cancel_button.setEnabled(editing)
        self.major_name.setVisible(self.mode == NEW_MAJOR)
        self.major_label.setVisible(self.mode == NEW_MAJOR)
        self.retire_button.setEnabled(row is not None and not new)
        self.retire_button.setText(self.tr("&Reinstate") if row is not None and not row.active
                                   else self.tr("&Retire"))
        self.add_fine_button.setEnabled(row is not None and row.level == 2 and row.active)
        self.add_local_button.setEnabled(row is not None or bool(major))
        self.add_major_button.setEnabled(True)

    def _edited(self, *_args) -> None:
        self._dirty = True

    def start_new(self, mode: str) -> None:
        """Turn the form into a new class's: a 细类 of the chosen 小类, a local 小类 of the chosen
        大类, or a new local 大类 — with the chosen class's department and limit to start from."""
        code = self.current_code()
        row = self.data.get(code) if self.data is not None else None
        kind, major = "event", ""
        if code.startswith("major:"):
            _, kind, major = code.split(":")
        elif code.startswith("kind:"):
            kind = code.split(":")[1]
        elif row is not None:
            kind, major = row.kind, row.major_code
        self.mode = mode
        self.target = {NEW_FINE: code, NEW_LOCAL: f"{kind}:{major}", NEW_MAJOR: kind}[mode]
        self._fill("", "", row.department_id if row else None, row.time_limit if row else 3,
                   row.time_unit if row else "work_days", row.urgent if row else False)
        major_name = next((n for m, n in self.data.majors(kind) if m == major), major) \
            if self.data else major
        self.heading.setText({
            NEW_FINE: self.tr("New 细类 under {code}").format(code=code),
            NEW_LOCAL: self.tr("New local class in {major} {name}").format(major=major,
                                                                          name=major_name),
            NEW_MAJOR: self.tr("New local 大类 of {kind}").format(kind=self.kinds.get(kind, kind)),
        }[mode])
        self._enable(row, major)
        self._dirty = True          # an empty new class is unsaved too: a re-read keeps it
        (self.major_name if mode == NEW_MAJOR else self.name).setFocus()

    def draft(self) -> Draft:
        return Draft(self.name.text(), self.major_name.text(), self.department.currentData(),
                     self.limit.value(), self.unit.currentData(), self.urgent.isChecked())

    # --- writing -------------------------------------------------------------------------

    def save(self) -> None:
        actor, d, mode, target, read = self.actor, self.draft(), self.mode, self.target, self.read
        if mode == EDIT and not target:
            return
        at = now()
        if mode == EDIT:
            def write(s):
                categories.edit_category(s, actor, target, name=d.name,
                                         department_id=d.department_id,
                                         time_limit=d.time_limit, time_unit=d.time_unit,
                                         urgent=d.urgent, at=at, expected=read)
                return target
        elif mode == NEW_FINE:
            def write(s):
                return categories.add_subclass(s, actor, target, name=d.name,
                                               department_id=d.department_id,
                                               time_limit=d.time_limit, time_unit=d.time_unit,
                                               urgent=d.urgent, at=at)
        else:
            kind, _, major = target.partition(":")

            def write(s):
                return categories.add_class(
                    s, actor, kind=kind, name=d.name, time_limit=d.time_limit,
                    time_unit=d.time_unit, department_id=d.department_id, urgent=d.urgent,
                    major_code=major if mode == NEW_LOCAL else None,
                    major_name=d.major_name if mode == NEW_MAJOR else None, at=at)
        self._write(write)

    def toggle_active(self) -> None:
        row = self.data.get(self.target) if self.data and self.mode == EDIT else None
        if row is None:
            return
        actor, code, active = self.actor, row.code, not row.active

        def write(s):
            categories.set_active(s, actor, code, active, at=now())
            return code
        self._write(write, keep_form=True)

    def _write(self, fn, *, keep_form: bool = False) -> None:
        self.message.setText(self.tr("Saving…"))
        self.save_button.setEnabled(False)

        def done(code: str) -> None:
            self.message.setText(self.tr("{code} saved; every seat's pickers follow.")
                                 .format(code=code))
            if not keep_form or not self._dirty:
                self._dirty = False
            self.mode, self._pending_select = EDIT, code
            self.saved.emit(code)
            self.reload()

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)   # what was typed stays for another try
            self._failed(exc)
        self.tasks.run(fn, on_done=done, on_error=failed, owner=self)
