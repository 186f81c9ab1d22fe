"""Position history partitioned by day on PostgreSQL (retention drops whole days); the feed's
readers table (the pruner keeps what a running seat has not read yet)

The plain positions table becomes a table PARTITION BY RANGE (at) with one partition per day
that holds rows within positions_keep_days (and the next few days) plus a DEFAULT partition for
fixes of a day with no partition (older rows, strays) (console/store/position_days.py keeps the days from then on). The primary key
becomes (id, at): a partitioned table's unique keys must hold the partition key; ids still come
from the same sequence, so they stay unique and increasing.

Cost on a large table: every row is copied once (in id ranges of BATCH rows, all inside the
migration's one transaction) and the three indexes are built again, so the upgrade takes about
as long as writing the table and needs its size again in free disk until the old table is
dropped at the end; the intake and the seats are stopped meanwhile (upgrades run with the
console closed). Measured: see docs/deployment.md.

The days are made and dropped by `serve`'s pruner, which connects as the seat role: that role
owns no table and may create none, so the DDL lives in four SECURITY DEFINER functions owned by
the schema's owner (FUNCTIONS below), each doing one narrow thing to positions' partitions only.

SQLite keeps its plain table: nothing changes there.

Revision ID: 0024
Revises: 0019
Create Date: 2026-11-29
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision = "0024"
down_revision = "0019"
branch_labels = None
depends_on = None

BATCH = 200_000
AHEAD_DAYS = 3
OLD = "positions_unpartitioned"
_COLUMNS = ("id, device_id, patrol_officer_id, at, lat, lon, speed, heading, altitude, accuracy, "
            "battery, attributes")
_RENAMES = (("pk_positions", "pk_positions_old"),
            ("fk_positions_device_id_devices", "fk_positions_old_device_id"),
            ("fk_positions_patrol_officer_id_patrol_officers", "fk_positions_old_officer_id"))
_INDEXES = (("ix_positions_device_at", "device_id, at"),
            ("ix_positions_officer_at", "patrol_officer_id, at"))


# Each name is built from a date inside the function (no name from the caller), and a day within
# positions_keep_days (plus a day: the server's clock zone may differ from the seats') is never
# dropped, whoever asks.
FUNCTIONS = (
    """CREATE FUNCTION console_position_day_add(day date) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        name text := 'positions_' || to_char(day, 'YYYYMMDD');
        lo timestamp := day::timestamp;
        hi timestamp := (day + 1)::timestamp;
        moved bigint;
    BEGIN
        IF to_regclass(name) IS NOT NULL THEN RETURN 0; END IF;
        -- A plain table filled from the default partition, then attached: ATTACH locks
        -- positions only against other DDL, where CREATE .. PARTITION OF would lock it whole.
        EXECUTE format('CREATE TABLE %I (LIKE positions INCLUDING DEFAULTS)', name);
        EXECUTE format('WITH moved AS (DELETE FROM positions_default WHERE at >= $1 AND at < $2 '
                       'RETURNING *) INSERT INTO %I SELECT * FROM moved', name) USING lo, hi;
        GET DIAGNOSTICS moved = ROW_COUNT;
        -- The CHECK spares ATTACH its validating scan of the new table.
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (at IS NOT NULL AND at >= %L '
                       'AND at < %L)', name, name || '_at', lo, hi);
        EXECUTE format('ALTER TABLE positions ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       name, lo, hi);
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', name, name || '_at');
        RETURN moved;
    END $$""",
    """CREATE FUNCTION console_position_day_drop(day date) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        name text := 'positions_' || to_char(day, 'YYYYMMDD');
        keep float := coalesce((SELECT (value->>'v')::float FROM settings
                                WHERE key = 'positions_keep_days'), 90);
        estimate bigint;
    BEGIN
        IF (day + 1)::timestamp > localtimestamp - (keep - 1) * interval '1 day' THEN
            RAISE EXCEPTION 'day % is within positions_keep_days', day;
        END IF;
        SELECT greatest(c.reltuples, 0)::bigint INTO estimate
          FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
         WHERE c.oid = to_regclass(name) AND i.inhparent = 'positions'::regclass;
        IF estimate IS NULL THEN RETURN 0; END IF;
        EXECUTE format('DROP TABLE %I', name);
        RETURN estimate;
    END $$""",
    """CREATE FUNCTION console_position_stray_days() RETURNS SETOF date
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT DISTINCT date_trunc('day', at)::date FROM positions_default ORDER BY 1
    $$""",
    """CREATE FUNCTION console_position_strays_prune(before timestamp, chunk integer)
    RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE gone bigint;
    BEGIN
        DELETE FROM positions_default WHERE ctid IN
            (SELECT ctid FROM positions_default WHERE at < before LIMIT chunk);
        GET DIAGNOSTICS gone = ROW_COUNT;
        RETURN gone;
    END $$""",
)
FUNCTION_NAMES = ("console_position_day_add(date)", "console_position_day_drop(date)",
                  "console_position_stray_days()",
                  "console_position_strays_prune(timestamp, integer)")


def _day_bounds(day: date) -> tuple[str, str]:
    start = datetime.combine(day, time())
    return start.isoformat(), (start + timedelta(days=1)).isoformat()


def _swap_in_new(old: str, ddl_tail: str) -> None:
    """Rename the old table and its named constraints and indexes out of the way, create the
    new `positions` (`ddl_tail`: what follows its column list) with the same names, and hand
    it the id sequence (dropping the old table would drop a sequence it owns)."""
    op.execute(f"ALTER TABLE positions RENAME TO {old}")
    for name, temporary in _RENAMES:
        op.execute(f"ALTER TABLE {old} RENAME CONSTRAINT {name} TO {temporary}")
    for name, _ in _INDEXES:
        op.execute(f"ALTER INDEX {name} RENAME TO {name}_old")
    op.execute(f"""CREATE TABLE positions (
        id BIGINT NOT NULL DEFAULT nextval('positions_id_seq'::regclass),
        device_id INTEGER NOT NULL,
        patrol_officer_id INTEGER,
        at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
        lat DOUBLE PRECISION NOT NULL,
        lon DOUBLE PRECISION NOT NULL,
        speed DOUBLE PRECISION,
        heading DOUBLE PRECISION,
        altitude DOUBLE PRECISION,
        accuracy DOUBLE PRECISION,
        battery DOUBLE PRECISION,
        attributes JSON,
        CONSTRAINT fk_positions_device_id_devices FOREIGN KEY (device_id) REFERENCES devices (id),
        CONSTRAINT fk_positions_patrol_officer_id_patrol_officers
            FOREIGN KEY (patrol_officer_id) REFERENCES patrol_officers (id),
        {ddl_tail}""")
    op.execute("ALTER SEQUENCE positions_id_seq OWNED BY positions.id")


def _copy_and_drop(old: str) -> None:
    con = op.get_bind()
    low, high = con.execute(text(f"SELECT min(id), max(id) FROM {old}")).one()
    if low is not None:
        for start in range(low, high + 1, BATCH):
            con.execute(text(f"INSERT INTO positions ({_COLUMNS}) SELECT {_COLUMNS} FROM {old} "
                             f"WHERE id >= :a AND id < :b"), {"a": start, "b": start + BATCH})
    op.execute(f"DROP TABLE {old}")
    for name, columns in _INDEXES:
        op.execute(f"CREATE INDEX {name} ON positions ({columns})")
    op.execute("ANALYZE positions")


def upgrade() -> None:
    op.create_table(
        "feed_readers",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feed_readers"))
    op.create_index("ix_feed_readers_seen_at", "feed_readers", ["seen_at"])
    con = op.get_bind()
    if con.dialect.name != "postgresql":
        return
    _swap_in_new(OLD, "CONSTRAINT pk_positions PRIMARY KEY (id, at)) PARTITION BY RANGE (at)")
    today = date.today()
    # Days retention keeps get a partition; older rows go to the default partition, which the
    # pruner empties in chunks (a table with years of history must not make a thousand tables).
    keep = con.execute(text("SELECT (value->>'v')::float FROM settings "
                            "WHERE key = 'positions_keep_days'")).scalar() or 90
    present = set(con.execute(text(
        f"SELECT DISTINCT date_trunc('day', at)::date FROM {OLD} "
        f"WHERE at >= :kept AND at < :ahead"),
        {"kept": datetime.combine(today, time()) - timedelta(days=keep + 1),
         "ahead": datetime.combine(today, time()) + timedelta(days=AHEAD_DAYS + 1)}).scalars())
    for day in sorted(present | {today + timedelta(days=n) for n in range(-1, AHEAD_DAYS + 1)}):
        start, end = _day_bounds(day)
        op.execute(f"CREATE TABLE positions_{day:%Y%m%d} PARTITION OF positions "
                   f"FOR VALUES FROM ('{start}') TO ('{end}')")
    op.execute("CREATE TABLE positions_default PARTITION OF positions DEFAULT")
    _copy_and_drop(OLD)
    for function in FUNCTIONS:
        op.execute(function)


def downgrade() -> None:
    op.drop_index("ix_feed_readers_seen_at", "feed_readers")
    op.drop_table("feed_readers")
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in FUNCTION_NAMES:
        op.execute(f"DROP FUNCTION {name}")
    _swap_in_new("positions_partitioned", "CONSTRAINT pk_positions PRIMARY KEY (id))")
    _copy_and_drop("positions_partitioned")
