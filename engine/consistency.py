"""Consistency across records and documents, checked in bulk once every document has been read.

A record can be valid on its own and still impossible in the bundle: two records with one id, a vulnerability
that cites an exception the register does not hold, a ticket resolved before it was reported. Measured as-is such
data gives negative durations or silent misses, so every such record is reported as bad input instead.

What to check is declared in the kind's JSON Schema, next to the fields:

* ``"x-record-id": "id"``: ids are unique within the kind (over all documents of that kind);
* ``"x-references": {"exception_id": "security_exceptions"}``: each non-null value (or each item of a list of
  strings) is the id of a record of that kind. A reference is checked when the bundle holds documents of the
  target kind; without them the measures that need the target report NO-DATA themselves;
* ``"x-order": [["reported_at", "resolved_at"], ["reported_at", "events[].at"]]``: the first instant is not after
  the second whenever both are present; ``list[].field`` compares every item of a list of records. The message
  quotes both instants as the file wrote them (``written``: each file's ``engine.written.WrittenDocument``), so
  the user finds them in the export; without it, or where the file cannot be read again, in UTC.

Numbers in columns must be finite and at most 10^15 in magnitude (larger is an export error, and would overflow
the time arithmetic).
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Callable, Mapping, Sequence
from zoneinfo import ZoneInfo

import numpy as np

from .errors import EngineError, Problem, ProblemCollector
from .tables import Table, ascending, column_kinds, id_texts
from .timeparse import NAT, TimeParseError, parse_ts

NUMBER_LIMIT = 1e15


def check_consistency(tables: dict[str, Table], locations: dict[str, list[str]],
                      schema_of: Callable[[str], dict], problems: ProblemCollector,
                      tz: ZoneInfo | None = None, refused: set[str] = frozenset(),
                      sources: dict[str, list[str]] | None = None,
                      written: Mapping[str, Any] | None = None) -> None:
    """Add a located problem for every duplicate id, dangling reference, impossible order or absurd number.

    A reference cannot be judged when the kind it names had records refused (``refused``: kinds with a record
    refused or a document unreadable; the refused record may be the one it names), and a hundred references into an empty
    document all have one cause: each case is one line, so the user sees the real cause instead of a flood of
    consequences. ``sources``: each kind's document files, to name an empty one."""
    texts: dict[str, list[str]] = {}

    def texts_of(kind: str) -> list[str]:
        """A kind's ids as text, listed once."""
        if kind not in texts:
            texts[kind] = id_texts(tables[kind].ids)
        return texts[kind]

    # what each kind is referred to by, gathered first: its ids are then tested against those values in one pass
    # at C speed, instead of hashing a million ids to look up a few thousand
    cited: dict[str, set[str]] = {}
    for kind in sorted(tables):
        for field, target in sorted((schema_of(kind).get("x-references") or {}).items()):
            if target in tables:
                cited.setdefault(target, set()).update(_reference_values(tables[kind], field))
    known = {target: set(filter(values.__contains__, texts_of(target))) for target, values in cited.items()}

    into_empty: dict[str, dict[str, int]] = {}  # an empty kind -> the referring files -> their references
    for kind in sorted(tables):
        table, locs, schema = tables[kind], locations[kind], schema_of(kind)
        kinds = column_kinds(schema)
        at = _Locator(kind, table, locs, written or {})
        _unique_ids(table, at, texts_of(kind))
        _numbers(table, kinds, at)
        for field, target in sorted((schema.get("x-references") or {}).items()):
            if target not in tables:
                continue
            missing = _unresolved(table, field, known[target], at.kind)
            if target in refused and missing:
                row, value, path = missing[0]
                more = f" and {len(missing) - 1} more reference(s) that name" if len(missing) > 1 else ", which names"
                at.add(row, f"found {value!r}{more} no accepted {target} record; not checked, as {target} records "
                            "were refused (see above)", field=path)
            elif not len(tables[target]) and missing:
                counts = into_empty.setdefault(target, {})
                for row, _, _ in missing:
                    file = at.locs[row].partition(": ")[0]
                    counts[file] = counts.get(file, 0) + 1
            else:
                for row, value, path in missing:
                    at.add(row, _dangling(value, target), field=path)
        for first, second in schema.get("x-order") or ():
            _order(table, kinds, first, second, tz, at)
        for _, problem in sorted(at.found, key=lambda x: x[0]):  # file order, whichever check found it
            problems.add(problem)
    for target, files in sorted(into_empty.items()):
        where = ", ".join(f"{n} in {f}" for f, n in sorted(files.items()))
        problems.add(Problem(", ".join((sources or {}).get(target, [target])),
                             f"holds no {target} records, yet {sum(files.values())} reference(s) name one ({where})"))


class _Locator:
    """Turns a row number into a located problem: ``file: line n (id): $.field: message``."""

    def __init__(self, kind: str, table: Table, locs: list[str], written: Mapping[str, Any]):
        self.kind, self.table, self.locs, self.written = kind, table, locs, written
        self.found: list[tuple[int, Problem]] = []

    def as_written(self, wanted: list[tuple[int, str]]) -> list[str | None]:
        """The text at each ``(row, JSON path)`` as its file wrote it, each file read again once; None where
        that cannot be told."""
        out: list[str | None] = [None] * len(wanted)
        by_file: dict[str, list[tuple[int, str, str]]] = {}
        for k, (row, path) in enumerate(wanted):
            file, _, where = self.locs[row].partition(": ")
            by_file.setdefault(file, []).append((k, where, path))
        for file, items in by_file.items():
            if file in self.written:
                for (k, _, _), text in zip(items, self.written[file].texts([(w, p) for _, w, p in items])):
                    out[k] = text
        return out

    def add(self, row: int, message: str, field: str | None = None, with_id: bool = True) -> None:
        file, _, where = self.locs[row].partition(": ")
        if with_id:
            where = f"{where} ({self.table.ids[row]})"
        self.found.append((row, Problem(file, message, record=where, field=field)))


def _unique_ids(table: Table, at: _Locator, text: list[str]) -> None:
    """Ids in ascending order (as exports often number them) are unique as they stand; others are sorted as text
    first (cheaper than hashing a million: the common case, no repeat, ends there)."""
    if len(table) < 2 or ascending(text) or ascending(sorted(text)):
        return
    ids = table.ids.astype(str)
    order = np.argsort(ids, kind="stable")
    ranked = ids[order]
    repeat = np.flatnonzero(ranked[1:] == ranked[:-1]) + 1
    for pos in repeat:
        first = pos
        while first > 0 and ranked[first - 1] == ranked[pos]:
            first -= 1
        row, first_row = int(order[pos]), int(order[first])
        at.add(row, f"duplicate {at.kind} id {str(ranked[pos])!r} (also at {at.locs[first_row]})", with_id=False)


def _numbers(table: Table, kinds: dict[str, str], at: _Locator) -> None:
    for name in sorted(n for n, k in kinds.items() if k == "num" and n in table.cols):
        values = table.cols[name]
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(~np.isnan(values) & ~(np.abs(values) <= NUMBER_LIMIT))
        for row in bad:
            at.add(int(row), f"found {values[row]:g}, expected a number of at most 10^15 in magnitude",
                   field=f"$.{name}")


def _reference_values(table: Table, field: str) -> list[str]:
    """Every value of a reference field as text (nothing when the field is not there: ``_references`` says so)."""
    if field in table.cols:
        return [str(v) for v in table.cols[field].tolist() if v is not None]
    return [str(v) for items in table.lists.get(field, ()) for v in items or () if v is not None]


def _unresolved(table: Table, field: str, known: set[str], kind: str) -> list[tuple[int, str, str]]:
    """(row, value, JSON path) of each value (as text) that is not an id of the target kind: ``known`` holds those
    of its ids that some value cites, looked up in a hash set, as sorting a million texts for ``np.isin`` is the
    slow part."""
    if field in table.cols:
        column = table.cols[field]
        rows = np.flatnonzero(np.not_equal(column, None))
        values = [str(v) for v in column[rows].tolist()]
        found = np.fromiter(map(known.__contains__, values), dtype=bool, count=len(values))
        return [(int(rows[i]), values[i], f"$.{field}") for i in np.flatnonzero(~found).tolist()]
    if field in table.lists:
        return [(row, str(v), f"$.{field}[{j}]") for row, items in enumerate(table.lists[field])
                for j, v in enumerate(items or ()) if v is not None and str(v) not in known]
    raise EngineError(f"x-references names {field!r}, which is not a field of {kind}")


def _dangling(value: str, target: str) -> str:
    return f"found {value!r}, expected the id of a {target} record (no {target} record in the bundle has it)"


def _order(table: Table, kinds: dict[str, str], first: str, second: str, tz: ZoneInfo | None,
           at: _Locator) -> None:
    a_rows, a_vals, a_paths, a_kind = _instants(table, kinds, first, tz, at)
    b_rows, b_vals, b_paths, b_kind = _instants(table, kinds, second, tz, at)
    if a_kind != b_kind:
        raise EngineError(f"x-order compares {first} ({a_kind}) with {second} ({b_kind}) in {at.kind}")
    # align: every value of the side with one value per row is looked up by the other side's row. NAT is the
    # smallest int64, so an absent first instant is never after the second: only an absent second is tested
    if a_paths is None:
        a_at = a_vals[b_rows]
        bad = np.flatnonzero((b_vals < a_at) & (b_vals != NAT))
        pairs = [(int(b_rows[i]), int(a_at[i]), int(b_vals[i]), f"$.{first}",
                  b_paths[i] if b_paths is not None else f"$.{second}") for i in bad]
    elif b_paths is None:
        b_at = b_vals[a_rows]
        bad = np.flatnonzero((b_at < a_vals) & (b_at != NAT))
        pairs = [(int(a_rows[i]), int(a_vals[i]), int(b_at[i]), a_paths[i], f"$.{second}") for i in bad]
    else:
        raise EngineError(f"x-order cannot compare two lists ({first}, {second}) in {at.kind}")
    texts = at.as_written([(row, p) for row, _, _, a_path, b_path in pairs for p in (a_path, b_path)])
    for k, (row, a, b, a_path, b_path) in enumerate(pairs):
        a_text, b_text = texts[2 * k] or _show(a, a_kind), texts[2 * k + 1] or _show(b, a_kind)
        at.add(row, f"found {b_path.removeprefix('$.')} {b_text} before {a_path.removeprefix('$.')} {a_text}; "
                    f"expected {first} ≤ {second}", field=a_path if a_paths is not None else b_path)


def _instants(table: Table, kinds: dict[str, str], name: str, tz: ZoneInfo | None, at: _Locator
              ) -> tuple[np.ndarray, np.ndarray, Sequence[str] | _ItemPaths | None, str]:
    """(rows, values, paths, kind): a column gives one value per row (paths None); ``list[].field`` gives one
    value per item, with its row and JSON path."""
    if "[]." not in name:
        if kinds.get(name) not in ("ts", "date") or name not in table.cols:
            raise EngineError(f"x-order names {name!r}, which is not a timestamp or date field of {at.kind}")
        return np.arange(len(table)), table.cols[name], None, kinds[name]
    list_name, _, sub = name.partition("[].")
    if list_name in table.nested:  # the fast path's flattened form: already parsed and checked
        owners, items = table.nested[list_name]  # absent items (NAT) stay: _order skips them, copying none
        return owners, items[sub], _ItemPaths(list_name, sub, owners), "ts"
    if list_name not in table.lists:
        raise EngineError(f"x-order names {name!r}, but {list_name!r} is not a list field of {at.kind}")
    rows, values, paths = [], [], []
    kind = "ts"
    for row, items in enumerate(table.lists[list_name]):
        for j, item in enumerate(items or ()):
            text = item.get(sub) if isinstance(item, dict) else None
            if text is None:
                continue
            try:
                values.append(parse_ts(text, tz))
            except TimeParseError as exc:
                at.add(row, str(exc), field=f"$.{list_name}[{j}].{sub}")
                continue
            rows.append(row)
            paths.append(f"$.{list_name}[{j}].{sub}")
    return np.asarray(rows, dtype=np.int64), np.asarray(values, dtype=np.int64), paths, kind


class _ItemPaths:
    """The JSON path of each item of a flattened list (``$.events[3].at``), made only for the items a check
    reports: millions of events need none."""

    def __init__(self, list_name: str, sub: str, owners: np.ndarray):
        self.list_name, self.sub, self.owners = list_name, sub, owners

    def __getitem__(self, k: int) -> str:
        first = k  # the item's index within its record: back to the start of its record's run of items
        while first > 0 and self.owners[first - 1] == self.owners[k]:
            first -= 1
        return f"$.{self.list_name}[{k - first}].{self.sub}"


def _show(value: int, kind: str) -> str:
    if kind == "date":
        return date.fromordinal(value).isoformat()
    return datetime.fromtimestamp(value, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def annotation_problems(kind: str, schema: dict, known_kinds: list[str]) -> list[str]:
    """What is wrong with a schema's ``x-references``/``x-order`` (for the schema meta-test)."""
    out: list[str] = []
    props: dict[str, Any] = schema.get("properties", {})
    kinds = column_kinds(schema)
    for field, target in (schema.get("x-references") or {}).items():
        if field not in props:
            out.append(f"{kind}: x-references names {field!r}, not a top-level field")
        if target not in known_kinds:
            out.append(f"{kind}: x-references target {target!r} is not a document kind")
    for pair in schema.get("x-order") or ():
        if not (isinstance(pair, list) and len(pair) == 2):
            out.append(f"{kind}: x-order entries are [earlier, later] pairs, found {pair!r}")
            continue
        nested = [p for p in pair if "[]." in p]
        if len(nested) > 1:
            out.append(f"{kind}: x-order {pair!r} compares two lists")
        for p in pair:
            if "[]." in p:
                base, _, sub = p.partition("[].")
                items = props.get(base, {}).get("items", {})
                if sub not in items.get("properties", {}):
                    out.append(f"{kind}: x-order names {p!r}, not a field of the {base!r} items")
            elif kinds.get(p) not in ("ts", "date"):
                out.append(f"{kind}: x-order names {p!r}, not a timestamp or date field")
        if not nested and len({kinds.get(p) for p in pair}) != 1:
            out.append(f"{kind}: x-order {pair!r} compares a timestamp with a date")
    return out

