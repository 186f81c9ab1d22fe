"""热线受理: the hotline new-case form — caller, category, location, description, duplicates.

The location comes from a map click, a cell code or an address (earlier reports at that
address, community names). As soon as category and location are known, open cases of the
same minor category within 50 m in the last 24 hours are listed; one of them can take the call
as a duplicate instead of a new case. Nothing the user typed is lost on a refusal.
"""
from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.domain.errors import DomainError
from console.domain.limits import TEXT_LIMITS
from console.live.tasks import TaskRunner
from console.services import caller_history, cases, frontage, hotline
from console.services.actor import Actor
from console.services.hotline import DuplicateCandidate, Place
from console.services.queues import References
from console.common.messages import describe_error, is_busy, is_refusal, source_name, status_name
from console.ui.frontage_panel import FrontagePanel
from console.ui.queues.caller_history_box import CallerHistoryBox
from console.ui.queues.category_picker import CategoryPicker
from console.ui.queues.texts import short_time
from console.common.theme import set_state

INTAKE_SOURCES = ("hotline", "public", "leader", "video")
DUPLICATE_DELAY_MS = 300


class NewCaseForm(QDialog):
    """`created(case_id)` after a save or a merge (the case the call ended up on)."""

    created = Signal(int, str)   # case id, message
    case_opened = Signal(int)    # a case of the caller's history, to show in the queues

    def __init__(self, tasks: TaskRunner, actor: Actor, refs: References,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newCaseForm")
        self.setWindowTitle(self.tr("Hotline intake · new case"))
        self.setMinimumWidth(600)
        self._tasks, self._actor, self._refs = tasks, actor, refs
        self.place: Place | None = None
        self.candidates: list[DuplicateCandidate] = []
        self._busy = False
        # The form's own key, sent with every save: when a save's answer is lost (the connection
        # dropped during the commit), saving again returns the case filed, not a second one.
        self._client_key = uuid.uuid4().hex
        self._dup_timer = QTimer(self, singleShot=True, interval=DUPLICATE_DELAY_MS)
        self._dup_timer.timeout.connect(self._look_for_duplicates)

        layout = QVBoxLayout(self)
        self.banner = QLabel(self)
        self.banner.setObjectName("formError")
        self.banner.setProperty("kind", "errorBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)

        self.caller = QLineEdit(self)
        self.caller.setObjectName("caller")
        self.caller.setPlaceholderText(self.tr("Name (may stay empty)"))
        self.caller.setMaxLength(TEXT_LIMITS["reporter_name"].max_length)
        self.phone = QLineEdit(self)
        self.phone.setObjectName("phone")
        self.phone.setPlaceholderText(self.tr("e.g. 13812345678 or 0571-87654321"))
        self.phone.setMaxLength(20)
        self.phone.textEdited.connect(self._check_phone)
        self.phone_hint = QLabel(self)
        self.phone_hint.setObjectName("phoneHint")
        self.phone_hint.setProperty("kind", "fieldError")
        self.phone_hint.hide()
        caller_row = QHBoxLayout()
        caller_row.addWidget(self.caller, 2)
        caller_row.addWidget(QLabel(self.tr("Phone")), 0)
        caller_row.addWidget(self.phone, 3)
        form.addRow(self.tr("Caller"), caller_row)
        form.addRow("", self.phone_hint)
        # The caller's earlier calls: a repeat call is linked to its case, not filed again.
        self.history = CallerHistoryBox(tasks, actor, self)
        self.phone.textEdited.connect(self.history.phone_changed)
        self.history.open_requested.connect(self.case_opened)
        self.history.link_requested.connect(self._link_call)
        form.addRow("", self.history)

        self.source = QComboBox(self)
        self.source.setObjectName("source")
        for code in INTAKE_SOURCES:
            self.source.addItem(source_name(code), code)
        self.category = CategoryPicker(self)
        self.category.setObjectName("category")
        self.category.set_categories(refs.categories)
        self.category.code_changed.connect(self._category_changed)
        self.urgent = QCheckBox(self.tr("Urgent"), self)
        self.urgent.setObjectName("urgent")
        category_row = QHBoxLayout()
        category_row.addWidget(self.category, 1)
        category_row.addWidget(self.urgent)
        form.addRow(self.tr("Source"), self.source)
        form.addRow(self.tr("Category"), category_row)

        self.pick = QPushButton(self.tr("Pick on map"), self)
        self.pick.setObjectName("pickOnMap")
        self.pick.setCheckable(True)
        self.pick.setToolTip(self.tr("Then click the place on the map"))
        self.cell = QLineEdit(self)
        self.cell.setObjectName("cellCode")
        self.cell.setPlaceholderText(self.tr("Cell code, Enter"))
        self.cell.returnPressed.connect(self._cell_entered)
        self.address = QLineEdit(self)
        self.address.setObjectName("address")
        self.address.setPlaceholderText(self.tr("Address as the caller says it"))
        self.address.setMaxLength(TEXT_LIMITS["address"].max_length)
        self.find = QPushButton(self.tr("Find"), self)
        self.find.setObjectName("findAddress")
        self.find.setToolTip(self.tr("Look the address up among earlier reports and communities"))
        self.find.clicked.connect(self._find_address)
        where_row = QHBoxLayout()
        where_row.addWidget(self.pick)
        where_row.addWidget(self.cell, 1)
        form.addRow(self.tr("Location"), where_row)
        address_row = QHBoxLayout()
        address_row.addWidget(self.address, 1)
        address_row.addWidget(self.find)
        form.addRow(self.tr("Address"), address_row)
        self.places = QListWidget(self)
        self.places.setObjectName("placeChoices")
        self.places.setMaximumHeight(110)
        self.places.hide()
        self.places.itemActivated.connect(self._place_chosen)
        form.addRow("", self.places)
        self.place_label = QLabel(self.tr("No location yet"), self)
        self.place_label.setObjectName("placeLabel")
        self.place_label.setProperty("kind", "note")
        self.place_label.setWordWrap(True)
        form.addRow("", self.place_label)

        self.description = QPlainTextEdit(self)
        self.description.setObjectName("description")
        self.description.setPlaceholderText(self.tr("What the caller reports"))
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(80)
        form.addRow(self.tr("Description"), self.description)

        self.duplicates_box = QWidget(self)
        box = QVBoxLayout(self.duplicates_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.duplicates_title = QLabel(self)
        self.duplicates_title.setProperty("kind", "warningText")
        self.duplicates = QTreeWidget(self)
        self.duplicates.setObjectName("duplicates")
        self.duplicates.setHeaderLabels([self.tr("Case"), self.tr("Status"), self.tr("Distance"),
                                         self.tr("Reported"), self.tr("Description")])
        self.duplicates.setRootIsDecorated(False)
        self.duplicates.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.duplicates.setMaximumHeight(120)
        self.merge = QPushButton(self.tr("Merge as duplicate"), self)
        self.merge.setObjectName("mergeDuplicate")
        self.merge.setToolTip(self.tr("Record the call on the selected case instead of a new one"))
        self.merge.clicked.connect(self._merge)
        box.addWidget(self.duplicates_title)
        box.addWidget(self.duplicates)
        box.addWidget(self.merge, 0, Qt.AlignmentFlag.AlignRight)
        self.duplicates_box.hide()
        layout.addWidget(self.duplicates_box)
        self.frontage = FrontagePanel(tasks, actor, self)
        layout.addWidget(self.frontage)

        self.buttons = QDialogButtonBox(self)
        self.save = self.buttons.addButton(self.tr("Save new case"),
                                           QDialogButtonBox.ButtonRole.AcceptRole)
        self.save.setObjectName("saveCase")
        self.save.setToolTip(self.tr("Ctrl+Enter"))
        # Offered when the database was held by another program: what failed, once more.
        self.retry = self.buttons.addButton(self.tr("Try again"),
                                            QDialogButtonBox.ButtonRole.ActionRole)
        self.retry.setObjectName("retrySave")
        self.retry.hide()
        self.retry.clicked.connect(self._retry)
        self._last_attempt = self.submit
        self.cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.submit)
        self.caller.setFocus()

    # --- location --------------------------------------------------------------------------

    def set_actor(self, actor: Actor) -> None:
        """Who files the report when it is saved (the next user after a shift change)."""
        self._actor = self.frontage.actor = actor
        self.history.set_actor(actor)

    @property
    def picking(self) -> bool:
        return self.pick.isChecked()

    def set_point(self, lon: float, lat: float) -> None:
        """A point from the map (the user clicked it)."""
        self.pick.setChecked(False)
        self._resolve(lambda s: hotline.place_at(s, lon, lat))

    def set_cell(self, code: str) -> None:
        """A cell from the map or typed: its centre is the location."""
        self.pick.setChecked(False)
        self.cell.setText(code)
        self._resolve(lambda s: hotline.place_of_cell(s, code))

    def _cell_entered(self) -> None:
        if self.cell.text().strip():
            self.set_cell(self.cell.text().strip())

    def _resolve(self, fn) -> None:
        self._tasks.run(fn, on_done=self._set_place, on_error=self._show_refusal, owner=self)

    def _set_place(self, place: Place) -> None:
        self.place = place
        self.cell.setText(place.cell_code)
        if place.label and not self.address.text().strip():
            self.address.setText(place.label)
        self.place_label.setText(self.tr("Cell {cell} · {street} {community} · {lon}, {lat}")
                                 .format(cell=place.cell_code, street=place.street,
                                         community=place.community, lon=f"{place.lon:.6f}",
                                         lat=f"{place.lat:.6f}"))
        self.places.hide()
        self.adjustSize()
        self._dup_timer.start()

    def _find_address(self) -> None:
        text = self.address.text().strip()
        if not text:
            self._show_refusal(DomainError("location_required"))
            return
        self._tasks.run(lambda s: hotline.find_places(s, text), on_done=self._show_places,
                        on_error=self._show_refusal, owner=self)

    def _show_places(self, places: list[Place]) -> None:
        self.places.clear()
        if not places:
            self.places.hide()
            self.place_label.setText(self.tr(
                "No earlier report or community matches this address: pick the place on the map "
                "or give the cell."))
            return
        for p in places:
            item = QListWidgetItem(self.tr("{label} — cell {cell}, {community}").format(
                label=p.label, cell=p.cell_code, community=p.community))
            item.setData(Qt.ItemDataRole.UserRole, p)
            self.places.addItem(item)
        self.places.show()
        self.adjustSize()
        self.places.setCurrentRow(0)
        self.places.setFocus()

    def _place_chosen(self, item: QListWidgetItem) -> None:
        self._set_place(item.data(Qt.ItemDataRole.UserRole))

    # --- category, phone, duplicates ---------------------------------------------------------

    def set_references(self, refs: References) -> None:
        """The catalogue changed (a class added, edited or retired at any seat): offer it as it
        is now, keeping the chosen class unless it was retired."""
        self._refs = refs
        self.category.set_categories(refs.categories)

    def _category_changed(self, code: str) -> None:
        cat = self._refs.category(code) if code else None
        if cat is not None:
            self.urgent.setChecked(cat.urgent)
        self._dup_timer.start()

    def _check_phone(self) -> bool:
        try:
            cases.validate_phone(self.phone.text())
        except DomainError as exc:
            self.phone_hint.setText(describe_error(exc))
            self.phone_hint.show()
            set_state(self.phone, "invalid", "true")
            return False
        self.phone_hint.clear()
        self.phone_hint.hide()
        set_state(self.phone, "invalid", "false")
        return True

    def _look_for_duplicates(self) -> None:
        code, place = self.category.code(), self.place
        self.frontage.look(code, place.lon if place else None, place.lat if place else None)
        if not code or place is None:
            self._show_duplicates([])
            return
        self._tasks.run(lambda s: hotline.duplicate_candidates(s, code, place.lon, place.lat),
                        on_done=self._show_duplicates, on_error=self._show_refusal, owner=self)

    def _show_duplicates(self, found: list[DuplicateCandidate]) -> None:
        self.candidates = found
        self.duplicates.clear()
        for c in found:
            item = QTreeWidgetItem([c.number, status_name(c.status),
                                    self.tr("{metres} m").format(metres=f"{c.distance_m:.0f}"),
                                    short_time(c.reported_at), c.description or c.address])
            item.setData(0, Qt.ItemDataRole.UserRole, c.id)
            self.duplicates.addTopLevelItem(item)
        self.duplicates_title.setText(self.tr(
            "Possible duplicates: {n} open case(s) of this kind within 50 m in the last 24 hours")
            .format(n=len(found)))
        self.duplicates_box.setVisible(bool(found))
        self.adjustSize()
        if found:
            self.duplicates.setCurrentItem(self.duplicates.topLevelItem(0))
            for column in range(4):   # a few rows: sizing them to the text costs nothing
                self.duplicates.resizeColumnToContents(column)

    # --- saving ------------------------------------------------------------------------------

    def report_fields(self) -> dict[str, Any]:
        """The form as arguments of cases.report; DomainError for the first thing missing."""
        phone = self.phone.text().strip()
        if not phone and self.source.currentData() == "hotline":
            raise DomainError("phone_required")
        phone = cases.validate_phone(phone)
        code = self.category.code()
        if not code:
            raise DomainError("category_required")
        if self.place is None:
            raise DomainError("location_required")
        description = self.description.toPlainText().strip()
        if not description:
            raise DomainError("description_required")
        return dict(category_code=code, source=self.source.currentData(), lon=self.place.lon,
                    lat=self.place.lat, address=self.address.text().strip(),
                    description=description, urgent=self.urgent.isChecked(),
                    reporter_name=self.caller.text().strip() or None, reporter_phone=phone)

    def submit(self) -> None:
        """Save as a new case."""
        if self._busy:
            return
        self._last_attempt = self.submit
        try:
            fields = self.report_fields()
        except DomainError as exc:
            self._show_refusal(exc)
            return
        actor, unit, key = self._actor, self.frontage.chosen(), self._client_key
        self._set_busy(True)
        if unit is None:
            save = lambda s: cases.report(s, actor, client_key=key, **fields)   # noqa: E731
        else:      # the unit the dispatcher confirmed, in the same transaction
            save = lambda s: frontage.report_case(s, actor, unit, client_key=key,  # noqa: E731
                                                  **fields)
        self._tasks.run(save, on_done=self._saved, on_error=self._failed, owner=self)

    def _merge(self) -> None:
        item = self.duplicates.currentItem()
        if item is None or self._busy:
            return
        self._last_attempt = self._merge
        try:
            fields = self.report_fields()
        except DomainError as exc:
            self._show_refusal(exc)
            return
        target = next(c for c in self.candidates if c.id == item.data(0, Qt.ItemDataRole.UserRole))
        reason = self.tr("Duplicate of case {number}").format(number=target.number)
        note = self.tr("Repeat report by {caller} {phone}: {description}").format(
            caller=fields["reporter_name"] or self.tr("a caller"),
            phone=fields["reporter_phone"] or "",
            description=fields["description"])
        actor = self._actor
        self._set_busy(True)
        self._tasks.run(lambda s: hotline.merge_duplicate(s, actor, target.id, target.version,
                                                          reason=reason, note=note, **fields),
                        on_done=lambda _c: self._merged(target), on_error=self._failed, owner=self)

    def _link_call(self, target) -> None:
        """The call is about an open case of the caller's: recorded on it, nothing filed."""
        if self._busy:
            return
        self._last_attempt = lambda: self._link_call(target)
        try:
            phone = cases.validate_phone(self.phone.text())
        except DomainError as exc:
            self._show_refusal(exc)
            return
        caller = self.caller.text().strip() or None
        said = self.description.toPlainText().strip()
        note = self.tr("Repeat call by {caller} {phone}: {description}").format(
            caller=caller or self.tr("a caller"), phone=phone or "",
            description=said or self.tr("asks after the case"))
        actor = self._actor
        self._set_busy(True)
        self._tasks.run(lambda s: caller_history.link_repeat_call(
            s, actor, target.id, target.version, phone=phone, caller_name=caller, note=note),
            on_done=lambda _c: self._linked(target), on_error=self._failed, owner=self)

    def _linked(self, target) -> None:
        self._set_busy(False)
        self.created.emit(target.id, self.tr("The call was recorded on case {number} as a "
                                             "repeat call.").format(number=target.number))
        self.accept()

    def _saved(self, change: cases.CaseChange) -> None:
        self._set_busy(False)
        self.created.emit(change.case_id, self.tr("New case {number} saved.").format(
            number=change.number))
        self.accept()

    def _merged(self, target: DuplicateCandidate) -> None:
        self._set_busy(False)
        self.created.emit(target.id, self.tr("The call was recorded on case {number} as a "
                                             "duplicate.").format(number=target.number))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._show_refusal(exc)
        self._dup_timer.start()   # a stale duplicate list is one reason a merge fails

    def _retry(self) -> None:
        self._last_attempt()

    def _show_refusal(self, exc: BaseException) -> None:
        self.banner.setText(describe_error(exc))
        self.banner.show()
        self.retry.setVisible(is_busy(exc))
        self.adjustSize()
        code = exc.code if is_refusal(exc) else ""
        focus = {"bad_phone": self.phone, "phone_required": self.phone,
                 "category_required": self.category, "unknown_category": self.category,
                 "location_required": self.address, "unknown_cell": self.cell,
                 "description_required": self.description}.get(code)
        if focus is not None:
            focus.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.save.setEnabled(not busy)
        self.retry.setEnabled(not busy)
        self.merge.setEnabled(not busy)
        self.history.set_enabled_actions(not busy)
        # Closing while saving would drop the answer of a case already saved: it could be
        # entered twice. Esc, Cancel and the window's close wait for it.
        self.cancel.setEnabled(not busy)

    @property
    def busy(self) -> bool:
        return self._busy

    def reject(self) -> None:
        if self._busy:
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:   # noqa: N802 — Qt's name
        if self._busy:
            event.ignore()
            return
        super().closeEvent(event)
