"""A key repeated in one JSON object is found whatever the layout, and nothing else is taken for one."""
from __future__ import annotations

import json
import random

import orjson
import pytest

from engine.jsonkeys import repeated_in_document, repeated_keys

TEXTS = [
    (b'{"a":1,"b":{"c":2,"c":3}}', "c"),  # nested
    (b'{"a" : 1, "a": 2}', "a"),  # spaced before the colon
    (b'{"a":[{"k":1},{"k":2,"k":3}]}', "k"),  # in a list of objects
    (b'{"a":"\\u0022:","a":1}', "a"),  # a quote written as an escape, which the count cannot see
    (b'{"x":"he said \\" : no","y":1}', None),  # a spaced quote-colon inside a text: counted, then read again
    (b'{"x":"a\\":b","x2":"\\":"}', None),
    (b'{"a":1}', None),
    (b'[1, {"a": {"b": []}}]', None),
]


@pytest.mark.parametrize("text,key", TEXTS)
def test_each_layout(text, key):
    assert repeated_keys([text], [orjson.loads(text)]) == ({0: key} if key else {})


def test_a_chunk_names_only_the_records_that_repeat_a_key():
    texts = [t for t, _ in TEXTS]
    assert repeated_keys(texts, [orjson.loads(t) for t in texts]) == {i: k for i, (_, k) in enumerate(TEXTS) if k}


def test_a_document_names_the_record():
    doc = b'{"records": [{"a": 1},\n {"b" : [1, 2], "c": {"d": 1, "d": 1}}, {"e": 1}]}'
    assert repeated_in_document(doc, orjson.loads(doc)) == {1: "d"}
    clean = b'[{"a": 1}, {"b": "x\\": y"}]'
    assert repeated_in_document(clean, orjson.loads(clean)) == {}


def test_random_records_in_every_layout():
    rng = random.Random(7)
    alphabet = ['a', 'b', '"', ':', ' ', '\\', '\t', 'é', '{', '}', '\u2028']

    def value(depth):
        pick = rng.random()
        if depth > 2 or pick < 0.4:
            return "".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))
        if pick < 0.7:
            return [value(depth + 1) for _ in range(rng.randrange(3))]
        return {f"k{i}": value(depth + 1) for i in range(rng.randrange(4))}

    for _ in range(300):
        record = {f"f{i}": value(0) for i in range(rng.randrange(1, 5))}
        separators = rng.choice([(",", ":"), (", ", ": "), (",", " : "), (",\n", ":\t")])
        text = json.dumps(record, separators=separators, ensure_ascii=rng.random() < 0.5)
        want = None
        if rng.random() < 0.5:  # repeat the first key of the top object
            first = next(iter(record))
            text = text[0] + json.dumps(first) + separators[1] + "0" + separators[0] + text[1:]
            want = first
        raw = text.encode()
        assert repeated_keys([raw], [orjson.loads(raw)]) == ({0: want} if want else {}), text
