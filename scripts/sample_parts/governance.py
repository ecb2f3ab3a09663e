"""Sample governance evidence: RCAs of the major incidents (T2), the improvement register's quarterly snapshots
(T2) and the supplier's sustainability statement D34 (S2)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from ._common import iso, local, make_rng
from .changes import add_wd, fresh_tickets

rng = make_rng(__name__.rsplit('.', 1)[-1])
EXPORT = local(date(2026, 10, 5), 7, 0)


def rcas(tickets: list[dict]) -> list[dict]:
    """One RCA per major incident closed before the export: documented and shared within 3-8 working days,
    except one in August shared after 14 working days; one closed late in September has none yet (pending)."""
    out = []
    majors = sorted((t for t in tickets if t.get("major_incident") and t.get("closed_at")),
                    key=lambda t: t["closed_at"])
    for k, t in enumerate(majors):
        closed = datetime.fromisoformat(t["closed_at"])
        if closed.date() >= date(2026, 9, 24):
            continue  # its 10 working days run past the export: no RCA yet, pending
        days = rng.randint(3, 8)
        if closed.month == 8 and k % 3 == 1:
            days = 14
        documented = add_wd(closed, days - 1, hour=15)
        shared = add_wd(closed, days, hour=10)
        if shared > EXPORT:
            continue
        out.append({"id": f"RCA-{t['id']}", "incident_id": t["id"], "documented_at": iso(documented),
                    "shared_at": iso(shared), "shared_with": ["SIB informatiemanager", "SIB CISO"],
                    "root_cause": f"Oorzaak van {t['id']}", "lessons": ["Monitoring aangescherpt"]})
    return out


ITEMS = [("VB-01", "Kennisbank servicedesk op orde"), ("VB-02", "Wijzigingskalender delen met ketenpartners"),
         ("VB-03", "Back-up monitoring automatiseren"), ("VB-04", "Onboarding werkplek in één dag"),
         ("VB-05", "Major-incidentcommunicatie via statuspagina"), ("VB-06", "Patchvenster netwerk verkorten"),
         ("VB-07", "CMDB-kwaliteit verbeteren"), ("VB-08", "Selfservice wachtwoordreset")]


def improvement_register() -> list[dict]:
    out = []
    for snap in (date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)):
        q = (snap.month - 1) // 3 + 1
        for k, (item, title) in enumerate(ITEMS):
            rank = k + 1 if k < 6 else None
            status = "in_progress" if k % 3 else "open"
            if q == 3 and k == 0:
                status = "done"
            updated = snap - timedelta(days=rng.randint(3, 60))
            decision = snap + timedelta(days=rng.randint(20, 80))
            if q == 3 and k == 4:
                updated = snap - timedelta(days=120)  # Q3: not updated since May
            if q == 3 and k == 5:
                decision = snap - timedelta(days=10)  # Q3: decision moment passed without a decision
            out.append({"id": f"IR-{snap:%Y%m%d}-{item}", "snapshot_on": snap.isoformat(), "item_id": item,
                        "title": title, "rank": rank, "owner": "Leverancier servicemanager" if k % 2 else "SIB regie",
                        "status": status, "decision_moment": decision.isoformat(), "last_updated": updated.isoformat(),
                        "source": "problem" if k % 2 else "evaluatie"})
        if q == 3:  # a new top item enters in Q3, so the active top stays at least five
            out.append({"id": f"IR-{snap:%Y%m%d}-VB-09", "snapshot_on": snap.isoformat(), "item_id": "VB-09",
                        "title": "RCA-opvolging in verbeterregister", "rank": 7, "owner": "SIB regie",
                        "status": "open", "decision_moment": "2026-11-20", "last_updated": "2026-09-18",
                        "source": "rca"})
    return out


def sustainability_statements() -> list[dict]:
    return [
        {"id": "D34-2025", "title": "Duurzaamheids- en MVO-verklaring bij inschrijving", "issued_on": "2025-09-15",
         "updated_on": None, "at_tender": True, "period_from": "2025-09-15", "period_to": "2026-08-31",
         "actions": [
             {"id": "MVO-01", "description": "Refurbished laptops als standaard", "status": "planned",
              "follow_up_needed": False, "follow_up": None},
             {"id": "MVO-02", "description": "E-waste via gecertificeerde verwerker", "status": "planned",
              "follow_up_needed": True, "follow_up": "Verwerkingscertificaten per kwartaal"}]},
        {"id": "D34-2026", "title": "Duurzaamheids- en MVO-verklaring 2026", "issued_on": "2026-09-01",
         "updated_on": None, "at_tender": False, "period_from": "2026-01-01", "period_to": "2026-12-31",
         "actions": [
             {"id": "MVO-01", "description": "Refurbished laptops als standaard", "status": "applied",
              "applied_on": "2026-04-01", "follow_up_needed": False, "follow_up": None},
             {"id": "MVO-02", "description": "E-waste via gecertificeerde verwerker", "status": "applied",
              "applied_on": "2026-05-15", "follow_up_needed": True, "follow_up": "Verwerkingscertificaten per kwartaal"},
             {"id": "MVO-03", "description": "Servicebezoeken combineren (minder reiskilometers)", "status": "in_progress",
              "follow_up_needed": True, "follow_up": None}]},
    ]


def documents() -> list[dict]:
    return [
        {"kind": "rcas", "path": "rcas.jsonl", "format": "jsonl", "records": rcas(fresh_tickets())},
        {"kind": "improvement_register", "path": "improvement-register.jsonl", "format": "jsonl",
         "records": improvement_register()},
        {"kind": "sustainability_statements", "path": "sustainability-statements.json", "format": "json",
         "records": sustainability_statements(), "covers": {"from": "2025-09-15", "to": "2026-09-30"}},
    ]
