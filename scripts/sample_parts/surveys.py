"""Sample satisfaction surveys: sent after about 40 % of the resolved tickets, answered by about 60 % of the users
within a few days, scores mostly 7-10; August was a poor month (more low scores)."""
from __future__ import annotations

from datetime import datetime, timedelta

from ._common import iso, make_rng
from .tickets import tickets

rng = make_rng("surveys")


def surveys() -> list[dict]:
    out = []
    for tk in tickets():
        if not tk["resolved_at"] or rng.random() > 0.4:
            continue
        sent = datetime.fromisoformat(tk["resolved_at"]) + timedelta(hours=1)
        rec = {"id": f"SUR-{tk['id'][4:]}", "ticket_id": tk["id"], "sent_at": iso(sent), "answered_at": None,
               "score": None}
        if rng.random() < 0.6:
            low = 0.3 if sent.month == 8 else 0.12
            rec["answered_at"] = iso(sent + timedelta(hours=rng.randint(1, 72)))
            rec["score"] = rng.randint(2, 6) if rng.random() < low else rng.choices([7, 8, 9, 10], [2, 4, 3, 2])[0]
        out.append(rec)
    return out


def documents() -> list[dict]:
    return [{"kind": "satisfaction_surveys", "path": "satisfaction-surveys.jsonl", "format": "jsonl",
             "records": surveys()}]
