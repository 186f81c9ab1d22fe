"""`city-console frontage export|import`: the 门前三包 register's workbook from the command line,
through the same service as the page (console/services/frontage_workbook.py): every cell
checked, all of it or nothing, as an account that may edit the register (`--as`, default the
only administrator), each unit written audited under that account. A refusal prints its
sentences and exits 2, never a traceback.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from console.cli_common import EXIT_USAGE, fail, headless_translators, lang_of, url_of

_SHOWN_PROBLEMS = 200     # a workbook of thousands of bad rows: the first ones, then the count


def _new_workbook(text: str) -> str:
    """An argparse type: an .xlsx file to write, in a folder that exists."""
    path = Path(text).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise argparse.ArgumentTypeError(f"the workbook must be an .xlsx file: {text!r}")
    if not path.parent.resolve().is_dir():
        raise argparse.ArgumentTypeError(f"folder does not exist: {path.parent}")
    return str(path)


def add_commands(sub, headless: argparse.ArgumentParser) -> None:
    as_user = argparse.ArgumentParser(add_help=False)
    as_user.add_argument("--as", dest="as_user", metavar="USER",
                         help="the administrator or leader who acts (default: the only "
                              "administrator)")
    p = sub.add_parser("frontage", help="the 门前三包 register of street-front units: its "
                                        "workbook")
    acts = p.add_subparsers(dest="frontage_command", metavar="ACTION", required=True)
    k = acts.add_parser("export", parents=[headless, as_user],
                        help="write the register to a workbook (notes and choice lists)")
    k.add_argument("workbook", metavar="FILE.xlsx", type=_new_workbook)
    k = acts.add_parser("import", parents=[headless, as_user],
                        help="add and change units from a workbook (all or nothing)")
    k.add_argument("workbook", metavar="FILE.xlsx")
    k.add_argument("--dry-run", action="store_true", help="check and report; write nothing")


def run(args) -> int:
    """Run `frontage export` or `frontage import`; returns the exit status."""
    # The sentences of the workbook's and the register's refusals: the page registers them.
    import console.ui.frontage_dialog  # noqa: F401
    from console.common.cli_texts import line
    from console.common.messages import describe_error
    from console.domain.errors import DomainError
    from console.services import frontage_workbook, people_import
    from console.store.database import DatabaseOpenError, open_database
    lang = lang_of(args)
    headless_translators(lang)
    try:
        db = open_database(url_of(args))
    except DatabaseOpenError as exc:
        return fail(exc, lang)
    path = Path(args.workbook).expanduser()
    try:
        with db.transaction() as s:
            actor = people_import.administrator(s, args.as_user)
            if args.frontage_command == "export":
                count = frontage_workbook.export_units(s, actor, path)
                print(line("units_written", path=path, count=count))
                return 0
            report = frontage_workbook.import_units(
                s, actor, path, at=datetime.now().replace(microsecond=0), dry_run=args.dry_run)
        _print_report(report, args.dry_run)
        return 0
    except DomainError as exc:
        _print_problems(getattr(exc, "report", None))
        print(line("refused", why=describe_error(exc)), file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:          # the export's file cannot be written
        print(line("cannot_write", path=path, why=exc.strerror or type(exc).__name__),
              file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.dispose()


def _print_report(report, dry_run: bool) -> None:
    from console.common.cli_texts import line
    counts = {k: report.counts[k] for k in ("added", "changed", "unchanged")}
    if dry_run:
        print(line("units_dry_run", **counts))
    elif counts["added"] or counts["changed"]:
        print(line("units_imported", **counts))
    else:
        print(line("units_no_change", unchanged=counts["unchanged"]))


def _print_problems(report) -> None:
    """Each problem of a refused workbook, named by its cell, on stderr."""
    from console.common.cli_texts import line
    from console.common.messages import describe_error
    problems = getattr(report, "problems", [])
    for p in problems[:_SHOWN_PROBLEMS]:
        why = describe_error(p.error())
        if p.value:
            print(line("problem", where=p.where(), value=p.value, why=why), file=sys.stderr)
        else:
            print(line("problem_no_value", where=p.where() or "-", why=why), file=sys.stderr)
    if len(problems) > _SHOWN_PROBLEMS:
        print(f"… +{len(problems) - _SHOWN_PROBLEMS}", file=sys.stderr)
