"""Column tables: evidence records turned into numpy columns once, so measures work in bulk.

Columns follow the document kind's JSON Schema: timestamps become int64 epoch seconds (``NAT`` when absent),
numbers float64 (NaN when absent), strings and booleans object arrays. A kind may add derived columns (a
ticket's first substantive response, its pauses) from its nested history; see ``DERIVERS``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable
from zoneinfo import ZoneInfo

import numpy as np

from .timeparse import NAT, TimeParseError, parse_date, parse_ts


@dataclass
class Table:
    kind: str
    ids: np.ndarray
    cols: dict[str, np.ndarray]
    coverage: tuple[tuple[date, date], ...] = ()
    sources: dict[str, str] = field(default_factory=dict)  # record id -> "file: line n"
    pauses: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # owner row, start, end
    lists: dict[str, list] = field(default_factory=dict)  # per-row Python lists (e.g. resolving parties)

    def __len__(self) -> int:
        return len(self.ids)

    def col(self, name: str) -> np.ndarray:
        return self.cols[name]

    def covers(self, first: date, last: date) -> bool:
        """True when the documents of this kind are complete for every day of [first, last]."""
        day = first
        for a, b in sorted(self.coverage):
            if a <= day <= b:
                day = b if b >= last else date.fromordinal(b.toordinal() + 1)
                if b >= last:
                    return True
        return False


def _kind_of(prop: dict) -> str:
    ref = prop.get("$ref", "")
    if ref.endswith("/timestamp"):
        return "ts"
    if ref.endswith("/date"):
        return "date"
    if "anyOf" in prop:
        refs = [x.get("$ref", "") for x in prop["anyOf"] if isinstance(x, dict)]
        if any(r.endswith("/timestamp") for r in refs):
            return "ts"
        if any(r.endswith("/date") for r in refs):
            return "date"
        return "obj"
    t = prop.get("type")
    types = set(t) if isinstance(t, list) else {t}
    if types & {"number", "integer"} and not types & {"string"}:
        return "num"
    if "array" in types or "object" in types:
        return "list"
    return "obj"


def column_kinds(schema: dict) -> dict[str, str]:
    return {name: _kind_of(prop) for name, prop in schema.get("properties", {}).items()}


class RowError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def convert_row(rec: dict, kinds: dict[str, str], tz: ZoneInfo | None) -> dict[str, Any]:
    """Convert one valid record's fields to column values; raise ``RowError`` naming the bad field."""
    out: dict[str, Any] = {}
    for name, k in kinds.items():
        v = rec.get(name)
        if k == "ts":
            try:
                out[name] = NAT if v is None else parse_ts(v, tz)
            except TimeParseError as exc:
                raise RowError(name, str(exc)) from None
        elif k == "date":
            try:
                out[name] = NAT if v is None else parse_date(v).toordinal()
            except TimeParseError as exc:
                raise RowError(name, str(exc)) from None
        elif k == "num":
            out[name] = np.nan if v is None else float(v)
        else:
            out[name] = v
    return out


def build_table(kind: str, rows: list[dict[str, Any]], kinds: dict[str, str], id_field: str,
                derived: list[dict[str, Any]] | None = None) -> Table:
    n = len(rows)
    cols: dict[str, np.ndarray] = {}
    lists: dict[str, list] = {}
    for name, k in kinds.items():
        values = [r[name] for r in rows]
        if k in ("ts", "date"):
            cols[name] = np.fromiter(values, dtype=np.int64, count=n)
        elif k == "num":
            cols[name] = np.fromiter(values, dtype=np.float64, count=n)
        elif k == "list":
            lists[name] = values
        else:
            arr = np.empty(n, dtype=object)
            arr[:] = values
            cols[name] = arr
    if derived:
        for name in derived[0]:
            if name.startswith("_"):
                continue
            values = [d[name] for d in derived]
            sample = values[0]
            if isinstance(sample, (int, np.integer)) and not isinstance(sample, bool):
                cols[name] = np.fromiter(values, dtype=np.int64, count=n)
            else:
                arr = np.empty(n, dtype=object)
                arr[:] = values
                cols[name] = arr
    ids = cols[id_field] if id_field in cols else np.arange(n).astype(str).astype(object)
    return Table(kind=kind, ids=ids, cols=cols, lists=lists)


# -- derived columns per kind -------------------------------------------------------------------------------

def derive_ticket(rec: dict, tz: ZoneInfo | None) -> dict[str, Any]:
    """First substantive response (an ``auto_ack`` never counts), stabilisation, handovers, owner changes,
    proactive updates and third-party pauses, from the ticket's event history."""
    first_response = first_ack = stabilised = resolved_event = NAT
    handovers = owner_changes = proactive = reopened = 0
    pauses: list[tuple[int, int]] = []
    open_wait = NAT
    for i, ev in enumerate(sorted(rec.get("events") or (), key=lambda e: e["at"])):
        try:
            at = parse_ts(ev["at"], tz)
        except TimeParseError as exc:
            raise RowError(f"events[{i}].at", str(exc)) from None
        t = ev["type"]
        if t == "response":
            first_response = at if first_response == NAT else min(first_response, at)
        elif t == "auto_ack":
            first_ack = at if first_ack == NAT else min(first_ack, at)
        elif t == "stabilised":
            stabilised = at if stabilised == NAT else min(stabilised, at)
        elif t == "resolved":
            resolved_event = at if resolved_event == NAT else resolved_event
        elif t == "handover":
            handovers += 1
        elif t == "owner_change":
            owner_changes += 1
        elif t == "proactive_update":
            proactive += 1
        elif t == "reopened":
            reopened += 1
        elif t == "wait_third_party_start":
            if open_wait == NAT:
                open_wait = at
        elif t == "wait_third_party_end":
            if open_wait != NAT:
                pauses.append((open_wait, at))
                open_wait = NAT
    if open_wait != NAT:
        pauses.append((open_wait, NAT))  # still waiting: closed by the measure at its end instant
    return {"first_response_at": first_response, "first_auto_ack_at": first_ack, "stabilised_at": stabilised,
            "resolved_event_at": resolved_event, "handovers": handovers, "owner_changes": owner_changes,
            "proactive_updates": proactive, "reopens": reopened, "_pauses": pauses}


DERIVERS: dict[str, Callable[[dict, ZoneInfo | None], dict[str, Any]]] = {
    "tickets": derive_ticket,
}


def attach_pauses(table: Table, derived: list[dict[str, Any]]) -> None:
    owner, start, end = [], [], []
    for row, d in enumerate(derived):
        for ps, pe in d.get("_pauses", ()):
            owner.append(row)
            start.append(ps)
            end.append(pe)
    table.pauses = (np.asarray(owner, dtype=np.int64), np.asarray(start, dtype=np.int64),
                    np.asarray(end, dtype=np.int64))
