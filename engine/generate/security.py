"""Synthetic security evidence: vulnerability findings, the security exception register and patch states.

Findings with CVSS ≥ 8 are mostly mitigated inside their term (14 days, 7 when the cyber insurance says so); in
some quarters a few are late, some of those covered by a formal exception in force (waived), some referring to an
expired or withdrawn one (a breach). Patch installation is late for a share of components that varies by month
around the 90 % norm.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from ..timeparse import NAT
from ._common import Doc, GenContext, chunked, monthly_rates, pick

DAY = 86400
PRODUCTS = ("OpenSSL", "Apache httpd", "Windows Server", "Citrix ADC", "Fortinet FortiOS", "Exchange", "Java runtime",
            "VMware ESXi", "Chrome", "PostgreSQL")
CONTROLS = ("BIO 12.6.1", "BIO 9.4.2", "BIO 13.1.1", "BIO 8.1.1")
LONG_EXCEPTIONS = 0.4  # share of the register valid all year: what late findings may legitimately refer to


def documents(ctx: GenContext) -> list[Doc]:
    return [Doc("vulnerabilities", "vulnerabilities.jsonl", lambda: _vulnerabilities(ctx)),
            Doc("security_exceptions", "security-exceptions.jsonl", lambda: [_exceptions(ctx)]),
            Doc("patch_states", "patch-states.jsonl", lambda: _patch_states(ctx)),
            Doc("security_incidents", "security-incidents.jsonl", lambda: [_incidents(ctx)])]


def _incidents(ctx: GenContext) -> list[dict]:
    """Security incidents: P1 contained within 4 clock hours, P2 within 24 (minus third-party waits), now and
    then too late."""
    rng = ctx.rng("security_incidents")
    n = ctx.scaled(1_500, 8)
    detected = ctx.business_instants(rng, n, weekend_weight=0.3, night_share=0.25)
    p = rng.choice(4, n, p=[0.03, 0.17, 0.45, 0.35])
    late = rng.random(n) < np.where(p < 2, 0.06, 0.1)
    limit = np.array([4 * 3600, 20 * 3600, 3 * DAY, 5 * DAY])[p]
    triaged = detected + rng.integers(300, 3600, n)
    contained = np.where(late, detected + limit * 2 + rng.integers(5 * DAY, 10 * DAY, n) * (p == 1),
                         triaged + (rng.uniform(0.05, 0.8, n) * (limit - 3600)).astype(np.int64))
    wait = (p == 1) & (rng.random(n) < 0.15)
    wait_start = triaged + 600
    wait_end = np.where(wait, wait_start + rng.integers(3600, 12 * 3600, n), NAT)
    contained = np.where(wait, contained + (wait_end - wait_start), contained)
    resolved = contained + rng.integers(3600, 5 * DAY, n)
    for a in (triaged, contained, resolved):
        a[a > ctx.exported_at] = NAT
    status = np.where(resolved != NAT, "closed", np.where(contained != NAT, "contained", "open")).tolist()
    c_det, c_tri, c_con, c_res, c_ws, c_we = (ctx.iso(detected), ctx.iso(triaged), ctx.iso(contained),
                                              ctx.iso(resolved), ctx.iso(wait_start), ctx.iso(wait_end))
    cat = pick(rng, ("phishing", "malware", "account compromise", "data leak"), (5, 2, 2, 1), n).tolist()
    p_l, wait_l = p.tolist(), wait.tolist()
    out = []
    for i in range(n):
        out.append({"id": f"SEC-{ctx.year}-{i + 1:05d}", "title": f"Beveiligingsincident ({cat[i]})", "category": cat[i],
                    "priority": f"P{p_l[i] + 1}", "ticket_id": None, "detected_at": c_det[i], "triaged_at": c_tri[i],
                    "contained_at": c_con[i], "resolved_at": c_res[i], "status": status[i],
                    "third_party_waits": [{"party": "SOC-leverancier", "start": c_ws[i], "end": c_we[i],
                                           "reference": f"SOC-{i + 1}"}] if wait_l[i] else []})
    return out


def _n_exceptions(ctx: GenContext) -> int:
    return ctx.scaled(300, 6)


def _exceptions(ctx: GenContext) -> list[dict]:
    rng = ctx.rng("security_exceptions")
    n = _n_exceptions(ctx)
    long_n = max(2, int(n * LONG_EXCEPTIONS))
    y0 = ctx.day_number(ctx.first)
    start = np.where(np.arange(n) < long_n, y0 - rng.integers(0, 60, n), y0 + rng.integers(0, 330, n))
    length = np.where(np.arange(n) < long_n, 420, rng.integers(30, 200, n))
    expires = start + length
    reeval = start + np.minimum(length, 90)
    export_day = ctx.day_number(ctx.last) + 1
    withdrawn = (np.arange(n) >= long_n) & (rng.random(n) < 0.08)
    reevaluated = np.where((reeval < export_day) & (rng.random(n) < 0.85), reeval - rng.integers(0, 10, n), NAT)
    status = np.where(withdrawn, "withdrawn", np.where(expires < export_day, "expired", "active")).tolist()
    c_start, c_exp, c_reeval, c_done = (ctx.iso_date(start), ctx.iso_date(expires), ctx.iso_date(reeval),
                                        ctx.iso_date(reevaluated))
    control = pick(rng, CONTROLS, (4, 2, 1, 1), n).tolist()
    assets = ctx.asset_ids(rng.integers(0, ctx.n_assets, n))
    out = []
    for i in range(n):
        out.append({"id": f"EXC-{ctx.year}-{i + 1:04d}", "control": control[i], "scope": assets[i],
                    "reason": "Leverancier levert de patch later" if i % 2 else "Patch breekt een koppeling",
                    "compensating_control": "Netwerksegmentatie en verhoogde monitoring",
                    "reeval_date": c_reeval[i], "valid_from": c_start[i], "expires_on": c_exp[i],
                    "approved_by": "CISO", "reevaluated_on": c_done[i], "status": status[i]})
    return out


def _vulnerabilities(ctx: GenContext):
    n = ctx.scaled(100_000, 20)
    identified_all = ctx.business_instants(ctx.rng("vulnerabilities/identified"), n, weekend_weight=0.02,
                                           night_share=0.2)
    late_rate = monthly_rates(ctx.rng("vulnerabilities/rates"), (0.0, 0.0, 0.001, 0.004), months=4)
    n_exc = _n_exceptions(ctx)
    long_n = max(2, int(n_exc * LONG_EXCEPTIONS))
    for lo, hi in chunked(n):
        rng = ctx.rng(f"vulnerabilities/{lo}")
        ident = identified_all[lo:hi]
        m = len(ident)
        cvss = np.round(_cvss(rng, m), 1)
        insured = rng.random(m) < 0.05
        term = np.where(insured, 7, 14)
        severe = cvss >= 8.0
        quarter = ctx.month_of(ident) // 3
        late = (severe & (rng.random(m) < late_rate[quarter])) | (~severe & (rng.random(m) < 0.2))
        on_time = ident + (rng.uniform(0.1, 0.92, m) * (term - 1) * DAY).astype(np.int64)
        overdue = ident + ((term + rng.uniform(1, 25, m)) * DAY).astype(np.int64)
        mitigated = np.where(late, np.where(rng.random(m) < 0.2, NAT, overdue), on_time)
        mitigated[mitigated > ctx.exported_at] = NAT
        # a late severe finding: half refer to an exception in force, a few to one that lapsed
        u = rng.random(m)
        exc_idx = np.where(u < 0.5, rng.integers(0, long_n, m),
                           np.where(u < 0.6, rng.integers(long_n, max(long_n + 1, n_exc), m), -1))
        exc_idx = np.where(late & severe, exc_idx, -1)
        c_ident, c_mit = ctx.iso(ident), ctx.iso(mitigated)
        assets = ctx.asset_ids(rng.integers(0, ctx.n_assets, m))
        product = pick(rng, PRODUCTS, (1,) * len(PRODUCTS), m).tolist()
        has_cve = (rng.random(m) < 0.85).tolist()
        cvss_l, ins_l, exc_l = cvss.tolist(), insured.tolist(), exc_idx.tolist()
        out = []
        for i in range(m):
            num = lo + i + 1
            rec = {"id": f"VULN-{ctx.year}-{num:06d}", "asset_id": assets[i], "title": f"Kwetsbaarheid in {product[i]}",
                   "cve": f"CVE-{ctx.year}-{10000 + num}" if has_cve[i] else None, "cvss": cvss_l[i],
                   "identified_at": c_ident[i], "mitigated_at": c_mit[i]}
            if ins_l[i]:
                rec["remediation_term_days"] = 7
                rec["term_source"] = f"cyberverzekering polis {ctx.year}"
            rec["exception_id"] = f"EXC-{ctx.year}-{exc_l[i] + 1:04d}" if exc_l[i] >= 0 else None
            out.append(rec)
        yield out


def _cvss(rng: np.random.Generator, n: int) -> np.ndarray:
    """CVSS base scores roughly as scanners report them: many medium, a quarter ≥ 8."""
    band = rng.choice(5, n, p=[.10, .45, .20, .15, .10])
    lo = np.array([1.0, 4.0, 7.0, 8.0, 9.0])[band]
    hi = np.array([3.9, 6.9, 7.9, 8.9, 10.0])[band]
    return rng.uniform(lo, hi)


def _patch_tuesdays(ctx: GenContext) -> list[date]:
    out = []
    for month in range(1, 13):
        d = date(ctx.year, month, 1)
        d += timedelta(days=(1 - d.weekday()) % 7 + 7)
        out.append(d)
    return out


def _patch_states(ctx: GenContext):
    """One monthly security patch per managed component (endpoints, network devices, management software)."""
    n_dev, n_net, n_mgt = ctx.n_devices, ctx.scaled(2_000, 3), ctx.scaled(500, 2)
    comp = ctx.device_ids(np.arange(n_dev)) + [f"NET-{i + 1:05d}" for i in range(n_net)] + \
        [f"MGT-{i + 1:04d}" for i in range(n_mgt)]
    ctype = ["endpoint"] * n_dev + ["network_device"] * n_net + ["management_software"] * n_mgt
    late_rate = monthly_rates(ctx.rng("patch_states/rates"), (0.01, 0.03, 0.05, 0.11))
    n = len(comp)
    seq = 0
    for month, tuesday in enumerate(_patch_tuesdays(ctx)):
        rng = ctx.rng(f"patch_states/{month}")
        avail = ctx.midnights[ctx.day_number(tuesday) - ctx.day_number(ctx.first)] + 19 * 3600
        due = avail + 14 * DAY
        late = rng.random(n) < late_rate[month]
        installed = np.where(late, due + rng.integers(3600, 12 * DAY, n),
                             avail + rng.integers(3600, 13 * DAY, n))
        installed[installed > ctx.exported_at] = NAT
        c_avail, c_due = ctx.iso([avail])[0], ctx.iso([due])[0]
        c_inst = ctx.iso(installed)
        kb = f"KB{ctx.year}-{month + 1:02d}"
        for lo, hi in chunked(n):
            out = []
            for i in range(lo, hi):
                seq += 1
                out.append({"id": f"PS-{ctx.year}-{seq:07d}", "component_id": comp[i], "component_type": ctype[i],
                            "patch_id": kb, "vulnerability_id": None, "available_at": c_avail, "due_at": c_due,
                            "installed_at": c_inst[i]})
            yield out
