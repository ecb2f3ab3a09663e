"""Synthetic governance evidence around the tickets: RCAs and communication of major incidents, satisfaction
surveys, the improvement register and the sustainability statement (D34).

Major-incident records are derived from the major tickets already written (``ticket_index``), so every reference
resolves. RCAs are mostly documented and shared within 10 working days of closure; updates mostly follow the
30/60-minute rhythm, with a gap in a share of incidents.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from ..timeparse import NAT
from ._common import Doc, GenContext, chunked
from .tickets import ticket_index

DAY, H, M = 86400, 3600, 60


def documents(ctx: GenContext) -> list[Doc]:
    return [Doc("rcas", "rcas.jsonl", lambda: [_rcas(ctx)]),
            Doc("major_incident_comms", "major-incident-comms.jsonl", lambda: _comms(ctx)),
            Doc("satisfaction_surveys", "satisfaction-surveys.jsonl", lambda: _surveys(ctx)),
            Doc("improvement_register", "improvement-register.jsonl", lambda: [_improvements(ctx)]),
            Doc("sustainability_statements", "sustainability-statements.jsonl", lambda: [_statements(ctx)])]


def _majors(ctx: GenContext) -> np.ndarray:
    t = ticket_index(ctx)
    return np.flatnonzero(t["major"] & ~t["cancelled"])


def _rcas(ctx: GenContext) -> list[dict]:
    t = ticket_index(ctx)
    rows = _majors(ctx)
    rows = rows[t["closed"][rows] != NAT]
    rng = ctx.rng("rcas")
    n = len(rows)
    closed = t["closed"][rows]
    late = rng.random(n) < 0.06
    documented = ctx.calendar.add_working_days(closed, np.where(late, rng.integers(11, 20, n), rng.integers(1, 8, n))) \
        - rng.integers(6, 14, n) * H
    shared = documented + rng.integers(1, 2 * DAY, n)
    shared = np.where(late | (rng.random(n) < 0.5), shared, documented + H)
    for a in (documented, shared):
        a[a > ctx.exported_at] = NAT
    c_doc, c_sh = ctx.iso(documented), ctx.iso(shared)
    ids = t["id"][rows].tolist()
    return [{"id": f"RCA-{ctx.year}-{k + 1:05d}", "incident_id": ids[k], "documented_at": c_doc[k], "shared_at": c_sh[k],
             "shared_with": ["informatiemanager"] if c_sh[k] else [], "root_cause": "zie RCA-rapport",
             "lessons": ["monitoring uitgebreid"]} for k in range(n)]


def _comms(ctx: GenContext):
    """Updates from declaration until resolution: first within 30 min, then hourly (a late one now and then)."""
    t = ticket_index(ctx)
    rows = _majors(ctx)
    rng = ctx.rng("major_incident_comms")
    out = []
    for k, row in enumerate(rows.tolist()):
        declared = int(t["reported"][row]) + int(rng.integers(2, 10)) * M
        end = int(t["resolved"][row]) if t["resolved"][row] != NAT else ctx.exported_at
        gap_late = rng.random() < 0.08
        at = declared + (int(rng.integers(35, 50)) if rng.random() < 0.05 else int(rng.integers(10, 29))) * M
        times = []
        while at < end and len(times) < 72:
            times.append(at)
            step = 60 if not gap_late or len(times) != 2 else int(rng.integers(70, 120))
            at += int(rng.integers(40, step + 1)) * M if step == 60 else step * M
        times = times or [min(declared + 20 * M, end)]
        iso = ctx.iso(np.array(times + [declared], dtype=np.int64))
        out.append({"id": f"MIC-{ctx.year}-{k + 1:05d}", "ticket_id": t["id"][row], "declared_at": iso[-1],
                    "updates": [{"at": a, "channel": "statuspagina" if j % 2 else "e-mail", "audience": "key-users",
                                 "summary": "stand van zaken"} for j, a in enumerate(iso[:-1])]})
        if len(out) == 10_000:
            yield out
            out = []
    yield out


def _surveys(ctx: GenContext):
    """A survey after a sample of resolved tickets; a third answered, mostly satisfied."""
    t = ticket_index(ctx)
    rng = ctx.rng("satisfaction_surveys")
    rows = np.flatnonzero((t["resolved"] != NAT) & (rng.random(len(t["id"])) < 0.08))
    n = len(rows)
    sent = t["resolved"][rows] + rng.integers(5 * M, 2 * H, n)
    answered = np.where(rng.random(n) < 0.33, sent + rng.integers(2 * M, 3 * DAY, n), NAT)
    sent[sent > ctx.exported_at] = NAT
    answered[(answered > ctx.exported_at) | (sent == NAT)] = NAT
    keep = sent != NAT
    rows, sent, answered = rows[keep], sent[keep], answered[keep]
    n = len(rows)
    score = rng.choice(11, n, p=[.01, .01, .01, .02, .02, .04, .07, .15, .27, .22, .18])
    c_sent, c_ans = ctx.iso(sent), ctx.iso(answered)
    ids = t["id"][rows].tolist()
    score_l = score.tolist()
    for lo, hi in chunked(n):
        yield [{"id": f"SRV-{ctx.year}-{i + 1:07d}", "ticket_id": ids[i], "sent_at": c_sent[i], "answered_at": c_ans[i],
                "score": score_l[i] if c_ans[i] else None} for i in range(lo, hi)]


def _improvements(ctx: GenContext) -> list[dict]:
    """A quarterly snapshot of the register: about ten ranked items; one quarter has stale or unowned items."""
    rng = ctx.rng("improvement_register")
    stale_q = int(rng.integers(0, 4))
    items = 14
    out = []
    seq = 0
    for q in range(4):
        snap = date(ctx.year, 3 * q + 3, 28)
        for k in range(items):
            seq += 1
            done = k < q * 2  # items get done over the year
            stale = q == stale_q and k in (8, 9)
            out.append({"id": f"IMP-SNAP-{ctx.year}-{seq:04d}", "snapshot_on": snap.isoformat(),
                        "item_id": f"VB-{k + 1:03d}", "title": f"Verbeteractie {k + 1}",
                        "rank": k + 1 if k < 10 else None, "owner": None if stale else "servicemanager",
                        "status": "done" if done else ("in_progress" if k % 3 else "open"),
                        "decision_moment": (snap + timedelta(days=60)).isoformat(),
                        "last_updated": (snap - timedelta(days=120 if stale else int(rng.integers(3, 40)))).isoformat(),
                        "source": "RCA" if k % 4 == 0 else "kwartaaloverleg"})
    return out


def _statements(ctx: GenContext) -> list[dict]:
    y = ctx.year
    actions = [{"id": "A1", "description": "Refurbished werkplekken bij vervanging", "status": "applied",
                "applied_on": f"{y}-04-15", "follow_up_needed": True, "follow_up": "rapportage per kwartaal"},
               {"id": "A2", "description": "Servers consolideren in groen datacenter", "status": "in_progress",
                "applied_on": None, "follow_up_needed": False, "follow_up": None},
               {"id": "A3", "description": "E-waste gecertificeerd laten verwerken", "status": "applied",
                "applied_on": f"{y}-09-01", "follow_up_needed": True, "follow_up": "certificaten in het dossier"}]
    return [{"id": f"D34-{y - 1}", "issued_on": f"{y - 1}-10-01", "updated_on": None, "at_tender": True,
             "period_from": f"{y - 1}-10-01", "period_to": f"{y}-09-30", "title": "MVO-verklaring bij inschrijving",
             "actions": actions[:2]},
            {"id": f"D34-{y}", "issued_on": f"{y}-09-20", "updated_on": None, "at_tender": False,
             "period_from": f"{y}-10-01", "period_to": f"{y + 1}-09-30", "title": "MVO-verklaring, jaarlijkse update",
             "actions": actions}]
