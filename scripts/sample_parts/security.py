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
    ] + _more_exceptions()


def _exc(n: int, control: str, scope: str, reason, compensating, reeval, frm, until, done, status="active", **extra):
    rec = {"id": f"EXC-2026-{n:03d}", "control": control, "scope": scope, "reason": reason,
           "compensating_control": compensating, "reeval_date": reeval, "valid_from": frm, "expires_on": until,
           "approved_by": "CISO", "reevaluated_on": done, "status": status}
    rec.update(extra)
    return rec


def _more_exceptions() -> list[dict]:
    """Q2: one exception without a compensating control (completeness fails). Q3: ten re-evaluations due, nine in
    time; EXC-2026-002 (due 30 September) was not re-evaluated: exactly 90 %, the late one named."""
    return [
        _exc(4, "BIO 8.1.3", "Kiosk-pc's receptie", "Kiosk-software vereist lokale beheerrechten",
             "Applocker-whitelist en dagelijkse herinstallatie", "2026-07-15", "2026-02-01", "2026-12-31", "2026-07-10"),
        _exc(5, "BIO 9.2.3", "Servicedesk-account", "Gedeeld account voor noodtoegang",
             "Wachtwoord in kluis, gebruik gelogd", "2026-08-31", "2026-03-01", "2027-02-28", "2026-08-28"),
        _exc(6, "BIO 12.4.1", "SRV-05", "Logging naar SIEM nog niet mogelijk", "Lokale logretentie 90 dagen",
             "2026-09-15", "2026-03-15", "2026-12-31", "2026-09-12"),
        _exc(7, "BIO 13.1.1", "Gastnetwerk Zeist", "Oude access points ondersteunen geen WPA3",
             "Gastnetwerk gescheiden van kantoornetwerk", "2026-09-01", "2026-01-20", "2026-11-30", "2026-08-25"),
        _exc(8, "BIO 12.6.1", "NET-021", "Firmware-update vereist vervanging hardware", "ACL op beheerinterface",
             "2026-10-01", "2026-01-10", "2026-12-31", "2026-09-29",
             reevaluations=[{"due_on": "2026-04-01", "performed_on": "2026-03-28", "outcome": "continued"},
                            {"due_on": "2026-07-01", "performed_on": "2026-06-30", "outcome": "continued"},
                            {"due_on": "2026-10-01", "performed_on": "2026-09-29", "outcome": "continued"}]),
        _exc(9, "BIO 9.4.3", "APP-HR", "Wachtwoordbeleid applicatie niet instelbaar", "SSO met MFA ervoor",
             "2026-07-31", "2026-02-15", "2026-12-31", "2026-07-31"),
        _exc(10, "BIO 12.2.1", "WS-TEST", "Testwerkplekken zonder EDR voor performancemetingen",
             "Apart VLAN zonder internettoegang", "2026-08-15", "2026-05-01", "2026-12-31", "2026-08-14"),
        _exc(11, "BIO 10.1.1", "Back-upopslag", "Versleuteling at rest pas na migratie", "Fysiek afgeschermde ruimte",
             "2026-09-10", "2026-04-01", "2027-03-31", "2026-09-09"),
        _exc(12, "BIO 11.2.4", "Printers Houten", "Leverancier biedt geen firmware-update", "Printers in apart VLAN",
             "2026-09-20", "2026-06-01", "2026-12-31", "2026-09-18"),
        _exc(13, "BIO 9.4.2", "APP-archief", "Archiefapplicatie ondersteunt geen MFA", None,
             "2026-06-15", "2026-04-01", "2026-06-30", "2026-06-10", status="expired"),
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
