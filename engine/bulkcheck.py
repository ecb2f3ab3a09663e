"""Validate and extract many records at once: the fast path of evidence loading.

A document kind's JSON Schema is compiled into a *plan* (the fields, their types, enums, bounds, nested lists).
Records are then pulled apart into columns with one C-level ``map(record.get, fields)`` each, and the checks run
per column in bulk (set operations over the values' types, enums as set inclusion, bounds and timestamps with
numpy). Only a schema feature outside the plan's subset makes a kind use the slow path (a compiled validator per
record); only the records that fail here are looked at one by one, by jsonschema, for their messages. A
differential test holds this path to jsonschema's verdict record by record.
"""
from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field
from typing import Any, Iterable
from zoneinfo import ZoneInfo

import numpy as np

from .bulktime import parse_many
from .timeparse import NAT, TimeParseError, parse_date


#: what an absent key reads as during extraction, so that an explicit null can be told from it
MISSING = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


class Unsupported(Exception):
    """The schema uses a feature the bulk plan does not cover: use the per-record path."""


_TS_REFS = ("#/$defs/timestamp",)
_DATE_REFS = ("#/$defs/date",)
_SCALAR_KEYS = {"type", "enum", "minimum", "maximum", "minLength", "maxLength", "description", "pattern", "$comment",
                "title", "examples", "default"}


@dataclass
class FieldPlan:
    name: str
    kind: str  # str, num, bool, ts, date, list_str, list_obj, any
    types: frozenset[str] = frozenset()  # JSON types allowed (for str/num/bool/any)
    nullable: bool = False
    enum: frozenset[str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: re.Pattern | None = None
    integer: bool = False
    sub: "RecordPlan | None" = None  # for list_obj
    item: "FieldPlan | None" = None  # for list_str


@dataclass(frozen=True)
class Condition:
    """``allOf: [{if: {properties: {field: {const: value}}, required: [field]}, then: …}]``: where ``field`` is
    ``value``, the keys in ``required`` must be there and the ones in ``non_null`` may not be null (their other
    constraints, e.g. a minimum length, are the field's own)."""

    field: str
    value: str
    required: frozenset[str]
    non_null: frozenset[str]


@dataclass
class RecordPlan:
    fields: tuple[FieldPlan, ...]
    names: tuple[str, ...]
    required: frozenset[str]
    allowed: frozenset[str] | None  # None: additional properties allowed
    strict_optional: frozenset[str] = frozenset()  # optional keys that may not be null when present
    conditions: tuple[Condition, ...] = ()


def _types(node: dict) -> set[str]:
    t = node.get("type")
    if t is None:
        raise Unsupported("no type")
    return set(t) if isinstance(t, list) else {t}


_NOTES = {"description", "title", "$comment", "examples"}


def _field(name: str, node: dict, defs: dict) -> FieldPlan:
    node = {k: v for k, v in node.items() if k not in _NOTES}
    if "$ref" in node and len(node) == 1:
        ref = node["$ref"]
        if ref in _TS_REFS:
            return FieldPlan(name, "ts", pattern=re.compile(defs["timestamp"]["pattern"]))
        if ref in _DATE_REFS:
            return FieldPlan(name, "date", pattern=re.compile(defs["date"]["pattern"]))
        raise Unsupported(ref)
    if "anyOf" in node and set(node) == {"anyOf"}:
        alts = node["anyOf"]
        refs = [a for a in alts if "$ref" in a]
        nulls = [a for a in alts if a == {"type": "null"}]
        if len(refs) == 1 and len(nulls) == 1 and len(alts) == 2:
            plan = _field(name, refs[0], defs)
            plan.nullable = True
            return plan
        raise Unsupported("anyOf")
    if not set(node) <= _SCALAR_KEYS | {"items", "minItems"}:
        raise Unsupported(f"{name}: {sorted(set(node) - _SCALAR_KEYS)}")
    enum = node.get("enum")
    if enum is not None and "type" not in node:
        types = {"string"} | ({"null"} if None in enum else set())
        enum = [e for e in enum if e is not None]
    else:
        types = _types(node)
        if enum is not None:  # null passes only when both the type and the enum allow it
            if None not in enum:
                types -= {"null"}
            enum = [e for e in enum if e is not None]
    nullable = "null" in types
    core = types - {"null"}
    if core == {"array"}:
        items = node.get("items")
        if node.get("minItems") or not isinstance(items, dict):
            raise Unsupported("array")
        if items.get("type") == "object":
            return FieldPlan(name, "list_obj", nullable=nullable, sub=compile_record(items, defs))
        item = _field(name + "[]", items, defs)
        if item.kind not in ("str",) or item.nullable:
            raise Unsupported("array items")
        return FieldPlan(name, "list_str", nullable=nullable, item=item)
    if "items" in node or "minItems" in node:
        raise Unsupported("items")
    if enum is not None:
        if not all(isinstance(e, str) for e in enum) or core - {"string"}:
            raise Unsupported("enum")
    pattern = re.compile(node["pattern"]) if "pattern" in node else None
    if core == {"string"}:
        kind = "str"
    elif core and core <= {"number", "integer"}:
        kind = "num"
    elif core == {"boolean"}:
        kind = "bool"
    elif "pattern" not in node and "minLength" not in node and "maxLength" not in node and enum is None:
        kind = "any"  # a mix of types (e.g. string or integer): only the types are checked
    else:
        raise Unsupported(f"{name}: types {sorted(types)}")
    if (node.get("minimum") is not None or node.get("maximum") is not None) and kind != "num":
        raise Unsupported("bounds on a non-number")
    return FieldPlan(name, kind, frozenset(types), nullable, frozenset(enum) if enum is not None else None,
                     node.get("minimum"), node.get("maximum"), node.get("minLength"), node.get("maxLength"),
                     pattern, integer=core == {"integer"})


def _condition(rule: dict, fields: dict[str, FieldPlan], defs: dict) -> Condition:
    """The one conditional shape the plan covers: a text field equal to a constant makes keys required or
    non-null, each otherwise as the field itself is constrained."""
    when, then = rule.get("if", {}), rule.get("then", {})
    if set(rule) != {"if", "then"} or set(when) != {"properties", "required"} or len(when["properties"]) != 1:
        raise Unsupported("allOf")
    (name, test), = when["properties"].items()
    if when["required"] != [name] or set(test) != {"const"} or not isinstance(test["const"], str) \
            or name not in fields or fields[name].kind != "str" or not set(then) <= {"properties", "required"}:
        raise Unsupported("allOf")
    non_null = set()
    for key, sub in then.get("properties", {}).items():
        own = fields.get(key)
        narrowed = _field(key, sub, defs)
        if own is None or narrowed.nullable or "null" in narrowed.types or own.kind != narrowed.kind or any(
                getattr(narrowed, a) not in (None, getattr(own, a)) for a in ("enum", "minimum", "maximum",
                                                                                "min_length", "max_length")):
            raise Unsupported("allOf narrows more than null")  # only "not null here" is checked in bulk
        if narrowed.pattern is not None and (own.pattern is None or narrowed.pattern.pattern != own.pattern.pattern):
            raise Unsupported("allOf pattern")
        non_null.add(key)
    required = frozenset(then.get("required", ()))
    if not required <= set(fields):
        raise Unsupported("allOf required")
    return Condition(name, test["const"], required, frozenset(non_null))


def compile_record(schema: dict, defs: dict | None = None) -> RecordPlan:
    defs = defs if defs is not None else schema.get("$defs", {})
    extra = set(schema) - {"$schema", "$id", "title", "description", "type", "additionalProperties", "required",
                           "properties", "$defs", "allOf"} - {k for k in schema if k.startswith("x-")}
    if extra or schema.get("type") != "object":
        raise Unsupported(f"object keys {sorted(extra)}")
    props = schema.get("properties", {})
    fields = tuple(_field(n, p, defs) for n, p in props.items())
    addl = schema.get("additionalProperties", True)
    if addl not in (True, False):
        raise Unsupported("additionalProperties schema")
    required = frozenset(schema.get("required", ()))
    strict = frozenset(f.name for f in fields if not f.nullable and f.name not in required and "null" not in f.types)
    by_name = {f.name: f for f in fields}
    conditions = tuple(_condition(rule, by_name, defs) for rule in schema.get("allOf", ()))
    return RecordPlan(fields, tuple(props), required, frozenset(props) if addl is False else None, strict, conditions)


@dataclass
class Extracted:
    """Raw column values (Python lists) of the records that passed the structural checks."""

    n: int
    columns: dict[str, list]
    bad: dict[int, str] = field(default_factory=dict)  # record index -> first problem found (for the slow path)
    nested: dict[str, tuple[list[int], "Extracted"]] = field(default_factory=dict)


def extract(records: Iterable[Any], plan: RecordPlan) -> Extracted:
    """Split records into columns; records that are no object, miss a required key or have an unknown one are
    marked bad (their columns hold None so indexes stay aligned)."""
    rows: list[tuple] = []
    bad: dict[int, str] = {}
    getters = plan.names
    required, allowed = plan.required, plan.allowed
    blank = (None,) * len(getters)
    absent = (MISSING,) * len(getters)  # an absent key reads as MISSING, an explicit null as None
    complete = len(getters)
    take_all = operator.itemgetter(*getters) if complete > 1 else None  # every key there: one C call
    append = rows.append
    for i, rec in enumerate(records):
        if type(rec) is not dict:
            bad[i] = "not an object"
            append(blank)
            continue
        keys = rec.keys()
        if not required <= keys or (allowed is not None and not keys <= allowed):
            bad[i] = "keys"
            append(blank)
            continue
        if take_all is not None and len(rec) == complete and allowed is not None:
            append(take_all(rec))
        else:
            append(tuple(map(rec.get, getters, absent)))
    columns = {name: list(col) for name, col in zip(getters, zip(*rows))} if rows else {n: [] for n in getters}
    out = Extracted(len(rows), columns, bad)
    for f in plan.fields:
        if f.kind == "list_obj":
            owners: list[int] = []
            items: list[Any] = []
            col = columns[f.name]
            for i, lst in enumerate(col):
                if type(lst) is list:
                    owners.extend([i] * len(lst))
                    items.extend(lst)
            sub = extract(items, f.sub)
            for j in sub.bad:
                bad.setdefault(owners[j], f"{f.name}[]")
            out.nested[f.name] = (owners, sub)
    return out


_PY_TYPES = {"string": {str}, "number": {int, float}, "integer": {int, float}, "boolean": {bool},
             "null": {type(None)}, "array": {list}, "object": {dict}}


def check_columns(ex: Extracted, plan: RecordPlan, tz: ZoneInfo | None) -> dict[str, Any]:
    """Check every column in bulk and convert it; returns converted columns and fills ``ex.bad``."""
    n = ex.n
    out: dict[str, Any] = {}

    def flag(mask_ok: np.ndarray, why: str) -> None:
        for i in np.flatnonzero(~mask_ok).tolist():
            ex.bad.setdefault(i, why)

    for c in plan.conditions:  # before absent keys read as None below: here MISSING still tells them apart
        keys = c.required | c.non_null
        for i, v in enumerate(ex.columns[c.field]):
            if v == c.value and type(v) is str:
                for key in keys:
                    got = ex.columns[key][i]
                    if (got is MISSING and key in c.required) or (got is None and key in c.non_null):
                        ex.bad.setdefault(i, f"{key} ({c.field} is {c.value})")

    for f in plan.fields:
        col = ex.columns[f.name]
        if f.name in plan.strict_optional and None in col:  # an explicit null where the schema allows none
            for i in [i for i, v in enumerate(col) if v is None]:
                ex.bad.setdefault(i, f"{f.name}: null")
        if MISSING in col:
            col = [None if v is MISSING else v for v in col]
            ex.columns[f.name] = col
        if f.kind == "ts" or f.kind == "date":
            non_str = [i for i, v in enumerate(col) if v is not None and type(v) is not str] \
                if not set(map(type, col)) <= {str, type(None)} else []
            for i in non_str:
                ex.bad.setdefault(i, f.name)
            if f.kind == "ts":
                odd: list[int] = []
                values, errors = parse_many([None if i in set(non_str) else v for i, v in enumerate(col)] if non_str
                                            else col, tz, one_by_one=odd)
                for i, msg in errors:
                    ex.bad.setdefault(i, f"{f.name}: {msg}")
                # odd shapes went through the one-by-one parser: they must match the schema's pattern too
                for i in odd:
                    if type(col[i]) is str and not f.pattern.search(col[i]):
                        ex.bad.setdefault(i, f.name)
            else:
                values = np.full(n, NAT, dtype=np.int64)
                for i, v in enumerate(col):
                    if type(v) is str:
                        try:
                            if not f.pattern.search(v):
                                raise TimeParseError(f"{v!r} is not a date (YYYY-MM-DD)")
                            values[i] = parse_date(v).toordinal()
                        except TimeParseError as exc:
                            ex.bad.setdefault(i, f"{f.name}: {exc}")
            if not f.nullable:
                flag(values != NAT, f.name)
            out[f.name] = values
            continue
        if f.kind == "list_obj":
            owners, sub = ex.nested[f.name]
            ok_types = {list} | ({type(None)} if f.nullable or f.name not in plan.required else set())
            if not set(map(type, col)) <= ok_types:
                flag(np.fromiter((type(v) in ok_types for v in col), bool, n), f.name)
            sub_cols = check_columns(sub, f.sub, tz)
            for j in sub.bad:
                ex.bad.setdefault(owners[j], f"{f.name}[]")
            out[f.name] = (np.asarray(owners, dtype=np.int64), sub_cols)
            continue
        if f.kind == "list_str":
            ok_types = {list} | ({type(None)} if f.nullable or f.name not in plan.required else set())
            present_ok = np.fromiter((type(v) in ok_types for v in col), bool, n)
            for i, lst in enumerate(col):
                if type(lst) is list and lst:
                    item = f.item
                    if not all(type(x) is str and (item.min_length is None or len(x) >= item.min_length) for x in lst):
                        present_ok[i] = False
            flag(present_ok, f.name)
            out[f.name] = col
            continue
        # scalar columns: an absent optional key reads as None (an explicit null there was caught in extract)
        allowed: set = set()
        for t in f.types:
            allowed |= _PY_TYPES[t]
        if f.nullable or f.name not in plan.required:
            allowed.add(type(None))
        kinds = set(map(type, col))
        if not kinds <= allowed or (f.integer and float in kinds):
            mask = np.fromiter((type(v) in allowed and not (f.integer and type(v) is float and not v.is_integer())
                                for v in col), bool, n)
            flag(mask, f.name)
        if f.enum is not None:  # enums are all text here; other types were flagged above
            try:
                present = set(col)
            except TypeError:  # an unhashable value (already flagged): look at the texts only
                present = {v for v in col if type(v) is str}
            present.discard(None)
            if not present <= f.enum:
                flag(np.fromiter((type(v) is not str or v in f.enum for v in col), bool, n), f.name)
        if f.kind == "str" and f.min_length == 1 and not f.max_length and not f.pattern:
            if "" in col:  # the common "minLength: 1": only an empty text can break it
                for i in [i for i, v in enumerate(col) if v == ""]:
                    ex.bad.setdefault(i, f.name)
        elif f.kind == "str" and (f.min_length or f.max_length or f.pattern):
            for i, v in enumerate(col):
                if type(v) is str and ((f.min_length and len(v) < f.min_length) or
                                       (f.max_length is not None and len(v) > f.max_length) or
                                       (f.pattern is not None and not f.pattern.search(v))):
                    ex.bad.setdefault(i, f.name)
        if f.kind == "num":
            if kinds <= {int, float}:
                arr = np.array(col, dtype=np.float64)
            else:
                arr = np.fromiter((float(v) if type(v) in (int, float) else math.nan for v in col), np.float64, n)
            ok = np.ones(n, dtype=bool)
            if f.minimum is not None:
                ok &= ~(arr < f.minimum)
            if f.maximum is not None:
                ok &= ~(arr > f.maximum)
            if not ok.all():
                flag(ok, f.name)
            out[f.name] = arr
        else:
            arr = np.empty(n, dtype=object)
            arr[:] = col
            out[f.name] = arr
    return out
