"""The columnar fast path for JSON Lines evidence: Arrow's columns of a block checked against the schema and
converted to the engine's tables, with numpy.

``engine.arrowread`` reads and parses the blocks ahead (Arrow already refuses bad JSON, wrong types, unknown and
repeated keys). The rest of the schema is checked here on the columns (required fields, enums, lengths, bounds,
whole numbers, conditional keys, timestamps and dates as byte matrices), and what Arrow cannot see is read off the
bytes (``engine.rawscan``: explicit nulls, one record per line).

The path only ever *accepts*: a block in which anything is refused or cannot be told for certain goes, whole, to
the record-by-record checks (``engine.fastload``), which find and word every problem exactly as before. So a bad
record costs speed, never a different verdict or message; tests hold the two paths to the same tables.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import fastload, rawscan
from .arrowread import (BLOCK, ColumnarPlan, Encoded, Parsed, Prefetch, arrow_type, columnar_plan, encode,
                        fixed_instants, packed, parse_options, read_ahead, release_memory)
from .bulkcheck import FieldPlan, RecordPlan
from .bulktime import parse_fixed_dates, parse_many
from .errors import Problem, ProblemCollector
from .readers import CsvOptions
from .tables import RowLocations, Table, TableBuilder, Texts
from .timeparse import NAT

__all__ = ["BLOCK", "ColumnarPlan", "Parsed", "Prefetch", "Refused", "columnar_plan", "load", "parse_options",
           "read_ahead", "release_memory"]


class Refused(Exception):
    """The block needs the record-by-record checks (a record may be invalid, or the bytes cannot be read for sure)."""


def load(parts: Iterable[tuple[bytes, Parsed | None]], source: str, kind: str, schema: dict, plan: RecordPlan,
         cplan: ColumnarPlan, tz: Any, problems: ProblemCollector, why_bad: Callable[[Any, str], list[Problem]],
         size: int | None = None) -> tuple[Table, RowLocations, int]:
    """Load one JSON Lines document from its blocks and their Arrow columns (``Prefetch.document`` or
    ``read_ahead``; see the module docstring); ``cplan`` is the kind's ``columnar_plan``, ``size`` the
    document's bytes when known (the table's columns are sized from it)."""
    builder = TableBuilder(kind, size)
    wheres: list[RowLocations] = []
    count = 0
    line = 1
    for block, parsed in parts:
        try:
            table, n = _columnar(block, parsed, kind, schema, plan, cplan, tz)
            where = RowLocations.lines(source, np.arange(line, line + n, dtype=np.int64))
            lines = n
        except Refused:
            table, where, n = fastload.load(block, "jsonl", source, kind, schema, plan, tz, problems,
                                            CsvOptions(), why_bad, first_line=line)
            lines = block.count(b"\n")  # as ``bytes.splitlines`` counts them (a lone "\r" ends a line too)
            if b"\r" in block:
                lines += block.count(b"\r") - block.count(b"\r\n")
            lines += 0 if block.endswith((b"\n", b"\r")) else 1
        builder.add(table, len(block))
        wheres.append(where)
        count += n
        line += lines
    if not wheres:
        return fastload.load(b"", "jsonl", source, kind, schema, plan, tz, problems, CsvOptions(), why_bad)
    return builder.table(), RowLocations.join(wheres), count


def _columnar(block: bytes, parsed: Parsed | None, kind: str, schema: dict, plan: RecordPlan, cplan: ColumnarPlan,
              tz: Any) -> tuple[Table, int]:
    if parsed is None:
        raise Refused
    n = parsed.rows
    arrays = {f.name: parsed.arrays[f.name] if n else pa.array([], arrow_type(f)) for f in plan.fields}
    with_nulls: set[str] = set()  # keys with a null (absent or explicit) somewhere in the block
    try:
        columns, lists, nested = _convert(plan, arrays, n, tz, "", with_nulls, parsed.encoded if n else {},
                                          (parsed.instants or {}) if n else {})
    except UnicodeDecodeError as exc:  # Arrow passes invalid UTF-8 through; every text is decoded here
        raise Refused from exc
    for c in plan.conditions:  # where the field has the value, the keys must be there and not null
        rows = columns[c.field] == c.value
        if rows.any() and any(arrays[key].null_count and not np.asarray(arrays[key].is_valid())[rows].all()
                              for key in c.required | c.non_null):
            raise Refused  # absent or null where the condition forbids it (which of the two, the bytes would tell)
    # an absent key and an explicit null read alike in Arrow: the bytes tell them apart, where it matters
    strict = cplan.strict_keys & with_nulls
    required = cplan.nullable_required & with_nulls
    if strict or required:
        nulls = rawscan.explicit_nulls(block, frozenset(strict | required), parsed.nulls)
        if nulls is None or any(nulls[k] for k in strict):
            raise Refused
        for key in required:
            if key in cplan.nested_names or arrays[key].null_count != nulls[key]:
                raise Refused  # some record lacks the key (or it cannot be told)
    return fastload.assemble(kind, schema, plan, columns, lists, nested, n), n


def _convert(plan: RecordPlan, arrays: dict[str, pa.Array], n: int, tz: Any, prefix: str, with_nulls: set[str],
             encoded: dict[str, Encoded], instants: dict[str, tuple[np.ndarray, np.ndarray]]
             ) -> tuple[dict[str, np.ndarray], dict[str, list], dict[str, tuple[np.ndarray, dict[str, np.ndarray]]]]:
    """Check and convert the columns of one record plan (nested: ``prefix`` is ``list.``); ``with_nulls`` collects
    the keys read as null; ``encoded`` and ``instants`` hold work already done on the read-ahead thread (see
    ``Parsed``)."""
    top = not prefix
    columns: dict[str, np.ndarray] = {}
    lists: dict[str, list] = {}
    nested: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]] = {}
    for f in plan.fields:
        arr = arrays[f.name]
        if arr.null_count:
            with_nulls.add(f.name)
            if f.name in plan.required and not (f.nullable and top):
                raise Refused  # a required key absent (or null where null is not allowed)
        if f.kind == "ts":
            columns[f.name] = _timestamps(arr, f, tz, instants.get(prefix + f.name))
        elif f.kind == "date":
            columns[f.name] = _dates(arr, f)
        elif f.kind == "num":
            columns[f.name] = _numbers(arr, f)
        elif f.kind == "bool":
            columns[f.name] = _booleans(arr)
        elif f.kind == "list_str":
            _check_texts(pc.list_flatten(arr), f.item, items=True)  # checks only: the lists are kept whole
            lists[f.name] = arr.to_pylist()
        elif f.kind == "list_obj":
            items = pc.list_flatten(arr)
            if items.null_count:
                raise Refused  # a null where a record is expected
            owners = pc.list_parent_indices(arr).to_numpy().astype(np.int64)
            fields = dict(zip((g.name for g in f.sub.fields), items.flatten()))
            sub, _, _ = _convert(f.sub, fields, len(items), tz, f.name + ".", with_nulls, encoded, instants)
            nested[f.name] = (owners, sub)
        else:
            if f.kind == "any" and "string" not in f.types and len(arr) - arr.null_count:
                raise Refused
            # a nested record's texts feed only the kind's deriver: kept as codes, no Python object per item
            columns[f.name] = _check_texts(arr, f, codes=not top, encoded=encoded.get(prefix + f.name))
    return columns, lists, nested


def _check_texts(arr: pa.Array, f: FieldPlan, items: bool = False, codes: bool = False,
                 encoded: Encoded | None = None) -> np.ndarray | Texts | None:
    """Texts as an object array (one Python string per distinct text), or as ``Texts`` codes, after the schema's
    text checks. ``encoded``: the column already dictionary-encoded; without it, a column that needs no dictionary
    (mostly distinct texts: ids, titles) is converted string by string. ``items``: the texts of lists, only
    checked (None comes back when no dictionary was needed for the checks)."""
    if items and arr.null_count:
        raise Refused  # a null item in a list of texts
    if encoded is None and not codes and f.enum is None and f.pattern is None:
        if f.min_length or f.max_length is not None:
            low, high = pc.min_max(pc.utf8_length(arr)).values()
            if low.is_valid and ((f.min_length and low.as_py() < f.min_length) or (
                    f.max_length is not None and high.as_py() > f.max_length)):
                raise Refused
        return None if items else arr.to_numpy(zero_copy_only=False)
    if encoded is None:
        encoded = encode(arr)
    words = encoded.dictionary.to_pylist()
    if f.enum is not None and not set(words) <= f.enum:
        raise Refused
    if f.min_length or f.max_length is not None:  # in characters, as Python's len() and jsonschema count
        lengths = pc.utf8_length(encoded.dictionary).to_numpy(zero_copy_only=False)
        if (f.min_length and (lengths < f.min_length).any()) or (
                f.max_length is not None and (lengths > f.max_length).any()):
            raise Refused
    if f.pattern is not None and not all(f.pattern.search(w) for w in words):  # Python's re, as jsonschema's
        raise Refused
    table = np.empty(len(words) + 1, dtype=object)  # the last entry, None, is what code -1 reads
    table[:-1] = words
    if codes:
        return Texts(encoded.codes, table[:-1])
    return table[encoded.codes]


def _timestamps(arr: pa.Array, f: FieldPlan, tz: Any, fixed: tuple[np.ndarray, np.ndarray] | None = None
                ) -> np.ndarray:
    """Epoch seconds of a timestamp column; ``fixed``: its ``fixed_instants``, when already done."""
    if arr.null_count and not f.nullable:
        raise Refused
    out, rest = fixed if fixed is not None else fixed_instants(arr)
    if len(rest):  # other shapes (fractions, "Z", naive): the one-at-a-time parser, as on the other path
        values = arr.take(pa.array(rest)).to_pylist()
        odd: list[int] = []
        parsed, errors = parse_many(values, tz, one_by_one=odd)
        if errors or any(not f.pattern.search(values[i]) for i in odd):
            raise Refused
        out[rest] = parsed
    return out


def _dates(arr: pa.Array, f: FieldPlan) -> np.ndarray:
    if arr.null_count and not f.nullable:
        raise Refused
    out = np.full(len(arr), NAT, dtype=np.int64)
    off, raw, rows = packed(arr)
    days, ok = parse_fixed_dates(off, raw, rows)
    if not ok.all():
        raise Refused
    out[rows] = days
    return out


def _numbers(arr: pa.Array, f: FieldPlan) -> np.ndarray:
    values = arr.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    present = values[~np.isnan(values)] if arr.null_count else values
    if len(present) != len(arr) - arr.null_count or not np.isfinite(present).all():
        raise Refused  # NaN or Infinity: no JSON, though Arrow reads them
    if f.integer and (np.floor(present) != present).any():
        raise Refused
    if f.minimum is not None and (present < f.minimum).any():
        raise Refused
    if f.maximum is not None and (present > f.maximum).any():
        raise Refused
    return values


_BOOLS = np.array([False, True, None], dtype=object)


def _booleans(arr: pa.Array) -> np.ndarray:
    codes = arr.fill_null(False).to_numpy(zero_copy_only=False).astype(np.int8)
    if arr.null_count:
        codes[arr.is_null().to_numpy(zero_copy_only=False)] = 2
    return _BOOLS[codes]
