"""`city-console import grid` and `import workgrids`: the centre's GIS files from the command
line (console/cli.py registers them). Same rules for both: `--dry-run` writes nothing and prints
the report; any invalid feature means nothing is imported and exit status 1 (with
`--skip-invalid` the valid ones are imported); a file or option that cannot be used at all is
refused with status 2. Every sentence is in the reader's language (console/common/grid_texts.py).
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from console.cli_common import EXIT_USAGE, fail, headless_translators, lang_of, url_of

EXIT_INVALID = 1
KINDS = ("grid", "workgrids")
_CRS_HELP = ("coordinate system when the file states none or a wrong one: WGS84, CGCS2000, "
             "EPSG:4490, EPSG:4513–4554, GK3, WebMercator, GCJ02, BD09")


def add_commands(sub, headless: argparse.ArgumentParser):
    """The `import` command with its kinds `grid` and `workgrids`; returns the kinds, to which
    console/cli_people.py adds `people`."""
    p = sub.add_parser("import", help="import the centre's own files: the unit grid, its work "
                                      "grids, the organisation workbook")
    kinds = p.add_subparsers(dest="import_kind", metavar="WHAT", required=True)
    g = kinds.add_parser("grid", parents=[headless],
                         help="import the unit grid from a Shapefile, GeoJSON or a zip of one")
    _file_options(g)
    g.add_argument("--code-field", metavar="NAME", help="the attribute holding the cell code")
    g.add_argument("--work-grid-field", metavar="NAME",
                   help="the attribute holding the cell's work grid (责任网格) code")
    g.add_argument("--work-grid-name-field", metavar="NAME",
                   help="the attribute holding the work grid's name")
    g.add_argument("--officer-field", metavar="NAME",
                   help="the attribute holding the work grid's officer code(s)")
    w = kinds.add_parser("workgrids", parents=[headless],
                         help="import work grids (责任网格) drawn as polygons over the unit grid")
    _file_options(w)
    w.add_argument("--code-field", metavar="NAME", help="the attribute holding the work grid code")
    w.add_argument("--name-field", metavar="NAME", help="the attribute holding its name")
    w.add_argument("--officer-field", metavar="NAME",
                   help="the attribute holding its officers' codes (several: P01;P02)")
    return kinds


def _file_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help=".shp (with .shx/.dbf/.prj/.cpg), .geojson, .zip, "
                                                "or a folder holding one")
    p.add_argument("--crs", help=_CRS_HELP)
    p.add_argument("--encoding", metavar="ENC",
                   help="attribute encoding (default: the .cpg, else UTF-8, else GB18030)")
    p.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    p.add_argument("--skip-invalid", action="store_true",
                   help="import the valid features and report the rest")
    p.add_argument("--repair", action="store_true",
                   help="repair self-intersecting or unclosed rings (with a warning)")
    p.add_argument("--report", metavar="OUT.json", help="save the per-feature report as JSON")


def run(args) -> int:
    """Run `import grid` or `import workgrids`; returns the exit status."""
    from console.common.grid_texts import refusal_text
    from console.services import grid_import, workgrid_import
    from console.store.database import DatabaseOpenError, open_database
    lang = lang_of(args)
    headless_translators(lang)
    out = Path(args.report).expanduser() if args.report else None
    if out is not None and not out.parent.resolve().is_dir():
        print(refusal_text("report_folder_missing", {"folder": str(out.parent)}), file=sys.stderr)
        return EXIT_USAGE
    path = Path(args.file).expanduser()
    if not path.exists():
        print(refusal_text("file_missing", {"path": args.file}), file=sys.stderr)
        return EXIT_USAGE
    if args.import_kind == "grid":
        roles = {"work_grid": args.work_grid_field, "work_grid_name": args.work_grid_name_field,
                 "officer": args.officer_field}
        options = grid_import.GridImportOptions(
            crs=args.crs, code_field=args.code_field, encoding=args.encoding, repair=args.repair,
            skip_invalid=args.skip_invalid, fields={k: v for k, v in roles.items() if v})
        plan, apply = grid_import.plan_grid_import, grid_import.apply_grid_import
    else:
        options = workgrid_import.WorkGridImportOptions(
            crs=args.crs, code_field=args.code_field, name_field=args.name_field,
            officer_field=args.officer_field, encoding=args.encoding, repair=args.repair,
            skip_invalid=args.skip_invalid)
        plan, apply = workgrid_import.plan_workgrid_import, workgrid_import.apply_workgrid_import
    try:
        db = open_database(url_of(args))
    except DatabaseOpenError as exc:
        return fail(exc, lang)
    try:
        try:
            with db.transaction() as s:
                report = plan(s, path, options)
                if not args.dry_run and report.importable:
                    apply(s, report, datetime.now().replace(microsecond=0))
        except grid_import.GridImportError as exc:
            print(refusal_text(exc.code, exc.params), file=sys.stderr)
            return EXIT_USAGE
        if out is not None:
            out.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1),
                           encoding="utf-8")
        if args.import_kind == "grid":
            _print_grid_report(report, dry_run=args.dry_run)
        else:
            _print_workgrid_report(report, dry_run=args.dry_run)
        return 0 if report.importable else EXIT_INVALID
    finally:
        db.dispose()


def _print_problems(report, items) -> None:
    """The file's problems, then each feature's, each with its code in brackets as the saved
    JSON report names it."""
    from console.common.grid_report_texts import encoding_note, line
    from console.common.grid_texts import problem_text, severity_text
    print(line("source", source=report.source, format=report.format, features=len(items),
               encoding=report.encoding, note=encoding_note(report.encoding_note),
               crs=report.crs))
    fields = ", ".join(f"{k}={v}" for k, v in report.fields.to_dict().items() if v)
    print(line("fields", fields=fields))
    for p in report.problems:
        print(f"{severity_text(p.severity)}: {problem_text(p.code, p.detail)} [{p.code}]")
    for f in items:
        for p in f.problems:
            problem = f"{severity_text(p.severity)}: {problem_text(p.code, p.detail)} [{p.code}]"
            print(line("feature", index=f.index, code=f.code or "-", problem=problem))


def _print_work_grids(d, done: bool) -> None:
    from console.common.grid_report_texts import codes, line
    print(line("work_grids_did" if done else "work_grids_would", created=len(d.created),
               changed=len(d.changed), emptied=len(d.emptied), unchanged=d.unchanged,
               cells=d.cells_moved, officers=len(d.officers)))
    for label, listed in (("created", d.created), ("changed", d.changed), ("emptied", d.emptied)):
        if listed:
            print(line(label, codes=codes(listed)))


def _not_imported(report) -> None:
    from console.common.grid_texts import refusal_text
    code = "not_importable" if report.file_ok else "file_not_importable"
    print(refusal_text(code), file=sys.stderr)


def _print_grid_report(report, *, dry_run: bool) -> None:
    """The dry run in the reader's language (translators installed by the caller)."""
    from console.common.grid_report_texts import line
    _print_problems(report, report.features)
    d = report.diff
    done = not dry_run and report.importable
    print(line("grid_did" if done else "grid_would", added=len(d.added), changed=len(d.changed),
               unchanged=d.unchanged, retired=len(d.retired), cases=d.cases_on_retired,
               back=len(d.reactivated), invalid=len(report.invalid)))
    if report.work_grids is not None:
        _print_work_grids(report.work_grids, done)
    if not report.importable:
        _not_imported(report)


def _print_workgrid_report(report, *, dry_run: bool) -> None:
    from console.common.grid_report_texts import codes, line
    _print_problems(report, report.areas)
    if report.file_ok:
        print(line("cells", cells=report.cells, none=len(report.no_grid),
                   two=len(report.in_two)))
        for cell, grids in report.in_two[:50]:
            print(line("cell_in_two", cell=cell, grids=", ".join(grids),
                       kept=report.planned.get(cell)))
        if report.no_grid:
            print(line("in_no_grid", codes=codes(report.no_grid)))
        _print_work_grids(report.diff, not dry_run and report.importable)
    if not report.importable:
        _not_imported(report)
