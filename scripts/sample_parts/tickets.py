"""Sample tickets: incidents and requests of January-September 2026 with their event histories."""
from __future__ import annotations

from datetime import date, timedelta

from ._common import business_moment, iso, local, make_rng

rng = make_rng(__name__.rsplit('.', 1)[-1])


def tickets() -> list[dict]:
    out: list[dict] = []
    n = 0
    for month in range(1, 10):
        for day in range(1, 29):
            d = date(2026, month, day)
            for _ in range(rng.choice([0, 1, 1, 2, 3]) if d.weekday() < 5 else 0):
                n += 1
                pr = rng.choices(["P2", "P3", "P4"], [2, 6, 4])[0]
                t = business_moment(d, rng)
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
            t = business_moment(date(2026, month, 14 + k // 2), rng)
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


def documents() -> list[dict]:
    return [{"kind": "tickets", "path": "tickets.jsonl", "format": "jsonl", "records": tickets()}]
