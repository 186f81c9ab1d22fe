"""The centre's field commands: `serve` (the intake server, with its Open311 port), `devices`,
`open311-keys` and `field-sessions` — the phones and applications that may report, and the
officers' phone sessions.
"""
from __future__ import annotations

import argparse
import sys

from console.cli_common import EXIT_USAGE, fail, lang_of, url_of, whole_number

# --- field intake: serve, devices -------------------------------------------------------------

_port = whole_number(1, 65535)
# Memory stays bounded: a fix in the queue costs about 1 KB, so the largest queue is ~1 GB.
_queue_size = whole_number(1, 1_000_000)
_flush_ms = whole_number(1, 60_000)


def _add_serve_commands(sub, headless: argparse.ArgumentParser) -> None:
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
    lang = lang_of(args)
    try:
        db = open_database(url_of(args))
    except DatabaseOpenError as exc:
        return fail(exc, lang)
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
    lang = lang_of(args)
    try:
        db = open_database(url_of(args))
    except DatabaseOpenError as exc:
        return fail(exc, lang)
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
    who.add_argument("--id", type=whole_number(1, 2**31 - 1), metavar="ID")
    who.add_argument("--user", metavar="USERNAME")


def _field_command(args) -> int:
    from datetime import datetime

    from console.domain.errors import DomainError
    from console.services import field_sessions
    from console.store.database import DatabaseOpenError, open_database
    lang = lang_of(args)
    try:
        db = open_database(url_of(args))
    except DatabaseOpenError as exc:
        return fail(exc, lang)
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




COMMANDS = ("serve", "devices", "open311-keys", "field-sessions")


def add_commands(sub, headless: argparse.ArgumentParser) -> None:
    _add_serve_commands(sub, headless)
    _add_open311_commands(sub, headless)
    _add_field_commands(sub, headless)


def run(args) -> int:
    """Run one of COMMANDS; returns the exit status."""
    if args.command == "open311-keys":
        return _open311_command(args)
    if args.command == "field-sessions":
        return _field_command(args)
    return _intake_command(args)
