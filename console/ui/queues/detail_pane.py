"""The case detail pane: every field, photos, the full timeline, and the actions allowed now."""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.common.messages import action_name, role_name, source_name, status_name
from console.common.theme import severity_color
from console.mappage.styles import SUPERVISION_COLOURS
from console.paths import data_dir
from console.services.case_desk import CaseDetail
from console.services.queues import QueueRow
from console.ui.queues.action_dialog import unit_name
from console.ui.queues.supervision_badge import supervision_level_name
from console.ui.queues.supervision_box import SupervisionBox
from console.ui.queues.joint_parts import JointParts
from console.ui.queues.texts import full_time

THUMBNAIL = QSize(120, 90)
# What the field app (城管通) writes into a report's description when a photo's own time or
# place disagrees with the report (services/field_reports.photo_flags).
PHOTO_CHECK = "【照片核验】"
CHECK_COLOURS = {"handled": "#1b7f3b", "not_handled": "#c0392b"}


def photo_file(path: str) -> str:
    """A stored photo's file: intake keeps `photos/<sha256>.<ext>` under the data folder."""
    if Path(path).is_absolute() or Path(path).is_file():
        return path
    return str(data_dir() / path)


class _PhotoLabel(QLabel):
    clicked = Signal()

    def mousePressEvent(self, event) -> None:
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        event.accept()
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()


def load_thumbnail(path: str) -> QImage:
    """A photo scaled for the pane (worker thread: QImage, unlike QPixmap, may be made there)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio))
    return reader.read()


class _FlowRow(QWidget):
    """Buttons in rows that wrap at the pane's width (a dock may be narrow)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._buttons: list[QWidget] = []

    def set_buttons(self, buttons: list[QWidget], per_row: int = 4) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.layout() is not None:
                while item.layout().count():
                    item.layout().takeAt(0)
        for old in self._buttons:
            if old not in buttons:
                old.deleteLater()
        self._buttons = buttons
        for start in range(0, len(buttons), per_row):
            row = QHBoxLayout()
            row.setSpacing(4)
            for b in buttons[start:start + per_row]:
                row.addWidget(b)
            row.addStretch(1)
            self._layout.addLayout(row)


class DetailPane(QScrollArea):
    """Shows one case (or a summary of a multi-selection); `photo_wanted(path)` asks the dock
    to read a thumbnail off the GUI thread."""

    show_on_map = Signal(int)
    photo_wanted = Signal(str)
    photo_opened = Signal(list, int)    # [(file, caption)], the one clicked: show it large

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseDetail")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self)
        body.setObjectName("caseDetailBody")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(8, 6, 8, 8)
        self.title = QLabel(self.tr("No case selected"), body)
        self.title.setObjectName("detailTitle")
        self.title.setProperty("kind", "detailTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badges = QLabel(body)
        self.badges.setProperty("kind", "detailBadges")
        self.badges.setTextFormat(Qt.TextFormat.RichText)
        self.map_button = QPushButton(self.tr("Show on map"), body)
        self.map_button.setObjectName("showOnMap")
        self.map_button.setToolTip(self.tr("Centre the map on this case (M)"))
        self.map_button.clicked.connect(self._map_clicked)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.map_button)
        outer.addLayout(head)
        outer.addWidget(self.badges)
        self.actions_row = _FlowRow(body)
        self.actions_row.setObjectName("detailActions")
        outer.addWidget(self.actions_row)
        self.hint = QLabel(body)
        self.hint.setProperty("kind", "note")
        self.hint.setWordWrap(True)
        outer.addWidget(self.hint)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setVerticalSpacing(3)
        outer.addLayout(self.form)
        self.joint_parts = JointParts(body)   # a joint case's departments (主办/协办)
        outer.addWidget(self.joint_parts)
        self.photos = QHBoxLayout()
        outer.addLayout(self.photos)
        self.supervision = SupervisionBox(body)
        outer.addWidget(self.supervision)
        self.extras = QVBoxLayout()      # sections other features add (门前三包)
        outer.addLayout(self.extras)
        self.timeline_title = QLabel(self.tr("Timeline"), body)
        self.timeline_title.setProperty("kind", "sectionTitle")
        outer.addWidget(self.timeline_title)
        self.timeline = QLabel(body)
        self.timeline.setObjectName("detailTimeline")
        self.timeline.setTextFormat(Qt.TextFormat.RichText)
        self.timeline.setWordWrap(True)
        self.timeline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.timeline.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        outer.addWidget(self.timeline)
        outer.addStretch(1)
        self.setWidget(body)
        self.detail: CaseDetail | None = None
        self._photo_labels: dict[str, QLabel] = {}
        self.clear()

    # --- contents ---------------------------------------------------------------------------

    def clear(self, text: str | None = None) -> None:
        self.detail = None
        self.title.setText(text or self.tr("No case selected"))
        self.badges.clear()
        self.hint.setText(self.tr("Select a case in the queue. ↑/↓ move, the letters on the "
                                  "buttons act (R register, D dispatch, K check, C close…), "
                                  "Ctrl+N takes a hotline call."))
        self.map_button.setEnabled(False)
        self._clear_form()
        self.joint_parts.show_parts(())
        self.timeline_title.hide()
        self.timeline.clear()
        self.actions_row.set_buttons([])
        self.supervision.show_case(None)
        for i in range(self.extras.count()):
            self.extras.itemAt(i).widget().hide()

    def show_reading(self, number: str) -> None:
        """Another case was selected and is being read: drop the previous one meanwhile."""
        self.clear(self.tr("Case {number}").format(number=number) if number else None)
        self.hint.setText("")

    def show_selection(self, rows: list[QueueRow], buttons: list[QToolButton]) -> None:
        """Several cases selected: what the bulk actions will touch."""
        self.clear(self.tr("{n} cases selected").format(n=len(rows)))
        self.hint.setText(self.tr("Bulk dispatch (D) and bulk close (C) act on every selected "
                                  "case that allows it; the others are named with the reason."))
        self.actions_row.set_buttons(buttons)

    def show_detail(self, d: CaseDetail, buttons: list[QToolButton]) -> None:
        """Show a case; `buttons` are the actions the signed-in role may take on it now."""
        keep = self.verticalScrollBar().value() if self.detail and self.detail.id == d.id else 0
        self.detail = d
        self.title.setText(self.tr("Case {number}").format(number=d.number))
        badges = [f"<b>{html.escape(status_name(d.status))}</b>"]
        if d.urgent:
            red, urgent = severity_color("critical").name(), html.escape(self.tr("Urgent"))
            badges.append(f"<span style='color:{red}'><b>{urgent}</b></span>")
        if d.supervision_level:
            colour = SUPERVISION_COLOURS.get(d.supervision_level, "#888")
            badges.append(f"<span style='background:{colour}; color:#111'>&nbsp;"
                          f"{html.escape(supervision_level_name(d.supervision_level))}&nbsp;</span>")
        if d.extension_pending:
            badges.append(html.escape(self.tr("Extension to {deadline} awaits approval").format(
                deadline=full_time(d.requested_deadline))))
        red = severity_color("critical").name()
        if PHOTO_CHECK in d.description:
            badges.append(f"<span style='background:{red}; color:white'>&nbsp;"
                          f"{html.escape(self.tr('Photo check'))}&nbsp;</span>")
        answers = [e for e in d.timeline if e.check_result]
        if answers:
            last = answers[-1].check_result
            badges.append(f"<span style='background:{CHECK_COLOURS.get(last, red)}; "
                          f"color:white'>&nbsp;{html.escape(self._check_text(last))}&nbsp;</span>")
        self.badges.setText(" · ".join(badges))
        self.map_button.setEnabled(d.lon is not None)
        self.joint_parts.show_parts(d.parts, d.id, case_status=d.status,
                                    case_department=d.department_id)
        self.show_actions(buttons)
        self._fill_form(d)
        self._fill_photos(d)
        self._fill_timeline(d)
        self.supervision.show_case(d.id, d.department_id, d.status)
        self.verticalScrollBar().setValue(keep)

    def show_actions(self, buttons: list[QToolButton]) -> None:
        """The buttons of the actions possible now (or why there are none)."""
        self.actions_row.set_buttons(buttons)
        if self.detail is not None and self.detail.parts:
            self.joint_parts.refresh_buttons()    # the signed-in user may have changed
        if buttons:
            self.hint.setText("")
        elif self.joint_parts.part_buttons:
            self.hint.setText(self.tr("A joint case: act on the department's part under "
                                      "Departments below."))
        else:
            self.hint.setText(self.tr("Your role can take no action on this case in its "
                                      "current state."))

    def _clear_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        while self.photos.count():
            item = self.photos.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self._photo_labels = {}

    def _row(self, label: str, value: str, name: str = "", colour: str = "") -> None:
        text = QLabel(value or "—")
        text.setWordWrap(True)
        if colour:
            text.setStyleSheet(f"color:{colour}; font-weight:bold")
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if name:
            text.setObjectName(name)
        caption = QLabel(label)
        caption.setProperty("kind", "fieldLabel")
        self.form.addRow(caption, text)

    def _fill_form(self, d: CaseDetail) -> None:
        self._clear_form()
        region = " · ".join(x for x in (d.district, d.street, d.community) if x)
        limit = f"{d.time_limit:g} {unit_name(d.time_unit)}"
        self._row(self.tr("Category"), f"{d.category_code} {d.category_name}（{d.major_name}）· "
                  + self.tr("limit {limit}").format(limit=limit), "detailCategory")
        self._row(self.tr("Location"), self.tr("Cell {cell}\n{region}").format(
            cell=d.cell_code or "—", region=region), "detailLocation")
        self._row(self.tr("Address"), d.address, "detailAddress")
        if d.lon is not None:
            self._row(self.tr("Coordinates"), f"{d.lon:.6f}, {d.lat:.6f}")
        description, _, flags = d.description.partition(PHOTO_CHECK)
        self._row(self.tr("Description"), description.strip(), "detailDescription")
        if flags:
            self._row(self.tr("Photo check"), flags.strip(), "detailPhotoCheck",
                      colour=severity_color("critical").name())
        reporter = " ".join(x for x in (d.reporter_name, d.reporter_phone, d.reporter_patrol) if x)
        self._row(self.tr("Source"), f"{source_name(d.source)} · {reporter}" if reporter
                  else source_name(d.source), "detailSource")
        self._row(self.tr("Reported"), full_time(d.reported_at))
        if d.external_id:
            self._row(self.tr("Reference"), d.external_id)   # the field app's own request id
        self._row(self.tr("Department"), d.department_name, "detailDepartment")
        self._row(self.tr("Deadline"), full_time(d.deadline) if d.deadline else "",
                  "detailDeadline")
        times = [(self.tr("registered"), d.registered_at), (self.tr("dispatched"), d.dispatched_at),
                 (self.tr("handled"), d.handled_at), (self.tr("closed"), d.closed_at)]
        done = [f"{name} {full_time(at)}" for name, at in times if at is not None]
        if done:
            self._row(self.tr("Progress"), "\n".join(done))
        if d.check_patrol:
            self._row(self.tr("Checked by"), d.check_patrol)
        counts = [(self.tr("rework"), d.rework_count), (self.tr("extensions"), d.extension_count),
                  (self.tr("returns"), d.return_count)]
        if any(n for _, n in counts):
            self._row(self.tr("Counts"), " · ".join(f"{name} {n}" for name, n in counts if n))
        if d.campaigns:
            self._row(self.tr("Campaigns"), "、".join(d.campaigns))
        if d.duplicate_of:
            self._row(self.tr("Duplicate of"), d.duplicate_of)
        if d.duplicates:
            self._row(self.tr("Duplicate reports"), "、".join(d.duplicates))

    def _check_text(self, result: str) -> str:
        return {"handled": self.tr("Field check: handled"),
                "not_handled": self.tr("Field check: not handled")}.get(
            result, self.tr("Field check"))

    def _fill_photos(self, d: CaseDetail) -> None:
        """The case's photos, then those of 核查 answers (framed in the answer's colour);
        a click shows them large."""
        shown: list[tuple[str, str, str]] = [(p, self.tr("Reported photo"), "") for p in d.photos]
        for e in d.timeline:
            for p in e.photos:
                shown.append((p, f"{self._check_text(e.check_result)} · {full_time(e.at)}",
                              CHECK_COLOURS.get(e.check_result, "")))
        files = [(photo_file(p), caption) for p, caption, _ in shown
                 if not p.startswith(("http://", "https://"))]
        for path, caption, frame in shown:
            label = _PhotoLabel(self.widget())
            label.setObjectName("detailPhoto")
            label.setFixedSize(THUMBNAIL)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setProperty("kind", "photo")
            label.setToolTip(caption)
            if frame:
                label.setStyleSheet(f"border: 3px solid {frame}")
            file = photo_file(path)
            if path.startswith(("http://", "https://")):
                link = html.escape(self.tr("Photo"))
                label.setText(f"<a href='{html.escape(path)}'>{link}</a>")
                label.setOpenExternalLinks(True)
            elif Path(file).is_file():
                label.setText(self.tr("Loading…"))
                label.setCursor(Qt.CursorShape.PointingHandCursor)
                self._photo_labels[file] = label
                index = [f for f, _ in files].index(file)
                label.clicked.connect(lambda i=index: self.photo_opened.emit(files, i))
                self.photo_wanted.emit(file)
            else:
                label.setText(self.tr("Photo not found"))
            self.photos.addWidget(label)
        self.photos.addStretch(1)

    def set_photo(self, path: str, image: QImage) -> None:
        label = self._photo_labels.get(path)
        if label is not None and not image.isNull():
            label.setPixmap(QPixmap.fromImage(image))

    def _fill_timeline(self, d: CaseDetail) -> None:
        self.timeline_title.show()
        muted = severity_color("muted").name()
        rows = []
        for e in reversed(d.timeline):   # newest first: what happened last matters most
            what = html.escape(action_name(e.action))
            if e.from_status and e.from_status != e.to_status:
                what += html.escape(f"：{status_name(e.from_status)} → {status_name(e.to_status)}")
            extra = [x for x in (e.department_name, e.patrol_name, e.category) if x]
            if e.deadline is not None:
                extra.append(self.tr("deadline {deadline}").format(deadline=full_time(e.deadline)))
            details = html.escape(" · ".join(extra))
            note = f"<br><i>{html.escape(e.note)}</i>" if e.note else ""
            lead = ""
            if e.check_result:      # a 核查 answered on site: the answer the desk waits for
                colour = CHECK_COLOURS.get(e.check_result, muted)
                lead = (f"<span style='background:{colour}; color:white'>&nbsp;"
                        f"{html.escape(self._check_text(e.check_result))}&nbsp;</span> ")
                if e.photos:
                    note += html.escape(self.tr(" ({n} photos)").format(n=len(e.photos)))
            elif PHOTO_CHECK in e.note:
                red = severity_color("critical").name()
                lead = (f"<span style='background:{red}; color:white'>&nbsp;"
                        f"{html.escape(self.tr('Photo check'))}&nbsp;</span> ")
            rows.append(
                f"<tr><td style='padding:3px 10px 3px 0; white-space:nowrap; color:{muted}'>"
                f"{full_time(e.at)}</td><td style='padding:3px 0'>{lead}<b>{what}</b> "
                f"{details}<br><span style='color:{muted}'>{html.escape(e.actor_name)} · "
                f"{html.escape(role_name(e.actor_role))}</span>{note}</td></tr>")
        self.timeline.setText("<table cellspacing='0'>" + "".join(rows) + "</table>")

    def _map_clicked(self) -> None:
        if self.detail is not None:
            self.show_on_map.emit(self.detail.id)


def action_button(action: QAction, parent: QWidget) -> QToolButton:
    """A button that triggers a dock action (and shows its shortcut)."""
    button = QToolButton(parent)
    button.setDefaultAction(action)
    button.setObjectName(f"do_{action.objectName()}")
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button
