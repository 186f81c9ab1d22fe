"""Words of the imports (organisation workbook, holiday calendar): their refusal sentences."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from console.common.messages import register_error_texts

register_error_texts({
    "workbook_not_xlsx": QT_TRANSLATE_NOOP(
        "Errors", "{path} is not an Excel workbook (.xlsx); save it as one and try again."),
    "workbook_too_large": QT_TRANSLATE_NOOP(
        "Errors", "{path} is too large to import (the limit is {limit})."),
    "workbook_unreadable": QT_TRANSLATE_NOOP(
        "Errors", "{path} cannot be read ({detail})."),
    "workbook_sheet_missing": QT_TRANSLATE_NOOP(
        "Errors", "The workbook has no sheet “{sheet}”; export a template to see the sheets."),
    "workbook_column_missing": QT_TRANSLATE_NOOP(
        "Errors", "The sheet “{sheet}” has no column “{column}” in its first row."),
    "workbook_too_many_rows": QT_TRANSLATE_NOOP(
        "Errors", "The sheet “{sheet}” has more than {limit} rows."),
    "workbook_has_problems": QT_TRANSLATE_NOOP(
        "Errors", "The workbook has {count} problems; nothing was imported."),
    "cell_formula": QT_TRANSLATE_NOOP(
        "Errors", "This cell holds a formula; type the value itself."),
    "cell_not_yes_no": QT_TRANSLATE_NOOP("Errors", "Write yes or no (是 or 否)."),
    "cell_bad_weekdays": QT_TRANSLATE_NOOP(
        "Errors", "Write the weekdays as text of digits 0–6 (Monday is 0), e.g. 01234."),
    "cell_bad_time": QT_TRANSLATE_NOOP("Errors", "Write the time as HH:MM, e.g. 08:30."),
    "cell_bad_date": QT_TRANSLATE_NOOP("Errors", "Write the date as YYYY-MM-DD."),
    "cell_bad_day_kind": QT_TRANSLATE_NOOP("Errors", "Write holiday or workday (假 or 班)."),
    "duplicate_key": QT_TRANSLATE_NOOP(
        "Errors", "“{key}” is already in row {first_row}; each may appear once."),
    "unknown_department_name": QT_TRANSLATE_NOOP(
        "Errors", "There is no department named “{name}”, in the workbook or the console."),
    "unknown_work_grid": QT_TRANSLATE_NOOP("Errors", "There is no work grid with code {key}."),
    "unknown_account": QT_TRANSLATE_NOOP(
        "Errors", "There is no account “{username}”, in the workbook or the console."),
    "unknown_officer": QT_TRANSLATE_NOOP(
        "Errors", "There is no patrol officer with code {key}, in the workbook or the console."),
    "department_not_for_role": QT_TRANSLATE_NOOP(
        "Errors", "Only a department's liaison belongs to a department; leave this empty."),
    "shifts_overlap": QT_TRANSLATE_NOOP(
        "Errors", "This shift overlaps the shift in row {other_row} of the same officer."),
    "administrator_required": QT_TRANSLATE_NOOP(
        "Errors", "Name the administrator who acts (--as); there is not exactly one."),
    "dated_list_has_problems": QT_TRANSLATE_NOOP(
        "Errors", "The list has {count} problems; the calendar was not changed."),
    "dated_list_bad_line": QT_TRANSLATE_NOOP(
        "Errors", "This line cannot be read as CSV: a field is far too long or a quote is "
                  "not closed."),
    "dated_list_not_text": QT_TRANSLATE_NOOP(
        "Errors", "{path} is not a text (CSV) file."),
    "holidays_not_published": QT_TRANSLATE_NOOP(
        "Errors", "The installed holiday schedule has no {years} (it ends with {last}); update "
                  "the chinesecalendar package, or import the dates as a list."),
    "calendar_without_holidays": QT_TRANSLATE_NOOP(
        "Errors", "The work calendar has no holidays for {years}: deadlines count them as "
                  "workdays until an administrator updates the calendar."),
})
