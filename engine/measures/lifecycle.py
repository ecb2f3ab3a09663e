"""Lifecycle measures (T1): proactive EoS/EoL signalling, the quarterly lifecycle review with its 12-month
horizon, and backup compliance with the yearly restore test."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Mapping

import numpy as np

from ..details import detail
from ..model import Breach, Measurement, NormInForce, Rule
from ..periods import Period, quarters_in
from ..timeparse import NAT, local_midnight
from ..reasons import reason
from .common import MeasureContext, check_evidence, in_window, insufficient, percent
from .registry import MeasureDef


def local_days(ctx: MeasureContext, instants: np.ndarray) -> np.ndarray:
    """Ordinal of the local calendar day of each instant (NAT stays NAT), comparable with date columns."""
    out = np.full(len(instants), NAT, dtype=np.int64)
    valid = instants != NAT
    if valid.any():
        ref = ctx.calendar.first_day  # inside the calendar's day table: counting from it never extends the table
        base = np.full(int(valid.sum()), local_midnight(ref, ctx.tz), dtype=np.int64)
        out[valid] = ctx.calendar.calendar_days(base, instants[valid]) + ref.toordinal()
    return out


def eos_signalling(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Items whose signalling deadline (EoS date minus N calendar days) falls in the period: signalled on or
    before that day? Items whose EoS date was announced after the deadline, or retired before it, are not due."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["lifecycle_register"], period)) is not None:
        return missing
    t = ctx.bundle.table("lifecycle_register")
    lead = int(p["lead_calendar_days"])
    eos, eol = t.col("eos_date"), t.col("eol_date")
    end = np.where(eos != NAT, eos, eol)
    known = end != NAT
    deadline = np.where(known, end - lead, NAT)
    due = known & (deadline >= period.first.toordinal()) & (deadline <= period.last.toordinal())
    announced, retired = t.col("eos_announced_on"), t.col("retired_on")
    late_news = due & (announced != NAT) & (announced > deadline)
    gone = due & (retired != NAT) & (retired <= deadline)
    rows = np.flatnonzero(due & ~late_news & ~gone)
    signalled = local_days(ctx, t.col("signalled_at")[rows])
    ok = (signalled != NAT) & (signalled <= deadline[rows])
    ids = t.ids[rows]
    breaches = []
    for i in np.flatnonzero(~ok):
        d = date.fromordinal(int(end[rows[i]]))
        breaches.append(Breach(str(ids[i]), detail("eos_not_signalled", eos=d, lead=lead) if signalled[i] == NAT
                               else detail("eos_signalled_late", eos=d, signalled=date.fromordinal(int(signalled[i])),
                                           days=int(end[rows[i]] - signalled[i]), lead=lead)))
    notes = [f"{len(rows)} item(s) with their signalling deadline in {period.label}"]
    for label, mask in (("EoS date announced after the deadline", late_news), ("retired before the deadline", gone)):
        if mask.any():
            notes.append(f"not due ({label}): {', '.join(sorted(map(str, t.ids[mask])))}")
    return Measurement(metrics={"signalled_share": percent(int(ok.sum()), len(rows))}, population=len(rows),
                       breaches=tuple(sorted(breaches, key=lambda b: b.record_id)), notes=tuple(notes))


def lifecycle_reviews(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Per quarter of the period: was a lifecycle review held in it, and did the overview it reviewed cover a
    12-month horizon? The lifecycle overview (register) itself must be in the evidence."""
    if (missing := check_evidence(ctx, ["lifecycle_register", "lifecycle_reviews"], period)) is not None:
        return missing
    rv = ctx.bundle.table("lifecycle_reviews")
    held, horizon = rv.col("held_on"), rv.col("horizon_12_months") == True  # noqa: E712 - object column
    quarters = [q for q in quarters_in(period) if period.contains(q)]
    reviewed = horizon_ok = 0
    breaches = []
    for q in quarters:
        inq = (held >= q.first.toordinal()) & (held <= q.last.toordinal())
        if not inq.any():
            breaches.append(Breach(q.label, detail("no_lifecycle_review")))
            continue
        reviewed += 1
        if (inq & horizon).any():
            horizon_ok += 1
        else:
            breaches.append(Breach(q.label, detail("review_horizon", reviews=", ".join(sorted(map(str, rv.ids[inq]))))))
    n = len(quarters)
    return Measurement(metrics={"review_share": percent(reviewed, n), "horizon_share": percent(horizon_ok, n)},
                       population=n, breaches=tuple(breaches), notes=(f"{n} quarter(s) in {period.label}",))


def _year_before(d: date) -> date:
    """The day after the same date one year earlier: the first day of the 12 months ending on ``d``."""
    try:
        prev = d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        prev = d.replace(year=d.year - 1, day=28)
    return prev + timedelta(days=1)


def backup_compliance(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Share of scheduled backup runs in the period that succeeded, and the number of successful restore tests:
    in a year, those held in the year; in any shorter period, those in the 12 months ending on its last day."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["backup_runs"], period)) is not None:
        return missing
    lookback = period if period.kind == "year" else Period(_year_before(period.last), period.last,
                                                          f"12 months to {period.last}", "range")
    rt = ctx.bundle.table("restore_tests")
    if rt is None:
        return insufficient(reason("no_document", kind="restore_tests"))
    if not rt.covers(lookback.first, lookback.last):
        spans = ", ".join(f"{a}..{b}" for a, b in rt.coverage)
        return insufficient(reason("restore_window_coverage", spans=spans, first=lookback.first, last=lookback.last))
    runs = ctx.bundle.table("backup_runs")
    w0, w1 = ctx.window(period)
    rows = np.flatnonzero(in_window(runs.col("scheduled_at"), w0, w1))
    status = runs.col("status")[rows]
    ok = np.isin(status, list(p["success_statuses"]))
    ids = runs.ids[rows]
    breaches = [Breach(str(ids[i]), detail("backup_run", job=runs.col("job")[rows[i]], status=status[i]))
                for i in np.flatnonzero(~ok)]
    performed = rt.col("performed_on")
    tests = (performed >= lookback.first.toordinal()) & (performed <= lookback.last.toordinal())
    good = tests & (rt.col("result") == "success")
    if not good.any():
        breaches.append(Breach(lookback.label, detail("no_restore_test")))
    return Measurement(
        metrics={"success_share": percent(int(ok.sum()), len(rows)), "restore_tests": float(good.sum())},
        population=len(rows), breaches=tuple(sorted(breaches, key=lambda b: b.record_id)),
        notes=(f"{len(rows)} scheduled backup run(s) in {period.label}",
               f"successful restore test(s) {lookback.first}..{lookback.last}: "
               f"{', '.join(sorted(map(str, rt.ids[good]))) or 'none'}"))


DEFS = (
    MeasureDef(
        id="eos_signalling", func=eos_signalling, documents=("lifecycle_register",), metrics=("signalled_share",),
        params_schema={"type": "object", "additionalProperties": False, "required": ["lead_calendar_days"],
                       "properties": {"lead_calendar_days": {"type": "integer", "minimum": 0}}},
        doc="share of items due for signalling in the period that were signalled ≥ N days before EoS"),
    MeasureDef(
        id="lifecycle_reviews", func=lifecycle_reviews, documents=("lifecycle_register", "lifecycle_reviews"),
        metrics=("review_share", "horizon_share"),
        params_schema={"type": "object", "additionalProperties": False, "properties": {}},
        doc="share of quarters with a lifecycle review, and with a 12-month horizon"),
    MeasureDef(
        id="backup_compliance", func=backup_compliance, documents=("backup_runs", "restore_tests"),
        metrics=("success_share", "restore_tests"),
        params_schema={"type": "object", "additionalProperties": False, "required": ["success_statuses"],
                       "properties": {"success_statuses": {"type": "array", "minItems": 1, "items": {"type": "string"}}}},
        doc="share of scheduled backup runs that succeeded; successful restore tests in the year / last 12 months"),
)
