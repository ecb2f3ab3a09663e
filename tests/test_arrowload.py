"""The columnar path (Arrow + numpy) only ever accepts what the schema accepts, and then builds exactly the table
the record-by-record path builds; what it cannot tell for certain it hands on, block by block."""
from __future__ import annotations

import hashlib
import io
import json
import platform
import random

import jsonschema
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings, strategies as st

from engine import arrowload, arrowread, fastload, rawscan
from engine.bundle import _record_problems, document_schema, known_kinds
from engine.errors import ProblemCollector
from engine.readers import CsvOptions
from engine.tables import column_kinds
from tests.test_bulkcheck import _corrupt, _sample_records, _truth


def _plans(kind):
    text = json.dumps(document_schema(kind), sort_keys=True)
    return fastload.plan_for(kind, text), arrowload.columnar_plan(kind, text)


COLUMNAR = [k for k in known_kinds() if _plans(k)[1] is not None]


def _options(cplan):
    import pyarrow.json as pj

    return pj.ParseOptions(explicit_schema=cplan.schema, unexpected_field_behavior=cplan.unexpected)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    return a.dtype == b.dtype and a.shape == b.shape and all(
        x == y and type(x) is type(y) for x, y in zip(a.tolist(), b.tolist()))


def assert_same_tables(f, s):
    assert f.ids.tolist() == s.ids.tolist()
    assert sorted(f.cols) == sorted(s.cols)
    for name in s.cols:
        assert _same(f.cols[name], s.cols[name]), name
    assert f.lists == s.lists
    assert sorted(f.nested) == sorted(s.nested)
    for name, (owners, sub) in s.nested.items():
        assert f.nested[name][0].tolist() == owners.tolist()
        for col in sub:
            assert _same(f.nested[name][1][col], sub[col]), (name, col)
    if s.pauses is not None:
        assert all(x.tolist() == y.tolist() for x, y in zip(f.pauses, s.pauses))


def _valid(kind):
    """Sample records that are valid and of the types the columnar path reads (no number in a text field)."""
    schema = document_schema(kind)
    validator = jsonschema.Draft202012Validator(schema)
    out = [r for r in _sample_records(kind) if _truth(r, validator, column_kinds(schema))]
    if kind == "tickets":  # owner changes between numbered lines carry numbers: valid, but for the other path
        out = [r for r in out if all(isinstance(e.get(k, ""), str) for e in r.get("events", []) for k in ("from", "to"))]
    return out


def _take(block, kind, schema, plan, cplan):
    return arrowload._columnar(block, arrowread._parse(block, _options(cplan), set(), cplan), kind, schema, plan, cplan, None)


def _block(records, rng) -> bytes:
    lines = []
    for rec in records:
        seps = rng.choice([(",", ":"), (", ", ": ")])
        lines.append(json.dumps(rec, separators=seps, ensure_ascii=rng.random() < 0.5))
    return ("\n".join(lines) + "\n").encode()


def _slow(block, kind, schema, plan, first_line=1):
    problems = ProblemCollector()
    table, where, n = fastload.load(block, "jsonl", "doc.jsonl", kind, schema, plan, None, problems, CsvOptions(),
                                    lambda rec, label: _record_problems(rec, label, "doc.jsonl", kind, None),
                                    first_line=first_line)
    return table, where, n, problems


@pytest.mark.parametrize("kind", COLUMNAR)
def test_valid_blocks_are_taken_and_give_the_same_table(kind):
    records = _valid(kind)
    if not records:
        pytest.skip(f"no sample records of {kind}")
    schema = document_schema(kind)
    plan, cplan = _plans(kind)
    block = _block(records, random.Random(kind))
    table, n = _take(block, kind, schema, plan, cplan)
    slow, _, m, problems = _slow(block, kind, schema, plan)
    assert n == m == len(records) and not problems.problems
    assert_same_tables(table, slow)


@pytest.mark.parametrize("kind", COLUMNAR)
def test_a_block_with_an_invalid_record_is_never_taken(kind):
    records = _valid(kind)
    if not records:
        pytest.skip(f"no sample records of {kind}")
    schema = document_schema(kind)
    plan, cplan = _plans(kind)
    validator = jsonschema.Draft202012Validator(schema)
    kinds = column_kinds(schema)
    rng = random.Random("arrow-" + kind)
    taken = 0
    for _ in range(150):
        bad = _corrupt(rng.choice(records), rng, schema)
        block = _block(records[:3] + [bad] + records[3:6], rng)
        try:
            table, _ = _take(block, kind, schema, plan, cplan)
        except arrowload.Refused:
            continue
        assert _truth(bad, validator, kinds), bad  # taken: then the "corruption" was still valid
        assert_same_tables(table, _slow(block, kind, schema, plan)[0])
        taken += 1
    assert taken < 150


def test_blocks_join_into_the_document_with_its_line_numbers():
    kind = "tickets"
    schema = document_schema(kind)
    plan, cplan = _plans(kind)
    records = _valid(kind)
    rng = random.Random(7)
    lines = _block(records, rng).decode().splitlines()
    bad_at = len(lines) // 2
    lines[bad_at] = lines[bad_at].replace('"priority":', '"priority": "X", "ignored":', 1)
    data = ("\n".join(lines) + "\n").encode()
    problems = ProblemCollector()
    hasher = hashlib.sha256()
    table, where, n = arrowload.load(arrowload.read_ahead(io.BytesIO(data), hasher, cplan, block_size=2048),
                                     "doc.jsonl", kind, schema, plan, cplan, None, problems,
                                     lambda rec, label: _record_problems(rec, label, "doc.jsonl", kind, None))
    slow, slow_where, m, slow_problems = _slow(data, kind, schema, plan)
    assert hasher.hexdigest() == hashlib.sha256(data).hexdigest()
    assert n == m == len(lines)
    assert [str(p) for p in problems.problems] == [str(p) for p in slow_problems.problems]
    assert f"line {bad_at + 1}" in str(problems.problems[0])
    assert_same_tables(table, slow)
    assert list(where) == list(slow_where)


@pytest.mark.parametrize("size", [None, 10, 10**6, "exact"])
def test_a_table_built_block_by_block_is_the_blocks_joined(size):
    """Columns sized from the document's bytes (too small: they grow; unknown or too large: no matter) give the
    table ``concat_tables`` gives; a block with a column of another type makes the builder join as it does."""
    import copy

    from engine.tables import TableBuilder, concat_tables

    kind = "tickets"
    schema = document_schema(kind)
    plan, cplan = _plans(kind)
    records = _valid(kind) * 10
    blocks = [_block(records[i:i + 30], random.Random(i)) for i in range(0, len(records), 30)]
    parts = [_take(b, kind, schema, plan, cplan)[0] for b in blocks]
    want = concat_tables(kind, copy.deepcopy(parts))
    builder = TableBuilder(kind, sum(map(len, blocks)) if size == "exact" else size)
    for part, block in zip(copy.deepcopy(parts), blocks):
        builder.add(part, len(block))
    assert_same_tables(builder.table(), want)

    odd = copy.deepcopy(parts)
    odd[2].cols["reopens"] = odd[2].cols["reopens"].astype(object)  # as a block read record by record might
    builder = TableBuilder(kind, size if size != "exact" else sum(map(len, blocks)))
    for part, block in zip(copy.deepcopy(odd), blocks):
        builder.add(part, len(block))
    assert_same_tables(builder.table(), concat_tables(kind, odd))


def test_a_document_of_one_block_keeps_its_table():
    from engine.tables import TableBuilder

    kind = "tickets"
    plan, cplan = _plans(kind)
    block = _block(_valid(kind), random.Random(1))
    table = _take(block, kind, document_schema(kind), plan, cplan)[0]
    builder = TableBuilder(kind, len(block))
    builder.add(table, len(block))
    assert builder.table() is table


@pytest.mark.parametrize("text, lines", [
    (b'{"a":1}\n{"a":2}\n', 2), (b'{"a":1}\r\n{"a":2}', 2), (b'{"a":1}\n\n{"a":2}\n', None),
    (b'{"a":1}\n {"a":2}\n', None), (b'{"a":1}\r{"a":2}\n', None), (b' {"a":1}\n', None), (b"", 0)])
def test_lines_are_records(text, lines):
    assert rawscan.lines_are_records(text) == lines


_KEYS = ["k", "xk", "kx", "csat_score", "n\u00e9"]
_TEXTS = st.sampled_from(['": null', '"k": null', 'k":null', "null", "a: null", '\\', "nullable", "\u00e9"])
_VALUES = st.recursive(
    st.none() | st.integers(-5, 5) | _TEXTS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4),
    max_leaves=12)


def _truth_nulls(value, key) -> int:
    if isinstance(value, dict):
        return sum((v is None and k == key) + _truth_nulls(v, key) for k, v in value.items())
    if isinstance(value, list):
        return sum(_truth_nulls(v, key) for v in value)
    return 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=5), min_size=1, max_size=5),
       st.sampled_from([(",", ":"), (", ", ": "), (",", " : "), (",", ":  ")]), st.booleans())
def test_explicit_nulls_are_counted_right_or_not_at_all(records, separators, ascii_only):
    block = "\n".join(json.dumps(r, separators=separators, ensure_ascii=ascii_only) for r in records).encode()
    keys = frozenset(["k", "csat_score", "n\u00e9"])
    found = rawscan.explicit_nulls(block, keys)
    if found is not None:
        assert found == {k: sum(_truth_nulls(r, k) for r in records) for k in keys}


def test_a_later_block_is_checked_as_strictly_when_its_texts_skip_the_dictionary():
    """After the first block, mostly-distinct columns (ids) are not hashed; their checks still run."""
    kind = "tickets"
    schema = document_schema(kind)
    plan, cplan = _plans(kind)
    records = _valid(kind)
    lines = _block(records * 3, random.Random(3)).decode().splitlines()
    lines = [line.replace(f'"{r["id"]}"', f'"{r["id"]}-{i}"', 1) for i, (line, r) in enumerate(zip(lines, records * 3))]
    key = '"id":"' if '"id":"' in lines[-1] else '"id": "'
    lines[-1] = key.join([lines[-1].split(key, 1)[0], '",' + lines[-1].split(key, 1)[1].split('",', 1)[1]])
    data = ("\n".join(lines) + "\n").encode()
    problems = ProblemCollector()
    table, _, n = arrowload.load(arrowload.read_ahead(io.BytesIO(data), hashlib.sha256(), cplan, block_size=1024),
                                 "doc.jsonl", kind, schema, plan, cplan, None, problems,
                                 lambda rec, label: _record_problems(rec, label, "doc.jsonl", kind, None))
    assert n == len(lines) and len(table) == len(lines) - 1
    assert [(p.record, p.field) for p in problems.problems] == [(f"line {len(lines)}", "$.id")]


def test_prefetch_reads_documents_in_order_and_reports_an_unreadable_one(tmp_path):
    kind = "tickets"
    plan, cplan = _plans(kind)
    data = _block(_valid(kind), random.Random(5))
    (tmp_path / "a.jsonl").write_bytes(data)
    (tmp_path / "c.jsonl").write_bytes(data[: data.index(b"\n") + 1])
    jobs = [(tmp_path / "a.jsonl", cplan), (tmp_path / "missing.jsonl", cplan), (tmp_path / "c.jsonl", cplan)]
    with arrowload.Prefetch(jobs, block_size=1024) as reader:
        first = list(reader.document(0))
        with pytest.raises(OSError):
            list(reader.document(1))
        third = list(reader.document(2))
    assert b"".join(block for block, _ in first) == data
    assert sum(parsed.rows for _, parsed in first) == len(_valid(kind))
    assert len(third) == 1 and third[0][1].rows == 1
    assert reader.digests == {0: hashlib.sha256(data).hexdigest(), 2: hashlib.sha256(third[0][0]).hexdigest()}


def test_the_parsing_threads_and_the_main_thread_share_one_allocator():
    """Their freed buffers are then reused by the measures and the report (see ``one_allocator``)."""
    on_glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert arrowread.one_allocator() is on_glibc
    assert arrowread.one_allocator() is on_glibc  # once per process: cached
    assert pa.default_memory_pool().backend_name == "system"


def test_prefetch_stops_when_its_reader_gives_up(tmp_path):
    plan, cplan = _plans("tickets")
    (tmp_path / "a.jsonl").write_bytes(_block(_valid("tickets"), random.Random(6)) * 20)
    with arrowload.Prefetch([(tmp_path / "a.jsonl", cplan)] * 3, block_size=1024, depth=1) as reader:
        next(reader.document(0))  # the helper thread is now blocked on a full queue
    assert not reader._thread.is_alive()


def test_events_are_put_in_time_order_as_a_lexsort_would():
    from engine.kinds.tickets import _time_order

    rng = np.random.default_rng(4)
    owner = np.sort(rng.integers(0, 300, 2000))
    at = 1_767_225_600 + rng.integers(0, 5, 2000) * 3600  # many ties: export order must break them
    assert _time_order(owner, at).tolist() == np.lexsort((np.arange(2000), at, owner)).tolist()
    wide = at.copy()
    wide[0] = 0  # a span beyond the combined key: the lexsort itself
    assert _time_order(owner, wide).tolist() == np.lexsort((np.arange(2000), wide, owner)).tolist()


def test_a_fault_on_the_read_ahead_thread_reaches_the_reader(tmp_path, monkeypatch):
    plan, cplan = _plans("tickets")
    (tmp_path / "a.jsonl").write_bytes(_block(_valid("tickets"), random.Random(8)))

    def broken(*args, **kwargs):
        raise RuntimeError("a fault in parsing")

    monkeypatch.setattr(arrowread, "_parse", broken)
    with arrowread.Prefetch([(tmp_path / "a.jsonl", cplan)]) as reader:
        with pytest.raises(RuntimeError, match="a fault in parsing"):
            list(reader.document(0))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(["wait_third_party_start", "wait_third_party_end", "update"]),
                                   st.integers(0, 6)), max_size=8), min_size=1, max_size=6))
def test_third_party_waits_in_bulk_are_derive_s_pauses(tickets):
    """Repeated starts, an end first, ties in time, a wait left open: the bulk state machine gives each ticket
    exactly the pauses the one-by-one ``derive`` gives it."""
    from engine.kinds.tickets import _time_order, _waits, derive

    base = 1_767_225_600
    want = []
    for row, events in enumerate(tickets):
        rec = {"reported_at": "2026-01-01T00:00:00Z", "owner": "sd", "status": "open",
               "events": [{"type": t, "at": f"2026-01-01T0{h}:00:00Z"} for t, h in events]}
        want += [(row, s, e) for s, e in derive(rec, None)["_pauses"]]
    owner = np.array([row for row, events in enumerate(tickets) for _ in events], dtype=np.int64)
    at = np.array([base + h * 3600 for events in tickets for _, h in events], dtype=np.int64)
    types = np.array([t for events in tickets for t, _ in events] or [""], dtype=object)[:len(owner)]
    order = _time_order(owner, at) if len(owner) else np.zeros(0, dtype=np.int64)
    got = _waits(owner[order], at[order], (types == "wait_third_party_start")[order],
                 (types == "wait_third_party_end")[order])
    assert list(zip(*(x.tolist() for x in got))) == want
