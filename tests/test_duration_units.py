"""One table of per-record time units: every measure, the explanation and the duration text read it."""
from __future__ import annotations

from engine.measures import incidents, support
from engine.measures.common import DURATION_UNITS, TIME_LIMIT_SCHEMA, fmt_duration, fmt_durations, limit_seconds
from engine.model import PerRecordLimit


def test_each_unit_its_seconds_and_clock():
    assert {u: (d.seconds, d.clock) for u, d in DURATION_UNITS.items()} == {
        "min": (60, "clock"), "h": (3600, "clock"), "business_min": (60, "business"), "business_h": (3600, "business")}
    assert limit_seconds(PerRecordLimit("<=", 1.5, "business_h")) == 5400.0
    assert limit_seconds(PerRecordLimit("<=", 30, "min")) == 1800.0


def test_the_rule_parameters_accept_exactly_those_units():
    assert TIME_LIMIT_SCHEMA["properties"]["unit"]["enum"] == ["min", "h", "business_min", "business_h"]
    found = [s for d in incidents.DEFS + support.DEFS for s in _nested(d.params_schema) if s is TIME_LIMIT_SCHEMA]
    assert len(found) == 2  # containment_time's limits and multi-party coordination's coordinate_within


def test_durations_read_in_the_units_minutes_or_hours():
    assert fmt_duration(5430, "min") == "90 min"
    assert fmt_duration(5430, "business_min") == "90 min (business)"
    assert fmt_duration(18000, "h") == "5.00 h"
    assert fmt_durations([18000, 14401], "business_h") == ["5.00 h (business)", "4.00 h (business)"]


def _nested(schema):
    if isinstance(schema, dict):
        yield schema
        for v in schema.values():
            yield from _nested(v)
    elif isinstance(schema, list):
        for v in schema:
            yield from _nested(v)
