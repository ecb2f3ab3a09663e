"""The columnar fast path for JSON Lines evidence: Arrow parses a block on every core, numpy checks the columns.

A large export (a million tickets) is read in blocks of whole lines. Arrow's JSON reader parses a block into
columns against an explicit Arrow schema made from the kind's bulk plan (``engine.bulkcheck``); it already refuses
what is no JSON, a value of the wrong type, an unknown or repeated key. The rest of the schema is checked here on
the columns (required fields, enums, lengths, bounds, whole numbers, timestamps and dates as byte matrices), and
what Arrow cannot see is read off the bytes (``engine.rawscan``: explicit nulls, one record per line).

The path only ever *accepts*: a block in which anything is refused or cannot be told for certain goes, whole, to
the record-by-record checks (``engine.fastload``), which find and word every problem exactly as before. So a bad
record costs speed, never a different verdict or message; tests hold the two paths to the same tables.
"""
from __future__ import annotations

import hashlib
import queue
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from . import fastload, rawscan
from .bulkcheck import FieldPlan, RecordPlan
from .bulktime import parse_fixed_dates, parse_fixed_text, parse_many
from .errors import Problem, ProblemCollector
from .kinds import bulk_derivers
from .readers import BOM, CsvOptions
from .tables import RowLocations, Table, Texts, concat_tables
from .timeparse import NAT

BLOCK = 1 << 24  # bytes of whole lines per block: enough for both cores, small enough to keep parsing ahead


class Refused(Exception):
    """The block needs the record-by-record checks (a record may be invalid, or the bytes cannot be read for sure)."""


@dataclass(frozen=True)
class ColumnarPlan:
    """What the columnar path needs of a kind, worked out once from its bulk plan."""

    schema: pa.Schema
    unexpected: str  # Arrow's unexpected_field_behavior: "error" (additionalProperties: false) or "ignore"
    strict_keys: frozenset[str]  # keys that may be absent but never null, at any depth
    nullable_required: frozenset[str]  # top-level keys that must be there, null allowed
    nested_names: frozenset[str]  # every key of a nested record (their nulls cannot be told from the top's)
    instants: frozenset[str] = frozenset()  # timestamp columns: ``name``, or ``list.field`` in nested records


def _arrow_type(f: FieldPlan) -> pa.DataType:
    if f.kind == "num":
        return pa.float64()
    if f.kind == "bool":
        return pa.bool_()
    if f.kind == "list_str":
        return pa.list_(pa.string())
    if f.kind == "list_obj":
        return pa.list_(pa.struct([pa.field(g.name, _arrow_type(g)) for g in f.sub.fields]))
    return pa.string()  # str, ts, date, and "any" (a value of another type makes Arrow refuse the block)


def _plans(plan: RecordPlan) -> Iterator[RecordPlan]:
    yield plan
    for f in plan.fields:
        if f.sub is not None:
            yield from _plans(f.sub)


@lru_cache(maxsize=None)
def columnar_plan(kind: str, schema_json: str) -> ColumnarPlan | None:
    """None when the kind has no bulk plan, or keeps the per-record form: lists of records read one by one by
    its measures (only a kind with a bulk deriver keeps them flattened), or additional properties allowed at one
    depth only."""
    plan = fastload.plan_for(kind, schema_json)
    if plan is None or kind not in bulk_derivers() and any(f.kind == "list_obj" for f in plan.fields):
        return None
    if any(p.conditions for p in list(_plans(plan))[1:]):
        return None  # conditions are checked on the top level only
    allowed = {p.allowed is None for p in _plans(plan)}
    if len(allowed) != 1:
        return None
    nested = frozenset(f.name for p in list(_plans(plan))[1:] for f in p.fields)
    return ColumnarPlan(
        schema=pa.schema([pa.field(f.name, _arrow_type(f)) for f in plan.fields]),
        unexpected="ignore" if allowed == {True} else "error",
        strict_keys=frozenset(k for p in _plans(plan) for k in p.strict_optional),
        nullable_required=frozenset(f.name for f in plan.fields if f.nullable and f.name in plan.required),
        nested_names=nested,
        instants=frozenset([f.name for f in plan.fields if f.kind == "ts"] + [
            f"{f.name}.{g.name}" for f in plan.fields if f.sub is not None for g in f.sub.fields if g.kind == "ts"]))


def blocks(fh: BinaryIO, hasher: Any, size: int = BLOCK) -> Iterator[bytes]:
    """The file in blocks of whole lines (a byte-order mark dropped); every byte also feeds ``hasher``."""
    carry = b""
    first = True
    while True:
        chunk = fh.read(size)
        if not chunk:
            break
        hasher.update(chunk)
        if first:
            chunk = carry + chunk
            carry = b""
            if len(chunk) < len(BOM) and BOM.startswith(chunk):
                carry = chunk
                continue
            chunk = chunk[len(BOM):] if chunk.startswith(BOM) else chunk
            first = False
        cut = chunk.rfind(b"\n") + 1
        if cut == 0:
            carry += chunk
            continue
        view = memoryview(chunk)
        yield chunk if not carry and cut == len(chunk) else b"".join((carry, view[:cut]))  # one copy at most
        carry = bytes(view[cut:])
    if carry:
        yield carry


def load(parts: Iterable[tuple[bytes, Parsed | None]], source: str, kind: str, schema: dict, plan: RecordPlan,
         cplan: ColumnarPlan, tz: Any, problems: ProblemCollector, why_bad: Callable[[Any, str], list[Problem]]
         ) -> tuple[Table, RowLocations, int]:
    """Load one JSON Lines document from its blocks and their Arrow columns (``Prefetch.document`` or
    ``read_ahead``; see the module docstring); ``cplan`` is the kind's ``columnar_plan``."""
    tables: list[Table] = []
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
        tables.append(table)
        wheres.append(where)
        count += n
        line += lines
    if not tables:
        return fastload.load(b"", "jsonl", source, kind, schema, plan, tz, problems, CsvOptions(), why_bad)
    return concat_tables(kind, tables), RowLocations.join(wheres), count


def release_memory() -> None:
    """Hand the memory Arrow's allocator keeps for reuse back to the system: loading is over, and an audit's
    peak comes later (~90 MB at a million tickets)."""
    pa.default_memory_pool().release_unused()


def parse_options(cplan: ColumnarPlan) -> pj.ParseOptions:
    return pj.ParseOptions(explicit_schema=cplan.schema, unexpected_field_behavior=cplan.unexpected)


class Prefetch:
    """A bundle's columnar documents read, hashed and parsed by one helper thread, in the order given, a few blocks
    ahead of the caller and across document boundaries: reading, SHA-256 and Arrow's parsing (on every core)
    release the interpreter lock, so they overlap the caller's checking and converting. Documents must be taken
    (``document``) in the order given; use as a context manager."""

    def __init__(self, jobs: list[tuple[Path, ColumnarPlan]], block_size: int = BLOCK, depth: int = 3):
        self._jobs, self._block_size = jobs, block_size
        self._ready: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, name="slacheck-read-ahead", daemon=True)
        self._taken = 0
        self.digests: dict[int, str] = {}

    def __enter__(self) -> "Prefetch":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()

    def _put(self, item: tuple) -> bool:
        while not self._stop.is_set():
            try:
                self._ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self) -> None:
        for i, (path, cplan) in enumerate(self._jobs):
            options = parse_options(cplan)
            hasher = hashlib.sha256()
            distinct: set[str] = set()
            try:
                with path.open("rb") as fh:
                    for block in blocks(fh, hasher, self._block_size):
                        if not self._put((i, block, _parse(block, options, distinct, cplan))):
                            return
            except OSError as exc:  # raised again in the caller's thread, for this document
                if not self._put((i, exc, None)):
                    return
                continue
            if not self._put((i, _DONE, hasher.hexdigest())):
                return

    def document(self, index: int) -> Iterator[tuple[bytes, Parsed | None]]:
        """The blocks of document ``index`` (the next one); its SHA-256 is in ``digests`` once they are taken."""
        assert index == self._taken, "documents are taken in the order given"
        self._taken += 1
        while True:
            i, block, parsed = self._ready.get()
            assert i == index
            if block is _DONE:
                self.digests[index] = parsed
                return
            if isinstance(block, OSError):
                raise block
            yield block, parsed


def read_ahead(fh: BinaryIO, hasher: Any, cplan: ColumnarPlan, block_size: int = BLOCK
               ) -> Iterator[tuple[bytes, Parsed | None]]:
    """One open document's blocks and Arrow columns (``hasher`` fed as it is read), parsed as they are asked for."""
    options = parse_options(cplan)
    distinct: set[str] = set()
    for block in blocks(fh, hasher, block_size):
        yield block, _parse(block, options, distinct, cplan)


_DONE = object()


@dataclass(frozen=True)
class Parsed:
    """A block as Arrow read it: one array per column, and its texts already dictionary-encoded (on the read-ahead
    thread, which Arrow's compute lets run beside the converting one). ``encoded`` is keyed by column name, or
    ``list.field`` for the texts of nested records; a mostly-distinct column (ids, titles) is left out."""

    rows: int
    arrays: dict[str, pa.Array]
    encoded: dict[str, pa.Array]
    nulls: np.ndarray | None = None  # where the bytes say ``null``, when a key that needs telling read as null
    instants: dict[str, tuple[np.ndarray, np.ndarray]] | None = None  # path -> (epoch s, rows of another shape)


def _parse(block: bytes, options: pj.ParseOptions, distinct: set[str], cplan: ColumnarPlan | None = None
           ) -> Parsed | None:
    """The block's columns, or None when the block is not one record per line or Arrow refused it (no JSON, a
    wrong type, an unknown or repeated key). ``distinct``: the document's mostly-distinct text columns so far.
    With the kind's ``cplan``, the numpy work that needs no Python objects is done here too: timestamps of the
    common shapes, and the positions of nulls when a key whose absence must be told from a null read as null."""
    keys = cplan.strict_keys | cplan.nullable_required if cplan else frozenset()
    times = cplan.instants if cplan else frozenset()
    lines = rawscan.lines_are_records(block)
    if lines is None:
        return None
    try:
        data = pj.read_json(pa.BufferReader(block), parse_options=options)
    except (pa.ArrowException, ValueError):
        return None
    if data.num_rows != lines:  # two records on a line
        return None
    arrays = {name: data.column(name).combine_chunks() for name in data.column_names}
    encoded: dict[str, pa.Array] = {}
    null_keys = {name for name, arr in arrays.items() if arr.null_count and name in keys}
    instants = {name: _fixed_instants(arr) for name, arr in arrays.items() if name in times}
    for name, arr in arrays.items():
        if arr.type == pa.string() and name not in distinct:
            encoded[name] = pc.dictionary_encode(arr)
            if len(encoded[name].dictionary) > (len(arr) - arr.null_count) // 2:
                distinct.add(name)  # from the next block on, not worth a dictionary
        elif pa.types.is_list(arr.type) and pa.types.is_struct(arr.type.value_type):
            items = pc.list_flatten(arr)
            if not items.null_count:
                for field, child in zip(arr.type.value_type, items.flatten()):
                    if child.null_count and field.name in keys:
                        null_keys.add(field.name)
                    if f"{name}.{field.name}" in times:
                        instants[f"{name}.{field.name}"] = _fixed_instants(child)
                    if child.type == pa.string():
                        encoded[f"{name}.{field.name}"] = pc.dictionary_encode(child)
    nulls = rawscan.null_positions(block) if null_keys else None
    return Parsed(data.num_rows, arrays, encoded, nulls, instants)


def _columnar(block: bytes, parsed: Parsed | None, kind: str, schema: dict, plan: RecordPlan, cplan: ColumnarPlan,
              tz: Any) -> tuple[Table, int]:
    if parsed is None:
        raise Refused
    n = parsed.rows
    arrays = {f.name: parsed.arrays[f.name] if n else pa.array([], _arrow_type(f)) for f in plan.fields}
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
             encoded: dict[str, pa.Array], instants: dict[str, tuple[np.ndarray, np.ndarray]]
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
            _check_texts(pc.list_flatten(arr), f.item, items=True)
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
                 encoded: pa.Array | None = None) -> np.ndarray | Texts:
    """Texts as an object array (one Python string per distinct text), or as ``Texts`` codes, after the schema's
    text checks. ``encoded``: the column already dictionary-encoded; without it, a column that needs no dictionary
    (mostly distinct texts: ids, titles) is converted string by string."""
    if items and arr.null_count:
        raise Refused  # a null item in a list of texts
    if encoded is None and not codes and f.enum is None and f.pattern is None:
        if f.min_length or f.max_length is not None:
            low, high = pc.min_max(pc.utf8_length(arr)).values()
            if low.is_valid and ((f.min_length and low.as_py() < f.min_length) or (
                    f.max_length is not None and high.as_py() > f.max_length)):
                raise Refused
        return arr.to_numpy(zero_copy_only=False)
    if encoded is None:
        encoded = pc.dictionary_encode(arr)
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
    table = np.empty(len(words) + 1, dtype=object)
    table[:-1] = words
    if codes:
        return Texts(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32), table[:-1])
    return table[encoded.indices.fill_null(len(words)).to_numpy(zero_copy_only=False)]


def _packed(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Offsets and bytes of a string column, and the rows that hold a value."""
    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int32)[arr.offset: arr.offset + len(arr) + 1].astype(np.int64)
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, np.uint8)
    rows = np.flatnonzero(~arr.is_null().to_numpy(zero_copy_only=False)) if arr.null_count else np.arange(len(arr))
    return off, raw, rows


def _fixed_instants(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Epoch seconds of the timestamps of the common shapes (NAT elsewhere), and the rows with another shape."""
    out = np.full(len(arr), NAT, dtype=np.int64)
    off, raw, rows = _packed(arr)
    secs, done = parse_fixed_text(off, raw, rows)
    out[rows[done]] = secs[done]
    return out, rows[~done]


def _timestamps(arr: pa.Array, f: FieldPlan, tz: Any, fixed: tuple[np.ndarray, np.ndarray] | None = None
                ) -> np.ndarray:
    """Epoch seconds of a timestamp column; ``fixed``: its ``_fixed_instants``, when already done."""
    if arr.null_count and not f.nullable:
        raise Refused
    out, rest = fixed if fixed is not None else _fixed_instants(arr)
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
    off, raw, rows = _packed(arr)
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
