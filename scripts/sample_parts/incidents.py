"""Sample security incidents and major-incident communication logs (January-September 2026).

Security incidents: a few a month in the P1-P4 scheme; July has a P1 contained after 5 clock hours (a breach of
the 4-hour norm); September has a P2 whose containment waited 12 business hours on the hosting party, which is
within 24 business hours only because that wait is excluded. Major-incident logs: one per P1 ticket (the P1s are
major incidents), first update within 30 minutes and then every 40-55 minutes until resolution; the night P1 of
August went 75 minutes without an update.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from ._common import TZ, business_moment, iso, local, make_rng
from .tickets import add_bh, tickets

rng = make_rng("incidents")
CATEGORIES = ("phishing", "malware", "account compromise", "data leak", "misconfiguration")


def security_incidents() -> list[dict]:
    out = []
    n = 0
    for month in range(1, 10):
        for k in range(rng.choice([2, 3, 3, 4])):
            n += 1
            pr = rng.choices(["P1", "P2", "P3", "P4"], [1, 4, 4, 2])[0]
            d = date(2026, month, 3 + 7 * k)
            t = local(d, rng.randint(0, 23), rng.randint(0, 59)) if pr == "P1" else business_moment(d, rng)
            rec = {"id": f"SEC-2026-{n:03d}", "title": f"Security-incident {n:03d}", "category": rng.choice(CATEGORIES),
                   "priority": pr, "ticket_id": None, "detected_at": iso(t),
                   "triaged_at": iso(t + timedelta(minutes=rng.randint(10, 40))), "status": "closed",
                   "third_party_waits": []}
            if pr == "P1":
                contained = t + timedelta(minutes=rng.randint(60, 210))
            elif pr == "P2":
                contained = add_bh(t, rng.uniform(3, 20))
            else:
                contained = add_bh(t, rng.uniform(4, 60))
            rec["contained_at"] = iso(contained)
            rec["resolved_at"] = iso(contained + timedelta(days=rng.randint(1, 5)))
            out.append(rec)
    # July: a P1 (ransomware on a file server, Saturday night) contained after 5 clock hours
    t = local(date(2026, 7, 18), 23, 40)
    out.append({"id": "SEC-2026-900", "title": "Ransomware op fileserver", "category": "malware", "priority": "P1",
                "ticket_id": None, "detected_at": iso(t), "triaged_at": iso(t + timedelta(minutes=20)),
                "contained_at": iso(t + timedelta(hours=5)), "resolved_at": iso(t + timedelta(days=2)),
                "status": "closed", "third_party_waits": []})
    # September: a P2 whose containment waited 12 business hours on the hosting party (30 business hours in all)
    t = local(date(2026, 9, 8), 9, 30)
    wait_start = add_bh(t, 6)
    wait_end = add_bh(wait_start, 12)
    out.append({"id": "SEC-2026-901", "title": "Gecompromitteerd account bij hostingpartij", "category": "account compromise",
                "priority": "P2", "ticket_id": None, "detected_at": iso(t), "triaged_at": iso(t + timedelta(minutes=25)),
                "contained_at": iso(add_bh(wait_end, 12)), "resolved_at": iso(add_bh(wait_end, 30)), "status": "closed",
                "third_party_waits": [{"party": "Hosting B.V.", "start": iso(wait_start), "end": iso(wait_end),
                                       "reference": "HOST-55812", "note": "wachten op blokkade door hostingpartij"}]})
    return sorted(out, key=lambda r: r["detected_at"])


def comms() -> list[dict]:
    out = []
    for tk in tickets():
        if not tk["major_incident"]:
            continue
        reported = datetime.fromisoformat(tk["reported_at"])
        resolved = datetime.fromisoformat(tk["resolved_at"])
        declared = reported + timedelta(minutes=5)
        at = declared + timedelta(minutes=rng.randint(10, 25))
        updates = []
        night_gap = reported.month == 8 and reported.hour == 2
        while at < resolved:
            updates.append({"at": iso(at), "channel": rng.choice(["statuspagina", "e-mail keyusers"]),
                            "audience": "keyusers en crisiscontact", "summary": "stand van zaken major incident"})
            step = 75 if night_gap and len(updates) == 2 else rng.randint(40, 55)
            at += timedelta(minutes=step)
        updates.append({"at": iso(resolved + timedelta(minutes=5)), "channel": "e-mail keyusers",
                        "audience": "keyusers en crisiscontact", "summary": "opgelost"})
        out.append({"id": f"MI-{tk['id'][4:]}", "ticket_id": tk["id"], "declared_at": iso(declared), "updates": updates})
    return out


def documents() -> list[dict]:
    return [{"kind": "security_incidents", "path": "security-incidents.jsonl", "format": "jsonl",
             "records": security_incidents()},
            {"kind": "major_incident_comms", "path": "major-incident-comms.json", "format": "json", "records": comms()}]
