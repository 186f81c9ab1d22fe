"""Tables: regions — districts, streets, communities, the unit grid's cells, work grids."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from console.store.schema.base import Base


class District(Base):
    __tablename__ = "districts"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(64))


class Street(Base):
    __tablename__ = "streets"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)


class Community(Base):
    __tablename__ = "communities"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)


class Cell(Base):
    """A unit grid cell (单元网格): a polygon of about 10,000 m² with one accountable owner."""

    __tablename__ = "cells"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(15), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    # The ring as [[lon, lat], ...]; plain JSON keeps SQLite and PostgreSQL alike (no PostGIS).
    ring: Mapped[list[Any]] = mapped_column(JSON)
    centroid_lon: Mapped[float] = mapped_column(Float)
    centroid_lat: Mapped[float] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    # Set when a re-imported grid no longer has the cell: its cases keep it, the map drops it.
    retired_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_cells_bbox", "min_lon", "max_lon", "min_lat", "max_lat"),)


class WorkGrid(Base):
    """A 责任网格: the cells one patrol officer or team is responsible for."""

    __tablename__ = "work_grids"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"), index=True)


class WorkGridCell(Base):
    __tablename__ = "work_grid_cells"
    work_grid_id: Mapped[int] = mapped_column(ForeignKey("work_grids.id"), primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id"), primary_key=True, index=True)
