"""Change and deadline measures: the generic "share of records done within N working/calendar days" (handover
documentation, impactful-change lead time, RCA timeliness, standard-change lead time), the generic "share of
records meeting a condition" (first-time-right standard changes), and change success (no rollback or incident
within 5 working days after execution).

The generic measures exist because these KPIs differ only in which records, which two instants and which limit;
the per-record condition is evaluated in bulk on the service calendar.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from ..details import JOIN, conditions_text, detail
from ..model import Breach, Measurement, NormInForce, Rule
from ..periods import Period
from ..tables import Table
from ..timeparse import NAT
from .common import (MeasureContext, check_evidence, fmt_days, fmt_limit, in_window, per_record_norm, percent, rows_of,
                     select)
from .known import known_at, not_after
from .registry import MeasureDef

_FIELD = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
_WHERE = {"type": "array"}


def elapsed_days(ctx: MeasureContext, unit: str, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Working days (local_date(start) < d <= local_date(end)) or calendar days between two instants."""
    if unit == "working_days":
        return ctx.calendar.working_days(start, end)
    if unit == "calendar_days":
        return ctx.calendar.calendar_days(start, end)
    raise ValueError(f"unit {unit!r} is not a day unit")


def joined_end(table: Table, rows: np.ndarray, other: Table, key: str, fields: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """For each selected row: the earliest instant at which a record of ``other`` that references it (``key`` holds
    the row's id) has all of ``fields`` set (the latest of them), and whether any record references it at all."""
    done = np.full(len(other), NAT, dtype=np.int64)
    complete = np.ones(len(other), dtype=bool)
    for f in fields:
        col = other.col(f)
        complete &= col != NAT
        done = np.maximum(done, col)
    done[~complete] = NAT
    position = {str(rid): i for i, rid in enumerate(table.ids[rows].tolist())}
    end = np.full(len(rows), NAT, dtype=np.int64)
    referenced = np.zeros(len(rows), dtype=bool)
    for ref, t in zip(other.col(key).tolist(), done.tolist()):
        i = position.get(str(ref))
        if i is None:
            continue
        referenced[i] = True
        if t != NAT and (end[i] == NAT or t < end[i]):
            end[i] = t
    return end, referenced


def _limits(ctx: MeasureContext, p: Mapping[str, Any], table: Table, rows: np.ndarray,
            norms: Mapping[str, NormInForce]) -> tuple[np.ndarray, str, str, list[str], list[str]]:
    """Per-row limit (days), its unit, the comparison, per-row reasons why no limit is known ("" if known), and
    per-row where the limit comes from (the norm's origin, or the catalogue item's field)."""
    if "limit_from" in p:
        spec = p["limit_from"]
        cat = ctx.bundle.table(spec["document"])
        lookup = {str(i): v for i, v in zip(cat.ids.tolist(), cat.col(spec["field"]).tolist())}
        refs = table.col(spec["key"])[rows].tolist()
        limit = np.array([lookup.get(str(r), np.nan) for r in refs], dtype=np.float64)
        unknown = [detail("unknown_catalogue_item", key=spec["key"], reference=repr(r), document=spec["document"])
                   if str(r) not in lookup else ""
                   for r in refs]
        source = [f"{spec['document']} {str(r)!r}: {spec['field']}" for r in refs]
        return limit, spec["unit"], "<=", unknown, source
    norm = per_record_norm(norms, "within_share")
    if norm is None or norm.per_record is None or norm.per_record.limit is None:
        raise ValueError("within_days needs a per-record limit on its clause or a limit_from parameter")
    return (np.full(len(rows), float(norm.per_record.limit)), norm.per_record.unit, norm.per_record.op,
            [""] * len(rows), [norm.origin] * len(rows))


@dataclass(frozen=True)
class DayTerms:
    """What ``within_days`` judges each selected record on (``explain`` reads the same, so it always agrees)."""

    start: np.ndarray       # start instants
    end: np.ndarray         # end instants as known at as-of; NAT: none yet
    referenced: np.ndarray  # end_from: some record of the other document references it (else all True)
    days: np.ndarray        # elapsed days from the start to the end, or to as-of without an end
    limit: np.ndarray       # per-record limit in days; NaN: unknown (``unknown`` says why)
    unit: str
    op: str
    unknown: list[str]
    source: list[str]       # where each record's limit comes from
    ok: np.ndarray
    pending: np.ndarray     # no end yet and the limit not passed at as-of


def within_days_terms(ctx: MeasureContext, p: Mapping[str, Any], table: Table, rows: np.ndarray,
                      norms: Mapping[str, NormInForce]) -> DayTerms:
    """The per-record judgement of ``within_days`` for ``rows`` of ``table`` (the end as known at as-of)."""
    start = table.col(p["start"])[rows]
    if "end_from" in p:
        spec = p["end_from"]
        end, referenced = joined_end(table, rows, ctx.bundle.table(spec["document"]), spec["key"], spec["fields"])
        end = not_after(end, ctx.as_of)  # not known yet at the as-of time
    else:
        end = known_at(table, p["end"], ctx.as_of, rows)
        referenced = np.ones(len(rows), dtype=bool)
    limit, unit, op, unknown, source = _limits(ctx, p, table, rows, norms)
    done = end != NAT
    until = np.where(done, end, ctx.as_of)
    days = elapsed_days(ctx, unit, start, until) if len(rows) else np.zeros(0, dtype=np.int64)
    known = ~np.isnan(limit)
    from .. import operators

    ok = known & np.asarray(operators.get(op).apply(days, np.nan_to_num(limit)), dtype=bool)
    return DayTerms(start, end, referenced, days, limit, unit, op, unknown, source, ok, ~done & ok)


def within_days(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Share of records whose end instant lies within N working (or calendar) days of their start instant.

    A record enters the period by its start instant. The end is a field of the record, or the earliest completion
    of a record in another document that references it (``end_from``). Without an end, the record is a breach
    once more than N days have passed at the as-of time, and pending before that (neither pass nor fail).
    """
    p = rule.measure.params
    kind = p["document"]
    kinds = [kind] + [p[k]["document"] for k in ("end_from", "limit_from") if k in p]
    if (missing := check_evidence(ctx, kinds, period)) is not None:
        return missing
    table = ctx.bundle.table(kind)
    w0, w1 = ctx.window(period)
    rows = np.flatnonzero(select(table, p.get("where")) & in_window(table.col(p["start"]), w0, w1))
    t = within_days_terms(ctx, p, table, rows, norms)
    ok, pending, days, limit, unit, op = t.ok, t.pending, t.days, t.limit, t.unit, t.op
    judged = ~pending
    label = p.get("label", p.get("end", "completion"))
    ids = table.ids[rows]
    breaches = []
    for i in np.flatnonzero(judged & ~ok):
        if np.isnan(limit[i]):
            why = t.unknown[i]
        elif t.end[i] != NAT:
            why = detail("late", label=label, elapsed=fmt_days(int(days[i]), unit), limit=fmt_limit(op, limit[i], unit))
        elif t.referenced[i]:
            why = detail("open_days_late", label=label, elapsed=fmt_days(int(days[i]), unit),
                         limit=fmt_limit(op, limit[i], unit))
        else:
            why = detail("no_joined_record", document=p["end_from"]["document"], elapsed=fmt_days(int(days[i]), unit),
                         limit=fmt_limit(op, limit[i], unit))
        breaches.append(Breach(str(ids[i]), why))
    n = int(judged.sum())
    return Measurement(metrics={"within_share": percent(int((ok & judged).sum()), n)}, population=n,
                       breaches=tuple(sorted(breaches, key=lambda b: b.record_id)), pending=int(pending.sum()),
                       notes=(f"{len(rows)} record(s) with {p['start']} in {period.label}; "
                              f"{int(pending.sum())} still within their limit at as-of",))


def _shown(value: Any) -> str:
    """A field's value in a breach detail, which people read: a boolean as yes/no, not Python's True/False."""
    return ("yes" if value else "no") if isinstance(value, (bool, np.bool_)) else repr(value)


def first_set(table: Table, fields: str | list[str]) -> np.ndarray:
    """Per record, the first of ``fields`` (one instant field, or several in order) that is set; NAT when none is.
    A record whose outcome can come in more than one way (a change completed, or rolled back without completing)
    enters a period by whichever happened."""
    names = [fields] if isinstance(fields, str) else list(fields)
    out = table.col(names[0]).copy()
    for name in names[1:]:
        out = np.where(out != NAT, out, table.col(name))
    return out


def condition_share(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Share of records (entering the period by an instant, ``first_set`` of ``at``) that meet every condition of
    ``ok``."""
    p = rule.measure.params
    kind = p["document"]
    if (missing := check_evidence(ctx, [kind], period)) is not None:
        return missing
    table = ctx.bundle.table(kind)
    w0, w1 = ctx.window(period)
    at = p["at"] if isinstance(p["at"], str) else " / ".join(p["at"])
    rows = np.flatnonzero(select(table, p.get("where")) & in_window(first_set(table, p["at"]), w0, w1))
    ok = select(table, p["ok"])[rows]
    ids = table.ids[rows]
    fields = [c["field"] for c in p["ok"]]
    breaches = tuple(Breach(str(ids[i]), detail("conditions", conditions=conditions_text(
                         [(f, _shown(table.col(f)[rows[i]])) for f in fields])))
                     for i in np.flatnonzero(~ok))
    return Measurement(metrics={"ok_share": percent(int(ok.sum()), len(rows))}, population=len(rows),
                       breaches=tuple(sorted(breaches, key=lambda b: b.record_id)),
                       notes=(f"{len(rows)} record(s) with {at} in {period.label}",))


def change_success(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Share of changes executed in the period without a rollback and without a linked incident reported within
    N working days after execution. A change whose window is still open at as-of, with nothing against it yet, is
    pending; a rollback or a linked incident fails it at once."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["changes", "tickets"], period)) is not None:
        return missing
    ch, tk = ctx.bundle.table("changes"), ctx.bundle.table("tickets")
    w0, w1 = ctx.window(period)
    executed = ch.col("executed_at")
    rows = np.flatnonzero(select(ch, p.get("where")) & in_window(executed, w0, w1))
    ex = executed[rows]
    window_end = ctx.calendar.working_days_term_end(ex, np.full(len(rows), int(p["window_working_days"])))
    rolled = ch.col("rolled_back")[rows] == True  # noqa: E712 - object column of booleans
    links = ch.lists.get("linked_incident_ids") or [None] * len(ch)
    rows_by_id = rows_of(ctx, tk, "changes.linked_incident_ids", lambda: [i for ids in links for i in ids or ()])
    reported_at = tk.col("reported_at")
    failed = rolled.copy()
    why: list[list[str]] = [[detail("rolled_back")] if r else [] for r in rolled.tolist()]
    for i, row in enumerate(rows.tolist()):
        for inc in links[row] or ():
            r = rows_by_id.get(str(inc))
            t = None if r is None else int(reported_at[r])
            if t is None:
                why[i].append(detail("linked_incident_unknown", incident=inc))
            elif ex[i] <= t <= window_end[i] and t <= ctx.as_of:
                why[i].append(detail("linked_incident", incident=inc, reported=ctx.iso(t)))
            else:
                continue
            failed[i] = True
    pending = ~failed & (window_end > ctx.as_of)
    judged = ~pending
    ids = ch.ids[rows]
    breaches = tuple(sorted((Breach(str(ids[i]), JOIN.join(why[i])) for i in np.flatnonzero(failed)),
                            key=lambda b: b.record_id))
    n = int(judged.sum())
    return Measurement(metrics={"success_share": percent(n - len(breaches), n)}, population=n, breaches=breaches,
                       pending=int(pending.sum()),
                       notes=(f"{len(rows)} change(s) executed in {period.label}; {int(pending.sum())} still within "
                              f"{p['window_working_days']} working days at as-of",))


_JOIN = {"type": "object", "additionalProperties": False, "required": ["document", "key", "fields"],
         "properties": {"document": _FIELD, "key": _FIELD, "fields": {"type": "array", "minItems": 1, "items": _FIELD}}}
_LIMIT = {"type": "object", "additionalProperties": False, "required": ["document", "key", "field", "unit"],
          "properties": {"document": _FIELD, "key": _FIELD, "field": _FIELD,
                         "unit": {"enum": ["working_days", "calendar_days"]}}}

DEFS = (
    MeasureDef(
        id="within_days", func=within_days, documents=(), metrics=("within_share",), per_record=True,
        params_schema={"type": "object", "additionalProperties": False, "required": ["document", "start"],
                       "oneOf": [{"required": ["end"]}, {"required": ["end_from"]}],
                       "properties": {"document": _FIELD, "start": _FIELD, "end": _FIELD, "end_from": _JOIN,
                                      "limit_from": _LIMIT, "label": {"type": "string"}, "where": _WHERE}},
        doc="share of records completed within N working/calendar days of their start (pending while in time)"),
    MeasureDef(
        id="condition_share", func=condition_share, documents=(), metrics=("ok_share",),
        params_schema={"type": "object", "additionalProperties": False, "required": ["document", "at", "ok"],
                       "properties": {"document": _FIELD,
                                      "at": {"oneOf": [_FIELD, {"type": "array", "minItems": 1, "items": _FIELD}]},
                                      "ok": {"type": "array", "minItems": 1},
                                      "where": _WHERE}},
        doc="share of records entering the period that meet every condition"),
    MeasureDef(
        id="change_success", func=change_success, documents=("changes", "tickets"), metrics=("success_share",),
        params_schema={"type": "object", "additionalProperties": False, "required": ["window_working_days"],
                       "properties": {"window_working_days": {"type": "integer", "minimum": 0}, "where": _WHERE}},
        doc="share of executed changes without rollback or linked incident within N working days"),
)
