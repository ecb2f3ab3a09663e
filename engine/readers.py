"""Read evidence documents (JSON, JSON Lines, CSV, YAML) into records, each with where it came from.

A record's location is the line (JSON Lines, CSV) or the index (JSON, YAML array) so that every later error
can point at it. CSV is read as Dutch Excel saves it when the manifest says so (``;``, decimal comma, BOM).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import orjson

from .errors import Problem, ProblemCollector
from .yamlio import load_yaml_text


@dataclass(frozen=True)
class CsvOptions:
    delimiter: str = ","
    decimal: str = "."


def _decode(raw: bytes, source: str, problems: ProblemCollector) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(Problem(source, f"not UTF-8 text (byte {exc.start}: {exc.reason}); export as UTF-8"))
        return None


def read_records(raw: bytes, fmt: str, source: str, problems: ProblemCollector, schema: dict,
                 csv_options: CsvOptions | None = None) -> Iterator[tuple[str, Any]]:
    """Yield ``(location, record)`` pairs; unreadable parts are added to ``problems``."""
    if fmt == "jsonl":
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield f"line {n}", orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                problems.add(Problem(source, f"not valid JSON: {exc}", record=f"line {n}"))
        return
    if fmt in ("json", "yaml"):
        if fmt == "json":
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                problems.add(Problem(source, f"not valid JSON: {exc}"))
                return
        else:
            text = _decode(raw, source, problems)
            if text is None:
                return
            try:
                data = load_yaml_text(text, source)
            except Exception as exc:  # InputError with its own location
                for p in getattr(exc, "problems", [str(exc)]):
                    problems.add(p if isinstance(p, Problem) else Problem(source, str(p)))
                return
        if isinstance(data, dict) and isinstance(data.get("records"), list):
            data = data["records"]
        if not isinstance(data, list):
            problems.add(Problem(source, "expected a list of records (or an object with a 'records' list)"))
            return
        for i, rec in enumerate(data):
            yield f"record {i}", rec
        return
    if fmt == "csv":
        text = _decode(raw, source, problems)
        if text is not None:
            yield from _read_csv(text, source, problems, schema, csv_options or CsvOptions())
        return
    problems.add(Problem(source, f"unknown format {fmt!r}"))


def _types(prop: dict) -> set[str]:
    t = prop.get("type")
    if t is None and "anyOf" in prop:
        return {x.get("type", "string") for x in prop["anyOf"] if isinstance(x, dict)} | (
            {"string"} if any("$ref" in x for x in prop["anyOf"]) else set())
    if t is None:
        return {"string"}
    return set(t) if isinstance(t, list) else {t}


def _read_csv(text: str, source: str, problems: ProblemCollector, schema: dict,
              opts: CsvOptions) -> Iterator[tuple[str, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=opts.delimiter)
    try:
        header = next(reader)
    except StopIteration:
        problems.add(Problem(source, "the CSV file is empty (no header row)"))
        return
    header = [h.strip() for h in header]
    props: dict = schema.get("properties", {})
    unknown = [h for h in header if h not in props]
    missing = [r for r in schema.get("required", []) if r not in header and _types(props.get(r, {})) != {"array"}]
    if unknown:
        problems.add(Problem(source, f"unknown column(s) {', '.join(unknown)}; expected columns from: "
                                     f"{', '.join(props)}", record="line 1"))
    if missing:
        problems.add(Problem(source, f"missing required column(s): {', '.join(missing)}", record="line 1"))
    if unknown or missing:
        return
    for n, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.add(Problem(source, f"has {len(row)} fields, the header has {len(header)}"
                                         + (" (is the delimiter right? the manifest says "
                                            f"{opts.delimiter!r})" if len(row) == 1 else ""), record=f"line {n}"))
            continue
        rec: dict[str, Any] = {}
        for name, cell in zip(header, row):
            rec[name] = _coerce(cell, _types(props[name]), opts)
        yield f"line {n}", rec


def _coerce(cell: str, types: set[str], opts: CsvOptions) -> Any:
    cell = cell.strip()
    if cell == "":
        return None if "null" in types else ([] if "array" in types else cell)
    if types & {"number", "integer"}:
        num = cell.replace(opts.decimal, ".") if opts.decimal != "." else cell
        try:
            value = float(num)
            return int(value) if "integer" in types and value.is_integer() and "number" not in types else value
        except ValueError:
            return cell  # the schema check names it
    if "boolean" in types:
        low = cell.lower()
        if low in ("true", "ja", "yes", "1"):
            return True
        if low in ("false", "nee", "no", "0"):
            return False
        return cell
    if "array" in types:
        return [x.strip() for x in cell.split("|") if x.strip()]
    return cell


def read_bytes(path: Path) -> bytes:
    return path.read_bytes()
