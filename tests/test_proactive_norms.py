"""O3-proactive-updates holds a ticket without a communicated expected time to the resolution norm in force for its
priority (the O1-resolution-pN rule it names): a missing norm makes it NO-DATA, and a wrong reference is a located
rule-file error."""
from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
import yaml

from casefiles import run_case
from engine.errors import RuleFileError
from engine.resources import rules_dir
from engine.rulefiles import load_catalogue

P3 = {"id": "INC-1", "type": "incident", "priority": "P3", "reported_at": "2026-03-02T09:00:00+01:00",
      "status": "closed", "resolved_at": "2026-03-04T10:00:00+01:00", "events": []}


def test_without_a_tendered_p3_norm_a_p3_without_expected_time_is_no_data(tmp_path, catalogue, contract):
    data = dict(contract.data)
    data["tendered_norms"] = {k: v for k, v in data["tendered_norms"].items() if k != "O1-resolution-p3"}
    case = {"period": "2026-03", "as_of": "2026-04-10T00:00:00+02:00", "evidence": {"tickets": [P3]}}
    result, _ = run_case(tmp_path, "O3-proactive-updates", {}, case, catalogue, replace(contract, data=data))
    assert result.status.value == "NO-DATA"
    assert result.message == ("1 P3 ticket(s) without a communicated expected resolution time, and "
                              "O1-resolution-p3 has no per-record norm in force")


def test_a_ticket_of_unknown_expectation_outside_the_period_leaves_it_judged(tmp_path, catalogue, contract):
    """A January P3 resolved in an hour cannot have run late in March: March is judged on its own tickets."""
    data = dict(contract.data)
    data["tendered_norms"] = {k: v for k, v in data["tendered_norms"].items() if k != "O1-resolution-p3"}
    late = {"id": "INC-2", "type": "incident", "priority": "P2", "reported_at": "2026-03-03T09:00:00+01:00",
            "status": "closed", "resolved_at": "2026-03-04T10:00:00+01:00", "events": []}
    january = dict(P3, id="INC-JAN", reported_at="2026-01-05T09:00:00+01:00", resolved_at="2026-01-05T10:00:00+01:00")
    case = {"period": "2026-03", "as_of": "2026-04-10T00:00:00+02:00", "evidence": {"tickets": [late, january]}}
    result, _ = run_case(tmp_path, "O3-proactive-updates", {}, case, catalogue, replace(contract, data=data))
    assert result.status.value == "FAIL"
    assert [b.record_id for b in result.measurement.breaches] == ["INC-2"]


def test_a_reference_to_a_missing_norm_is_a_located_rule_file_error(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(rules_dir(), root)
    path = root / "kpis" / "O3-proactive-updates.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["measure"]["params"]["default_expected"]["P4"] = {"rule": "O1-resolution-p9", "clause": "resolution"}
    doc["measure"]["params"]["default_expected"]["P3"] = {"rule": "O1-resolution-p3", "clause": "response"}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(RuleFileError) as exc:
        load_catalogue(root)
    text = exc.value.render()
    assert ("O3-proactive-updates.yaml: $.measure.params.default_expected.P3: refers to the norm of O1-resolution-p3 "
            "clause response: it has no clause 'response' with a per-record limit") in text
    assert ("$.measure.params.default_expected.P4: refers to the norm of O1-resolution-p9 clause resolution: "
            "no such rule") in text
