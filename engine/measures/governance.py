"""Governance measures: the sustainability statement (S2: present at tender, current during the term; concrete
actions with follow-up) and the improvement cycle (T2: at least a top-5, kept current)."""
from __future__ import annotations

from datetime import date
from typing import Mapping

import numpy as np

from ..details import JOIN, detail
from ..model import Breach, Measurement, NormInForce, Rule
from ..periods import Period, months_in
from ..timeparse import NAT
from ..reasons import reason
from .common import MeasureContext, check_evidence, insufficient, percent
from .lifecycle import _year_before, local_days
from .registry import MeasureDef


def _last_change(t) -> np.ndarray:
    """Date ordinal of each statement version's last change: updated_on, or issued_on when never updated."""
    upd = t.col("updated_on")
    return np.where(upd != NAT, np.maximum(upd, t.col("issued_on")), t.col("issued_on"))


def statement_currency(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Was a statement there at tender, and at every month end of the period was the latest version (as it stood
    that day: an update counts from its date) issued or updated within the preceding 12 months and did it list at least ``min_actions`` actions?"""
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["sustainability_statements"], period)) is not None:
        return missing
    t = ctx.bundle.table("sustainability_statements")
    issued, updated = t.col("issued_on"), t.col("updated_on")
    n_actions = np.array([len(a or ()) for a in t.lists.get("actions", [])], dtype=np.int64)
    tender = np.asarray(t.col("at_tender") == True, dtype=bool) & (t.col("issued_on") <= period.last.toordinal())  # noqa: E712
    breaches = []
    if not tender.any():
        breaches.append(Breach("at tender", detail("no_tender_statement")))
    ends = [m.last for m in months_in(period) if period.contains(m)]
    current = 0
    for day in ends:
        d = day.toordinal()
        changed = np.where((updated != NAT) & (updated <= d), np.maximum(updated, issued), issued)
        known = np.flatnonzero(issued <= d)
        if len(known) == 0:
            breaches.append(Breach(day.strftime("%Y-%m"), detail("no_statement", day=day)))
            continue
        latest = known[np.lexsort((t.ids[known].astype(str), changed[known]))[-1]]
        last = date.fromordinal(int(changed[latest]))
        if last < _year_before(day):
            breaches.append(Breach(day.strftime("%Y-%m"), detail("statement_stale", version=t.ids[latest],
                                                                 changed=last, day=day)))
        elif n_actions[latest] < int(p["min_actions"]):
            breaches.append(Breach(day.strftime("%Y-%m"), detail("statement_no_actions", version=t.ids[latest])))
        else:
            current += 1
    return Measurement(metrics={"tender_statement": float(tender.any()), "current_share": percent(current, len(ends))},
                       population=len(ends), breaches=tuple(breaches),
                       notes=(f"{len(t)} statement version(s); {len(ends)} month end(s) in {period.label}",))


def statement_execution(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Actions the statements covering the period report as applied in it, and the share of actions that need
    follow-up and have one. An action listed in several versions counts once, as the latest version states it; a
    version issued after the as-of day is not known yet."""
    if (missing := check_evidence(ctx, ["sustainability_statements"], period)) is not None:
        return missing
    t = ctx.bundle.table("sustainability_statements")
    first, last = period.first.toordinal(), period.last.toordinal()
    known = t.col("issued_on") <= local_days(ctx, np.array([ctx.as_of], dtype=np.int64))[0]  # issued by as-of
    covering = np.flatnonzero((t.col("period_from") <= last) & (t.col("period_to") >= first) & known)
    order = covering[np.lexsort((t.ids[covering].astype(str), _last_change(t)[covering]))]
    actions: dict[str, dict] = {}
    for row in order.tolist():  # oldest first, so later versions overwrite
        for a in t.lists["actions"][row] or ():
            actions[a["id"]] = a
    applied = [a for a in actions.values() if a["status"] == "applied" and a.get("applied_on")
               and period.first <= date.fromisoformat(a["applied_on"]) <= period.last]
    needs = [a for a in actions.values() if a.get("follow_up_needed")]
    missing_fu = sorted(a["id"] for a in needs if not (a.get("follow_up") or "").strip())
    breaches = [Breach(i, detail("follow_up_missing")) for i in missing_fu]
    if not applied:
        breaches.append(Breach(period.label, detail("no_applied_action")))
    share = percent(len(needs) - len(missing_fu), len(needs)) if needs else 100.0
    return Measurement(metrics={"applied_actions": float(len(applied)), "follow_up_share": share},
                       population=len(actions), breaches=tuple(sorted(breaches, key=lambda b: b.record_id)),
                       notes=(f"{len(covering)} statement version(s) covering {period.label}; {len(actions)} action(s), "
                              f"{len(applied)} applied in the period, {len(needs)} needing follow-up",))


def improvement_cycle(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """On the latest register snapshot dated in the period: how many ranked (top) items are active, and which
    share of them is current (owner, decision moment, updated recently, decision moment not overdue)."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["improvement_register"], period)) is not None:
        return missing
    t = ctx.bundle.table("improvement_register")
    snap = t.col("snapshot_on")
    inside = (snap >= period.first.toordinal()) & (snap <= period.last.toordinal())
    if not inside.any():
        return insufficient(reason("no_improvement_snapshot", period=period.label))
    day = int(snap[inside].max())
    status = t.col("status")
    rank = t.col("rank")
    rows = np.flatnonzero((snap == day) & ~np.isnan(rank) & ~np.isin(status, ["done", "cancelled"]))
    owner = np.array([bool((o or "").strip()) for o in t.col("owner")[rows]], dtype=bool)
    decision, updated = t.col("decision_moment")[rows], t.col("last_updated")[rows]
    has_decision = decision != NAT
    fresh = (updated != NAT) & (updated >= day - int(p["max_age_days"])) & (updated <= day)
    overdue = has_decision & (decision < day) & (status[rows] != "decided")
    ok = owner & has_decision & fresh & ~overdue
    breaches = []
    for i in np.flatnonzero(~ok):
        why = [w for w, bad in ((detail("no_owner"), not owner[i]), (detail("no_decision_moment"), not has_decision[i]),
                                (detail("not_updated", days=int(p["max_age_days"])), not fresh[i]),
                                (detail("decision_overdue"), overdue[i])) if bad]
        breaches.append(Breach(str(t.col("item_id")[rows[i]]), JOIN.join(why)))
    snapshot = date.fromordinal(day)
    if len(rows) < int(p["min_top"]):
        breaches.append(Breach(f"register {snapshot}", detail("too_few_items", count=len(rows), minimum=p["min_top"])))
    return Measurement(metrics={"top_items": float(len(rows)), "current_share": percent(int(ok.sum()), len(rows))},
                       population=len(rows), breaches=tuple(sorted(breaches, key=lambda b: b.record_id)),
                       notes=(f"register snapshot of {snapshot}: {len(rows)} active ranked item(s)",))


DEFS = (
    MeasureDef(
        id="statement_currency", func=statement_currency, documents=("sustainability_statements",),
        metrics=("tender_statement", "current_share"),
        params_schema={"type": "object", "additionalProperties": False, "required": ["min_actions"],
                       "properties": {"min_actions": {"type": "integer", "minimum": 0}}},
        doc="statement present at tender; share of month ends with a version changed in the last 12 months"),
    MeasureDef(
        id="statement_execution", func=statement_execution, documents=("sustainability_statements",),
        metrics=("applied_actions", "follow_up_share"),
        params_schema={"type": "object", "additionalProperties": False, "properties": {}},
        doc="actions applied in the period; share of actions needing follow-up that have one"),
    MeasureDef(
        id="improvement_cycle", func=improvement_cycle, documents=("improvement_register",),
        metrics=("top_items", "current_share"),
        params_schema={"type": "object", "additionalProperties": False, "required": ["min_top", "max_age_days"],
                       "properties": {"min_top": {"type": "integer", "minimum": 1},
                                      "max_age_days": {"type": "integer", "minimum": 0}}},
        doc="number of active top items and the share of them kept current"),
)
