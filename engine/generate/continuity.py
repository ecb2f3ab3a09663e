"""Synthetic continuity evidence: daily backup runs with yearly restore tests, and the lifecycle overview (EoS/EoL
register with the supplier's signals) with its quarterly reviews.

Backup success hovers around the 99 % norm month by month. Restore tests are exported from the year before, so
every month's 12-month look-back is covered. EoS signals are mostly 90 days ahead, late for a share that varies
by quarter.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from ..timeparse import NAT
from ._common import Doc, GenContext, chunked, monthly_rates, pick

DAY = 86400
SYSTEMS = ("fileserver", "exchange-hybrid", "sql-cluster", "zaaksysteem", "erp", "sharepoint-backup", "ad", "gis")
VENDORS = (("Microsoft", "server"), ("Cisco", "netwerk"), ("Dell", "werkplek"), ("HP", "werkplek"),
           ("Fortinet", "netwerk"), ("VMware", "server"), ("Citrix", "applicatie"), ("Oracle", "applicatie"))


def documents(ctx: GenContext) -> list[Doc]:
    return [Doc("backup_runs", "backup-runs.jsonl", lambda: _backup_runs(ctx)),
            Doc("restore_tests", "restore-tests.jsonl", lambda: [_restore_tests(ctx)],
                covers=(date(ctx.year - 1, 1, 1), ctx.last)),
            Doc("lifecycle_register", "lifecycle-register.jsonl", lambda: _lifecycle_register(ctx)),
            Doc("lifecycle_reviews", "lifecycle-reviews.jsonl", lambda: [_lifecycle_reviews(ctx)])]


def _backup_runs(ctx: GenContext):
    """Every job runs nightly at 22:00-01:00; failure, warning and missed runs vary by month around the norm."""
    jobs = ctx.scaled(400, 4)
    bad_rate = monthly_rates(ctx.rng("backup_runs/rates"), (0.003, 0.006, 0.008, 0.02))
    system = [SYSTEMS[j % len(SYSTEMS)] for j in range(jobs)]
    start_min = ctx.rng("backup_runs/schedule").integers(22 * 60, 25 * 60, jobs) * 60
    seq = 0
    for d in range(len(ctx.days)):
        rng = ctx.rng(f"backup_runs/{d}")
        scheduled = ctx.midnights[d] + start_min
        bad = rng.random(jobs) < bad_rate[ctx.days[d].month - 1]
        status = np.where(bad, pick(rng, ("warning", "failed", "missed"), (3, 4, 2), jobs), "success")
        finished = np.where(status == "missed", NAT, scheduled + rng.integers(600, 4 * 3600, jobs))
        c_s, c_f, st = ctx.iso(scheduled), ctx.iso(finished), status.tolist()
        out = []
        for j in range(jobs):
            seq += 1
            s = st[j]
            out.append({"id": f"BKP-{ctx.year}-{seq:08d}", "job": f"job-{j + 1:04d}", "system": system[j],
                        "scheduled_at": c_s[j], "finished_at": c_f[j], "status": s,
                        "message": None if s == "success" else {"warning": "1 bestand overgeslagen (in gebruik)",
                                                                "failed": "doelopslag niet bereikbaar",
                                                                "missed": "job niet gestart"}[s]})
        yield out


def _restore_tests(ctx: GenContext) -> list[dict]:
    """A few restore tests a year per system group, one of them partial; 2025 included for the look-back."""
    rng = ctx.rng("restore_tests")
    out = []
    for year in (ctx.year - 1, ctx.year):
        n = ctx.scaled(24, 2)
        days = np.sort(rng.integers(0, 365, n))
        result = pick(rng, ("success", "partial", "failed"), (90, 7, 3), n).tolist()
        for k in range(n):
            out.append({"id": f"RST-{year}-{k + 1:04d}", "performed_on": (date(year, 1, 1) + timedelta(days=int(days[k]))).isoformat(),
                        "system": SYSTEMS[k % len(SYSTEMS)], "scope": "volledige restore naar testomgeving",
                        "result": result[k], "evidence_ref": f"restore-rapport-{year}-{k + 1:04d}.pdf"})
    return out


def _lifecycle_register(ctx: GenContext):
    """The asset pool (``AST-…``): a third with an EoS date in the coming years, most signalled 90+ days ahead."""
    n = ctx.n_assets
    rng = ctx.rng("lifecycle_register")
    y0 = ctx.day_number(ctx.first)
    has_eos = rng.random(n) < 0.3
    eos = np.where(has_eos, y0 + rng.integers(-60, 3 * 365, n), NAT)
    eol = np.where(has_eos, eos + rng.integers(180, 730, n), np.where(rng.random(n) < 0.05, y0 + rng.integers(0, 900, n), NAT))
    ref = np.where(eos != NAT, eos, eol)
    deadline = ref - 90
    announced = np.where(ref != NAT, deadline - rng.integers(10, 400, n), NAT)
    announced[rng.random(n) < 0.02] = NAT
    quarter = np.clip((deadline - y0) // 92, 0, 3)
    late = rng.random(n) < monthly_rates(ctx.rng("lifecycle_register/rates"), (0.02, 0.05, 0.08, 0.15), months=4)[quarter]
    signal_day = np.where(late, deadline + rng.integers(1, 60, n), deadline - rng.integers(0, 120, n))
    signal_day = np.maximum(signal_day, np.where(announced != NAT, announced, signal_day))
    signalled = np.where(ref != NAT, ctx.midnights[0] + (signal_day - y0) * DAY + 10 * 3600, NAT)
    signalled[(signalled > ctx.exported_at) | (ref == NAT)] = NAT
    retired = np.where((ref != NAT) & (rng.random(n) < 0.05), ref - rng.integers(0, 200, n), NAT)
    c_eos, c_eol, c_ann, c_sig, c_ret = (ctx.iso_date(eos), ctx.iso_date(eol), ctx.iso_date(announced),
                                         ctx.iso(signalled), ctx.iso_date(retired))
    vendor = rng.integers(0, len(VENDORS), n).tolist()
    for lo, hi in chunked(n):
        out = []
        for i in range(lo, hi):
            v, cat = VENDORS[vendor[i]]
            out.append({"id": ctx.asset_ids([i])[0], "name": f"{v} {cat}-component {i + 1}", "category": cat,
                        "vendor": v, "eos_date": c_eos[i], "eol_date": c_eol[i], "eos_announced_on": c_ann[i],
                        "signalled_at": c_sig[i], "signal_ref": None if c_sig[i] is None else f"SIG-{i + 1:06d}",
                        "retired_on": c_ret[i], "decision": None})
        yield out


def _lifecycle_reviews(ctx: GenContext) -> list[dict]:
    """One review mid-quarter; in one quarter the reviewed overview did not reach 12 months ahead."""
    rng = ctx.rng("lifecycle_reviews")
    short = int(rng.integers(0, 4))
    out = []
    for q in range(4):
        held = date(ctx.year, 3 * q + 2, int(rng.integers(5, 25)))
        horizon = q != short
        until = date(held.year + 1, held.month, held.day) if horizon else held + timedelta(days=200)
        out.append({"id": f"LCR-{ctx.year}-Q{q + 1}", "held_on": held.isoformat(), "horizon_12_months": horizon,
                    "horizon_until": until.isoformat(), "participants": ["informatiemanager", "servicemanager"],
                    "minutes_ref": f"notulen-lcm-{ctx.year}-q{q + 1}.pdf"})
    return out
