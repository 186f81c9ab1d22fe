"""The database password, from somewhere other than the command line.

A password in `--db postgresql://user:secret@host/db` is in the process list, which every local
user reads (`ps -ef`). So a URL names no password, and the console looks for it, in this order:

1. CITY_CONSOLE_DB_PASSWORD in the environment (a service manager's secret, a CI variable);
2. the file CITY_CONSOLE_DB_PASSWORD_FILE names, or `db-password` in the config folder: its
   first line; refused when its group or others may read it (as libpq refuses a loose .pgpass);
3. the system keyring, when the optional `keyring` package is installed and has a backend:
   service "city-console", user "<user>@<host>:<port>/<database>".

With none of them the driver is left to its own ways (~/.pgpass, a trust or peer login).
A URL that does carry a password still works — the command line warns about it.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import URL

ENV_PASSWORD = "CITY_CONSOLE_DB_PASSWORD"
ENV_PASSWORD_FILE = "CITY_CONSOLE_DB_PASSWORD_FILE"
DEFAULT_FILE_NAME = "db-password"
KEYRING_SERVICE = "city-console"


class SecretError(Exception):
    """A password source exists but must not be used; the message says why and what to do."""


def keyring_user(url: URL) -> str:
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def read_password_file(path: Path) -> str:
    """The first line of a file only its owner may read; SecretError otherwise."""
    try:
        info = path.stat()
    except OSError as exc:
        raise SecretError(f"the password file {path} cannot be read: {exc.strerror}") from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretError(f"the password file {path} may be read by other users "
                          f"(mode {stat.filemode(info.st_mode)}); run: chmod 600 {path}")
    try:
        return path.read_text(encoding="utf-8").splitlines()[0] if info.st_size else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretError(f"the password file {path} cannot be read: {exc}") from None


def _default_file() -> Path:
    from console.paths import config_dir  # the same folder as the seat's settings
    return config_dir() / DEFAULT_FILE_NAME


def _from_keyring(url: URL) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_user(url))
    except (KeyringError, RuntimeError):
        return None   # no usable backend (a headless server): not an error, just no keyring


def find_password(url: URL) -> str | None:
    """The password for `url` from the environment, the password file or the keyring."""
    if os.environ.get(ENV_PASSWORD):
        return os.environ[ENV_PASSWORD]
    named = os.environ.get(ENV_PASSWORD_FILE)
    if named:
        return read_password_file(Path(named).expanduser())
    default = _default_file()
    if default.exists():
        return read_password_file(default)
    return _from_keyring(url)


def with_password(url: URL) -> URL:
    """`url` with its password filled in from a safe source, when it names none (not SQLite)."""
    if url.get_backend_name() == "sqlite" or url.password is not None:
        return url
    password = find_password(url)
    return url if password is None else url.set(password=password)


def without_password(url: URL) -> str:
    """`url` as text with no password at all (for settings files and logs; not "***", which
    would be taken for the password when read back)."""
    return url._replace(password=None).render_as_string(hide_password=False)   # set() keeps it
