"""Command line: open the console, create databases, build the demo city, run benchmarks.

Every option is validated; a bad one gets a clear message and exit code 2, never a traceback.
This module parses the options of the console itself and hands each command to its module:
cli_database (init-db, demo, audit, backup, restore), cli_intake (serve, devices, open311-keys,
field-sessions), cli_import (import grid|workgrids), cli_people (import|export people,
calendar), cli_frontage; cli_common holds what they share.
"""
from __future__ import annotations

import argparse
import logging
import sys

from console import cli_database, cli_frontage, cli_import, cli_intake, cli_people
from console.cli_common import (LANGUAGES, MAX_CASES, MAX_CELLS, MAX_QUIT_AFTER_S, MAX_SEED,
                                MAX_SIM_SPEED, cases_arg, cells_arg, db_url, default_url,
                                png_path, quit_after_arg, seed_arg, sim_speed_arg,
                                warn_password_in_url)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="city-console", description="城市管理统一指挥台 City Command Console",
        epilog="commands: init-db, demo, import, export, calendar, frontage, bench, serve, "
               "devices, field-sessions, audit, backup, restore "
               "(each has --help)")
    parser.add_argument("--db", type=db_url, help="SQLAlchemy URL or SQLite file path "
                        "(default: a SQLite file in your data folder; with --demo, the demo file)")
    parser.add_argument("--lang", choices=LANGUAGES, default="zh_CN", help="interface language")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo city (created on first use) with the live simulator")
    parser.add_argument("--seed", type=seed_arg, default=1,
                        help=f"demo city seed (0 to {MAX_SEED})")
    parser.add_argument("--cells", type=cells_arg, default=5000,
                        help=f"demo city cells (1 to {MAX_CELLS:,})")
    parser.add_argument("--cases", type=cases_arg, default=30000,
                        help=f"demo history cases (0 to {MAX_CASES:,})")
    parser.add_argument("--sim-via-http", action="store_true",
                        help="with --demo: the simulated phones report over HTTP to a `serve` "
                             "child process on 127.0.0.1, as real phones do")
    parser.add_argument("--sim-speed", type=sim_speed_arg, default=10.0,
                        help="simulator speed factor (report rates and workflow delays; "
                             f"above 0, at most {MAX_SIM_SPEED:g})")
    parser.add_argument("--user", help="in the demo city: sign in as this demo user (no "
                                       "password); refused on any other database (exit 2)")
    parser.add_argument("--screenshot", type=png_path, help="save a PNG of the main window")
    parser.add_argument("--quit-after", type=quit_after_arg,
                        help="quit after this many seconds (with --screenshot: then save it; "
                             f"at most {MAX_QUIT_AFTER_S:g})")
    parser.add_argument("--wall", action="store_true",
                        help="open as the wall display (大屏): full screen, no way back but quitting")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    # Subcommands keep their own dests: argparse lets a subparser's defaults overwrite the
    # main parser's values of the same name.
    headless = argparse.ArgumentParser(add_help=False)
    headless.add_argument("--db", dest="sub_db", metavar="URL", type=db_url,
                          help="database URL or SQLite file")
    headless.add_argument("--lang", dest="sub_lang", choices=LANGUAGES, metavar="{zh_CN,en}",
                          help="language of messages")

    cli_database.add_setup_commands(sub, headless)

    p = sub.add_parser("bench", help="print performance figures: name value unit")
    p.add_argument("suites", nargs="*", metavar="SUITE",
                   help="suites to run (default: foundation); 'list' lists them")
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    # The order of the commands in --help.
    cli_intake.add_commands(sub, headless)
    cli_database.add_trail_commands(sub, headless)
    imports = cli_import.add_commands(sub, headless)
    cli_people.add_commands(sub, headless, imports)
    cli_frontage.add_commands(sub, headless)
    return parser


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes: a handler bound to the stream of
    the first call (basicConfig's) wrote into a closed one once that stream was replaced — the
    next command in the same process (a test's capture, an embedding program) got a
    "Logging error" traceback on its stderr instead of the message."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _log_to_stderr(level: int) -> None:
    root = logging.getLogger()
    if not any(isinstance(h, _Stderr) for h in root.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)


def main(argv: list[str] | None = None) -> int:
    """Entry point of `city-console` and `python -m console`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _log_to_stderr(logging.INFO if args.verbose else logging.WARNING)
    warn_password_in_url(args)
    command = args.command
    if command in cli_database.SETUP_COMMANDS or command in cli_database.TRAIL_COMMANDS:
        return cli_database.run(args)
    if command in cli_intake.COMMANDS:
        return cli_intake.run(args)
    if command == "import" and args.import_kind in cli_import.KINDS:
        return cli_import.run(args)
    if command == "import" or command in cli_people.COMMANDS:
        return cli_people.run(args)
    if command == "frontage":
        return cli_frontage.run(args)
    if command == "bench":
        from console.bench import run_cli
        return run_cli(args.suites, as_json=args.json)
    if args.screenshot and not args.quit_after:
        args.quit_after = 8.0
    return _gui(args)


def _gui(args) -> int:
    from console.ui.app import run_gui
    demo = ({"seed": args.seed, "cells": args.cells, "cases": args.cases, "speed": args.sim_speed,
             "via_http": args.sim_via_http} if args.demo else None)
    return run_gui(db_url=args.db or default_url(args.demo), lang=args.lang, username=args.user,
                   demo=demo, screenshot=args.screenshot, quit_after=args.quit_after,
                   wall=args.wall)


if __name__ == "__main__":
    sys.exit(main())
