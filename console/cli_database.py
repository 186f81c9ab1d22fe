"""The database commands: `init-db` (and the seats' least-privilege role), `demo`, and the audit
trail's `audit verify`, `backup` and `restore`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from console.cli_common import (EXIT_DATABASE, EXIT_USAGE, MAX_CASES, MAX_CELLS, MAX_DAYS,
                                MAX_SEED, cases_arg, cells_arg, days_arg, fail, lang_of,
                                seed_arg, url_of)

SEAT_PASSWORD_ENV = "CITY_CONSOLE_SEAT_PASSWORD"
EXIT_BROKEN_TRAIL = 1
SETUP_COMMANDS = ("init-db", "demo")
TRAIL_COMMANDS = ("audit", "backup", "restore")


def add_setup_commands(sub, headless: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init-db", parents=[headless], help="create or upgrade a database")
    p.add_argument("--grant-seat-role", metavar="NAME",
                   help="PostgreSQL: create or update the seats' least-privilege role (its "
                        f"password from {SEAT_PASSWORD_ENV} or --seat-password-file)")
    p.add_argument("--seat-password-file", metavar="FILE",
                   help="a file only you may read holding the seat role's password")

    p = sub.add_parser("demo", parents=[headless],
                       help="generate the demo city into a database (headless)")
    p.add_argument("--cells", dest="sub_cells", metavar="N", type=cells_arg, default=5000,
                   help=f"unit grid cells (1 to {MAX_CELLS:,})")
    p.add_argument("--cases", dest="sub_cases", metavar="N", type=cases_arg, default=30000,
                   help=f"history cases (0 to {MAX_CASES:,})")
    p.add_argument("--seed", dest="sub_seed", metavar="N", type=seed_arg, default=1,
                   help=f"seed (0 to {MAX_SEED})")
    p.add_argument("--days", type=days_arg, metavar="N",
                   help=f"days of history (1 to {MAX_DAYS}; default: 90 or more)")


def run(args) -> int:
    """Run one of SETUP_COMMANDS or TRAIL_COMMANDS; returns the exit status."""
    if args.command == "init-db":
        return _init_db(url_of(args), lang_of(args), args)
    if args.command == "demo":
        return _demo(url_of(args, demo=True), args.sub_cells, args.sub_cases, args.sub_seed,
                     args.days, lang_of(args))
    return _trail_command(args)


def _init_db(url: str, lang: str, args) -> int:
    from console.store.database import DatabaseOpenError, open_database
    try:
        db = open_database(url)
    except DatabaseOpenError as exc:
        return fail(exc, lang)
    try:
        print(f"ready: {db.url}")
        if args.grant_seat_role:
            return _grant_seat_role(db, args.grant_seat_role, args.seat_password_file)
        return 0
    finally:
        db.dispose()


def _demo(url: str, cells: int, cases: int, seed: int, days: int | None, lang: str) -> int:
    import time

    from console.sim.demo import build_demo, demo_exists
    from console.store.database import DatabaseOpenError, open_database
    try:
        db = open_database(url)
    except DatabaseOpenError as exc:
        return fail(exc, lang)
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

def add_trail_commands(sub, headless: argparse.ArgumentParser) -> None:
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
    lang = lang_of(args)
    url = url_of(args)
    if args.command == "restore":
        from console.store.backup import BackupError, restore
        try:
            revision = restore(Path(args.source), url, force=args.force)
            open_database(url).dispose()   # opens, and upgrades an older schema
        except BackupError as exc:
            print(f"refused: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except DatabaseOpenError as exc:
            return fail(exc, lang)
        print(f"restored {args.source} (schema {revision})")
        return 0
    try:
        db = open_database(url, upgrade=args.command != "audit")
    except DatabaseOpenError as exc:
        return fail(exc, lang)
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


