"""One-off generator of tests/bad_bundles (kept in /tmp; the corpus itself is committed)."""
import json, os, shutil, hashlib
from pathlib import Path

ROOT = Path("/work/main/tests/bad_bundles")
COV = {"from": "2026-07-01", "to": "2026-09-30"}
T = lambda i, **kw: {**{"id": f"INC-{i}", "type": "incident", "priority": "P3", "reported_at": "2026-07-01T10:00:00+02:00",
                        "status": "closed", "resolved_at": "2026-07-01T12:00:00+02:00", "closed_at": "2026-07-02T12:00:00+02:00",
                        "title": f"Storing {i}",
                        "events": [{"at": "2026-07-01T10:05:00+02:00", "type": "response", "by": "servicedesk"},
                                   {"at": "2026-07-01T12:00:00+02:00", "type": "resolved"}]}, **kw}
V = lambda i, **kw: {**{"id": f"V-{i}", "asset_id": "SRV-1", "cvss": 8.1, "identified_at": "2026-07-01T10:00:00+02:00",
                        "mitigated_at": "2026-07-05T10:00:00+02:00", "exception_id": None}, **kw}
X = lambda i, **kw: {**{"id": f"EXC-{i}", "valid_from": "2026-07-01", "reeval_date": "2026-08-01", "expires_on": "2026-12-31",
                        "status": "active"}, **kw}

def jsonl(recs): return "".join(json.dumps(r) + "\n" for r in recs)

def _opts(o):
    csv_keys = {k: v for k, v in o.items() if k in ("delimiter", "decimal", "date_format")}
    rest = {k: v for k, v in o.items() if k not in csv_keys}
    return {**rest, **({"csv": csv_keys} if csv_keys else {})}

def manifest(docs, extra=""):
    lines = ["contract_id: SIB-ICT-BEHEER-2026", "organisation: Stichting ICT Beheer",
             "exported_at: '2026-10-05T07:00:00+02:00'", extra, "documents:"]
    for d in docs:
        lines.append(f"- kind: {d[0]}\n  path: {json.dumps(d[1])}\n  format: {d[2]}\n  covers: {{from: '2026-07-01', to: '2026-09-30'}}"
                     + "".join(f"\n  {k}: {json.dumps(v)}" for k, v in _opts(d[3] if len(d) > 3 else {}).items()))
    return "\n".join(l for l in lines if l) + "\n"

def case(name, files, mani=None):
    d = ROOT / name
    if d.exists(): shutil.rmtree(d)
    d.mkdir(parents=True)
    for rel, content in files.items():
        p = d / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes): p.write_bytes(content)
        else: p.write_text(content, encoding="utf-8", newline="")
    if mani is not None:
        (d / "manifest.yaml").write_text(mani, encoding="utf-8")
    return d

TK = [("tickets", "tickets.jsonl", "jsonl")]
good_tickets = jsonl([T(1), T(2)])

case("no-manifest", {"tickets.jsonl": good_tickets})
case("manifest-python-tag", {"tickets.jsonl": good_tickets},
     manifest(TK).replace("organisation: Stichting ICT Beheer", "organisation: !!python/object/apply:os.system ['echo pwned']"))
case("manifest-schema", {"tickets.jsonl": good_tickets},
     "contract_id: ''\norganisation: Stichting ICT Beheer\ndocuments:\n- kind: tickets\n  path: tickets.jsonl\n  format: xlsx\n"
     "  sha256: ABC\n  covers: {from: '2026-07-01', to: '2026-09-30'}\n  colour: blue\n")
case("manifest-duplicate-key", {"tickets.jsonl": good_tickets}, manifest(TK).replace("organisation:", "contract_id: X\norganisation:"))
case("manifest-bad-dates", {"tickets.jsonl": good_tickets},
     manifest(TK).replace("2026-10-05T07:00:00+02:00", "2026-10-05T07:00:00").replace("from: '2026-07-01', to: '2026-09-30'", "from: '2026-09-30', to: '2026-02-30'")
     + "default_timezone: Europe/Amsterdm\n")
case("unknown-kind", {"tickets.jsonl": good_tickets}, manifest([("tikkets", "tickets.jsonl", "jsonl")]))
case("path-parent", {"tickets.jsonl": good_tickets}, manifest([("tickets", "../no-manifest/tickets.jsonl", "jsonl")]))
case("path-absolute", {}, manifest([("tickets", "/etc/passwd", "csv")]))
d = case("path-symlink", {}, manifest([("tickets", "tickets.jsonl", "jsonl")]))
os.symlink("../no-manifest/tickets.jsonl", d / "tickets.jsonl")
case("document-missing", {}, manifest([("tickets", "tickets.jsonl", "jsonl")]))
case("document-is-folder", {"tickets.jsonl/README": "a folder, not a file\n"}, manifest(TK))
import random
rng = random.Random(7)
case("binary-garbage", {"tickets.jsonl": bytes(rng.randrange(256) for _ in range(300)),
                        "vulnerabilities.json": b"\x00\x01PK\x03\x04garbage"},
     manifest(TK + [("vulnerabilities", "vulnerabilities.json", "json")]))
case("json-truncated", {"vulnerabilities.json": json.dumps([V(1), V(2)])[:90]}, manifest([("vulnerabilities", "vulnerabilities.json", "json")]))
case("json-not-a-list", {"vulnerabilities.json": json.dumps({"items": [V(1)]})}, manifest([("vulnerabilities", "vulnerabilities.json", "json")]))
case("jsonl-bad-lines", {"tickets.jsonl": jsonl([T(1)]) + "{\"id\": \"INC-2\",\n\n[1, 2\n" + jsonl([T(3)]) + "not json at all\n"}, manifest(TK))
deep = T(2); deep["events"][1]["at"] = 20260701; deep["events"][0]["type"] = "reply"; deep["events"][0]["extra"] = 1
case("schema-deep-types", {"tickets.jsonl": jsonl([T(1, priority="P9", major_incident="yes"), deep,
                                                   T(3, reported_at=None, csat_score=11), {k: v for k, v in T(4).items() if k != "events"},
                                                   [1, 2], T(6, resolved_at="yesterday", owner=["a"])])}, manifest(TK))
case("huge-numbers", {"vulnerabilities.yaml": "- {id: V-1, asset_id: S, cvss: .nan, identified_at: '2026-07-01T10:00:00+02:00', mitigated_at: null}\n"
                                              "- {id: V-2, asset_id: S, cvss: 8.1, identified_at: '2026-07-01T10:00:00+02:00', mitigated_at: null, remediation_term_days: 100000000000000000000000}\n"
                                              "- {id: V-3, asset_id: S, cvss: 1e400, identified_at: '2026-07-01T10:00:00+02:00', mitigated_at: null}\n",
                      "more.jsonl": jsonl([V(4, remediation_term_days=10**19)]) + '{"id": "V-5", "asset_id": "S", "cvss": 1e999, "identified_at": "2026-07-01T10:00:00+02:00", "mitigated_at": null}\n'
                                    + '{"id": "V-6", "asset_id": "S", "cvss": 8, "identified_at": "2026-07-01T10:00:00+02:00", "mitigated_at": null, "remediation_term_days": 123456789012345678901234567890}\n'},
     manifest([("vulnerabilities", "vulnerabilities.yaml", "yaml"), ("vulnerabilities", "more.jsonl", "jsonl")]))
case("yaml-non-json-values", {"exceptions.yaml": """- id: EXC-1
  valid_from: '2026-07-01'
  reeval_date: null
  reason: !!binary aGVsbG8=
- id: EXC-2
  valid_from: '2026-07-01'
  reeval_date: null
  scope: !!set {a: null}
- id: EXC-3
  valid_from: '2026-07-01'
  reeval_date: null
  5: five
- id: EXC-5
  valid_from: '2026-07-01'
  reeval_date: null
"""}, manifest([("security_exceptions", "exceptions.yaml", "yaml")]))
case("yaml-python-object-document", {"exceptions.yaml": "- !!python/object:collections.OrderedDict {id: EXC-1}\n"},
     manifest([("security_exceptions", "exceptions.yaml", "yaml")]))
case("timestamps-out-of-range", {"tickets.jsonl": jsonl([T(1, reported_at="0001-01-01T00:00:00+01:00", resolved_at=None, closed_at=None, status="open", events=[]),
                                                          T(2, closed_at="9999-12-31T23:59:59-05:00"),
                                                          T(3, resolved_at="2026-02-30T10:00:00+01:00"),
                                                          T(4, reported_at="2026-07-01T25:00:00+02:00")])}, manifest(TK))
case("naive-timestamps", {"tickets.jsonl": jsonl([T(1, reported_at="2026-07-01T10:00:00"),
                                                  T(2, events=[{"at": "2026-07-01 10:05", "type": "response"}])])}, manifest(TK))
case("sha256-mismatch", {"tickets.jsonl": good_tickets}, manifest([("tickets", "tickets.jsonl", "jsonl", {"sha256": "0" * 64})]))
case("duplicate-ids", {"tickets.jsonl": jsonl([T(1), T(2), T(1)]), "more.jsonl": jsonl([T(2), T(3)])},
     manifest(TK + [("tickets", "more.jsonl", "jsonl")]))
case("dangling-references", {"vulnerabilities.jsonl": jsonl([V(1, exception_id="EXC-1"), V(2, exception_id="EXC-9"), V(3, exception_id="exc-1")]),
                             "exceptions.json": json.dumps([X(1)])},
     manifest([("vulnerabilities", "vulnerabilities.jsonl", "jsonl"), ("security_exceptions", "exceptions.json", "json")]))
case("impossible-order", {"tickets.jsonl": jsonl([
        T(1, resolved_at="2026-07-01T09:00:00+02:00", closed_at="2026-07-01T09:30:00+02:00"),
        T(2, events=[{"at": "2026-07-01T09:59:00+02:00", "type": "auto_ack"}, {"at": "2026-07-01T10:00:00+02:00", "type": "response"}]),
        T(3, closed_at="2026-07-01T11:00:00+02:00"), T(4)]),
        "vulnerabilities.jsonl": jsonl([V(1, mitigated_at="2026-06-30T10:00:00+02:00")]),
        "patches.jsonl": jsonl([{"id": "P-1", "component_id": "WS-1", "component_type": "endpoint", "patch_id": "KB1",
                                 "available_at": "2026-07-10T10:00:00+02:00", "due_at": "2026-07-09T10:00:00+02:00",
                                 "installed_at": "2026-07-08T10:00:00+02:00"}])},
     manifest(TK + [("vulnerabilities", "vulnerabilities.jsonl", "jsonl"), ("patch_states", "patches.jsonl", "jsonl")]))
VH = "id;asset_id;cvss;identified_at;mitigated_at;exception_id\r\n"
CSV = {"delimiter": ";", "decimal": ","}
case("csv-columns", {"v.csv": "\ufeffid;asset;cvss;identified_at;Mitigated_at;cvss\r\nV-1;S;8,1;2026-07-01T10:00:00+02:00;;\r\n"},
     manifest([("vulnerabilities", "v.csv", "csv", CSV)]))
case("csv-wrong-delimiter", {"v.csv": VH + "V-1;SRV-1;8,1;2026-07-01T10:00:00+02:00;;\r\n"},
     manifest([("vulnerabilities", "v.csv", "csv")]))
case("csv-decimal-comma-undeclared", {"v.csv": VH + "V-1;SRV-1;8,1;2026-07-01T10:00:00+02:00;;\r\nV-2;SRV-1;9;2026-07-01T10:00:00+02:00;;\r\n"},
     manifest([("vulnerabilities", "v.csv", "csv", {"delimiter": ";"})]))
case("csv-dutch-dates-undeclared", {"v.csv": VH + "V-1;SRV-1;8,1;01-07-2026 10:00;05-07-2026 10:00;\r\n"},
     manifest([("vulnerabilities", "v.csv", "csv", CSV)], "default_timezone: Europe/Amsterdam"))
case("csv-dutch-dates-bad", {"v.csv": VH + "V-1;SRV-1;8,1;31-06-2026 10:00;;\r\nV-2;SRV-1;8,1;2026-07-01T10:00:00+02:00;;\r\nV-3;SRV-1;8,1;01-07-2026;;\r\nV-4;SRV-1;8,1;1-7-2026 9:05;5-7-2026 10:00;\r\n",
                             "x.csv": "id;valid_from;reeval_date;expires_on\r\nEXC-1;01-07-2026;;31-12-2026 10:00\r\n"},
     manifest([("vulnerabilities", "v.csv", "csv", {**CSV, "date_format": "dd-mm-yyyy"}),
               ("security_exceptions", "x.csv", "csv", {**CSV, "date_format": "dd-mm-yyyy"})]))
case("csv-nested-records", {"t.csv": "id;type;priority;reported_at;status\r\nINC-1;incident;P1;2026-07-01T10:00:00+02:00;open\r\n"},
     manifest([("tickets", "t.csv", "csv", CSV)]))
case("csv-bad-cells", {"v.csv": VH + "V-1;SRV-1;1.234,5;2026-07-01T10:00:00+02:00;;\r\nV-2;SRV-1;;2026-07-01T10:00:00+02:00;;\r\n"
                                     "V-3;SRV-1;nan;2026-07-01T10:00:00+02:00;;\r\n\"V-4\r\nsecond line\";SRV-1;8,1;2026-07-01T10:00:00+02:00;;\r\nV-5;SRV-1;12;;;\r\nV-6;SRV-1;8,1\r\n",
                       "p.csv": "id;component_id;component_type;patch_id;available_at;due_at;installed_at\r\nP-1;WS-1;laptop;KB1;2026-07-01T10:00:00+02:00;2026-07-10T10:00:00+02:00;\r\n"},
     manifest([("vulnerabilities", "v.csv", "csv", CSV), ("patch_states", "p.csv", "csv", CSV)]))
case("csv-not-utf8", {"v.csv": (VH + "V-1;SRV-1;8,1;2026-07-01T10:00:00+02:00;;\r\nV-2;Server café;8,1;2026-07-01T10:00:00+02:00;;\r\n").encode("cp1252")},
     manifest([("vulnerabilities", "v.csv", "csv", CSV)]))
case("csv-empty", {"v.csv": ""}, manifest([("vulnerabilities", "v.csv", "csv", CSV)]))
case("problem-cap", {"tickets.jsonl": "".join(json.dumps(T(i, priority="P0")) + "\n" for i in range(60))}, manifest(TK))
# a key twice in one object (orjson keeps the last value silently): on the columnar path (tickets, refused by Arrow,
# so the block goes to the record-by-record checks), in a nested object, in a JSON document, in a small register
dup = jsonl([T(1)]).replace('"priority": "P3"', '"priority": "P3", "priority": "P1"')
case("repeated-keys", {"tickets.jsonl": jsonl([T(0)]) + dup + jsonl([T(2)]).replace('"by": "servicedesk"}', '"by": "servicedesk", "by": "x"}'),
                       "vulnerabilities.json": "[" + json.dumps(V(1)) + ",\n " + json.dumps(V(2)).replace('"cvss": 8.1', '"cvss" : 9.9, "cvss": 8.1') + "]",
                       "exceptions.jsonl": jsonl([X(1)]).replace('"status": "active"', '"status": "active", "status": "expired"') + jsonl([X(2)])},
     manifest(TK + [("vulnerabilities", "vulnerabilities.json", "json"), ("security_exceptions", "exceptions.jsonl", "jsonl")]))
# a refused record of a referenced kind: the references into that kind are one note, not "dangling" each
case("references-into-refused", {"vulnerabilities.jsonl": jsonl([V(1, exception_id="EXC-1"), V(2, exception_id="EXC-2"),
                                                                 V(3, exception_id="EXC-2"), V(4, exception_id="EXC-9")]),
                                 "exceptions.json": json.dumps([X(1), X(2, status="unknown")])},
     manifest([("vulnerabilities", "vulnerabilities.jsonl", "jsonl"), ("security_exceptions", "exceptions.json", "json")]))
# an empty document of a referenced kind: one line about it, not one per reference
case("references-into-empty", {"vulnerabilities.jsonl": jsonl([V(1, exception_id="EXC-1"), V(2, exception_id="EXC-2")]),
                               "exceptions.json": "[]"},
     manifest([("vulnerabilities", "vulnerabilities.jsonl", "jsonl"), ("security_exceptions", "exceptions.json", "json")]))
# bytes that are no UTF-8 in JSON Lines and in JSON (after a byte-order mark): named so, with line and byte
case("json-not-utf8", {"tickets.jsonl": jsonl([T(1)]).encode()
                                        + (json.dumps(T(2, title="Storing café"), ensure_ascii=False) + "\n").encode("cp1252"),
                       "v.json": b"\xef\xbb\xbf[\n" + json.dumps(V(1)).encode() + b",\n"
                                 + json.dumps(V(2, asset_id="SRV-caf\u00e9"), ensure_ascii=False).encode("cp1252") + b"\n]\n"},
     manifest(TK + [("vulnerabilities", "v.json", "json")]))
