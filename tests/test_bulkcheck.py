"""The bulk fast path gives the same verdict as jsonschema (plus timestamp/date conversion), record by record,
on every document kind's schema, for sample records and many corruptions of them."""
from __future__ import annotations

import copy
import json
import random

import jsonschema
import pytest

from engine import resources
from engine.bulkcheck import Unsupported, check_columns, compile_record, extract
from engine.bundle import document_schema, known_kinds
from engine.tables import RowError, column_kinds, convert_row
from engine.timeparse import TimeParseError

KINDS = known_kinds()


def _sample_records(kind: str) -> list[dict]:
    bundle = resources.sample_dir() / "bundle"
    manifest = __import__("yaml").safe_load((bundle / "manifest.yaml").read_text(encoding="utf-8"))
    out = []
    for doc in manifest["documents"]:
        if doc["kind"] != kind:
            continue
        text = (bundle / doc["path"]).read_text(encoding="utf-8")
        if doc["format"] == "jsonl":
            out += [json.loads(line) for line in text.splitlines() if line.strip()]
        elif doc["format"] == "json":
            data = json.loads(text)
            out += data["records"] if isinstance(data, dict) else data
    return out[:40]


_ODD = [None, "", "x", 0, -1, 1.5, 11, True, [], {}, "2026-02-30T10:00:00+01:00", "2026-03-06T17:55:00",
        "2026-03-06", "1969-12-31T23:00:00Z", "2026-03-06T17:55:00.5+01:00", "P9", 1e308]


def _corrupt(rec: dict, rng: random.Random, schema: dict) -> dict:
    rec = copy.deepcopy(rec)
    keys = list(rec) or ["id"]
    action = rng.randrange(5)
    key = rng.choice(keys)
    if action == 0:
        rec.pop(key, None)
    elif action == 1:
        rec[key] = rng.choice(_ODD)
    elif action == 2:
        rec["unexpected_" + str(rng.randrange(3))] = 1
    elif action == 3:
        for k, v in rec.items():
            if isinstance(v, list) and v and isinstance(v[0], dict):
                item = rng.choice(v)
                ik = rng.choice(list(item))
                item[ik] = rng.choice(_ODD)
                break
        else:
            rec[key] = rng.choice(_ODD)
    else:
        optional = [k for k in schema.get("properties", {}) if k not in schema.get("required", [])]
        if optional:
            rec[rng.choice(optional)] = rng.choice(_ODD)
    return rec


def _truth(rec, validator, kinds) -> bool:
    if not validator.is_valid(rec):
        return False
    try:
        convert_row(rec, kinds, None)
    except (RowError, TimeParseError):
        return False
    for value in rec.values():  # nested timestamps (ticket events) must parse too
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and isinstance(item.get("at"), str):
                    from engine.timeparse import parse_ts
                    try:
                        parse_ts(item["at"], None)
                    except TimeParseError:
                        return False
    return True


@pytest.mark.parametrize("kind", KINDS)
def test_bulk_verdict_equals_jsonschema_verdict(kind):
    schema = document_schema(kind)
    try:
        plan = compile_record(schema)
    except Unsupported:
        pytest.skip(f"{kind}: schema outside the bulk subset (uses the per-record path)")
    samples = _sample_records(kind)
    if not samples:
        pytest.skip(f"no sample records of {kind}")
    rng = random.Random(kind)
    records = samples + [_corrupt(rng.choice(samples), rng, schema) for _ in range(400)]
    validator = jsonschema.Draft202012Validator(schema)
    kinds = column_kinds(schema)
    ex = extract(records, plan)
    check_columns(ex, plan, None)
    for i, rec in enumerate(records):
        assert (i not in ex.bad) == _truth(rec, validator, kinds), (kind, rec, ex.bad.get(i))


@pytest.mark.parametrize("kind", KINDS)
def test_compiled_and_interpreted_schema_checks_agree(kind, monkeypatch):
    """The per-record path checks with jsonschema first and fastjsonschema once many records came: same verdicts."""
    import fastjsonschema

    from engine import bundle

    samples = _sample_records(kind)
    if not samples:
        pytest.skip(f"no sample records of {kind}")
    schema = document_schema(kind)
    rng = random.Random("compiled-" + kind)
    records = samples + [_corrupt(rng.choice(samples), rng, schema) for _ in range(150)]
    monkeypatch.setattr(bundle._FirstSlowThenCompiled, "COMPILE_AFTER", len(records) // 2)
    check = bundle._FirstSlowThenCompiled(schema, jsonschema.Draft202012Validator(schema))
    validator = jsonschema.Draft202012Validator(schema)
    for rec in records:
        try:
            check(rec)
            ok = True
        except fastjsonschema.JsonSchemaException:
            ok = False
        assert ok == validator.is_valid(rec), rec
    assert check._fast is not None  # the second half went through the compiled check


@pytest.mark.parametrize("kind, key, value, change", [
    ("workplace_requests", "status", "ready", {"ready_at": None}),
    ("workplace_requests", "status", "ready", {"ready_at": "MISSING"}),
    ("workplace_requests", "status", "open", {"ready_at": None}),
    ("outages", "service", "network", {"location": "MISSING"}),
    ("outages", "service", "network", {"location": None}),
    ("outages", "service", "network", {"location": ""}),
    ("outages", "service", "m365", {"location": None}),
])
def test_conditional_keys_get_jsonschemas_verdict(kind, key, value, change):
    """allOf/if/then (a status or service that makes a key required or non-null): both bulk paths agree with
    jsonschema, record by record."""
    from engine import arrowload
    from tests.test_arrowload import _block, _plans, _take

    schema = document_schema(kind)
    base = [r for r in _sample_records(kind) if r.get(key) == value] or [dict(_sample_records(kind)[0], **{key: value})]
    rec = copy.deepcopy(base[0])
    for k, v in change.items():
        rec.pop(k, None) if v == "MISSING" else rec.__setitem__(k, v)
    want = jsonschema.Draft202012Validator(schema).is_valid(rec)
    try:
        plan = compile_record(schema)
    except Unsupported:
        pytest.skip(f"{kind}: schema outside the bulk subset for another reason")
    ex = extract([rec], plan)
    check_columns(ex, plan, None)
    assert (0 not in ex.bad) == want, ex.bad
    plan, cplan = _plans(kind)
    try:
        _take(_block([rec], random.Random(1)), kind, schema, plan, cplan)
        taken = True
    except arrowload.Refused:
        taken = False
    assert not taken or want  # the columnar path never takes what the schema refuses
