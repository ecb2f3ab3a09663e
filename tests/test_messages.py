"""The wording of two kinds of located error, asserted exactly: a field the schema does not know (named at its own
path, with what is allowed there) and an impossible order of two instants (each echoed as the file wrote it)."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from engine.bundle import load_bundle
from engine.errors import EvidenceError, schema_problems

MANIFEST = ("contract_id: SIB-ICT-BEHEER-2026\norganisation: Stichting ICT Beheer\n"
            "exported_at: '2026-10-05T07:00:00+02:00'\ndocuments:\n- kind: tickets\n  path: tickets.jsonl\n"
            "  format: jsonl\n  covers: {from: '2026-07-01', to: '2026-09-30'}\n")
EVENT_FIELDS = "at, type, by, party, from, to, note, line"
TICKET_FIELDS = ("id, type, priority, channel, organisation, title, category, reported_at, status, resolved_at, "
                 "closed_at, major_incident, owner, expected_resolution_at, resolving_parties, csat_score, events, "
                 "reported_by")


def ticket(i: int, **changes) -> dict:
    rec = {"id": f"INC-{i}", "type": "incident", "priority": "P3", "reported_at": "2026-07-01T10:00:00+02:00",
           "status": "closed", "resolved_at": "2026-07-01T12:00:00+02:00", "closed_at": "2026-07-02T12:00:00+02:00",
           "title": f"Storing {i}", "events": [{"at": "2026-07-01T10:05:00+02:00", "type": "response"},
                                               {"at": "2026-07-01T12:00:00+02:00", "type": "resolved"}]}
    rec.update(changes)
    return rec


def problems_of(tmp_path: Path, records: list[dict], manifest: str = MANIFEST) -> list[str]:
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "manifest.yaml").write_text(manifest, encoding="utf-8")
    (bundle / "tickets.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(EvidenceError) as info:
        load_bundle(bundle)
    return [str(p) for p in info.value.problems]


# --- unknown fields ------------------------------------------------------------------------------------------

def test_unknown_field_in_a_nested_list_item_is_named_at_its_path(tmp_path):
    bad = ticket(2, events=[{"at": "2026-07-01T10:05:00+02:00", "type": "response", "colour": "red"}])
    assert problems_of(tmp_path, [ticket(1), bad]) == [
        f"b/tickets.jsonl: line 2 (INC-2): $.events[0].colour: unknown field (allowed here: {EVENT_FIELDS})"]


def test_two_unknown_fields_are_two_problems_in_the_record_s_order(tmp_path):
    bad = ticket(1, zeta=1, alpha=None)
    assert problems_of(tmp_path, [bad]) == [
        f"b/tickets.jsonl: line 1 (INC-1): $.zeta: unknown field (allowed here: {TICKET_FIELDS})",
        f"b/tickets.jsonl: line 1 (INC-1): $.alpha: unknown field (allowed here: {TICKET_FIELDS})"]


def test_unknown_field_in_the_manifest(tmp_path):
    manifest = MANIFEST.replace("organisation:", "colour: blue\norganisation:").replace("  format:",
                                                                                           "  shape: x\n  format:")
    assert problems_of(tmp_path, [ticket(1)], manifest) == [
        "b/manifest.yaml: $.colour: unknown field (allowed here: contract_id, organisation, exported_at, "
        "default_timezone, description, documents)",
        "b/manifest.yaml: $.documents[0].shape: unknown field (allowed here: kind, path, format, sha256, covers, csv)"]


def _pairs(schema: dict, doc: object) -> list[tuple[list, str]]:
    return [pair for e in jsonschema.Draft202012Validator(schema).iter_errors(doc) for pair in schema_problems(e)]


def test_pattern_properties_are_allowed_and_named():
    schema = {"type": "object", "properties": {"a": {}}, "patternProperties": {"^x-": {}},
              "additionalProperties": False}
    assert _pairs(schema, {"a": 1, "x-note": 2, "b": 3}) == [
        (["b"], "unknown field (allowed here: a, a name matching ^x-)")]


def test_an_additional_properties_schema_is_no_unknown_field():
    """Only ``additionalProperties: false`` refuses a name; a schema there checks the value, in its own words."""
    schema = {"type": "object", "properties": {"a": {}}, "additionalProperties": {"type": "integer"}}
    assert _pairs(schema, {"a": "x", "b": 1}) == []
    assert _pairs(schema, {"b": "x"}) == [(["b"], "'x' is not of type 'integer'")]


def test_an_object_allowing_no_fields():
    assert _pairs({"type": "object", "properties": {}, "additionalProperties": False}, {"b": 1}) == [
        (["b"], "unknown field (no fields are allowed here)")]


def test_unknown_field_in_the_contract_settings():
    import yaml

    from engine.errors import SettingsError
    from engine.settings import check_contract_data, default_contract_path

    doc = yaml.safe_load(default_contract_path().read_text(encoding="utf-8"))
    doc["colour"] = "blue"
    with pytest.raises(SettingsError) as info:
        check_contract_data(doc, "contract.yaml", None)
    assert [str(p) for p in info.value.problems] == [
        "contract.yaml: $.colour: unknown field (allowed here: contract_id, title, client, supplier, calendar, "
        "tendered_norms, tender_sheet, change_control, norm_register)"]


def test_unknown_field_in_a_rule_s_measure_params_is_located_under_measure_params(tmp_path):
    import shutil

    from engine import resources
    from engine.errors import RuleFileError
    from engine.rulefiles import load_catalogue

    rules = tmp_path / "rules"
    shutil.copytree(resources.rules_dir(), rules)
    path = rules / "kpis" / "O1-first-response-p1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    clock: clock\n", "    clock: clock\n    klok: 1\n"),
                    encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_catalogue(rules)
    assert [(p.field, p.message) for p in info.value.problems] == [
        ("$.measure.params.klok", "unknown field (allowed here: document, start, clock, pause_third_party, where, "
                                  "durations)")]
