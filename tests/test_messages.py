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


def written(bundle: Path, manifest: str, records: list[dict], **files: str) -> Path:
    """A bundle folder: the manifest, the tickets, and any other file by name (``vulns_json=...`` is vulns.json)."""
    bundle.mkdir(parents=True)
    (bundle / "manifest.yaml").write_text(manifest, encoding="utf-8")
    (bundle / "tickets.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    for name, text in files.items():
        (bundle / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return bundle


def problems_in(bundle: Path) -> list[str]:
    with pytest.raises(EvidenceError) as info:
        load_bundle(bundle)
    return [str(p) for p in info.value.problems]


def problems_of(tmp_path: Path, records: list[dict], manifest: str = MANIFEST) -> list[str]:
    return problems_in(written(tmp_path / "b", manifest, records))


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


# --- an impossible order quotes both instants as written -----------------------------------------------------

def test_order_check_quotes_plus_one_plus_two_and_z_as_the_file_wrote_them(tmp_path):
    """Winter time (+01:00), summer time (+02:00) and UTC (Z) each come back in the file's own text, not
    converted: the user searches the export for exactly these characters."""
    winter = ticket(1, reported_at="2026-03-02T09:00:00+01:00", resolved_at="2026-03-02T08:30:00+01:00",
                    closed_at="2026-03-03T09:00:00+01:00",
                    events=[{"at": "2026-03-02T09:05:00+01:00", "type": "response"}])
    summer = ticket(2, events=[{"at": "2026-07-01T10:05:00+02:00", "type": "response"},
                               {"at": "2026-07-01T07:59:00Z", "type": "update"}])
    utc = ticket(3, reported_at="2026-07-01T08:00:00Z", resolved_at="2026-07-01T09:30:00+02:00",
                 events=[{"at": "2026-07-01T08:05:00Z", "type": "response"}])
    assert problems_of(tmp_path, [winter, summer, utc]) == [
        "b/tickets.jsonl: line 1 (INC-1): $.resolved_at: found resolved_at 2026-03-02T08:30:00+01:00 before "
        "reported_at 2026-03-02T09:00:00+01:00; expected reported_at ≤ resolved_at",
        "b/tickets.jsonl: line 2 (INC-2): $.events[1].at: found events[1].at 2026-07-01T07:59:00Z before "
        "reported_at 2026-07-01T10:00:00+02:00; expected reported_at ≤ events[].at",
        "b/tickets.jsonl: line 3 (INC-3): $.resolved_at: found resolved_at 2026-07-01T09:30:00+02:00 before "
        "reported_at 2026-07-01T08:00:00Z; expected reported_at ≤ resolved_at"]


def test_order_check_quotes_a_json_document_s_text_by_record(tmp_path):
    """A JSON (not JSON Lines) document is read again through the loaders' own reader, located by record."""
    manifest = MANIFEST + ("- kind: vulnerabilities\n  path: vulns.json\n  format: json\n"
                           "  covers: {from: '2026-07-01', to: '2026-09-30'}\n")
    vulns = [{"id": f"V-{i}", "asset_id": "SRV-1", "cvss": 8.1, "identified_at": found, "mitigated_at": fixed,
              "exception_id": None}
             for i, (found, fixed) in enumerate([("2026-07-01T10:00:00+02:00", "2026-07-05T10:00:00+02:00"),
                                                 ("2026-02-01T10:00:00+01:00", "2026-02-01T08:59:59Z")], 1)]
    bundle = written(tmp_path / "b", manifest, [ticket(1)], vulns_json=json.dumps(vulns, indent=1))
    assert problems_in(bundle) == [
        "b/vulns.json: record 2 (V-2): $.mitigated_at: found mitigated_at 2026-02-01T08:59:59Z before identified_at "
        "2026-02-01T10:00:00+01:00; expected identified_at ≤ mitigated_at"]


def test_a_document_that_cannot_be_read_again_gives_no_text(tmp_path):
    """Then the message falls back to UTC (the instant is still right, only not in the file's characters)."""
    from engine.readers import CsvOptions
    from engine.written import WrittenDocument

    doc = WrittenDocument(tmp_path / "gone.jsonl", "jsonl", {}, CsvOptions())
    assert doc.texts([("line 1", "$.reported_at")]) == [None]
    (tmp_path / "gone.jsonl").write_text('{"a": {"b": ["x", 7]}}\n', encoding="utf-8")
    assert doc.texts([("line 1", "$.a.b[0]"), ("line 1", "$.a.b[1]"), ("line 2", "$.a")]) == ["x", None, None]


def test_order_check_quotes_a_dutch_csv_cell_as_written(tmp_path):
    """A CSV cell in the manifest's dd-mm-yyyy format is quoted as the cell reads, not as its ISO conversion."""
    manifest = MANIFEST.replace("documents:", "default_timezone: Europe/Amsterdam\ndocuments:") + (
        "- kind: vulnerabilities\n  path: vulns.csv\n  format: csv\n  covers: {from: '2026-07-01', to: '2026-09-30'}\n"
        "  csv: {delimiter: ';', decimal: ',', date_format: dd-mm-yyyy}\n")
    bundle = written(tmp_path / "b", manifest, [ticket(1)],
                     vulns_csv="id;asset_id;cvss;identified_at;mitigated_at;exception_id\n"
                               "V-1;SRV-1;8,1;01-07-2026 10:00;05-07-2026 10:00;\n"
                               "V-2;SRV-1;8,1;02-07-2026 10:00;1-7-2026 9:15;\n")
    assert problems_in(bundle) == [
        "b/vulns.csv: line 3 (V-2): $.mitigated_at: found mitigated_at 1-7-2026 9:15 before identified_at "
        "02-07-2026 10:00; expected identified_at ≤ mitigated_at"]


def test_a_local_time_the_clocks_skip_is_refused_one_they_pass_twice_is_summer_time(tmp_path):
    """A naive timestamp is local time of the manifest's default_timezone; 02:30 on the last Sunday of March does
    not exist in Amsterdam (02:00 becomes 03:00), so no instant can be measured from it: a located error, never a
    guessed hour. 02:30 on the last Sunday of October happens twice; it is read as the first, summer time."""
    manifest = MANIFEST.replace("documents:", "default_timezone: Europe/Amsterdam\ndocuments:").replace(
        "2026-07-01", "2026-03-01")
    skipped = ticket(1, reported_at="2026-03-29T02:30:00", resolved_at=None, closed_at=None, status="open",
                     events=[])
    assert problems_of(tmp_path, [skipped, ticket(2)], manifest) == [
        "b/tickets.jsonl: line 1 (INC-1): $.reported_at: '2026-03-29T02:30:00' does not exist in Europe/Amsterdam: the "
        "clocks skip it (as when summer time begins); expected a local time that exists, or the timestamp with its "
        "offset"]
    twice = ticket(3, reported_at="2026-10-25T02:30:00", resolved_at=None, closed_at=None, status="open", events=[])
    bundle = written(tmp_path / "c" / "b", manifest, [twice])
    assert load_bundle(bundle).table("tickets").col("reported_at").tolist() == [1792888200]  # 00:30 UTC
