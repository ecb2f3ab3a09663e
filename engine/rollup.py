"""Goal roll-up over the goal graph: a goal's status follows from its own KPIs and the goals that assure it.

A failed minimum requirement is a deviation from the Agreement and stays visible at every goal above it;
insufficient evidence (NO-DATA, ERROR) is never rolled up as a pass.
"""
from __future__ import annotations

from .model import GoalResult, KpiResult, Status
from .rulefiles import Catalogue

_ORDER = [Status.FAIL, Status.ERROR, Status.NO_DATA, Status.PASS, Status.NOT_APPLICABLE]


def combine(statuses: list[Status]) -> Status:
    """FAIL dominates; then missing evidence (ERROR, NO-DATA); PASS needs at least one real pass."""
    present = set(statuses)
    for s in _ORDER:
        if s in present:
            if s is Status.ERROR:
                return Status.NO_DATA
            return s
    return Status.NOT_APPLICABLE


def roll_up(catalogue: Catalogue, results: tuple[KpiResult, ...]) -> tuple[GoalResult, ...]:
    primary = [r for r in results if r.cadence is not None or r.status is Status.NOT_APPLICABLE]
    done: dict[str, GoalResult] = {}
    for goal_id in catalogue.goals.bottom_up():
        own = [r for r in primary if r.goal == goal_id]
        kpi_status: dict[str, Status] = {}
        for r in own:
            kpi_status[r.rule_id] = combine([kpi_status.get(r.rule_id, Status.NOT_APPLICABLE), r.status]) \
                if r.rule_id in kpi_status else r.status
        below = catalogue.goals.assured_by(goal_id)
        statuses = list(kpi_status.values()) + [done[g].status for g in below]
        deviation = any(r.deviation for r in own) or any(done[g].deviation for g in below)
        status = combine(statuses)
        reason = ""
        if not statuses:
            reason = "no KPIs of its own and nothing that assures it"
        elif deviation:
            reason = "a minimum requirement failed: deviation from the Agreement"
        done[goal_id] = GoalResult(goal_id, status, deviation, dict(sorted(kpi_status.items())), tuple(below), reason)
    return tuple(done[g.id] for g in catalogue.goals.goals)
