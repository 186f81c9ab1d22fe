"""初始设置向导: what a new centre brings in on its first start — its name, region and map
centre; its unit grid; its departments, people and devices; its categories; its work calendar;
its base map. Every page can be skipped; leaving keeps the page reached (a shared meta row,
console/services/setup_state.py) and the wizard resumes there, on any seat; the administration
menu opens it again later.
"""
from __future__ import annotations

import importlib.util
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from console.common.messages import describe_error
from console.common.seat_settings import SeatSettings
from console.live.tasks import TaskRunner
from console.services import base_map, holidays, setup_state
from console.services.actor import Actor
from console.services.cases import now
from console.services.settings import valid_tile_url

GRID_DIALOG_MODULE = "console.ui.grid_import_dialog"


def grid_dialog_available() -> bool:
    """Whether the grid import dialog (another part of the console) is installed."""
    return importlib.util.find_spec(GRID_DIALOG_MODULE) is not None


def open_grid_import(tasks: TaskRunner, actor: Actor, parent: QWidget) -> None:
    """SEAM for the lead: opens the grid import dialog (console/ui/grid_import_dialog.py,
    built on another branch over console/services/grid_import.py). Its constructor is assumed
    to be `GridImportDialog(tasks, actor, parent=...)`; adjust here when they meet."""
    module = importlib.import_module(GRID_DIALOG_MODULE)
    module.GridImportDialog(tasks, actor, parent=parent).exec()


def parse_centre(text: str) -> tuple[float, float] | None:
    """"lon, lat" in degrees (a comma, a space or a Chinese comma between), or None if empty;
    ValueError if it is not two numbers in range."""
    text = text.strip().replace("，", ",")
    if not text:
        return None
    parts = [p for p in text.replace(",", " ").split() if p]
    if len(parts) != 2:
        raise ValueError(text)
    lon, lat = float(parts[0]), float(parts[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(text)
    return lon, lat


class _Page(QWizardPage):
    """A page with an explanation, a form, and a line for what happened."""

    def __init__(self, wizard: SetupWizard, title: str, text: str) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(title)
        self.setSubTitle(text)
        self.layout_ = QVBoxLayout(self)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.state.setObjectName("pageState")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("pageMessage")

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.state)
        self.layout_.addStretch(1)
        self.layout_.addWidget(self.message)

    def button(self, text: str, name: str, slot) -> QPushButton:
        b = QPushButton(text, self)
        b.setObjectName(name)
        b.clicked.connect(slot)
        self.layout_.addWidget(b)
        return b

    def show_status(self, status: setup_state.SetupStatus) -> None:  # pragma: no cover
        pass


class CentrePage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, self.tr("The centre"), self.tr(
            "The name every seat shows in its title, the region the centre serves, and where "
            "the map opens (longitude, latitude in degrees, WGS 84)."))
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.name.setObjectName("centreName")
        self.name.setPlaceholderText(self.tr("e.g. 某某区城市管理指挥中心"))
        self.region = QLineEdit(self)
        self.region.setObjectName("centreRegion")
        self.region.setPlaceholderText(self.tr("e.g. 浙江省杭州市西湖区"))
        self.centre = QLineEdit(self)
        self.centre.setObjectName("centreLonLat")
        self.centre.setPlaceholderText("120.130, 30.259")
        form.addRow(self.tr("Centre name"), self.name)
        form.addRow(self.tr("Region"), self.region)
        form.addRow(self.tr("Map centre (lon, lat)"), self.centre)
        self.layout_.addLayout(form)
        self._loaded: tuple[str, str, str] = ("", "", "")
        self.finish_layout()

    def show_status(self, status: setup_state.SetupStatus) -> None:
        centre = "" if status.centre is None else f"{status.centre[0]:.6f}, {status.centre[1]:.6f}"
        self._loaded = (status.city_name, status.region, centre)
        for field, value in zip((self.name, self.region, self.centre), self._loaded):
            if not field.text():
                field.setText(value)

    def validatePage(self) -> bool:
        values = (self.name.text().strip(), self.region.text().strip(), self.centre.text().strip())
        if values == self._loaded or not values[0]:
            return True          # nothing typed, or nothing changed: skipped
        try:
            centre = parse_centre(values[2])
        except ValueError:
            self.message.setText(self.tr("Write the map centre as longitude, latitude in "
                                         "degrees, e.g. 120.130, 30.259."))
            return False
        actor, (name, region, _) = self.wizard_.actor, values
        try:
            self.wizard_.tasks.run_and_wait(lambda s: setup_state.save_centre(
                s, actor, name=name, region=region, centre=centre, at=now()))
        except Exception as exc:   # noqa: BLE001 — a refusal, shown; a fault, logged by tasks
            self.message.setText(describe_error(exc))
            return False
        self._loaded = values
        return True


class GridPage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, self.tr("The unit grid"), self.tr(
            "Import the grid from the GIS department's files (Shapefile or GeoJSON): a dry run "
            "shows every problem before anything is written."))
        self.open_button = self.button(self.tr("Import the grid…"), "openGridImport",
                                       self.open_grid)
        if not grid_dialog_available():
            self.open_button.setEnabled(False)
            self.message.setText(self.tr("This console has no grid import yet; use "
                                         "`city-console import grid` and come back."))
        self.finish_layout()

    def show_status(self, status: setup_state.SetupStatus) -> None:
        self.state.setText(self.tr("The database holds {n} unit cells.").format(n=status.cells))

    def open_grid(self) -> None:
        open_grid_import(self.wizard_.tasks, self.wizard_.actor, self)
        self.wizard_.reload()


class PeoplePage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, self.tr("Departments, people and devices"), self.tr(
            "Export the organisation workbook, fill in the departments, accounts, patrol "
            "officers, their phones and shifts, and import it; or type them in later."))
        self.button(self.tr("Import and export people…"), "openPeople", self.open_people)
        self.finish_layout()

    def show_status(self, status: setup_state.SetupStatus) -> None:
        self.state.setText(self.tr("Now: {deps} departments, {accounts} accounts.").format(
            deps=status.departments, accounts=status.accounts))

    def open_people(self) -> None:
        from console.ui.people_dialog import PeopleDialog
        dialog = PeopleDialog(self.wizard_.tasks, self.wizard_.actor, parent=self)
        dialog.finished.connect(lambda _r: self.wizard_.reload())
        dialog.open()


class CategoriesPage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, self.tr("Categories"), self.tr(
            "Categories start from the national standard with default departments and limits; "
            "add 细类 and local classes, or retire some, now or later under Administration."))
        self.button(self.tr("Categories and time limits…"), "openCategories",
                    self.open_categories)
        self.finish_layout()

    def open_categories(self) -> None:
        from console.ui.categories_dialog import CategoriesDialog
        dialog = CategoriesDialog(self.wizard_.tasks, self.wizard_.actor, parent=self)
        dialog.finished.connect(lambda _r: self.wizard_.reload())
        dialog.open()

    def show_status(self, status: setup_state.SetupStatus) -> None:
        self.state.setText(self.tr("{n} categories of the national defaults are in place.")
                           .format(n=status.categories) if status.categories else
                           self.tr("No categories yet."))


class CalendarPage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, self.tr("Work calendar"), self.tr(
            "Deadlines count working time: seed the public holidays and make-up workdays "
            "(法定节假日, 调休) from the State Council's schedule, then adjust local days."))
        self.seed_button = self.button(self.tr("Seed the national schedule"), "seedCalendar",
                                       self.seed)
        self.button(self.tr("Work calendar…"), "openCalendar", self.open_calendar)
        self.finish_layout()

    def show_status(self, status: setup_state.SetupStatus) -> None:
        if status.calendar_missing:
            self.state.setText(self.tr("The calendar has no holidays for {years}.").format(
                years=", ".join(map(str, status.calendar_missing))))
        else:
            self.state.setText(self.tr("The calendar has the holidays deadlines need now."))

    def seed(self) -> None:
        actor = self.wizard_.actor
        self.seed_button.setEnabled(False)

        def done(report) -> None:
            self.seed_button.setEnabled(True)
            self.message.setText(self.tr("Seeded {first}–{last}.").format(
                first=report.years[0], last=report.years[-1]))
            self.wizard_.reload()

        def failed(exc: BaseException) -> None:
            self.seed_button.setEnabled(True)
            self.message.setText(describe_error(exc))
        self.wizard_.tasks.run(lambda s: holidays.seed_holidays(s, actor, at=now()),
                               on_done=done, on_error=failed, owner=self)

    def open_calendar(self) -> None:
        from console.ui.calendar_dialog import CalendarDialog
        dialog = CalendarDialog(self.wizard_.tasks, self.wizard_.actor, parent=self)
        dialog.finished.connect(lambda _r: self.wizard_.reload())
        dialog.open()


class BaseMapPage(_Page):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, self.tr("Base map"), self.tr(
            "The tile address every seat's map draws (an intranet server, 天地图 with a key); "
            "empty: the grid alone, with no network request."))
        form = QFormLayout()
        self.url = QLineEdit(self)
        self.url.setObjectName("tileUrl")
        self.url.setPlaceholderText("http://tiles.example/{z}/{x}/{y}.png")
        form.addRow(self.tr("Tile address"), self.url)
        self.layout_.addLayout(form)
        self._loaded = ""
        self.finish_layout()

    def show_status(self, status: setup_state.SetupStatus) -> None:
        pass

    def initializePage(self) -> None:
        self._loaded = self.wizard_.tasks.run_and_wait(base_map.centre_base_map).url
        if not self.url.isModified():
            self.url.setText(self._loaded)

    def validatePage(self) -> bool:
        url = self.url.text().strip()
        if url == self._loaded:
            return True          # nothing changed: skipped
        if not valid_tile_url(url):
            self.message.setText(self.tr("The address must start with http://, https:// or "
                                         "file:// and contain {z}, {x} and {y}."))
            return False
        actor = self.wizard_.actor
        try:
            self.wizard_.tasks.run_and_wait(lambda s: base_map.save_centre_base_map(
                s, actor, replace(base_map.centre_base_map(s), url=url), now()))
        except Exception as exc:   # noqa: BLE001 — a refusal, shown; a fault, logged by tasks
            self.message.setText(describe_error(exc))
            return False
        self._loaded = url
        return True


class SetupWizard(QWizard):
    """The pages above; the page reached is saved as the administrator moves through them."""

    status_loaded = Signal(object)     # SetupStatus
    progress_saved = Signal(int, bool)

    def __init__(self, tasks: TaskRunner, actor: Actor, settings: SeatSettings,
                 parent: QWidget | None = None, *, start: int = 0) -> None:
        super().__init__(parent)
        self.setObjectName("setupWizard")
        self.setWindowTitle(self.tr("First-start setup"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Continue later"))
        self.resize(720, 520)
        self.tasks, self.actor, self.settings = tasks, actor, settings
        self.pages_: list[_Page] = [CentrePage(self), GridPage(self), PeoplePage(self),
                                    CategoriesPage(self), CalendarPage(self), BaseMapPage(self)]
        for i, page in enumerate(self.pages_):
            self.setPage(i, page)
        self.setStartId(max(0, min(start, len(self.pages_) - 1)))
        self.currentIdChanged.connect(self._reached)
        self.reload()

    def reload(self) -> None:
        self.tasks.run(setup_state.setup_status, on_done=self._show_status, owner=self,
                       key=(id(self), "status"))

    def _show_status(self, status: setup_state.SetupStatus) -> None:
        for page in self.pages_:
            page.show_status(status)
        self.status_loaded.emit(status)

    def _save(self, step: int, finished: bool) -> None:
        actor = self.actor
        self.tasks.run(lambda s: setup_state.save_progress(s, actor, step, finished=finished),
                       on_done=lambda _: self.progress_saved.emit(step, finished))

    def _reached(self, page_id: int) -> None:
        if page_id >= 0:
            self._save(page_id, False)

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self._save(len(self.pages_) - 1, True)
        super().done(result)


def resume_setup(tasks: TaskRunner, actor: Actor, settings: SeatSettings,
                 parent: QWidget | None = None) -> SetupWizard:
    """The wizard at the page reached last (read off the GUI thread while the GUI paints)."""
    status = tasks.run_and_wait(setup_state.setup_status)
    start = 0 if status.finished else status.step
    return SetupWizard(tasks, actor, settings, parent, start=start)
