"""Reading JSON Lines evidence for the columnar path: the Arrow schema a kind is read with, and the threads that
read a bundle's documents ahead of the checks.

One thread reads blocks of whole lines (1 MiB at first, doubling up to 16 MiB), in order, and hashes them; a pool of
one thread per usable core has Arrow's JSON reader parse each block against an explicit schema made from the kind's
bulk plan (``engine.bulkcheck``): Arrow already refuses what is no JSON, a value of the wrong type, an unknown or
repeated key. The pool also does the work that needs no Python objects: dictionary-encoding the texts, reading the
common timestamp shapes, finding the nulls. All of it lets go of the interpreter lock, so it runs beside the
checking and converting in ``engine.arrowload``.
"""
from __future__ import annotations

import ctypes
import hashlib
import platform
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from . import fastload, rawscan
from .bulkcheck import FieldPlan, RecordPlan
from .cores import usable_cores
from .bulktime import parse_fixed_text
from .kinds import bulk_derivers
from .readers import BLOCK, blocks
from .timeparse import NAT



@dataclass(frozen=True)
class ColumnarPlan:
    """What the columnar path needs of a kind, worked out once from its bulk plan."""

    schema: pa.Schema
    unexpected: str  # Arrow's unexpected_field_behavior: "error" (additionalProperties: false) or "ignore"
    strict_keys: frozenset[str]  # keys that may be absent but never null, at any depth
    nullable_required: frozenset[str]  # top-level keys that must be there, null allowed
    nested_names: frozenset[str]  # every key of a nested record (their nulls cannot be told from the top's)
    instants: frozenset[str] = frozenset()  # timestamp columns: ``name``, or ``list.field`` in nested records
    texts: frozenset[str] = frozenset()  # text columns (same naming): the only ones worth a dictionary


def arrow_type(f: FieldPlan) -> pa.DataType:
    if f.kind == "num":
        return pa.float64()
    if f.kind == "bool":
        return pa.bool_()
    if f.kind == "list_str":
        return pa.list_(pa.string())
    if f.kind == "list_obj":
        return pa.list_(pa.struct([pa.field(g.name, arrow_type(g)) for g in f.sub.fields]))
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
        schema=pa.schema([pa.field(f.name, arrow_type(f)) for f in plan.fields]),
        unexpected="ignore" if allowed == {True} else "error",
        strict_keys=frozenset(k for p in _plans(plan) for k in p.strict_optional),
        nullable_required=frozenset(f.name for f in plan.fields if f.nullable and f.name in plan.required),
        nested_names=nested,
        instants=_paths(plan, ("ts",)),
        texts=_paths(plan, ("str", "any")))


def _paths(plan: RecordPlan, kinds: tuple[str, ...]) -> frozenset[str]:
    """The columns of these kinds: ``name`` at the top, ``list.field`` in nested records."""
    return frozenset([f.name for f in plan.fields if f.kind in kinds] + [
        f"{f.name}.{g.name}" for f in plan.fields if f.sub is not None for g in f.sub.fields if g.kind in kinds])


def release_memory() -> None:
    """Hand the memory the allocator keeps for reuse back to the system (``malloc_trim`` with ``one_allocator``):
    loading is over, and an audit's peak comes later (at a million tickets ~180 MB lower for it)."""
    pa.default_memory_pool().release_unused()


_M_ARENA_MAX = -8  # glibc's malloc.h


@lru_cache(maxsize=1)
def one_allocator() -> bool:
    """Have Arrow allocate with the C library's malloc, and glibc serve every thread from one arena; True when
    glibc took the setting.

    Arrow's own allocator (mimalloc) and glibc's per-thread arenas each keep what they freed for their own reuse
    only: the parsing threads' block buffers (hundreds of MB at a million tickets) could not serve the measures
    and the report on the main thread, which took fresh pages instead, each first touch a page fault (slow on a
    virtual machine). With one allocator and one arena they can, and ``release_memory`` hands the rest back.
    Measured at a million tickets: peak memory 1.56-1.60 GB instead of 1.83-1.88 GB, the stages after loading
    ~0.5-1 s faster; the threads allocate few, large buffers, so they seldom wait for the arena's lock. Set before
    the first parsing thread allocates; process-wide (an allocator policy). Off glibc only Arrow's pool changes."""
    pa.set_memory_pool(pa.system_memory_pool())
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        return bool(ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 1))
    except (OSError, AttributeError):
        return False


def parse_options(cplan: ColumnarPlan) -> pj.ParseOptions:
    return pj.ParseOptions(explicit_schema=cplan.schema, unexpected_field_behavior=cplan.unexpected)


class Prefetch:
    """A bundle's columnar documents read and hashed by one helper thread and parsed by ``parsers`` more (one per
    usable core unless told), in the order given, ahead of the caller and across document boundaries: reading,
    SHA-256, Arrow's parsing and compute release the interpreter lock, so they overlap the caller's checking and
    converting. How far ahead is counted in bytes (``depth`` full-size blocks; by default one more than there are
    parsers), not in blocks: a run of small documents must not stop the parsers while the caller still converts a
    large block. Documents must be taken (``document``) in the order given; use as a context
    manager."""

    def __init__(self, jobs: list[tuple[Path, ColumnarPlan]], block_size: int = BLOCK, depth: int | None = None,
                 parsers: int | None = None):
        parsers = parsers or usable_cores()  # the load is bound by parsing: one thread per core it may use
        depth = depth or max(3, parsers + 1)  # enough blocks ahead for every parser, and one for the caller
        self._jobs, self._block_size, self._parsers = jobs, block_size, parsers
        self._ready: queue.Queue = queue.Queue()
        self._budget, self._ahead = depth * block_size, 0  # bytes read but not yet taken by the caller
        self._room = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, name="slacheck-read-ahead", daemon=True)
        self._taken = 0
        self.digests: dict[int, str] = {}

    def __enter__(self) -> "Prefetch":
        one_allocator()
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()

    def _reserve(self, size: int) -> bool:
        """Wait until the caller is less than the budget behind, then count ``size`` more bytes ahead."""
        with self._room:
            while self._ahead >= self._budget and not self._stop.is_set():
                self._room.wait(0.1)
            self._ahead += size
        return not self._stop.is_set()

    def _taken_back(self, size: int) -> None:
        with self._room:
            self._ahead -= size
            self._room.notify()

    def _put(self, item: tuple) -> bool:
        if self._stop.is_set():
            return False
        self._ready.put(item)
        return True

    def _produce(self) -> None:
        with ThreadPoolExecutor(max_workers=self._parsers, thread_name_prefix="slacheck-parse") as pool:
            self._produce_with(pool)

    def _produce_with(self, pool: ThreadPoolExecutor) -> None:
        # this thread reads and hashes in order; the blocks are parsed by a small pool, so that one block's
        # single-threaded steps (encoding, timestamps) overlap the next block's parsing; the queue keeps the order
        for i, (path, cplan) in enumerate(self._jobs):
            options = parse_options(cplan)
            hasher = hashlib.sha256()
            distinct: set[str] = set()  # only a hint, so a race between two blocks costs at most some hashing
            try:
                with path.open("rb") as fh:
                    for block in blocks(fh, hasher, self._block_size, start=self._block_size // 16):
                        if not (self._reserve(len(block)) and self._put(
                                (i, block, pool.submit(_parse, block, options, distinct, cplan)))):
                            return
            except OSError as exc:  # raised again in the caller's thread, for this document
                if not self._put((i, exc, None)):
                    return
                continue
            except BaseException as exc:  # a fault (no input problem): the caller must not wait for ever
                self._put((i, exc, None))
                return
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
            if isinstance(block, BaseException):
                raise block
            self._taken_back(len(block))
            yield block, parsed.result()


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
    encoded: dict[str, "Encoded"]
    nulls: np.ndarray | None = None  # where the bytes say ``null``, when a key that needs telling read as null
    instants: dict[str, tuple[np.ndarray, np.ndarray]] | None = None  # path -> (epoch s, rows of another shape)


@dataclass(frozen=True)
class Encoded:
    """A text column in dictionary form: its distinct texts, and per row the code of its text (-1 where null)."""

    dictionary: pa.Array
    codes: np.ndarray  # int32


def encode(arr: pa.Array) -> Encoded:
    """Dictionary-encode a text column; Arrow's compute, no Python object per row."""
    enc = pc.dictionary_encode(arr)
    indices = enc.indices.fill_null(-1) if enc.indices.null_count else enc.indices
    return Encoded(enc.dictionary, indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False))


def _parse(block: bytes, options: pj.ParseOptions, distinct: set[str], cplan: ColumnarPlan | None = None
           ) -> Parsed | None:
    """The block's columns, or None when the block is not one record per line or Arrow refused it (no JSON, a
    wrong type, an unknown or repeated key). ``distinct``: the document's mostly-distinct text columns so far.
    With the kind's ``cplan``, the numpy work that needs no Python objects is done here too: timestamps of the
    common shapes, and the positions of nulls when a key whose absence must be told from a null read as null."""
    keys = cplan.strict_keys | cplan.nullable_required if cplan else frozenset()
    times = cplan.instants if cplan else frozenset()
    texts = cplan.texts if cplan else None  # None: every text column (timestamps and dates are read elsewhere)
    lines = rawscan.lines_are_records(block)
    if lines is None:
        return None
    try:
        # one chunk, on this thread: the pool already parses two blocks at once, and Arrow's own splitting of a
        # block into 1 MiB chunks on its thread pool costs ~15 % more CPU for no gain in wall time here
        data = pj.read_json(pa.BufferReader(block), parse_options=options,
                            read_options=pj.ReadOptions(use_threads=False, block_size=len(block) + 1))
    except (pa.ArrowException, ValueError):
        return None
    if data.num_rows != lines:  # two records on a line
        return None
    # one chunk per column (one block_size for the whole block): taken as it is; combine_chunks would copy it
    arrays = {name: _one_array(data.column(name)) for name in data.column_names}
    encoded: dict[str, Encoded] = {}
    null_keys = {name for name, arr in arrays.items() if arr.null_count and name in keys}
    instants = {name: fixed_instants(arr) for name, arr in arrays.items() if name in times}
    for name, arr in arrays.items():
        if arr.type == pa.string() and name not in distinct and (texts is None or name in texts):
            encoded[name] = encode(arr)
            if len(encoded[name].dictionary) > (len(arr) - arr.null_count) // 2:
                distinct.add(name)  # from the next block on, not worth a dictionary
        elif pa.types.is_list(arr.type) and pa.types.is_struct(arr.type.value_type):
            items = pc.list_flatten(arr)
            if not items.null_count:
                for field, child in zip(arr.type.value_type, items.flatten()):
                    if child.null_count and field.name in keys:
                        null_keys.add(field.name)
                    if f"{name}.{field.name}" in times:
                        instants[f"{name}.{field.name}"] = fixed_instants(child)
                    if child.type == pa.string() and (texts is None or f"{name}.{field.name}" in texts):
                        encoded[f"{name}.{field.name}"] = encode(child)
    nulls = rawscan.null_positions(block) if null_keys else None
    return Parsed(data.num_rows, arrays, encoded, nulls, instants)


def _one_array(column: pa.ChunkedArray) -> pa.Array:
    """The column as one array, without a copy when it is one chunk already."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def packed(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Offsets and bytes of a string column, and the rows that hold a value."""
    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int32)[arr.offset: arr.offset + len(arr) + 1].astype(np.int64)
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, np.uint8)
    rows = np.flatnonzero(~arr.is_null().to_numpy(zero_copy_only=False)) if arr.null_count else np.arange(len(arr))
    return off, raw, rows


def fixed_instants(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Epoch seconds of the timestamps of the common shapes (NAT elsewhere), and the rows with another shape."""
    out = np.full(len(arr), NAT, dtype=np.int64)
    off, raw, rows = packed(arr)
    secs, done = parse_fixed_text(off, raw, rows)
    out[rows[done]] = secs[done]
    return out, rows[~done]
