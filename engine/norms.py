"""The norm in force: which threshold applies to a rule's clause in a period, and where it came from.

Order of precedence: the annex (client norms, client floors), then the supplier's tendered norm (a supplier
norm, or a stricter value above a client floor), then the register of agreed changes in force on the first
day of the period. A tendered value weaker than the floor never applies: the floor does.
"""
from __future__ import annotations

from datetime import date

from . import operators
from .model import Clause, NormInForce, NormStatus, PerRecordLimit, Rule
from .settings import Contract


def _tendered(rule: Rule, clause: Clause, contract: Contract) -> tuple[float | None, PerRecordLimit | None, str]:
    threshold, per_record, origin = clause.threshold, clause.per_record, "annex"
    tender = contract.tendered(rule.id, clause.id)
    if rule.norm_status is NormStatus.CLIENT or not tender:
        if rule.norm_status is NormStatus.CLIENT_FLOOR_SUPPLIER and threshold is None:
            threshold, origin = clause.floor, "annex floor"
        return threshold, per_record, origin
    t = tender.get("threshold")
    if t is not None:
        floor = clause.floor if clause.floor is not None else clause.threshold
        if floor is None or operators.is_stricter_or_equal(clause.op, t, floor):
            threshold, origin = t, "tender"
        else:
            threshold, origin = floor, "annex floor (tendered value is weaker)"
    elif rule.norm_status is NormStatus.CLIENT_FLOOR_SUPPLIER and threshold is None:
        threshold, origin = clause.floor, "annex floor"
    pr = tender.get("per_record")
    if pr and per_record is not None:
        base = per_record.limit
        if base is None or operators.is_stricter_or_equal(per_record.op, pr["limit"], base):
            per_record = PerRecordLimit(per_record.op, pr["limit"], pr.get("unit", per_record.unit))
            origin = "tender"
    elif pr and per_record is None:
        per_record = PerRecordLimit("<=", pr["limit"], pr.get("unit", "business_h"))
    return threshold, per_record, origin


def norms_in_force(rule: Rule, contract: Contract, first_day: date) -> dict[str, NormInForce]:
    """Clause id → the norm that applies to a period starting on ``first_day``."""
    out: dict[str, NormInForce] = {}
    for clause in rule.norm.clauses:
        threshold, per_record, origin = _tendered(rule, clause, contract)
        for entry in sorted(contract.register, key=lambda e: (str(e.get("effective_from")), str(e.get("id")))):
            if entry.get("rule") != rule.id or str(entry.get("effective_from")) > first_day.isoformat():
                continue
            change = (entry.get("clauses") or {}).get(clause.id)
            if not change:
                continue
            if change.get("threshold") is not None:
                threshold = change["threshold"]
            if change.get("per_record") and per_record is not None:
                per_record = PerRecordLimit(per_record.op, change["per_record"]["limit"],
                                            change["per_record"].get("unit", per_record.unit))
            origin = f"register:{entry.get('id')}"
        out[clause.id] = NormInForce(clause, threshold, per_record, origin)
    return out
