"""Campaigns (专项整治 / 迎检准备 / 夜查 / 联合执法): create, edit, close, and the cases they tag.

A campaign is an area (streets and communities picked, or a polygon drawn: its cells), focus
categories, a period, targets, a responsible leader and departments. Creating or editing one
tags every case in it at once (store/campaign_queries.py: retag) — the open cases reported
before it began included — and `case_reported` tags each new case as it arrives. Closing it
stores its figures (services/campaign_progress.py) so the record no longer moves.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import shapely
from shapely.geometry import shape

from console.domain.changes import ChangeAction, ChangeKind
from console.domain.errors import DomainError, NotFound
from console.domain.limits import check_text
from console.domain.permissions import Permission
from console.services.actor import Actor, authorize
from console.services.trail import audited
from console.store import campaign_queries as q
from console.store import feed
from console.store.models import Campaign, Category, Community, Department, Street, User

KINDS = ("rectification", "inspection", "night", "joint")   # 专项整治 迎检准备 夜查 联合执法
#: target key → what it holds: a share (0–1], a count (≥ 0), or a date.
TARGETS = {"on_time_closure_rate": "share", "open_focus_max": "count", "open_focus_by": "date",
           "patrol_coverage": "share"}


@dataclass
class CampaignForm:
    """What a leader fills in (codes for places and categories; ids for people)."""

    name: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    streets: list[str] = field(default_factory=list)
    communities: list[str] = field(default_factory=list)
    polygon: dict[str, Any] | None = None        # GeoJSON Polygon / MultiPolygon / Feature
    categories: list[str] = field(default_factory=list)
    targets: dict[str, Any] = field(default_factory=dict)
    leader_id: int | None = None
    departments: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class CampaignChange:
    campaign_id: int
    tagged: int
    ticket: feed.Ticket = field(repr=False, compare=False)


def _checked_targets(targets: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (targets or {}).items():
        kind = TARGETS.get(key)
        if kind is None:
            raise DomainError("campaign_bad_target", target=str(key)[:64])
        if value is None:
            continue
        try:
            if kind == "share":
                value = float(value)
                ok = 0 < value <= 1
            elif kind == "count":
                ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            else:
                value = date.fromisoformat(str(value)).isoformat()
                ok = True
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise DomainError("campaign_bad_target", target=key)
        out[key] = value
    return out


def polygon_cells(session, polygon: dict[str, Any]) -> list[str]:
    """Codes of the cells whose centre lies inside a drawn GeoJSON polygon."""
    try:
        geometry = shape(polygon.get("geometry", polygon))
        ok = geometry.geom_type in ("Polygon", "MultiPolygon") and geometry.is_valid \
            and not geometry.is_empty
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError):
        ok = False
    if not ok:
        raise DomainError("campaign_bad_polygon")
    rows = q.cells_in_box(session, geometry.bounds)
    if not rows:
        return []
    inside = shapely.contains_xy(geometry, [r[2] for r in rows], [r[3] for r in rows])
    return sorted(r[1] for r, hit in zip(rows, inside) if hit)


def _checked(session, form: CampaignForm) -> dict[str, Any]:
    name = check_text("campaign_name", form.name)
    if not name:
        raise DomainError("campaign_no_name")
    if form.kind not in KINDS:
        raise DomainError("campaign_bad_kind", kind=str(form.kind)[:32])
    if form.ends_at <= form.starts_at:
        raise DomainError("campaign_bad_period")
    for model, codes, what in ((Street, form.streets, "street"),
                               (Community, form.communities, "community"),
                               (Category, form.categories, "category")):
        codes = [check_text("cell_code", c) for c in codes]
        known = set(session.scalars(model.__table__.select().with_only_columns(
            model.code).where(model.code.in_(codes)))) if codes else set()
        for c in codes:
            if c not in known:
                raise NotFound(what, c)
    for dep in form.departments:
        if session.get(Department, dep) is None:
            raise NotFound("department", dep)
    if form.leader_id is not None and session.get(User, form.leader_id) is None:
        raise NotFound("user", form.leader_id)
    area: dict[str, Any] = {"streets": sorted(set(form.streets)),
                            "communities": sorted(set(form.communities)), "cells": []}
    if form.polygon:
        area["polygon"] = form.polygon
        area["cells"] = polygon_cells(session, form.polygon)
    if not (area["streets"] or area["communities"] or area["cells"]):
        raise DomainError("campaign_no_scope")
    return dict(name=name, kind=form.kind, starts_at=form.starts_at, ends_at=form.ends_at,
                area=area, categories=sorted(set(form.categories)),
                targets=_checked_targets(form.targets), leader_id=form.leader_id,
                departments=sorted(set(form.departments)))


def create(session, actor: Actor, form: CampaignForm, at: datetime) -> CampaignChange:
    """A new campaign, with every case in it tagged."""
    actor = authorize(session, actor, Permission.EDIT_CAMPAIGN)
    values = _checked(session, form)
    campaign = Campaign(created_at=at, **values)
    session.add(campaign)
    session.flush()
    return _tagged(session, actor, campaign, ChangeAction.ADDED, at)


def edit(session, actor: Actor, campaign_id: int, form: CampaignForm,
         at: datetime) -> CampaignChange:
    """Change a running campaign; its cases are tagged again by the new area and focus."""
    actor = authorize(session, actor, Permission.EDIT_CAMPAIGN)
    campaign = _open(session, campaign_id, lock=True)
    for key, value in _checked(session, form).items():
        setattr(campaign, key, value)
    session.flush()
    return _tagged(session, actor, campaign, ChangeAction.CHANGED, at)


def _tagged(session, actor: Actor, campaign: Campaign, action: ChangeAction,
            at: datetime) -> CampaignChange:
    scope = q.scope_for(session, campaign.area, campaign.categories)
    tagged = q.retag(session, campaign.id, campaign.starts_at, campaign.ends_at, scope)
    audited(session, actor, ChangeKind.CAMPAIGN, campaign.id, action, at,
            {"name": campaign.name, "kind": campaign.kind, "area": campaign.area,
             "categories": campaign.categories, "targets": campaign.targets,
             "period": [campaign.starts_at.isoformat(), campaign.ends_at.isoformat()],
             "tagged": tagged})
    ticket = feed.record(session, ChangeKind.CAMPAIGN, campaign.id, action, at,
                         {"name": campaign.name, "tagged": tagged})
    return CampaignChange(campaign.id, tagged, ticket)


def _open(session, campaign_id: int, *, lock: bool = False) -> Campaign:
    campaign = session.get(Campaign, campaign_id, with_for_update=lock or None,
                           populate_existing=lock)
    if campaign is None:
        raise NotFound("campaign", campaign_id)
    if campaign.closed_at is not None:
        raise DomainError("campaign_closed", name=campaign.name)
    return campaign


def close(session, actor: Actor, campaign_id: int, at: datetime) -> CampaignChange:
    """Close a campaign: its figures as they stand now are kept and no longer move."""
    from console.services.campaign_progress import progress   # the figures need the service
    actor = authorize(session, actor, Permission.EDIT_CAMPAIGN)
    campaign = _open(session, campaign_id, lock=True)
    figures = progress(session, campaign_id, at)
    figures.closed = True
    campaign.closed_at, campaign.closed_by = at, actor.user_id
    campaign.snapshot = figures.to_json()
    session.flush()
    tagged = q.tagged_count(session, campaign_id)
    audited(session, actor, ChangeKind.CAMPAIGN, campaign.id, ChangeAction.CLOSED, at,
            {"name": campaign.name, "targets_met": figures.met()})
    ticket = feed.record(session, ChangeKind.CAMPAIGN, campaign.id, ChangeAction.CLOSED, at,
                         {"name": campaign.name})
    return CampaignChange(campaign.id, tagged, ticket)


def campaign_progress(session, now: datetime) -> list[dict[str, Any]]:
    """The running campaigns' targets and how far each is reached (the wall's campaigns panel,
    services/wall_data.campaign_source); target keys, not sentences: the screen names them."""
    from console.services.campaign_progress import running_progress   # the figures need it
    return running_progress(session, now)


def case_reported(session, case_id: int, cell_id: int | None, category_code: str,
                  at: datetime, *, reclassified: bool = False) -> list[int]:
    """Tag a new (or reclassified) case with the running campaigns it falls in; returns their
    ids. A handful of campaigns run at once, so this is one small read per report."""
    campaigns = q.running_areas(session, at)
    if not campaigns or cell_id is None:
        return []
    place = q.cell_place(session, cell_id)
    if place is None:
        return []
    cell, community, street = place
    hits, misses = [], []
    for campaign_id, area, categories in campaigns:
        area = area or {}
        inside = (street in (area.get("streets") or ()) or community in (area.get("communities") or ())
                  or cell in (area.get("cells") or ()))
        focus = not categories or category_code in categories
        (hits if inside and focus else misses).append(campaign_id)
    q.tag(session, case_id, hits)
    if reclassified:
        q.untag(session, case_id, misses)
    return hits


@dataclass(frozen=True)
class CampaignInfo:
    """A campaign as plain data, for the editor and the dashboard's header."""

    campaign_id: int
    name: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    area: dict[str, Any]
    categories: list[str]
    targets: dict[str, Any]
    leader_id: int | None
    departments: list[int]
    closed_at: datetime | None

    def form(self) -> CampaignForm:
        return CampaignForm(self.name, self.kind, self.starts_at, self.ends_at,
                            list(self.area.get("streets") or ()),
                            list(self.area.get("communities") or ()), self.area.get("polygon"),
                            list(self.categories), dict(self.targets), self.leader_id,
                            list(self.departments))


def info(session, campaign_id: int) -> CampaignInfo:
    c = session.get(Campaign, campaign_id)
    if c is None:
        raise NotFound("campaign", campaign_id)
    return CampaignInfo(c.id, c.name, c.kind, c.starts_at, c.ends_at, dict(c.area or {}),
                        list(c.categories or ()), dict(c.targets or {}), c.leader_id,
                        list(c.departments or ()), c.closed_at)


def campaigns(session) -> list[tuple]:
    """(id, name, kind, starts_at, ends_at, closed_at) of every campaign, newest first."""
    return q.campaign_list(session)


def editor_references(session) -> tuple[list, list, list]:
    """What the editor offers: streets with their communities (codes, names), the active
    categories, the active departments."""
    from sqlalchemy import select
    communities: dict[int, list] = {}
    for sid, code, name in session.execute(select(Community.street_id, Community.code,
                                                  Community.name).order_by(Community.code)):
        communities.setdefault(sid, []).append((code, name))
    streets = [(code, name, communities.get(sid, [])) for sid, code, name in session.execute(
        select(Street.id, Street.code, Street.name).order_by(Street.code))]
    categories = [tuple(r) for r in session.execute(select(Category.code, Category.name).where(
        Category.active.is_(True), Category.level == 2).order_by(Category.code))]
    departments = [tuple(r) for r in session.execute(select(Department.id, Department.name).where(
        Department.active.is_(True)).order_by(Department.name))]
    return streets, categories, departments
