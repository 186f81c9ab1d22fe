"""Evaluation and rankings (综合评价) of departments, streets, communities and patrol officers.

`evaluate(session, level, period)` ranks every unit of a level over a period with its
indicators, composite score, A–E grade and the change against the period of equal length
before; `cases_behind` lists the cases a figure counts (its numerator or denominator). Both
take a `Scope`, so a campaign evaluates its own area and focus categories over its own period.
The counting is SQL (store/evaluation_queries.py); the scoring is domain/evaluation.py.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

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
    # 岗位评价 of the desk: of the reference's indicators only 准确派遣率 is a post's own (see
    # store/post_queries.py); 按时受理率, 按时立案率, 准确立案率 and 按时派遣率 have no row in
    # the reference yet, so none is invented here (each event records its centre_stage on_time).
    Level.DISPATCHER: ("correct_dispatch_rate",),
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
    """Several levels at once: departments and regions share one grouped scan per period."""
    levels = [Level(x) for x in levels]
    weights, bands, check_hours = _settings(session)
    prev = period.previous()
    regional = [lv for lv in levels if lv not in (Level.PATROL, Level.DISPATCHER)]
    scans = {}
    streets: dict[int, int] = {}
    for name, p in (("now", period), ("previous", prev)):
        upto = _upto(p, now)
        if regional:
            rows = q.unit_counts(session, p.start, upto, check_hours, scope)
            if Level.STREET in regional:
                streets = streets or q.community_streets(session)
                for row in rows:
                    row["street_id"] = streets.get(row["community_id"])
            # 满意度: its own few rows (the call-backs answered), summed into the same units.
            rows = rows + callback_queries.satisfaction_counts(session, p.start, upto, scope)
        for lv in levels:
            if lv is Level.PATROL:
                scans[name, lv] = q.patrol_counts(session, p.start, upto, check_hours, scope)
            elif lv is Level.DISPATCHER:
                scans[name, lv] = post_queries.dispatcher_counts(session, p.start, upto, scope)
            else:
                scans[name, lv] = _rollup(rows, lv)
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


def _rollup(rows: list[dict[str, Any]], level: Level) -> dict[int, dict[str, int]]:
    column = {Level.DEPARTMENT: "department_id", Level.COMMUNITY: "community_id",
              Level.STREET: "street_id"}[level]
    units: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        unit = row[column]
        if unit is None:
            continue
        for k, v in row.items():
            if k not in ("department_id", "community_id", "street_id"):
                units[unit][k] += int(v or 0)
    return units


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
