"""Sample tickets: incidents and requests of January-September 2026 with their event histories.

Histories carry what the O1/O3/T2 rules read: automatic acknowledgements and substantive responses, handovers
between lines and to other parties (with notes), owner changes, proactive updates when a ticket runs past its
expected resolution, coordination of other resolving parties, third-party waits, stabilisation of P1s, reopens.
Kept foundation stories: the late P1 in August, the auto-acknowledged P2 in July, the Saturday P2, the request of
1 September still open at export. Durations are laid out in business time on the sample contract's calendar.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from engine.calendar import ServiceCalendar

from ._common import TZ, business_moment, iso, local, make_rng

SUPPLIER = "Voorbeeld Managed Services"
THIRD_PARTIES = ("KPN Zakelijk", "Microsoft", "AFAS Software", "Canon Business Services")
EXPECTED_BH = {"P2": 8, "P3": 24, "P4": 40}  # the resolution norms of the priorities (business hours)
OWNERS = ("sd-anouk", "sd-bram", "sd-chantal", "sd-daan", "sd-emre")


@lru_cache(maxsize=1)
def calendar() -> ServiceCalendar:
    path = Path(__file__).resolve().parents[2] / "evidence" / "sample" / "contract.yaml"
    return ServiceCalendar.from_settings(yaml.safe_load(path.read_text(encoding="utf-8"))["calendar"])


def add_bh(t: datetime, hours: float) -> datetime:
    """t plus business hours on the sample calendar."""
    end = int(calendar().add_business_seconds([int(t.timestamp())], [int(hours * 3600)])[0])
    return datetime.fromtimestamp(end, TZ)


@lru_cache(maxsize=1)
def tickets() -> tuple[dict, ...]:
    rng = make_rng("tickets")
    out: list[dict] = []
    n = 0
    for month in range(1, 10):
        for day in range(1, 29):
            d = date(2026, month, day)
            for _ in range(rng.choice([0, 1, 1, 2, 3]) if d.weekday() < 5 else 0):
                n += 1
                pr = rng.choices(["P2", "P3", "P4"], [2, 6, 4])[0]
                typ = "incident" if rng.random() < 0.7 else "request"
                out.append(_ticket(rng, f"INC-2026-{n:05d}", typ, pr, business_moment(d, rng)))
        for k in range(3):  # three P1 incidents a month, one of them at night
            n += 1
            t = local(date(2026, month, 4 + 9 * k), 2 if k == 1 else 10, 17)
            resp = 41 if (month == 8 and k == 2) else 9 + k  # August: one P1 answered late (a deviation)
            stab = 275 if (month == 9 and k == 0) else 90 + 30 * k  # September: stabilised after 4 h 35
            out.append(_p1(rng, f"INC-2026-{n:05d}", t, resp, stab, 180 + 30 * k + max(0, stab - 150)))
    # long-running requests (waiting on delivery of hardware): open over a month end, a normal backlog
    for month in range(1, 10):
        for k in range(24):
            n += 1
            t = business_moment(date(2026, month, 14 + k // 2), rng)
            out.append(_ticket(rng, f"REQ-2026-{n:05d}", "request", "P4", t, resp_bh=1.5,
                               res_bh=rng.uniform(6.5, 9) * 10, hardware=True))
    # one request reported on 1 September and still open at export: older than 10 working days on 30 September
    n += 1
    out.append(_ticket(rng, f"REQ-2026-{n:05d}", "request", "P4", local(date(2026, 9, 1), 10, 0), resp_bh=1,
                       res_bh=None))
    # a P2 reported on a Saturday: the business clock starts Monday 08:00
    n += 1
    out.append(_ticket(rng, f"INC-2026-{n:05d}", "incident", "P2", local(date(2026, 9, 12), 11, 5), resp_bh=0.67,
                       res_bh=5, plain=True))
    # a P2 answered only by an automatic acknowledgement within the hour, substantively after 3 business hours
    n += 1
    out.append(_ticket(rng, f"INC-2026-{n:05d}", "incident", "P2", local(date(2026, 7, 15), 9, 0), resp_bh=3,
                       res_bh=6, plain=True))
    return tuple(sorted(out, key=lambda x: x["reported_at"]))


def _base(rng, tid, typ, pr, t, owner, channel) -> dict:
    return {"id": tid, "type": typ, "priority": pr, "channel": channel, "organisation": "Stichting ICT Beheer",
            "title": f"{'Storing' if typ == 'incident' else 'Verzoek'} {tid[-5:]}", "reported_by": f"user{rng.randint(1, 400):03d}",
            "reported_at": iso(t), "status": "open", "resolved_at": None, "closed_at": None, "major_incident": False,
            "owner": owner, "expected_resolution_at": None, "events": []}


def _ticket(rng, tid, typ, pr, t, resp_bh=None, res_bh=None, hardware=False, plain=False) -> dict:
    """A P2-P4 ticket: response and resolution in business hours, with the history that goes with them."""
    owner = rng.choice(OWNERS)
    rec = _base(rng, tid, typ, pr, t, owner, rng.choice(["portal", "email", "phone"]))
    ev = rec["events"]
    if resp_bh is None:
        resp_bh = {"P2": rng.uniform(0.1, 0.8), "P3": rng.uniform(0.2, 3.3), "P4": rng.uniform(0.5, 6.5)}[pr]
    if res_bh is None and not plain and tid.startswith("INC"):
        late = rng.random() < 0.04
        res_bh = {"P2": rng.uniform(8.5, 12) if late else rng.uniform(1, 7.5),
                  "P3": rng.uniform(25, 34) if late else rng.uniform(2, 22),
                  "P4": rng.uniform(42, 55) if late else rng.uniform(4, 36)}[pr]
    # the expected resolution the servicedesk communicates: the priority's norm, sooner for simple categories
    expected = add_bh(t, EXPECTED_BH[pr] * rng.choice([0.5, 0.75, 1, 1])) if not hardware else add_bh(t, 120)
    rec["expected_resolution_at"] = iso(expected)
    ev.append({"at": iso(t + timedelta(minutes=1)), "type": "auto_ack", "by": "system"})
    resp = add_bh(t, resp_bh)
    ev.append({"at": iso(resp), "type": "response", "by": owner})
    end = add_bh(resp, res_bh) if res_bh is not None else None
    if not plain and end is not None:
        _history(rng, rec, t, resp, end, expected, owner)
    elif end is None and expected < datetime(2026, 10, 5, 7, 0, tzinfo=TZ):
        ev.append({"at": iso(expected - timedelta(hours=2)), "type": "proactive_update", "by": owner,
                   "note": "levering vertraagd; nieuwe verwachting doorgegeven"})
    if end is not None:
        ev.append({"at": iso(end), "type": "resolved", "by": owner})
        rec.update(status="closed", resolved_at=iso(end), closed_at=iso(end + timedelta(days=2)))
    ev.sort(key=lambda e: e["at"])
    return rec


def _history(rng, rec, t, resp, end, expected, owner) -> None:
    """Handovers, owner changes, multi-party coordination, waits, proactive updates and reopens."""
    ev = rec["events"]
    span = (end - resp).total_seconds()
    mid = lambda f: resp + timedelta(seconds=span * f)  # noqa: E731
    if rec["type"] == "incident" and rec["priority"] in ("P2", "P3") and rng.random() < 0.12:
        party = rng.choice(THIRD_PARTIES)
        rec["resolving_parties"] = [SUPPLIER, party]
        h = mid(0.2)
        ev.append({"at": iso(h), "type": "handover", "by": owner, "party": party, "to": party,
                   **({"note": "diagnose, logbestanden en contactpersoon meegegeven"} if rng.random() < 0.9 else {})})
        late = rng.random() < 0.1
        c = add_bh(h, rng.uniform(4.5, 7) if late else rng.uniform(0.2, 2))
        if c < end:
            ev.append({"at": iso(c), "type": "party_coordination", "by": SUPPLIER, "party": party,
                       "note": "afstemming aanpak en planning"})
        ev.append({"at": iso(mid(0.3)), "type": "wait_third_party_start", "by": owner, "party": party})
        ev.append({"at": iso(mid(0.6)), "type": "wait_third_party_end", "by": owner, "party": party})
        if rng.random() < 0.9:
            ev.append({"at": iso(mid(0.7)), "type": "update", "by": owner, "note": "stand van zaken bij leverancier"})
    elif rng.random() < 0.18:
        ev.append({"at": iso(mid(0.3)), "type": "handover", "by": owner, "from": 1, "to": 2, "line": 2,
                   "note": "doorgezet naar tweede lijn met analyse"})
    if rng.random() < 0.03:
        new = rng.choice([o for o in OWNERS if o != owner])
        ev.append({"at": iso(mid(0.5)), "type": "owner_change", "by": "teamlead", "from": owner, "to": new})
        rec["owner"] = new
    if end > expected:
        if rng.random() < 0.86:
            before = max(resp, expected - timedelta(minutes=rng.randint(30, 240)))
            ev.append({"at": iso(before), "type": "proactive_update", "by": rec["owner"],
                       "note": "behandeling duurt langer; nieuwe verwachting doorgegeven"})
        elif rng.random() < 0.5:
            ev.append({"at": iso(expected + timedelta(hours=3)), "type": "proactive_update", "by": rec["owner"]})
    if rng.random() < 0.03:
        first = mid(0.5)
        ev.append({"at": iso(first), "type": "resolved", "by": rec["owner"]})
        ev.append({"at": iso(first + timedelta(hours=1)), "type": "reopened", "by": "user"})


def _p1(rng, tid, t, resp_min, stab_min, res_min) -> dict:
    """A P1 major incident on the clock: response, stabilisation, resolution, with the infra team involved."""
    rec = _base(rng, tid, "incident", "P1", t, "sd-major-incident", rng.choice(["phone", "monitoring"]))
    rec["major_incident"] = True
    end = t + timedelta(minutes=res_min)
    rec["expected_resolution_at"] = iso(t + timedelta(hours=48))
    rec["events"] = [
        {"at": iso(t + timedelta(minutes=1)), "type": "auto_ack", "by": "system"},
        {"at": iso(t + timedelta(minutes=resp_min)), "type": "response", "by": "sd-major-incident"},
        {"at": iso(t + timedelta(minutes=resp_min + 5)), "type": "handover", "by": "sd-major-incident", "from": 1,
         "to": 2, "line": 2, "note": "major incident: infra on call gealarmeerd"},
        {"at": iso(t + timedelta(minutes=stab_min)), "type": "stabilised", "by": "team-infra"},
        {"at": iso(end), "type": "resolved", "by": "team-infra"},
    ]
    rec.update(status="closed", resolved_at=iso(end), closed_at=iso(end + timedelta(days=2)))
    return rec


def documents() -> list[dict]:
    return [{"kind": "tickets", "path": "tickets.jsonl", "format": "jsonl", "records": list(tickets())}]
