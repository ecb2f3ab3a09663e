"""Rebuild the embedded sample bundle (evidence/sample/bundle) deterministically.

The sample is curated: a small, realistic 2026 for one organisation in which some KPIs pass and some fail. Run
``python scripts/build_sample.py`` after changing it and commit the result; tests pin its exact figures.
"""
from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Amsterdam")
OUT = Path(__file__).resolve().parent.parent / "evidence" / "sample" / "bundle"
rng = random.Random(20260101)


def iso(dt: datetime) -> str:
    return dt.astimezone(TZ).isoformat(timespec="seconds")


def local(d: date, hour: int, minute: int) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=TZ)


def business_moment(d: date) -> datetime:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return local(d, rng.randint(8, 16), rng.randint(0, 59))


def tickets() -> list[dict]:
    out: list[dict] = []
    n = 0
    for month in range(1, 10):
        for day in range(1, 29):
            d = date(2026, month, day)
            for _ in range(rng.choice([0, 1, 1, 2, 3]) if d.weekday() < 5 else 0):
                n += 1
                pr = rng.choices(["P2", "P3", "P4"], [2, 6, 4])[0]
                t = business_moment(d)
                resp = {"P2": rng.randint(5, 50), "P3": rng.randint(10, 200), "P4": rng.randint(30, 400)}[pr]
                res_h = {"P2": rng.uniform(1, 7), "P3": rng.uniform(2, 30), "P4": rng.uniform(4, 60)}[pr]
                out.append(_ticket(f"INC-2026-{n:05d}", "incident" if rng.random() < 0.7 else "request", pr, t,
                                   resp, res_h * 60))
        for k in range(3):  # three P1 incidents a month, one of them at night
            n += 1
            t = local(date(2026, month, 4 + 9 * k), 2 if k == 1 else 10, 17)
            resp = 9 + k
            if month == 8 and k == 2:
                resp = 41  # August: one P1 answered late -> 2 of 3 within 15 min: a deviation
            out.append(_ticket(f"INC-2026-{n:05d}", "incident", "P1", t, resp, 180 + 30 * k, p1=True))
    # long-running requests (waiting on delivery of hardware): open over a month end, a normal backlog
    for month in range(1, 10):
        for k in range(24):
            n += 1
            t = business_moment(date(2026, month, 14 + k // 2))
            out.append(_ticket(f"REQ-2026-{n:05d}", "request", "P4", t, 90, rng.uniform(9, 13) * 24 * 60))
    # one request reported on 1 September and still open at export: older than 10 working days on 30 September
    n += 1
    out.append(_ticket(f"REQ-2026-{n:05d}", "request", "P4", local(date(2026, 9, 1), 10, 0), 60, None))
    # a P2 reported on a Saturday: the business clock starts Monday 08:00
    n += 1
    out.append(_ticket(f"INC-2026-{n:05d}", "incident", "P2", local(date(2026, 9, 12), 11, 5), None, 5 * 60,
                       resp_at=local(date(2026, 9, 14), 8, 40)))
    # a P2 answered only by an automatic acknowledgement within the hour, substantively after 3 business hours
    n += 1
    out.append(_ticket(f"INC-2026-{n:05d}", "incident", "P2", local(date(2026, 7, 15), 9, 0), 180, 6 * 60))
    return sorted(out, key=lambda x: x["reported_at"])


def _ticket(tid, typ, pr, t, resp_min, res_min, p1=False, resp_at=None):
    ev = [{"at": iso(t + timedelta(minutes=1)), "type": "auto_ack", "by": "system"}]
    resp_time = resp_at or (t + timedelta(minutes=resp_min))
    ev.append({"at": iso(resp_time), "type": "response", "by": "servicedesk"})
    rec = {"id": tid, "type": typ, "priority": pr, "channel": rng.choice(["portal", "email", "phone"]),
           "organisation": "Stichting ICT Beheer", "title": f"{'Storing' if typ == 'incident' else 'Verzoek'} {tid[-5:]}",
           "reported_at": iso(t), "status": "open", "resolved_at": None, "closed_at": None,
           "major_incident": p1, "owner": "team-werkplek", "events": ev}
    if res_min is not None:
        end = resp_time + timedelta(minutes=res_min)
        if p1:
            ev.append({"at": iso(t + timedelta(minutes=res_min // 2)), "type": "stabilised", "by": "team-infra"})
        ev.append({"at": iso(end), "type": "resolved", "by": "servicedesk"})
        rec.update(status="closed", resolved_at=iso(end), closed_at=iso(end + timedelta(days=2)))
    return rec


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


def write_jsonl(name: str, records: list[dict]) -> None:
    (OUT / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_jsonl("tickets.jsonl", tickets())
    write_jsonl("vulnerabilities.jsonl", vulnerabilities())
    (OUT / "security-exceptions.json").write_text(json.dumps(security_exceptions(), ensure_ascii=False, indent=2) + "\n",
                                                  encoding="utf-8")
    write_jsonl("patch-states.jsonl", patch_states())
    covers = {"from": "2026-01-01", "to": "2026-09-30"}
    manifest = {
        "contract_id": "SIB-ICT-BEHEER-2026", "organisation": "Stichting ICT Beheer",
        "exported_at": "2026-10-05T07:00:00+02:00",
        "description": "Curated sample evidence for January-September 2026 (export of 5 October 2026).",
        "documents": [
            {"kind": "tickets", "path": "tickets.jsonl", "format": "jsonl", "covers": covers},
            {"kind": "vulnerabilities", "path": "vulnerabilities.jsonl", "format": "jsonl", "covers": covers},
            {"kind": "security_exceptions", "path": "security-exceptions.json", "format": "json", "covers": covers},
            {"kind": "patch_states", "path": "patch-states.jsonl", "format": "jsonl", "covers": covers},
        ],
    }
    import yaml
    (OUT / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8")


if __name__ == "__main__":
    main()
