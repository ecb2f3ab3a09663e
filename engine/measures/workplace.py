"""Day-limit shares: the share of records finished within N working (or calendar) days of their start, e.g. a
workplace ready for use ≤ 5 working days after the request.

Each record is judged once, in the period in which its outcome became certain: the period of its end instant
when it ended by the deadline, else the period in which the deadline passed. So a month's figure is final when
the month ends (nothing is pending), and a request that is still not delivered is a breach as soon as its term
is over, not only when it is finally delivered.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from ..details import detail
from ..model import Breach, Measurement, NormInForce, PerRecordLimit, Rule
from ..periods import Period
from ..timeparse import NAT
from .changes import elapsed_days
from .common import MeasureContext, check_evidence, fmt_days, fmt_limit, per_record_norm, percent, select
from .registry import MeasureDef
from .security import calendar_deadlines

_FIELD = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}


def day_limit(norms: Mapping[str, NormInForce]) -> NormInForce | None:
    """The per-record norm "<= N working_days | calendar_days" in force, or None when there is none."""
    norm = per_record_norm(norms, "within_share")
    if norm is None or norm.per_record is None or norm.per_record.limit is None:
        return None
    limit = norm.per_record
    if limit.op != "<=" or limit.unit not in ("working_days", "calendar_days"):
        raise ValueError(f"day_limit_share needs a limit '<= N working_days|calendar_days', not {limit.op} {limit.unit}")
    return norm


def day_terms(ctx: MeasureContext, limit: PerRecordLimit, start: np.ndarray,
              end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per record: the end of its term (the last instant at which no more than N working or calendar days have
    elapsed after the start day), and whether it ended by then (``explain`` reads the same, so it always agrees)."""
    n = np.full(len(start), int(limit.limit), dtype=np.int64)
    if limit.unit == "working_days":
        deadline = ctx.calendar.working_days_term_end(start, n)  # the second before working day N + 1 begins
    else:
        deadline = calendar_deadlines(ctx, start, n) - 1
    return deadline, (end != NAT) & (end <= deadline)


def day_limit_share(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Share of records whose end lies within the per-record limit of working or calendar days after the start
    day (the start day itself is day 0; the term ends when day N + 1 begins, as ``within_days`` counts)."""
    p = rule.measure.params
    kind = p["document"]
    if (missing := check_evidence(ctx, [kind], period)) is not None:
        return missing
    norm = day_limit(norms)
    if norm is None:
        return Measurement(metrics={"within_share": None}, population=0, notes=("no per-record limit in force",))
    limit = norm.per_record
    t = ctx.bundle.table(kind)
    start_all, end_all = t.col(p["start"]), t.col(p["end"])
    rows = np.flatnonzero(select(t, p.get("where")) & (start_all != NAT))
    start, end = start_all[rows], end_all[rows]
    deadline, ok = day_terms(ctx, limit, start, end)
    done = end != NAT
    decided = np.where(ok, end, deadline)
    w0, w1 = ctx.window(period)
    judged = np.flatnonzero((decided >= w0) & (decided < w1))
    ids = t.ids[rows]
    label = p.get("label", "end")
    unit = limit.unit.replace("_", " ")
    breaches = []
    for i in judged[np.argsort(ids[judged], kind="stable")]:
        if ok[i]:
            continue
        if done[i]:
            used = elapsed_days(ctx, limit.unit, start[i:i + 1], end[i:i + 1])[0]
            why = detail("issued_late", label=label, elapsed=fmt_days(int(used), limit.unit), at=ctx.iso(int(end[i])),
                         limit=fmt_limit(limit.op, limit.limit, limit.unit), deadline=ctx.iso(int(deadline[i])))
        else:
            why = detail("not_issued", label=label, limit=fmt_limit(limit.op, limit.limit, limit.unit),
                         deadline=ctx.iso(int(deadline[i])))
        breaches.append(Breach(str(ids[i]), why))
    n_ok = int(ok[judged].sum())
    return Measurement(metrics={"within_share": percent(n_ok, len(judged))}, population=len(judged),
                       breaches=tuple(breaches),
                       notes=(f"{len(judged)} record(s) decided in {period.label}: {n_ok} within "
                              f"{limit.limit:g} {unit}",))


DEFS = (
    MeasureDef(
        id="day_limit_share", func=day_limit_share, documents=(), metrics=("within_share",), per_record=True,
        params_schema={"type": "object", "additionalProperties": False, "required": ["document", "start", "end"],
                       "properties": {"document": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                                      "start": _FIELD, "end": _FIELD, "label": {"type": "string"},
                                      "where": {"type": "array"}}},
        doc="share of records ended within N working/calendar days of their start, judged when the outcome is certain"),
)
