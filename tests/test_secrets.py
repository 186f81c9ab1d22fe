"""The database password never needs the command line: environment, owner-only file, keyring."""
from __future__ import annotations

import os
import sys

import pytest
from sqlalchemy.engine import make_url

from console.cli import main
from console.store import secrets
from console.store.database import DatabaseOpenError, make_engine

URL = make_url("postgresql+psycopg2://seat@db.example/city")


@pytest.fixture(autouse=True)
def _clean(monkeypatch, tmp_path):
    for name in (secrets.ENV_PASSWORD, secrets.ENV_PASSWORD_FILE):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CITY_CONSOLE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setitem(sys.modules, "keyring", None)    # not installed


def test_environment_first(monkeypatch):
    monkeypatch.setenv(secrets.ENV_PASSWORD, "s3cret")
    assert secrets.with_password(URL).password == "s3cret"
    assert make_engine(URL.render_as_string(False)).url.password == "s3cret"


def test_an_owner_only_file_is_read_and_a_loose_one_refused(monkeypatch, tmp_path):
    path = tmp_path / "pw"
    path.write_text("from-file\nignored\n")
    path.chmod(0o600)
    monkeypatch.setenv(secrets.ENV_PASSWORD_FILE, str(path))
    assert secrets.with_password(URL).password == "from-file"
    path.chmod(0o640)
    with pytest.raises(secrets.SecretError, match="chmod 600"):
        secrets.with_password(URL)
    with pytest.raises(DatabaseOpenError) as info:
        make_engine(URL.render_as_string(False))
    assert "chmod 600" in info.value.params["detail"]


def test_the_default_file_in_the_config_folder(tmp_path):
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / secrets.DEFAULT_FILE_NAME).write_text("default")
    os.chmod(folder / secrets.DEFAULT_FILE_NAME, 0o600)
    assert secrets.with_password(URL).password == "default"


def test_without_a_keyring_the_driver_is_left_its_own_ways():
    assert secrets.with_password(URL).password is None


def test_the_keyring_when_installed(monkeypatch):
    class Keyring:
        @staticmethod
        def get_password(service, user):
            return "from-keyring" if (service, user) == ("city-console",
                                                         "seat@db.example:5432/city") else None

    class Errors:
        KeyringError = RuntimeError
    monkeypatch.setitem(sys.modules, "keyring", Keyring)
    monkeypatch.setitem(sys.modules, "keyring.errors", Errors)
    assert secrets.with_password(URL).password == "from-keyring"


def test_a_password_in_the_url_is_kept_and_the_command_line_warns(capsys, tmp_path):
    url = URL.set(password="visible")
    assert secrets.with_password(url).password == "visible"
    assert secrets.without_password(url) == "postgresql+psycopg2://seat@db.example/city"
    main(["audit", "verify", "--db", "postgresql+psycopg2://u:visible@127.0.0.1:1/x"])
    assert "visible to every local user" in capsys.readouterr().err
