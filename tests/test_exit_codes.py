"""Exit codes of an audit: 1 for a failed minimum requirement, else 0 (the CLI's defined codes). A minimum
requirement that could not be judged for lack of evidence is no deviation but never a pass: it is listed as
``unjudged`` and marked in the summary."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from casefiles import write_bundle
from engine.audit import run_audit
from engine.cli import build_cli
from engine.model import MinimumRequirement
from engine.periods import parse_period
from engine.rulefiles import Catalogue
from golden.golden_bundle import _patches
from golden.golden_bundle import catalogue as golden_catalogue
from golden.golden_bundle import contract as golden_contract

EXPORTED = "2026-08-05T09:00:00+02:00"


@pytest.fixture(scope="module")
def base() -> Catalogue:
    return golden_catalogue()


def audit(tmp_path: Path, base: Catalogue, rules: dict, patches_late: int = 0):
    bundle = write_bundle(tmp_path / "b", {"patch_states": _patches("J", "07", patches_late)},
                          ["2026-07-01", "2026-07-31"], EXPORTED)
    cat = Catalogue(rules=rules, goals=base.goals, root=base.root)
    return run_audit(bundle, parse_period("2026-07"), contract=golden_contract(), catalogue=cat)


def pairs(results) -> list[tuple[str, str, str]]:
    return [(r.rule_id, r.period, r.status.value) for r in results]


def test_every_minimum_requirement_judged_and_passing_exits_0(tmp_path, base):
    r = audit(tmp_path, base, {"O5-patch-compliance": base.rules["O5-patch-compliance"]})
    assert (r.exit_code, pairs(r.deviations), pairs(r.unjudged)) == (0, [], [])


def test_a_minimum_requirement_without_evidence_is_unjudged_not_a_deviation(tmp_path, base):
    """No tickets document: O1-first-response-p1 (Min. eis "Ja") is NO-DATA; nothing failed, nothing passed it."""
    r = audit(tmp_path, base, {"O5-patch-compliance": base.rules["O5-patch-compliance"],
                               "O1-first-response-p1": base.rules["O1-first-response-p1"]})
    assert (r.exit_code, pairs(r.deviations)) == (0, [])
    assert pairs(r.unjudged) == [("O1-first-response-p1", "2026-07", "NO-DATA")]


def test_a_kpi_that_is_no_minimum_requirement_without_evidence_does_not_raise_the_code(tmp_path, base):
    p1 = replace(base.rules["O1-first-response-p1"], minimum_requirement=MinimumRequirement.NO)
    r = audit(tmp_path, base, {"O5-patch-compliance": base.rules["O5-patch-compliance"], "O1-first-response-p1": p1})
    assert (r.exit_code, pairs(r.unjudged)) == (0, [])
    assert [x.status.value for x in r.results if x.rule_id == "O1-first-response-p1"] == ["NO-DATA"]


def test_a_deviation_outweighs_missing_evidence(tmp_path, base):
    """Two of 20 patches late in July: 90 % is not below "≥ 90 %"; three late (85 %) fails the minimum requirement."""
    r = audit(tmp_path, base, {"O5-patch-compliance": base.rules["O5-patch-compliance"],
                               "O1-first-response-p1": base.rules["O1-first-response-p1"]}, patches_late=3)
    assert r.exit_code == 1
    assert pairs(r.deviations) == [("O5-patch-compliance", "2026-07", "FAIL")]
    assert pairs(r.unjudged) == [("O1-first-response-p1", "2026-07", "NO-DATA")]


def test_audit_and_agenda_commands_mark_an_unjudged_minimum_requirement(tmp_path):
    bundle = write_bundle(tmp_path / "b", {"patch_states": _patches("J", "07", 0)}, ["2026-07-01", "2026-07-31"],
                          EXPORTED)
    for command in ("audit", "agenda"):
        res = CliRunner().invoke(build_cli(), [command, str(bundle), "--period", "2026-07", "--format", "json"],
                                 catch_exceptions=False)
        assert (res.exit_code, json.loads(res.output)["exit_code"]) == (0, 0)
    data = json.loads(CliRunner().invoke(build_cli(), ["audit", str(bundle), "--period", "2026-07", "--format", "json"]).output)
    unjudged = [x["rule"] for x in data["summary"]["needs_evidence"] if x["minimum_requirement"] != "no"]
    assert "O1-first-response-p1" in unjudged and "O1-first-response-p3" not in unjudged  # P3: Min. eis "Nee"
    md = CliRunner().invoke(build_cli(), ["audit", str(bundle), "--period", "2026-07", "--lang", "en"]).output
    assert ("- **O1-first-response-p1** (2026-07, NO-DATA, minimum requirement not judged: not demonstrated, not a pass): "
            "the bundle has no 'tickets' document\n") in md
    assert "- O1-first-response-p3 (2026-07, NO-DATA): the bundle has no 'tickets' document\n" in md
