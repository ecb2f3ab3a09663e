"""A key repeated in one JSON object: orjson keeps the last value without a word, so the loaders ask here.

Which of two values an exporter meant cannot be told, so such a record is refused. The test is in bulk: orjson
writes the parsed records back (compact, so every key is followed by ``":``), and the key marks in the text
(a quote, any whitespace, a colon) are counted against those written back. Inside a text a quote is always
escaped and tabs and line breaks are too, so a text never has more marks written back than it had; with no
``\\u`` escape in the text (``\\u0022`` is a quote) the counts are equal only when no key was repeated. Texts
that differ (a repeated key, or a text with a spaced ``\\" :`` in it) are read once more by the standard
library, whose hook sees every key of every object.
"""
from __future__ import annotations

import json
from typing import Any, Sequence

import numpy as np
import orjson

_QUOTE, _COLON = 34, 58
_SPACES = np.frombuffer(b" \t\r\n", dtype=np.uint8)
_WRITTEN_MARK = b'":'


class _Repeats(dict):
    """An object that repeats a key, or holds one that does (``repeated``: the first such key)."""

    repeated = ""


def _carried(value: Any) -> str:
    if isinstance(value, _Repeats):
        return value.repeated
    if isinstance(value, list):
        return next(filter(None, map(_carried, value)), "")
    return ""


def _first_repeat(pairs: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    return ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    key = _first_repeat(pairs) if len(out) < len(pairs) else ""
    key = key or next(filter(None, map(_carried, out.values())), "")
    if key:
        out = _Repeats(out)
        out.repeated = key
    return out


def _marks(text: bytes) -> int:
    """How many quotes are followed by a colon, whitespace between them allowed (numpy: a chunk of JSON Lines is
    tens of megabytes, and a regular expression takes four times as long)."""
    a = np.frombuffer(text, dtype=np.uint8)
    at = np.flatnonzero(a[:-1] == _QUOTE) + 1
    after = a[at]
    marks = int(np.count_nonzero(after == _COLON))
    at = at[np.isin(after, _SPACES)]
    while len(at):  # quotes followed by whitespace (indented JSON): step over it, a byte at a time
        at = at + 1
        at = at[at < len(a)]
        after = a[at]
        marks += int(np.count_nonzero(after == _COLON))
        at = at[np.isin(after, _SPACES)]
    return marks


def _same_marks(text: bytes, parsed: Any) -> bool:
    return b"\\u" not in text and _marks(text) == orjson.dumps(parsed).count(_WRITTEN_MARK)


def _reparsed(text: bytes) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_pairs)
    except ValueError:  # what orjson read, the standard library should too; if not, there is no key to name
        return None


def repeated_keys(texts: Sequence[bytes], records: Sequence[Any]) -> dict[int, str]:
    """Index → repeated key, for each record (orjson's parse of the JSON Lines text at the same index) whose text
    repeats a key in one of its objects; the common case, none, costs one count over all the texts."""
    if not texts or _same_marks(b"\n".join(texts), records):
        return {}
    out = {}
    for i, (text, record) in enumerate(zip(texts, records)):
        key = "" if _same_marks(text, record) else _carried(_reparsed(text))
        if key:
            out[i] = key
    return out


def repeated_in_document(text: bytes, parsed: Any) -> dict[int, str]:
    """Index → repeated key, per record of a JSON document (a list of records, or an object with a ``records``
    list: ``parsed`` is orjson's reading of ``text``)."""
    if _same_marks(text, parsed):
        return {}
    again = _reparsed(text)
    if isinstance(again, dict) and isinstance(again.get("records"), list):
        again = again["records"]
    if not isinstance(again, list):
        return {}
    return {i: key for i, key in enumerate(map(_carried, again)) if key}


def message(key: str) -> str:
    return f"key {key!r} appears twice in one object (a key may appear once: which value is meant cannot be told)"
