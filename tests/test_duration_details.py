"""A duration breach's detail, from the period's arrays: in bulk at the breaching positions, and one at a time (the
path for a repeated record id) — the same text either way."""
from __future__ import annotations

import numpy as np

from engine.measures.tickets import _detail, _details
from engine.model import PerRecordLimit

FAILING = ("first response", PerRecordLimit("<=", 4, "business_h"), np.array([True, False, True, True]),
           np.array([True, True, False, True]), np.array([18000, 100, 36000, 14401], dtype=np.int64))
MINUTES = ("resolution", PerRecordLimit("<=", 90, "min"), np.array([False, True]), np.array([True, True]),
           np.array([60, 5430], dtype=np.int64))


def test_details_at_the_breaching_positions():
    assert _details(FAILING, np.array([0, 2, 3])) == [
        "first response after 5.00 h (business) (limit ≤ 4 h (business))",
        "no first response yet; at as-of 10.00 h (business) (limit ≤ 4 h (business))",
        "first response after 4.00 h (business) (limit ≤ 4 h (business))"]
    assert _details(FAILING, np.array([1])) == [None]  # this duration did not fail there
    assert _details(FAILING, np.array([], dtype=np.int64)) == []
    assert _details(MINUTES, np.array([1])) == ["resolution after 90 min (limit ≤ 90 min)"]


def test_one_at_a_time_gives_the_same_text():
    for failing, positions in ((FAILING, (0, 2, 3)), (MINUTES, (1,))):
        assert [_detail(failing, i) for i in positions] == _details(failing, np.array(positions))


def test_a_limit_is_stated_in_the_words_of_its_figures():
    from engine.measures.common import fmt_limit

    assert fmt_limit("<=", 8, "business_h") == "≤ 8 h (business)"
    assert fmt_limit("<=", 30, "business_min") == "≤ 30 min (business)"
    assert fmt_limit("<=", 0.5, "h") == "≤ 0.5 h"
    assert fmt_limit("<=", 10, "working_days") == "≤ 10 working days"
    assert fmt_limit("<", 14, "calendar_days") == "< 14 calendar days"  # no sign of its own: the symbol itself
