"""Read evidence documents (JSON, JSON Lines, CSV, YAML) into records, each with where it came from.

A record's location is the line (JSON Lines, CSV: the line the record starts on) or the index (JSON, YAML array)
so that every later error can point at it. Unreadable parts become located problems, never exceptions.

CSV is read as Excel saves it, with the manifest's ``csv`` options: ``delimiter`` (``;`` for Dutch Excel),
``decimal`` (``,`` for ``8,1``) and ``date_format`` (``dd-mm-yyyy`` for ``31-12-2026 17:05``); a UTF-8 BOM,
CRLF line ends and quoted cells with embedded newlines are accepted. Cells are typed from the kind's JSON Schema:
an empty cell is null (or ``[]``), a list of strings is written ``a|b``, booleans as true/false, ja/nee or
WAAR/ONWAAR. A kind whose records hold lists of records (a ticket's events) cannot be a CSV file and is refused.
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Iterator

import orjson

from . import jsonkeys
from .errors import Problem, ProblemCollector
from .yamlio import load_yaml_text

BOM = b"\xef\xbb\xbf"
_TYPE_NAMES = {dict: "an object", str: "text", int: "a number", float: "a number", bool: "true/false",
               type(None): "nothing"}
_MAX_SHOWN = 60


@dataclass(frozen=True)
class CsvOptions:
    delimiter: str = ","
    decimal: str = "."
    date_format: str = "iso"


def shown(value: Any) -> str:
    """A found value for a message: its repr, shortened so one bad cell cannot flood the output."""
    text = "null" if value is None else ("true" if value is True else ("false" if value is False else repr(value)))
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN - 1] + "…"


def _decode(raw: bytes, source: str, problems: ProblemCollector) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.add(Problem(source, f"not UTF-8 text (byte {exc.start}: {exc.reason}); export as UTF-8",
                             record=f"line {line}"))
        return None


NEWLINE = b"\n"
_PARSER_AT = re.compile(r": line (\d+) column (\d+) \(char \d+\)$")


def json_problem(text: bytes, exc: Exception, source: str, line: int | None = None, offset: int = 0) -> Problem:
    """Why a JSON document (``line`` None) or line ``line`` of a JSON Lines one cannot be parsed. Bytes that are no
    UTF-8 are said to be so (orjson calls them "surrogates not allowed"); the parser's position becomes the
    document's line and column, and within one JSON Lines line its column alone (the parser's "line 1" is the
    line's own). ``offset``: bytes before ``text`` in the file (a byte-order mark)."""
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as bad:
        if line is None:
            where, byte = f"line {text.count(NEWLINE, 0, bad.start) + 1}", f"byte {offset + bad.start}"
        else:
            where, byte = f"line {line}", f"byte {bad.start} of the line"
        return Problem(source, f"not UTF-8 text ({byte}: {bad.reason}); export as UTF-8", record=where)
    message, where = str(exc), None if line is None else f"line {line}"
    if m := _PARSER_AT.search(message):
        message = f"{message[:m.start()]}: column {m.group(2)}"
        where = f"line {line if line is not None else m.group(1)}"
    return Problem(source, f"not valid JSON: {message}", record=where)


def read_records(raw: bytes, fmt: str, source: str, problems: ProblemCollector, schema: dict,
                 csv_options: CsvOptions | None = None) -> Iterator[tuple[str, Any]]:
    """Yield ``(location, record)`` pairs; unreadable parts are added to ``problems``. A location is what a person
    finds in the file: "line 12" (JSON Lines, CSV), "record 3" (the third record of a JSON or YAML list, counted
    from 1 as lines are)."""
    bom = len(BOM) if fmt in ("json", "jsonl") and raw.startswith(BOM) else 0
    raw = raw[bom:]
    if fmt == "jsonl":
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                problems.add(json_problem(line, exc, source, n))
                continue
            repeated = jsonkeys.repeated_keys([line], [record])
            if repeated:
                problems.add(Problem(source, jsonkeys.message(repeated[0]), record=f"line {n}"))
                continue
            yield f"line {n}", record
        return
    if fmt in ("json", "yaml"):
        if fmt == "json":
            try:
                data = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                problems.add(json_problem(raw, exc, source, offset=bom))
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
        repeated = jsonkeys.repeated_in_document(raw, data) if fmt == "json" else {}  # YAML refuses them itself
        if isinstance(data, dict) and isinstance(data.get("records"), list):
            data = data["records"]
        if not isinstance(data, list):
            problems.add(Problem(source, f"found {_TYPE_NAMES.get(type(data), type(data).__name__)}, "
                                         "expected a list of records (or an object with a 'records' list)"))
            return
        for i, rec in enumerate(data):
            if i in repeated:
                problems.add(Problem(source, jsonkeys.message(repeated[i]), record=f"record {i + 1}"))
                continue
            if fmt == "yaml":
                bad = _non_json(rec, "$")
                if bad:
                    problems.add(Problem(source, bad[1], record=f"record {i + 1}", field=bad[0]))
                    continue
            yield f"record {i + 1}", rec
        return
    if fmt == "csv":
        text = _decode(raw, source, problems)
        if text is not None:
            yield from _read_csv(text, source, problems, schema, csv_options or CsvOptions())
        return
    problems.add(Problem(source, f"unknown format {fmt!r}"))


def _non_json(value: Any, path: str) -> tuple[str, str] | None:
    """YAML can build values JSON cannot hold (binary, sets, non-string keys, .nan, .inf); name the first one."""
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else (path, f"found {value}, expected a finite number")
    if isinstance(value, list):
        for i, v in enumerate(value):
            if bad := _non_json(v, f"{path}[{i}]"):
                return bad
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                return path, f"found the key {shown(k)}, expected text keys only"
            if bad := _non_json(v, f"{path}.{k}"):
                return bad
        return None
    return path, f"found a YAML {type(value).__name__} value, expected plain data (text, number, true/false, list)"


# --- CSV -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Column:
    kind: str  # "ts", "date", "num", "int", "bool", "list", "records", "text"
    nullable: bool


def _column(prop: dict) -> _Column:
    branches = prop["anyOf"] if isinstance(prop.get("anyOf"), list) else [prop]
    types: set[str] = set()
    refs = ""
    items_obj = False
    for b in branches:
        if not isinstance(b, dict):
            continue
        refs += b.get("$ref", "")
        t = b.get("type")
        types |= set(t) if isinstance(t, list) else ({t} if t else set())
        items = b.get("items")
        items_obj = items_obj or (isinstance(items, dict) and (items.get("type") == "object" or "properties" in items))
    nullable = "null" in types
    if refs.endswith("/timestamp") or "/timestamp" in refs:
        return _Column("ts", nullable)
    if "/date" in refs:
        return _Column("date", nullable)
    if "array" in types:
        return _Column("records" if items_obj else "list", nullable)
    if "object" in types:
        return _Column("records", nullable)
    if "number" in types:
        return _Column("num", nullable)
    if "integer" in types:
        return _Column("int", nullable)
    if "boolean" in types:
        return _Column("bool", nullable)
    return _Column("text", nullable)


def csv_columns(schema: dict) -> dict[str, _Column]:
    return {name: _column(prop) for name, prop in schema.get("properties", {}).items()}


def _read_csv(text: str, source: str, problems: ProblemCollector, schema: dict,
              opts: CsvOptions) -> Iterator[tuple[str, Any]]:
    columns = csv_columns(schema)
    required = schema.get("required", [])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=opts.delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        problems.add(Problem(source, "the CSV file is empty (no header row)"))
        return
    except csv.Error as exc:
        problems.add(Problem(source, f"not readable as CSV: {exc}", record="line 1"))
        return
    header = [h.strip() for h in header]
    nested = [name for name, c in columns.items() if c.kind == "records" and (name in required or name in header)]
    if nested:
        kind = schema.get("title", "these records")
        problems.add(Problem(source, f"{kind} cannot be read from CSV: {', '.join(nested)} holds a list of records "
                                     "per row, which a CSV cell cannot; export this kind as JSON Lines or JSON"))
        return
    unknown = [h or "(empty header)" for h in header if h not in columns]
    doubled = sorted({h for h in header if h and header.count(h) > 1})
    missing = [r for r in required if r not in header]
    if unknown:
        hint = ""
        if len(header) == 1 and any(d in header[0] for d in ",;\t" if d != opts.delimiter):
            hint = f" (is the delimiter right? the manifest says {opts.delimiter!r})"
        problems.add(Problem(source, f"unknown column(s) {', '.join(unknown)}{hint}; expected columns from: "
                                     f"{', '.join(columns)}", record="line 1"))
    if doubled:
        problems.add(Problem(source, f"column(s) {', '.join(doubled)} appear more than once", record="line 1"))
    if missing:
        problems.add(Problem(source, f"missing required column(s): {', '.join(missing)}", record="line 1"))
    if unknown or missing or doubled:
        return
    specs = [columns[h] for h in header]
    id_at = header.index(schema.get("x-record-id", "id")) if schema.get("x-record-id", "id") in header else None
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(Problem(source, f"not readable as CSV: {exc}", record=f"line {start}"))
            return
        n, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        rid = row[id_at].strip() if id_at is not None and id_at < len(row) else ""
        where = f"line {n} ({rid})" if rid else f"line {n}"  # as a refused record of JSON is named
        if len(row) != len(header):
            hint = f" (is the delimiter right? the manifest says {opts.delimiter!r})" if len(row) == 1 else ""
            problems.add(Problem(source, f"has {len(row)} fields, the header has {len(header)}{hint}",
                                 record=where if len(row) > 1 else f"line {n}"))
            continue
        rec: dict[str, Any] = {}
        ok = True
        for name, spec, cell in zip(header, specs, row):
            try:
                rec[name] = _coerce(cell.strip(), spec, opts)
            except ValueError as exc:
                problems.add(Problem(source, str(exc), record=where, field=f"$.{name}"))
                ok = False
        if ok:
            yield f"line {n}", rec


_NUMBER = {".": re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"),
           ",": re.compile(r"[+-]?(\d+(,\d*)?|,\d+)")}
_TRUE = {"true", "ja", "yes", "waar", "1"}
_FALSE = {"false", "nee", "no", "onwaar", "0"}
_DUTCH = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_NUM_LIMIT = 1e15
_WANT = {"num": "a number", "int": "a whole number", "bool": "true or false", "ts": "a timestamp", "date": "a date"}


def _coerce(cell: str, spec: _Column, opts: CsvOptions) -> Any:
    """One CSV cell as the schema's type; ``ValueError`` says what was found and what was expected."""
    if cell == "":
        if spec.kind in ("list", "text"):
            return [] if spec.kind == "list" else ("" if not spec.nullable else None)
        if not spec.nullable:
            raise ValueError(f"found an empty cell, expected {_WANT[spec.kind]}")
        return None
    if spec.kind in ("num", "int"):
        if not _NUMBER[opts.decimal].fullmatch(cell):
            other = "," if opts.decimal == "." else "."
            hint = (f"; is csv.decimal {other!r} missing from the manifest?" if _NUMBER[other].fullmatch(cell)
                    else "")
            raise ValueError(f"found {shown(cell)}, expected a number with decimal separator "
                             f"{opts.decimal!r} and no thousands separator{hint}")
        value = float(cell.replace(",", ".")) if opts.decimal == "," else float(cell)
        if not math.isfinite(value) or abs(value) > _NUM_LIMIT:
            raise ValueError(f"found {shown(cell)}, expected a number of at most 10^15 in magnitude")
        return int(value) if spec.kind == "int" and value.is_integer() else value
    if spec.kind == "bool":
        low = cell.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"found {shown(cell)}, expected true/false (or ja/nee, WAAR/ONWAAR, 1/0)")
    if spec.kind == "list":
        return [x.strip() for x in cell.split("|") if x.strip()]
    if spec.kind in ("ts", "date"):
        return _date_cell(cell, spec.kind, opts.date_format)
    return cell


def _date_cell(cell: str, kind: str, date_format: str) -> str:
    m = _DUTCH.fullmatch(cell)
    if date_format == "iso":
        if m:
            raise ValueError(f"found {shown(cell)}, expected an ISO 8601 {'date' if kind == 'date' else 'timestamp'}"
                             " (declare csv.date_format: dd-mm-yyyy in the manifest for Dutch dates)")
        return cell
    want = "dd-mm-yyyy" if kind == "date" else "dd-mm-yyyy hh:mm[:ss]"
    if not m or (kind == "date") != (m.group(4) is None):
        raise ValueError(f"found {shown(cell)}, expected {want} as the manifest declares (csv.date_format)")
    d, mo, y, h, mi, s = (int(g) if g else 0 for g in m.groups())
    try:
        datetime(y, mo, d, h, mi, s)
    except ValueError as exc:
        raise ValueError(f"found {shown(cell)}, expected a valid {want} ({exc})") from None
    if kind == "date":
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}"


# --- schema messages -------------------------------------------------------------------------------------------

def schema_message(error: Any) -> str:
    """A jsonschema error as "found X, expected Y", with the found value shortened and alternatives explained."""
    v, vv, inst = error.validator, error.validator_value, error.instance
    s = error.schema if isinstance(error.schema, dict) else {}
    if v in ("anyOf", "oneOf") and error.context:
        nullable = any(isinstance(b, dict) and b.get("type") == "null" for b in vv)
        inner = [e for e in error.context if e.validator != "type"]
        if inner:  # the value has the type of one alternative but breaks its constraint: say which
            return schema_message(inner[0]) + (" (or null)" if nullable else "")
        wanted = []
        for e in error.context:
            d = e.schema.get("description") if isinstance(e.schema, dict) else None
            wanted.append(_a(d) if d else (" or ".join(e.validator_value) if isinstance(e.validator_value, list)
                                           else str(e.validator_value)))
        return f"found {shown(inst)}, expected {' or '.join(dict.fromkeys(wanted))}"
    if v == "pattern":
        want = _a(s["description"]) if s.get("description") else f"text matching {vv}"
        return f"found {shown(inst)}, expected {want}"
    if v == "type":
        if s.get("description") and ("$ref" in s or "pattern" in s):
            return f"found {shown(inst)}, expected {_a(s['description'])}"
        return f"found {shown(inst)}, expected {' or '.join(vv) if isinstance(vv, list) else vv}"
    if v == "required" and (m := re.fullmatch(r"(.+) is a required property", error.message)):
        return f"missing required field {m[1]}"
    if v == "enum":
        return f"found {shown(inst)}, expected one of {', '.join(map(str, vv))}"
    bounds = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
              "exclusiveMaximum": "less than"}
    if v in bounds:
        return f"found {shown(inst)}, expected {bounds[v]} {vv}"
    if v in ("minLength", "maxLength"):
        return f"found {shown(inst)}, expected {'at least' if v == 'minLength' else 'at most'} {vv} character(s)"
    if v in ("minItems", "maxItems"):
        return f"found {len(inst)} item(s), expected {'at least' if v == 'minItems' else 'at most'} {vv}"
    return error.message if len(error.message) <= 200 else error.message[:199] + "…"


def _a(description: str) -> str:
    return ("an " if description[:1].lower() in "aeiou" else "a ") + description


def read_bytes(path: Path) -> bytes:
    return path.read_bytes()


#: bytes of whole lines per block: enough for both cores to parse, small enough to keep parsing ahead
BLOCK = 1 << 24


def blocks(fh: BinaryIO, hasher: Any, size: int = BLOCK, start: int | None = None) -> Iterator[bytes]:
    """The file in blocks of whole lines (a byte-order mark dropped); every byte also feeds ``hasher``. With
    ``start``, the reads begin at that size and double up to ``size``: the first block is ready for its parser
    sooner, and a small file still spreads over several parsing threads."""
    carry = b""
    first = True
    step = min(start or size, size)
    while True:
        chunk = fh.read(step)
        step = min(step * 2, size)
        if not chunk:
            break
        hasher.update(chunk)
        if first:
            chunk = carry + chunk
            carry = b""
            if len(chunk) < len(BOM) and BOM.startswith(chunk):
                carry = chunk
                continue
            chunk = chunk[len(BOM):] if chunk.startswith(BOM) else chunk
            first = False
        cut = chunk.rfind(b"\n") + 1
        if cut == 0:
            carry += chunk
            continue
        view = memoryview(chunk)
        yield chunk if not carry and cut == len(chunk) else b"".join((carry, view[:cut]))  # one copy at most
        carry = bytes(view[cut:])
    if carry:
        yield carry
