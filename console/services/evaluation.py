"""Evaluation and rankings (综合评价) of departments, streets, communities and patrol officers.

`evaluate(session, level, period)` ranks every unit of a level over a period with its
indicators, composite score, A–E grade and the change against the period of equal length
before; `cases_behind` lists the cases a figure counts (its numerator or denominator). Both
take a `Scope`, so a campaign evaluates its own area and focus categories over its own period.
The counting is SQL (store/evaluation_queries.py); the scoring is domain/evaluation.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from console.domain.evaluation import (COMPOSITE_OF, SATISFACTION_COMPOSITES, Level, Period, Term,
                                       composite, grade, grades_from_setting, ratio, reference,
                                       weights_from_setting, with_satisfaction)
from console.services.settings import get_setting
from console.store import callback_queries
from console.store import evaluation_queries as q
from console.store import post_queries
from console.store.evaluation_queries import Scope

#: indicator → (numerator count, denominator count); a count has no denominator.
PARTS: dict[str, tuple[str | None, str | None]] = {
    "registered": ("registered", None),
    "due": ("due", None),
    "closure_rate": ("closed", "due"),
    "on_time_closure_rate": ("closed_on_time", "due"),
    "handling_rate": ("handled", "dispatched"),
    "on_time_handling_rate": ("handled_on_time", "dispatched"),
    "rework_rate": ("rework", "due"),
    "overdue": ("overdue", None),
    "extension_rate": ("extension", "due"),
    "valid_report_rate": ("valid_reports", "reports"),
    "on_time_verify_rate": ("verifies_on_time", "verifies"),
    "on_time_check_rate": ("checks_on_time", "checks"),
    "correct_dispatch_rate": ("dispatched_correctly", "dispatched"),
    "supervision_report_rate": ("registered_by_patrol", "registered"),
    "on_time_accept_rate": ("accepted_on_time", "accepted"),
    "on_time_register_rate": ("registered_on_time", "register_decisions"),
    "correct_register_rate": ("registered_correctly", "desk_registered"),
    "on_time_dispatch_rate": ("dispatched_on_time", "dispatch_decisions"),
    "satisfaction_rate": ("callbacks_satisfied", "callbacks_reached"),   # 回访 满意度
}
#: The indicators each level's table shows, in column order.
SHOWN: dict[Level, tuple[str, ...]] = {
    Level.DEPARTMENT: ("due", "closure_rate", "on_time_handling_rate", "rework_rate",
                       "handling_rate", "extension_rate", "correct_dispatch_rate", "overdue",
                       "satisfaction_rate"),
    Level.STREET: ("registered", "due", "closure_rate", "on_time_closure_rate", "rework_rate",
                   "supervision_report_rate", "extension_rate", "overdue", "satisfaction_rate"),
    Level.PATROL: ("valid_report_rate", "on_time_verify_rate", "on_time_check_rate"),
    # 岗位评价 of the desk, one row per person: the receiver's 受理, the shift leader's 立案 and
    # the dispatcher's 派遣 (store/post_queries.py); a person who did none of a post's work shows
    # no figure for it.
    Level.DISPATCHER: ("on_time_accept_rate", "on_time_register_rate", "correct_register_rate",
                       "on_time_dispatch_rate", "correct_dispatch_rate"),
}
SHOWN[Level.COMMUNITY] = SHOWN[Level.STREET]


@dataclass(frozen=True)
class Figure:
    """One indicator of one unit: its value and the two counts it is made of."""

    value: float | None
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class Ranked:
    unit_id: int
    name: str
    figures: dict[str, Figure]
    score: float | None
    grade: str | None
    previous_score: float | None
    rank: int | None = None

    @property
    def change(self) -> float | None:
        """Score now − score in the previous period; None when either has no data."""
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score


@dataclass(frozen=True)
class Ranking:
    level: Level
    period: Period
    upto: datetime
    rows: list[Ranked]
    indicators: tuple[str, ...]
    terms: tuple[Term, ...]
    scope: Scope | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def _settings(session: Session) -> tuple[dict[str, tuple[Term, ...]], tuple, float]:
    weights = weights_from_setting(get_setting(session, "evaluation_weights"))
    satisfaction = float(get_setting(session, "satisfaction_weight"))
    weights = {name: with_satisfaction(terms, satisfaction) if name in SATISFACTION_COMPOSITES
               else terms for name, terms in weights.items()}
    bands = grades_from_setting(get_setting(session, "evaluation_grades"))
    return weights, bands, float(get_setting(session, "evaluation_check_hours"))


def figures(c: dict[str, int]) -> dict[str, Figure]:
    """Every indicator out of one unit's counts."""
    out = {}
    for key, (num, den) in PARTS.items():
        if num is None:
            out[key] = Figure(None)
        elif den is None:
            out[key] = Figure(float(c.get(num, 0)), c.get(num, 0))
        else:
            n, d = c.get(num, 0), c.get(den, 0)
            out[key] = Figure(ratio(n, d), n, d)
    return out


def _upto(period: Period, now: datetime) -> datetime:
    return min(period.end, now)


def evaluate(session: Session, level: Level | str, period: Period, now: datetime,
             scope: Scope | None = None) -> Ranking:
    """Rank every unit of `level` over `period` as seen at `now`, best score first."""
    return evaluate_many(session, (level,), period, now, scope)[Level(level)]


def evaluate_many(session: Session, levels, period: Period, now: datetime,
                  scope: Scope | None = None) -> dict[Level, Ranking]:
    """Several levels at once: departments and regions of both periods share one grouped scan."""
    levels = [Level(x) for x in levels]
    weights, bands, check_hours = _settings(session)
    prev = period.previous()
    regional = [lv for lv in levels if lv not in (Level.PATROL, Level.DISPATCHER)]
    scans = {}
    periods = {"now": period, "previous": prev}
    if regional:
        spans = [(p.start, _upto(p, now)) for p in periods.values()]
        rows = q.unit_counts_many(session, spans, check_hours, scope)
        # Joint cases' 协办 parts count for their departments like the cases' own rows.
        rows += _dict_rows([q.assist_counts(session, s, u, scope) for s, u in spans],
                           q.UNIT_COUNTS)
        # 满意度: the call-backs answered, a few rows summed into the same units.
        said = _dict_rows([callback_queries.satisfaction_counts(session, s, u, scope)
                           for s, u in spans], SATISFACTION_COUNTS)
        streets = q.community_streets(session) if Level.STREET in regional else {}
        for i, name in enumerate(periods):
            for lv in regional:
                scans[name, lv] = _rollup(rows, lv, streets, i, q.UNIT_COUNTS)
                for unit, counts in _rollup(said, lv, streets, i, SATISFACTION_COUNTS).items():
                    scans[name, lv].setdefault(unit, {}).update(counts)
    for name, p in periods.items():
        upto = _upto(p, now)
        for lv in levels:
            if lv is Level.PATROL:
                scans[name, lv] = q.patrol_counts(session, p.start, upto, check_hours, scope)
            elif lv is Level.DISPATCHER:
                scans[name, lv] = post_queries.dispatcher_counts(session, p.start, upto, scope)
    out = {}
    for lv in levels:
        terms = weights.get(COMPOSITE_OF[lv], ())
        names = (post_queries.dispatcher_names(session) if lv is Level.DISPATCHER
                 else q.names(session, lv.value))
        ranked = []
        for unit_id, name in names.items():
            figs = figures(scans["now", lv].get(unit_id, {}))
            before = figures(scans["previous", lv].get(unit_id, {}))
            score = composite({k: f.value for k, f in figs.items()}, terms)
            prev_score = composite({k: f.value for k, f in before.items()}, terms)
            ranked.append(Ranked(unit_id, name, figs, score, grade(score, bands), prev_score))
        ranked.sort(key=lambda r: (r.score is None, -(r.score or 0), r.name))
        ranked = [Ranked(r.unit_id, r.name, r.figures, r.score, r.grade, r.previous_score,
                         i + 1 if r.score is not None else None) for i, r in enumerate(ranked)]
        out[lv] = Ranking(lv, period, _upto(period, now), ranked, SHOWN[lv], terms, scope)
    return out


#: The call-backs' counts summed per unit beside the cases' (q.UNIT_COUNTS).
SATISFACTION_COUNTS = tuple(callback_queries.SATISFACTION_PARTS)


def _dict_rows(per_period: list[list[dict[str, Any]]], names: tuple[str, ...]) -> list[tuple]:
    """Rows as q.unit_counts_many lays them out — (department, community, the counts `names`
    of period 0, of period 1, ...) — out of each period's rows as dicts."""
    width, out = len(names), []
    for i, rows in enumerate(per_period):
        for row in rows:
            counts = [0] * (width * len(per_period))
            for j, name in enumerate(names):
                counts[i * width + j] = int(row.get(name) or 0)
            out.append((row["department_id"], row.get("community_id"), *counts))
    return out


def _rollup(rows: list[tuple], level: Level, streets: dict[int, int], period_index: int,
            names: tuple[str, ...]) -> dict[int, dict[str, int]]:
    """One period's counts `names` per unit of a level, summed from (department, community)
    rows laid out as q.unit_counts_many's (tens of thousands: numpy, not a dict per row)."""
    if not rows:
        return {}
    first = 2 + period_index * len(names)
    counts = np.array([r[first:first + len(names)] for r in rows], dtype=np.int64)
    if level is Level.DEPARTMENT:
        units = [r[0] for r in rows]
    elif level is Level.COMMUNITY:
        units = [r[1] for r in rows]
    else:
        units = [streets.get(r[1]) for r in rows]
    keys = np.array([-1 if u is None else u for u in units], dtype=np.int64)
    ids, where = np.unique(keys, return_inverse=True)
    totals = np.zeros((len(ids), len(names)), dtype=np.int64)
    np.add.at(totals, where, counts)
    return {int(unit): dict(zip(names, map(int, total)))
            for unit, total in zip(ids, totals) if unit != -1}


def cases_behind(session: Session, level: Level | str, unit_id: int, indicator: str,
                 period: Period, now: datetime, part: str = "numerator",
                 scope: Scope | None = None) -> list[dict[str, Any]]:
    """The cases behind one figure: its numerator's (`part="numerator"`) or its
    denominator's. A count (立案数, 超期数) has only a numerator."""
    num, den = PARTS[indicator]
    count = num if part == "numerator" else den
    if count is None:
        return []
    _, _, check_hours = _settings(session)
    if count in callback_queries.SATISFACTION_PARTS:
        return callback_queries.callback_cases(session, Level(level).value, unit_id, count,
                                               period.start, _upto(period, now), scope)
    if Level(level) is Level.DISPATCHER:
        return post_queries.dispatcher_cases(session, unit_id, count, period.start,
                                             _upto(period, now), scope)
    return q.cases_of(session, Level(level).value, unit_id, count, period.start,
                      _upto(period, now), check_hours, scope)


def definition(indicator: str) -> str:
    """The reference's formula of an indicator (for tooltips and export headers)."""
    return reference().indicators[indicator].formula
