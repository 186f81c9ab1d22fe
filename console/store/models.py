"""SQLAlchemy 2 models of the whole domain: regions, categories, cases, patrols, alerts, feed.

The tables live in console/store/schema/, one module a part of the domain; this module names
them all (`from console.store.models import Case`), and importing it puts every table in
Base.metadata, which Alembic (db/env.py) and the migration tests compare with the database.
"""
from __future__ import annotations

# ruff: noqa: F401 — every name is imported to be named here
from console.store.schema.base import NAMING, Base, LocalDateTime, WideInt, naive_local
from console.store.schema.regions import District, Street, Community, Cell, WorkGrid, WorkGridCell
from console.store.schema.organisation import Department, Category, User
from console.store.schema.patrols import PatrolOfficer, Device, Shift, Position, LatestPosition
from console.store.schema.cases import Case, CaseEvent, CaseNumberCounter
from console.store.schema.alerts import (Alert, AlertEvaluator, PatrolTrackSummary, Campaign,
                                         CaseCampaign, SupervisionOrder)
from console.store.schema.joint import CaseDepartment, DisputeRuling
from console.store.schema.open311 import Open311Key
from console.store.schema.field import FieldSession, FieldReceipt
from console.store.schema.frontage import FrontageUnit, FrontageRecord
from console.store.schema.infrastructure import (FeedCounter, ChangeFeed, AuditRecord, AuditChain,
                                                 Setting, Meta, FeedReader)
from console.store.schema.hotline import HotlineCall, Callback

__all__ = [name for name, obj in list(globals().items())
           if isinstance(obj, type) and issubclass(obj, Base) and obj is not Base] + ["Base"]
