"""Sample outages of the servicedesk, the managed network per location and Microsoft 365 (January-September 2026).

The story: short channel outages of the servicedesk (one telephony failure in February that breaks the 99.5 %),
a core-switch failure at Amersfoort in August that takes that location below the 99.0 % floor (a deviation),
and a Microsoft-wide Exchange incident in September that does not count because it lay outside the supplier's
sphere of influence; the supplier's own Conditional Access change in July does count.
"""
from __future__ import annotations

from datetime import date, timedelta

from ._common import iso, local, make_rng

rng = make_rng(__name__.rsplit('.', 1)[-1])
LOCATIONS = ("Utrecht - Hoofdkantoor", "Amersfoort", "Zeist", "Houten")


def _outage(oid, service, day, hh, mm, minutes, **extra) -> dict:
    start = local(day, hh, mm)
    rec = {"id": oid, "service": service, "start": iso(start), "end": iso(start + timedelta(minutes=minutes)),
           "within_supplier_influence": True, "planned": False}
    rec.update(extra)
    return rec


def _workday(month: int, rng_day: int) -> date:
    d = date(2026, month, rng_day)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def outages() -> list[dict]:
    out: list[dict] = []
    n = 0

    def add(service, day, hh, mm, minutes, **extra):
        nonlocal n
        n += 1
        out.append(_outage(f"OUT-2026-{n:04d}", service, day, hh, mm, minutes, **extra))

    for month in range(1, 10):
        # servicedesk: one or two short channel outages a month
        for _ in range(rng.randint(1, 2)):
            add("servicedesk", _workday(month, rng.randint(2, 26)), rng.randint(8, 16), rng.randint(0, 59),
                rng.randint(5, 25), channel=rng.choice(["phone", "portal", "email"]), cause="storing kanaal")
        # network: a short outage at one or two locations
        for loc in rng.sample(LOCATIONS, rng.randint(1, 2)):
            add("network", _workday(month, rng.randint(2, 26)), rng.randint(8, 16), rng.randint(0, 59),
                rng.randint(5, 40), location=loc, component="access switch", cause="hardwarestoring")
        # m365: an occasional short supplier-side disruption
        if month % 2 == 1:
            add("m365", _workday(month, rng.randint(2, 26)), rng.randint(9, 15), rng.randint(0, 59), rng.randint(10, 30),
                m365_service=rng.choice(["Exchange Online", "Teams", "SharePoint Online"]), cause="configuratie tenant")
    # February: telephony provider failure, 2 h 10 min in the window -> servicedesk below 99.5 %
    add("servicedesk", date(2026, 2, 17), 9, 20, 130, channel="phone", cause="storing telefonieplatform")
    # a telephony outage on Ascension Day costs nothing (no service window), nor a weekend portal update
    add("servicedesk", date(2026, 5, 14), 10, 0, 180, channel="phone", cause="storing telefonieplatform")
    add("servicedesk", date(2026, 7, 11), 8, 0, 360, channel="portal", planned=True, cause="portal-upgrade")
    # July: the supplier's Conditional Access change locks users out of M365 for 40 min (counts)
    add("m365", date(2026, 7, 8), 8, 35, 40, m365_service="Entra ID / Conditional Access",
        cause="wijziging Conditional Access-beleid door leverancier")
    # August: core switch failure at Amersfoort from 10:05 to 13:20, overlapping a follow-up outage
    add("network", date(2026, 8, 12), 10, 5, 150, location="Amersfoort", component="core switch", cause="defecte core switch")
    add("network", date(2026, 8, 12), 12, 0, 80, location="Amersfoort", component="core switch",
        cause="herstart na vervanging")
    # September: Microsoft-wide Exchange Online incident, outside the supplier's sphere of influence
    add("m365", date(2026, 9, 23), 9, 0, 190, m365_service="Exchange Online", within_supplier_influence=False,
        cause="Microsoft-incident EX912345")
    # September: planned network maintenance at Zeist mostly after closing time (17:30-21:00)
    add("network", date(2026, 9, 16), 17, 30, 210, location="Zeist", planned=True, component="firewall",
        cause="gepland onderhoud firewall")
    out.sort(key=lambda r: r["start"])
    return out


def documents() -> list[dict]:
    return [{"kind": "outages", "path": "outages.jsonl", "format": "jsonl", "records": outages()}]
