"""Two throwaway local PostgreSQL 15 clusters, a primary and its streaming standby, for the
promotion test (tests/test_standby_promotion_pg.py). The commands are the ones
docs/deployment.md gives, run as the `postgres` user on loopback ports."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN = Path(os.environ.get("CITY_CONSOLE_PG_BIN", "/usr/lib/postgresql/15/bin"))
USER = "postgres"


def available() -> str | None:
    """Why the pair cannot be made here (None: it can)."""
    if not (BIN / "initdb").exists():
        return f"no PostgreSQL binaries in {BIN}"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "needs root to run the clusters as the postgres user"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*args: str, timeout: float = 60) -> str:
    done = subprocess.run(["runuser", "-u", USER, "--", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


@dataclass
class Cluster:
    data: Path
    port: int

    def ctl(self, *args: str) -> None:
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
                     "-l", str(self.data / "log"), *args)

    def sql(self, statement: str, database: str = "postgres") -> str:
        return _as_postgres(str(BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                            USER, "-d", database, "-Atc", statement).strip()


@dataclass
class Pair:
    primary: Cluster
    standby: Cluster
    database: str

    def url(self) -> str:
        """The seats' and serve's multi-host URL: whichever of the two is writable."""
        return (f"postgresql+psycopg2://{USER}@/{self.database}?target_session_attrs=read-write"
                f"&host=127.0.0.1:{self.primary.port}&host=127.0.0.1:{self.standby.port}")

    def streaming(self) -> bool:
        return self.primary.sql(
            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == "1"

    def caught_up(self) -> bool:
        """The standby has replayed everything the primary has written."""
        sent = self.primary.sql("SELECT pg_current_wal_lsn()")
        return self.standby.sql(f"SELECT pg_last_wal_replay_lsn() >= '{sent}'::pg_lsn") == "t"


@contextmanager
def standby_pair(database: str = "city") -> Iterator[Pair]:
    root = Path(tempfile.mkdtemp(prefix="console-standby-"))
    shutil.chown(root, USER, USER)
    primary = Cluster(root / "primary", _free_port())
    standby = Cluster(root / "standby", _free_port())
    started: list[Cluster] = []
    try:
        _as_postgres(str(BIN / "initdb"), "-D", str(primary.data), "-U", USER, "-A", "trust",
                     "--no-sync")
        with open(primary.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {primary.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{root}'\nfsync = off\n")
        with open(primary.data / "pg_hba.conf", "a", encoding="utf-8") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        primary.ctl("start")
        started.append(primary)
        primary.sql(f'CREATE DATABASE "{database}"')
        _as_postgres(str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
                     "-U", USER, "-D", str(standby.data), "-R", "-X", "stream", "-c", "fast", "--no-sync")
        with open(standby.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {standby.port}\n")
        standby.ctl("start")
        started.append(standby)
        yield Pair(primary, standby, database)
    finally:
        for cluster in reversed(started):
            try:
                cluster.ctl("stop", "-m", "immediate")
            except RuntimeError:
                pass     # already stopped by the test
        shutil.rmtree(root, ignore_errors=True)

