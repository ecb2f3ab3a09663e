"""An audit result as plain, deterministic data: the JSON output, and the only input of the Markdown templates.

Everything the Markdown shows comes from this structure, so the JSON carries all of it. Floats are rounded to
six decimals and every list has a stable order, so the same input gives byte-identical output.
"""
from __future__ import annotations

import json
from typing import Any

from .audit import AuditResult
from .model import KpiResult, Status

SCHEMA_ID = "slacheck-audit/1"


def _num(v: float | None) -> float | int | None:
    if v is None:
        return None
    r = round(float(v), 6)
    return int(r) if r.is_integer() else r


def _result(r: AuditResult, k: KpiResult) -> dict[str, Any]:
    rule = r.catalogue.rules[k.rule_id]
    m = k.measurement
    return {
        "rule": k.rule_id, "goal": k.goal, "period": k.period,
        "cadence": k.cadence.value if k.cadence else "aggregate",
        "status": k.status.value, "minimum_requirement": k.minimum_requirement.value, "deviation": k.deviation,
        "message": k.message,
        "clauses": [{"id": c.clause_id, "metric": c.metric, "value": _num(c.value), "op": c.op,
                     "threshold": _num(c.threshold), "unit": c.unit, "status": c.status.value, "norm_origin": c.origin}
                    for c in k.clauses],
        "population": m.population if m else None,
        "pending": m.pending if m else None,
        "breaches": [{"id": b.record_id, "detail": b.detail, "source": r.bundle.tables[_kind(rule)].sources.get(b.record_id)
                      if _kind(rule) in r.bundle.tables else None} for b in (m.breaches if m else ())],
        "waived": [{"id": w.record_id, "reason": w.reason, "reference": w.reference} for w in (m.waived if m else ())],
        "notes": list(m.notes) if m else [],
    }


def _kind(rule: Any) -> str:
    return rule.evidence[0]


def to_data(r: AuditResult) -> dict[str, Any]:
    results = [_result(r, k) for k in r.results]
    primary = [x for x in results if x["cadence"] != "aggregate"]
    rules = r.catalogue.rules
    return {
        "schema": SCHEMA_ID,
        "tool": r.rules_version,
        "period": {"label": r.span.label, "first": r.span.first.isoformat(), "last": r.span.last.isoformat()},
        "as_of": r.as_of,
        "exit_code": r.exit_code,
        "contract": {"id": r.contract.contract_id, "source": r.contract.source, "sha256": r.contract.sha256},
        "bundle": {"contract_id": r.bundle.contract_id, "organisation": r.bundle.organisation,
                   "documents": [{"kind": d.kind, "path": d.path, "format": d.format, "sha256": d.sha256,
                                  "records": d.records, "covers": [d.covers[0].isoformat(), d.covers[1].isoformat()]}
                                 for d in r.bundle.documents]},
        "summary": {
            "deviations": [{"rule": d.rule_id, "period": d.period} for d in r.deviations],
            "below_norm": [{"rule": x["rule"], "period": x["period"]} for x in primary if x["status"] == Status.FAIL.value],
            "needs_evidence": [{"rule": x["rule"], "period": x["period"], "message": x["message"]}
                               for x in results if x["status"] in (Status.NO_DATA.value, Status.ERROR.value)],
            "counts": {s.value: sum(1 for x in primary if x["status"] == s.value) for s in Status},
        },
        "goals": [{"id": g.goal, "title": r.catalogue.goals.get(g.goal).title,
                   "title_nl": r.catalogue.goals.get(g.goal).title_nl, "level": r.catalogue.goals.get(g.goal).level,
                   "status": g.status.value, "deviation": g.deviation, "assured_by": list(g.assured_by),
                   "kpis": {k: v.value for k, v in g.kpi_statuses.items()}, "reason": g.reason}
                  for g in r.goals],
        "rules": [{"id": rl.id, "goal": rl.goal, "title": rl.title, "name_nl": rl.annex_name,
                   "definition_nl": rl.annex_definition, "norm_nl": rl.annex_norm,
                   "minimum_requirement": rl.minimum_requirement.value, "meeting": rl.meeting.value,
                   "agenda": rl.agenda.value, "reporting": [c.value for c in rl.reporting],
                   "interpretation": rl.interpretation} for rl in rules.values()],
        "results": results,
        "agenda": [{"meeting": a.meeting, "period": a.period, "rule": a.rule_id, "reason": a.reason} for a in r.agenda],
    }


def to_json(r: AuditResult) -> str:
    return json.dumps(to_data(r), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
