"""Synthetic service delivery evidence: outages (servicedesk channels, network per location, Microsoft 365),
workplace requests and monthly device compliance snapshots.

Outage minutes inside the service window stay below the 0.5 % a month allows in most months and exceed it in a
few (and at a few locations). Workplaces are mostly ready within 5 working days; device compliance hovers around
the 95 % norm.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from ..timeparse import NAT
from ._common import ORGANISATION, Doc, GenContext, chunked, monthly_rates, pick

DAY, H, M = 86400, 3600, 60
CHANNELS = ("portal", "email", "phone")
M365 = ("Exchange Online", "Teams", "SharePoint Online", "OneDrive", "Entra ID")


def documents(ctx: GenContext) -> list[Doc]:
    return [Doc("outages", "outages.jsonl", lambda: [_outages(ctx)]),
            Doc("workplace_requests", "workplace-requests.jsonl", lambda: _workplace(ctx)),
            Doc("device_compliance", "device-compliance.jsonl", lambda: _devices(ctx))]


def _outages(ctx: GenContext) -> list[dict]:
    rng = ctx.rng("outages")
    locations = [f"LOC-{i + 1:03d}" for i in range(ctx.scaled(150, 3))]
    rows: list[tuple] = []  # (service, key, start, minutes, influence, planned)
    # per month: a few short outages; in a bad month one long one inside office hours
    for service, keys, per_month, bad_months in (("servicedesk", CHANNELS, 2, 2), ("m365", M365, 3, 2)):
        bad = set(rng.choice(12, bad_months, replace=False).tolist())
        for month in range(12):
            for k in range(per_month + (1 if month in bad else 0)):
                long = month in bad and k == per_month
                rows.append((service, keys[int(rng.integers(0, len(keys)))], month,
                             int(rng.integers(70, 180)) if long else int(rng.integers(3, 20)),
                             bool(rng.random() < (0.9 if long else 0.5)), bool(rng.random() < 0.1)))
    for loc in locations:
        bad = rng.random() < 0.08
        bad_month = int(rng.integers(0, 12))
        for month in range(12):
            if rng.random() < 0.35 or (bad and month == bad_month):
                rows.append(("network", loc, month, int(rng.integers(90, 300)) if bad and month == bad_month
                             else int(rng.integers(2, 25)), True, bool(rng.random() < 0.2)))
    n = len(rows)
    months = np.array([d.month - 1 for d in ctx.days])
    working_days = [np.flatnonzero((months == m) & ctx.working) for m in range(12)]
    starts = np.empty(n, dtype=np.int64)
    for i, (_, _, month, _, _, _) in enumerate(rows):
        days = working_days[month]
        day = int(days[int(rng.integers(0, len(days)))])
        starts[i] = ctx.midnights[day] + int(rng.integers(8 * 60, 17 * 60)) * M
    ends = starts + np.array([r[3] for r in rows], dtype=np.int64) * M
    c_s, c_e = ctx.iso(starts), ctx.iso(ends)
    order = np.argsort(starts, kind="stable").tolist()
    out = []
    for k, i in enumerate(order):
        service, key, _, _, influence, planned = rows[i]
        out.append({"id": f"OUT-{ctx.year}-{k + 1:05d}", "service": service,
                    "location": key if service == "network" else None,
                    "channel": key if service == "servicedesk" else None,
                    "m365_service": key if service == "m365" else None, "component": None,
                    "start": c_s[i], "end": c_e[i], "within_supplier_influence": influence, "planned": planned,
                    "cause": "gepland onderhoud" if planned else "storing", "ticket_id": None})
    return out


def _workplace(ctx: GenContext):
    n = ctx.scaled(12_000, 12)
    rng = ctx.rng("workplace_requests")
    requested = ctx.business_instants(rng, n, weekend_weight=0.02, night_share=0.0)
    month = ctx.month_of(requested)
    late = rng.random(n) < monthly_rates(ctx.rng("workplace_requests/rates"), (0.04, 0.07, 0.09, 0.14))[month]
    days = np.where(late, rng.integers(6, 15, n), rng.integers(1, 6, n))
    ready = ctx.calendar.add_working_days(requested, days) - rng.integers(7, 15, n) * H
    ready = np.maximum(ready, requested + H)
    cancelled = rng.random(n) < 0.02
    ready[(ready > ctx.exported_at) | cancelled] = NAT
    status = np.where(cancelled, "cancelled", np.where(ready != NAT, "ready", "in_progress")).tolist()
    kind = pick(rng, ("new_employee", "replacement", "additional", "other"), (5, 3, 1, 1), n).tolist()
    device = pick(rng, ("laptop", "desktop", "thin client"), (7, 2, 1), n).tolist()
    c_req, c_ready = ctx.iso(requested), ctx.iso(ready)
    for lo, hi in chunked(n):
        yield [{"id": f"WPL-{ctx.year}-{i + 1:06d}", "requested_at": c_req[i], "ready_at": c_ready[i],
                "status": status[i], "request_type": kind[i], "device_type": device[i], "location": None,
                "organisation": ORGANISATION, "requester": None, "ticket_id": None} for i in range(lo, hi)]


def _devices(ctx: GenContext):
    """One Intune compliance snapshot per device at each month end (the export day)."""
    n = ctx.n_devices
    rng = ctx.rng("device_compliance")
    platform = pick(rng, ("windows", "macos", "ios", "android"), (70, 8, 12, 10), n).tolist()
    ownership = np.where(rng.random(n) < 0.9, "corporate", "personal").tolist()
    ids = ctx.device_ids(np.arange(n))
    bad_rate = monthly_rates(ctx.rng("device_compliance/rates"), (0.02, 0.03, 0.045, 0.07))
    seq = 0
    for month in range(12):
        snap = date(ctx.year, month + 1, 28) + timedelta(days=4)
        snap = snap - timedelta(days=snap.day)  # last day of the month
        r = ctx.rng(f"device_compliance/{month}")
        compliant = (r.random(n) >= bad_rate[month]).tolist()
        check_in = ctx.midnights[(snap - ctx.first).days] + r.integers(6 * H, 20 * H, n)
        c_chk, c_snap = ctx.iso(check_in), snap.isoformat()
        for lo, hi in chunked(n):
            out = []
            for i in range(lo, hi):
                seq += 1
                ok = compliant[i]
                out.append({"id": f"DC-{ctx.year}-{seq:08d}", "device_id": ids[i], "snapshot_date": c_snap,
                            "compliant": ok, "platform": platform[i], "ownership": ownership[i], "user": None,
                            "noncompliance_reason": None if ok else "BitLocker uit of OS-update ontbreekt",
                            "last_check_in": c_chk[i]})
            yield out
