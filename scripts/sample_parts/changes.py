"""Sample change evidence: the change register (standard, normal, impactful), the standard change catalogue (SWC,
Bijlage 13) and the handover-set document updates after delivered changes, January-September 2026.

Linked incidents point at tickets of the tickets part, read from a fresh copy of that part (same seed, same
records) so the references resolve whatever that part generates."""
from __future__ import annotations

import importlib.util
from datetime import date, datetime, timedelta
from pathlib import Path

from ._common import iso, local, make_rng

rng = make_rng(__name__.rsplit('.', 1)[-1])

#: the sample's non-working days (weekends aside): NL public holidays of 2026 and the agreed Bevrijdingsdag
HOLIDAYS = {date(2026, 1, 1), date(2026, 4, 6), date(2026, 4, 27), date(2026, 5, 5), date(2026, 5, 14),
            date(2026, 5, 25), date(2026, 12, 25)}

CATALOGUE = [("SWC-01", "Account aanmaken of blokkeren", "identiteit", 2),
             ("SWC-02", "Laptop of werkplek uitleveren", "werkplek", 5),
             ("SWC-03", "Softwarepakket uit catalogus installeren", "werkplek", 3),
             ("SWC-04", "Rechten op gedeelde map wijzigen", "identiteit", 2),
             ("SWC-05", "Mobiel toestel inrichten", "werkplek", 4),
             ("SWC-06", "Extra netwerkaansluiting patchen", "netwerk", 10)]
LEAD = {c[0]: c[3] for c in CATALOGUE}


def working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in HOLIDAYS


def add_wd(t: datetime, n: int, hour: int | None = None, minute: int = 0) -> datetime:
    """The n-th working day after t's day, at the given time (t's time when None)."""
    d = t.date()
    while n > 0:
        d += timedelta(days=1)
        n -= working_day(d)
    return local(d, t.hour if hour is None else hour, t.minute if hour is None else minute)


def fresh_tickets() -> list[dict]:
    """The tickets part's records, from a private copy of the module (its own seeded generator, so the build's
    copy and this one produce the same records)."""
    path = Path(__file__).with_name("tickets.py")
    spec = importlib.util.spec_from_file_location(f"{__package__}.tickets", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [r for doc in module.documents() if doc["kind"] == "tickets" for r in doc["records"]]


def _business_start(d: date) -> datetime:
    while not working_day(d):
        d += timedelta(days=1)
    return local(d, rng.randint(8, 15), rng.choice([0, 15, 30, 45]))


def _change(cid, typ, requested, status="completed", **kw) -> dict:
    rec = {"id": cid, "type": typ, "title": kw.pop("title", f"Wijziging {cid}"), "status": status,
           "requested_at": iso(requested), "go_no_go": None, "go_no_go_at": None, "executed_at": None,
           "completed_at": None, "rolled_back": False, "rolled_back_at": None, "linked_incident_ids": [],
           "catalogue_item": None, "rework": False, "cab_ref": None}
    rec.update(kw)
    return rec


def changes(tickets: list[dict]) -> list[dict]:
    out: list[dict] = []
    n = 0
    incidents = [t for t in tickets if t["type"] == "incident" and not t.get("major_incident")
                 and t.get("status") != "cancelled"]
    for month in range(1, 10):
        # standard changes from the SWC: about 25 a month
        late = {7: 4, 3: 1, 5: 1}.get(month, 0)
        rework = {8: 3, 2: 1}.get(month, 0)
        for k in range(25):
            n += 1
            item = CATALOGUE[k % len(CATALOGUE)][0]
            req = _business_start(date(2026, month, 1 + k))
            if req.month != month:
                req = _business_start(date(2026, month, 28 - k % 5))
            days = rng.randint(0, LEAD[item]) if k >= late else LEAD[item] + rng.randint(1, 3)
            done = add_wd(req, days, hour=rng.randint(9, 17))
            out.append(_change(f"SWC-2026-{n:04d}", "standard", req, completed_at=iso(done), executed_at=iso(done),
                               catalogue_item=item, rework=k < rework, title=f"{item} aanvraag"))
        # normal changes: 8 a month, executed in the evening
        for k in range(8):
            n += 1
            req = _business_start(date(2026, month, 2 + 3 * k))
            ex = add_wd(req, rng.randint(2, 5), hour=20)
            out.append(_change(f"CHG-2026-{n:04d}", "normal", req, executed_at=iso(ex),
                               completed_at=iso(ex + timedelta(hours=2)), cab_ref=f"CAB-2026-{month:02d}"))
        # impactful changes: 2 a month, through the CAB's go/no-go
        for k in range(2):
            n += 1
            req = _business_start(date(2026, month, 3 + 10 * k))
            go = add_wd(req, 3, hour=14)
            lead = 14 if (month, k) == (5, 1) else rng.randint(5, 11)  # May: 14 working days > the tendered 12
            ex = add_wd(go, lead, hour=21)
            out.append(_change(f"CHG-2026-{n:04d}", "impactful", req, go_no_go="go", go_no_go_at=iso(go),
                               executed_at=iso(ex), completed_at=iso(ex + timedelta(hours=4)),
                               cab_ref=f"CAB-2026-{month:02d}"))
    by_id = {c["id"]: c for c in out}
    normal_q = [c for c in out if c["type"] == "normal"]
    # Q1: one rollback (1 of 30: passes); Q3: a rollback in July and an incident after a change in September
    for c in (normal_q[3], normal_q[50]):
        c.update(status="rolled_back", rolled_back=True,
                 rolled_back_at=iso(datetime.fromisoformat(c["executed_at"]) + timedelta(hours=1)))
    sept = [t for t in incidents if t["reported_at"].startswith("2026-09-1")]
    if sept:
        inc = sept[0]
        c = normal_q[-4]
        ex = datetime.fromisoformat(inc["reported_at"]) - timedelta(days=1)
        c.update(executed_at=iso(ex), completed_at=iso(ex + timedelta(hours=2)), linked_incident_ids=[inc["id"]])
    # an incident reported before a change was executed is linked but not caused by it: not counted
    jul = [t for t in incidents if t["reported_at"].startswith("2026-07-0")]
    if jul:
        by_id[normal_q[49]["id"]]["linked_incident_ids"] = [jul[0]["id"]]
    # the end of September: changes whose 5 working days are not over at the export (pending)
    for k, day in enumerate((29, 30)):
        n += 1
        req = local(date(2026, 9, 21 + k), 10, 0)
        ex = local(date(2026, 9, day), 20, 0)
        out.append(_change(f"CHG-2026-{n:04d}", "normal", req, executed_at=iso(ex),
                           completed_at=iso(ex + timedelta(hours=2)), cab_ref="CAB-2026-09"))
    # an impactful change with its go on 24 September, not executed at the export: pending
    n += 1
    out.append(_change(f"CHG-2026-{n:04d}", "impactful", local(date(2026, 9, 17), 10, 0), status="scheduled",
                       go_no_go="go", go_no_go_at=iso(local(date(2026, 9, 24), 14, 0)), cab_ref="CAB-2026-09"))
    # one no-go: no execution to wait for
    n += 1
    out.append(_change(f"CHG-2026-{n:04d}", "impactful", local(date(2026, 8, 10), 10, 0), status="rejected",
                       go_no_go="no_go", go_no_go_at=iso(local(date(2026, 8, 13), 14, 0)), cab_ref="CAB-2026-08"))
    # standard changes requested at the end of September, still open at the export (pending)
    for k, item in enumerate(("SWC-02", "SWC-06")):
        n += 1
        out.append(_change(f"SWC-2026-{n:04d}", "standard", local(date(2026, 9, 29 + k), 11, 0),
                           status="requested", catalogue_item=item, title=f"{item} aanvraag"))
    return sorted(out, key=lambda c: (c["requested_at"], c["id"]))


def handover_docs(chs: list[dict]) -> list[dict]:
    """Documents of the handover set touched by delivered normal and impactful changes."""
    out = []
    docs = ["Netwerkontwerp", "Serverinventaris", "Runbook back-up", "Architectuurplaat", "Beheerhandboek werkplek"]
    n = 0
    for c in chs:
        if c["type"] == "standard" or not c["completed_at"] or c["rolled_back"]:
            continue
        delivered = datetime.fromisoformat(c["completed_at"])
        for k in range(1 + (c["type"] == "impactful")):
            n += 1
            days = rng.randint(1, 15)
            if n == 37:
                days = 25  # Q2: one document brought up to date only after 25 working days
            upd = add_wd(delivered, days, hour=rng.randint(9, 16))
            updated = iso(upd) if upd <= local(date(2026, 10, 5), 7, 0) else None
            out.append({"id": f"HD-2026-{n:04d}", "document": docs[(n + k) % len(docs)], "change_id": c["id"],
                        "delivered_at": c["completed_at"], "updated_at": updated, "version": f"v{n % 9 + 1}.{k}"})
    return out


def documents() -> list[dict]:
    chs = changes(fresh_tickets())
    catalogue = [{"id": i, "name": name, "category": cat, "lead_time_working_days": lead}
                 for i, name, cat, lead in CATALOGUE]
    return [
        {"kind": "changes", "path": "changes.jsonl", "format": "jsonl", "records": chs},
        {"kind": "standard_change_catalogue", "path": "standard-change-catalogue.json", "format": "json",
         "records": catalogue},
        {"kind": "handover_docs", "path": "handover-docs.jsonl", "format": "jsonl", "records": handover_docs(chs)},
    ]
