"""The administration menu's entries for bringing a centre's own data in: the organisation
workbook, the category catalogue, the work calendar, the alert thresholds, the base map and the
first-start setup (each dialog opened as the window's signed-in administrator; the services
check the role again)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction

# The main window (not imported: it imports this module): its admin_menu, tasks, actor,
# settings and feed_changed are what these entries use.
MainWindow = Any

translate = QCoreApplication.translate


def install_admin_entries(window: MainWindow) -> None:
    """Add 人员导入导出, 部件/事件分类, 工作日历, 告警阈值, 底图 and 初始设置向导 to
    `window.admin_menu`."""
    menu = window.admin_menu
    menu.addSeparator()
    entries = (
        ("peopleAction", translate("AdminMenu", "Import and export &people…"), open_people),
        ("categoriesAction", translate("AdminMenu", "Ca&tegories and time limits…"),
         open_categories),
        ("calendarAction", translate("AdminMenu", "Work &calendar…"), open_calendar),
        ("thresholdsAction", translate("AdminMenu", "Alert t&hresholds…"), open_thresholds),
        ("baseMapAction", translate("AdminMenu", "&Base map of the centre…"), open_base_map),
        ("setupAction", translate("AdminMenu", "First-start &setup…"), open_setup),
        ("frontageAction", translate("AdminMenu", "Street-&front units (门前三包)…"),
         open_frontage),
    )
    for name, text, opener in entries:
        action = QAction(text, window)
        action.setObjectName(name)
        action.triggered.connect(lambda _=False, o=opener: o(window))
        menu.addAction(action)


def open_people(window: MainWindow) -> None:
    from console.ui.people_dialog import PeopleDialog
    if window.actor is not None:
        PeopleDialog(window.tasks, window.actor, parent=window).open()


def open_calendar(window: MainWindow) -> None:
    from console.ui.calendar_dialog import CalendarDialog
    if window.actor is not None:
        dialog = CalendarDialog(window.tasks, window.actor, parent=window)
        window.feed_changed.connect(dialog.on_feed)
        dialog.open()


def open_categories(window: MainWindow) -> None:
    from console.ui.categories_dialog import CategoriesDialog
    if window.actor is not None:
        dialog = CategoriesDialog(window.tasks, window.actor, parent=window)
        window.feed_changed.connect(dialog.on_feed)
        dialog.open()


def open_thresholds(window: MainWindow) -> None:
    from console.ui.thresholds_dialog import ThresholdsDialog
    if window.actor is not None:
        dialog = ThresholdsDialog(window.tasks, window.actor, parent=window)
        window.feed_changed.connect(dialog.on_feed)
        dialog.open()


def open_base_map(window: MainWindow) -> None:
    from console.ui.base_map_dialog import BaseMapDialog
    if window.actor is not None:
        dialog = BaseMapDialog(window.tasks, window.actor, parent=window)
        window.feed_changed.connect(dialog.on_feed)
        dialog.open()


def open_setup(window: MainWindow) -> None:
    from console.ui.setup_wizard import resume_setup
    if window.actor is not None:
        resume_setup(window.tasks, window.actor, window.settings, parent=window).open()


def open_frontage(window: MainWindow) -> None:
    from console.ui.frontage_dialog import FrontageDialog
    if window.actor is not None:
        dialog = FrontageDialog(window.tasks, window.actor, parent=window)
        window.selection.line_drawn.connect(dialog.take_line)
        dialog.reload()
        dialog.open()
