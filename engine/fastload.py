"""The fast loading path of one evidence document: parse, validate and turn into columns in bulk, by chunks.

Used for every kind whose schema compiles to a bulk plan (``engine.bulkcheck``) and whose derived columns, if
any, have a bulk form (``derive_bulk`` in ``engine/kinds/<kind>.py``). Records are parsed and pulled apart a
chunk at a time, so no more than one chunk of Python objects is alive at once; each chunk's columns are checked
in bulk and converted to numpy. Only records that fail are looked at one by one, by the same function the slow
path uses, so the messages are the same on both paths.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, BinaryIO, Callable, Iterable, Iterator

import numpy as np
import orjson

from . import jsonkeys
from .bulkcheck import RecordPlan, Unsupported, check_columns, compile_record, extract
from .errors import Problem, ProblemCollector
from .kinds import bulk_derivers, derivers
from .readers import BLOCK, BOM, CsvOptions, blocks, json_problem, read_records
from .tables import RowLocations, Table

CHUNK = 1 << 16


@lru_cache(maxsize=None)
def plan_for(kind: str, schema_json: str) -> RecordPlan | None:
    """The bulk plan of a kind, or None when it must use the per-record path."""
    import json

    if kind in derivers() and kind not in bulk_derivers():
        return None
    try:
        return compile_record(json.loads(schema_json))
    except Unsupported:
        return None


def stream_lines(fh: BinaryIO, hasher: Any, block_size: int = BLOCK) -> Iterator[bytes]:
    """The lines ``bytes.splitlines()`` would give for the whole file, read a block of whole lines at a time, so a
    large export is never held in memory whole; every byte also feeds ``hasher`` (the document's SHA-256)."""
    for block in blocks(fh, hasher, block_size):  # a block ends with "\n": its lines are the file's lines
        yield from block.splitlines()


def _jsonl(lines: Iterable[bytes], source: str, problems: ProblemCollector,
           first_line: int = 1) -> Iterator[tuple[list[Any], list[int]]]:
    """Chunks of (records, line numbers); lines that are no JSON are reported here."""
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    records: list[Any] = []
    numbers: list[int] = []
    texts: list[bytes] = []
    for n, line in enumerate(lines, start=first_line):
        try:
            records.append(loads(line))
            numbers.append(n)
            texts.append(line)
        except decode_error as exc:
            if line.strip():
                problems.add(json_problem(line, exc, source, n))
            continue
        if len(records) == CHUNK:
            yield _without_repeated_keys(records, numbers, texts, source, problems)
            records, numbers, texts = [], [], []
    if records:
        yield _without_repeated_keys(records, numbers, texts, source, problems)


def _without_repeated_keys(records: list[Any], numbers: list[int], texts: list[bytes], source: str,
                           problems: ProblemCollector) -> tuple[list[Any], list[int]]:
    """The chunk less its records with a key repeated in one object, each reported (orjson keeps the last value)."""
    repeated = jsonkeys.repeated_keys(texts, records)
    if not repeated:
        return records, numbers
    for i, key in repeated.items():
        problems.add(Problem(source, jsonkeys.message(key), record=f"line {numbers[i]}"))
    keep = [i for i in range(len(records)) if i not in repeated]
    return [records[i] for i in keep], [numbers[i] for i in keep]


def _other(raw: bytes, fmt: str, source: str, problems: ProblemCollector, schema: dict,
           csv_options: CsvOptions) -> Iterator[tuple[list[Any], list[str]]]:
    records: list[Any] = []
    labels: list[str] = []
    for loc, rec in read_records(raw, fmt, source, problems, schema, csv_options):
        records.append(rec)
        labels.append(loc)
        if len(records) == CHUNK:
            yield records, labels
            records, labels = [], []
    if records:
        yield records, labels


def _take(values: Any, keep: np.ndarray) -> Any:
    return values[keep] if isinstance(values, np.ndarray) else [v for v, k in zip(values, keep) if k]


def load(data: bytes | Iterable[bytes], fmt: str, source: str, kind: str, schema: dict, plan: RecordPlan, tz: Any,
         problems: ProblemCollector, csv_options: CsvOptions,
         why_bad: Callable[[Any, str], list[Problem]], first_line: int = 1) -> tuple[Table, RowLocations, int]:
    """Load one document; ``why_bad(record, label)`` gives the located problems of a record the checks refused.

    ``data`` is the document's bytes, or for JSON Lines its lines (``stream_lines``), the first of them being
    line ``first_line`` of the file (a part of a larger file, see ``engine.arrowload``)."""
    if fmt == "jsonl":
        lines = data.splitlines() if isinstance(data, bytes) else data
        if isinstance(data, bytes) and data.startswith(BOM):
            lines = data[len(BOM):].splitlines()
        chunks = _jsonl(lines, source, problems, first_line)
    else:
        chunks = _other(data, fmt, source, problems, schema, csv_options)
    parts: list[dict[str, Any]] = []
    nested_parts: dict[str, list[tuple[np.ndarray, dict[str, Any]]]] = {}
    locs: list[Any] = []
    count = rows_so_far = 0
    # a kind whose nested lists feed a bulk deriver (tickets' events) keeps them flattened only; other kinds keep
    # the Python lists too, for measures that read them record by record (small registers)
    keep_raw = kind not in bulk_derivers()
    for records, labels in chunks:
        count += len(records)
        ex = extract(records, plan)
        cols = check_columns(ex, plan, tz)
        keep = np.ones(len(records), dtype=bool)
        for i in sorted(ex.bad):
            label = f"line {labels[i]}" if fmt == "jsonl" else labels[i]
            found = why_bad(records[i], label)
            if not found:  # the bulk checks and the per-record validator must agree; say so rather than drop
                found = [Problem(source, f"refused by the bulk checks ({ex.bad[i]}) but not by the schema",
                                 record=label)]
            for p in found:
                problems.add(p)
            keep[i] = False
        new_index = np.cumsum(keep) - 1 + rows_so_far
        part: dict[str, Any] = {}
        for f in plan.fields:
            value = cols.get(f.name)
            if f.kind == "list_obj":
                owners, sub = value
                ok = keep[owners] if len(owners) else np.zeros(0, dtype=bool)
                nested_parts.setdefault(f.name, []).append(
                    (new_index[owners[ok]], {k: _take(v, ok) for k, v in sub.items() if not isinstance(v, tuple)}))
                if keep_raw:
                    part[f.name] = _take(ex.columns[f.name], keep)
                continue
            part[f.name] = _take(value, keep)
        parts.append(part)
        locs.append(_take(np.asarray(labels) if fmt == "jsonl" else labels, keep))
        rows_so_far += int(keep.sum())
        del records, ex, cols
    columns: dict[str, np.ndarray] = {}
    lists: dict[str, list] = {}
    for f in plan.fields:
        if f.kind == "list_obj" and not keep_raw:
            continue
        values = [p[f.name] for p in parts]
        if f.kind in ("list_str", "list_obj"):
            lists[f.name] = [x for chunk in values for x in chunk]
        elif values:
            columns[f.name] = np.concatenate(values) if len(values) > 1 else values[0]
        else:
            columns[f.name] = np.zeros(0, dtype=_DTYPES.get(f.kind, object))
    nested = {}
    for name, items in nested_parts.items():
        owners = np.concatenate([o for o, _ in items]) if items else np.zeros(0, dtype=np.int64)
        sub_names = items[0][1].keys() if items else ()
        nested[name] = (owners.astype(np.int64), {k: np.concatenate([c[k] for _, c in items]) for k in sub_names})
    table = assemble(kind, schema, plan, columns, lists, nested, rows_so_far)
    if fmt == "jsonl":
        numbers = np.concatenate(locs) if locs else np.zeros(0, dtype=np.int64)
        where = RowLocations.lines(source, numbers)
    else:
        where = RowLocations.labels(source, [x for chunk in locs for x in chunk])
    return table, where, count


_DTYPES = {"ts": np.int64, "date": np.int64, "num": np.float64}


def assemble(kind: str, schema: dict, plan: RecordPlan, columns: dict[str, np.ndarray], lists: dict[str, list],
             nested: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]], n: int) -> Table:
    """The table of ``n`` checked rows, with the kind's derived columns (both fast paths end here)."""
    for f in plan.fields:  # a list of records with no items at all still has its (empty) columns
        if f.kind == "list_obj" and f.name not in nested:
            nested[f.name] = (np.zeros(0, dtype=np.int64), {
                g.name: np.zeros(0, dtype=_DTYPES.get(g.kind, object)) for g in f.sub.fields if g.kind != "list_obj"})
    id_field = schema.get("x-record-id", "id")
    ids = columns[id_field] if id_field in columns else np.arange(n).astype(str).astype(object)
    table = Table(kind=kind, ids=ids, cols=columns, lists=lists, nested=nested)
    derive = bulk_derivers().get(kind)
    if derive is not None:
        for name, (owners, sub) in nested.items():
            derived, pauses = derive(columns, lists, (owners, sub), n)
            columns.update(derived)
            table.pauses = pauses
            # the deriver has turned the items into per-record columns; their instants stay, for the cross-record
            # checks (x-order): a million tickets' events need not be held twice
            instants = {g.name for f in plan.fields if f.name == name for g in f.sub.fields if g.kind in ("ts", "date")}
            table.nested[name] = (owners, {k: v for k, v in sub.items() if k in instants})
            break
    return table
