"""Explain one record's time measurements: the timeline behind each figure, so a disputed one can be settled.

For every rule that measures a time in hours or minutes on the record's document (``duration_share``: first
response and resolution; ``containment_time``: security incidents, third-party waits paused per priority), the
explanation shows the rule's clock, the start and end instants, the counted segments, the time outside the
window, holidays and pauses, and the figure against the per-record limit in force. Rules counting working or
calendar days (``within_days``, ``day_limit_share``) are explained day by day (``engine.explain_days``). As the
measures do, an end after the as-of instant is not known yet.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import numpy as np

from . import operators
from .bundle import Bundle
from .details import decimal_comma
from .calendar import ServiceCalendar
from .calendar_explain import Timeline, explain, render_timeline
from .errors import InputError, Problem
from .explain_days import DayExplanation, explain_day_limit, explain_within_days, render_days, term
from .measures.common import DURATION_UNITS, MeasureContext, limit_seconds, select
from .measures.known import known_at
from .model import PerRecordLimit, Rule
from .norms import norms_in_force
from .report import fmt_limit_in, origin_words
from .rulefiles import Catalogue
from .settings import Contract
from .tables import Table
from .timeparse import NAT


@dataclass(frozen=True)
class Explanation:
    rule_id: str
    measurement: str  # e.g. "response"
    timeline: Timeline
    limit: PerRecordLimit | None  # the per-record limit in force (None: none)
    origin: str                   # where it comes from: a norm's origin, or ``rule:<id>`` for the rule's own
    within: bool | None  # None: no end yet and the limit has not passed (pending)
    ended: bool


_DOCUMENT = {"duration_share": "tickets", "containment_time": "security_incidents"}  # the measures' defaults
_DAY_MEASURES = ("within_days", "day_limit_share")  # their document is a required parameter


def _document(rule: Rule) -> str:
    return rule.measure.params.get("document") or _DOCUMENT[rule.measure.id]


def _rules_for(catalogue: Catalogue, bundle: Bundle, record_id: str) -> list[tuple[Rule, int]]:
    found = []
    for rule in catalogue.rules.values():
        params = rule.measure.params
        if rule.measure.id not in _DOCUMENT and rule.measure.id not in _DAY_MEASURES:
            continue
        table = bundle.table(_document(rule))
        if table is None:
            continue
        rows = np.flatnonzero(table.ids == record_id)
        if len(rows) == 0:
            continue
        row = int(rows[0])
        if rule.measure.id in _DAY_MEASURES and table.col(params["start"])[row] == NAT:
            continue  # neither measure judges a record without a start
        if select(table, params.get("where"))[row]:
            found.append((rule, row))
    return found


def explain_record(bundle: Bundle, record_id: str, catalogue: Catalogue, contract: Contract,
                   calendar: ServiceCalendar, as_of: int, rule_id: str | None = None
                   ) -> list[Explanation | DayExplanation]:
    if rule_id and rule_id not in catalogue.rules:  # a typo is no rule "that does not apply" to the record
        raise InputError(Problem("--rule", f"no rule {rule_id!r} (the rule ids are those of slacheck rules list)"))
    matches = _rules_for(catalogue, bundle, record_id)
    if rule_id:
        matches = [(r, row) for r, row in matches if r.id == rule_id]
    if not matches:
        known = any(record_id in set(map(str, t.ids)) for t in bundle.tables.values())
        why = "no time rule applies to it" if known else "no record with this id in the bundle"
        raise InputError(Problem(str(bundle.root), f"cannot explain {record_id!r}: {why}"
                                 + (f" (rule {rule_id})" if rule_id else "")))
    out = []
    for rule, row in matches:
        table = bundle.table(_document(rule))
        if rule.measure.id in _DAY_MEASURES:
            out.extend(_days(rule, table, row, bundle, contract, calendar, as_of))
            continue
        explain_one = _containment if rule.measure.id == "containment_time" else _durations
        out.extend(explain_one(rule, table, row, contract, calendar, as_of))
    return out


def _days(rule: Rule, table: Table, row: int, bundle: Bundle, contract: Contract, calendar: ServiceCalendar,
          as_of: int) -> list[DayExplanation]:
    """A term of days, with the norms in force in the month the audit judges the record in."""
    ctx = MeasureContext(bundle, calendar, as_of, contract)

    def norms_at(instant: int):
        return norms_in_force(rule, contract, _month_of(instant, calendar))
    explain_one = explain_within_days if rule.measure.id == "within_days" else explain_day_limit
    found = explain_one(rule, table, row, ctx, norms_at)
    return [] if found is None else [found]


def _durations(rule: Rule, table: Table, row: int, contract: Contract, calendar: ServiceCalendar,
               as_of: int) -> list[Explanation]:
    p = rule.measure.params
    start = int(table.col(p["start"])[row])
    norms = norms_in_force(rule, contract, _month_of(start, calendar))
    out = []
    for name, spec in p["durations"].items():
        norm = next((n for n in norms.values() if n.clause.metric == f"{name}_share"), None)
        limit = norm.per_record if norm is not None else None
        if limit is not None and limit.limit is None:
            limit = None
        out.append(_timed(rule.id, spec.get("label", name), table, row, start, _known_end(table, spec["end"], row, as_of),
                          "clock" if p["clock"] == "clock" else "business", bool(p.get("pause_third_party")),
                          limit, norm.origin if limit else "", calendar, as_of))
    return out


def _containment(rule: Rule, table: Table, row: int, contract: Contract, calendar: ServiceCalendar,
                 as_of: int) -> list[Explanation]:
    """The priority's limit from the rule (clock or business units), third-party waits paused where it says so."""
    p = rule.measure.params
    priority = str(table.col("priority")[row])
    lim = p["limits"].get(priority)
    if lim is None:
        return []
    limit = PerRecordLimit("<=", float(lim["limit"]), lim["unit"])
    return [_timed(rule.id, f"containment ({priority})", table, row, int(table.col(p.get("start", "detected_at"))[row]),
                   _known_end(table, p.get("end", "contained_at"), row, as_of), DURATION_UNITS[limit.unit].clock,
                   priority in p.get("pause_third_party", ()), limit, f"rule:{rule.id}", calendar, as_of)]


def _known_end(table: Table, column: str, row: int, as_of: int) -> int:
    """The end as the measures know it at as-of (``engine.measures.known``): NAT when it has not happened yet."""
    return int(known_at(table, column, as_of, np.asarray([row]))[0])


def _timed(rule_id: str, label: str, table: Table, row: int, start: int, end: int, clock: str, paused: bool,
           limit: PerRecordLimit | None, origin: str, calendar: ServiceCalendar, as_of: int) -> Explanation:
    """One measurement's timeline and verdict (``end`` as known at as-of): a limit already passed without an end
    is a breach, one not yet passed is pending."""
    ended = end != NAT
    until = end if ended else max(as_of, start)
    pauses = []
    if paused and table.pauses is not None:
        owner, ps, pe = table.pauses
        for i in np.flatnonzero(owner == row):
            if ps[i] < until:
                pauses.append((int(ps[i]), int(pe[i]) if pe[i] != NAT and pe[i] <= until else until))
    tl = explain(calendar, start, until, pauses, clock=clock)
    within = None
    if limit is not None:
        ok = bool(operators.get(limit.op).apply(tl.counted_seconds, limit_seconds(limit)))
        within = ok if (ended or not ok) else None
    return Explanation(rule_id, label, tl, limit, origin, within, ended)


def _month_of(instant: int, calendar: ServiceCalendar) -> date:
    day = datetime.fromtimestamp(instant, tz=timezone.utc).astimezone(calendar.tz).date()
    return date(day.year, day.month, 1)


def render_explanations(record_id: str, items: list[Explanation | DayExplanation], lang: str = "en") -> str:
    lines = [f"# {'Uitleg meting' if lang == 'nl' else 'Measurement explained'}: {record_id}", ""]
    for ex in items:
        if isinstance(ex, DayExplanation):
            lines += render_days(ex, lang)
            continue
        verdict = {True: "within the limit", False: "BREACH", None: "pending (no end yet, limit not passed)"}[ex.within]
        clock = ex.timeline.clock
        if lang == "nl":
            verdict = {True: "binnen de norm", False: "OVERSCHRIJDING",
                       None: "lopend (nog geen eind, termijn niet verstreken)"}[ex.within]
            clock = {"business": "werkuren", "clock": "klokuren (24/7)"}[clock]
        minutes = f"{ex.timeline.counted_seconds / 60:.1f}"
        limit = ("—" if ex.limit is None else
                 f"{fmt_limit_in(ex.limit.op, ex.limit.limit, ex.limit.unit, lang)} ({origin_words(ex.origin, lang)})")
        lines += [f"## {ex.rule_id}: {term(ex.measurement, lang)}", "",
                  f"- {'klok' if lang == 'nl' else 'clock'}: {clock}",
                  f"- {'gemeten' if lang == 'nl' else 'measured'}: {ex.timeline.counted_seconds} s"
                  f" ({decimal_comma(minutes) if lang == 'nl' else minutes} min)"
                  + ("" if ex.ended else (" — geen eindmoment; gemeten tot de peildatum" if lang == "nl"
                                          else " — no end yet; measured up to as-of")),
                  f"- {'norm per melding' if lang == 'nl' else 'per-record limit'}: {limit}",
                  f"- {'oordeel' if lang == 'nl' else 'verdict'}: {verdict}", "",
                  render_timeline(ex.timeline, lang=lang).rstrip(), ""]
    return "\n".join(lines) + "\n"
