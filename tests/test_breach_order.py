"""Breaching records in record-id order, made in bulk: the same order and texts as sorting ``Breach`` objects."""
import numpy as np
import pytest

from engine.measures import common
from engine.measures.common import (MeasureContext, by_record_id, in_record_order, make_breaches,
                                    record_breaches)
from engine.model import Breach


class _Table:
    def __init__(self, ids):
        self.ids = np.asarray(ids, dtype=object)

    def __len__(self):
        return len(self.ids)


def _ctx():
    return MeasureContext(bundle=None, calendar=None, as_of=0)


@pytest.mark.parametrize("rank_from", [1, 10 ** 9])  # through the table's ranks, and by sorting text
def test_record_order_is_a_stable_sort_by_id_text(monkeypatch, rank_from):
    monkeypatch.setattr(common, "_RANK_FROM", rank_from)
    rng = np.random.default_rng(7)
    ids = [f"INC-{n}" for n in rng.integers(0, 60, 200)] + ["REQ-1", "INC-10", "INC-9", "é", "Z"]  # repeats
    table = _Table(ids)
    ctx = _ctx()
    for rows in (np.arange(len(ids)), np.sort(rng.choice(len(ids), 120, replace=False)),
                 rng.choice(len(ids), 120, replace=False)):  # the last: rows not ascending
        positions = np.flatnonzero(rng.random(len(rows)) < 0.5)
        want, texts = by_record_id(table.ids[rows], positions)
        got = in_record_order(ctx, table, rows, positions)
        assert got.tolist() == want
        assert [ids[r] for r in rows[got]] == texts == sorted(texts)


def test_record_breaches_are_typed_and_made_once_per_audit():
    table = _Table(["B-2", "A-1", "C-3", "A-0"])
    ctx = _ctx()
    rows = np.array([0, 1, 2, 3])
    calls = []

    def details(positions):
        calls.append(positions.tolist())
        return [f"row {rows[i]}" for i in positions.tolist()]

    order = in_record_order(ctx, table, rows, np.array([0, 1, 3]))
    first = record_breaches(ctx, table, rows, order, details, made=(("test",), table))
    assert first == (Breach("A-0", "row 3"), Breach("A-1", "row 1"), Breach("B-2", "row 0"))
    assert all(type(b) is Breach and b.record_id and b.detail for b in first)
    # a later period listing rows 1 and 2: row 1's breach is reused, only row 2's detail is made
    second = record_breaches(ctx, table, rows[1:3], np.array([0, 1]), lambda p: [f"row {rows[1:3][i]}" for i in p],
                             made=(("test",), table))
    assert second == (Breach("A-1", "row 1"), Breach("C-3", "row 2"))
    assert second[0] is first[1]
    assert calls == [[3, 1, 0]]


def test_make_breaches_gives_breach_objects():
    out = make_breaches(["X-1", "X-2"], ["late", "later"])
    assert out == (Breach("X-1", "late"), Breach("X-2", "later"))
    assert [type(b) for b in out] == [Breach, Breach]
    assert out[1].record_id == "X-2" and out[1].detail == "later"
