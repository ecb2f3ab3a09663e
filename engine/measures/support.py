"""User-support measures over the ticket history: proactive updates, single ownership, first-time fix,
satisfaction, and the coordination of tickets with several resolving parties."""
from __future__ import annotations

from itertools import repeat
from typing import Callable, Mapping

import numpy as np

from ..details import JOIN, detail
from ..model import Measurement, NormInForce, PerRecordLimit, Rule
from ..norms import norms_in_force
from ..periods import Period
from ..tables import Table
from ..timeparse import NAT
from ..reasons import reason
from .common import (DURATION_UNITS, TIME_LIMIT_SCHEMA, MeasureContext, check_evidence, elapsed_on, fmt_duration, fmt_limit,
                     in_record_order, in_window, insufficient, known_col, limit_seconds, percent, record_breaches,
                     rows_of, select, window_rows)
from .known import count_by, resolution_by
from .registry import MeasureDef


def _resolved_in(ctx: MeasureContext, table: Table, period: Period, where) -> np.ndarray:
    """Rows selected by ``where`` whose resolution in force at the as-of time falls in the period (a ticket
    reopened and not resolved again is not resolved: ``known.resolution_by``)."""
    w0, w1 = ctx.window(period)
    return window_rows(ctx, table, where, "resolution_at", w0, min(w1, ctx.as_of + 1), known=True)


def _share(ctx: MeasureContext, ok: np.ndarray, rows: np.ndarray, table: Table, metric: str,
           details: Callable[[np.ndarray], list[str]], note: str, made: tuple | None = None) -> Measurement:
    """The share of ``ok`` rows; a breach for each other row, ``details(positions)`` saying why (positions into
    ``rows``), in record-id order. ``made`` (a memo key and its owner) reuses a record's breach in every period
    listing it, when its detail does not depend on the period."""
    order = in_record_order(ctx, table, rows, np.flatnonzero(~ok))
    breaches = record_breaches(ctx, table, rows, order, details, made)
    return Measurement(metrics={metric: percent(int(ok.sum()), len(rows))}, population=len(rows), breaches=breaches,
                       notes=(note,))


def _each(detail: Callable[[int], str]) -> Callable[[np.ndarray], list[str]]:
    """``details`` from a function of one position."""
    return lambda positions: [detail(i) for i in positions.tolist()]


def _deadline(ctx: MeasureContext, start: np.ndarray, lim: PerRecordLimit) -> np.ndarray:
    seconds = np.full(len(start), limit_seconds(lim)).astype(np.int64)
    if lim.unit.startswith("business"):
        return ctx.calendar.add_business_seconds(start, seconds)
    return start + seconds


def _default_limits(ctx: MeasureContext, rule: Rule, period: Period) -> dict[str, PerRecordLimit | str]:
    """Per priority, the per-record resolution norm in force in the period of the rule it names (annex, tender or
    norm register), or the id of that rule when it has none in force."""
    related = {r.id: r for r in rule.related}
    out: dict[str, PerRecordLimit | str] = {}
    for prio, ref in rule.measure.params.get("default_expected", {}).items():
        norm = norms_in_force(related[ref["rule"]], ctx.contract, period.first)[ref["clause"]]
        lim = norm.per_record
        known = lim is not None and lim.limit is not None
        out[prio] = lim if known else ref["rule"]  # without a norm: the rule that has none
    return out


def _expected(ctx: MeasureContext, t: Table, p: Mapping, limits: Mapping[str, PerRecordLimit | str]
              ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The rule's selected tickets, their expected resolution time (communicated, else the priority's resolution
    norm in force) and, per priority without such a norm, which of them then have no expected time: the same
    for every period with the same norms, so computed once per audit and set of norms."""
    sel = np.flatnonzero(select(t, p.get("where")))
    expected = t.col("expected_resolution_at")[sel].copy()
    unknown: dict[str, np.ndarray] = {}
    for prio, lim in limits.items():
        fill = (expected == NAT) & select(t, [{"field": "priority", "op": "==", "value": prio}])[sel]
        if not fill.any():
            continue
        if isinstance(lim, str):
            unknown[prio] = fill
        else:
            expected[fill] = _deadline(ctx, t.col("reported_at")[sel][fill], lim)
    return sel, expected, unknown


def proactive_updates(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Incidents whose handling ran past the expected resolution time that fell in the period: the user got a
    proactive update at or before that time. Without a communicated expectation on the ticket, the expected time
    is the resolution norm in force in the period for its priority (``default_expected`` names the rule and clause).
    """
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["tickets"], period)) is not None:
        return missing
    if ctx.contract is None:
        return insufficient(reason("no_settings_for_resolution_norms"))
    t = ctx.bundle.table("tickets")
    limits = _default_limits(ctx, rule, period)
    sel, expected, unknown = ctx.memo(("proactive_expected", tuple(sorted(map(str, limits.items())))), rule,
                                      lambda: _expected(ctx, t, p, limits))
    w0, w1 = ctx.window(period)
    resolution = known_col(ctx, t, "resolution_at")[sel]
    overran = in_window(expected, w0, min(w1, ctx.as_of + 1)) & ((resolution == NAT) | (resolution > expected))
    rows, expected = sel[overran], expected[overran]
    # tickets whose expected time cannot be told and that were open at some time in the period (reported before
    # its end, not resolved before its start): whether they ran late in it is unknown
    open_then = (t.col("reported_at")[sel] < min(w1, ctx.as_of + 1)) & ((resolution == NAT) | (resolution >= w0))
    unknown_here = {prio: int((rows_of_prio & open_then).sum()) for prio, rows_of_prio in unknown.items()}
    if any(unknown_here.values()):
        return insufficient(*(reason("no_expected_time", n=n, priority=prio, rule=limits[prio])
                              for prio, n in sorted(unknown_here.items()) if n))
    first = known_col(ctx, t, "first_proactive_update_at")[rows]
    ok = (first != NAT) & (first <= expected)

    def why(i: int) -> str:
        f = int(first[i])
        if f == NAT:
            return detail("no_proactive_update", expected=ctx.iso(int(expected[i])))
        return detail("proactive_update_late", at=ctx.iso(f), expected=ctx.iso(int(expected[i])))

    return _share(ctx, ok, rows, t, "proactive_share", _each(why),
                  f"{len(rows)} incident(s) ran past their expected resolution time in {period.label}")


def _no_counts_share(ctx: MeasureContext, rule: Rule, period: Period, metric: str, counts: dict[str, str]) -> Measurement:
    """Tickets resolved in the period whose every named count column is zero as known at the as-of time
    (``known.count_by``: an event after it has not happened yet); a breach names the non-zero ones (``counts``
    maps a column to the key of the detail that says its number, e.g. ``owner_changes``: "{count} owner
    change(s)")."""
    if (missing := check_evidence(ctx, ["tickets"], period)) is not None:
        return missing
    t = ctx.bundle.table("tickets")
    rows = _resolved_in(ctx, t, period, rule.measure.params.get("where"))
    values = [count_by(t, name, ctx.as_of, rows) for name in counts]
    ok = np.ones(len(rows), dtype=bool)
    for column in values:
        ok &= column == 0
    said: dict[tuple, str] = {}  # few distinct combinations of counts: each text is made once

    def details(positions: np.ndarray) -> list[str]:
        keys = list(zip(*(v[positions].tolist() for v in values))) if values else [()] * len(positions)
        for key in set(keys) - said.keys():
            said[key] = JOIN.join(detail(wording, count=int(n)) for n, wording in zip(key, counts.values()) if n)
        return list(map(said.__getitem__, keys))

    # a ticket's counts read the same in every period: its breach is made once per audit
    return _share(ctx, ok, rows, t, metric, details, f"{len(rows)} ticket(s) resolved in {period.label}",
                  made=(("no_counts_breach",), rule))


def single_ownership(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Tickets resolved in the period that had one named owner from registration to resolution: no owner change
    and no stretch without an owner."""
    return _no_counts_share(ctx, rule, period, "single_owner_share",
                            {"owner_changes": "owner_changes", "owner_gaps": "owner_gaps"})


def first_time_fix(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Tickets resolved in the period at the first treatment: no handover to another line and never reopened."""
    return _no_counts_share(ctx, rule, period, "first_time_fix_share",
                            {"handovers": "handovers", "reopens": "reopens"})


def csat_share(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Survey answers given in the period on handled tickets: the share scoring at least ``min_score``. One answer
    per ticket, its first (whatever period that fell in, so a month and its quarter count the same answers);
    answers on tickets not in the export or not yet resolved when answered are left out."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["tickets", "satisfaction_surveys"], period)) is not None:
        return missing
    t, s = ctx.bundle.table("tickets"), ctx.bundle.table("satisfaction_surveys")
    w0, w1 = ctx.window(period)
    answered = s.col("answered_at")
    reason = ctx.memo(("csat_answers",), s, lambda: _answer_reasons(ctx, t, s))
    cand = np.flatnonzero(in_window(answered, w0, min(w1, ctx.as_of + 1)) & (reason >= 0))
    cand = cand[np.lexsort((s.ids[cand].astype(str), answered[cand]))]
    why = reason[cand]
    rows = cand[why == _COUNTED]
    scores = s.col("score")[rows]
    ok = scores >= float(p["min_score"])
    notes = [f"{len(rows)} answer(s) on handled tickets in {period.label}"]
    for code, text in _LEFT_OUT.items():
        if n := int((why == code).sum()):
            notes.append(f"{n} answer(s) left out: {text}")
    m = _share(ctx, ok, rows, s, "satisfied_share",
               _each(lambda i: detail("low_score", score=f"{scores[i]:g}", ticket=s.col("ticket_id")[rows[i]])),
               notes[0])
    return Measurement(metrics=m.metrics, population=m.population, breaches=m.breaches, notes=tuple(notes))


_COUNTED = 0
_LEFT_OUT = {1: "on a ticket not in the tickets export", 2: "on a ticket not resolved when answered",
             3: "repeating an earlier answer on the same ticket"}


def _answer_reasons(ctx: MeasureContext, t: Table, s: Table) -> np.ndarray:
    """Per survey row, once per audit: -1 when it is no answer known at the as-of time (unanswered, or answered
    after it), else whether it counts (0) or why it is left out (``_LEFT_OUT``), taking every answer in answer
    order: the ticket is unknown, else not resolved when answered, else an earlier answer on it was kept."""
    answered = s.col("answered_at")
    reason = np.full(len(s), -1, dtype=np.int8)
    cand = np.flatnonzero((answered != NAT) & (answered <= ctx.as_of) & ~np.isnan(s.col("score")))
    cand = cand[np.lexsort((s.ids[cand].astype(str), answered[cand]))]
    rows_by_id = rows_of(ctx, t, "satisfaction_surveys.ticket_id", lambda: s.col("ticket_id").tolist())
    row = np.fromiter(map(rows_by_id.get, map(str, s.col("ticket_id")[cand].tolist()), repeat(-1)),
                      dtype=np.int64, count=len(cand))
    known = np.flatnonzero(row >= 0)
    valid = known[resolution_by(t, answered[cand][known], row[known]) != NAT]  # resolved when answered
    first = valid[np.unique(row[valid], return_index=True)[1]]  # distinct tickets have distinct rows
    reason[cand] = 1
    reason[cand[known]] = 2
    reason[cand[valid]] = 3
    reason[cand[first]] = _COUNTED
    return reason


def party_coordination(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Tickets with two or more resolving parties, resolved in the period, on which the supplier demonstrably
    coordinated in time and completely: coordination started within the limit after another party was brought
    in, every other party was coordinated with, every handover carried a note, one owner throughout, and the
    user was informed while the parties worked on it."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, ["tickets"], period)) is not None:
        return missing
    t = ctx.bundle.table("tickets")
    rows = _resolved_in(ctx, t, period, p.get("where"))
    rows = rows[t.col("party_count")[rows] >= 2]
    since = t.col("first_party_handover_at")[rows].copy()
    since[since == NAT] = t.col("reported_at")[rows][since == NAT]
    coord = known_col(ctx, t, "first_coordination_at")[rows]
    late = np.zeros(len(rows), dtype=bool)
    elapsed = np.zeros(len(rows), dtype=np.int64)
    limits = p["coordinate_within"]
    prio = t.col("priority")[rows]
    has = coord != NAT
    for key, lim in limits.items():
        sub = has & ((prio == key) if key != "default" else ~np.isin(prio, [k for k in limits if k != "default"]))
        if not sub.any():
            continue
        unit = DURATION_UNITS[lim["unit"]]
        elapsed[sub] = elapsed_on(ctx, unit.clock, since[sub], coord[sub])
        late[sub] = elapsed[sub] > float(lim["limit"]) * unit.seconds
    # as known at the as-of time: an event after it (a coordination, a handover, an update) has not happened yet
    missing_parties = t.col("parties_not_coordinated")[rows]
    complete = t.col("parties_coordinated_at")[rows]
    incomplete = (missing_parties != "") | (complete == NAT) | (complete > ctx.as_of)
    no_note = count_by(t, "handovers_without_note", ctx.as_of, rows)
    owner_bad = (count_by(t, "owner_changes", ctx.as_of, rows) > 0) | (count_by(t, "owner_gaps", ctx.as_of, rows) > 0)
    update = t.col("first_user_update_at")[rows]
    no_update = (update == NAT) | (update > known_col(ctx, t, "resolution_at")[rows])
    ok = has & ~late & ~incomplete & (no_note == 0) & ~owner_bad & ~no_update
    def why(i: int) -> str:
        lim = limits.get(prio[i], limits.get("default"))
        parts = [detail("no_coordination")] if not has[i] else []
        if late[i]:
            parts.append(detail("coordination_late", elapsed=fmt_duration(float(elapsed[i]), lim["unit"]),
                                limit=fmt_limit("<=", lim["limit"], lim["unit"])))
        if missing_parties[i]:
            parts.append(detail("not_coordinated_with", parties=missing_parties[i].replace("|", ", ")))
        elif incomplete[i] and has[i]:
            parts.append(detail("not_coordinated_by_as_of", as_of=ctx.iso(ctx.as_of)))
        if no_note[i]:
            parts.append(detail("handovers_without_note", count=int(no_note[i])))
        if owner_bad[i]:
            parts.append(detail("ownership_lapsed"))
        if no_update[i]:
            parts.append(detail("user_not_updated"))
        return JOIN.join(parts)

    return _share(ctx, ok, rows, t, "coordinated_share", _each(why),
                  f"{len(rows)} multi-party ticket(s) resolved in {period.label}")


_WHERE = {"type": "array"}
_NORM_REF = {"type": "object", "additionalProperties": False, "required": ["rule", "clause"],
             "properties": {"rule": {"type": "string", "minLength": 1}, "clause": {"type": "string", "minLength": 1}}}
_PLAIN = {"type": "object", "additionalProperties": False, "properties": {"where": _WHERE}}

DEFS = (
    MeasureDef(id="proactive_updates", func=proactive_updates, documents=("tickets",), metrics=("proactive_share",),
               params_schema={"type": "object", "additionalProperties": False,
                              "properties": {"where": _WHERE, "default_expected": {
                                  "type": "object", "propertyNames": {"enum": ["P1", "P2", "P3", "P4"]},
                                  "additionalProperties": _NORM_REF}}},
               doc="share of overrunning incidents whose user got a proactive update in time",
               norm_refs=lambda params: [(f"default_expected.{prio}", ref["rule"], ref["clause"])
                                         for prio, ref in sorted((params.get("default_expected") or {}).items())]),
    MeasureDef(id="single_ownership", func=single_ownership, documents=("tickets",), metrics=("single_owner_share",),
               params_schema=_PLAIN, doc="share of resolved tickets with one owner throughout"),
    MeasureDef(id="first_time_fix", func=first_time_fix, documents=("tickets",), metrics=("first_time_fix_share",),
               params_schema=_PLAIN, doc="share of resolved tickets fixed without handover or reopen"),
    MeasureDef(id="csat_share", func=csat_share, documents=("tickets", "satisfaction_surveys"),
               metrics=("satisfied_share",),
               params_schema={"type": "object", "additionalProperties": False, "required": ["min_score"],
                              "properties": {"min_score": {"type": "number", "minimum": 0, "maximum": 10}}},
               doc="share of survey answers on handled tickets scoring at least min_score"),
    MeasureDef(id="party_coordination", func=party_coordination, documents=("tickets",),
               metrics=("coordinated_share",),
               params_schema={"type": "object", "additionalProperties": False, "required": ["coordinate_within"],
                              "properties": {"where": _WHERE, "coordinate_within": {
                                  "type": "object", "required": ["default"],
                                  "propertyNames": {"enum": ["P1", "P2", "P3", "P4", "default"]},
                                  "additionalProperties": TIME_LIMIT_SCHEMA}}},
               doc="share of multi-party tickets on which the supplier coordinated in time and completely"),
)
