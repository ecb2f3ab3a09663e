"""An audit result as plain, deterministic data: the JSON output, and the only input of the Markdown templates.

Everything the Markdown shows comes from this structure, so the JSON carries all of it (and more: every
breaching record, where the Markdown caps the list). Its shape is ``evidence/schemas/report.schema.json``.
Floats are rounded to six decimals and every list has a stable order: the same input gives the same bytes.
"""
from __future__ import annotations

import json
import re
from itertools import chain, filterfalse
from operator import attrgetter
from typing import Any

import orjson

from .agenda import Agenda
from .audit import AuditResult
from .calendar import WEEKDAYS
from .mermaid import mermaid
from .model import Breach, KpiResult, Status
from .periods import sub_periods
from .rollup import in_scope
from .tables import SourceIndex, Table

SCHEMA_ID = "slacheck-audit/2"


def _num(v: float | None) -> float | int | None:
    if v is None:
        return None
    r = round(float(v), 6)
    return int(r) if r.is_integer() else r


def _view(k: KpiResult) -> str:
    return "not_due" if k.not_due else "cadence" if k.cadence is not None else "aggregate"


def _result(r: AuditResult, k: KpiResult, sources: dict[str, _Locations]) -> dict[str, Any]:
    """One result; ``sources`` keeps each record's location per evidence kind (a breaching record is usually
    listed for a month, its quarter and the year: the location is looked up once)."""
    rule = r.catalogue.rules[k.rule_id]
    m = k.measurement
    table = r.bundle.tables.get(rule.evidence[0]) if rule.evidence else None
    return {
        "rule": k.rule_id, "goal": k.goal, "period": k.period, "view": _view(k),
        "cadence": k.cadence.value if k.cadence else "aggregate", "not_due": k.not_due or None,
        "status": k.status.value, "minimum_requirement": k.minimum_requirement.value, "deviation": k.deviation,
        "message": k.message, "reasons": [x.as_dict() for x in k.reasons],
        "clauses": [{"id": c.clause_id, "metric": c.metric, "value": _num(c.value), "op": c.op,
                     "threshold": _num(c.threshold), "unit": c.unit, "status": c.status.value, "norm_origin": c.origin}
                    for c in k.clauses],
        "population": m.population if m else None,
        "pending": m.pending if m else None,
        "breaches": _breaches(m.breaches if m else (),
                              sources.setdefault(rule.evidence[0], _Locations()) if table else _Locations(), table),
        "waived": [{"id": w.record_id, "reason": w.reason, "reference": w.reference} for w in (m.waived if m else ())],
        "notes": list(m.notes) if m else [],
    }


class _Records(list):
    """Breaching records as ``to_data`` makes them: flat dicts whose values were text or null when made, so the
    JSON writer need not look at each of the hundreds of thousands a large audit lists. Whoever puts another
    kind of value into them should make the list a plain ``list``."""


class _Locations(dict):
    """Record id → where it came from, for one evidence kind, each looked up once per audit; ``rows``: the
    breaching-record rows made so far; ``plain``: every id, location and detail in them is text (or null)."""

    plain = True

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[Breach, dict[str, Any]] = {}


_RECORD_ID, _DETAIL = attrgetter("record_id"), attrgetter("detail")


def _breaches(breaches: tuple[Breach, ...], known: _Locations, table: Table | None) -> list[dict[str, Any]]:
    """The breaching records with where each came from. ``_locations`` has looked up every record of a kind
    with a table; what it has not (a result made otherwise) is looked up here. Ids, locations and details are
    checked as rows are first made (a record id equal to a text id is text): one pass in C per new batch."""
    if not breaches:
        return []
    # a record breaching in a month breaches alike in its quarter and year (half the rows of a year audit): its
    # row is made once and listed again, never changed after (orjson and the templates only read it)
    made = known.rows
    rows = list(map(made.get, breaches))
    if None in rows:
        new = [i for i, row in enumerate(rows) if row is None]
        fresh = [breaches[i] for i in new]  # a breach listed twice in this very result gets two equal rows
        ids = list(map(_RECORD_ID, fresh))
        if table:
            _locate(known, table, list(dict.fromkeys(filterfalse(known.__contains__, ids))))
            where = list(map(known.__getitem__, ids))
        else:
            where = [None] * len(ids)
            if not set(map(type, ids)) <= _PLAIN:
                known.plain = False
        if not set(map(type, map(_DETAIL, fresh))) <= _PLAIN:
            known.plain = False
        fresh_rows = [{"id": i, "detail": d, "source": w} for (i, d), w in zip(fresh, where)]
        made.update(zip(fresh, fresh_rows))
        for i, row in zip(new, fresh_rows):
            rows[i] = row
    return _Records(rows) if known.plain else rows


def _locate(known: _Locations, table: Table, new: list) -> None:
    """Look up where the records ``new`` came from, all at once, into ``known``."""
    if new:
        sources = table.sources
        found = sources.get_many(new) if isinstance(sources, SourceIndex) else list(map(sources.get, new))
        known.update(zip(new, found))
        if not (set(map(type, new)) <= {str} and set(map(type, found)) <= _PLAIN):
            known.plain = False


def _locations(r: AuditResult) -> dict[str, _Locations]:
    """Every breaching record's location, per evidence kind, looked up in one call per kind: the source index then
    searches the table's ids for the ids it was not taught at most once."""
    wanted: dict[str, list] = {}
    for k in r.results:
        rule = r.catalogue.rules[k.rule_id]
        table = r.bundle.tables.get(rule.evidence[0]) if rule.evidence else None
        if table and k.measurement and k.measurement.breaches:  # as ``_result`` asks (an empty table: nothing)
            wanted.setdefault(rule.evidence[0], []).extend(map(_RECORD_ID, k.measurement.breaches))
    sources: dict[str, _Locations] = {}
    for kind, ids in sorted(wanted.items()):
        _locate(sources.setdefault(kind, _Locations()), r.bundle.tables[kind], list(dict.fromkeys(ids)))
    return sources


def _pairs(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"rule": rule, "period": period} for rule, period in pairs]


def _agenda(a: Agenda) -> dict[str, Any]:
    return {"meeting": a.meeting, "period": a.period.label, "first": a.period.first.isoformat(),
            "last": a.period.last.isoformat(),
            "items": [{"kind": i.kind, "subject": i.subject, "goal": i.goal, "result_period": i.result_period,
                       "status": i.status.value, "reasons": list(i.reasons), "own_meeting": i.own_meeting,
                       "assured_by": [{"goal": g, "status": s.value} for g, s in i.assured_by]} for i in a.items],
            "goals": [{"id": g.goal, "status": g.status.value, "deviation": g.deviation} for g in a.goals]}


def chart_file(rule_id: str) -> str:
    return "charts/" + re.sub(r"[^A-Za-z0-9._-]", "_", rule_id) + ".svg"


def _trends(r: AuditResult) -> list[dict[str, Any]]:
    """For a year or range: per cadence a table with one column per sub-period and one row per KPI."""
    if r.span.kind not in ("year", "range"):
        return []
    by_key = {(k.rule_id, k.period): k for k in in_scope(r.results, r.span)}
    out = []
    for cadence in sorted({c for rule in r.catalogue.rules.values() for c in rule.reporting}, key=lambda c: c.value):
        periods = [p.label for p in sub_periods(r.span, cadence)]
        rows = []
        for rule in r.catalogue.rules.values():
            if cadence not in rule.reporting or not periods:
                continue
            cells = [by_key.get((rule.id, p)) for p in periods]
            below = any(k is not None and k.status is Status.FAIL for k in cells)
            clauses = [{"id": c.id, "unit": c.unit, "op": c.op,
                        "values": [_num(next((x.value for x in k.clauses if x.clause_id == c.id), None)) if k else None
                                   for k in cells],
                        "thresholds": [_num(next((x.threshold for x in k.clauses if x.clause_id == c.id), None)) if k else None
                                       for k in cells]}
                       for c in rule.norm.clauses]
            rows.append({"rule": rule.id, "goal": rule.goal, "below_norm": below,
                         "chart": chart_file(rule.id) if below and len(periods) > 1 else None,
                         "cells": [{"period": p, "status": k.status.value if k else None} for p, k in zip(periods, cells)],
                         "clauses": clauses})
        if rows:
            out.append({"cadence": cadence.value, "periods": periods, "rows": rows})
    return out


def to_data(r: AuditResult) -> dict[str, Any]:
    sources = _locations(r)
    results = [_result(r, k, sources) for k in r.results]
    primary = [x for x in results if x["view"] == "cadence"]
    goals = r.catalogue.goals
    goal_status = {g.goal: g.status for g in r.goals}
    kpi_status = {rid: s for g in r.goals for rid, s in g.kpi_statuses.items()}
    flagged = frozenset({g.goal for g in r.goals if g.deviation} | {d.rule_id for d in r.deviations})
    signals_by_goal: dict[str, int] = {}
    for s in r.signals:
        signals_by_goal[s.goal] = signals_by_goal.get(s.goal, 0) + 1
    return {
        "schema": SCHEMA_ID,
        "tool": r.rules_version,
        "period": {"label": r.span.label, "kind": r.span.kind, "first": r.span.first.isoformat(),
                   "last": r.span.last.isoformat()},
        "as_of": r.as_of,
        "exit_code": r.exit_code,
        "contract": {"id": r.contract.contract_id, "source": r.contract.source, "sha256": r.contract.sha256,
                     "service_window": _service_window(r.contract)},
        "bundle": {"contract_id": r.bundle.contract_id, "organisation": r.bundle.organisation,
                   "documents": [{"kind": d.kind, "path": d.path, "format": d.format, "sha256": d.sha256,
                                  "records": d.records, "covers": [d.covers[0].isoformat(), d.covers[1].isoformat()]}
                                 for d in r.bundle.documents]},
        "summary": {
            "deviations": [{"rule": d.rule_id, "goal": d.goal, "period": d.period} for d in r.deviations],
            "below_norm": [{"rule": x["rule"], "goal": x["goal"], "period": x["period"],
                            "minimum_requirement": x["minimum_requirement"]}
                           for x in primary if x["status"] == Status.FAIL.value],
            "needs_evidence": [{"rule": x["rule"], "goal": x["goal"], "period": x["period"], "status": x["status"],
                                "message": x["message"], "reasons": x["reasons"],
                                "minimum_requirement": x["minimum_requirement"]}
                               for x in primary if x["status"] in (Status.NO_DATA.value, Status.ERROR.value)],
            "counts": {s.value: sum(1 for x in primary if x["status"] == s.value) for s in Status},
            "signals": len(r.signals),
        },
        "graph": {
            "nodes": [{"id": g.id, "kind": "goal", "level": g.level, "goal": None,
                       "status": goal_status[g.id].value} for g in goals.goals]
                     + [{"id": rl.id, "kind": "kpi", "level": None, "goal": rl.goal,
                         "status": kpi_status[rl.id].value if rl.id in kpi_status else None}
                        for rl in r.catalogue.rules.values()],
            "edges": [{"from": link.assured_by, "to": link.goal, "kind": "assures", "source": link.source}
                      for link in sorted(goals.links, key=lambda x: (x.assured_by, x.goal))]
                     + [{"from": rl.id, "to": rl.goal, "kind": "measures", "source": rl.source}
                        for rl in r.catalogue.rules.values()],
            "mermaid": mermaid(r.catalogue, goal_status, kpi_status, flagged),
        },
        "goals": [{"id": g.goal, "title": goals.get(g.goal).title, "title_nl": goals.get(g.goal).title_nl,
                   "level": goals.get(g.goal).level, "text_nl": goals.get(g.goal).text,
                   "annex_note": goals.get(g.goal).annex_note, "standing_agenda": list(goals.get(g.goal).standing_agenda),
                   "status": g.status.value, "deviation": g.deviation, "assured_by": list(g.assured_by),
                   "kpis": {k: v.value for k, v in g.kpi_statuses.items()}, "reason": g.reason,
                   "deviations": _pairs(g.deviations), "missing": _pairs(g.missing),
                   "signals": signals_by_goal.get(g.goal, 0),
                   "green_with_signals": g.status is Status.PASS and signals_by_goal.get(g.goal, 0) > 0}
                  for g in r.goals],
        "rules": [{"id": rl.id, "goal": rl.goal, "title": rl.title, "name_nl": rl.annex_name,
                   "definition_nl": rl.annex_definition, "norm_nl": rl.annex_norm, "norm_status": rl.norm_status.value,
                   "minimum_requirement": rl.minimum_requirement.value, "meeting": rl.meeting.value,
                   "agenda": rl.agenda.value, "reporting": [c.value for c in rl.reporting],
                   "interpretation": rl.interpretation, "interpretation_nl": rl.interpretation_nl,
                   "source": rl.source} for rl in r.catalogue.rules.values()],
        "results": results,
        "trends": _trends(r),
        "agendas": [_agenda(a) for a in r.agendas],
        "signals": {"settings": r.signal_settings.as_dict(),
                    "items": [{"goal": s.goal, "rule": s.rule or None, "kind": s.kind, "periods": list(s.periods),
                               "figures": dict(s.figures)} for s in r.signals]},
    }


def to_json_data(data: dict[str, Any]) -> str:
    """``json.dumps(indent=2, ensure_ascii=False)``'s text (see ``_json``)."""
    text = _json(data)
    return text if isinstance(text, str) else text.decode()


def to_json_bytes(data: dict[str, Any]) -> bytes:
    """``to_json_data``'s text in UTF-8, as orjson writes it: a report written to a file or stdout is not decoded
    and encoded again (at a million tickets 127 MB). Text that is no UTF-8 (a lone surrogate) raises, as writing
    ``to_json_data``'s text would."""
    text = _json(data)
    return text.encode() if isinstance(text, str) else text


def _json(data: dict[str, Any]) -> bytes | str:
    """``json.dumps(indent=2, ensure_ascii=False)``'s text: written by orjson (ten times faster) in UTF-8 bytes, or
    by json as text.

    The two agree on every value but a few numbers: json writes ``1e-05``, ``1e+16``, ``NaN`` and ``Infinity``
    where orjson writes ``0.00001``, ``1e16`` or ``null``, and orjson refuses integers beyond 64 bits. Those few
    go to orjson as marked placeholders and json's text for each is put in their place afterwards, so one such
    figure does not send a report of a million breaching records through the standard library. Anything else
    orjson would write differently (a key that is not text, a subclass, a lone surrogate) is written by json.
    """
    numbers: list[str] = []
    try:
        prepared = _prepare(data, numbers)
        text = orjson.dumps(prepared, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except (_NotSame, orjson.JSONEncodeError, RecursionError):  # orjson also refuses nesting deeper than 255
        return _stdlib(data)
    if not numbers:
        return text
    mark = _MARK.encode()
    parts = text.split(b'"' + mark)
    if len(parts) != len(numbers) + 1 or text.count(mark) != len(numbers):  # the marker was in the data itself
        return _stdlib(data)
    out = [parts[0]]
    for part in parts[1:]:
        index, _, rest = part.partition(b'"')
        out += (numbers[int(index)].encode(), rest)
    return b"".join(out)


def _stdlib(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


class _NotSame(Exception):
    """A value orjson would not write as json.dumps does."""


_MARK = "slacheck:json-number:"  # a placeholder: this and its index, as text
_PLAIN = frozenset({str, bool, type(None)})  # values both write alike, whatever they hold
_DICT = frozenset({dict})


def _prepare(value: Any, numbers: list[str]) -> Any:
    """``value`` for orjson: itself, or a copy in which each number the two write differently is a placeholder
    (``numbers`` gets json's text for it). Raises ``_NotSame`` on what cannot be written alike.

    A list of flat records is checked with set/map in C, not value by value; the breaching records ``to_data``
    made (``_Records``: hundreds of thousands at a million tickets) were checked when made."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        if value == 0 or 1e-4 <= abs(value) < 1e16:  # NaN and infinities fail both
            return value
        numbers.append(json.dumps(value))
        return f"{_MARK}{len(numbers) - 1}"
    if kind is int:
        if -2 ** 63 <= value < 2 ** 64:
            return value
        numbers.append(json.dumps(value))
        return f"{_MARK}{len(numbers) - 1}"
    if kind is dict:  # a key that is not text: orjson refuses it (json writes it as text), so json writes it all
        out = None
        for key, item in value.items():
            if type(item) not in _PLAIN:
                new = _prepare(item, numbers)
                if new is not item:
                    if out is None:
                        out = dict(value)
                    out[key] = new
        return value if out is None else out
    if kind is _Records:
        return value
    if kind is list or kind is tuple:  # json writes a tuple as a list, as orjson does
        kinds = set(map(type, value))
        if kinds <= _PLAIN:
            return value
        if kinds == _DICT and set(map(type, chain.from_iterable(map(dict.values, value)))) <= _PLAIN:
            return value
        items = None
        for i, item in enumerate(value):
            if type(item) not in _PLAIN:
                new = _prepare(item, numbers)
                if new is not item:
                    if items is None:
                        items = list(value)
                    items[i] = new
        return value if items is None else items
    raise _NotSame


def to_json(r: AuditResult) -> str:
    return to_json_data(to_data(r))



def agenda_data(data: dict[str, Any], meeting: str = "all") -> dict[str, Any]:
    """The JSON of ``slacheck agenda``: the header, the agendas and the goals and rules they name."""
    return {"schema": "slacheck-agenda/1", "tool": data["tool"], "period": data["period"], "as_of": data["as_of"],
            "exit_code": data["exit_code"], "contract": data["contract"], "meeting": meeting,
            "agendas": data["agendas"],
            "goals": [{"id": g["id"], "title": g["title"], "title_nl": g["title_nl"], "status": g["status"],
                       "deviation": g["deviation"]} for g in data["goals"]],
            "rules": [{"id": r["id"], "title": r["title"], "name_nl": r["name_nl"], "meeting": r["meeting"],
                       "agenda": r["agenda"]} for r in data["rules"]]}


def _service_window(contract: Any) -> dict[str, Any]:
    """The service window the audit measured with, per weekday, and where it comes from (calendar or tender)."""
    window = contract.calendar_settings.get("service_window") or {}
    days = [{"day": d, "open": (window.get(d) or {}).get("open"), "close": (window.get(d) or {}).get("close")}
            for d in WEEKDAYS]
    return {"days": days, **contract.service_window_origin}
