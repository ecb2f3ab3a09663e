"""Sample security evidence: vulnerability findings, the exception register and patch states."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from ._common import iso, local, make_rng

rng = make_rng(__name__.rsplit('.', 1)[-1])


def vulnerabilities() -> list[dict]:
    out = []
    for k in range(40):
        ident = local(date(2026, 1, 5) + timedelta(days=6 * k), 7, 30)
        cvss = [9.8, 8.1, 7.5, 8.8, 6.5][k % 5]
        mitigated = ident + timedelta(days=rng.randint(2, 12))
        rec = {"id": f"VULN-{k + 1:04d}", "asset_id": f"SRV-{k % 7 + 1:02d}", "title": f"Kwetsbaarheid {k + 1}",
               "cve": f"CVE-2026-{1000 + k}", "cvss": cvss, "identified_at": iso(ident),
               "mitigated_at": iso(mitigated), "exception_id": None}
        out.append(rec)
    # one finding not mitigated within 14 days but covered by a formal exception: waived, not hidden
    out[30]["mitigated_at"] = None
    out[30]["exception_id"] = "EXC-2026-003"
    # one finding with a 7-day term from the cyber insurance, mitigated after 9 days (in Q1): a breach in Q1
    out[3]["remediation_term_days"] = 7
    out[3]["term_source"] = "cyberverzekering polis 2026"
    out[3]["mitigated_at"] = iso(datetime.fromisoformat(out[3]["identified_at"]) + timedelta(days=9))
    return out


def security_exceptions() -> list[dict]:
    return [
        {"id": "EXC-2026-001", "control": "BIO 12.6.1", "scope": "SRV-03", "reason": "Leverancier levert patch pas in Q2",
         "compensating_control": "Extra netwerksegmentatie", "reeval_date": "2026-04-01", "valid_from": "2026-01-15",
         "expires_on": "2026-04-15", "approved_by": "CISO", "reevaluated_on": "2026-03-25", "status": "expired"},
        {"id": "EXC-2026-002", "control": "BIO 9.4.2", "scope": "APP-legacy", "reason": "Applicatie ondersteunt geen MFA",
         "compensating_control": "Toegang alleen via jump host", "reeval_date": "2026-09-30", "valid_from": "2026-03-01",
         "expires_on": "2026-12-31", "approved_by": "CISO", "reevaluated_on": None, "status": "active"},
        {"id": "EXC-2026-003", "control": "BIO 12.6.1", "scope": "SRV-03", "reason": "Patch breekt koppeling met zaaksysteem",
         "compensating_control": "WAF-regel en verhoogde monitoring", "reeval_date": "2026-10-31",
         "valid_from": "2026-07-01", "expires_on": "2026-12-31", "approved_by": "CISO", "reevaluated_on": None,
         "status": "active"},
    ]


def patch_states() -> list[dict]:
    out = []
    n = 0
    for month in range(1, 10):
        for c in range(25):
            n += 1
            avail = local(date(2026, month, 2), 9, 0)
            due = avail + timedelta(days=14)
            inst = avail + timedelta(days=rng.randint(1, 12))
            comp = f"{'WS' if c < 18 else 'NET' if c < 22 else 'MGT'}-{c + 1:03d}"
            if (month == 7 and c in (3, 9, 19)) or (month == 5 and c == 7):
                inst = due + timedelta(days=3)  # July: 3 of 25 late -> 88 %: below the 90 % norm
            out.append({"id": f"PS-{n:05d}", "component_id": comp,
                        "component_type": "endpoint" if c < 18 else "network_device" if c < 22 else "management_software",
                        "patch_id": f"KB2026-{month:02d}", "vulnerability_id": None, "available_at": iso(avail),
                        "due_at": iso(due), "installed_at": iso(inst)})
    return out


def documents() -> list[dict]:
    return [
        {"kind": "vulnerabilities", "path": "vulnerabilities.jsonl", "format": "jsonl", "records": vulnerabilities()},
        {"kind": "security_exceptions", "path": "security-exceptions.json", "format": "json",
         "records": security_exceptions()},
        {"kind": "patch_states", "path": "patch-states.jsonl", "format": "jsonl", "records": patch_states()},
    ]
