"""The supplier's norm sheet (annex 12b) against annex 12a §2, §2.1 and §3: data-driven cases for each condition,
located input errors, and --write-contract turning a valid sheet into the contract's tendered norms."""
from __future__ import annotations

import hashlib
import json
import shutil

import pytest
import yaml
from click.testing import CliRunner

from engine.changecontrol.documents import load_document
from engine.changecontrol.register import replace_block
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
    assert any(m.endswith("$.norms.O3-csat.satisfied.treshold: unknown field (allowed here: threshold, per_record)") for m in msgs)
    assert any("$.service_window.mon.open: '8:00' does not have the expected form" in m for m in msgs)
    sheet["service_window"]["mon"]["open"] = "08:00"
    sheet["norms"]["O3-csat"] = {"satisfied": {"threshold": 80}}
    sheet["contract_id"] = "OTHER"
    doc = load_document(write_yaml(tmp_path / "sheet2.yaml", sheet), "tender-sheet.schema.json")
    with pytest.raises(ChangeRequestError) as exc:
        validate_sheet(doc, contract, catalogue)
    src = str(tmp_path / "sheet2.yaml")
    assert [str(p) for p in exc.value.problems] == [
        f"{src}: line 2: $.contract_id: sheet is for contract 'OTHER', the contract settings are 'SIB-ICT-BEHEER-2026'",
        f"{src}: line 61: $.service_window.tue: closes at 08:00, not after it opens at 18:00"]


def test_a_percentage_norm_outside_0_to_100_is_bad_input(tmp_path, catalogue, contract):
    sheet = sample_sheet()
    sheet["norms"]["O3-csat"] = {"satisfied": {"threshold": 150}}
    sheet["norms"]["O4-network-availability"] = {"availability": {"threshold": -5}}
    src = write_yaml(tmp_path / "sheet3.yaml", sheet)
    with pytest.raises(ChangeRequestError) as exc:
        validate_sheet(load_document(src, "tender-sheet.schema.json"), contract, catalogue)
    assert [str(p) for p in exc.value.problems] == [
        f"{src}: line 49: $.norms.O3-csat.satisfied.threshold: 150 % is not a percentage (expected 0 to 100)",
        f"{src}: line 55: $.norms.O4-network-availability.availability.threshold: -5 % is not a percentage "
        "(expected 0 to 100)"]
    assert tender(src).exit_code == 2


def test_sample_sheet_matches_the_sample_contracts_tendered_norms(contract):
    assert tendered_norms(sample_sheet()) == json.loads(json.dumps(dict(contract.data["tendered_norms"])))


def awarded_contract(tmp_path, **over):
    """A copy of the sample contract before award: no tendered norms yet (``over`` merged over it)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    target = tmp_path / "contract.yaml"
    text = replace_block((sample_dir() / "contract.yaml").read_text(encoding="utf-8"), "tendered_norms", {})
    data = yaml.safe_load(text)
    if over:
        text = yaml.safe_dump(merge(data, over), sort_keys=False, allow_unicode=True)
    target.write_text(text, encoding="utf-8")
    return target


def sample_contract_copy(tmp_path):
    """A copy of the sample contract to write into, and its bytes before."""
    target = tmp_path / "contract.yaml"
    shutil.copy(sample_dir() / "contract.yaml", target)
    return target, target.read_bytes()


def tender(*args):
    return CliRunner().invoke(build_cli(), ["tender", "validate", *map(str, args)])


def test_write_contract_writes_the_tendered_norms_atomically(tmp_path):
    target = awarded_contract(tmp_path)
    text = target.read_text(encoding="utf-8")
    sheet = sample_sheet()
    sheet["norms"]["O3-csat"] = {"satisfied": {"threshold": 85}}
    src = write_yaml(tmp_path / "sheet.yaml", sheet)
    result = tender(src, "--contract", target, "--write-contract", target, "--format", "json")
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    assert after.startswith(text[:text.index("# Annex 12b as validated at award")])  # calendar etc. untouched
    loaded = load_contract(target)
    assert loaded.data["tendered_norms"]["O3-csat"] == {"satisfied": {"threshold": 85}}
    assert loaded.data["tendered_norms"] == tendered_norms(sheet)
    ref = loaded.data["tender_sheet"]
    assert (ref["source"], ref["supplier"], ref["declaration_date"]) == (str(src), "Voorbeeld Managed Services B.V.", "2025-06-30")
    assert len(ref["sha256"]) == 64 and loaded.data["change_control"]["materiality_margin"] == 0.05
    # the same sheet again (same SHA-256) changes nothing
    again = tender(src, "--write-contract", target)
    assert again.exit_code == 0 and "already holds the tendered norms of this sheet (same SHA-256); not changed" in again.output
    assert target.read_text(encoding="utf-8") == after


def test_a_second_sheet_never_replaces_the_tendered_norms(tmp_path):
    """Annex 12a §2.1: the tendered norms are the contractual reference for the whole contract period."""
    target = awarded_contract(tmp_path)
    first = write_yaml(tmp_path / "sheet.yaml", sample_sheet())
    assert tender(first, "--write-contract", target).exit_code == 0
    after = target.read_bytes()
    sha = load_contract(target).data["tender_sheet"]["sha256"]
    sheet = sample_sheet()
    sheet["norms"]["O3-csat"] = {"satisfied": {"threshold": 85}}
    second = write_yaml(tmp_path / "sheet2.yaml", sheet)
    result = tender(second, "--write-contract", target)
    assert result.exit_code == 2
    new_sha = hashlib.sha256(second.read_bytes()).hexdigest()
    assert result.output.splitlines()[-1] == (
        f"{target}: $.tender_sheet: already holds the tendered norms of sheet {first} (SHA-256 {sha}), norms that are "
        "the contractual reference for the whole contract period (annex 12a §2.1); a later change goes through "
        f"`slacheck change validate` and `change apply`; this sheet's SHA-256 is {new_sha}")
    assert "Verdict" not in result.output and target.read_bytes() == after


def test_tendered_norms_set_without_a_sheet_are_kept(tmp_path):
    """The sample contract holds the sample sheet's norms (no tender_sheet): that sheet may be recorded, no other."""
    target, before = sample_contract_copy(tmp_path)
    sheet = sample_sheet()
    sheet["norms"]["O3-csat"] = {"satisfied": {"threshold": 85}}
    result = tender(write_yaml(tmp_path / "other.yaml", sheet), "--write-contract", target)
    assert result.exit_code == 2 and target.read_bytes() == before
    assert result.output.splitlines()[-1].startswith(f"{target}: $.tendered_norms: already holds tendered norms other "
                                                      "than this sheet's, norms that are the contractual reference")
    assert tender(SHEET, "--write-contract", target).exit_code == 0
    loaded = load_contract(target)
    assert loaded.data["tender_sheet"]["sha256"] == hashlib.sha256(SHEET.read_bytes()).hexdigest()
    assert loaded.data["tendered_norms"] == tendered_norms(sample_sheet())


def test_write_contract_judges_against_the_contract_it_writes(tmp_path):
    """Its id and its floors, not those of --contract (default: the sample's)."""
    sheet = write_yaml(tmp_path / "sheet.yaml", sample_sheet())
    other = awarded_contract(tmp_path, contract_id="OTHER-CONTRACT-2027")
    result = tender(sheet, "--write-contract", other)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (f"{sheet}: line 2: $.contract_id: sheet is for contract 'SIB-ICT-BEHEER-2026', "
                                              "the contract settings are 'OTHER-CONTRACT-2027'")
    stricter = awarded_contract(tmp_path / "f", change_control={"tender_floors": {
        "O1-resolution-p3": {"resolution": {"threshold": 95, "per_record": {"limit": 40, "unit": "business_h"}}}}})
    before = stricter.read_bytes()
    result = tender(sheet, "--write-contract", stricter, "--format", "json")
    assert result.exit_code == 1 and stricter.read_bytes() == before
    verdict = json.loads(result.stdout)
    floor = [r for r in verdict["conditions"]
             if r["condition"] == "tender_floor" and r["subject"] == "O1-resolution-p3/resolution threshold"]
    assert (floor[0]["outcome"], floor[0]["details"]["new"], floor[0]["details"]["floor"]) == ("not_met", 90, 95)
    assert verdict["info"]["contract_source"] == str(stricter)
    mixed = tender(sheet, "--contract", sample_dir() / "contract.yaml", "--write-contract", stricter)
    assert mixed.exit_code == 2 and stricter.read_bytes() == before
    assert mixed.output.splitlines()[-1] == (
        f"--write-contract: writes into {stricter}, but --contract names {sample_dir() / 'contract.yaml'}: the sheet is "
        "checked against the contract it is written into (its id and floors); give one of them, or the same file twice")


def test_write_contract_refuses_an_invalid_sheet(tmp_path):
    target, before = sample_contract_copy(tmp_path)
    sheet = sample_sheet()
    sheet["norms"]["O3-csat"] = {"satisfied": {"threshold": 70}}
    result = tender(write_yaml(tmp_path / "sheet.yaml", sheet), "--write-contract", target)
    assert result.exit_code == 1
    assert "the sheet is not valid; " in result.output and target.read_bytes() == before


def test_markdown_lists_each_condition_with_its_source(catalogue, contract):
    from engine.changecontrol.render import render_markdown

    md = render_markdown(validate_sheet(load_document(SHEET, "tender-sheet.schema.json"), contract, catalogue), "en")
    assert "**Verdict: VALID: the sheet complies**" in md
    assert ("| Equal to or stricter than the buyer's floor | T2-impactful-change-lead-time/lead\\_time per\\_record | met | "
            "equal to or stricter than the buyer's floor | new <= 12 working_days; floor 15 working_days (annex) | 2 |") in md
    assert "> Per leveranciersnorm geldt een door de Aanbestedende dienst vastgestelde minimumdrempel;" in md


def test_a_tendered_wider_window_is_the_service_window_measured_with(tmp_path):
    """Annex 12a §3: "Leverancier mag bij inschrijving optioneel een ruimer servicevenster aanbieden"; "daarna geldt
    deze als contractuele norm". Written with the sheet, it replaces calendar.service_window; the report says so."""
    from engine.audit import run_audit, service_calendar
    from engine.periods import parse_period
    from engine.report import render_report
    from engine.serialize import to_data
    from engine.timeparse import parse_ts

    wide = {d: {"open": "07:00", "close": "20:00"} for d in ("mon", "tue", "wed", "thu", "fri")}
    sheet = dict(sample_sheet(), service_window=wide)
    src = write_yaml(tmp_path / "sheet-wide.yaml", sheet)
    target = awarded_contract(tmp_path)
    assert tender(src, "--write-contract", target).exit_code == 0
    contract = load_contract(target)
    start, end = parse_ts("2026-03-03T16:00:00+01:00", None), parse_ts("2026-03-04T10:00:00+01:00", None)
    org = "Stichting ICT Beheer"
    assert service_calendar(contract, org).business_seconds_one(start, end) == 7 * 3600  # 16-20 and 07-10
    assert service_calendar(load_contract(), org).business_seconds_one(start, end) == 4 * 3600  # 16-18 and 08-10
    data = to_data(run_audit(sample_dir() / "bundle", parse_period("2026-09"), contract=contract))
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    assert data["contract"]["service_window"] == {
        "days": [{"day": d, "open": "07:00" if d in wide else None, "close": "20:00" if d in wide else None}
                 for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")],
        "from": "tender_sheet", "source": str(src), "sha256": sha}
    md = render_report(data, "en")
    shown = str(src).replace("_", "\\_")  # Markdown-escaped
    assert (f"The wider service window offered at tender is the contractual norm (annex 12a §3), from the sheet {shown} "
            f"(SHA-256 `{sha}`) recorded in the contract settings (`tender_sheet`).") in md
    assert "| Monday | 07:00–20:00 |" in md and "| Saturday | closed |" in md


def test_dutch_markdown_asks_to_set_an_unknown_floor(catalogue, contract):
    from engine.changecontrol.render import render_markdown

    settings = with_settings(contract, {"change_control": {"tender_floors": {"O2-standard-change-quality": None}}})
    md = render_markdown(validate_sheet(load_document(SHEET, "tender-sheet.schema.json"), settings, catalogue), "nl")
    assert ("| Gelijk aan of beter dan de minimumdrempel | O2-standard-change-quality/first\\_time\\_right normwaarde | "
            "**NIET voldaan** | minimumdrempel onbekend: niet te toetsen (stel change_control.tender_floors in) |") in md


def test_dutch_markdown_names_the_days_and_the_sheet_in_dutch(catalogue, contract):
    from engine.changecontrol.render import render_markdown

    verdict = validate_sheet(load_document(SHEET, "tender-sheet.schema.json"), contract, catalogue)
    md = render_markdown(verdict, "nl")
    assert "| Servicevenster bevat werkdagen 08:00–18:00 | maandag | voldaan | bevat 08:00–18:00 | 08:00–18:00 | 3 |" in md
    assert "| Verklaring bij Inschrijving (§2.1) | invulblad | voldaan |" in md
    assert "| mon |" in render_markdown(verdict, "en")  # the English keeps the identifiers
    assert ("| Gelijk aan of beter dan de minimumdrempel | T2-impactful-change-lead-time/lead\\_time norm per record | "
            "voldaan | gelijk aan of beter dan de minimumdrempel | nieuw ≤ 12 werkdagen; ondergrens 15 werkdagen "
            "(bijlage 12a) | 2 |") in md
    assert ("| O4-network-availability/availability normwaarde | voldaan | gelijk aan of beter dan de minimumdrempel | "
            "nieuw ≥ 99,5 %; ondergrens 99 % (bijlage 12a) | 2 |") in md  # a decimal comma, as the report writes it
    assert "new >= 99.5 %; floor 99 % (annex)" in render_markdown(verdict, "en")
    assert ("| O1-first-response-p3/response normwaarde | voldaan | gelijk aan of beter dan de minimumdrempel | nieuw ≥ "
            "90 %; ondergrens 80 % (contractinstellingen (change_control.tender_floors)) | 2 |") in md
