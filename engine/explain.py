"""Explain one record's time measurements: the timeline behind each figure, so a disputed one can be settled.

For every rule that measures a duration on the record's document (``duration_share``), the explanation shows
the rule's clock, the start and end instants, the counted segments, the time outside the window, holidays
and pauses, and the figure against the per-record limit in force.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import numpy as np

from . import operators
from .bundle import Bundle
from .calendar import ServiceCalendar
from .calendar_explain import Timeline, explain, render_timeline
from .errors import InputError, Problem
from .measures.common import limit_seconds, select
from .measures.known import known_at
from .model import Rule
from .norms import norms_in_force
from .rulefiles import Catalogue
from .settings import Contract
from .timeparse import NAT


@dataclass(frozen=True)
class Explanation:
    rule_id: str
    measurement: str  # e.g. "response"
    timeline: Timeline
    limit: str
    within: bool | None  # None: no end yet and the limit has not passed (pending)
    ended: bool


def _rules_for(catalogue: Catalogue, bundle: Bundle, record_id: str) -> list[tuple[Rule, int]]:
    found = []
    for rule in catalogue.rules.values():
        params = rule.measure.params
        if rule.measure.id != "duration_share":
            continue
        table = bundle.table(params.get("document", "tickets"))
        if table is None:
            continue
        rows = np.flatnonzero(table.ids == record_id)
        if len(rows) == 0:
            continue
        row = int(rows[0])
        if select(table, params.get("where"))[row]:
            found.append((rule, row))
    return found


def explain_record(bundle: Bundle, record_id: str, catalogue: Catalogue, contract: Contract,
                   calendar: ServiceCalendar, as_of: int, rule_id: str | None = None) -> list[Explanation]:
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
        p = rule.measure.params
        table = bundle.table(p.get("document", "tickets"))
        start = int(table.col(p["start"])[row])
        first_day = datetime.fromtimestamp(start, tz=timezone.utc).astimezone(calendar.tz).date()
        norms = norms_in_force(rule, contract, date(first_day.year, first_day.month, 1))
        for name, spec in p["durations"].items():
            norm = next((n for n in norms.values() if n.clause.metric == f"{name}_share"), None)
            end = int(known_at(table, spec["end"], as_of, np.asarray([row]))[0])  # as known at as-of
            ended = end != NAT
            until = end if ended else max(as_of, start)
            pauses = []
            if p.get("pause_third_party") and table.pauses is not None:
                owner, ps, pe = table.pauses
                for i in np.flatnonzero(owner == row):
                    pauses.append((int(ps[i]), int(pe[i]) if pe[i] != NAT else until))
            tl = explain(calendar, start, until, pauses, clock="clock" if p["clock"] == "clock" else "business")
            limit, within = "—", None
            if norm is not None and norm.per_record is not None and norm.per_record.limit is not None:
                limit = f"{norm.per_record.op} {norm.per_record.limit:g} {norm.per_record.unit} ({norm.origin})"
                ok = bool(operators.get(norm.per_record.op).apply(tl.counted_seconds, limit_seconds(norm.per_record)))
                within = ok if (ended or not ok) else None
            out.append(Explanation(rule.id, spec.get("label", name), tl, limit, within, ended))
    return out


def render_explanations(record_id: str, items: list[Explanation], lang: str = "en") -> str:
    lines = [f"# {'Uitleg meting' if lang == 'nl' else 'Measurement explained'}: {record_id}", ""]
    for ex in items:
        verdict = {True: "within the limit", False: "BREACH", None: "pending (no end yet, limit not passed)"}[ex.within]
        if lang == "nl":
            verdict = {True: "binnen de norm", False: "OVERSCHRIJDING", None: "lopend (nog geen eind, norm niet verstreken)"}[ex.within]
        lines += [f"## {ex.rule_id}: {ex.measurement}", "",
                  f"- {'klok' if lang == 'nl' else 'clock'}: {ex.timeline.clock}",
                  f"- {'gemeten' if lang == 'nl' else 'measured'}: {ex.timeline.counted_seconds} s"
                  f" ({ex.timeline.counted_seconds / 60:.1f} min)"
                  + ("" if ex.ended else (" — geen eindmoment; gemeten tot de peildatum" if lang == "nl"
                                          else " — no end yet; measured up to as-of")),
                  f"- {'norm per melding' if lang == 'nl' else 'per-record limit'}: {ex.limit}",
                  f"- {'oordeel' if lang == 'nl' else 'verdict'}: {verdict}", "",
                  render_timeline(ex.timeline, lang=lang).rstrip(), ""]
    return "\n".join(lines) + "\n"
