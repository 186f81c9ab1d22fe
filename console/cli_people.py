"""The organisation workbook and the work calendar: `import people`, `export people` and
`calendar seed|import|status`, acting as an administrator (`--as`, default the only one).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from console.cli_common import EXIT_USAGE, fail, lang_of, url_of, whole_number

COMMANDS = ("export", "calendar")     # and `import people`


def add_commands(sub, headless: argparse.ArgumentParser, imports) -> None:
    """`people` under the `import` kinds; `export people` and `calendar`."""
    as_admin = argparse.ArgumentParser(add_help=False)
    as_admin.add_argument("--as", dest="as_user", metavar="USER",
                          help="the administrator who imports (default: the only one)")
    k = imports.add_parser("people", parents=[headless, as_admin],
                           help="departments, users, officers, devices and shifts from a "
                                "workbook (all or nothing)")
    k.add_argument("workbook", metavar="WORKBOOK.xlsx")
    k.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    p = sub.add_parser("export", help="write the organisation workbook")
    kinds = p.add_subparsers(dest="export_kind", metavar="WHAT", required=True)
    k = kinds.add_parser("people", parents=[headless, as_admin],
                         help="the workbook pre-filled with the current organisation")
    k.add_argument("workbook", metavar="WORKBOOK.xlsx")
    p = sub.add_parser("calendar", help="the work calendar's holidays and make-up workdays")
    acts = p.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    k = acts.add_parser("seed", parents=[headless, as_admin],
                        help="the national schedule from chinesecalendar (local changes kept)")
    k.add_argument("--year", dest="years", type=whole_number(2004, 2100), action="append",
                   metavar="YEAR", help="a year to seed (repeatable; default: last year on)")
    k = acts.add_parser("import", parents=[headless, as_admin],
                        help="a CSV of date,kind,name lines (kind holiday or workday)")
    k.add_argument("file", metavar="FILE.csv")
    k.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    acts.add_parser("status", parents=[headless], help="say whether a needed year has no schedule")


def run(args) -> int:
    """Run `import people`, `export people` or a `calendar` action; returns the exit status."""
    from datetime import date, datetime

    from console.common.messages import describe_error_headless
    from console.domain.errors import DomainError
    from console.store.database import DatabaseOpenError, open_database
    lang = lang_of(args)
    try:
        db = open_database(url_of(args))
    except DatabaseOpenError as exc:
        return fail(exc, lang)
    import console.ui.import_texts  # noqa: F401 — the sentences of the import refusals

    def say(exc: DomainError) -> str:
        return describe_error_headless(exc, lang)

    at = datetime.now().replace(microsecond=0)
    try:
        from console.services import holidays, people_export, people_import
        with db.transaction() as s:
            if args.command == "calendar" and args.calendar_command == "status":
                warning = holidays.calendar_warning(s, date.today())
                print(say(warning.error()) if warning else "ok")
                return 1 if warning else 0
            actor = people_import.administrator(s, args.as_user)
            if args.command == "export":
                counts = people_export.export_people(s, actor, Path(args.workbook))
                print(f"written: {args.workbook} (" + ", ".join(
                    f"{n} {k}" for k, n in counts.items()) + ")")
            elif args.command == "import":
                _print_people_report(people_import.import_people(
                    s, actor, Path(args.workbook), at=at, dry_run=args.dry_run), args.dry_run)
            elif args.calendar_command == "seed":
                r = holidays.seed_holidays(s, actor, at=at, years=args.years)
                print(f"years {', '.join(map(str, r.years))}: {r.holidays} holidays, "
                      f"{r.workdays} make-up workdays, {r.local_kept} local changes kept"
                      f"{'' if r.changed else ' (already up to date)'}")
            else:
                r = holidays.import_dated_list(s, actor, Path(args.file), at=at,
                                               dry_run=args.dry_run)
                print(f"{r.holidays} holidays, {r.workdays} workdays"
                      f"{' (dry run: nothing written)' if args.dry_run else ''}")
        return 0
    except DomainError as exc:
        report = getattr(exc, "report", None)
        for p in getattr(report, "problems", []):
            value = f" “{p.value}”" if p.value else ""
            print(f"{p.where()}{value}: {say(p.error())}", file=sys.stderr)
        print(f"refused: {say(exc)}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.dispose()


def _print_people_report(report, dry_run: bool) -> None:
    from console.services.people_import import SHEET_ORDER
    for sheet in SHEET_ORDER:
        print(f"{sheet}: {report.added[sheet]} added, {report.changed[sheet]} changed, "
              f"{report.unchanged[sheet]} unchanged")
    names = report.without_password
    if names:
        more = f" … and {len(names) - 20} more" if len(names) > 20 else ""
        print(f"{len(names)} new accounts without a password (an administrator sets one): "
              f"{', '.join(names[:20])}{more}")
    state = "dry run: nothing written" if dry_run else ("written" if report.applied else
                                                       "nothing to write")
    print(f"{report.changes} changes ({state})")
