"""The golden bundle: small inline evidence for the year 2026, audited with a fixed catalogue of four copied rule
files (tests/golden/rules) and a copied contract, so new rules elsewhere do not change the golden reports.

What it contains, and so what the goldens must show:
* O1-first-response-p1: January passes; March's only P1 is answered after 40 minutes (a deviation); April and May
  each have 20 P1s of which 19 in time (95 %: passes just at the norm, a "near norm" signal);
* O5-patch-compliance: January 100 %, February 95 %, March 90 % (passing, but falling: a signal, so O5 is green
  with signals); no patches due later (NOT-APPLICABLE);
* T3-cvss-remediation: Q1 mitigated in time, Q2 one mitigated after 20 days (a deviation under T3), Q3 one open
  finding covered by a formal exception (waived, still visible), Q4 none;
* T2-backlog-age: REQ-OLD opened in November and still open at the year's end (December fails);
* T1 and the other goals have no rules in this catalogue: NO-DATA, never a pass.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from casefiles import write_bundle
from engine.rulefiles import load_catalogue
from engine.settings import load_contract

HERE = Path(__file__).parent
AS_OF = "2027-01-10T09:00:00+01:00"
PERIOD = "2026"


def _p1(tid: str, day: str, minutes: int) -> dict:
    return {"id": tid, "type": "incident", "priority": "P1", "reported_at": f"{day}T10:00:00+01:00", "status": "closed",
            "resolved_at": f"{day}T13:00:00+01:00",
            "events": [{"at": f"{day}T10:{minutes:02d}:00+01:00" if minutes < 60 else f"{day}T11:{minutes - 60:02d}:00+01:00",
                        "type": "response"}]}


def _patches(prefix: str, month: str, late: int) -> list[dict]:
    ok = {"_repeat": 20 - late, "id": f"PS-{prefix}{{i}}", "component_id": f"WS-{prefix}{{i}}", "component_type": "endpoint",
          "patch_id": f"KB-{month}", "available_at": f"2026-{month}-02T09:00:00+01:00",
          "due_at": f"2026-{month}-16T09:00:00+01:00", "installed_at": f"2026-{month}-10T09:00:00+01:00"}
    bad = [{"id": f"PS-{prefix}L{n}", "component_id": f"NET-{prefix}{n}", "component_type": "network_device",
            "patch_id": f"KB-{month}", "available_at": f"2026-{month}-02T09:00:00+01:00",
            "due_at": f"2026-{month}-16T09:00:00+01:00", "installed_at": f"2026-{month}-20T09:00:00+01:00"}
           for n in range(1, late + 1)]
    return [ok] + bad


def evidence() -> dict:
    tickets = [_p1("INC-0101", "2026-01-13", 10), _p1("INC-0301", "2026-03-10", 40)]
    for month in ("04", "05"):
        tickets.append({**_p1(f"INC-{month}{{i}}", f"2026-{month}-14", 12), "_repeat": 19})
        tickets.append(_p1(f"INC-{month}LATE", f"2026-{month}-21", 25))
    tickets.append({"id": "REQ-OLD", "type": "request", "priority": "P4", "reported_at": "2026-11-16T09:00:00+01:00",
                    "status": "open", "events": []})
    return {
        "tickets": tickets,
        "patch_states": _patches("J", "01", 0) + _patches("F", "02", 1) + _patches("M", "03", 2),
        "vulnerabilities": [
            {"id": "V-Q1", "asset_id": "SRV-1", "cvss": 9.0, "identified_at": "2026-02-02T10:00:00+01:00",
             "mitigated_at": "2026-02-06T10:00:00+01:00"},
            {"id": "V-Q2", "asset_id": "SRV-2", "cvss": 8.8, "identified_at": "2026-05-04T10:00:00+02:00",
             "mitigated_at": "2026-05-24T10:00:00+02:00"},
            {"id": "V-Q3", "asset_id": "SRV-3", "cvss": 9.8, "identified_at": "2026-08-03T10:00:00+02:00",
             "mitigated_at": None, "exception_id": "EXC-7"},
        ],
        "security_exceptions": [
            {"id": "EXC-7", "reason": "vendor patch breaks the DMS link", "compensating_control": "WAF rule",
             "reeval_date": "2026-11-01", "valid_from": "2026-08-01", "expires_on": "2026-12-31", "status": "active"}],
    }


def catalogue():
    """The golden rules, each named rules/kpis/<id>.yaml (a rules folder is named as given, here an absolute path):
    like the contract's source below, so that the goldens do not depend on where the checkout is."""
    cat = load_catalogue(HERE / "rules")
    return replace(cat, rules={rid: replace(r, source=f"rules/kpis/{rid}.yaml") for rid, r in cat.rules.items()})


def contract():
    return replace(load_contract(HERE / "contract.yaml"), source="golden/contract.yaml")


def build(tmp: Path) -> Path:
    return write_bundle(tmp / "golden-bundle", evidence(), ["2026-01-01", "2026-12-31"], AS_OF)
