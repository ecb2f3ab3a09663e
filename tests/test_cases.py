"""Run every data-driven case in tests/cases/*.yaml and check the exact wanted result."""
from __future__ import annotations

import pytest

from casefiles import load_case_files, run_case

CASES = [(rule, spec, case) for rule, spec in load_case_files() for case in spec["cases"]]


@pytest.mark.parametrize("rule_id,spec,case", CASES, ids=[f"{r}:{c['name']}" for r, _, c in CASES])
def test_case(tmp_path, catalogue, contract, rule_id, spec, case):
    result, _ = run_case(tmp_path, rule_id, spec, case, catalogue, contract)
    want = case["want"]
    assert result.status.value == want["status"], result.message
    if "metrics" in want:
        got = {c.metric: (round(c.value, 6) if c.value is not None else None) for c in result.clauses}
        for metric, value in want["metrics"].items():
            assert got[metric] == (round(value, 6) if value is not None else None), (metric, got)
    m = result.measurement
    if "breaches" in want:
        assert [b.record_id for b in m.breaches] == want["breaches"]
    if "details" in want:  # a list: every breach's exact detail, in order; a mapping: record id -> its detail
        got_details = {b.record_id: b.detail for b in m.breaches}
        if isinstance(want["details"], list):
            assert [b.detail for b in m.breaches] == want["details"]
        else:
            assert {rid: got_details.get(rid) for rid in want["details"]} == want["details"]
    if "waived" in want:
        assert [w.record_id for w in m.waived] == want["waived"]
    if "population" in want:
        assert m.population == want["population"]
    if "pending" in want:
        assert m.pending == want["pending"]
    if "message_contains" in want:
        assert want["message_contains"] in result.message
    if "deviation" in want:
        assert result.deviation == want["deviation"]
    if "norm_origin" in want:
        assert [c.origin for c in result.clauses] == want["norm_origin"]


def test_every_rule_has_pass_fail_and_no_data_cases(catalogue):
    kinds: dict[str, set[str]] = {}
    for rule, spec in load_case_files():
        assert spec["rule"] == rule, f"tests/cases/{rule}.yaml names rule {spec['rule']}"
        kinds[rule] = {c.get("kind", "other") for c in spec["cases"]}
    for rule_id in catalogue.rules:
        assert rule_id in kinds, f"no case file tests/cases/{rule_id}.yaml"
        missing = {"pass", "fail", "no-data"} - kinds[rule_id]
        assert not missing, f"{rule_id}: no {', '.join(sorted(missing))} case"
