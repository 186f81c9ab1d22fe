"""满意度 (call-back satisfaction) in the evaluation: its figure per department, street and
community, and its own weight in the composites — figures worked out by hand on the town of
tests/evaluation_town.py (tests/test_evaluation.py has the other indicators' figures)."""
from __future__ import annotations

import pytest

from console.domain.evaluation import Level, Term, composite, with_satisfaction
from console.services.evaluation import cases_behind, evaluate
from console.store.models import Callback, Setting
from tests import evaluation_town as T
from tests.test_evaluation import NOW, WEEK, database  # noqa: F401 — the two-database fixture

#: case → (outcome, day of March it was answered). a1–a3 are 甲局's in 一甲社区 (一街道);
#: b1 乙局's in 二甲社区 (二街道).
ANSWERS = {"a1": ("satisfied", 10), "a2": ("basically_satisfied", 11),
           "a3": ("unsatisfied", 13), "b1": ("unreachable", 10)}


@pytest.fixture
def town(database):  # noqa: F811
    town = T.build(database)
    with database.transaction() as s:
        for name, (outcome, day) in ANSWERS.items():
            case_id = town.cases[name]
            s.add(Callback(case_id=case_id, closed_at=T.at(day, 8), due_at=T.at(day + 1, 8),
                           department_id=s.get(T.Case, case_id).department_id, outcome=outcome,
                           note="", done_at=T.at(day, 9), version=2))
        # Answered after the week: not counted in it.
        s.add(Callback(case_id=town.cases["a1"], closed_at=T.at(16, 8), due_at=T.at(17, 8),
                       department_id=town.depts["甲局"], outcome="unsatisfied", note="",
                       done_at=T.at(16, 9), version=2))
    return town


def _rank(database, level):  # noqa: F811
    with database.session() as s:
        return {r.name: r for r in evaluate(s, level, WEEK, NOW).rows}


def _weight(database, w):  # noqa: F811
    with database.transaction() as s:
        s.merge(Setting(key="satisfaction_weight", value={"v": w}, updated_at=NOW))


def test_satisfaction_per_department_street_and_community(database, town):  # noqa: F811
    departments = _rank(database, Level.DEPARTMENT)
    a, b = departments["甲局"], departments["乙局"]
    # 甲局: a1 满意 + a2 基本满意 of the three reached (a3 不满意) = 2/3.
    f = a.figures["satisfaction_rate"]
    assert (f.numerator, f.denominator) == (2, 3) and f.value == pytest.approx(2 / 3)
    # 乙局: b1 unreachable reaches nobody: no figure, not 0 %.
    assert b.figures["satisfaction_rate"].value is None
    assert b.figures["satisfaction_rate"].denominator == 0
    # Default weight 10 %: the reference's 30/40/30 share the other 90 → 27/36/27.
    # 27 × 3/4 + 36 × 3/5 + 27 × (1 − 1/4) + 10 × 2/3 = 20.25 + 21.6 + 20.25 + 6.667
    assert a.score == pytest.approx(68.7666667) and a.grade == "C"
    # No satisfaction figure: the other weights alone, as before (tests/test_evaluation.py: 65).
    assert b.score == pytest.approx(65)
    streets = _rank(database, Level.STREET)
    s1, s2 = streets["一街道"], streets["二街道"]
    assert (s1.figures["satisfaction_rate"].numerator,
            s1.figures["satisfaction_rate"].denominator) == (2, 3)
    # Region 30/40/20/10 × 0.9 = 27/36/18/9 and 满意度 10:
    # 27 × 3/4 + 36 × 2/4 + 18 × 3/4 + 9 × 3/5 + 10 × 2/3 = 20.25 + 18 + 13.5 + 5.4 + 6.667
    assert s1.score == pytest.approx(63.8166667)
    assert s2.score == pytest.approx(15 + 20 + 20 + 10 / 3)   # unchanged: nobody reached
    communities = _rank(database, Level.COMMUNITY)
    assert communities["一甲社区"].figures["satisfaction_rate"].value == pytest.approx(2 / 3)
    assert communities["一乙社区"].figures["satisfaction_rate"].value is None


def test_the_weight_is_a_shared_setting(database, town):  # noqa: F811
    _weight(database, 30)
    # 69 (the reference's score) × 0.7 + 30 × 2/3 = 48.3 + 20
    assert _rank(database, Level.DEPARTMENT)["甲局"].score == pytest.approx(68.3)
    _weight(database, 0)
    assert _rank(database, Level.DEPARTMENT)["甲局"].score == pytest.approx(69)


def test_the_cases_behind_satisfaction(database, town):  # noqa: F811
    ids = {v: k for k, v in town.cases.items()}

    def behind(level, unit, part):
        with database.session() as s:
            return sorted(ids[c["id"]] for c in cases_behind(
                s, level, unit, "satisfaction_rate", WEEK, NOW, part))
    assert behind("department", town.depts["甲局"], "numerator") == ["a1", "a2"]
    assert behind("department", town.depts["甲局"], "denominator") == ["a1", "a2", "a3"]
    assert behind("street", town.streets["二街道"], "denominator") == []
    assert behind("community", town.communities["一甲社区"], "numerator") == ["a1", "a2"]


def test_with_satisfaction_keeps_the_sum_of_the_weights():
    terms = (Term("closure_rate", 30), Term("on_time_handling_rate", 40),
             Term("rework_rate", 30, inverted=True))
    mixed = with_satisfaction(terms, 10)
    assert [(t.key, round(t.weight, 9), t.inverted) for t in mixed] == [
        ("closure_rate", 27, False), ("on_time_handling_rate", 36, False),
        ("rework_rate", 27, True), ("satisfaction_rate", 10, False)]
    assert sum(t.weight for t in mixed) == pytest.approx(100)
    assert with_satisfaction(terms, 0) == terms
    assert with_satisfaction(mixed, 10) == mixed                 # not added twice
    values = {"closure_rate": 1.0, "on_time_handling_rate": 0.5, "rework_rate": 0.0}
    assert composite(values, mixed) == pytest.approx(composite(values, terms)) == 80
    assert composite(values | {"satisfaction_rate": 0.75}, mixed) == pytest.approx(79.5)
