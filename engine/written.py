"""A field's text as the evidence file wrote it, read back for a message that quotes it.

Tables keep instants as epoch seconds, so that a million tickets load in seconds (issue 8); keeping every
timestamp's text as well would cost that load memory and time for the few values a message quotes. A check that
found a problem asks here instead: the document is read again, once per question, and only the records named are
parsed. A user then finds ``2026-03-02T09:00:00+01:00`` in the export as the message quotes it, not the same
instant in UTC.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import orjson

from .errors import ProblemCollector
from .readers import BOM, CsvOptions, read_records

_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class WrittenDocument:
    """One document of a bundle, as the manifest lists it: enough to read its records again."""

    path: Path
    fmt: str
    schema: dict
    csv_options: CsvOptions

    def texts(self, wanted: Sequence[tuple[str, str]]) -> list[str | None]:
        """The text at each ``(record label, JSON path)`` of ``wanted``, e.g. ``("line 12", "$.events[0].at")``
        with the labels the loaders gave; None where the document can no longer be read or holds no text there."""
        labels = {label for label, _ in wanted}
        try:
            raw = self.path.read_bytes()
        except OSError:
            return [None] * len(wanted)
        records = self._records(raw, labels)
        return [_text_at(records.get(label), path) for label, path in wanted]

    def _records(self, raw: bytes, labels: set[str]) -> dict[str, Any]:
        if self.fmt == "jsonl":  # only the lines named are parsed, numbered as the loaders number them
            lines = raw.removeprefix(BOM).splitlines()
            found = {}
            for label in labels:
                try:
                    found[label] = orjson.loads(lines[int(label.removeprefix("line ")) - 1])
                except (ValueError, IndexError):  # orjson.JSONDecodeError is a ValueError
                    continue
            return found
        schema = self.schema
        if self.fmt == "csv":  # every cell as text: a Dutch "31-12-2026 17:05" stays as written, not converted
            schema = {**schema, "properties": {k: {"type": ["string", "null"]} for k in schema.get("properties", {})}}
        return {label: rec for label, rec in read_records(raw, self.fmt, str(self.path), ProblemCollector(), schema,
                                                           self.csv_options) if label in labels}


def _text_at(record: Any, path: str) -> str | None:
    node = record
    for name, index in _STEP.findall(path.removeprefix("$")):
        try:
            node = node[int(index)] if index else node[name]
        except (KeyError, IndexError, TypeError):
            return None
    return node if isinstance(node, str) else None
