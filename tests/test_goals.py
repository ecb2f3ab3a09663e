"""``slacheck goals``: the goal graph as text and Mermaid, optionally coloured by an audit's statuses."""
from __future__ import annotations

from click.testing import CliRunner

from engine.cli import build_cli
from engine.mermaid import mermaid, node_id
from golden.golden_bundle import HERE, catalogue


def run(*args):
    return CliRunner().invoke(build_cli(), list(args))


def test_text_tree_of_the_golden_catalogue():
    """Levels, meetings, agenda types and minimum requirements in the report's Dutch words, not identifiers."""
    res = run("goals", "--rules", str(HERE / "rules"))
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[:3] == ["S1 Toekomstbestendige en onafhankelijke ICT · Strategisch · Vast agendapunt: Strategisch "
                         "overleg (jaarlijks)",
                         "    ← T1 Beheerste levenscyclus en regie · Tactisch",
                         "    ← T2 Beheerste en verbeterende dienstverlening · Tactisch"]
    assert ("        - T2-backlog-age: Backlog ouderdom · Operationeel overleg (maandelijks) · agendatype: alleen bij "
            "afwijking · Minimale eis: ja") in lines
    t3 = lines.index("T3 Aantoonbare beveiligingsnaleving · Tactisch")
    assert lines[t3 + 2:t3 + 4] == ["    ← O5 Doorlopende beveiligingsuitvoering · Operationeel",
                                    "        - O5-patch-compliance: Patch compliance beheerde omgeving · Operationeel "
                                    "overleg (maandelijks) · agendatype: alleen bij afwijking · Minimale eis: ja"]
    for identifier in ("strategic", "tactical", "operational", "on_deviation", "always", "none"):
        assert identifier not in res.output


def test_text_tree_in_english_with_statuses():
    res = run("goals", "--sample", "--period", "2026-Q3", "--lang", "en")
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0] == ("S1 Future-proof and independent ICT · Strategic  [FAIL] · Standing item: Strategic meeting "
                        "(yearly)")
    assert ("    - O1-major-incident-updates: Major incident updates · No meeting (contract requirement) · no agenda "
            "type · Minimum requirement: contract requirement  [FAIL]") in lines
    assert ("        - T2-improvement-cycle: Improvement cycle status · Tactical meeting (quarterly) · agenda type: "
            "always  [FAIL]") in lines
    # "Alleen bij afwijking" in the glossary's words: "deviation" is kept for a failed minimum requirement
    assert ("        - T2-backlog-age: Backlog age · Operational meeting (monthly) · agenda type: only when below norm "
            "· Minimum requirement: yes  [FAIL]") in lines
    assert "only on deviation" not in res.output


def test_mermaid_with_statuses_from_a_sample_audit():
    res = run("goals", "--sample", "--period", "2026-Q3", "--format", "mermaid", "--rules", str(HERE / "rules"))
    assert res.exit_code == 0 and res.output.startswith("flowchart BT\n")
    assert '    n_S1(["S1<br/>FAIL ⚠"])' in res.output
    assert '    n_T2_backlog_age("T2-backlog-age<br/>FAIL ⚠")' in res.output
    assert "    n_O5 ==> n_T3" in res.output and "    n_T2_backlog_age --> n_T2" in res.output
    assert "class n_S1,n_T2,n_T3,n_O1,n_O5" in res.output  # fail class: goals first, in the goals file's order


def test_mermaid_without_statuses_is_unjudged_and_ids_are_safe():
    text = mermaid(catalogue())
    assert node_id("O1-first-response-p1") == "n_O1_first_response_p1"
    assert "classDef unjudged" in text and "classDef fail" not in text


def test_period_without_bundle_is_a_usage_error():
    res = run("goals", "--period", "2026-Q3")
    assert res.exit_code == 2 and "--period: statuses need both a period and a BUNDLE" in res.output
