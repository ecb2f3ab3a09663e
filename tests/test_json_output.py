"""The JSON report is written by orjson when it gives json.dumps(indent=2)'s exact bytes, else by json: check both."""
from __future__ import annotations

import json

import pytest

from engine.serialize import _orjson_same, to_json_data


def _reference(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


@pytest.mark.parametrize("data, fast", [
    ({"a": [1, -2, 2 ** 63 - 1, 0.5, 95.0, -0.0, 1e-4, 123456789.123456, None, True, False, "é € \u2028 \x01 \"\\"],
      "b": {}, "c": [], "d": [{"x": []}, {"y": {"z": "w"}}]}, True),
    ({"a": 1e-5}, False),            # json: 1e-05, orjson: 0.00001
    ({"a": float("nan")}, False),    # json: NaN, orjson: null
    ({"a": float("inf")}, False),
    ({"a": 2 ** 70}, False),         # beyond orjson's 64-bit integers
    ({1: "x"}, False),               # json turns the key into "1"; orjson refuses it
    ({"a": (1, 2)}, False),          # a tuple: written by json as a list
])
def test_same_bytes_as_json_dumps(data, fast):
    assert _orjson_same(data) is fast
    assert to_json_data(data) == _reference(data)
