"""Record ids sorted and looked up through Arrow give what Python's text comparison and sets give."""
import numpy as np

from engine.measures.common import MeasureContext, id_arrow, id_ranks, rows_of


class _Table:
    def __init__(self, ids):
        self.ids = np.asarray(ids, dtype=object)

    def __len__(self):
        return len(self.ids)


_IDS = ["INC-10", "INC-9", "inc-1", "INC-1", "INC-10", "é-2", "e-3", "Z", "", "INC-1 ", "𝔸-1", "\uffff", "INC-10"]


def _python_ranks(texts):
    rank = np.empty(len(texts), dtype=np.int64)
    rank[sorted(range(len(texts)), key=texts.__getitem__)] = np.arange(len(texts))
    return rank.tolist()


def test_id_ranks_are_a_stable_sort_by_text():
    table = _Table(_IDS + [7, 12])  # numbers are ranked by their text
    ctx = MeasureContext(bundle=None, calendar=None, as_of=0)
    assert id_arrow(ctx, table) is not None
    assert id_ranks(ctx, table).tolist() == _python_ranks([str(x) for x in table.ids])
    # "", "12", "7", "INC-1" and "INC-1 " come first; a repeated id keeps its rows' order
    assert id_ranks(ctx, table)[[0, 4, 12]].tolist() == [5, 6, 7]


def test_a_text_arrow_cannot_hold_is_ranked_and_found_in_python():
    table = _Table(_IDS + ["bad-\ud800"])  # a lone surrogate is no UTF-8
    ctx = MeasureContext(bundle=None, calendar=None, as_of=0)
    assert id_arrow(ctx, table) is None
    assert id_ranks(ctx, table).tolist() == _python_ranks(list(table.ids))
    assert rows_of(ctx, table, "t", lambda: ["bad-\ud800", "INC-9"]) == {"INC-9": 1, "bad-\ud800": 13}


def test_rows_of_indexes_only_the_cited_ids_last_row_of_a_repeat():
    table = _Table(_IDS)
    ctx = MeasureContext(bundle=None, calendar=None, as_of=0)
    got = rows_of(ctx, table, "t", lambda: ["INC-10", "𝔸-1", "", "nowhere", 5])
    assert got == {"INC-10": 12, "𝔸-1": 10, "": 8}
    cited = ["bad-\ud800", "Z"]  # a cited text Arrow cannot hold: found in Python
    assert rows_of(ctx, table, "u", lambda: cited) == {"Z": 7}


def test_component_codes_number_texts_by_first_appearance_and_rank_them_as_python_sorts():
    from engine.measures.security import _codes

    for values in (_IDS, _IDS + [7, "7"], _IDS + [None, "None"], [], ["x-\ud800", "a", "x-\ud800"]):
        text, code, rank, distinct = _codes(np.asarray(values, dtype=object))
        assert list(text) == [str(v) for v in values]
        assert distinct == list(dict.fromkeys(text))
        assert [distinct[c] for c in code.tolist()] == list(text)
        assert rank.tolist() == _python_ranks(distinct)


def test_ids_already_in_text_order_rank_as_their_rows():
    ids = sorted(_IDS)  # with repeats, which keep their rows' order
    ctx = MeasureContext(bundle=None, calendar=None, as_of=0)
    assert id_ranks(ctx, _Table(ids)).tolist() == _python_ranks(ids) == list(range(len(ids)))


def _index(ids):
    from engine.tables import RowLocations, SourceIndex

    ids = np.asarray(ids, dtype=object)
    return SourceIndex(ids, RowLocations.lines("f.jsonl", np.arange(1, len(ids) + 1))), ids


def _reference(ids, wanted):
    first = {}
    for row, i in enumerate(ids.tolist()):
        first.setdefault(str(i), row)
    return [f"f.jsonl: line {first[w] + 1}" if isinstance(w, str) and w in first else None for w in wanted]


def test_source_look_ups_agree_with_a_full_index_whichever_way_they_go():
    """Taught rows, ids out of range, bisection of ascending ids, one pass for a few, the full index for many:
    every way gives the first row of an id, and None for an id the table does not have."""
    rng = np.random.default_rng(7)
    shuffled = [f"T-{i:05d}" for i in rng.permutation(5000)] + ["T-00007", 12]  # a repeat; a number
    ascending = [f"A-{i:05d}" for i in range(5000)]
    for ids_list in (shuffled, ascending):
        wanted_sets = ([ids_list[3], "T-00007", "A-00010", "B-1", "0", "zzz", 12, "12"],  # a few
                       [str(x) for x in ids_list[::2]] + ["T-x", "A-99999"])  # many
        for wanted in wanted_sets:
            index, ids = _index(ids_list)
            assert index.get_many(wanted) == _reference(ids, wanted)
            taught, _ = _index(ids_list)
            taught.learn([str(ids_list[5]), str(ids_list[6])], [5, 1])  # the second one is taught wrongly
            assert taught.get_many(wanted + [str(ids_list[6])]) == _reference(ids, wanted + [str(ids_list[6])])
    index, _ = _index(shuffled)
    assert index["T-00007"] == _reference(np.asarray(shuffled, dtype=object), ["T-00007"])[0]
    assert index._index is None  # settled without indexing every id


def test_breaching_records_teach_the_source_index_their_rows():
    from engine.measures.common import record_breaches
    from engine.tables import SourceIndex

    class _Sourced(_Table):
        def __init__(self, ids):
            super().__init__(ids)
            self.sources = _index(ids)[0]

    table = _Sourced(["X-3", "X-1", "X-2"])
    ctx = MeasureContext(bundle=None, calendar=None, as_of=0)
    made = record_breaches(ctx, table, np.array([0, 2]), np.array([1, 0]), lambda order: ["late"] * len(order))
    assert [b.record_id for b in made] == ["X-2", "X-3"]
    assert isinstance(table.sources, SourceIndex) and table.sources._learned == {"X-2": 2, "X-3": 0}
    assert table.sources.get_many(["X-3", "X-2", "X-1"]) == ["f.jsonl: line 1", "f.jsonl: line 3", "f.jsonl: line 2"]


def test_look_ups_one_at_a_time_pass_over_the_ids_once_then_use_the_index():
    index, ids = _index([f"T-{i:05d}" for i in np.random.default_rng(3).permutation(2000)])
    wanted = [str(ids[5]), str(ids[9]), "T-zz", str(ids[700])]
    assert [index.get(w) for w in wanted] == _reference(ids, wanted)  # Mapping.get: one look-up at a time
    assert index._scanned and index._index is not None
