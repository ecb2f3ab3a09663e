"""The norm register: `change apply` appends a valid request (append-only, atomic), a hand-edited register that is
inconsistent is refused with located errors when the contract is loaded, and every audit judges each period by the
norm in force in it (changing a norm never rewrites an earlier period's result)."""
from __future__ import annotations

import dataclasses

import hashlib
import shutil

import pytest
import yaml
from click.testing import CliRunner

from engine.audit import run_audit
from engine.cli import build_cli
from engine.errors import SettingsError
from engine.model import Status
from engine.norms import kpi_not_in_force, norms_in_force
from engine.periods import parse_period
from engine.resources import sample_dir
from engine.rulefiles import Catalogue
from engine.settings import load_contract

from casefiles import write_bundle
from change_cases.helpers import CASES, merge

SAMPLE = sample_dir()
REGISTERS = yaml.safe_load((CASES / "registers.yaml").read_text(encoding="utf-8"))


def signed_request(tmp_path, entry):
    """Write the request an entry (without a ``request``) was recorded from, as `change apply` would have found
    it, and name it and its SHA-256 in a copy of the entry."""
    request = {k: entry[k] for k in ("id", "change", "rule", "replaces", "goal", "clauses") if k in entry}
    request.update(approvals=[{"party": p, "date": entry["agreed_on"]} for p in ("client", "supplier")],
                   effective_from=entry["effective_from"], contract_file_reference=entry["contract_file_reference"])
    rel = f"requests/{entry['id']}-{len(list(tmp_path.glob('requests/*')))}.yaml"
    (tmp_path / "requests").mkdir(parents=True, exist_ok=True)
    raw = yaml.safe_dump(request, sort_keys=False, allow_unicode=True).encode()
    (tmp_path / rel).write_bytes(raw)
    return dict(entry, request=rel, request_sha256=hashlib.sha256(raw).hexdigest())


def contract_with(tmp_path, register, extra=None, edits=None):
    """The sample contract with ``register`` (each entry's signed request written next to it unless it names one or
    lacks ``request_sha256``), ``extra`` merged over it, then ``edits`` (entry index → fields) made by hand."""
    data = yaml.safe_load((SAMPLE / "contract.yaml").read_text(encoding="utf-8"))
    tmp_path.mkdir(parents=True, exist_ok=True)
    register = [signed_request(tmp_path, e) if "request" not in e and "request_sha256" in e else e for e in register]
    data["norm_register"] = [merge(e, (edits or {}).get(i)) for i, e in enumerate(register)]
    path = tmp_path / "contract.yaml"
    tmp_path.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(merge(data, extra), sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --- hand-edited registers -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", REGISTERS["cases"], ids=[c["name"] for c in REGISTERS["cases"]])
def test_inconsistent_register_is_refused_when_loaded(case, tmp_path, catalogue):
    sha12 = ""
    for rel, text in (case.get("files") or {}).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
        sha12 = hashlib.sha256(text.encode()).hexdigest()[:12]
    path = contract_with(tmp_path, case["register"], case.get("settings"), case.get("edits"))
    want = [w.format(contract=path, sha12=sha12, dir=tmp_path) for w in case["want"]]
    if not want:
        assert len(load_contract(path, catalogue=catalogue).register) == len(case["register"])
        return
    with pytest.raises(SettingsError) as exc:
        load_contract(path, catalogue=catalogue)
    assert [str(p) for p in exc.value.problems] == want


def test_audit_cli_refuses_an_inconsistent_register(tmp_path):
    path = contract_with(tmp_path, [dict(REGISTERS["defaults"], effective_from="2026-11-01")])
    result = CliRunner().invoke(build_cli(), ["audit", "--sample", "--period", "2026-09", "--contract", str(path)])
    assert result.exit_code == 2
    assert "effective_from 2026-11-01 is not a quarter boundary" in result.output


# --- change apply ----------------------------------------------------------------------------------------------------

@pytest.fixture()
def workspace(tmp_path):
    shutil.copy(SAMPLE / "contract.yaml", tmp_path / "contract.yaml")
    shutil.copytree(SAMPLE / "change-requests", tmp_path / "requests")
    return tmp_path


def apply(ws, name):
    return CliRunner().invoke(build_cli(), ["change", "apply", str(ws / "requests" / name), "--contract", str(ws / "contract.yaml")])


def test_apply_appends_an_entry_and_keeps_the_rest_byte_for_byte(workspace):
    before = (workspace / "contract.yaml").read_text(encoding="utf-8")
    result = apply(workspace, "cr-2026-02-csat-within-margin.yaml")
    assert result.exit_code == 0, result.output
    after = (workspace / "contract.yaml").read_text(encoding="utf-8")
    head = before[:before.index("norm_register: []")]
    assert after.startswith(head)  # every other section, comments included, untouched
    sha = hashlib.sha256((workspace / "requests" / "cr-2026-02-csat-within-margin.yaml").read_bytes()).hexdigest()
    contract = load_contract(workspace / "contract.yaml")
    assert contract.register == [{
        "id": "CR-2026-02", "change": "norm", "rule": "O3-csat", "goal": "O3", "effective_from": "2026-10-01",
        "clauses": {"satisfied": {"threshold": 79}}, "agreed_on": "2026-06-18",
        "contract_file_reference": "Contractdossier SIB-ICT-BEHEER-2026, map 7, stuk 2026-02",
        "request": "requests/cr-2026-02-csat-within-margin.yaml", "request_sha256": sha}]
    assert 'effective_from: "2026-10-01"' in after  # dates stay strings for any YAML reader
    # the next agreement is appended after it; earlier entries stay as they were
    assert apply(workspace, "cr-2026-06-materially-weaker-justified.yaml").exit_code == 0
    third = (workspace / "contract.yaml").read_text(encoding="utf-8")
    assert third.startswith(after.rstrip("\n"))
    assert [e["id"] for e in load_contract(workspace / "contract.yaml").register] == ["CR-2026-02", "CR-2026-06"]


def test_apply_refuses_an_invalid_request_and_leaves_the_file(workspace):
    before = (workspace / "contract.yaml").read_bytes()
    result = apply(workspace, "cr-2026-03-one-approval-missing.yaml")
    assert result.exit_code == 1
    assert "CR-2026-03 is not allowed; nothing was recorded" in result.output
    assert (workspace / "contract.yaml").read_bytes() == before


def test_apply_refuses_a_second_recording_and_an_out_of_order_agreement(workspace):
    assert apply(workspace, "cr-2026-06-materially-weaker-justified.yaml").exit_code == 0
    before = (workspace / "contract.yaml").read_bytes()
    again = apply(workspace, "cr-2026-06-materially-weaker-justified.yaml")
    assert again.exit_code == 2 and "already recorded as register entry 1" in again.output
    late = apply(workspace, "cr-2026-02-csat-within-margin.yaml")  # agreed in June, after a September entry
    assert late.exit_code == 2
    assert "$.norm_register[1].agreed_on: out of order: agreed on 2026-06-18, before the entry above it (2026-09-10)" in late.output
    assert (workspace / "contract.yaml").read_bytes() == before


def test_apply_refuses_a_second_change_of_a_clause_from_the_same_date_as_validate_does(workspace):
    """Validate and apply agree: the conflicting entry is named and the request is not allowed (exit 1)."""
    assert apply(workspace, "cr-2026-06-materially-weaker-justified.yaml").exit_code == 0
    before = (workspace / "contract.yaml").read_bytes()
    second = workspace / "requests" / "cr-2026-06b.yaml"
    second.write_text((workspace / "requests" / "cr-2026-06-materially-weaker-justified.yaml").read_text(encoding="utf-8")
                      .replace("id: CR-2026-06", "id: CR-2026-06B"), encoding="utf-8")
    validate = CliRunner().invoke(build_cli(), ["change", "validate", str(second), "--contract", str(workspace / "contract.yaml")])
    result = apply(workspace, "cr-2026-06b.yaml")
    for r in (validate, result):
        assert r.exit_code == 1
        assert ("| (iii) Eenduidig in het contractdossier: geen andere wijziging van dezelfde norm per dezelfde datum | "
                "verzoek | **NIET voldaan** | een ander item in het normregister stelt deze norm per dezelfde datum al vast: "
                "welke norm geldt, is niet eenduidig | O1-first-response-p3/response wordt per 2026-10-01 ook vastgesteld door "
                "normregisteritem CR-2026-06 | 2.2 (iii) |") in r.output  # the engine's English worded in Dutch
    assert "CR-2026-06B is not allowed; nothing was recorded" in result.output
    assert (workspace / "contract.yaml").read_bytes() == before


def test_apply_appends_to_a_register_written_without_indentation(workspace):
    """PyYAML's default block style puts "- " at the key's column: the new item follows it, the rest is untouched."""
    path = contract_with(workspace, [dict(ENTRY, id="CR-P1", effective_from="2026-07-01", agreed_on="2026-06-10",
                                          clauses={"compliant": {"threshold": 95}})])
    before = path.read_text(encoding="utf-8")
    assert "\nnorm_register:\n- change: norm\n  rule: O5-patch-compliance\n" in before
    result = apply(workspace, "cr-2026-06-materially-weaker-justified.yaml")
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before) and after[len(before):].startswith("- id: CR-2026-06\n  change: norm\n")
    assert [e["id"] for e in load_contract(path).register] == ["CR-P1", "CR-2026-06"]


def test_apply_refuses_a_register_in_flow_style_with_its_line(workspace):
    path = workspace / "contract.yaml"
    entry = signed_request(workspace, dict(ENTRY, id="CR-P1", effective_from="2026-07-01", agreed_on="2026-06-10",
                                           clauses={"compliant": {"threshold": 95}}, contract_file_reference="x"))
    text = path.read_text(encoding="utf-8").replace(
        "norm_register: []", 'norm_register: [{id: CR-P1, change: norm, rule: O5-patch-compliance, goal: O5, '
        'effective_from: "2026-07-01", agreed_on: "2026-06-10", clauses: {compliant: {threshold: 95}}, '
        f'contract_file_reference: x, request: {entry["request"]}, request_sha256: "{entry["request_sha256"]}"}}]')
    path.write_text(text, encoding="utf-8")
    line = text[:text.index("norm_register: [")].count("\n") + 1
    result = apply(workspace, "cr-2026-06-materially-weaker-justified.yaml")
    assert result.exit_code == 2, result.output
    assert (f"{path}: line {line}: $.norm_register: norm_register is written in flow style ([...]), which cannot be "
            "appended to without rewriting earlier entries; write it as a block list") in result.output
    assert "internal error" not in result.output
    assert path.read_text(encoding="utf-8") == text


def test_editing_a_recorded_request_breaks_the_register(workspace):
    assert apply(workspace, "cr-2026-02-csat-within-margin.yaml").exit_code == 0
    req = workspace / "requests" / "cr-2026-02-csat-within-margin.yaml"
    req.write_text(req.read_text(encoding="utf-8").replace("threshold: 79", "threshold: 70"), encoding="utf-8")
    with pytest.raises(SettingsError, match=r"request_sha256: request file requests/cr-2026-02-csat-within-margin.yaml has SHA-256"):
        load_contract(workspace / "contract.yaml")


# --- the register in audits -----------------------------------------------------------------------------------------

def _patch_month(m: int) -> list[dict]:
    """Ten components patched in month m, nine before the deadline and one after it: 90 % compliant."""
    day = lambda d: f"2026-{m:02d}-{d:02d}T09:00:00+01:00"  # noqa: E731
    out = [{"id": f"PS-{m}-{i}", "component_id": f"WS-{m}-{i}", "component_type": "endpoint", "patch_id": f"KB-{m}",
            "available_at": day(2), "due_at": day(16), "installed_at": day(10)} for i in range(1, 10)]
    out.append({"id": f"PS-{m}-L", "component_id": f"NET-{m}", "component_type": "network_device", "patch_id": f"KB-{m}",
                "available_at": day(2), "due_at": day(16), "installed_at": day(20)})
    return out


@pytest.fixture(scope="module")
def patch_bundle(tmp_path_factory):
    root = tmp_path_factory.mktemp("patch")
    records = [r for m in range(1, 10) for r in _patch_month(m)]
    return write_bundle(root / "bundle", {"patch_states": records}, ["2026-01-01", "2026-09-30"], "2026-10-05T08:00:00+02:00")


ENTRY = {"change": "norm", "rule": "O5-patch-compliance", "goal": "O5", "contract_file_reference": "dossier 7/P",
         "request_sha256": "0" * 64}


def _audit(bundle, catalogue, contract_path, period):
    one = Catalogue(rules={"O5-patch-compliance": catalogue.rules["O5-patch-compliance"]}, goals=catalogue.goals,
                    root=catalogue.root)
    result = run_audit(bundle, parse_period(period), contract=load_contract(contract_path, catalogue=catalogue), catalogue=one)
    return {r.period: r for r in result.results if r.rule_id == "O5-patch-compliance" and r.primary}


def test_each_period_is_judged_by_the_norm_in_force_then(tmp_path, patch_bundle, catalogue):
    path = contract_with(tmp_path, [dict(ENTRY, id="CR-P1", effective_from="2026-04-01", agreed_on="2026-03-10",
                                         clauses={"compliant": {"threshold": 95}})])
    got = _audit(patch_bundle, catalogue, path, "2026-01..2026-06")
    table = {p: (r.status, r.clauses[0].value, r.clauses[0].threshold, r.clauses[0].origin) for p, r in got.items()}
    assert table == {
        "2026-01": (Status.PASS, 90.0, 90, "annex"), "2026-02": (Status.PASS, 90.0, 90, "annex"),
        "2026-03": (Status.PASS, 90.0, 90, "annex"),
        "2026-04": (Status.FAIL, 90.0, 95, "register:CR-P1"), "2026-05": (Status.FAIL, 90.0, 95, "register:CR-P1"),
        "2026-06": (Status.FAIL, 90.0, 95, "register:CR-P1")}
    # the earlier period audited on its own gives the same result as before the change was recorded
    before = _audit(patch_bundle, catalogue, contract_with(tmp_path / "b", []), "2026-03")
    after = _audit(patch_bundle, catalogue, path, "2026-03")
    assert (before["2026-03"].status, before["2026-03"].clauses) == (after["2026-03"].status, after["2026-03"].clauses)


def test_a_later_entry_overrides_an_earlier_one_from_its_date(tmp_path, patch_bundle, catalogue):
    path = contract_with(tmp_path, [
        dict(ENTRY, id="CR-P1", effective_from="2026-04-01", agreed_on="2026-03-10", clauses={"compliant": {"threshold": 95}}),
        dict(ENTRY, id="CR-P2", effective_from="2026-07-01", agreed_on="2026-06-10", clauses={"compliant": {"threshold": 85}})])
    got = _audit(patch_bundle, catalogue, path, "2026-05..2026-08")
    assert {p: (r.status, r.clauses[0].threshold, r.clauses[0].origin) for p, r in got.items()} == {
        "2026-05": (Status.FAIL, 95, "register:CR-P1"), "2026-06": (Status.FAIL, 95, "register:CR-P1"),
        "2026-07": (Status.PASS, 85, "register:CR-P2"), "2026-08": (Status.PASS, 85, "register:CR-P2")}


def test_a_removed_kpi_is_not_judged_after_its_effective_date(tmp_path, patch_bundle, catalogue):
    path = contract_with(tmp_path, [dict(ENTRY, id="CR-R", change="remove_kpi", effective_from="2026-07-01",
                                         agreed_on="2026-06-10")])
    got = _audit(patch_bundle, catalogue, path, "2026-05..2026-08")
    assert {p: r.status for p, r in got.items()} == {"2026-05": Status.PASS, "2026-06": Status.PASS,
                                                     "2026-07": Status.NOT_APPLICABLE, "2026-08": Status.NOT_APPLICABLE}
    assert got["2026-07"].message == "removed from goal O5 by register entry CR-R from 2026-07-01"
    assert got["2026-07"].measurement is None and got["2026-06"].clauses[0].origin == "annex"
    from engine import reasons
    from engine.serialize import to_data

    one = Catalogue(rules={"O5-patch-compliance": catalogue.rules["O5-patch-compliance"]}, goals=catalogue.goals,
                    root=catalogue.root)
    data = to_data(run_audit(patch_bundle, parse_period("2026-07"), contract=load_contract(path, catalogue=catalogue),
                             catalogue=one))
    [row] = [r for r in data["results"] if r["rule"] == "O5-patch-compliance" and r["period"] == "2026-07"]
    assert row["reasons"] == [{"code": "kpi_removed", "args": {"goal": "O5", "entry": "CR-R", "date": "2026-07-01"}}]
    assert reasons.from_data(row["reasons"], "nl") == "per 2026-07-01 uit doel O5 verwijderd door normregisteritem CR-R"


def test_an_added_kpi_is_judged_from_its_effective_date(tmp_path, catalogue):
    path = contract_with(tmp_path, [dict(ENTRY, id="CR-A", change="add_kpi", effective_from="2026-07-01",
                                         agreed_on="2026-06-10", clauses={"compliant": {"threshold": 92}})])
    contract = load_contract(path, catalogue=catalogue)
    rule = catalogue.rules["O5-patch-compliance"]
    from datetime import date

    why = kpi_not_in_force(rule, contract, date(2026, 6, 1))
    assert (why.code, why.text()) == ("kpi_not_added_yet",
                                      "not in force yet: added to goal O5 by register entry CR-A from 2026-07-01")
    assert why.text("nl") == "nog niet van kracht: per 2026-07-01 aan doel O5 toegevoegd door normregisteritem CR-A"
    assert kpi_not_in_force(rule, contract, date(2026, 7, 1)) is None
    norms = norms_in_force(rule, contract, date(2026, 7, 1))
    assert (norms["compliant"].threshold, norms["compliant"].origin) == (92, "register:CR-A")


def test_a_rule_file_outside_the_annex_is_audited_only_once_the_register_adds_it(tmp_path, patch_bundle, catalogue):
    """Audit and change control read one definition: a new rule file is no KPI of the contract until an add_kpi
    entry takes effect (annex §1: a change of the KPI set needs both parties' consent)."""
    new = dataclasses.replace(catalogue.rules["O5-patch-compliance"], id="O5-patch-latency")
    cat = Catalogue(rules={new.id: new}, goals=catalogue.goals, root=catalogue.root)
    full = Catalogue(rules={**catalogue.rules, new.id: new}, goals=catalogue.goals, root=catalogue.root)
    path = contract_with(tmp_path, [dict(ENTRY, id="CR-A", change="add_kpi", rule=new.id, effective_from="2026-07-01",
                                         agreed_on="2026-06-10", clauses={"compliant": {"threshold": 92}})])
    result = run_audit(patch_bundle, parse_period("2026-06..2026-07"), contract=load_contract(path, catalogue=full),
                       catalogue=cat)
    got = {r.period: r for r in result.results if r.primary}
    assert (got["2026-06"].status, got["2026-06"].message) == (
        Status.NOT_APPLICABLE, "not in force yet: added to goal O5 by register entry CR-A from 2026-07-01")
    assert (got["2026-07"].status, got["2026-07"].clauses[0].origin) == (Status.FAIL, "register:CR-A")
    unadded = run_audit(patch_bundle, parse_period("2026-07"), contract=load_contract(contract_with(tmp_path / "n", []),
                        catalogue=full), catalogue=cat)
    assert [(r.status, r.message) for r in unadded.results if r.primary] == [
        (Status.NOT_APPLICABLE, "a new rule file that no register entry adds to goal O5 (not a KPI of the annex)")]


def test_the_report_names_the_register_entry(tmp_path, patch_bundle, catalogue):
    from engine.report import render_report
    from engine.serialize import to_data

    path = contract_with(tmp_path, [dict(ENTRY, id="CR-P1", effective_from="2026-04-01", agreed_on="2026-03-10",
                                         clauses={"compliant": {"threshold": 95}})])
    one = Catalogue(rules={"O5-patch-compliance": catalogue.rules["O5-patch-compliance"]}, goals=catalogue.goals,
                    root=catalogue.root)
    result = run_audit(patch_bundle, parse_period("2026-04"), contract=load_contract(path, catalogue=catalogue), catalogue=one)
    data = to_data(result)
    primary = [x for x in data["results"] if x["rule"] == "O5-patch-compliance" and x["period"] == "2026-04"]
    assert primary[0]["clauses"][0]["norm_origin"] == "register:CR-P1"
    assert "| normregister CR-P1 |" in render_report(data, "nl")  # the entry, in the report's words


def test_register_helpers_name_the_entries_adding_a_kpi_and_the_clauses_an_entry_sets():
    from engine.changecontrol.register import clause_keys
    from engine.norms import _events, adding

    entries = [{"id": "LATE", "change": "add_kpi", "rule": "X", "effective_from": "2027-01-01"},
               {"id": "SWAP", "change": "replace_kpi", "rule": "Y", "replaces": "X", "effective_from": "2026-07-01"},
               {"id": "EARLY", "change": "replace_kpi", "rule": "X", "replaces": "Z", "effective_from": "2026-10-01",
                "clauses": {"a": {}, "b": {}}}]
    contract = dataclasses.replace(load_contract(), data={"norm_register": entries})
    assert [(i, e["id"]) for i, e in adding("X", contract)] == [(0, "LATE"), (2, "EARLY")]  # register order
    assert [(ev[0], ev[2], ev[3]["id"]) for ev in _events("X", contract)] == [
        ("2026-07-01", "remove", "SWAP"), ("2026-10-01", "add", "EARLY"), ("2027-01-01", "add", "LATE")]
    assert clause_keys(entries[2]) == [("X", "a", "2026-10-01"), ("X", "b", "2026-10-01")]
    assert clause_keys(entries[0]) == []
