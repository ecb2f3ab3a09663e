"""Availability within the service window, from outage records: one measure for the servicedesk, the network
(per location) and Microsoft 365.

Availability = 1 - (outage time inside the service window) / (service-window time of the period), both in
business seconds of the contract calendar, so an outage at night, at the weekend or on a holiday costs nothing
and one that straddles the window's opening counts only from the opening. Overlapping outages of the same
service (and location) count once: they are merged exactly as the calendar merges pauses.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from ..details import detail
from ..model import Breach, Measurement, NormInForce, Rule
from ..periods import Period
from ..timeparse import NAT
from .common import MeasureContext, check_evidence, percent, select
from .registry import MeasureDef


def _metric_value(available: int, window: int) -> float:
    return percent(available, window)


def availability(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Availability of one service in the period; with ``per: location`` the figure is that of the worst
    location and every location below the norm in force is a breach."""
    p = rule.measure.params
    kind = p.get("document", "outages")
    if (missing := check_evidence(ctx, [kind], period)) is not None:
        return missing
    t = ctx.bundle.table(kind)
    w0, w1 = ctx.window(period)
    window = int(ctx.calendar.business_seconds(np.array([w0]), np.array([w1]))[0])
    per = p.get("per")
    if window == 0:
        return Measurement(metrics={m: None for m in _metrics(p)}, population=0,
                           notes=(f"the service window has no time in {period.label}",))
    start = t.col("start")
    end = np.where(t.col("end") == NAT, w1, t.col("end"))  # still going on: down until the period's end
    of_service = (t.col("service") == p["service"]) & (start < w1) & (end > w0)
    chosen = select(t, p.get("where"))
    rows = np.flatnonzero(of_service & chosen)
    left_out = np.flatnonzero(of_service & ~chosen)
    s, e = np.clip(start[rows], w0, w1), np.clip(end[rows], w0, w1)
    own = ctx.calendar.business_seconds(s, e)  # each outage on its own, for the details
    keys = [str(x) for x in t.col("location")[rows]] if per == "location" else ["" for _ in rows]
    groups = sorted(set(keys))
    owner = np.asarray([groups.index(k) for k in keys], dtype=np.int64)
    up = ctx.calendar.business_seconds(np.full(len(groups), w0), np.full(len(groups), w1),
                                       (owner, s, e)) if groups else np.zeros(0, dtype=np.int64)
    down = window - up  # merged outage time per group
    ids = t.ids[rows]
    notes = [f"service window in {period.label}: {window / 3600:g} business hours",
             f"{len(rows)} {p['service']} outage record(s) overlap {period.label}"]
    if len(left_out):
        notes.append(f"left out by the rule's filter: {', '.join(sorted(str(i) for i in t.ids[left_out]))}")
    if per != "location":
        total_down = int(down.sum())
        breaches = tuple(Breach(str(ids[i]), _detail(ctx, int(s[i]), int(e[i]), int(own[i])))
                         for i in np.argsort(ids, kind="stable") if own[i] > 0)
        return Measurement(metrics={"availability": _metric_value(window - total_down, window),
                                    "downtime_min": round(total_down / 60, 3)},
                           population=len(rows), breaches=breaches, notes=tuple(notes))
    norm = next((n for n in norms.values() if n.clause.metric == "availability"), None)
    figures = {g: _metric_value(window - int(down[k]), window) for k, g in enumerate(groups)}
    below = []
    for k, g in enumerate(groups):
        members = sorted(str(ids[i]) for i in np.flatnonzero(owner == k))
        notes.append(f"{g}: {figures[g]:.3f} % ({down[k] / 60:g} min down: {', '.join(members)})")
        if norm is not None and norm.threshold is not None and not _meets(norm, figures[g]):
            below.append(Breach(g, detail("location_below", figure=f"{figures[g]:.3f}", minutes=f"{down[k] / 60:g}",
                                          outages=", ".join(members))))
    worst = min(figures.values()) if figures else 100.0
    return Measurement(metrics={"availability": worst, "locations_below": float(len(below))},
                       population=len(groups), breaches=tuple(below), notes=tuple(notes))


def _meets(norm: NormInForce, value: float) -> bool:
    from .. import operators

    return bool(operators.get(norm.clause.op).apply(value, norm.threshold))


def _detail(ctx: MeasureContext, s: int, e: int, seconds: int) -> str:
    return detail("outage", minutes=f"{seconds / 60:g}", start=ctx.iso(s), end=ctx.iso(e))


def _metrics(params: Mapping) -> tuple[str, ...]:
    return ("availability", "locations_below") if params.get("per") == "location" else ("availability", "downtime_min")


DEFS = (
    MeasureDef(
        id="availability", func=availability, documents=("outages",), metrics=_metrics,
        params_schema={"type": "object", "additionalProperties": False, "required": ["service"],
                       "properties": {"service": {"enum": ["servicedesk", "network", "m365"]},
                                      "per": {"enum": ["location"]}, "document": {"const": "outages"},
                                      "where": {"type": "array"}}},
        doc="availability within the service window from outage records (business time, overlaps merged), "
            "optionally per location"),
)
