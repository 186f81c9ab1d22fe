"""Command line: open the console, create databases, build the demo city, run benchmarks.

Every option is validated; a bad one gets a clear message and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

LANGUAGES = ("zh_CN", "en")
EXIT_USAGE = 2
EXIT_DATABASE = 3


# Documented ranges of the numeric options: beyond them a run would exhaust memory or time
# (`--cells 1000000000` grew to 24 GB before the kernel killed it), so they are refused.
MAX_SEED = 2**31 - 1
MAX_CELLS = 200_000          # a megacity's unit grid
MAX_CASES = 2_000_000
MAX_DAYS = 3650
MAX_SIM_SPEED = 1000.0
MAX_QUIT_AFTER_S = 86400.0


def _whole_number(minimum: int, maximum: int):
    """An argparse type: a whole number from `minimum` to `maximum`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}: {value}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}: {value:,}")
        return value
    return parse


def _positive_number(maximum: float):
    """An argparse type: a number above 0 and at most `maximum`."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not value > 0:   # also refuses nan
            raise argparse.ArgumentTypeError(f"must be a positive number: {text}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,g}: {text}")
        return value
    return parse


_seed = _whole_number(0, MAX_SEED)
_cells = _whole_number(1, MAX_CELLS)
_cases = _whole_number(0, MAX_CASES)
_days = _whole_number(1, MAX_DAYS)
_sim_speed = _positive_number(MAX_SIM_SPEED)
_quit_after = _positive_number(MAX_QUIT_AFTER_S)


def _db_url(text: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    if "://" not in text:
        # A bare path is the friendliest way to name a SQLite file.
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):    # ValueError: a port that is not a number
        raise argparse.ArgumentTypeError(f"not a database URL: {text!r}") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise argparse.ArgumentTypeError(
            f"unsupported database {url.get_backend_name()!r} (use sqlite or postgresql)")
    return text


def _png_path(text: str) -> str:
    path = Path(text).expanduser()
    if path.suffix.lower() != ".png":
        raise argparse.ArgumentTypeError(f"the screenshot must be a .png file: {text!r}")
    if not path.parent.resolve().is_dir():
        raise argparse.ArgumentTypeError(f"folder does not exist: {path.parent}")
    return str(path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="city-console", description="城市管理统一指挥台 City Command Console",
        epilog="commands: init-db, demo, import, export, calendar, frontage, bench, serve, "
               "devices, field-sessions, audit, backup, restore "
               "(each has --help)")
    parser.add_argument("--db", type=_db_url, help="SQLAlchemy URL or SQLite file path "
                        "(default: a SQLite file in your data folder; with --demo, the demo file)")
    parser.add_argument("--lang", choices=LANGUAGES, default="zh_CN", help="interface language")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo city (created on first use) with the live simulator")
    parser.add_argument("--seed", type=_seed, default=1,
                        help=f"demo city seed (0 to {MAX_SEED})")
    parser.add_argument("--cells", type=_cells, default=5000,
                        help=f"demo city cells (1 to {MAX_CELLS:,})")
    parser.add_argument("--cases", type=_cases, default=30000,
                        help=f"demo history cases (0 to {MAX_CASES:,})")
    parser.add_argument("--sim-via-http", action="store_true",
                        help="with --demo: the simulated phones report over HTTP to a `serve` "
                             "child process on 127.0.0.1, as real phones do")
    parser.add_argument("--sim-speed", type=_sim_speed, default=10.0,
                        help="simulator speed factor (report rates and workflow delays; "
                             f"above 0, at most {MAX_SIM_SPEED:g})")
    parser.add_argument("--user", help="in the demo city: sign in as this demo user (no "
                                       "password); refused on any other database (exit 2)")
    parser.add_argument("--screenshot", type=_png_path, help="save a PNG of the main window")
    parser.add_argument("--quit-after", type=_quit_after,
                        help="quit after this many seconds (with --screenshot: then save it; "
                             f"at most {MAX_QUIT_AFTER_S:g})")
    parser.add_argument("--wall", action="store_true",
                        help="open as the wall display (大屏): full screen, no way back but quitting")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    # Subcommands keep their own dests: argparse lets a subparser's defaults overwrite the
    # main parser's values of the same name.
    headless = argparse.ArgumentParser(add_help=False)
    headless.add_argument("--db", dest="sub_db", metavar="URL", type=_db_url, help="database URL or SQLite file")
    headless.add_argument("--lang", dest="sub_lang", choices=LANGUAGES, metavar="{zh_CN,en}",
                          help="language of messages")

    p = sub.add_parser("init-db", parents=[headless], help="create or upgrade a database")
    p.add_argument("--grant-seat-role", metavar="NAME",
                   help="PostgreSQL: create or update the seats' least-privilege role (its "
                        f"password from {SEAT_PASSWORD_ENV} or --seat-password-file)")
    p.add_argument("--seat-password-file", metavar="FILE",
                   help="a file only you may read holding the seat role's password")

    p = sub.add_parser("demo", parents=[headless],
                       help="generate the demo city into a database (headless)")
    p.add_argument("--cells", dest="sub_cells", metavar="N", type=_cells, default=5000,
                   help=f"unit grid cells (1 to {MAX_CELLS:,})")
    p.add_argument("--cases", dest="sub_cases", metavar="N", type=_cases, default=30000,
                   help=f"history cases (0 to {MAX_CASES:,})")
    p.add_argument("--seed", dest="sub_seed", metavar="N", type=_seed, default=1,
                   help=f"seed (0 to {MAX_SEED})")
    p.add_argument("--days", type=_days, metavar="N",
                   help=f"days of history (1 to {MAX_DAYS}; default: 90 or more)")

    p = sub.add_parser("bench", help="print performance figures: name value unit")
    p.add_argument("suites", nargs="*", metavar="SUITE",
                   help="suites to run (default: foundation); 'list' lists them")
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    _add_intake_commands(sub, headless)
    _add_open311_commands(sub, headless)
    _add_field_commands(sub, headless)
    _add_trail_commands(sub, headless)
    imports = _add_import_commands(sub, headless)
    _add_people_commands(sub, headless, imports)
    from console import cli_frontage
    cli_frontage.add_commands(sub, headless)
    return parser


# --- importing the centre's own files -----------------------------------------------------------

def _add_import_commands(sub, headless: argparse.ArgumentParser):
    """`import grid` and `import workgrids` (console/cli_import.py); returns the `import`
    kinds, to which `people` is added."""
    from console import cli_import
    p = sub.add_parser("import", help="import the centre's own files: the unit grid, its work "
                                      "grids, the organisation workbook")
    kinds = p.add_subparsers(dest="import_kind", metavar="WHAT", required=True)
    cli_import.add_commands(kinds, headless)
    return kinds


def _import_command(args) -> int:
    from console import cli_import
    lang = args.sub_lang or args.lang
    return cli_import.run(args, url=args.sub_db or args.db or _default_url(False), lang=lang,
                          translators=_headless_translators, fail=_fail)


# --- field intake: serve, devices -------------------------------------------------------------

_port = _whole_number(1, 65535)
# Memory stays bounded: a fix in the queue costs about 1 KB, so the largest queue is ~1 GB.
_queue_size = _whole_number(1, 1_000_000)
_flush_ms = _whole_number(1, 60_000)


def _add_intake_commands(sub, headless: argparse.ArgumentParser) -> None:
    p = sub.add_parser("serve", parents=[headless],
                       help="run the field intake server (OsmAnd / Traccar Client positions)")
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all)")
    p.add_argument("--port-osmand", type=_port, default=5055, metavar="PORT",
                   help="OsmAnd protocol port (default: 5055, as Traccar)")
    p.add_argument("--queue", type=_queue_size, default=100_000, metavar="N",
                   help="fixes held in memory before requests get 503 (default: 100000)")
    p.add_argument("--flush-ms", type=_flush_ms, default=50, metavar="MS",
                   help="longest a fix waits to be written with others (default: 50)")
    p.add_argument("--writer-thread", action="store_true",
                   help="write in a thread of the server process instead of a process of its "
                        "own (one interpreter lock for both: about half the throughput)")

    p = sub.add_parser("devices", help="register, list and disable field devices")
    devices = p.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    d = devices.add_parser("add", parents=[headless],
                           help="register a device (its Traccar Client identifier) for an officer")
    d.add_argument("unique_id", metavar="DEVICE_ID")
    d.add_argument("officer", metavar="OFFICER_CODE", help="the patrol officer's code")
    devices.add_parser("list", parents=[headless], help="list registered devices")
    d = devices.add_parser("disable", parents=[headless], help="stop accepting a device's fixes")
    d.add_argument("unique_id", metavar="DEVICE_ID")


def _intake_command(args) -> int:
    from console.domain.errors import DomainError
    from console.store.database import DatabaseOpenError, open_database
    lang = args.sub_lang or args.lang
    try:
        db = open_database(args.sub_db or args.db or _default_url(False))
    except DatabaseOpenError as exc:
        return _fail(exc, lang)
    try:
        if args.command == "serve":
            from console.ingest.server import serve
            return serve(db, host=args.host, port=args.port_osmand, capacity=args.queue,
                         window=args.flush_ms / 1000, writer_process=not args.writer_thread,
                         **_open311_serve_options(args))
        from console.services import devices
        with db.transaction() as s:
            if args.devices_command == "add":
                info = devices.add_device(s, args.unique_id, args.officer)
                print(f"{info.unique_id}\t{info.officer_code}\t{info.officer_name}\tactive")
            elif args.devices_command == "disable":
                devices.disable_device(s, args.unique_id)
                print(f"{args.unique_id}\tdisabled")
            else:
                for info in devices.list_devices(s):
                    last = "-" if info.last_at is None else \
                        f"{info.last_at:%Y-%m-%d %H:%M:%S} {info.last_lat:.6f},{info.last_lon:.6f}"
                    suspect = "" if info.suspect_at is None else \
                        f"\tSUSPECT {info.suspect_kmh:.0f} km/h at {info.suspect_at:%Y-%m-%d %H:%M:%S}"
                    print(f"{info.unique_id}\t{info.officer_code or '-'}\t"
                          f"{info.officer_name or '-'}\t{'active' if info.active else 'disabled'}"
                          f"\t{last}{suspect}")
        return 0
    except DomainError as exc:
        print(f"refused: {exc.code} {exc.params}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.dispose()


# --- Open311: serve's port, API keys ---------------------------------------------------------

def _add_open311_commands(sub, headless: argparse.ArgumentParser) -> None:
    sub.choices["serve"].add_argument(
        "--port-open311", type=_port, metavar="PORT",
        help="also serve Open311 GeoReport v2 under /open311/v2/ on this port (e.g. 8080)")
    p = sub.add_parser("open311-keys", help="issue, list and revoke Open311 API keys")
    keys = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    k = keys.add_parser("issue", parents=[headless],
                        help="issue a key to an application (the key is shown once)")
    k.add_argument("name", metavar="NAME", help="the application, without spaces")
    keys.add_parser("list", parents=[headless], help="list applications and their keys' state")
    k = keys.add_parser("revoke", parents=[headless], help="refuse an application's key from now")
    k.add_argument("name", metavar="NAME")


def _open311_serve_options(args) -> dict:
    from console import paths
    return {"open311_port": args.port_open311, "data_dir": paths.data_dir()}


def _open311_command(args) -> int:
    from console.domain.errors import DomainError
    from console.services import open311_keys
    from console.store.database import DatabaseOpenError, open_database
    lang = args.sub_lang or args.lang
    try:
        db = open_database(args.sub_db or args.db or _default_url(False))
    except DatabaseOpenError as exc:
        return _fail(exc, lang)
    try:
        with db.transaction() as s:
            if args.keys_command == "issue":
                key = open311_keys.issue_key(s, args.name)
                print(f"{args.name}\t{key}")
                print("The key is shown only now: give it to the application's developer.",
                      file=sys.stderr)
            elif args.keys_command == "revoke":
                open311_keys.revoke_key(s, args.name)
                print(f"{args.name}\trevoked")
            else:
                for info in open311_keys.list_keys(s):
                    state = f"revoked {info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at \
                        else "active"
                    used = f"{info.last_used_at:%Y-%m-%d %H:%M}" if info.last_used_at else "never"
                    print(f"{info.name}\t{info.hint}…\tissued {info.issued_at:%Y-%m-%d %H:%M}"
                          f" by {info.issued_by or '?'}\t{state}\t{info.requests} requests,"
                          f" last {used}")
        return 0
    except (DomainError, ValueError) as exc:
        print(f"refused: {getattr(exc, 'code', exc)} {getattr(exc, 'params', '')}".rstrip(),
              file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.dispose()


# --- the officers' phones: their sessions ------------------------------------------------------

def _add_field_commands(sub, headless: argparse.ArgumentParser) -> None:
    p = sub.add_parser("field-sessions", help="list and revoke the officers' phone sessions")
    acts = p.add_subparsers(dest="field_command", metavar="ACTION", required=True)
    acts.add_parser("list", parents=[headless], help="the open sessions (not revoked or expired)")
    k = acts.add_parser("revoke", parents=[headless],
                        help="sign a phone out: one session by id, or every one of a user")
    who = k.add_mutually_exclusive_group(required=True)
    who.add_argument("--id", type=_whole_number(1, 2**31 - 1), metavar="ID")
    who.add_argument("--user", metavar="USERNAME")


def _field_command(args) -> int:
    from datetime import datetime

    from console.domain.errors import DomainError
    from console.services import field_sessions
    from console.store.database import DatabaseOpenError, open_database
    lang = args.sub_lang or args.lang
    try:
        db = open_database(args.sub_db or args.db or _default_url(False))
    except DatabaseOpenError as exc:
        return _fail(exc, lang)
    try:
        with db.transaction() as s:
            now = datetime.now().replace(microsecond=0)
            if args.field_command == "revoke":
                ended = field_sessions.revoke(s, session_id=args.id, username=args.user, at=now)
                print(f"revoked\t{ended}")
            else:
                for r in field_sessions.list_sessions(s, at=now):
                    print(f"{r.id}\t{r.username}\t{r.officer_code}\t{r.device}\t"
                          f"signed in {r.issued_at:%Y-%m-%d %H:%M}\tseen {r.last_seen_at:%H:%M}"
                          f"\texpires {r.expires_at:%Y-%m-%d %H:%M}")
        return 0
    except (DomainError, ValueError) as exc:
        print(f"refused: {getattr(exc, 'code', exc)} {getattr(exc, 'params', '')}".rstrip(),
              file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.dispose()


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
    _warn_password_in_url(args)
    if args.command == "init-db":
        return _init_db(args.sub_db or args.db, args.sub_lang or args.lang, args)
    if args.command == "demo":
        return _demo(args.sub_db or args.db, args.sub_cells, args.sub_cases, args.sub_seed,
                     args.days, args.sub_lang or args.lang)
    if args.command in ("serve", "devices"):
        return _intake_command(args)
    if args.command == "open311-keys":
        return _open311_command(args)
    if args.command == "field-sessions":
        return _field_command(args)
    if args.command in ("audit", "backup", "restore"):
        return _trail_command(args)
    if args.command == "import" and args.import_kind in ("grid", "workgrids"):
        return _import_command(args)
    if args.command in ("import", "export", "calendar"):
        return _people_command(args)
    if args.command == "frontage":
        from console import cli_frontage
        lang = args.sub_lang or args.lang
        return cli_frontage.run(args, url=args.sub_db or args.db or _default_url(False),
                                lang=lang, translators=_headless_translators, fail=_fail)
    if args.command == "bench":
        from console.bench import run_cli
        return run_cli(args.suites, as_json=args.json)
    if args.screenshot and not args.quit_after:
        args.quit_after = 8.0
    return _gui(args)


def _default_url(demo: bool) -> str:
    from console import paths
    paths.data_dir().mkdir(parents=True, exist_ok=True)
    return paths.demo_database_url() if demo else paths.default_database_url()


def _gui(args) -> int:
    from console.ui.app import run_gui
    demo = ({"seed": args.seed, "cells": args.cells, "cases": args.cases, "speed": args.sim_speed,
             "via_http": args.sim_via_http} if args.demo else None)
    return run_gui(db_url=args.db or _default_url(args.demo), lang=args.lang, username=args.user,
                   demo=demo, screenshot=args.screenshot, quit_after=args.quit_after,
                   wall=args.wall)


def _headless_translators(lang: str) -> None:
    """Translators for the command line's sentences, on a QCoreApplication (no widgets).
    English is the source text: no application object is made for it (a caller in the same
    process, such as a test, may make its QApplication later)."""
    from PySide6.QtCore import QCoreApplication
    if lang == "en" and QCoreApplication.instance() is None:
        return

    from console.common.i18n import install_translators
    install_translators(QCoreApplication.instance() or QCoreApplication(["city-console"]), lang)


def _fail(exc: Exception, lang: str) -> int:
    """Print a database error in the user's language; the caller exits with EXIT_DATABASE."""
    from console.common.messages import describe_error_headless
    print(describe_error_headless(exc, lang), file=sys.stderr)
    return EXIT_DATABASE


def _init_db(url: str | None, lang: str, args=None) -> int:
    from console.store.database import DatabaseOpenError, open_database
    url = url or _default_url(False)
    try:
        db = open_database(url)
    except DatabaseOpenError as exc:
        return _fail(exc, lang)
    try:
        print(f"ready: {db.url}")
        if args is not None and args.grant_seat_role:
            return _grant_seat_role(db, args.grant_seat_role, args.seat_password_file)
        return 0
    finally:
        db.dispose()


def _demo(url: str | None, cells: int, cases: int, seed: int, days: int | None, lang: str) -> int:
    import time

    from console.sim.demo import build_demo, demo_exists
    from console.store.database import DatabaseOpenError, open_database
    url = url or _default_url(True)
    try:
        db = open_database(url)
    except DatabaseOpenError as exc:
        return _fail(exc, lang)
    try:
        if demo_exists(db):
            print(f"{db.url} already holds a demo city; nothing to do", file=sys.stderr)
            return 0
        start = time.perf_counter()
        last = [-1]

        def progress(fraction: float, stage: str) -> None:
            pct = int(fraction * 100)
            if pct // 5 != last[0] // 5:
                last[0] = pct
                print(f"{pct:3d}% {stage}", file=sys.stderr, flush=True)

        try:
            build_demo(db, seed=seed, cells=cells, cases=cases, days=days, progress=progress)
        except ValueError as exc:
            print(f"cannot build the demo city: {exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"demo city ready in {time.perf_counter() - start:.1f} s: {db.url}")
        return 0
    finally:
        db.dispose()


# --- the audit trail, its secrets, backup and restore -----------------------------------------

SEAT_PASSWORD_ENV = "CITY_CONSOLE_SEAT_PASSWORD"
EXIT_BROKEN_TRAIL = 1


def _add_trail_commands(sub, headless: argparse.ArgumentParser) -> None:
    p = sub.add_parser("audit", help="check the audit trail")
    trail = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    trail.add_parser("verify", parents=[headless],
                     help="walk the hash chains; exit 1 naming the first broken link")
    p = sub.add_parser("backup", parents=[headless], help="copy the database to a file, online")
    p.add_argument("--to", required=True, metavar="FILE", help="the backup file to write")
    p = sub.add_parser("restore", parents=[headless],
                       help="put a backup in place of a database (refuses a non-empty one)")
    p.add_argument("--from", dest="source", required=True, metavar="FILE", help="the backup file")
    p.add_argument("--force", action="store_true", help="overwrite a database that holds data")


def _warn_password_in_url(args) -> None:
    """A password in --db is in the process list for every local user to read: say so (not
    refused: scripts that already do it keep working while they move the password out)."""
    from sqlalchemy.engine import make_url
    for url in (getattr(args, "db", None), getattr(args, "sub_db", None)):
        if url and "://" in url and make_url(url).password:
            print("warning: the database password in --db is visible to every local user in the "
                  "process list; use CITY_CONSOLE_DB_PASSWORD, a password file "
                  "(CITY_CONSOLE_DB_PASSWORD_FILE, mode 600) or the system keyring instead "
                  "(see README: Secrets)", file=sys.stderr)
            return


def _grant_seat_role(db, name: str, password_file: str | None) -> int:
    import os

    from console.store import seat_role, secrets
    try:
        password = (secrets.read_password_file(Path(password_file).expanduser()) if password_file
                    else os.environ.get(SEAT_PASSWORD_ENV))
        created = seat_role.grant_seat_role(db.engine, name, password)
    except (ValueError, secrets.SecretError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"seat role {name} {'created' if created else 'updated'}"
          f"{'' if password is not None else ' (password unchanged)'}")
    return 0


def _trail_command(args) -> int:
    from console.store.database import DatabaseOpenError, open_database
    lang = args.sub_lang or args.lang
    url = args.sub_db or args.db or _default_url(False)
    if args.command == "restore":
        from console.store.backup import BackupError, restore
        try:
            revision = restore(Path(args.source), url, force=args.force)
            open_database(url).dispose()   # opens, and upgrades an older schema
        except BackupError as exc:
            print(f"refused: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except DatabaseOpenError as exc:
            return _fail(exc, lang)
        print(f"restored {args.source} (schema {revision})")
        return 0
    try:
        db = open_database(url, upgrade=args.command != "audit")
    except DatabaseOpenError as exc:
        return _fail(exc, lang)
    try:
        if args.command == "backup":
            from console.store.backup import BackupError, backup
            try:
                info = backup(url, Path(args.to))
            except BackupError as exc:
                print(f"refused: {exc}", file=sys.stderr)
                return EXIT_USAGE
            print(f"backup written: {info.path} ({info.size:,} bytes, schema {info.revision})")
            return 0
        from console.store.audit import TrailNotChained, verify
        try:
            report = verify(db.engine)
        except TrailNotChained as exc:
            print(f"not verified: the schema of this database ({exc.revision or 'none'}) is older "
                  "than the chained audit trail (0008); nothing is chained yet. Opening it with "
                  "the console or init-db upgrades it and links the case events it holds.",
                  file=sys.stderr)
            return EXIT_DATABASE
        for chain in report.chains:
            state = "ok" if chain.broken is None else chain.broken.describe()
            print(f"{chain.table}: {chain.length} links verified, head {chain.head[:16]}… {state}")
            if chain.before_chain:
                print(f"{chain.table}: {chain.describe_start()}")
        if not report.ok:
            print(f"BROKEN: {report.first_break.describe()}")
            return EXIT_BROKEN_TRAIL
        return 0
    finally:
        db.dispose()


# --- the organisation workbook and the holiday calendar ---------------------------------------

def _add_people_commands(sub, headless: argparse.ArgumentParser, imports) -> None:
    as_admin = argparse.ArgumentParser(add_help=False)
    as_admin.add_argument("--as", dest="as_user", metavar="USER",
                          help="the administrator who imports (default: the only one)")
    k = imports.add_parser("people", parents=[headless, as_admin],
                         help="departments, users, officers, devices and shifts from a workbook "
                              "(all or nothing)")
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
    k.add_argument("--year", dest="years", type=_whole_number(2004, 2100), action="append",
                   metavar="YEAR", help="a year to seed (repeatable; default: last year on)")
    k = acts.add_parser("import", parents=[headless, as_admin],
                        help="a CSV of date,kind,name lines (kind holiday or workday)")
    k.add_argument("file", metavar="FILE.csv")
    k.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    acts.add_parser("status", parents=[headless], help="say whether a needed year has no schedule")


def _people_command(args) -> int:
    from datetime import date, datetime

    from console.common.messages import describe_error_headless
    from console.domain.errors import DomainError
    from console.store.database import DatabaseOpenError, open_database
    lang = args.sub_lang or args.lang
    try:
        db = open_database(args.sub_db or args.db or _default_url(False))
    except DatabaseOpenError as exc:
        return _fail(exc, lang)
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


if __name__ == "__main__":
    sys.exit(main())
