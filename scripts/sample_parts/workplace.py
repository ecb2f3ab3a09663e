"""Sample workplace requests (January-September 2026): mostly ready in 2-4 working days; the summer holidays in
August stretch some requests beyond five working days."""
from __future__ import annotations

from datetime import date, timedelta

from ._common import business_moment, iso, make_rng

rng = make_rng(__name__.rsplit('.', 1)[-1])
HOLIDAYS = {date(2026, 1, 1), date(2026, 4, 6), date(2026, 4, 27), date(2026, 5, 5), date(2026, 5, 14),
            date(2026, 5, 25)}


def _after_working_days(d: date, n: int) -> date:
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in HOLIDAYS:
            n -= 1
    return d


def requests() -> list[dict]:
    out = []
    n = 0
    for month in range(1, 10):
        for _ in range(rng.randint(12, 18)):
            n += 1
            asked = business_moment(date(2026, month, rng.randint(1, 24)), rng)
            late = rng.random() < (0.2 if month == 8 else 0.02)
            days = rng.randint(6, 9) if late else rng.randint(1, 5)
            ready_day = _after_working_days(asked.date(), days)
            ready = asked.replace(year=ready_day.year, month=ready_day.month, day=ready_day.day,
                                  hour=rng.randint(9, 16))
            rec = {"id": f"WPL-2026-{n:04d}", "requested_at": iso(asked), "ready_at": iso(ready), "status": "ready",
                   "request_type": rng.choice(["new_employee", "new_employee", "replacement", "additional"]),
                   "device_type": rng.choice(["laptop", "laptop", "laptop", "desktop"]),
                   "location": rng.choice(["Utrecht - Hoofdkantoor", "Amersfoort", "Zeist", "Houten"]),
                   "organisation": "Stichting ICT Beheer"}
            out.append(rec)
    out[5]["status"], out[5]["ready_at"] = "cancelled", None
    # a request from late September still in progress at the export (its term ends in October: not judged yet)
    out.append({"id": "WPL-2026-9001", "requested_at": "2026-09-29T10:15:00+02:00", "ready_at": None,
                "status": "in_progress", "request_type": "new_employee", "device_type": "laptop",
                "location": "Zeist", "organisation": "Stichting ICT Beheer"})
    return out


#: the workplace-request export comes from the old request tool, switched off on 31 August: September's requests
#: are not in this bundle, so the sample shows an honest NO-DATA for O4-workplace-issuance in September and Q3
EXPORT_ENDS = "2026-08-31"


def documents() -> list[dict]:
    kept = [r for r in requests() if r["requested_at"][:10] <= EXPORT_ENDS]
    return [{"kind": "workplace_requests", "path": "workplace-requests.jsonl", "format": "jsonl", "records": kept,
             "covers": {"from": "2026-01-01", "to": EXPORT_ENDS}}]
