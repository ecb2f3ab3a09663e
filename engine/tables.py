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


def derivers() -> dict[str, Callable[[dict, ZoneInfo | None], dict[str, Any]]]:
    """Derived-column functions per document kind: ``engine/kinds/<kind>.py`` modules that define ``derive``."""
    from . import kinds

    return kinds.derivers()


def attach_pauses(table: Table, derived: list[dict[str, Any]]) -> None:
    """Collect the ``_pauses`` lists a deriver returned into the table's flat pause arrays."""
    owner, start, end = [], [], []
    for row, d in enumerate(derived):
        for ps, pe in d.get("_pauses", ()):
            owner.append(row)
            start.append(ps)
            end.append(pe)
    table.pauses = (np.asarray(owner, dtype=np.int64), np.asarray(start, dtype=np.int64),
                    np.asarray(end, dtype=np.int64))
