"""Data-driven rule cases (like sqlfluff's YAML cases and OPA's ``want_result``).

A case file ``tests/cases/<rule-id>.yaml`` holds small inline evidence per case and the wanted result::

    rule: O1-first-response-p1
    contract:                      # optional: merged over the sample contract (e.g. tendered_norms)
      tendered_norms: {...}
    defaults:                      # optional: shared by every case
      period: 2026-03
      as_of: "2026-04-10T00:00:00+02:00"
      covers: ["2026-01-01", "2026-12-31"]
    cases:
      - name: one late response of two fails
        kind: fail                 # pass | fail | no-data | not-applicable | error | other
        period: 2026-03            # the cadence period whose result is checked
        evidence:                  # document kind -> records (or {covers: [...], records: [...]})
          tickets: [...]
        want:
          status: FAIL
          metrics: {response_share: 50.0}
          breaches: [INC-2]        # exact ids, in order
          details: ["..."]         # their exact detail texts, in order (or {INC-2: "..."} for some ids)
          waived: []
          population: 2
          message_contains: "..."

A kind omitted from ``evidence`` is absent from the bundle (so the rule should give NO-DATA).
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from engine.audit import run_audit
from engine.periods import parse_period
from engine.rulefiles import Catalogue
from engine.settings import Contract

CASES_DIR = Path(__file__).parent / "cases"


def load_case_files() -> list[tuple[str, dict]]:
    return [(p.stem, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted(CASES_DIR.glob("*.yaml"))]


def expand(records: list[dict]) -> list[dict]:
    """A record with ``_repeat: N`` stands for N copies; ``{i}`` in its string fields is the copy's number."""
    out = []
    for rec in records:
        n = rec.get("_repeat")
        if n is None:
            out.append(rec)
            continue
        template = {k: v for k, v in rec.items() if k != "_repeat"}
        for i in range(1, int(n) + 1):
            out.append(json.loads(json.dumps(template).replace("{i}", f"{i:04d}")))
    return out


def write_bundle(root: Path, evidence: dict[str, Any], covers: list[str], exported_at: str,
                 placeholder_kind: str = "tickets") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    docs = []
    for kind, payload in evidence.items():
        records = expand(payload["records"] if isinstance(payload, dict) else payload)
        cov = payload.get("covers", covers) if isinstance(payload, dict) else covers
        name = f"{kind}.jsonl"
        (root / name).write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        docs.append({"kind": kind, "path": name, "format": "jsonl", "covers": {"from": cov[0], "to": cov[1]}})
    manifest = {"contract_id": "SIB-ICT-BEHEER-2026", "organisation": "Stichting ICT Beheer",
                "exported_at": exported_at, "documents": docs or [{"kind": placeholder_kind, "path": "empty.jsonl",
                                                                     "format": "jsonl", "covers": {"from": covers[0], "to": covers[1]}}]}
    if not docs:
        (root / "empty.jsonl").write_text("", encoding="utf-8")
    (root / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    return root


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def run_case(tmp: Path, rule_id: str, spec: dict, case: dict, catalogue: Catalogue, contract: Contract):
    defaults = spec.get("defaults", {})
    period = str(case.get("period", defaults.get("period")))
    as_of = case.get("as_of", defaults.get("as_of"))
    covers = case.get("covers", defaults.get("covers", ["2026-01-01", "2026-12-31"]))
    from engine.bundle import known_kinds

    unused = [k for k in known_kinds() if k not in catalogue.rules[rule_id].evidence]
    bundle = write_bundle(tmp / "bundle", case.get("evidence", {}), covers, as_of, unused[0])
    one = Catalogue(rules={rule_id: catalogue.rules[rule_id]}, goals=catalogue.goals, root=catalogue.root)
    settings = _merge(dict(contract.data), spec.get("contract", {}))
    settings = _merge(settings, case.get("contract", {}))
    audit_contract = replace(contract, data=settings)
    from engine.cli import _as_of

    result = run_audit(bundle, parse_period(period), as_of=_as_of(as_of), contract=audit_contract, catalogue=one)
    wanted_view = case.get("view", "cadence")
    for r in result.results:
        if r.rule_id == rule_id and r.period == period and (r.cadence is not None) == (wanted_view == "cadence"):
            return r, result
    for r in result.results:  # "not due" results carry the span label
        if r.rule_id == rule_id and r.period == period:
            return r, result
    raise AssertionError(f"no result for {rule_id} {period}: {[(x.period, x.cadence) for x in result.results]}")
