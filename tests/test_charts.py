"""Hand-written SVG trend charts: well-formed, deterministic, one panel per clause, gaps where there is no value."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from engine.charts import trend_svg

NS = "{http://www.w3.org/2000/svg}"
ROW = {"rule": "T2-backlog-age", "cells": [{"period": p, "status": s} for p, s in
                                          (("2026-01", "PASS"), ("2026-02", "NO-DATA"), ("2026-03", "FAIL"), ("2026-04", "PASS"))],
       "clauses": [{"id": "share", "unit": "%", "op": "<=", "values": [1.0, None, 7.5, 2.0], "thresholds": [5, None, 5, 5]},
                   {"id": "count", "unit": "tickets", "op": "<=", "values": [3, None, 25, 4], "thresholds": [20, None, 20, 20]}]}
PERIODS = ["2026-01", "2026-02", "2026-03", "2026-04"]


def test_svg_is_well_formed_and_deterministic():
    a = trend_svg(ROW, PERIODS, "T2-backlog-age – Backlog <ouderdom> & co")
    assert a == trend_svg(ROW, PERIODS, "T2-backlog-age – Backlog <ouderdom> & co")
    root = ET.fromstring(a)
    assert root.tag == NS + "svg" and root.find(NS + "title").text == "T2-backlog-age – Backlog <ouderdom> & co"


def test_points_coloured_by_status_and_a_gap_for_missing_values():
    root = ET.fromstring(trend_svg(ROW, PERIODS, "t"))
    circles = root.findall(NS + "circle")
    assert len(circles) == 6  # 3 values per clause, 2 clauses
    assert [c.get("fill") for c in circles[:3]] == ["#198754", "#dc3545", "#198754"]
    assert circles[1].find(NS + "title").text == "2026-03: 7.5 (FAIL)"
    dashes = [t for t in root.findall(NS + "text") if t.text == "–"]
    assert len(dashes) == 2 and dashes[0].get("fill") == "#ffc107"
    value_lines = [p for p in root.findall(NS + "polyline") if p.get("stroke") == "#0d6efd"]
    assert len(value_lines) == 2  # per clause only 2026-03 → 2026-04 is a run of two consecutive values
    assert [t.text for t in root.findall(NS + "text")][-4:] == PERIODS


def test_threshold_is_a_dashed_line_at_the_norm():
    row = {"rule": "x", "cells": [{"period": "a", "status": "PASS"}, {"period": "b", "status": "PASS"}],
           "clauses": [{"id": "c", "unit": "%", "op": ">=", "values": [90.0, 100.0], "thresholds": [95, 95]}]}
    root = ET.fromstring(trend_svg(row, ["a", "b"], "x"))
    dashed = [p for p in root.findall(NS + "polyline") if p.get("stroke-dasharray")]
    ys = {pt.split(",")[1] for pt in dashed[0].get("points").split()}
    assert len(ys) == 1  # a constant norm is one flat line
    lo, hi = 89.0, 101.0  # values 90..100 padded by 10 %
    expected = 28 + 96 - (95 - lo) / (hi - lo) * 96
    assert ys == {f"{expected:.1f}"}


def test_escape_is_saxutils_escape_without_its_import():
    from xml.sax.saxutils import escape as reference

    from engine.charts import escape
    for text in ("", "plain", "a & b", "<x>", "&amp;", "&lt;&gt;", "R&D <= 95 % > 90 %", "'\"é"):
        assert escape(text) == reference(text)
