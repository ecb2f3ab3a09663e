"""Period arithmetic: parsing, cadence periods inside a span, aggregate views, "not due" markers, meetings."""
from __future__ import annotations

from datetime import date

import pytest

from engine.audit import _not_due, _periods_for
from engine.errors import PeriodError
from engine.model import Cadence
from engine.periods import meeting_for, meeting_periods, overlapping, parse_period, sub_periods, views
from golden.golden_bundle import catalogue as golden_catalogue


def labels(periods):
    return [p.label for p in periods]


@pytest.mark.parametrize("text, first, last, kind", [
    ("2026-09", date(2026, 9, 1), date(2026, 9, 30), "month"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
    ("2026-q3", date(2026, 7, 1), date(2026, 9, 30), "quarter"),
    ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
    ("2026-01..2026-12", date(2026, 1, 1), date(2026, 12, 31), "range"),
    ("2025-11..2026-Q1", date(2025, 11, 1), date(2026, 3, 31), "range"),
    (" 2026-12 ", date(2026, 12, 1), date(2026, 12, 31), "month"),
])
def test_parse(text, first, last, kind):
    p = parse_period(text)
    assert (p.first, p.last, p.kind) == (first, last, kind)


@pytest.mark.parametrize("text, message", [
    ("2026-13", "'2026-13' is not a period"),
    ("2026-Q5", "'2026-Q5' is not a period"),
    ("26-09", "'26-09' is not a period"),
    ("2026-09..2026-01", "the range ends before it starts"),
    ("0000", "'0000' is out of range (expected a period between 1970 and 2199)"),
    ("9999-12", "'9999-12' is out of range (expected a period between 1970 and 2199)"),
    ("9999-Q4", "'9999-Q4' is out of range (expected a period between 1970 and 2199)"),
    ("2026-09..9999-12", "'9999-12' is out of range (expected a period between 1970 and 2199)"),
    ("1969-12", "'1969-12' is out of range (expected a period between 1970 and 2199)"),
    ("2200", "'2200' is out of range (expected a period between 1970 and 2199)"),
    ("2026-01..", "'' is not a period"),
])
def test_bad_periods_are_located_errors(text, message):
    with pytest.raises(PeriodError) as err:
        parse_period(text)
    assert str(err.value).startswith("--period: ") and message in str(err.value)


def test_monthly_kpi_in_a_quarter_gives_three_months_plus_the_quarter_view():
    q3 = parse_period("2026-Q3")
    assert labels(sub_periods(q3, Cadence.MONTHLY)) == ["2026-07", "2026-08", "2026-09"]
    assert labels(views(q3, Cadence.MONTHLY)) == ["2026-07", "2026-08", "2026-09", "2026-Q3"]
    assert labels(views(q3, Cadence.QUARTERLY)) == ["2026-Q3"]  # one period: no separate aggregate view
    assert overlapping(q3, Cadence.MONTHLY) == [] and labels(overlapping(q3, Cadence.YEARLY)) == ["2026"]


def test_per_incident_rules_are_gathered_monthly():
    assert labels(sub_periods(parse_period("2026-Q1"), Cadence.PER_INCIDENT)) == ["2026-01", "2026-02", "2026-03"]


def test_yearly_kpi_in_a_month_is_not_due_and_says_which_period_it_stands_for():
    m = parse_period("2026-09")
    assert sub_periods(m, Cadence.YEARLY) == [] and labels(overlapping(m, Cadence.YEARLY)) == ["2026"]


def test_a_range_across_quarter_borders_holds_only_whole_quarters():
    r = parse_period("2026-02..2026-07")
    assert labels(sub_periods(r, Cadence.QUARTERLY)) == ["2026-Q2"]
    assert labels(overlapping(r, Cadence.QUARTERLY)) == ["2026-Q1", "2026-Q3"]
    assert len(sub_periods(r, Cadence.MONTHLY)) == 6
    assert labels(views(r, Cadence.MONTHLY))[-1] == "2026-02..2026-07"


def test_a_range_over_two_years_has_both_years_and_eight_quarters():
    r = parse_period("2025..2026")
    assert labels(sub_periods(r, Cadence.YEARLY)) == ["2025", "2026"]
    assert len(sub_periods(r, Cadence.QUARTERLY)) == 8 and len(sub_periods(r, Cadence.MONTHLY)) == 24


def test_rule_periods_cadence_first_then_the_span_view():
    cat = golden_catalogue()
    got = [(p.label, c.value if c else None) for p, c in _periods_for(cat.rules["T3-cvss-remediation"], parse_period("2026"))]
    assert got == [("2026-Q1", "quarterly"), ("2026-Q2", "quarterly"), ("2026-Q3", "quarterly"), ("2026-Q4", "quarterly"),
                   ("2026", None)]
    assert _periods_for(cat.rules["T3-cvss-remediation"], parse_period("2026-08")) == []


def test_not_due_markers_name_the_cadence_period_and_carry_the_span_label():
    cat = golden_catalogue()
    marks = [(r.rule_id, r.period, r.not_due, r.status.value) for r in _not_due(cat, parse_period("2026-02..2026-07"))]
    assert marks == [("T3-cvss-remediation", "2026-02..2026-07", "2026-Q1", "NOT-APPLICABLE"),
                     ("T3-cvss-remediation", "2026-02..2026-07", "2026-Q3", "NOT-APPLICABLE")]
    one = _not_due(cat, parse_period("2026-08"))[0]
    assert one.message == "not due in 2026-08: reported quarterly; 2026-Q3 runs 2026-07-01 – 2026-09-30"
    assert not one.primary and not one.deviation


def test_meetings_and_which_meeting_discusses_a_result():
    y = parse_period("2026")
    assert len(meeting_periods(y, "operational")) == 12 and labels(meeting_periods(y, "strategic")) == ["2026"]
    assert meeting_periods(parse_period("2026-Q3"), "strategic") == []
    assert meeting_for(parse_period("2026-Q3"), "operational").label == "2026-09"
    assert meeting_for(parse_period("2026-08"), "tactical").label == "2026-Q3"
    assert meeting_for(parse_period("2026-Q2"), "strategic").label == "2026"
