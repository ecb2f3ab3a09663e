"""Column tables: evidence records turned into numpy columns once, so measures work in bulk.

Columns follow the document kind's JSON Schema: timestamps become int64 epoch seconds (``NAT`` when absent),
numbers float64 (NaN when absent), strings and booleans object arrays. A kind may add derived columns (a
ticket's first substantive response, its pauses) from its nested history; see ``DERIVERS``.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from itertools import islice, repeat
from operator import lt
from typing import Any, Mapping, Sequence
from zoneinfo import ZoneInfo

import numpy as np

from .timeparse import NAT, TimeParseError, parse_date, parse_ts


@dataclass
class Table:
    kind: str
    ids: np.ndarray
    cols: dict[str, np.ndarray]
    coverage: tuple[tuple[date, date], ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)  # record id -> "file: line n"
    pauses: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # owner row, start, end
    lists: dict[str, list] = field(default_factory=dict)  # per-row Python lists (e.g. resolving parties)
    #: lists of records flattened: name -> (owner row per item, item columns); the fast path's form of a list of
    #: records (e.g. ticket events), which it does not keep as Python objects
    nested: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]] = field(default_factory=dict)
    #: record-filter masks already computed (see ``measures.common.select``); not part of the data
    masks: dict[tuple, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

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


@dataclass(frozen=True)
class Texts:
    """A column of texts as codes into its distinct values (Arrow's dictionary form; code -1 is absent), so that a
    test or comparison runs once per distinct text rather than once per row. For columns only a deriver reads
    (a million tickets' event types, parties and notes), where Python objects per row would be waste."""

    codes: np.ndarray  # int32 per row; -1 = None
    words: np.ndarray  # object array of the distinct texts

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def of(cls, values: "Texts | np.ndarray") -> "Texts":
        """The codes of an object array (the record-by-record path's form), or ``values`` itself."""
        if isinstance(values, Texts):
            return values
        index: dict[Any, int] = {}
        codes = np.fromiter((-1 if v is None else index.setdefault(v, len(index)) for v in values), np.int32,
                            len(values))
        words = np.empty(len(index), dtype=object)
        words[:] = list(index)
        return cls(codes, words)

    def where(self, test) -> np.ndarray:
        """``test(text)`` for every row (None for an absent one), evaluated once per distinct text."""
        per = np.fromiter((bool(test(w)) for w in self.words), bool, len(self.words))
        return np.append(per, bool(test(None)))[self.codes]  # code -1 reads the last entry: the None answer

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The texts at ``rows`` as an object array (None where absent)."""
        table = np.empty(len(self.words) + 1, dtype=object)
        table[:-1] = self.words
        return table[self.codes[rows]]


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


class RowLocations(Sequence[str]):
    """Where each row of a table came from (``file: line n`` / ``file: record i``), built only when asked.

    A million rows keep a million line numbers in one array, not a million strings.
    """

    def __init__(self, parts: list[tuple[str, Any]]):
        self._parts = parts  # (source, int array of line numbers | list of labels)
        self._starts = np.cumsum([0] + [len(p[1]) for p in parts])

    @classmethod
    def lines(cls, source: str, numbers: np.ndarray) -> "RowLocations":
        return cls([(source, np.asarray(numbers, dtype=np.int64))])

    @classmethod
    def labels(cls, source: str, labels: list[str]) -> "RowLocations":
        return cls([(source, list(labels))])

    @classmethod
    def join(cls, many: list["RowLocations"]) -> "RowLocations":
        return cls([p for m in many for p in m._parts])

    def __len__(self) -> int:
        return int(self._starts[-1])

    def many(self, rows: np.ndarray) -> list[str]:
        """``[self[r] for r in rows]`` for non-negative rows, a part at a time."""
        part = np.searchsorted(self._starts, rows, side="right") - 1
        out: list[str] = [""] * len(rows)
        for k in np.unique(part).tolist():
            sel = np.flatnonzero(part == k)
            source, where = self._parts[k]
            local = rows[sel] - int(self._starts[k])
            if isinstance(where, np.ndarray):
                texts = [f"{source}: line {n}" for n in where[local].tolist()]
            else:
                texts = [f"{source}: {where[i]}" for i in local.tolist()]
            for i, text in zip(sel.tolist(), texts):
                out[i] = text
        return out

    def __getitem__(self, row: int) -> str:  # type: ignore[override]
        if row < 0:
            row += len(self)
        k = int(np.searchsorted(self._starts, row, side="right")) - 1
        source, where = self._parts[k]
        item = where[row - int(self._starts[k])]
        return f"{source}: line {int(item)}" if isinstance(where, np.ndarray) else f"{source}: {item}"


def id_texts(ids: np.ndarray) -> list[str]:
    """Record ids as text, one per row (the ids themselves when all are text already, as they nearly always are)."""
    values = ids.tolist()
    return values if set(map(type, values)) <= {str} else list(map(str, values))


def ascending(texts: list[str]) -> bool:
    """Strictly ascending (so no two equal); stops at the first pair out of order."""
    return all(map(lt, texts, islice(texts, 1, None)))


class SourceIndex(Mapping[str, str]):
    """Record id → where it came from. The full id index (a dict over every id) is built only when a look-up needs
    it: rows a measure already knows (``learn``) and ids outside the range of the table's ids need none, and ids
    in ascending order (as exports often number them) are searched by bisection. A year audit of a million tickets
    looks up hundreds of thousands of breaching records, and for some KPIs ids that are no record of the table at
    all (a component, a device, another register's record)."""

    def __init__(self, ids: np.ndarray, locations: RowLocations):
        self._ids, self._locations, self._index = ids, locations, None
        self._learned: dict[str, int] = {}
        self._range: tuple[str, str] | None = None
        self._sorted: list[str] | None | bool = None  # the id texts when strictly ascending, else False
        self._id_texts: list[str] | None = None
        self._scanned = False

    def _texts(self) -> list[str]:
        if self._id_texts is None:
            self._id_texts = id_texts(self._ids)
        return self._id_texts

    def _rows(self) -> dict[str, int]:
        if self._index is None:
            ids = self._texts()
            n = len(ids)
            self._index = dict(zip(reversed(ids), range(n - 1, -1, -1)))  # built in C; a repeated id: its first row
        return self._index

    def _bounds(self) -> tuple[str, str] | None:
        if self._range is None and len(self._ids):
            texts = self._texts()
            self._range = (min(texts), max(texts))
        return self._range

    def learn(self, record_ids: list[str], rows: Sequence[int]) -> None:
        """The rows of these ids, as a measure found them. Each is checked against the id at that row when looked
        up; that it is the id's only row holds for a loaded bundle, whose loader refuses a repeated id."""
        self._learned.update(zip(record_ids, rows))

    def _rows_of(self, record_ids: list[str]) -> list[int]:
        """Each id's row, -1 for an id that is not in the table."""
        rows = list(map(self._learned.get, record_ids, repeat(-1)))  # taught ids are text: another id is not one
        hit = [i for i, row in enumerate(rows) if row >= 0]
        if hit:
            at = self._ids[np.asarray([rows[i] for i in hit], dtype=np.int64)].tolist()
            for i, value in zip(hit, at):
                if value != record_ids[i] and str(value) != record_ids[i]:
                    rows[i] = -1  # not the row of this id after all: the index decides
        missed = [i for i, row in enumerate(rows) if row < 0 and isinstance(record_ids[i], str)]
        bounds = self._bounds() if missed else None  # the range of the ids: one pass over them, only when needed
        todo = [i for i in missed if bounds is not None and bounds[0] <= record_ids[i] <= bounds[1]]
        if todo and self._index is None and self._ascending():
            texts = self._sorted
            for i in todo:
                at = bisect_left(texts, record_ids[i])
                rows[i] = at if at < len(texts) and texts[at] == record_ids[i] else -1
        elif todo and self._index is None and not self._scanned and len(todo) * 16 < len(self._ids):
            self._scanned = True  # a few, once: one pass over the ids (look-ups one at a time get the index)
            texts = self._texts()
            wanted = {record_ids[i] for i in todo}
            first: dict[str, int] = {}
            for row in np.flatnonzero(np.fromiter(map(wanted.__contains__, texts), bool, len(texts))).tolist():
                first.setdefault(texts[row], row)
            for i in todo:
                rows[i] = first.get(record_ids[i], -1)
        elif todo:
            index = self._rows()
            for i in todo:
                rows[i] = index.get(record_ids[i], -1)
        return rows

    def _ascending(self) -> bool:
        if self._sorted is None:
            texts = self._texts()
            self._sorted = texts if ascending(texts) else False
        return self._sorted is not False

    def __getitem__(self, record_id: str) -> str:
        row = self._rows_of([record_id])[0]
        if row < 0:
            raise KeyError(record_id)
        return self._locations[row]

    def get_many(self, record_ids: list[str]) -> list[str | None]:
        """Where each record came from (None for an unknown id), for many at once."""
        rows = self._rows_of(record_ids)
        found = [i for i, row in enumerate(rows) if row >= 0]
        out: list[str | None] = [None] * len(rows)
        for i, where in zip(found, self._locations.many(np.asarray([rows[i] for i in found], dtype=np.int64))):
            out[i] = where
        return out

    def __iter__(self):
        return iter(self._rows())

    def __len__(self) -> int:
        return len(self._ids)


def concat_tables(kind: str, parts: list[Table]) -> Table:
    """One table of a kind from the tables of its documents or blocks (row numbers of pauses and nested items
    shifted). The parts are used up: each column is freed once joined, so a million rows are not held twice."""
    if len(parts) == 1:
        return parts[0]
    names = [n for n in parts[0].cols if all(n in p.cols for p in parts)]
    id_name = next((n for n in names if all(p.cols[n] is p.ids for p in parts)), None)
    cols = {}
    for n in names:
        cols[n] = np.concatenate([p.cols.pop(n) for p in parts])
    ids = cols[id_name] if id_name is not None else np.concatenate([p.ids for p in parts])
    return _with_items(kind, ids, cols, [_Items.of(p) for p in parts])


@dataclass(frozen=True)
class _Items:
    """What a part brings besides its columns: its row count, lists, nested records and pauses."""

    rows: int
    lists: dict[str, list]
    nested: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]]
    pauses: tuple[np.ndarray, np.ndarray, np.ndarray] | None

    @classmethod
    def of(cls, part: Table) -> "_Items":
        return cls(len(part), part.lists, part.nested, part.pauses)


def _with_items(kind: str, ids: np.ndarray, cols: dict[str, np.ndarray], parts: list[_Items]) -> Table:
    """The table of these columns, with the parts' lists, nested records and pauses joined in order."""
    offsets = np.cumsum([0] + [p.rows for p in parts])
    lists = {n: [x for p in parts for x in p.lists.get(n, [None] * p.rows)] for n in parts[0].lists}
    nested = {}
    for name in parts[0].nested:
        owners = np.concatenate([p.nested[name][0] + off for p, off in zip(parts, offsets)])
        sub = {k: np.concatenate([p.nested[name][1][k] for p in parts]) for k in parts[0].nested[name][1]}
        nested[name] = (owners, sub)
    pauses = None
    if any(p.pauses is not None for p in parts):
        got = [(p.pauses, off) for p, off in zip(parts, offsets) if p.pauses is not None]
        pauses = (np.concatenate([o + off for (o, _, _), off in got]), np.concatenate([s for (_, s, _), _ in got]),
                  np.concatenate([e for (_, _, e), _ in got]))
    return Table(kind=kind, ids=ids, cols=cols, lists=lists, nested=nested, pauses=pauses)


class TableBuilder:
    """One document's table from its blocks as they come (``add``), for ``concat_tables``'s result (``table``).

    From the second block on, the columns are sized for the rows the document is expected to hold (from its size
    in bytes; the untouched rest of an array costs no memory) and each block's values are copied in, so its own
    arrays are freed block by block and their memory reused. Joining the blocks at the end wrote every value
    twice, the second time into fresh memory: at a million tickets ~100k more page faults. Should a block's
    columns differ in name or type from the first's (a block read record by record), the blocks are joined as
    ``concat_tables`` joins them. Lists, nested records and pauses are joined at the end."""

    def __init__(self, kind: str, size: int | None = None):
        self.kind, self._size = kind, size  # size: the document's bytes, when known
        self._first: Table | None = None
        self._cols: dict[str, np.ndarray] = {}
        self._id_name: str | None = None
        self._rows = self._bytes = 0
        self._items: list[_Items] = []
        self._parts: list[Table] | None = None  # the blocks, whole, once they could not share columns

    def add(self, part: Table, nbytes: int) -> None:
        if self._parts is not None:
            self._parts.append(part)
        elif self._first is None and not self._items:
            self._first, self._rows, self._bytes = part, len(part), nbytes  # one block: its table as it is
        elif not self._fits(part):
            self._parts = [self._joined(), part]
        else:
            if self._first is not None:
                first, self._first = self._first, None
                self._rows = 0
                self._id_name = _id_column(first)
                self._cols = {n: np.empty(self._expected(len(first) + len(part), nbytes), dtype=c.dtype)
                              for n, c in first.cols.items()}
                self._copy(first)
            self._bytes += nbytes
            self._copy(part)

    def table(self) -> Table:
        if self._parts is not None:
            return concat_tables(self.kind, self._parts)
        return self._first if self._first is not None else self._joined()

    def _fits(self, part: Table) -> bool:
        """The part has the columns the table is built with: the same names and types, the same id column."""
        like = self._first.cols if self._first is not None else self._cols
        id_name = _id_column(self._first) if self._first is not None else self._id_name
        return (id_name is not None and part.cols.keys() == like.keys() and part.cols[id_name] is part.ids
                and all(like[n].dtype == c.dtype for n, c in part.cols.items()))

    def _expected(self, rows: int, nbytes: int) -> int:
        if not self._size or not nbytes:
            return 2 * rows
        return max(rows, int(rows * self._size / (self._bytes + nbytes) * 1.05) + 64)

    def _copy(self, part: Table) -> None:
        n, at = len(part), self._rows
        for name, column in self._cols.items():
            if at + n > len(column):  # more rows than expected: twice the room
                grown = np.empty(max(2 * len(column), at + n), dtype=column.dtype)
                grown[:at] = column[:at]
                self._cols[name] = column = grown
            column[at:at + n] = part.cols[name]
        part.cols.clear()  # the block's arrays are freed now, for the next block to reuse
        self._items.append(_Items.of(part))
        self._rows += n

    def _joined(self) -> Table:
        if self._first is not None:
            return self._first
        cols = {n: c[:self._rows] for n, c in self._cols.items()}
        return _with_items(self.kind, cols[self._id_name], cols, self._items)


def _id_column(table: Table) -> str | None:
    """The name of the column that holds the table's ids, if one does."""
    return next((n for n, c in table.cols.items() if c is table.ids), None)
