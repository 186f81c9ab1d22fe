"""What every command of the command line shares: exit codes, the options' documented ranges
and their argparse types, the database a command opens, its language, and how a database that
cannot be opened is told.
"""
from __future__ import annotations

import argparse
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


def whole_number(minimum: int, maximum: int):
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


def positive_number(maximum: float):
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


seed_arg = whole_number(0, MAX_SEED)
cells_arg = whole_number(1, MAX_CELLS)
cases_arg = whole_number(0, MAX_CASES)
days_arg = whole_number(1, MAX_DAYS)
sim_speed_arg = positive_number(MAX_SIM_SPEED)
quit_after_arg = positive_number(MAX_QUIT_AFTER_S)


def db_url(text: str) -> str:
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


def png_path(text: str) -> str:
    path = Path(text).expanduser()
    if path.suffix.lower() != ".png":
        raise argparse.ArgumentTypeError(f"the screenshot must be a .png file: {text!r}")
    if not path.parent.resolve().is_dir():
        raise argparse.ArgumentTypeError(f"folder does not exist: {path.parent}")
    return str(path)


def default_url(demo: bool) -> str:
    from console import paths
    paths.data_dir().mkdir(parents=True, exist_ok=True)
    return paths.demo_database_url() if demo else paths.default_database_url()


def headless_translators(lang: str) -> None:
    """Translators for the command line's sentences, on a QCoreApplication (no widgets).
    English is the source text: no application object is made for it (a caller in the same
    process, such as a test, may make its QApplication later)."""
    from PySide6.QtCore import QCoreApplication
    if lang == "en" and QCoreApplication.instance() is None:
        return

    from console.common.i18n import install_translators
    install_translators(QCoreApplication.instance() or QCoreApplication(["city-console"]), lang)


def fail(exc: Exception, lang: str) -> int:
    """Print a database error in the user's language; the caller exits with EXIT_DATABASE."""
    from console.common.messages import describe_error_headless
    print(describe_error_headless(exc, lang), file=sys.stderr)
    return EXIT_DATABASE


def warn_password_in_url(args) -> None:
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


def url_of(args, demo: bool = False) -> str:
    """The database a headless command opens: its own --db, the main one, else the default."""
    return args.sub_db or args.db or default_url(demo)


def lang_of(args) -> str:
    """The language of a headless command's messages: its own --lang, else the main one."""
    return args.sub_lang or args.lang
