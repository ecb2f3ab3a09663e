"""Synthetic change management: the change register, the standard change catalogue (SWC) and the handover
documents that delivered changes bring up to date.

Standard changes name a catalogue item and are mostly completed within its tendered lead time; normal and
impactful changes pass the CAB, a few are rolled back or cause an incident the supplier links to them
(a ticket reported in the days after execution), and impactful ones are executed within 12 working days of the
go decision except in a bad quarter.
"""
from __future__ import annotations

import numpy as np

from ..timeparse import NAT
from ._common import Doc, GenContext, chunked, monthly_rates, pick
from .tickets import ticket_index

DAY = 86400
CATALOGUE = (("Nieuwe gebruiker aanmaken", "accounts", 1), ("Gebruiker verwijderen", "accounts", 1),
             ("Softwarepakket uitrollen", "werkplek", 3), ("Mailbox aanmaken", "m365", 1),
             ("Gedeelde mailbox", "m365", 2), ("Netwerkpoort activeren", "netwerk", 3),
             ("Firewallregel toevoegen", "netwerk", 5), ("Printer toevoegen", "werkplek", 2),
             ("Teams-omgeving aanmaken", "m365", 2), ("Rechten op share wijzigen", "accounts", 1),
             ("Virtuele server uitbreiden", "infrastructuur", 5), ("Certificaat vernieuwen", "infrastructuur", 4),
             ("Licentie toewijzen", "m365", 1), ("VPN-toegang", "netwerk", 2), ("Applicatie publiceren", "werkplek", 8),
             ("DNS-record wijzigen", "netwerk", 2))
DOCUMENTS = ("netwerkschema", "configuratiebeschrijving", "beheerhandleiding", "CMDB-export", "wachtwoordkluis-index")


def documents(ctx: GenContext) -> list[Doc]:
    return [Doc("standard_change_catalogue", "standard-change-catalogue.jsonl", lambda: [_catalogue(ctx)]),
            Doc("changes", "changes.jsonl", lambda: _changes(ctx)),
            Doc("handover_docs", "handover-docs.jsonl", lambda: _handover_docs(ctx))]


def _catalogue(ctx: GenContext) -> list[dict]:
    return [{"id": f"SWC-{i + 1:03d}", "name": name, "category": cat, "lead_time_working_days": days}
            for i, (name, cat, days) in enumerate(CATALOGUE)]


def _changes(ctx: GenContext):
    n = ctx.scaled(15_000, 30)
    rng = ctx.rng("changes")
    cal, export = ctx.calendar, ctx.exported_at
    requested = ctx.business_instants(rng, n, weekend_weight=0.01, night_share=0.0)
    month = ctx.month_of(requested)
    kind = pick(rng, ("standard", "normal", "impactful"), (60, 30, 10), n)
    std, impactful = kind == "standard", kind == "impactful"
    item = rng.integers(0, len(CATALOGUE), n)
    lead = np.array([c[2] for c in CATALOGUE])[item]
    late_std = rng.random(n) < monthly_rates(ctx.rng("changes/std-rates"), (0.03, 0.06, 0.08, 0.14))[month]
    std_days = np.where(late_std, lead + rng.integers(1, 6, n), np.maximum(0, lead - rng.integers(0, 2, n)))
    std_done = cal.add_working_days(requested, std_days) - rng.integers(6, 14, n) * 3600
    std_done = np.maximum(std_done, requested + 1800)
    # CAB changes: decision a few working days after the request, execution within the tendered 12 working days
    decided = cal.add_working_days(requested, rng.integers(2, 6, n)) - rng.integers(7, 14, n) * 3600
    go = ~std & (rng.random(n) < 0.92)
    late_imp = impactful & (rng.random(n) < monthly_rates(ctx.rng("changes/imp-rates"), (0.0, 0.0, 0.0, 0.08))[month])
    exec_days = np.where(late_imp, rng.integers(13, 25, n), rng.integers(1, 12, n))
    executed = np.where(std, std_done - 1800, cal.add_working_days(decided, exec_days) - rng.integers(8, 14, n) * 3600)
    executed = np.where(std | go, np.maximum(executed, np.where(std, requested, decided) + 600), NAT)
    bad_std = std & (rng.random(n) < monthly_rates(ctx.rng("changes/quality"), (0.01, 0.03, 0.04, 0.07))[month])
    rolled_back = np.where(std, bad_std & (rng.random(n) < 0.3), go & (rng.random(n) < 0.02))
    rework = bad_std & ~rolled_back
    completed = np.where(std, std_done, np.where(go & ~rolled_back, executed + rng.integers(1, 4, n) * 3600, NAT))
    rolled_at = np.where(rolled_back, np.where(executed != NAT, executed, requested) + rng.integers(1, 6, n) * 3600, NAT)
    cancelled = rng.random(n) < 0.015
    # an incident the change caused: the first ticket reported an hour or more after the execution
    tickets = ticket_index(ctx)
    caused = ~std & (executed != NAT) & (rng.random(n) < 0.03)
    pos = np.searchsorted(tickets["reported"], executed + rng.integers(3600, 3 * DAY, n))
    caused &= pos < len(tickets["reported"])
    linked = np.where(caused, pos, -1)
    for arr in (executed, completed, rolled_at):
        arr[(arr > export) | cancelled] = NAT
    decided_at = np.where(std | (decided > export), NAT, decided)
    status = np.where(cancelled, "cancelled", np.where(rolled_at != NAT, "rolled_back", np.where(
        completed != NAT, "completed", np.where(executed != NAT, "executed", np.where(
            ~std & ~go & (decided_at != NAT), "rejected", "approved"))))).tolist()
    gng = np.where(std | (decided_at == NAT), None, np.where(go, "go", "no_go")).tolist()
    c_req, c_dec, c_exe, c_com, c_rb = (ctx.iso(requested), ctx.iso(decided_at), ctx.iso(executed),
                                        ctx.iso(completed), ctx.iso(rolled_at))
    kind_l, item_l, rb_l, rw_l, linked_l = (kind.tolist(), item.tolist(), (rolled_at != NAT).tolist(), rework.tolist(),
                                            linked.tolist())
    ids = tickets["id"]
    published = {"executed": executed, "completed": completed, "std": std, "rolled_back": rolled_at != NAT}
    ctx.shared["changes"] = published
    for lo, hi in chunked(n):
        out = []
        for i in range(lo, hi):
            k = kind_l[i]
            out.append({"id": f"CHG-{ctx.year}-{i + 1:06d}", "type": k,
                        "title": CATALOGUE[item_l[i]][0] if k == "standard" else f"Wijziging {i + 1} ({k})",
                        "status": status[i], "requested_at": c_req[i], "go_no_go": gng[i], "go_no_go_at": c_dec[i],
                        "executed_at": c_exe[i], "completed_at": c_com[i], "rolled_back": rb_l[i],
                        "rolled_back_at": c_rb[i],
                        "linked_incident_ids": [ids[linked_l[i]]] if linked_l[i] >= 0 else [],
                        "catalogue_item": f"SWC-{item_l[i] + 1:03d}" if k == "standard" else None,
                        "rework": rw_l[i], "cab_ref": None if k == "standard" else f"CAB-{ctx.year}-{i // 40 + 1:04d}",
                        "requested_by": "servicedesk" if k == "standard" else "change-manager"})
        yield out


def _handover_docs(ctx: GenContext):
    """One to three documents of the handover set per delivered normal or impactful change."""
    changes = ctx.shared["changes"]
    rng = ctx.rng("handover_docs")
    rows = np.flatnonzero(~changes["std"] & (changes["completed"] != NAT))
    per = rng.integers(1, 4, len(rows))
    row = np.repeat(rows, per)
    n = len(row)
    delivered = changes["completed"][row]
    quarter = ctx.month_of(delivered) // 3
    late = rng.random(n) < monthly_rates(ctx.rng("handover_docs/rates"), (0.0, 0.0, 0.01, 0.03), months=4)[quarter]
    days = np.where(late, rng.integers(21, 40, n), rng.integers(0, 18, n))
    updated = ctx.calendar.add_working_days(delivered, days) - rng.integers(5, 12, n) * 3600
    updated = np.maximum(updated, delivered + 600)
    updated[updated > ctx.exported_at] = NAT
    c_del, c_upd = ctx.iso(delivered), ctx.iso(updated)
    doc = pick(rng, DOCUMENTS, (1,) * len(DOCUMENTS), n).tolist()
    row_l = row.tolist()
    for lo, hi in chunked(n):
        yield [{"id": f"HOD-{ctx.year}-{i + 1:06d}", "document": doc[i], "change_id": f"CHG-{ctx.year}-{row_l[i] + 1:06d}",
                "delivered_at": c_del[i], "updated_at": c_upd[i], "version": None if c_upd[i] is None else "1.1"}
               for i in range(lo, hi)]
