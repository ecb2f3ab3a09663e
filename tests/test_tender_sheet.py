"""The supplier's norm sheet (annex 12b) against annex 12a §2, §2.1 and §3: data-driven cases for each condition,
located input errors, and --write-contract turning a valid sheet into the contract's tendered norms."""
from __future__ import annotations

import json
import shutil

import pytest
import yaml
from click.testing import CliRunner

from engine.changecontrol.documents import load_document
from engine.changecontrol.quotes import DECLARATION
from engine.changecontrol.tender import tendered_norms, validate_sheet
from engine.cli import build_cli
from engine.errors import ChangeRequestError
from engine.resources import sample_dir
from engine.settings import load_contract

from change_cases.helpers import CASES, merge, pick, with_settings, write_yaml

SPEC = yaml.safe_load((CASES / "tender.yaml").read_text(encoding="utf-8"))
SHEET = sample_dir() / "tender-sheet.yaml"


def sample_sheet() -> dict:
    return load_document(SHEET, "tender-sheet.schema.json").data


def _merge_sheet(base: dict, over: dict | None) -> dict:
    out = merge(base, {k: v for k, v in (over or {}).items() if k not in ("norms", "service_window", "declaration")})
    for key in ("norms", "service_window", "declaration"):
        if over and key in over:
            out[key] = None if over[key] is None else merge(base.get(key) or {}, over[key])
            if out[key] is None:
                del out[key]
    return out


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["name"] for c in SPEC["cases"]])
def test_sheet_case(case, tmp_path, catalogue, contract):
    sheet = _merge_sheet(sample_sheet(), case.get("sheet"))
    doc = load_document(write_yaml(tmp_path / "sheet.yaml", sheet), "tender-sheet.schema.json")
    verdict = validate_sheet(doc, with_settings(contract, case.get("contract")), catalogue)
    want = case["want"]
    assert verdict.valid is want["valid"], [(r.condition, r.subject, r.reasons) for r in verdict.conditions
                                             if r.outcome.value == "not_met"]
    for key, outcome in (want.get("conditions") or {}).items():
        assert {r.outcome.value for r in pick(verdict.conditions, key)} == {outcome}, key
    for key, rules in (want.get("reasons") or {}).items():
        got = pick(verdict.conditions, key)
        assert {tuple(g.reasons) for g in got} == {tuple(rules)}, key
    for key, details in (want.get("details") or {}).items():
        got = pick(verdict.conditions, key)[0].details
        assert {k: got[k] for k in details} == details, key


def test_required_norms_come_from_the_rule_files(catalogue, contract, tmp_path):
    """Every supplier and client-floor rule of the catalogue is asked for, and nothing else."""
    verdict = validate_sheet(load_document(SHEET, "tender-sheet.schema.json"), contract, catalogue)
    asked = sorted({r.details["rule"] for r in verdict.conditions if r.condition == "tender_present"})
    expected = sorted(r.id for r in catalogue.rules.values()
                      if r.norm_status.value in ("supplier", "client_floor_supplier") and not r.id.startswith("SW-")
                      and any(c.threshold is None or c.per_record is not None for c in r.norm.clauses))
    assert asked == expected
    assert set(asked) <= set(sample_sheet()["norms"])


def test_the_declaration_is_section_2_1_verbatim_and_may_be_reflowed():
    assert DECLARATION.startswith("Inschrijver verklaart kennis te hebben genomen van Bijlage 12")
    assert " ".join(sample_sheet()["declaration"]["text"].split()) == DECLARATION


def test_bad_sheets_are_located(tmp_path, catalogue, contract):
    sheet = sample_sheet()
    sheet["service_window"] = {"mon": {"open": "8:00", "close": "18:00"}, "tue": {"open": "18:00", "close": "08:00"}}
    sheet["norms"]["O3-csat"] = {"satisfied": {"treshold": 80}}
    path = write_yaml(tmp_path / "sheet.yaml", sheet)
    with pytest.raises(ChangeRequestError) as exc:
        load_document(path, "tender-sheet.schema.json")
    msgs = [str(p) for p in exc.value.problems]
    assert any(m.endswith("$.norms.O3-csat.satisfied: unknown field 'treshold' (allowed: per_record, threshold)") for m in msgs)
    assert any("$.service_window.mon.open: '8:00' does not have the expected form" in m for m in msgs)
    sheet["service_window"]["mon"]["open"] = "08:00"
    sheet["norms"]["O3-csat"] = {"satisfied": {"threshold": 80}}
    sheet["contract_id"] = "OTHER"
    doc = load_document(write_yaml(tmp_path / "sheet2.yaml", sheet), "tender-sheet.schema.json")
    with pytest.raises(ChangeRequestError) as exc:
        validate_sheet(doc, contract, catalogue)
    src = str(tmp_path / "sheet2.yaml")
    assert [str(p) for p in exc.value.problems] == [
        f"{src}: $.contract_id: sheet is for contract 'OTHER', the contract settings are 'SIB-ICT-BEHEER-2026'",
        f"{src}: $.service_window.tue: closes at 08:00, not after it opens at 18:00"]


def test_sample_sheet_matches_the_sample_contracts_tendered_norms(contract):
    assert tendered_norms(sample_sheet()) == json.loads(json.dumps(dict(contract.data["tendered_norms"])))


def test_write_contract_replaces_the_tendered_norms_atomically(tmp_path):
    target = tmp_path / "contract.yaml"
    shutil.copy(sample_dir() / "contract.yaml", target)
    text = target.read_text(encoding="utf-8")
    sheet = sample_sheet()
    sheet["norms"]["O3-csat"] = {"satisfied": {"threshold": 85}}
    src = write_yaml(tmp_path / "sheet.yaml", sheet)
    result = CliRunner().invoke(build_cli(), ["tender", "validate", str(src), "--contract", str(target),
                                              "--write-contract", str(target), "--format", "json"])
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    assert after.startswith(text[:text.index("# Annex 12b as validated at award")])  # calendar etc. untouched
    loaded = load_contract(target)
    assert loaded.data["tendered_norms"]["O3-csat"] == {"satisfied": {"threshold": 85}}
    assert loaded.data["tendered_norms"] == tendered_norms(sheet)
    ref = loaded.data["tender_sheet"]
    assert (ref["source"], ref["supplier"], ref["declaration_date"]) == (str(src), "Voorbeeld Managed Services B.V.", "2025-06-30")
    assert len(ref["sha256"]) == 64 and loaded.data["change_control"]["materiality_margin"] == 0.05
    # writing it again changes nothing (deterministic)
    CliRunner().invoke(build_cli(), ["tender", "validate", str(src), "--contract", str(target), "--write-contract", str(target)])
    assert target.read_text(encoding="utf-8") == after


def test_write_contract_refuses_an_invalid_sheet(tmp_path):
    target = tmp_path / "contract.yaml"
    shutil.copy(sample_dir() / "contract.yaml", target)
    before = target.read_bytes()
    sheet = sample_sheet()
    sheet["norms"]["O3-csat"] = {"satisfied": {"threshold": 70}}
    src = write_yaml(tmp_path / "sheet.yaml", sheet)
    result = CliRunner().invoke(build_cli(), ["tender", "validate", str(src), "--write-contract", str(target)])
    assert result.exit_code == 1
    assert "the sheet is not valid; " in result.output and target.read_bytes() == before


def test_markdown_lists_each_condition_with_its_source(catalogue, contract):
    from engine.changecontrol.render import render_markdown

    md = render_markdown(validate_sheet(load_document(SHEET, "tender-sheet.schema.json"), contract, catalogue), "en")
    assert "**Verdict: VALID: the sheet complies**" in md
    assert ("| Equal to or stricter than the buyer's floor | T2-impactful-change-lead-time/lead\\_time per\\_record | met | "
            "equal to or stricter than the buyer's floor | new <= 12 working_days; floor 15 working_days (annex) | 2 |") in md
    assert "> Per leveranciersnorm geldt een door de Aanbestedende dienst vastgestelde minimumdrempel;" in md
