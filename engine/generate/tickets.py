"""Synthetic tickets: incidents and requests of a year with their event histories.

Reports cluster in office hours on working days. Response and resolution times are drawn against the annex's
limits (P1 clock time, P2-P4 business time through the contract's service calendar) with a breach rate that
varies by month, so some months meet a norm and others do not. Histories carry the events the O1/O3/T2 rules
read: automatic acknowledgements (never a response), handovers, owner changes, proactive updates, third-party
waits, reopenings, stabilisation and party coordination.
"""
from __future__ import annotations

import numpy as np

from ..timeparse import NAT
from ._common import ORGANISATION, SUPPLIER, Doc, GenContext, chunked, monthly_rates, pick

H = 3600
PRIORITIES = ("P1", "P2", "P3", "P4")
# per-record limits (seconds; P1 clock, others business time): first response, resolution
RESPONSE_LIMIT = np.array([15 * 60, 1 * H, 4 * H, 8 * H])
RESOLUTION_LIMIT = np.array([48 * H, 8 * H, 24 * H, 40 * H])
STABILISE_LIMIT = 4 * H
CATEGORIES = ("werkplek", "netwerk", "applicatie", "account", "printer", "telefonie", "m365", "hardware")
TEAMS = np.array(["team-werkplek", "team-netwerk", "team-applicaties", "servicedesk", "servicedesk", "team-werkplek",
                  "team-m365", "team-werkplek"], dtype=object)
PARTIES = ("leverancier-netwerk", "leverancier-zaaksysteem", "telecomprovider", "hardwareleverancier")


ORDER = 0  # written first: later families refer to tickets through ``ticket_index``


def documents(ctx: GenContext) -> list[Doc]:
    return [Doc("tickets", "tickets.jsonl", lambda: _chunks(ctx))]


def ticket_index(ctx: GenContext) -> dict[str, np.ndarray]:
    """Columns of every ticket written (id, priority 0-3, major, reported, resolved, closed, cancelled), sorted
    by report time; available once the tickets document has been written."""
    parts = ctx.shared.get("tickets")
    if parts is None:
        raise RuntimeError("the tickets document must be generated before documents that refer to tickets")
    if isinstance(parts, list):
        parts = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        ctx.shared["tickets"] = parts
    return parts


def _rates(ctx: GenContext) -> dict[str, np.ndarray]:
    """Per priority (rows P1-P4) and month: the share answered late / resolved late."""
    rng = ctx.rng("tickets/rates")
    return {
        "response": np.stack([monthly_rates(rng, c) for c in ((0.0, 0.02, 0.03, 0.08), (0.01, 0.02, 0.04, 0.07),
                                                            (0.03, 0.05, 0.08, 0.14), (0.03, 0.06, 0.09, 0.13))]),
        "resolution": np.stack([monthly_rates(rng, c) for c in ((0.0, 0.01, 0.05), (0.0, 0.01, 0.02, 0.05),
                                                              (0.02, 0.04, 0.06, 0.11), (0.02, 0.04, 0.1))]),
        "stabilise": monthly_rates(rng, (0.0, 0.02, 0.06)),
        "owner_change": monthly_rates(rng, (0.01, 0.02, 0.03, 0.06)),
        "proactive_miss": monthly_rates(rng, (0.03, 0.08, 0.12, 0.2)),
        "coordination": monthly_rates(rng, (0.0, 0.03, 0.06, 0.15), months=4),
    }


def _chunks(ctx: GenContext):
    n = ctx.tickets
    reported_all = ctx.business_instants(ctx.rng("tickets/reported"), n, weekend_weight=0.08, night_share=0.04)
    rates = _rates(ctx)
    width = max(6, len(str(n)))
    for lo, hi in chunked(n):
        yield _chunk(ctx, ctx.rng(f"tickets/{lo}"), lo, reported_all[lo:hi], rates, width)


def _durations(rng, limit, late_rate, n, lo=0.05, hi=0.9):
    late = rng.random(n) < late_rate
    return (limit * np.where(late, rng.uniform(1.05, 3.0, n), rng.uniform(lo, hi, n) ** 1.5)).astype(np.int64)


def _chunk(ctx: GenContext, rng: np.random.Generator, lo: int, reported: np.ndarray, rates, width: int) -> list[dict]:
    n = len(reported)
    cal, export = ctx.calendar, ctx.exported_at
    incident = rng.random(n) < 0.62
    p = np.where(incident, rng.choice(4, n, p=[0.004, 0.06, 0.46, 0.476]), rng.choice(4, n, p=[0.0, 0.01, 0.30, 0.69]))
    p1 = p == 0
    month = ctx.month_of(reported)
    # first substantive response
    resp_d = _durations(rng, RESPONSE_LIMIT[p], rates["response"][p, month], n)
    resp = np.where(p1, reported + resp_d, cal.add_business_seconds(reported, resp_d))
    # resolution, measured from the report; after the response
    res_d = _durations(rng, RESOLUTION_LIMIT[p], rates["resolution"][p, month], n, lo=0.08, hi=0.95)
    long_wait = ~incident & (rng.random(n) < 0.004)  # requests waiting weeks for hardware: the backlog tail
    res_d = np.where(long_wait, rng.integers(12, 45, n) * 10 * H, res_d)
    res = np.where(p1, reported + res_d, cal.add_business_seconds(reported, res_d))
    res = np.maximum(res, resp + 120)
    stab = np.where(p1, reported + _durations(rng, STABILISE_LIMIT, rates["stabilise"][month], n, 0.2, 0.9), NAT)
    stab = np.where(p1, np.minimum(np.maximum(stab, resp), res), NAT)
    cancelled = rng.random(n) < 0.01
    span = res - resp
    ack = np.where(rng.random(n) < 0.8, reported + rng.integers(20, 120, n), NAT)
    # multi-party tickets: another party brought in by a handover, coordinated within the hour (late in a bad
    # quarter), the user updated in between; the rest: an internal handover now and then
    multi = rng.random(n) < 0.04
    quarter = month // 3
    slow = multi & (rng.random(n) < rates["coordination"][quarter])
    handover = np.where(multi | (rng.random(n) < 0.08), resp + span * 15 // 100, NAT)
    coord = np.where(multi, np.minimum(handover + np.where(slow, rng.integers(2, 4, n) * 86400,
                                                          rng.integers(300, 3000, n)), res - 60), NAT)
    update = np.where(multi, (coord + res) // 2, NAT)
    owner_change = np.where(~multi & (rng.random(n) < rates["owner_change"][month]), resp + span * 3 // 10, NAT)
    waits = ~p1 & ~multi & (rng.random(n) < 0.05)
    wait_start = np.where(waits, resp + span * 35 // 100, NAT)
    wait_end = np.where(waits, resp + span * 6 // 10, NAT)
    reopen = ~p1 & ~long_wait & (rng.random(n) < 0.02)
    first_res = np.where(reopen, res, NAT)
    reopened = np.where(reopen, res + rng.integers(2, 48, n) * H, NAT)
    res = np.where(reopen, reopened + rng.integers(1, 24, n) * H, res)
    # the expected resolution (requests: told to the user; incidents: the priority's norm); a ticket running past
    # it mostly gets a proactive update before it
    expected = np.where(p1, reported + RESOLUTION_LIMIT[0], cal.add_business_seconds(reported, RESOLUTION_LIMIT[p]))
    told = (res > expected) & (rng.random(n) >= rates["proactive_miss"][month])
    proactive = np.where(told, np.maximum(resp + 60, expected - rng.integers(600, 4 * H, n)), NAT)
    closed = res + 2 * 86400
    csat = np.where(rng.random(n) < 0.07, rng.choice(11, n, p=[.01, .01, .01, .02, .02, .04, .07, .15, .27, .22, .18]), -1)
    for arr in (resp, res, stab, ack, handover, owner_change, wait_start, wait_end, coord, update, proactive,
                first_res, reopened, closed):
        arr[(arr > export) | cancelled] = NAT
    ack[cancelled] = NAT
    resolved = res != NAT
    closed_cancel = np.where(cancelled, np.minimum(reported + rng.integers(1, 8, n) * H, export), NAT)
    status = np.where(cancelled, "cancelled", np.where(closed != NAT, "closed", np.where(
        resolved, "resolved", np.where((wait_start != NAT) & (wait_end == NAT), "on_hold", "in_progress")))).tolist()
    expected = np.where(incident, NAT, expected)

    iso = ctx.iso
    c_rep, c_resp, c_res, c_stab, c_ack = iso(reported), iso(resp), iso(res), iso(stab), iso(ack)
    c_ho, c_oc, c_ws, c_we, c_coord, c_pro = (iso(handover), iso(owner_change), iso(wait_start), iso(wait_end),
                                              iso(coord), iso(proactive))
    c_fres, c_reo, c_closed, c_upd = iso(first_res), iso(reopened), iso(closed), iso(update)
    c_closed_any = [c if c is not None else cc for c, cc in zip(c_closed, iso(closed_cancel))]
    c_exp = iso(expected)
    cat = rng.integers(0, len(CATEGORIES), n)
    owner = TEAMS[cat].tolist()
    cat_l = [CATEGORIES[c] for c in cat.tolist()]
    channel = np.where(p1 & (rng.random(n) < 0.5), "monitoring",
                       pick(rng, ("portal", "email", "phone", "walk_in", "other"), (50, 25, 20, 3, 2), n)).tolist()
    major = (p1 & (rng.random(n) < 0.6)).tolist()
    party = pick(rng, PARTIES, (3, 2, 2, 1), n).tolist()
    inc_l, p_l, multi_l, csat_l = incident.tolist(), p.tolist(), multi.tolist(), csat.tolist()
    tids = [f"{'INC' if inc else 'REQ'}-{ctx.year}-{lo + i + 1:0{width}d}" for i, inc in enumerate(inc_l)]
    ctx.shared.setdefault("tickets", []).append({
        "id": np.array(tids, dtype=object), "priority": p, "major": np.array(major, dtype=bool), "reported": reported,
        "resolved": res, "closed": closed, "cancelled": cancelled, "incident": incident})

    out = []
    for i in range(n):
        num = lo + i + 1
        inc = inc_l[i]
        tid = tids[i]
        ev = []
        if c_ack[i]:
            ev.append({"at": c_ack[i], "type": "auto_ack", "by": "system"})
        if c_resp[i]:
            ev.append({"at": c_resp[i], "type": "response", "by": "servicedesk"})
            if p_l[i] == 0:
                ev.append({"at": c_resp[i], "type": "escalation", "by": "servicedesk", "to": "piket"})
        if c_ho[i]:
            ev.append({"at": c_ho[i], "type": "handover", "by": "servicedesk",
                       "party": party[i] if multi_l[i] else owner[i],
                       "note": "diagnose, logbestanden en contactgegevens overgedragen", "line": 2})
        if c_oc[i]:
            ev.append({"at": c_oc[i], "type": "owner_change", "by": "servicedesk", "from": "servicedesk", "to": owner[i]})
        if c_ws[i]:
            ev.append({"at": c_ws[i], "type": "wait_third_party_start", "by": owner[i], "party": party[i]})
        if c_coord[i]:
            ev.append({"at": c_coord[i], "type": "party_coordination", "by": SUPPLIER, "party": party[i]})
        if c_upd[i]:
            ev.append({"at": c_upd[i], "type": "update", "by": "servicedesk"})
        if c_pro[i]:
            ev.append({"at": c_pro[i], "type": "proactive_update", "by": owner[i]})
        if c_we[i]:
            ev.append({"at": c_we[i], "type": "wait_third_party_end", "by": owner[i], "party": party[i]})
        if c_stab[i]:
            ev.append({"at": c_stab[i], "type": "stabilised", "by": owner[i]})
        if c_fres[i]:
            ev.append({"at": c_fres[i], "type": "resolved", "by": owner[i]})
        if c_reo[i]:
            ev.append({"at": c_reo[i], "type": "reopened", "by": "servicedesk"})
        if c_res[i]:
            ev.append({"at": c_res[i], "type": "resolved", "by": owner[i]})
        if c_closed[i]:
            ev.append({"at": c_closed[i], "type": "closed", "by": "system"})
        rec = {"id": tid, "type": "incident" if inc else "request", "priority": PRIORITIES[p_l[i]],
               "channel": channel[i], "organisation": ORGANISATION,
               "title": f"{'Storing' if inc else 'Verzoek'} {cat_l[i]} {num}", "category": cat_l[i],
               "reported_at": c_rep[i], "status": status[i], "resolved_at": c_res[i],
               "closed_at": c_closed_any[i], "major_incident": major[i], "owner": owner[i]}
        if c_exp[i]:
            rec["expected_resolution_at"] = c_exp[i]
        if multi_l[i]:
            rec["resolving_parties"] = [SUPPLIER, party[i]]
        if csat_l[i] >= 0 and c_res[i]:
            rec["csat_score"] = csat_l[i]
        rec["events"] = ev
        out.append(rec)
    return out
