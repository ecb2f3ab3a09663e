"""Incident measures: security-incident time-to-containment per priority, and major-incident update cadence."""
from __future__ import annotations

from typing import Mapping

import numpy as np

from ..details import JOIN, detail
from ..model import Breach, Measurement, NormInForce, Rule
from ..periods import Period
from ..timeparse import NAT
from .common import (DURATION_UNITS, TIME_LIMIT_SCHEMA, MeasureContext, check_evidence, elapsed_on, fmt_duration, fmt_limit,
                     in_window, known_col, percent, rows_of, select, sub_pauses, window_rows)
from .registry import MeasureDef


def containment_time(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Share of security incidents contained within their priority's limit (clock or business time, minus
    third-party waits where the rule says so). Priorities without a limit are not counted.

    An incident enters the period by its detection; one not contained yet is a breach once its limit has passed
    at the as-of time and pending before that.
    """
    p = rule.measure.params
    kind = "security_incidents"
    if (missing := check_evidence(ctx, [kind], period)) is not None:
        return missing
    table = ctx.bundle.table(kind)
    start_col, end_col = table.col(p.get("start", "detected_at")), known_col(ctx, table, p.get("end", "contained_at"))
    w0, w1 = ctx.window(period)
    base = select(table, p.get("where")) & in_window(start_col, w0, min(w1, ctx.as_of + 1))
    ok_n = judged_n = pending_n = 0
    breaches, notes = [], []
    for prio, lim in sorted(p["limits"].items()):
        rows = np.flatnonzero(base & (table.col("priority") == prio))
        if not len(rows):
            continue
        start, end = start_col[rows], end_col[rows]
        done = end != NAT
        until = np.where(done, end, ctx.as_of)
        pauses = sub_pauses(table, rows, until) if prio in p.get("pause_third_party", ()) else None
        unit = lim["unit"]
        elapsed = elapsed_on(ctx, DURATION_UNITS[unit].clock, start, until, pauses)
        limit = lim["limit"] * DURATION_UNITS[unit].seconds
        ok = elapsed <= limit
        pending = ~done & ok
        judged = ~pending
        ok_n += int((ok & judged).sum())
        judged_n += int(judged.sum())
        pending_n += int(pending.sum())
        notes.append(f"{prio}: {int(judged.sum())} judged, {int((ok & judged).sum())} within {lim['limit']:g} {unit}"
                     + (", third-party waits excluded" if pauses is not None else ""))
        for i in np.flatnonzero(judged & ~ok):
            breaches.append(Breach(str(table.ids[rows[i]]), detail(
                "contained_late" if done[i] else "not_contained", priority=prio,
                elapsed=fmt_duration(float(elapsed[i]), unit), limit=fmt_limit("<=", lim["limit"], unit))))
    return Measurement(metrics={"contained_share": percent(ok_n, judged_n)}, population=judged_n,
                       breaches=tuple(sorted(breaches, key=lambda b: b.record_id)), pending=pending_n,
                       notes=tuple(notes) or (f"no incidents with a containment norm detected in {period.label}",))


def major_incident_updates(ctx: MeasureContext, rule: Rule, period: Period,
                           norms: Mapping[str, NormInForce]) -> Measurement:
    """Per major incident: first update within N minutes of the declaration, then no more than M minutes without
    an update until the incident's resolution (clock time). A major incident without a communication log fails.

    Incidents are assigned to the period by their declaration (the ticket's report time when there is no log);
    one still unresolved at as-of whose cadence has held so far is pending.
    """
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["tickets", "major_incident_comms"], period)) is not None:
        return missing
    tickets, comms = ctx.bundle.table("tickets"), ctx.bundle.table("major_incident_comms")
    first_s, every_s = 60 * int(p["first_update_minutes"]), 60 * int(p["interval_minutes"])
    w0, w1 = ctx.window(period)
    horizon = min(w1, ctx.as_of + 1)
    major_where = list(p.get("where") or ()) + [{"field": "major_incident", "op": "==", "value": True}]
    rows_by_id = rows_of(ctx, tickets, ("major_incident_updates", repr(major_where)),
                         lambda: _cited(tickets, comms, major_where))
    logged: set[str] = set()
    cases: list[tuple[str, str, int, list[int] | None]] = []  # (record id, ticket id, declared, updates|no log)
    for rid, tid, declared, times in zip(comms.ids.tolist(), comms.col("ticket_id").tolist(),
                                         comms.col("declared_at").tolist(), comms.col("update_times").tolist()):
        tid = str(tid)
        logged.add(tid)
        if w0 <= declared < horizon:
            times = [int(x) for x in str(times).split(",") if x]
            cases.append((str(rid), tid, declared, [t for t in times if t >= declared]))
    reported = tickets.col("reported_at")
    for i in window_rows(ctx, tickets, major_where, "reported_at", w0, horizon).tolist():
        tid = str(tickets.ids[i])
        if tid not in logged:
            cases.append((tid, tid, int(reported[i]), None))
    ok_n = pending_n = 0
    breaches = []
    for rid, tid, declared, updates in sorted(cases, key=lambda c: (c[0], c[1], c[2])):
        row = rows_by_id.get(tid)
        if row is None:
            breaches.append(Breach(rid, detail("mi_ticket_unknown", ticket=tid)))
            continue
        resolved = int(known_col(ctx, tickets, "resolution_at")[row])
        end = resolved if resolved != NAT else ctx.as_of
        problems = _cadence_problems(ctx, declared, [u for u in updates or () if u <= end], end, first_s, every_s)
        if problems:
            breaches.append(Breach(rid, JOIN.join(([detail("mi_no_log")] if updates is None else []) + problems)))
        elif resolved == NAT:
            pending_n += 1
        else:
            ok_n += 1
    judged = ok_n + len(breaches)
    return Measurement(metrics={"compliant_share": percent(ok_n, judged)}, population=judged,
                       breaches=tuple(breaches), pending=pending_n,
                       notes=(f"{len(cases)} major incident(s) declared in {period.label}",))


def _cited(tickets, comms, major_where) -> list:
    """The tickets a major-incident audit looks up: those the communication logs name, and the major incidents."""
    return comms.col("ticket_id").tolist() + tickets.ids[select(tickets, major_where)].tolist()


def _cadence_problems(ctx: MeasureContext, declared: int, updates: list[int], end: int, first_s: int,
                      every_s: int) -> list[str]:
    """What went wrong with one incident's update cadence up to ``end`` (resolution, or as-of if unresolved)."""
    out = []
    first = updates[0] if updates else None
    if (first if first is not None else end) - declared > first_s:
        limit = fmt_limit("<=", first_s / 60, "min")
        out.append(detail("mi_first_update_late", elapsed=fmt_duration(first - declared, "min"), limit=limit)
                   if first is not None else detail("mi_first_update_never", limit=limit))
    for a, b in zip(updates, updates[1:] + [end]):
        if b - a > every_s:
            out.append(detail("mi_update_gap", elapsed=fmt_duration(b - a, "min"), time=ctx.iso(a)[11:16],
                              day=ctx.iso(a)[:10], limit=fmt_limit("<=", every_s / 60, "min")))
    return out


DEFS = (
    MeasureDef(
        id="containment_time", func=containment_time, documents=("security_incidents",), metrics=("contained_share",),
        params_schema={"type": "object", "additionalProperties": False, "required": ["limits"],
                       "properties": {"start": {"type": "string"}, "end": {"type": "string"},
                                      "limits": {"type": "object", "minProperties": 1,
                                                 "propertyNames": {"enum": ["P1", "P2", "P3", "P4"]},
                                                 "additionalProperties": TIME_LIMIT_SCHEMA},
                                      "pause_third_party": {"type": "array", "items": {"enum": ["P1", "P2", "P3", "P4"]}},
                                      "where": {"type": "array"}}},
        doc="share of security incidents contained within their priority's limit, third-party waits excluded"),
    MeasureDef(
        id="major_incident_updates", func=major_incident_updates, documents=("tickets", "major_incident_comms"),
        metrics=("compliant_share",),
        params_schema={"type": "object", "additionalProperties": False,
                       "required": ["first_update_minutes", "interval_minutes"],
                       "properties": {"first_update_minutes": {"type": "integer", "minimum": 1},
                                      "interval_minutes": {"type": "integer", "minimum": 1},
                                      "where": {"type": "array"}}},
        doc="share of major incidents whose first update and follow-up cadence met the contract requirement"),
)
