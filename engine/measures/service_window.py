"""Section 3 (service windows): the configured servicedesk window against the minimum, P1 on-call outside the
window, the three reporting channels, and the treatment of Dutch public holidays."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Mapping

import numpy as np

from ..calendar import ServiceCalendar
from ..errors import InputError
from ..holidaysource import country_holidays
from ..details import detail
from ..model import Breach, Measurement, NormInForce, Rule
from ..periods import Period
from ..timeparse import NAT
from ..reasons import reason
from .common import (MeasureContext, check_evidence, fmt_duration, fmt_limit, in_window, insufficient, known_col,
                     limit_seconds, per_record_norm, percent, select, window_rows)
from .registry import MeasureDef

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _days(period: Period):
    d = period.first
    while d <= period.last:
        yield d
        d += timedelta(days=1)


def _hhmm(text: str) -> time:
    h, m = str(text).split(":")
    return time(int(h), int(m))


def window_minimum(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Every weekday of the period that is not a holiday or closing day of the contract calendar must be a
    working day whose service window covers at least [open, close); the figure is the share of such days."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, rule.evidence, period)) is not None:
        return missing
    cal = ctx.calendar
    off = {d for d, _ in cal.holidays_between(period.first, period.last)}
    weekdays = {_WEEKDAYS.index(w) for w in p["weekdays"]}
    opening, closing = _hhmm(p["open"]), _hhmm(p["close"])
    days = [d for d in _days(period) if d.weekday() in weekdays and d not in off]
    starts = np.array([int(datetime.combine(d, opening, ctx.tz).timestamp()) for d in days], dtype=np.int64)
    ends = np.array([int(datetime.combine(d, closing, ctx.tz).timestamp()) for d in days], dtype=np.int64)
    covered = cal.business_seconds(starts, ends) if days else np.zeros(0, dtype=np.int64)
    breaches = []
    for i, d in enumerate(days):
        need = int(ends[i] - starts[i])
        if not cal.is_working_day(d):
            breaches.append(Breach(d.isoformat(), detail("not_working_day")))
        elif covered[i] < need:
            breaches.append(Breach(d.isoformat(), detail("window_short", covered=f"{covered[i] / 3600:.2f}",
                                                         needed=f"{need / 3600:.2f}", open=p["open"],
                                                         close=p["close"])))
    return Measurement(metrics={"window_share": percent(len(days) - len(breaches), len(days))}, population=len(days),
                       breaches=tuple(breaches),
                       notes=(f"{len(days)} working weekday(s) in {period.label}; {len(off)} holiday/closing day(s) "
                              f"of the contract calendar left out",))


def p1_on_call(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """P1 incidents reported outside the service window that got a first substantive response within the clause's
    per-record limit (clock time): evidence that the 24/7 on-call duty answered. Pending while the limit runs."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, rule.evidence, period)) is not None:
        return missing
    t = ctx.bundle.table("tickets")
    w0, w1 = ctx.window(period)
    reported = t.col("reported_at")
    cand = np.flatnonzero(select(t, p.get("where")) & in_window(reported, w0, min(w1, ctx.as_of + 1)))
    outside = ctx.calendar.business_seconds(reported[cand], reported[cand] + 1) == 0
    rows = cand[outside]
    norm = per_record_norm(norms, "on_call_share")
    if norm is None or norm.per_record is None or norm.per_record.limit is None:
        return Measurement(metrics={"on_call_share": None}, population=0)
    limit = limit_seconds(norm.per_record)
    response = known_col(ctx, t, "first_response_at")[rows]
    done = response != NAT
    elapsed = ctx.calendar.clock_seconds(reported[rows], np.where(done, response, ctx.as_of))
    ok = elapsed <= limit
    pending = ~done & ok
    judged = ~pending
    lim = norm.per_record
    breaches = tuple(Breach(str(t.ids[rows[i]]), detail("on_call_late" if done[i] else "on_call_open",
                                                        reported=ctx.iso(int(reported[rows[i]])),
                                                        elapsed=fmt_duration(float(elapsed[i]), lim.unit),
                                                        limit=fmt_limit(lim.op, lim.limit, lim.unit)))
                     for i in np.flatnonzero(judged & ~ok))
    return Measurement(metrics={"on_call_share": percent(int((ok & judged).sum()), int(judged.sum()))},
                       population=int(judged.sum()), breaches=tuple(sorted(breaches, key=lambda b: b.record_id)),
                       pending=int(pending.sum()),
                       notes=(f"{len(rows)} of {len(cand)} P1 incident(s) in {period.label} reported outside the window",))


def channels_used(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """How many of the agreed channels carried at least one ticket reported in the period. No tickets at all:
    nothing shows whether a channel was open (NOT-APPLICABLE)."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, rule.evidence, period)) is not None:
        return missing
    t = ctx.bundle.table("tickets")
    w0, w1 = ctx.window(period)
    rows = window_rows(ctx, t, None, "reported_at", w0, min(w1, ctx.as_of + 1))
    # each channel's mask is kept on the table (select), so a period only counts its own rows
    counts = {c: int(select(t, [{"field": "channel", "op": "==", "value": c}])[rows].sum()) for c in p["channels"]}
    breaches = tuple(Breach(f"channel:{c}", detail("channel_unused", channel=c, period=period.label))
                     for c, n in counts.items() if n == 0)
    value = float(sum(1 for n in counts.values() if n)) if len(rows) else None
    return Measurement(metrics={"channels_used": value}, population=len(rows), breaches=breaches,
                       notes=(", ".join(f"{c}: {n}" for c, n in counts.items()) + f" ticket(s) in {period.label}",))


def _calendars(ctx: MeasureContext, settings: Mapping, org: str, source: str) -> tuple:
    """The contract-wide calendar and the organisation's, or the error that makes them invalid; built once per audit,
    as every period asks for the same two. The organisation's is ctx.calendar when that was made from these very
    settings for this organisation (as in an audit), not built a second time."""
    try:
        contract_cal = ServiceCalendar.from_settings(settings, None, source=source)
        made = getattr(ctx.calendar, "made_from", None)
        same = made is not None and made[0] is settings and made[1:] == (org, source)
        return contract_cal, ctx.calendar if same else ServiceCalendar.from_settings(settings, org, source=source), None
    except InputError as exc:
        return None, None, exc


def holiday_treatment(ctx: MeasureContext, rule: Rule, period: Period, norms: Mapping[str, NormInForce]) -> Measurement:
    """Each Dutch public holiday on a weekday of the period must be excluded from the service window of the
    contract calendar; an organisation may work on one only through its own override in the contract settings."""
    p = rule.measure.params
    if (missing := check_evidence(ctx, rule.evidence, period)) is not None:
        return missing
    if ctx.contract is None:
        return insufficient(reason("no_settings_for_holidays"))
    org = ctx.bundle.organisation
    settings = ctx.contract.calendar_settings
    if org not in (settings.get("organisations") or {}):
        return insufficient(reason("no_organisation_calendar", organisation=repr(org)))
    contract_cal, org_cal, invalid = ctx.memo(("holiday_calendars", org), ctx.contract,
                                              lambda: _calendars(ctx, settings, org, ctx.contract.source))
    if invalid is not None:
        return insufficient(reason("invalid_organisation_calendar", organisation=repr(org), problem=invalid))
    reference = country_holidays(p["country"], years=range(period.first.year, period.last.year + 1),
                                              categories=tuple(p.get("categories", ["public"])), language="nl")
    days = sorted((d, n) for d, n in reference.items() if period.first <= d <= period.last and d.weekday() < 5)
    breaches, notes = [], []
    for d, name in days:
        contract_off = not contract_cal.is_working_day(d)
        org_off = not org_cal.is_working_day(d)
        if not contract_off:
            breaches.append(Breach(d.isoformat(), detail("holiday_worked", holiday=name)))
        elif not org_off:
            notes.append(f"{d} {name}: a working day for {org} by its override")
        else:
            notes.append(f"{d} {name}: excluded")
    return Measurement(metrics={"holidays_share": percent(len(days) - len(breaches), len(days))}, population=len(days),
                       breaches=tuple(breaches), notes=tuple(notes) or (f"no {p['country']} public holidays on "
                                                                          f"weekdays in {period.label}",))


_HHMM = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
_WHERE = {"type": "array"}

DEFS = (
    MeasureDef(id="window_minimum", func=window_minimum, documents=(), metrics=("window_share",),
               params_schema={"type": "object", "additionalProperties": False, "required": ["open", "close", "weekdays"],
                              "properties": {"open": _HHMM, "close": _HHMM, "weekdays": {
                                  "type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(_WEEKDAYS)}}}},
               doc="share of the period's working weekdays whose configured service window covers the minimum"),
    MeasureDef(id="p1_on_call", func=p1_on_call, documents=("tickets",), metrics=("on_call_share",), per_record=True,
               params_schema={"type": "object", "additionalProperties": False, "properties": {"where": _WHERE}},
               doc="share of P1 incidents reported outside the window answered within the P1 limit"),
    MeasureDef(id="channels_used", func=channels_used, documents=("tickets",), metrics=("channels_used",),
               params_schema={"type": "object", "additionalProperties": False, "required": ["channels"],
                              "properties": {"channels": {"type": "array", "minItems": 1, "uniqueItems": True,
                                                          "items": {"type": "string"}}}},
               doc="number of the agreed channels that carried a ticket in the period"),
    MeasureDef(id="holiday_treatment", func=holiday_treatment, documents=(), metrics=("holidays_share",),
               params_schema={"type": "object", "additionalProperties": False, "required": ["country"],
                              "properties": {"country": {"type": "string", "minLength": 2},
                                             "categories": {"type": "array", "items": {"type": "string"}}}},
               doc="share of the country's public holidays in the period excluded from the service window"),
)
