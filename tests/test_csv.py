"""CSV as Dutch Excel saves it: BOM, ';', decimal comma, CRLF, quoted cells with newlines, dd-mm-yyyy dates."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.bundle import load_bundle
from engine.errors import ProblemCollector
from engine.readers import CsvOptions, read_records

SAMPLE = Path(__file__).parents[1] / "evidence" / "sample" / "bundle"
AMS = ZoneInfo("Europe/Amsterdam")

MANIFEST = """contract_id: SIB-ICT-BEHEER-2026
organisation: Stichting ICT Beheer
exported_at: '2026-10-05T07:00:00+02:00'
default_timezone: Europe/Amsterdam
documents:
- kind: vulnerabilities
  path: {vul}
  format: {fmt}
  covers: {{from: '2026-01-01', to: '2026-09-30'}}
{csv}- kind: security_exceptions
  path: {exc}
  format: {fmt}
  covers: {{from: '2026-01-01', to: '2026-09-30'}}
{csv}"""
DUTCH = "  csv: {delimiter: ';', decimal: ',', date_format: dd-mm-yyyy}\n"


def dutch_ts(text: str | None) -> str:
    if text is None:
        return ""
    return datetime.fromisoformat(text).astimezone(AMS).strftime("%d-%m-%Y %H:%M:%S")


def dutch_date(text: str | None) -> str:
    return "" if text is None else datetime.strptime(text, "%Y-%m-%d").strftime("%d-%m-%Y")


def cell(v) -> str:
    text = "" if v is None else str(v)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ';"\r\n') else text


def write_dutch(folder: Path, vulns: list[dict], excs: list[dict]) -> None:
    vcols = ["id", "asset_id", "title", "cve", "cvss", "identified_at", "mitigated_at", "remediation_term_days",
             "term_source", "exception_id"]
    lines = [";".join(vcols)]
    for v in vulns:
        row = {**v, "cvss": str(v["cvss"]).replace(".", ","), "identified_at": dutch_ts(v["identified_at"]),
               "mitigated_at": dutch_ts(v.get("mitigated_at"))}
        lines.append(";".join(cell(row.get(c)) for c in vcols))
    (folder / "kwetsbaarheden.csv").write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    ecols = ["id", "control", "scope", "reason", "compensating_control", "reeval_date", "valid_from", "expires_on",
             "approved_by", "reevaluated_on", "status"]
    lines = [";".join(ecols)]
    for e in excs:
        row = {**e, **{k: dutch_date(e.get(k)) for k in ("reeval_date", "valid_from", "expires_on", "reevaluated_on")}}
        lines.append(";".join(cell(row.get(c)) for c in ecols))
    (folder / "uitzonderingen.csv").write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    (folder / "manifest.yaml").write_text(MANIFEST.format(vul="kwetsbaarheden.csv", exc="uitzonderingen.csv",
                                                          fmt="csv", csv=DUTCH), encoding="utf-8")


def sample_records():
    vulns = [json.loads(x) for x in (SAMPLE / "vulnerabilities.jsonl").read_text(encoding="utf-8").splitlines() if x]
    excs = json.loads((SAMPLE / "security-exceptions.json").read_text(encoding="utf-8"))
    keep = {"id", "control", "scope", "reason", "compensating_control", "reeval_date", "valid_from", "expires_on",
            "approved_by", "reevaluated_on", "status"}
    return vulns, [{k: v for k, v in e.items() if k in keep} for e in excs]


def test_dutch_excel_csv_gives_the_same_audit_as_json_lines(tmp_path, catalogue, contract):
    from engine.audit import run_audit
    from engine.periods import parse_period
    from engine.serialize import to_data

    vulns, excs = sample_records()
    vulns[0] = {**vulns[0], "title": 'Kwetsbaarheid; "kritiek"\r\ntweede regel'}
    csv_dir, json_dir = tmp_path / "csv", tmp_path / "json"
    csv_dir.mkdir(), json_dir.mkdir()
    write_dutch(csv_dir, vulns, excs)
    (json_dir / "v.jsonl").write_text("".join(json.dumps(v) + "\n" for v in vulns), encoding="utf-8")
    (json_dir / "e.json").write_text(json.dumps(excs), encoding="utf-8")
    (json_dir / "manifest.yaml").write_text(MANIFEST.format(vul="v.jsonl", exc="e.json", fmt="jsonl", csv=""),
                                            encoding="utf-8")
    (json_dir / "manifest.yaml").write_text((json_dir / "manifest.yaml").read_text().replace(
        "path: e.json\n  format: jsonl", "path: e.json\n  format: json"), encoding="utf-8")
    from_csv, from_json = load_bundle(csv_dir), load_bundle(json_dir)
    t_csv, t_json = from_csv.table("vulnerabilities"), from_json.table("vulnerabilities")
    assert list(t_csv.ids) == list(t_json.ids) and len(t_csv) == len(vulns)
    for name in ("cvss", "identified_at", "mitigated_at"):
        assert t_csv.col(name).tolist() == t_json.col(name).tolist(), name
    assert t_csv.col("cvss")[1] == 8.1
    assert t_csv.col("title")[0] == 'Kwetsbaarheid; "kritiek"\r\ntweede regel'
    assert t_csv.sources[vulns[1]["id"]] == "csv/kwetsbaarheden.csv: line 4"  # record 0 spans lines 2-3
    for name in ("valid_from", "expires_on", "reeval_date"):
        assert from_csv.table("security_exceptions").col(name).tolist() == \
            from_json.table("security_exceptions").col(name).tolist()
    span = parse_period("2026-Q3")
    a = to_data(run_audit(from_csv, span, catalogue=catalogue, contract=contract))
    b = to_data(run_audit(from_json, span, catalogue=catalogue, contract=contract))
    pick = lambda d: [(x["rule"], x["period"], x["status"], x["clauses"], x["breaches"], x["waived"])
                      for x in d["results"] if x["rule"] == "T3-cvss-remediation"]
    strip = lambda rows: [(r, p, s, c, [x["id"] for x in br], w) for r, p, s, c, br, w in rows]
    assert strip(pick(a)) == strip(pick(b)) and pick(a)


SCHEMA = {"properties": {"id": {"type": "string"}, "parties": {"type": "array", "items": {"type": "string"}},
                         "ok": {"type": "boolean"}, "n": {"type": ["integer", "null"]}, "x": {"type": "number"},
                         "on": {"anyOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]}},
          "required": ["id"]}


def read(text: str, **opts):
    problems = ProblemCollector()
    recs = list(read_records(text.encode("utf-8"), "csv", "f.csv", problems, SCHEMA, CsvOptions(**opts)))
    return recs, [str(p) for p in problems.problems]


def test_cells_are_typed_from_the_schema():
    recs, problems = read("\ufeffid;parties;ok;n;x;on\r\nA;leverancier|KPN | ;WAAR;8,0;-8,25;31-12-2026\r\nB;;nee;;1;\r\n",
                          delimiter=";", decimal=",", date_format="dd-mm-yyyy")
    assert problems == []
    assert recs == [("line 2", {"id": "A", "parties": ["leverancier", "KPN"], "ok": True, "n": 8, "x": -8.25,
                                "on": "2026-12-31"}),
                    ("line 3", {"id": "B", "parties": [], "ok": False, "n": None, "x": 1.0, "on": None})]


@pytest.mark.parametrize("row, message", [
    ("A;;misschien;;1;", "f.csv: line 2 (A): $.ok: found 'misschien', expected true/false (or ja/nee, WAAR/ONWAAR, "
                         "1/0)"),
    ("A;;ja;;1e999;", "f.csv: line 2 (A): $.x: found '1e999', expected a number of at most 10^15 in magnitude"),
    ("A;;ja;;inf;", "f.csv: line 2 (A): $.x: found 'inf', expected a number with decimal separator '.' and no "
                    "thousands separator"),
    ("A;;ja;;;", "f.csv: line 2 (A): $.x: found an empty cell, expected a number"),
    ("A;;ja;;1;2026-12-31", "f.csv: line 2 (A): $.on: found '2026-12-31', expected dd-mm-yyyy as the manifest declares "
                            "(csv.date_format)"),
])
def test_bad_cells_are_named(row, message):
    date_format = "dd-mm-yyyy" if "2026" in row else "iso"
    _, problems = read("id;parties;ok;n;x;on\n" + row + "\n", delimiter=";", date_format=date_format)
    assert problems == [message]
