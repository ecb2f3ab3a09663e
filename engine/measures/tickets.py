"""Ticket measures: time-to-X shares (first response, stabilisation, resolution) and backlog age."""
from __future__ import annotations

from operator import eq
from typing import Mapping

import numpy as np

from ..details import JOIN, detail, frame
from ..model import Breach, Measurement, NormInForce, Rule
from ..periods import Period
from ..timeparse import NAT
from .common import (MeasureContext, check_evidence, elapsed_on, fmt_days, fmt_duration, fmt_durations, fmt_limit,
                     id_texts, in_record_order, limit_seconds, per_record_norm, percent, record_breaches, select,
                     sub_pauses, window_rows)
from .known import known_at, open_at
from .registry import MeasureDef

_TS_FIELD = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}


def duration_share(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Share of records whose duration (start → end, on the rule's clock, minus pauses) meets the per-record limit.

    A record enters the period by its start instant. Its end is the end as known at the as-of time
    (``known.known_at``: nothing after it has happened yet; a resolution a reopen undid is none). One without an
    end then is a breach as soon as the limit has passed at the as-of time, and pending before that.
    """
    p = rule.measure.params
    kind = p.get("document", "tickets")
    if (missing := check_evidence(ctx, [kind], period)) is not None:
        return missing
    table = ctx.bundle.table(kind)
    start_col = table.col(p["start"])
    w0, w1 = ctx.window(period)
    rows = window_rows(ctx, table, p.get("where"), p["start"], w0, min(w1, ctx.as_of + 1))
    metrics: dict[str, float | None] = {}
    failing = []  # per duration in force: (label, limit, failing mask, done, elapsed) over ``rows``
    any_pending, all_pending = np.zeros(len(rows), dtype=bool), None  # a record pending on some / every duration
    start = start_col[rows]
    for name, spec in p["durations"].items():
        metric = f"{name}_share"
        norm = per_record_norm(norms, metric)
        if norm is None or norm.per_record is None or norm.per_record.limit is None:
            metrics[metric] = None
            continue
        end = known_at(table, spec["end"], ctx.as_of, rows)
        done = end != NAT
        until = np.where(done, end, ctx.as_of)
        pauses = sub_pauses(table, rows, until) if p.get("pause_third_party") else None
        elapsed = elapsed_on(ctx, p["clock"], start, until, pauses)
        limit = limit_seconds(norm.per_record)
        ok = np.asarray(_within(norm.per_record.op, elapsed, limit), dtype=bool)
        pending = ~done & ok
        judged = ~pending
        any_pending |= pending
        all_pending = pending if all_pending is None else all_pending & pending
        metrics[metric] = percent(int((ok & judged).sum()), int(judged.sum()))
        failing.append((spec.get("label", name.replace("_", " ")), norm.per_record, judged & ~ok, done, elapsed))
    # the cases judged on at least one duration (a P1 late to stabilise is a case while its resolution is pending)
    population = len(rows) - (0 if all_pending is None else int(all_pending.sum()))
    if len(rows) == 0:
        metrics = {k: None for k in metrics}
    return Measurement(metrics=metrics, population=population, breaches=_breaches(ctx, rule, table, rows, failing),
                       pending=int(any_pending.sum()), notes=(f"{len(rows)} record(s) started in {period.label}",))


def _breaches(ctx: MeasureContext, rule: Rule, table, rows: np.ndarray, failing: list) -> tuple[Breach, ...]:
    """One Breach per failing record, in record-id order, its durations' details joined.

    A record's durations do not depend on the period, so its Breach is made once per audit (a record is in a
    month, its quarter and the year); keyed by the limits, which the norm register may change.
    """
    bad = np.zeros(len(rows), dtype=bool)
    for _, _, mask, _, _ in failing:
        bad |= mask
    order = in_record_order(ctx, table, rows, np.flatnonzero(bad))
    text = id_texts(ctx, table)
    texts = [text[r] for r in rows[order].tolist()]
    if any(map(eq, texts[1:], texts[:-1])):  # a repeated id (next to each other, in id order): one Breach
        return _merge([(rid, _detail(f, i)) for f in failing for i, rid in zip(order.tolist(), texts) if f[2][i]])
    key = ("duration_breach",) + tuple((lim.op, lim.limit, lim.unit) for _, lim, _, _, _ in failing)

    def details(positions: np.ndarray) -> list[str]:
        parts = [_details(f, positions) for f in failing]
        if len(parts) == 1:  # every position fails the one duration
            return parts[0]
        return [JOIN.join([d for d in each if d is not None]) for each in zip(*parts)]
    return record_breaches(ctx, table, rows, order, details, made=(key, rule))


def _detail(failing: tuple, i: int) -> str:
    label, lim, _, done, elapsed = failing
    return detail("late" if done[i] else "open_late", label=label, elapsed=fmt_duration(float(elapsed[i]), lim.unit),
                  limit=fmt_limit(lim.op, lim.limit, lim.unit))


def _details(failing: tuple, positions: np.ndarray) -> list[str | None]:
    """``_detail`` at each position (None where this duration did not fail), its figures formatted in bulk; only
    the positions' flags and figures become Python values (not the whole period's, as a year has every record)."""
    label, lim, mask, done, elapsed = failing
    limit = fmt_limit(lim.op, lim.limit, lim.unit)
    (open_before, open_after), (late_before, late_after) = (frame(key, "elapsed", label=label, limit=limit)
                                                            for key in ("open_late", "late"))
    before, after = (open_before, late_before), (open_after, late_after)  # by "done"
    figures = fmt_durations(elapsed[positions], lim.unit)
    return [before[d] + figure + after[d] if m else None
            for m, d, figure in zip(mask[positions].tolist(), done[positions].tolist(), figures)]


def _within(op: str, elapsed: np.ndarray, limit: float) -> np.ndarray:
    from .. import operators

    return operators.get(op).apply(elapsed, limit)


def _merge(breaches: list[tuple[str, str]]) -> tuple[Breach, ...]:
    """One breach per record, by record id, its durations' details joined."""
    merged: dict[str, list[str]] = {}
    for rid, text in breaches:
        merged.setdefault(rid, []).append(text)
    return tuple(Breach(rid, JOIN.join(d)) for rid, d in sorted(merged.items()))


def backlog_age(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Open tickets at the end of the period older than N working days: their share and their number. Open is
    ``known.open_at``: reported, and neither resolved (a reopen undoes a resolution) nor closed at that instant."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["tickets"], period)) is not None:
        return missing
    table = ctx.bundle.table("tickets")
    _, w1 = ctx.window(period)
    snapshot = w1 - 1  # the last second of the period
    reported = table.col("reported_at")
    rows = np.flatnonzero(select(table, p.get("where")) & open_at(table, snapshot))
    age = ctx.calendar.working_days(reported[rows], np.full(len(rows), snapshot, dtype=np.int64))
    old = age > int(p["age_working_days"])
    ids = table.ids[rows]
    breaches = tuple(sorted((Breach(str(ids[i]), detail("backlog_age", age=fmt_days(int(age[i]), "working_days"),
                                                          day=period.last))
                             for i in np.flatnonzero(old)), key=lambda b: b.record_id))
    n_old = int(old.sum())
    return Measurement(metrics={"old_share": percent(n_old, len(rows)) if len(rows) else 0.0, "old_count": float(n_old)},
                       population=len(rows), breaches=breaches,
                       notes=(f"snapshot at the end of {period.label}: {len(rows)} open ticket(s)",))


_WHERE = {"type": "array"}

DEFS = (
    MeasureDef(
        id="duration_share", func=duration_share, documents=(),
        metrics=lambda params: tuple(f"{n}_share" for n in (params.get("durations") or {})),
        per_record=True,
        params_schema={"type": "object", "additionalProperties": False, "required": ["start", "durations", "clock"],
                       "properties": {"document": {"type": "string"}, "start": _TS_FIELD,
                                      "clock": {"enum": ["clock", "business"]},
                                      "pause_third_party": {"type": "boolean"}, "where": _WHERE,
                                      "durations": {"type": "object", "minProperties": 1, "additionalProperties": {
                                          "type": "object", "required": ["end"], "additionalProperties": False,
                                          "properties": {"end": _TS_FIELD, "label": {"type": "string"}}}}}},
        doc="share of records whose start→end duration meets the per-record limit"),
    MeasureDef(
        id="backlog_age", func=backlog_age, documents=("tickets",), metrics=("old_share", "old_count"),
        params_schema={"type": "object", "additionalProperties": False, "required": ["age_working_days"],
                       "properties": {"age_working_days": {"type": "integer", "minimum": 0}, "where": _WHERE}},
        doc="share and number of open tickets older than N working days at the end of the period"),
)
