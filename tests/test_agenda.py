"""Agendas per meeting level and period (durable-rules routing of the Legenda's agenda types)."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from engine.agenda import build_agendas
from engine.cli import build_cli
from engine.judge import Judge
from engine.model import AgendaType, Cadence, KpiResult, Meeting, MinimumRequirement, Status
from engine.periods import parse_period
from engine.rulefiles import Catalogue
from golden.golden_bundle import catalogue as golden_catalogue


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    base = golden_catalogue()
    rules = dict(base.rules)
    rules["O1-always"] = replace(base.rules["O1-first-response-p1"], id="O1-always", agenda=AgendaType.ALWAYS,
                                 minimum_requirement=MinimumRequirement.NO)
    rules["S2-statement"] = replace(base.rules["T3-cvss-remediation"], id="S2-statement", goal="S2",
                                    meeting=Meeting.STRATEGIC, reporting=(Cadence.YEARLY,),
                                    minimum_requirement=MinimumRequirement.NO)
    return Catalogue(rules=dict(sorted(rules.items())), goals=base.goals, root=base.root)


def res(cat, rule: str, period: str, status: Status) -> KpiResult:
    r = cat.rules[rule]
    cadence = {"month": Cadence.MONTHLY, "quarter": Cadence.QUARTERLY, "year": Cadence.YEARLY}[parse_period(period).kind]
    return KpiResult(rule, r.goal, period, cadence, status, (), None, r.minimum_requirement)


def agendas(cat, span: str, *results):
    with Judge() as judge:
        return {(a.meeting, a.period.label): [(i.subject, i.result_period, i.status.value, i.reasons) for i in a.items]
                for a in build_agendas(cat, tuple(results), parse_period(span), judge)}


def test_always_kpi_is_on_its_own_meeting_whatever_the_score(cat):
    got = agendas(cat, "2026-07", res(cat, "O1-always", "2026-07", Status.PASS))
    assert got == {("operational", "2026-07"): [("O1-always", "2026-07", "PASS", ("always",))]}


def test_only_when_below_norm_kpi_appears_only_when_it_failed(cat):
    ok = agendas(cat, "2026-07", res(cat, "O5-patch-compliance", "2026-07", Status.PASS))
    assert ok == {("operational", "2026-07"): []}


def test_insufficient_evidence_is_on_the_kpis_own_meeting_whatever_the_agenda_type(cat):
    """NO-DATA / ERROR is never a pass: an "Alleen bij afwijking" KPI without a score does not vanish."""
    got = agendas(cat, "2026-07", res(cat, "O5-patch-compliance", "2026-07", Status.NO_DATA),
                  res(cat, "O1-first-response-p1", "2026-07", Status.ERROR),
                  res(cat, "O1-always", "2026-07", Status.NO_DATA))
    assert got == {("operational", "2026-07"): [("O1-always", "2026-07", "NO-DATA", ("no_evidence", "always")),
                                                ("O1-first-response-p1", "2026-07", "ERROR", ("no_evidence",)),
                                                ("O5-patch-compliance", "2026-07", "NO-DATA", ("no_evidence",))]}


def test_insufficient_evidence_stays_at_its_own_level_and_is_not_escalated(cat):
    got = agendas(cat, "2026", res(cat, "O5-patch-compliance", "2026-08", Status.NO_DATA),
                  res(cat, "T3-cvss-remediation", "2026-Q2", Status.NO_DATA))
    assert got[("operational", "2026-08")] == [("O5-patch-compliance", "2026-08", "NO-DATA", ("no_evidence",))]
    assert got[("tactical", "2026-Q3")] == []
    assert got[("tactical", "2026-Q2")] == [("T3-cvss-remediation", "2026-Q2", "NO-DATA", ("no_evidence", "always"))]
    assert got[("operational", "2026-06")] == []
    assert got[("strategic", "2026")] == [("S1", "2026", "NO-DATA", ("standing",))]


def test_a_contract_requirement_without_evidence_is_on_the_operational_agenda_only():
    """Major-incident updates ("Contracteis", no meeting of its own) with no tickets document: NO-DATA."""
    from casefiles import write_bundle
    from golden.golden_bundle import _patches

    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        bundle = write_bundle(Path(tmp) / "b", {"patch_states": _patches("J", "07", 0)}, ["2026-07-01", "2026-09-30"],
                              "2026-10-05T09:00:00+02:00")
        res = CliRunner().invoke(build_cli(), ["agenda", str(bundle), "--period", "2026-Q3", "--format", "json"],
                                 catch_exceptions=False)
    data = json.loads(res.output)
    items = [(a["meeting"], a["period"], i["result_period"], i["status"], i["reasons"])
             for a in data["agendas"] for i in a["items"] if i["subject"] == "O1-major-incident-updates"]
    assert items == [("operational", "2026-07", "2026-07", "NO-DATA", ["no_evidence"]),
                     ("operational", "2026-08", "2026-08", "NO-DATA", ["no_evidence"]),
                     ("operational", "2026-09", "2026-09", "NO-DATA", ["no_evidence"])]
    patch = [(a["meeting"], a["period"], i["reasons"]) for a in data["agendas"] for i in a["items"]
             if i["subject"] == "O5-patch-compliance"]
    assert patch == []  # it passed in July; August and September have no patches due: NOT-APPLICABLE


def test_a_failed_minimum_requirement_is_a_deviation_on_its_meeting_and_every_level_above(cat):
    got = agendas(cat, "2026", res(cat, "O5-patch-compliance", "2026-08", Status.FAIL))
    assert got[("operational", "2026-08")] == [("O5-patch-compliance", "2026-08", "FAIL", ("deviation", "below_norm"))]
    assert got[("tactical", "2026-Q3")] == [("O5-patch-compliance", "2026-08", "FAIL", ("deviation",))]
    assert got[("strategic", "2026")][1] == ("O5-patch-compliance", "2026-08", "FAIL", ("deviation",))
    assert got[("tactical", "2026-Q1")] == [] and got[("operational", "2026-07")] == []


def test_a_tactical_deviation_does_not_go_down_to_the_operational_meeting(cat):
    got = agendas(cat, "2026-Q2", res(cat, "T3-cvss-remediation", "2026-Q2", Status.FAIL))
    assert got[("tactical", "2026-Q2")] == [("T3-cvss-remediation", "2026-Q2", "FAIL", ("deviation", "always"))]
    assert got[("operational", "2026-06")] == []  # the quarter ends in June, but a tactical KPI stays tactical


def test_a_failed_kpi_that_is_no_minimum_requirement_is_below_norm_not_a_deviation(cat):
    got = agendas(cat, "2026-07", res(cat, "O1-always", "2026-07", Status.FAIL))
    assert got[("operational", "2026-07")] == [("O1-always", "2026-07", "FAIL", ("always",))]
    cat2 = Catalogue({**cat.rules, "O1-always": replace(cat.rules["O1-always"], agenda=AgendaType.ON_DEVIATION)},
                     cat.goals, cat.root)
    got = agendas(cat2, "2026-07", res(cat2, "O1-always", "2026-07", Status.FAIL))
    assert got[("operational", "2026-07")] == [("O1-always", "2026-07", "FAIL", ("below_norm",))]


def test_s1_is_a_standing_item_on_every_yearly_strategic_agenda_with_its_rolled_up_status(cat):
    got = agendas(cat, "2025..2026", res(cat, "T2-backlog-age", "2026-03", Status.FAIL),
                  res(cat, "S2-statement", "2025", Status.PASS))
    assert got[("strategic", "2025")] == [("S1", "2025", "NO-DATA", ("standing",)),
                                          ("S2-statement", "2025", "PASS", ("always",))]
    assert got[("strategic", "2026")] == [("S1", "2026", "FAIL", ("standing",)),
                                          ("T2-backlog-age", "2026-03", "FAIL", ("deviation",))]
    with Judge() as judge:
        strategic = [a for a in build_agendas(cat, (res(cat, "T2-backlog-age", "2026-03", Status.FAIL),),
                                              parse_period("2026"), judge) if a.meeting == "strategic"][0]
    s1 = strategic.items[0]
    assert (s1.kind, s1.assured_by) == ("goal", (("T1", Status.NO_DATA), ("T2", Status.FAIL)))


def test_a_quarter_has_no_strategic_meeting_and_a_month_no_tactical_one(cat):
    assert {m for m, _ in agendas(cat, "2026-Q3")} == {"operational", "tactical"}
    assert set(agendas(cat, "2026-09")) == {("operational", "2026-09")}


def test_agenda_command_per_meeting_markdown_and_json_with_audit_exit_codes():
    runner = CliRunner()
    md = runner.invoke(build_cli(), ["agenda", "--sample", "--period", "2026-Q3", "--meeting", "tactical"])
    assert md.exit_code == 1, md.output
    assert md.output.startswith("# Agenda's governance-overleg Bijlage 12a")
    assert "## Tactisch overleg (per kwartaal) · 2026-Q3" in md.output and "Operationeel overleg" not in md.output
    js = runner.invoke(build_cli(), ["agenda", "--sample", "--period", "2026-Q3", "--meeting", "tactical", "--format", "json"])
    data = json.loads(js.output)
    assert js.exit_code == 1 == data["exit_code"]
    assert [(a["meeting"], a["period"]) for a in data["agendas"]] == [("tactical", "2026-Q3")]
    items = {(i["subject"], i["result_period"]): i["reasons"] for i in data["agendas"][0]["items"]}
    assert items[("T2-backlog-age", "2026-09")] == ["deviation"]
    assert items[("T3-cvss-remediation", "2026-Q3")][-1] == "always"
    none = runner.invoke(build_cli(), ["agenda", "--sample", "--period", "2026-09", "--meeting", "strategic", "--lang", "en"])
    assert "No meeting of this level lies wholly inside 2026-09." in none.output
    bad = runner.invoke(build_cli(), ["agenda", "--sample", "--period", "2026-9"])
    assert bad.exit_code == 2 and "--period: '2026-9' is not a period" in bad.output


def test_a_failed_contract_requirement_is_on_every_agenda_as_a_deviation():
    """Major-incident updates (a "Contracteis" with no meeting of its own) failed in the sample's August."""
    from click.testing import CliRunner

    from engine.cli import build_cli

    res = CliRunner().invoke(build_cli(), ["agenda", "--sample", "--period", "2026-Q3", "--meeting", "tactical",
                                           "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 1
    data = __import__("json").loads(res.output)
    items = [i for a in data["agendas"] for i in a["items"] if i["subject"] == "O1-major-incident-updates"]
    assert [(i["result_period"], i["status"], i["reasons"]) for i in items] == [("2026-08", "FAIL", ["deviation"])]
