"""Evaluation (综合评价): the indicators, composites and grade bands of reference/kpis.md, and
the pure arithmetic on them. No SQL: the store counts the cases, this turns counts into scores.

The reference file is read as data (resources/reference/kpis.md, a copy of the shared one): the
indicators' names and formulas (for tooltips), the composites' weights and the grade bands.
Weights and bands are then shared settings whose defaults are what the file says.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any


class Level(StrEnum):
    """Who is evaluated."""

    DEPARTMENT = "department"
    STREET = "street"
    COMMUNITY = "community"
    PATROL = "patrol"
    DISPATCHER = "dispatcher"    # 岗位评价: the desk's people, by who dispatched


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    LAST_7_DAYS = "last7"     # today and the six days before: never empty after midnight
    LAST_30_DAYS = "last30"
    CUSTOM = "custom"


#: Which composite of the reference each level is scored by.
COMPOSITE_OF = {Level.DEPARTMENT: "department", Level.STREET: "region",
                Level.COMMUNITY: "region", Level.PATROL: "patrol officer",
                # The reference defines no composite for the desk's posts: figures, no score.
                Level.DISPATCHER: "dispatcher"}

#: The reference's English names → the keys the store computes. "按时核实率 / 按时核查率" is
#: one row of the table holding two indicators. 监督举报率 is used by the region composite but
#: has no row: it is defined here (SUPPLEMENT) as patrol-found registrations / registrations.
_KEY_OF_ENGLISH = {
    "registered": "registered", "due": "due", "closure rate": "closure_rate",
    "on-time closure rate": "on_time_closure_rate", "handling rate": "handling_rate",
    "on-time handling rate": "on_time_handling_rate", "rework rate": "rework_rate",
    "overdue": "overdue", "extension rate": "extension_rate",
    "valid report rate": "valid_report_rate", "on-time verify": "on_time_verify_rate",
    "check rate": "on_time_check_rate", "correct dispatch rate": "correct_dispatch_rate",
}
SUPPLEMENT = {"supervision_report_rate": ("监督举报率", "supervision report rate",
                                          "registered cases reported by patrol officers / registered"),
              # 岗位评价 of the desk (issue: receivers, shift leaders, dispatchers); the reference
              # has only 准确派遣率 of these. "Within the limit": the centre's own stage limits.
              "on_time_accept_rate": ("按时受理率", "on-time acceptance rate",
                                      "reports accepted (sent to 核实, or refused) within the "
                                      "centre's limit / reports accepted"),
              "on_time_register_rate": ("按时立案率", "on-time registration rate",
                                        "立案 decisions (registered or refused) within the centre's "
                                        "limit / 立案 decisions"),
              "correct_register_rate": ("准确立案率", "correct registration rate",
                                        "(registered − cancelled afterwards as registered in "
                                        "error) / registered"),
              "on_time_dispatch_rate": ("按时派遣率", "on-time dispatch rate",
                                        "dispatches within the centre's limit after 立案 / "
                                        "dispatches"),
              # 回访 (services/callbacks.py): weighted by its own setting, see with_satisfaction.
              "satisfaction_rate": ("满意度", "satisfaction",
                                    "call-backs answered satisfied or basically satisfied / "
                                    "citizens reached (unreachable counts in neither)")}
#: The composites 满意度 joins (the citizen's word on a department's and a region's work).
SATISFACTION_COMPOSITES = frozenset({"department", "region"})


@dataclass(frozen=True)
class Indicator:
    key: str
    name_zh: str
    name_en: str
    formula: str
    rate: bool          # a share in [0, 1] (numerator / denominator), else a count


@dataclass(frozen=True)
class Term:
    """One weighted part of a composite: the indicator's value, or 1 − it (`inverted`)."""

    key: str
    weight: float
    inverted: bool = False


@dataclass(frozen=True)
class Reference:
    indicators: dict[str, Indicator]
    composites: dict[str, tuple[Term, ...]]
    grades: tuple[tuple[str, float], ...]     # (grade, lowest score), best first; last is 0


REFERENCE_FILE = Path(__file__).resolve().parents[2] / "resources" / "reference" / "kpis.md"
_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*$")
_TERM = re.compile(r"(\(1\s*[−-]\s*)?([^\s()+]+?)\)?\s+(\d+(?:\.\d+)?)%")
_BAND = re.compile(r"([A-E])\s*(≥\s*(\d+)|(\d+)\s*[–-]\s*\d+|<\s*\d+)")


def parse_reference(text: str) -> Reference:
    """Indicators, composites and grade bands out of the reference's markdown."""
    indicators: dict[str, Indicator] = {}
    by_zh: dict[str, str] = {}
    composites: dict[str, tuple[Term, ...]] = {}
    grades: list[tuple[str, float]] = []
    for line in text.splitlines():
        row = _ROW.match(line)
        if row and not set(row[1]) <= set("-") and row[1] != "indicator":
            names, formula = row[1], row[2]
            zh_part = re.match(r"^([^\sA-Za-z]+(?:\s*/\s*[^\sA-Za-z]+)*)\s+(.+)$", names)
            if zh_part is None:
                continue
            zhs = [z.strip() for z in zh_part[1].split("/")]
            english = re.sub(r"\s*\(.*?\)", "", zh_part[2]).strip()
            ens = [e.strip() for e in english.split("/")]
            if len(zhs) == 2 and len(ens) == 2:     # "on-time verify / check rate"
                ens = [ens[0] + " rate", "on-time " + ens[1]]
                keys = [_KEY_OF_ENGLISH[english.split("/")[0].strip()], _KEY_OF_ENGLISH["check rate"]]
            else:
                keys = [_KEY_OF_ENGLISH[english]]
            for key, zh, en in zip(keys, zhs, ens):
                indicators[key] = Indicator(key, zh, en, formula,
                                            rate="/" in formula or "rate" in en)
                by_zh[zh] = key
        comp = re.match(r"^-\s*([a-z ]+):\s*(.+)$", line.strip())
        if comp:
            composites[comp[1].strip()] = tuple(_terms(comp[2], by_zh))
        if line.startswith("Grades:"):
            for m in _BAND.finditer(line):
                low = m[3] or m[4]
                grades.append((m[1], float(low) if low else 0.0))
    for key, (zh, en, formula) in SUPPLEMENT.items():
        indicators[key] = Indicator(key, zh, en, formula, rate=True)
    return Reference(indicators, composites, tuple(grades))


def _terms(text: str, by_zh: dict[str, str]) -> list[Term]:
    out = []
    for m in _TERM.finditer(text):
        zh = m[2]
        key = by_zh.get(zh) or next(k for k, v in SUPPLEMENT.items() if v[0] == zh)
        out.append(Term(key, float(m[3]), inverted=bool(m[1])))
    return out


@cache
def reference() -> Reference:
    """The shipped reference, read once."""
    return parse_reference(REFERENCE_FILE.read_text(encoding="utf-8"))


def default_weights() -> dict[str, dict[str, Any]]:
    """The composites as the shared setting `evaluation_weights` holds them."""
    return {name: {"terms": [[t.key, t.weight, t.inverted] for t in terms]}
            for name, terms in reference().composites.items()}


def default_grades() -> list[list[Any]]:
    """The grade bands as the shared setting `evaluation_grades` holds them."""
    return [[g, low] for g, low in reference().grades]


def weights_from_setting(value: dict[str, Any]) -> dict[str, tuple[Term, ...]]:
    return {name: tuple(Term(str(k), float(w), bool(inv)) for k, w, inv in spec["terms"])
            for name, spec in value.items()}


def grades_from_setting(value: list[list[Any]]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(((str(g), float(low)) for g, low in value), key=lambda b: -b[1]))


# --- arithmetic ----------------------------------------------------------------------------

def ratio(numerator: int, denominator: int) -> float | None:
    """A rate; None when nothing was counted (no data is not 0 %)."""
    return numerator / denominator if denominator > 0 else None


def composite(values: dict[str, float | None], terms: tuple[Term, ...]) -> float | None:
    """The weighted score 0–100. An indicator with no data leaves the score and the weights
    alike (the others are re-weighted to 100 %); None when no indicator has data."""
    total = weight = 0.0
    for t in terms:
        v = values.get(t.key)
        if v is None:
            continue
        total += t.weight * ((1.0 - v) if t.inverted else v)
        weight += t.weight
    return 100.0 * total / weight if weight > 0 else None


def with_satisfaction(terms: tuple[Term, ...], weight: float) -> tuple[Term, ...]:
    """`terms` with 满意度 at `weight` % and the others scaled to share the remaining
    100 − weight in their own proportions, so the weights still sum as before. A unit with no
    call-back answered scores as if 满意度 were not there (composite() re-weights), and
    weight 0 leaves the terms as they are."""
    weight = min(max(float(weight), 0.0), 100.0)
    if weight <= 0 or not terms or any(t.key == "satisfaction_rate" for t in terms):
        return terms
    total = sum(t.weight for t in terms)
    share = (total * (100.0 - weight) / 100.0) / total if total > 0 else 0.0
    return tuple(Term(t.key, t.weight * share, t.inverted) for t in terms) + (
        Term("satisfaction_rate", total * weight / 100.0),)


def grade(score: float | None, bands: tuple[tuple[str, float], ...]) -> str | None:
    """The band whose lowest score `score` reaches (a band's lower edge belongs to it)."""
    if score is None:
        return None
    # Scores are rounded to the hundredth before banding, so 89.999999 (float noise of an
    # exact 90) is graded as the 90.00 that is shown.
    s = round(score, 2)
    for name, low in bands:
        if s >= low:
            return name
    return bands[-1][0]


# --- periods -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """[start, end): evaluated up to `end` or now, whichever is earlier."""

    start: datetime
    end: datetime

    def previous(self) -> Period:
        """The period of equal length just before."""
        length = self.end - self.start
        return Period(self.start - length, self.start)

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400


_ROLLING_DAYS = {PeriodKind.LAST_7_DAYS: 7, PeriodKind.LAST_30_DAYS: 30}


def last_days(now: datetime, days: int) -> Period:
    """The last `days` whole days, today included (the rankings dock's and the wall's)."""
    midnight = datetime(now.year, now.month, now.day)
    return Period(midnight - timedelta(days=days - 1), midnight + timedelta(days=1))


def period_of(kind: PeriodKind | str, now: datetime, start: date | None = None,
              end: date | None = None) -> Period:
    """Today, this week (from Monday), this month, the last 7 or 30 days (today included), or
    the custom days [start, end] inclusive."""
    kind = PeriodKind(kind)
    midnight = datetime(now.year, now.month, now.day)
    if kind is PeriodKind.DAY:
        return Period(midnight, midnight + timedelta(days=1))
    if kind in _ROLLING_DAYS:
        return last_days(now, _ROLLING_DAYS[kind])
    if kind is PeriodKind.WEEK:
        monday = midnight - timedelta(days=now.weekday())
        return Period(monday, monday + timedelta(days=7))
    if kind is PeriodKind.MONTH:
        first = midnight.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return Period(first, nxt)
    if start is None or end is None or end < start:
        raise ValueError("a custom period needs a start and an end not before it")
    return Period(datetime(start.year, start.month, start.day),
                  datetime(end.year, end.month, end.day) + timedelta(days=1))
