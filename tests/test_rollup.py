"""Goal roll-up over the goal graph (durable-rules): deviations carried upward, NO-DATA never a pass, S1 via T1/T2."""
from __future__ import annotations

from dataclasses import replace

import pytest

from engine.errors import RuleFileError
from engine.model import Cadence, KpiResult, MinimumRequirement, Status
from engine.periods import parse_period
from engine.rollup import kpi_graph, roll_up
from engine.rulefiles import Catalogue
from golden.golden_bundle import catalogue as golden_catalogue


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    """The golden catalogue plus a second O5 rule and a T1 rule (copies with other ids), so goals have several KPIs."""
    base = golden_catalogue()
    rules = dict(base.rules)
    rules["O5-device-compliance"] = replace(base.rules["O5-patch-compliance"], id="O5-device-compliance",
                                            minimum_requirement=MinimumRequirement.NO)
    rules["T1-eos-signalling"] = replace(base.rules["T3-cvss-remediation"], id="T1-eos-signalling", goal="T1")
    return Catalogue(rules=dict(sorted(rules.items())), goals=base.goals, root=base.root)


def res(rule: str, goal: str, period: str, status: Status, minimum: bool = True, cadence=Cadence.MONTHLY) -> KpiResult:
    return KpiResult(rule, goal, period, cadence, status, (), None,
                     MinimumRequirement.YES if minimum else MinimumRequirement.NO)


def by_id(goals):
    return {g.goal: g for g in goals}


def test_failed_minimum_requirement_under_a_goal_whose_other_kpis_pass_is_a_deviation_at_every_level(cat):
    results = (res("O5-patch-compliance", "O5", "2026-03", Status.FAIL),
               res("O5-device-compliance", "O5", "2026-03", Status.PASS, minimum=False),
               res("T3-cvss-remediation", "T3", "2026-Q1", Status.PASS, cadence=Cadence.QUARTERLY))
    g = by_id(roll_up(cat, results))
    assert (g["O5"].status, g["O5"].deviation, g["O5"].reason) == (Status.FAIL, True, "deviation")
    assert g["O5"].kpi_statuses == {"O5-device-compliance": Status.PASS, "O5-patch-compliance": Status.FAIL}
    # T3's own KPI passes, but O5 assures T3: the deviation is shown there too, with its rule and period
    assert (g["T3"].status, g["T3"].deviation) == (Status.FAIL, True)
    assert g["T3"].deviations == (("O5-patch-compliance", "2026-03"),)
    assert g["T3"].assured_by == ("O5",)


def test_a_failed_kpi_that_is_no_minimum_requirement_fails_the_goal_without_a_deviation(cat):
    results = (res("O5-patch-compliance", "O5", "2026-03", Status.PASS),
               res("O5-device-compliance", "O5", "2026-03", Status.FAIL, minimum=False))
    g = by_id(roll_up(cat, results))
    assert (g["O5"].status, g["O5"].deviation, g["O5"].deviations) == (Status.FAIL, False, ())


def test_no_data_under_a_goal_is_never_rolled_up_as_a_pass(cat):
    results = (res("O5-patch-compliance", "O5", "2026-03", Status.PASS),
               res("O5-device-compliance", "O5", "2026-03", Status.NO_DATA, minimum=False),
               res("T3-cvss-remediation", "T3", "2026-Q1", Status.PASS, cadence=Cadence.QUARTERLY))
    g = by_id(roll_up(cat, results))
    assert g["O5"].status is Status.NO_DATA and not g["O5"].deviation
    assert g["O5"].missing == (("O5-device-compliance", "2026-03"),)
    assert g["T3"].status is Status.NO_DATA  # its own KPI passes, but what assures it lacks evidence
    assert g["T3"].missing == (("O5-device-compliance", "2026-03"),)


def test_error_counts_as_missing_evidence_and_fail_dominates_no_data(cat):
    results = (res("O5-patch-compliance", "O5", "2026-03", Status.ERROR),
               res("O5-device-compliance", "O5", "2026-03", Status.FAIL, minimum=False))
    assert by_id(roll_up(cat, results))["O5"].status is Status.FAIL
    results = (res("O5-patch-compliance", "O5", "2026-03", Status.ERROR),)
    assert by_id(roll_up(cat, results))["O5"].status is Status.NO_DATA


def test_a_kpi_over_several_periods_takes_its_worst_period(cat):
    results = (res("O5-patch-compliance", "O5", "2026-01", Status.PASS),
               res("O5-patch-compliance", "O5", "2026-02", Status.NOT_APPLICABLE),
               res("O5-patch-compliance", "O5", "2026-03", Status.FAIL))
    assert by_id(roll_up(cat, results))["O5"].kpi_statuses["O5-patch-compliance"] is Status.FAIL


@pytest.mark.parametrize("t1, t2, s1", [
    (Status.PASS, Status.PASS, Status.PASS),
    (Status.PASS, Status.NO_DATA, Status.NO_DATA),
    (Status.FAIL, Status.PASS, Status.FAIL),
    (Status.NO_DATA, Status.FAIL, Status.FAIL),
    (Status.NOT_APPLICABLE, Status.PASS, Status.PASS),
])
def test_s1_derives_from_t1_and_t2(cat, t1, t2, s1):
    results = (res("T1-eos-signalling", "T1", "2026-Q1", t1, cadence=Cadence.QUARTERLY),
               res("T2-backlog-age", "T2", "2026-03", t2))
    g = by_id(roll_up(cat, results))
    assert g["S1"].status is s1
    assert g["S1"].assured_by == ("T1", "T2") and g["S1"].kpi_statuses == {}
    assert g["S1"].deviation is (Status.FAIL in (t1, t2))
    if s1 is Status.PASS:
        assert g["S1"].reason == "via"


def test_s1_shows_the_deviation_of_t2_with_its_rule_and_period(cat):
    results = (res("T1-eos-signalling", "T1", "2026-Q1", Status.PASS, cadence=Cadence.QUARTERLY),
               res("T2-backlog-age", "T2", "2026-03", Status.FAIL))
    g = by_id(roll_up(cat, results))
    assert (g["S1"].status, g["S1"].deviation, g["S1"].deviations) == (Status.FAIL, True, (("T2-backlog-age", "2026-03"),))


def test_a_goal_the_annex_gives_kpis_but_the_catalogue_does_not_measure_is_no_data(cat):
    g = by_id(roll_up(cat, ()))
    assert (g["O2"].status, g["O2"].reason) == (Status.NO_DATA, "no_rules")
    assert (g["O5"].status, g["O5"].reason) == (Status.NOT_APPLICABLE, "not_due")


def test_aggregate_views_and_not_due_markers_do_not_roll_up(cat):
    results = (res("O5-patch-compliance", "O5", "2026-Q1", Status.FAIL, cadence=None),
               replace(res("O5-patch-compliance", "O5", "2026-03", Status.FAIL), not_due="2026"),
               res("O5-patch-compliance", "O5", "2026-02", Status.PASS))
    assert by_id(roll_up(cat, results))["O5"].status is Status.PASS


def test_scope_limits_the_roll_up_to_one_period(cat):
    results = (res("O5-patch-compliance", "O5", "2026-03", Status.FAIL), res("O5-patch-compliance", "O5", "2026-04", Status.PASS))
    g = by_id(roll_up(cat, results, scope=parse_period("2026-Q2")))
    assert (g["O5"].status, g["O5"].scope) == (Status.PASS, "2026-Q2")


def test_the_kpi_graph_hangs_every_kpi_under_one_goal(cat):
    g = kpi_graph(cat)
    assert g.nodes["O5-patch-compliance"]["kind"] == "kpi"
    assert list(g.successors("O5-patch-compliance")) == ["O5"]
    assert set(g.successors("O5")) == {"T3"} and set(g.predecessors("S1")) == {"T1", "T2"}


def test_a_kpi_under_an_unknown_goal_is_a_located_error(cat):
    rules = dict(cat.rules)
    rules["X9-thing"] = replace(cat.rules["O5-patch-compliance"], id="X9-thing", goal="X9", source="rules/kpis/X9-thing.yaml")
    with pytest.raises(RuleFileError) as err:
        kpi_graph(Catalogue(rules=rules, goals=cat.goals, root=cat.root))
    assert "rules/kpis/X9-thing.yaml: $.goal: KPI is attached to unknown goal 'X9'" in str(err.value)
