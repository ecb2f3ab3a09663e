"""The JSON report is written by orjson with json.dumps(indent=2)'s exact bytes (the few numbers the two write
differently are put in afterwards), else by json: check both paths against json.dumps."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import serialize
from engine.serialize import to_json_data


def _reference(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


@pytest.fixture
def stdlib_calls(monkeypatch):
    calls = []
    real = serialize._stdlib
    monkeypatch.setattr(serialize, "_stdlib", lambda data: calls.append(data) or real(data))
    return calls


@pytest.mark.parametrize("data, fast", [
    ({"a": [1, -2, 2 ** 63 - 1, 0.5, 95.0, -0.0, 1e-4, 123456789.123456, None, True, False, "é € \u2028 \x01 \"\\"],
      "b": {}, "c": [], "d": [{"x": []}, {"y": {"z": "w"}}]}, True),
    ({"a": 1e-5}, True),             # json: 1e-05, orjson: 0.00001 → put back as 1e-05
    ({"a": [1e16, -2.5e-7, 1e300]}, True),
    ({"a": float("nan")}, True),     # json: NaN, orjson: null
    ({"a": [float("inf"), float("-inf")]}, True),
    ({"a": 2 ** 70, "b": -2 ** 63 - 1}, True),  # beyond orjson's 64-bit integers
    ({"a": (1, 2.5e-5, "x")}, True),  # a tuple: written by both as a list
    ({"rows": [{"id": "r1", "detail": "d", "source": None}, {"id": "r2", "detail": "e", "source": "f: line 2"}],
      "mixed": [{"id": "r3", "n": 3e-6}, {"id": "r4", "n": 1}]}, True),
    ({1: "x"}, False),               # json turns the key into "1"; orjson refuses it
    ({"rows": [{"id": "a"}, {2: "b"}]}, False),
    ({"a": "\ud800"}, False),        # a lone surrogate: orjson refuses it
    ({"a": 1e-5, "b": "slacheck:json-number:0"}, False),  # the placeholder's text in the data itself
    ({"a": 1e-5, "slacheck:json-number:0": 1}, False),
])
def test_same_text_as_json_dumps(data, fast, stdlib_calls):
    assert to_json_data(data) == _reference(data)
    assert (not stdlib_calls) is fast


def test_a_subclass_is_written_by_json(stdlib_calls):
    class Text(str):
        pass
    data = {"a": [Text("x")]}
    assert to_json_data(data) == _reference(data)
    assert stdlib_calls


def test_data_is_not_changed():
    data = {"a": [1e-5, {"b": float("inf")}], "c": (2 ** 70,)}
    before = repr(data)
    to_json_data(data)
    assert repr(data) == before


_scalars = (st.none() | st.booleans() | st.text() | st.integers(min_value=-2 ** 80, max_value=2 ** 80)
            | st.floats(allow_nan=True, allow_infinity=True)
            | st.sampled_from([1e-5, 5e-05, 1e16, 1.5e300, -2.5e-7, 0.0001, 1e-4, 9.99e15]))
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4)
                     | st.lists(st.dictionaries(st.sampled_from(["id", "detail", "source"]), inner), max_size=3),
                     max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(_json)
def test_any_json_value_gives_json_dumps_text(data):
    assert to_json_data(data) == _reference(data)


def test_breach_records_are_trusted_only_when_made_of_text():
    from engine.model import Breach
    from engine.serialize import _breaches, _Locations, _Records

    class Table:  # where each record came from; one location is not text, against the model's types
        sources = {"a": "f.jsonl: line 1", "b": "f.jsonl: line 2", "c": 7}

    assert type(_breaches((Breach("a", "x"), Breach("b", "y")), _Locations(), None)) is _Records
    known = _Locations()
    assert type(_breaches((Breach("a", "x"), Breach("b", "y")), known, Table())) is _Records
    odd = _breaches((Breach("c", "x"),), known, Table())
    assert type(odd) is list and odd == [{"id": "c", "detail": "x", "source": 7}]
    assert type(_breaches((Breach("a", "x"),), known, Table())) is list  # the kind's locations are no longer all text
    for breaches in ((Breach("a", "x"), Breach("b", 1e-5)), (Breach(1e16, "x"),)):
        rows = _breaches(breaches, _Locations(), Table() if breaches[0].record_id == "a" else None)
        assert type(rows) is list
        assert to_json_data({"breaches": rows}) == _reference({"breaches": rows})


def test_a_breach_row_is_made_once_per_kind_and_listed_again():
    from engine.model import Breach
    from engine.serialize import _breaches, _Locations, _Records

    class Table:
        sources = {"a": "f.jsonl: line 1", "b": "f.jsonl: line 2"}

    known = _Locations()
    month = _breaches((Breach("a", "x"), Breach("a", "x"), Breach("b", "y")), known, Table())
    assert month == [{"id": "a", "detail": "x", "source": "f.jsonl: line 1"}] * 2 + [
        {"id": "b", "detail": "y", "source": "f.jsonl: line 2"}]
    assert type(month) is _Records
    year = _breaches((Breach("b", "y"), Breach("a", "x"), Breach("a", "other")), known, Table())
    assert year[0] is month[2] and year[1] in (month[0], month[1]) and year[2] == {"id": "a", "detail": "other",
                                                                        "source": "f.jsonl: line 1"}
    _breaches((Breach("b", 0.5),), known, Table())  # a detail that is not text, against the model's types
    again = _breaches((Breach("a", "x"),), known, Table())
    assert type(again) is list and again[0] is year[1]  # the kind's rows are no longer all text: checked on writing
