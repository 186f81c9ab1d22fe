"""回访 (calling a citizen back after closure): the outcomes and what counts as satisfied."""
from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    SATISFIED = "satisfied"                    # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    UNSATISFIED = "unsatisfied"                # 不满意
    UNREACHABLE = "unreachable"                # 无法联系


class Rework(StrEnum):
    """A 不满意 citizen's case back to rework: asked by the desk, decided by a leader."""

    REQUESTED = "requested"
    CONSENTED = "consented"
    DECLINED = "declined"


#: 满意度 = (满意 + 基本满意) / the citizens reached; 无法联系 is no answer and counts in neither.
SATISFIED = frozenset({Outcome.SATISFIED, Outcome.BASICALLY_SATISFIED})
REACHED = SATISFIED | {Outcome.UNSATISFIED}
