"""The fast loading path builds exactly the tables the record-by-record path builds (columns, derived columns,
pauses, locations), and reports the same problems."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from engine import bundle as bundle_mod
from engine import fastload
from engine.errors import EvidenceError
from engine.resources import sample_dir


def _load(path, fast: bool, monkeypatch):
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(fastload, "plan_for", lambda kind, schema: None)
        return bundle_mod.load_bundle(path)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    return a.shape == b.shape and all(x == y for x, y in zip(a.tolist(), b.tolist()))


def test_fast_and_slow_paths_build_the_same_tables(monkeypatch):
    fast = _load(sample_dir() / "bundle", True, monkeypatch)
    slow = _load(sample_dir() / "bundle", False, monkeypatch)
    assert sorted(fast.tables) == sorted(slow.tables)
    used_fast = [k for k in fast.tables if fastload.plan_for(k, __import__("json").dumps(
        bundle_mod.document_schema(k), sort_keys=True)) is not None]
    assert {"tickets", "vulnerabilities", "major_incident_comms"} <= set(used_fast)
    for kind in fast.tables:
        f, s = fast.tables[kind], slow.tables[kind]
        assert f.ids.tolist() == s.ids.tolist(), kind
        for name in s.cols:
            assert name in f.cols, (kind, name)
            assert _same(f.cols[name], s.cols[name]), (kind, name)
        for name in s.lists:
            if name in f.lists:
                assert f.lists[name] == s.lists[name], (kind, name)
            else:
                assert name in f.nested, (kind, name)
        if s.pauses is not None and len(s.pauses[0]):
            key = lambda p: sorted(zip(*(x.tolist() for x in p)))  # noqa: E731
            assert key(f.pauses) == key(s.pauses), kind
        for rid in s.ids.tolist()[:50]:
            assert f.sources[str(rid)] == s.sources[str(rid)]


def test_fast_and_slow_paths_report_the_same_problems(tmp_path, monkeypatch):
    broken = tmp_path / "b"
    shutil.copytree(sample_dir() / "bundle", broken)
    lines = (broken / "tickets.jsonl").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"priority": "P', '"priority": "X', 1)
    lines[3] = lines[3].replace('"reported_at": "2026-', '"reported_at": "2026-13-', 1)
    lines[5] = lines[5].replace('"type": "response"', '"type": "responded"', 1)
    lines[7] = lines[7].replace('"at": "2026-', '"at": "2026-02-30', 1)
    (broken / "tickets.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = []
    for fast in (True, False):
        with pytest.raises(EvidenceError) as exc:
            _load(broken, fast, monkeypatch)
        messages.append(exc.value.render())
    assert messages[0] == messages[1]
    assert "tickets.jsonl: line 2" in messages[0] and "$.priority" in messages[0]


def test_streamed_lines_are_the_lines_of_the_whole_file():
    import hashlib
    import io

    from hypothesis import given, settings, strategies as st

    @settings(max_examples=200, deadline=None)
    @given(st.binary(max_size=64).map(lambda b: b.replace(b"\x00", b"a")) | st.lists(
        st.sampled_from([b"{}", b"\r\n", b"\n", b"\r", b"x", b"\xef\xbb\xbf"]), max_size=20).map(b"".join),
        st.integers(min_value=1, max_value=7))
    def check(data, block):
        hasher = hashlib.sha256()
        got = list(fastload.stream_lines(io.BytesIO(data), hasher, block_size=block))
        whole = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        assert got == whole.splitlines()
        assert hasher.hexdigest() == hashlib.sha256(data).hexdigest()

    check()


def test_blocks_that_start_small_and_double_hold_the_whole_file_in_whole_lines():
    import hashlib
    import io

    from engine.readers import blocks

    data = b"".join(b'{"n": %d, "pad": "%s"}\n' % (i, b"x" * (i % 7)) for i in range(2000))
    hasher = hashlib.sha256()
    got = list(blocks(io.BytesIO(b"\xef\xbb\xbf" + data), hasher, size=4096, start=256))
    assert b"".join(got) == data and all(b.endswith(b"\n") for b in got)
    assert len(got[0]) < 256 < len(got[2]) and max(map(len, got)) <= 4096 + 64  # a ramp up to the full size
    assert hasher.hexdigest() == hashlib.sha256(b"\xef\xbb\xbf" + data).hexdigest()


def test_record_locations_in_bulk_are_the_one_by_one_locations():
    from engine.tables import RowLocations, SourceIndex

    locations = RowLocations.join([RowLocations.lines("a.jsonl", np.array([3, 4, 5])),
                                   RowLocations.labels("b.csv", ["row 2", "row 3"])])
    texts = SourceIndex(np.array(["T1", "T2", "T1", "T3", "T4"], dtype=object), locations)
    assert texts.get_many(["T4", "T1", "nope", "T2"]) == ["b.csv: row 3", "a.jsonl: line 3", None, "a.jsonl: line 4"]
    assert [texts.get(i) for i in ("T4", "T1", "nope", "T2")] == texts.get_many(["T4", "T1", "nope", "T2"])
    numbers = SourceIndex(np.array([7, 8], dtype=object), RowLocations.lines("c.jsonl", np.array([1, 2])))
    assert numbers.get_many(["8", "7", "9"]) == ["c.jsonl: line 2", "c.jsonl: line 1", None]


def test_major_incident_logs_derive_alike_one_by_one_and_in_bulk():
    """Updates out of order, a tie, a log without updates: the bulk deriver gives ``derive``'s columns exactly."""
    from engine.kinds import major_incident_comms as mic
    from engine.timeparse import parse_ts

    logs = [[], ["2026-03-01T10:30:00+01:00", "2026-03-01T09:00:00+01:00", "2026-03-01T09:00:00+01:00"],
            ["2026-03-02T08:00:00Z"], []]
    one = [mic.derive({"updates": [{"at": a} for a in log]}, None) for log in logs]
    owners = np.array([row for row, log in enumerate(logs) for _ in log], dtype=np.int64)
    at = np.array([parse_ts(a, None) for log in logs for a in log], dtype=np.int64)
    bulk, pauses = mic.derive_bulk({}, {}, (owners, {"at": at}), len(logs))
    assert pauses is None
    assert bulk["update_times"].tolist() == [d["update_times"] for d in one]
    assert bulk["update_times"][1] == "1772352000,1772352000,1772357400"
    assert bulk["first_update_at"].tolist() == [d["first_update_at"] for d in one]
    assert bulk["update_count"].tolist() == [0, 3, 1, 0]
