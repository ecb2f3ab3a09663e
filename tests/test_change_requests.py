"""KPI change requests (annex 12a §1, §2.2): one data-driven case per condition, each way, plus add/replace,
located input errors, Markdown/JSON output and the CLI's exit codes."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
import yaml
from click.testing import CliRunner

from engine.changecontrol.changes import validate_request
from engine.changecontrol.documents import load_document
from engine.changecontrol.model import Outcome
from engine.changecontrol.render import render_markdown, to_data
from engine.cli import build_cli
from engine.errors import ChangeRequestError, SettingsError
from engine.resources import sample_dir
from engine.rulefiles import Catalogue

from change_cases.helpers import CASES, merge, pick, with_settings, write_yaml

SPEC = yaml.safe_load((CASES / "requests.yaml").read_text(encoding="utf-8"))


def judge(tmp_path, request: dict, contract, catalogue):
    doc = load_document(write_yaml(tmp_path / "request.yaml", request), "change-request.schema.json")
    return validate_request(doc, contract, catalogue)


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["name"] for c in SPEC["cases"]])
def test_request_case(case, tmp_path, catalogue, contract):
    verdict = judge(tmp_path, merge(SPEC["base"], case.get("request")), with_settings(contract, case.get("contract")),
                    catalogue)
    want = case["want"]
    assert verdict.valid is want["valid"], [(r.condition, r.subject, r.outcome.value, r.reasons) for r in verdict.conditions]
    assert verdict.exit_code == (0 if want["valid"] else 1)
    for key, outcome in (want.get("conditions") or {}).items():
        assert {r.outcome.value for r in pick(verdict.conditions, key)} == {outcome}, key
    for key, rules in (want.get("reasons") or {}).items():
        got = pick(verdict.conditions, key)
        assert len(got) == 1 and list(got[0].reasons) == rules, (key, [g.reasons for g in got])
    for key, details in (want.get("details") or {}).items():
        got = pick(verdict.conditions, key)[0].details
        for k, v in details.items():
            assert got[k] == pytest.approx(v) if isinstance(v, (int, float)) else got[k] == v, (key, k, got[k])


def test_every_condition_is_reported_once_for_a_norm_change(tmp_path, catalogue, contract):
    v = judge(tmp_path, SPEC["base"], contract, catalogue)
    assert [r.condition for r in v.conditions] == ["goal_fixed", "consent", "materiality", "floor", "quarter_boundary",
                                                   "recorded", "not_retroactive", "unambiguous", "same_goal",
                                                   "composition", "minimum_requirement", "goal_not_empty", "price_claim"]
    materiality = pick(v.conditions, "materiality")[0]
    assert materiality.section == "2.2 (ii)"
    assert materiality.quotes == ("(ii) de gewijzigde norm niet wezenlijk lichter is dan de bij inschrijving opgegeven "
                                  "norm tenzij aantoonbaar technisch objectief gerechtvaardigd, en",)


# --- adding and replacing KPIs: a new KPI's rule file (here built in memory from an existing one) -----------------

@pytest.fixture()
def with_new_kpi(catalogue):
    """The catalogue plus a new O3 KPI "O3-self-service" (a copy of CSAT's definition with a floor of 75)."""
    new = replace(catalogue.rules["O3-csat"], id="O3-self-service", title="Self-service success")
    return Catalogue(rules={**catalogue.rules, new.id: new}, goals=catalogue.goals, root=catalogue.root)


def test_add_kpi_with_a_complete_norm_is_allowed_and_a_claim_is_open(tmp_path, with_new_kpi, contract):
    req = merge(SPEC["base"], {"change": "add_kpi", "rule": "O3-self-service", "goal": "O3",
                               "clauses": {"satisfied": {"threshold": 85}}, "price_claim": {"kind": "price_revision"}})
    v = judge(tmp_path, req, contract, with_new_kpi)
    assert v.valid
    assert pick(v.conditions, "norm_complete")[0].outcome is Outcome.MET
    assert pick(v.conditions, "same_goal")[0].outcome is Outcome.MET
    assert pick(v.conditions, "composition")[0].outcome is Outcome.MET
    assert pick(v.conditions, "price_claim")[0].reasons == ("price_claim_on_stricter_norm",)
    # the new KPI's reference is its rule file's floor (75, "annex floor"): 85 is stricter
    m = pick(v.conditions, "materiality")[0]
    assert (m.details["reference"], m.details["reference_origin"], m.outcome) == (75, "annex floor", Outcome.MET)


def test_add_kpi_already_added_by_the_register_is_inconsistent(tmp_path, with_new_kpi, contract):
    register = [{"id": "CR-A", "change": "add_kpi", "rule": "O3-self-service", "goal": "O3", "effective_from": "2026-07-01",
                 "agreed_on": "2026-05-01", "contract_file_reference": "x", "request_sha256": "0" * 64,
                 "clauses": {"satisfied": {"threshold": 85}}}]
    req = merge(SPEC["base"], {"change": "add_kpi", "rule": "O3-self-service", "goal": "O3"})
    v = judge(tmp_path, req, with_settings(contract, {"norm_register": register}), with_new_kpi)
    assert not v.valid
    comp = pick(v.conditions, "composition")[0]
    assert comp.outcome is Outcome.NOT_MET
    assert comp.details["problems"] == ["O3-self-service is already added by register entry CR-A"]
    # the JSON names the entries as a list of ids, not as one comma-joined text; the Dutch Markdown joins them
    assert [s["entries"] for s in comp.details["kpi_states"]] == [["CR-A"]]
    assert "| O3-self-service is al toegevoegd door normregisteritem CR-A | 1 |\n" in render_markdown(v, "nl")


@pytest.fixture()
def with_new_o2_kpi(catalogue):
    """The catalogue plus a new O2 KPI "O2-standard-change-rework" (a copy of the lead-time KPI's definition)."""
    new = replace(catalogue.rules["O2-standard-change-lead-time"], id="O2-standard-change-rework", title="Rework")
    return Catalogue(rules={**catalogue.rules, new.id: new}, goals=catalogue.goals, root=catalogue.root)


REPLACE = {"change": "replace_kpi", "rule": "O2-standard-change-rework", "replaces": "O2-standard-change-lead-time",
           "clauses": {"on_time": {"threshold": 95}}, "justification": {"text": "lead time measured by the new tool",
                                                                        "reference": "RFC-91"}}


def test_replace_kpi_by_a_better_measure_keeps_the_goal_measured(tmp_path, with_new_o2_kpi, contract):
    v = judge(tmp_path, merge(SPEC["base"], REPLACE), contract, with_new_o2_kpi)
    assert v.valid, [(r.condition, r.outcome.value, r.reasons) for r in v.conditions]
    g = pick(v.conditions, "goal_not_empty")[0]
    assert g.details["kpis_after"] == ["O2-standard-change-quality", "O2-standard-change-rework"]
    comp = pick(v.conditions, "composition")[0]
    assert comp.details["in_force"] == [
        "O2-standard-change-rework on 2026-10-01: a new rule file that no register entry adds to goal O2 (not a KPI of "
        "the annex)",
        "O2-standard-change-lead-time on 2026-10-01: a KPI of goal O2 by the annex, not removed by the register"]
    # a replacement under another goal is not a replacement within the goal's KPI set
    other = replace(with_new_o2_kpi.rules["O2-standard-change-rework"], id="O4-self-service", goal="O4")
    cat = Catalogue(rules={**with_new_o2_kpi.rules, other.id: other}, goals=with_new_o2_kpi.goals, root=with_new_o2_kpi.root)
    v2 = judge(tmp_path, merge(SPEC["base"], {**REPLACE, "rule": "O4-self-service"}), contract, cat)
    assert pick(v2.conditions, "same_goal")[0].reasons == ("kpi_under_another_goal",)


def test_replacing_a_kpi_drops_its_tendered_norm_and_needs_a_justification(tmp_path, with_new_o2_kpi, contract):
    """§2.2 (ii): the replaced KPI's norm goes, as with a removal; its materiality is judged on its own line."""
    v = judge(tmp_path, merge(SPEC["base"], {**REPLACE, "justification": None}), contract, with_new_o2_kpi)
    assert not v.valid
    m = pick(v.conditions, "materiality@O2-standard-change-lead-time")[0]
    assert (m.outcome, m.reasons) == (Outcome.NOT_MET, ("materiality_removal_unjustified",))
    assert (m.details["removed"], m.details["replaced_by"]) == (True, "O2-standard-change-rework")
    new = pick(v.conditions, "materiality@O2-standard-change-rework/on_time threshold")[0]
    assert (new.outcome, new.reasons) == (Outcome.NOT_APPLICABLE, ("materiality_no_reference",))  # no tendered norm yet
    assert "| (ii) Not materially weaker than the tendered norm | O2-standard-change-lead-time | **NOT met** | " \
           "the KPI and its norm are dropped without an objective technical justification with a reference | " \
           "KPI and norm dropped (replaced by O2-standard-change-rework) | 2.2 (ii) |" in render_markdown(v, "en")
    # with a justification it is met; a price claim is judged on the new norm alone: the dropped KPI does not make
    # it "partly weaker", but a new norm without a tendered one to exceed is not stricter either
    ok = judge(tmp_path, merge(SPEC["base"], REPLACE), contract, with_new_o2_kpi)
    assert pick(ok.conditions, "materiality@O2-standard-change-lead-time")[0].reasons == ("materiality_removal_justified",)
    assert ok.valid
    claim = judge(tmp_path, merge(SPEC["base"], {**REPLACE, "price_claim": {"kind": "price_revision"}}), contract,
                  with_new_o2_kpi)
    assert pick(claim.conditions, "price_claim")[0].reasons == ("price_claim_norm_not_stricter",)


def test_replacing_a_minimum_requirement_is_not_allowed(tmp_path, with_new_kpi, contract):
    req = merge(SPEC["base"], {"change": "replace_kpi", "rule": "O3-self-service", "replaces": "O3-csat",
                               "clauses": {"satisfied": {"threshold": 80}}, "justification": {"text": "t", "reference": "r"}})
    v = judge(tmp_path, req, contract, with_new_kpi)
    assert not v.valid
    mr = pick(v.conditions, "minimum_requirement")[0]
    assert (mr.subject, mr.outcome, mr.reasons) == ("O3-csat", Outcome.NOT_MET, ("minimum_requirement_dropped",))
    assert mr.quotes[:2] == ("Wat mag nooit ontbreken?", "Een minimale eis wordt periodiek getoetst. Indien een minimale "
                             "eis tevens als KPI is ingericht, kan daarover ook periodiek worden gerapporteerd.")
    assert [r.condition for r in v.conditions if r.outcome is Outcome.NOT_MET] == ["minimum_requirement"]


def test_a_new_kpi_without_a_threshold_has_an_incomplete_norm(tmp_path, catalogue, contract):
    base = catalogue.rules["O2-standard-change-quality"]  # a supplier norm: no threshold in the rule file
    new = replace(base, id="O2-standard-change-rework", title="Rework")
    cat = Catalogue(rules={**catalogue.rules, new.id: new}, goals=catalogue.goals, root=catalogue.root)
    req = merge(SPEC["base"], {"change": "add_kpi", "rule": new.id, "goal": "O2", "clauses": None})
    v = judge(tmp_path, req, contract, cat)
    nc = pick(v.conditions, "norm_complete")[0]
    assert base.norm.clauses[0].id == "first_time_right"
    assert (nc.outcome, nc.details["missing"]) == (Outcome.NOT_MET, ["first_time_right threshold"])
    assert nc.details["missing_parts"] == [{"clause": "first_time_right", "part": "threshold"}]
    assert ("### Nieuwe KPI heeft een volledige norm · O2-standard-change-rework: NIET voldaan\n\n"
            "een normdeel heeft geen drempelwaarde. first\\_time\\_right normwaarde\n") in render_markdown(v, "nl")
    assert "first\\_time\\_right threshold\n" in render_markdown(v, "en")


def test_a_goal_without_kpis_by_design_is_not_flagged(tmp_path, catalogue, contract):
    """S1 has no KPIs of its own by the annex: leaving it without KPIs is not applicable, not a failure."""
    s1 = replace(catalogue.rules["O3-first-time-fix"], id="S1-probe", goal="S1")
    cat = Catalogue(rules={**catalogue.rules, s1.id: s1}, goals=catalogue.goals, root=catalogue.root)
    req = merge(SPEC["base"], {"change": "remove_kpi", "rule": "S1-probe", "goal": "S1", "clauses": None,
                               "justification": {"text": "t", "reference": "r"}})
    g = pick(judge(tmp_path, req, contract, cat).conditions, "goal_not_empty")[0]
    assert (g.outcome, g.reasons) == (Outcome.NOT_APPLICABLE, ("goal_without_kpis_by_design",))


# --- bad input: located, friendly, all at once (exit 2) ------------------------------------------------------------

def test_schema_errors_are_located_by_line_and_path(tmp_path):
    text = ("id: CR-X\ncontract_id: SIB-ICT-BEHEER-2026\nchange: norm\nrule: O3-csat\n"
            "clauses:\n  satisfied: {trheshold: 82}\n"
            "approvals:\n  - {party: buyer, date: '2026-02-30'}\n"
            "effective_from: 2026-7-1\n")
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ChangeRequestError) as exc:
        load_document(path, "change-request.schema.json")
    lines = [str(p) for p in exc.value.problems]
    assert lines == [
        f"{path}: line 6: $.clauses.satisfied.trheshold: unknown field (allowed here: threshold, per_record)",
        f"{path}: line 8: $.approvals[0].party: 'buyer' is not allowed here; expected one of: client, supplier",
        f"{path}: line 9: $.effective_from: expected a date YYYY-MM-DD, got '2026-7-1'",
        f"{path}: line 8: $.approvals[0].date: '2026-02-30' is not a calendar date",
    ]


def test_missing_fields_and_duplicate_keys(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("id: CR-X\ncontract_id: C\nchange: norm\neffective_from: '2026-10-01'\n", encoding="utf-8")
    with pytest.raises(ChangeRequestError) as exc:
        load_document(path, "change-request.schema.json")
    assert [str(p) for p in exc.value.problems] == [f"{path}: line 1: $: missing field 'clauses'",
                                                    f"{path}: line 1: $: missing field 'rule'"]
    path.write_text("id: CR-X\nid: CR-Y\n", encoding="utf-8")
    with pytest.raises(ChangeRequestError) as exc:
        load_document(path, "change-request.schema.json")
    assert [str(p) for p in exc.value.problems] == [f"{path}: line 2: duplicate key 'id' (a key may appear once)"]


def test_unknown_rule_clause_and_contract_are_bad_input(tmp_path, catalogue, contract):
    req = merge(SPEC["base"], {"contract_id": "OTHER", "clauses": {"satisfied": {"per_record": {"limit": 3}}, "nope": {"threshold": 1}}})
    with pytest.raises(ChangeRequestError) as exc:
        judge(tmp_path, req, contract, catalogue)
    src = str(tmp_path / "request.yaml")
    assert [str(p) for p in exc.value.problems] == [
        f"{src}: line 2: $.contract_id: request is for contract 'OTHER', the contract settings are 'SIB-ICT-BEHEER-2026'",
        f"{src}: line 8: $.clauses.satisfied.per_record: clause 'satisfied' of O3-csat has no per-record limit",
        f"{src}: line 10: $.clauses.nope: rule O3-csat has no clause 'nope' (clauses: satisfied)",
    ]
    with pytest.raises(ChangeRequestError, match="no rule file 'O3-nothing'"):
        judge(tmp_path, merge(SPEC["base"], {"rule": "O3-nothing"}), contract, catalogue)


def test_a_threshold_outside_0_to_100_percent_is_bad_input(tmp_path, catalogue, contract):
    """Client norms too (O1-servicedesk-availability): a change request never records 150 %."""
    req = merge(SPEC["base"], {"rule": "O1-servicedesk-availability", "clauses": {"availability": {"threshold": 150}}})
    with pytest.raises(ChangeRequestError) as exc:
        judge(tmp_path, req, contract, catalogue)
    assert [str(p) for p in exc.value.problems] == [
        f"{tmp_path / 'request.yaml'}: line 7: $.clauses.availability.threshold: threshold 150 % of "
        "O1-servicedesk-availability/availability is not a percentage (expected 0 to 100)"]


def test_a_missing_materiality_margin_is_a_settings_error(tmp_path, catalogue, contract):
    settings = dict(contract.data, change_control={"tender_floors": {}})
    with pytest.raises(SettingsError, match=r"\$\.change_control\.materiality_margin: set the materiality margin"):
        judge(tmp_path, SPEC["base"], replace(contract, data=settings), catalogue)


# --- output ----------------------------------------------------------------------------------------------------------

def test_dutch_reasons_use_the_annexs_terms():
    """"governance-cadans" as in §2.2 (i) (not "governance-cyclus"), "normregister" for the register."""
    out = CliRunner().invoke(build_cli(), ["change", "validate",
                                           str(sample_dir() / "change-requests" / "cr-2026-01-stricter-resolution-p3.yaml")])
    assert out.exit_code == 0, out.output
    assert ("| (i) Schriftelijke instemming van beide partijen via de governance-cadans | verzoek | voldaan | beide "
            "partijen hebben schriftelijk, gedateerd en in een overleg van de governance-cadans ingestemd |") in out.output
    assert ("| geen ander item in het normregister stelt deze norm per dezelfde datum vast |") in out.output
    assert "governance-cyclus" not in out.output and "registeritem" not in out.output
    # the identifiers of the data in the report's words: the subject, the consenting party, the meeting level
    assert "| request |" not in out.output and "supplier:" not in out.output and "tactical 20" not in out.output
    assert "(tender)" not in out.output and "(annex)" not in out.output
    assert ("| Opdrachtgever: M. Bakker (contractmanager SIB), 2026-11-12, Verslag tactisch overleg 2026-11, besluit 4, "
            "tactisch overleg 2026-11-12<br>Opdrachtnemer: J. de Vries (directeur), 2026-11-14, ") in out.output


@pytest.mark.parametrize("name, line", [
    ("cr-2026-04-not-on-quarter-boundary", "| (iii) Ingang per kwartaalgrens | verzoek | **NIET voldaan** | de ingangsmaand "
     "is niet januari, april, juli of oktober; de ingangsdatum is niet de eerste dag van een maand | 2026-08-15 |"),
    ("cr-2026-11-not-recorded-retroactive", "| (iii) Ingang niet vóór de instemming | verzoek | **NIET voldaan** | zou "
     "ingaan vóór de instemming (laatste goedkeuring of overleg): met terugwerkende kracht |"),
])
def test_dutch_effective_date_reasons(name, line):
    """Not "gaat niet in in januari" (reads as a typo) nor a bare "terugwerkende kracht"."""
    out = CliRunner().invoke(build_cli(), ["change", "validate", str(sample_dir() / "change-requests" / f"{name}.yaml")])
    assert out.exit_code == 1, out.output
    assert line in out.output


def test_json_and_markdown_carry_each_condition_with_its_quote(tmp_path, catalogue, contract):
    v = judge(tmp_path, merge(SPEC["base"], {"clauses": {"satisfied": {"threshold": 78}}}), contract, catalogue)
    data = to_data(v)
    assert data["schema"] == "slacheck-change-request/1" and data["valid"] is False and data["exit_code"] == 1
    assert data["info"]["materiality_margin"] == 0.05
    m = next(c for c in data["conditions"] if c["condition"] == "materiality")
    assert (m["outcome"], m["rules"], m["reasons"]) == ("not_met", ["materiality_unjustified_higher"], ["materiality_unjustified"])
    assert m["details"]["margin_bound"] == 79 and m["details"]["reference"] == 80
    md = render_markdown(v, "nl")
    assert "**Oordeel: NIET TOEGESTAAN: niet aan alle voorwaarden is voldaan**" in md
    assert ("| (ii) Niet wezenlijk lichter dan de bij inschrijving opgegeven norm | O3-csat/satisfied normwaarde | "
            "**NIET voldaan** | wezenlijk lichter zonder technisch objectieve rechtvaardiging met verwijzing | "
            "nieuw ≥ 78 %; bij inschrijving 80 % (leveranciersnorm); margegrens 79 % (marge 0,05: 80 − (100 − 80) × 0,05) | "
            "2.2 (ii) |") in md
    assert "> (ii) de gewijzigde norm niet wezenlijk lichter is dan de bij inschrijving opgegeven norm tenzij" in md
    en = render_markdown(v, "en")
    assert "**Verdict: NOT ALLOWED: not every condition is met**" in en
    assert render_markdown(v, "en") == en  # deterministic


@pytest.mark.parametrize("name,code,failing", [
    ("cr-2026-01-stricter-resolution-p3.yaml", 0, []), ("cr-2026-02-csat-within-margin.yaml", 0, []),
    ("cr-2026-03-one-approval-missing.yaml", 1, [("consent", ["consent_client_missing"])]),
    ("cr-2026-04-not-on-quarter-boundary.yaml", 1, [("quarter_boundary", ["not_a_quarter_month", "not_first_day_of_month"])]),
    ("cr-2026-05-materially-weaker-unjustified.yaml", 1, [("materiality", ["materiality_unjustified"])]),
    ("cr-2026-06-materially-weaker-justified.yaml", 0, []),
    ("cr-2026-07-below-floor.yaml", 1, [("floor", ["floor_below"])]),
    ("cr-2026-08-price-claim-not-stricter.yaml", 1,
     [("price_claim", ["price_claim_norm_not_stricter", "price_claim_norm_partly_weaker"])]),
    ("cr-2026-09-goal-change.yaml", 1, [("goal_fixed", ["goal_change_not_allowed"])]),
    ("cr-2026-10-remove-kpi-unjustified.yaml", 1, [("materiality", ["materiality_removal_unjustified"])]),
    ("cr-2026-11-not-recorded-retroactive.yaml", 1,
     [("recorded", ["no_contract_file_reference"]), ("not_retroactive", ["effective_before_consent"])]),
    ("cr-2026-12-remove-minimum-requirement.yaml", 1, [("minimum_requirement", ["minimum_requirement_dropped"])]),
])
def test_sample_requests_exit_codes(name, code, failing):
    """Each sample fails for exactly the condition its file name says, and for nothing else."""
    result = CliRunner().invoke(build_cli(), ["change", "validate", str(sample_dir() / "change-requests" / name),
                                              "--format", "json"])
    assert result.exit_code == code, result.output
    data = json.loads(result.output)
    assert data["valid"] is (code == 0)
    assert [(c["condition"], c["reasons"]) for c in data["conditions"] if c["outcome"] == "not_met"] == failing


def test_dutch_markdown_writes_figures_with_a_decimal_comma_as_the_report_does():
    """Dutch change-control output writes its figures as the report does (``fmt_num`` in Dutch): decimal comma,
    unit words, ≥ and ≤, also inside the margin's formula; the English keeps the decimal point and identifiers."""
    request = str(sample_dir() / "change-requests" / "cr-2026-07-below-floor.yaml")
    nl = CliRunner().invoke(build_cli(), ["change", "validate", request]).output  # Dutch by default
    assert "| Materialiteitsmarge (change_control.materiality_margin) | 0,05 |\n" in nl
    assert "\n- `availability`: 98,5\n" in nl
    assert ("| nieuw ≥ 98,5 %; bij inschrijving 99,5 % (leveranciersnorm); margegrens 99,475 % "
            "(marge 0,05: 99,5 − (100 − 99,5) × 0,05) | 2.2 (ii) |") in nl
    assert "(altijd gemarkeerd, ook met rechtvaardiging). nieuw ≥ 98,5 %; ondergrens 99 % (bijlage 12a)\n" in nl
    en = CliRunner().invoke(build_cli(), ["change", "validate", request, "--lang", "en"]).output
    assert "\n- `availability`: 98.5\n" in en
    assert ("| new >= 98.5 %; tendered 99.5 % (tender); margin bound 99.475 % (margin 0.05: 99.5 − (100 − 99.5) × 0.05) "
            "| 2.2 (ii) |") in en
    resolution = str(sample_dir() / "change-requests" / "cr-2026-01-stricter-resolution-p3.yaml")
    nl = CliRunner().invoke(build_cli(), ["change", "validate", resolution]).output
    assert ("| O1-resolution-p3/resolution norm per record | voldaan | niet lichter dan de bij inschrijving opgegeven "
            "norm | nieuw ≤ 20 werkuren; bij inschrijving 24 werkuren (leveranciersnorm); margegrens 25,2 werkuren "
            "(marge 0,05: 24 + 24 × 0,05) | 2.2 (ii) |") in nl
    en = CliRunner().invoke(build_cli(), ["change", "validate", resolution, "--lang", "en"]).output
    assert "| O1-resolution-p3/resolution per\\_record | met |" in en  # the English keeps the identifiers


def test_dutch_markdown_words_the_kpi_set_in_dutch_and_the_json_keeps_the_engines_sentences(tmp_path, catalogue,
                                                                                               contract):
    """The KPI set on the effective date was English in the Dutch verdict of every norm change; it is worded from
    the reason codes the details now carry (``kpi_states``), and the JSON keeps the English text as before."""
    request = str(sample_dir() / "change-requests" / "cr-2026-02-csat-within-margin.yaml")
    nl = CliRunner().invoke(build_cli(), ["change", "validate", request]).output
    assert ("| de KPI-samenstelling laat de wijziging toe | O3-csat op 2026-10-01: een KPI van doel O3 volgens bijlage "
            "12a, niet verwijderd via het normregister | 1 |\n") in nl
    v = judge(tmp_path, merge(SPEC["base"], {"change": "add_kpi", "rule": "O3-csat", "goal": "O3"}), contract, catalogue)
    [comp] = [c for c in to_data(v)["conditions"] if c["condition"] == "composition"]
    assert comp["details"]["problems"] == [
        "O3-csat is already a KPI on 2026-10-01: a KPI of goal O3 by the annex, not removed by the register"]
    assert comp["details"]["kpi_states"] == [{"kpi": "O3-csat", "day": "2026-10-01", "problem": "already_kpi",
                                              "entries": [], "why": {"code": "kpi_of_annex", "args": {"goal": "O3"}}}]
    assert ("O3-csat is op 2026-10-01 al een KPI: een KPI van doel O3 volgens bijlage 12a, niet verwijderd via het "
            "normregister | 1 |\n") in render_markdown(v, "nl")
    assert ("O3-csat is already a KPI on 2026-10-01: a KPI of goal O3 by the annex, not removed by the register | 1 |\n"
            in render_markdown(v, "en"))


def test_dutch_markdown_names_the_claim_in_the_annexs_words():
    request = str(sample_dir() / "change-requests" / "cr-2026-08-price-claim-not-stricter.yaml")
    nl = CliRunner().invoke(build_cli(), ["change", "validate", request]).output
    assert ("de gewijzigde norm is deels lichter dan bij inschrijving | risico-opslag | 1, 2.1 |\n") in nl
    en = CliRunner().invoke(build_cli(), ["change", "validate", request, "--lang", "en"]).output
    assert "the changed norm is partly weaker than the tendered norm | risk_surcharge | 1, 2.1 |\n" in en


def test_cli_bad_request_exits_2_with_located_problems(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: CR-X\ncontract_id: SIB-ICT-BEHEER-2026\nchange: norm\nrule: O3-csat\nclauses: {satisfied: {threshold: 82}}\n"
                    "effective_from: '2026-10-01'\nprice_claim: {kind: bonus}\n", encoding="utf-8")
    result = CliRunner().invoke(build_cli(), ["change", "validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}: line 7: $.price_claim.kind: 'bonus' is not allowed here; expected one of: risk_surcharge, price_revision" in result.output


def test_control_characters_and_non_mappings_are_bad_input(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_bytes(b"id: CR-\x00X\n")
    with pytest.raises(ChangeRequestError, match="not valid YAML: unacceptable character #x0000"):
        load_document(path, "change-request.schema.json")
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ChangeRequestError, match="line 1: expected a mapping of fields"):
        load_document(path, "change-request.schema.json")
    with pytest.raises(ChangeRequestError, match="file not found"):
        load_document(tmp_path / "missing.yaml", "change-request.schema.json")
