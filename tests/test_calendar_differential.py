"""Differential test against businesstimedelta, an independent implementation, on thousands of random intervals.

businesstimedelta needs pytz zones (a zoneinfo zone fails), treats naive datetimes as UTC, reports the total as
``.timedelta`` (``.seconds`` is only the remainder after whole hours) and raises when the holiday list ends before
the query date, so the list is given with a margin. Its ``difference`` ignores order, so we compare |figure|.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

businesstimedelta = pytest.importorskip("businesstimedelta")
pytz = pytest.importorskip("pytz")

from engine.calendar import ServiceCalendar  # noqa: E402

N = 1500  # per organisation
CFG = {
    "timezone": "Europe/Amsterdam",
    "service_window": {d: {"open": "08:00", "close": "18:00"} for d in ("mon", "tue", "wed", "thu", "fri")},
    "span": {"from": "2024-01-01", "to": "2028-12-31"},
    "holidays": {"country": "NL", "categories": ["public"], "add": {"05-05": "Bevrijdingsdag"}},
    "organisations": {"Gemeente Voorbeeld": {"working_holidays": ["Hemelvaartsdag"],
                                             "extra_closed": {"12-24": "Kerstavond"}}},
}


def _btd_rule(cal: ServiceCalendar):
    tz = pytz.timezone("Europe/Amsterdam")
    workday = businesstimedelta.WorkDayRule(start_time=dt.time(8), end_time=dt.time(18),
                                            working_days=[0, 1, 2, 3, 4], tz=tz)
    days = {d for d, _ in cal.holidays_between(dt.date(2023, 1, 1), dt.date(2030, 12, 31))}  # a set: fast `in`
    return businesstimedelta.Rules([workday, businesstimedelta.HolidayRule(days, tz=tz)])


@pytest.mark.parametrize("organisation", [None, "Gemeente Voorbeeld"])
def test_agrees_with_businesstimedelta_on_random_intervals(organisation):
    cal = ServiceCalendar.from_settings(CFG, organisation)
    rule = _btd_rule(cal)
    rng = np.random.default_rng(20260101 if organisation is None else 7)
    lo = int(dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc).timestamp())
    hi = int(dt.datetime(2028, 11, 30, tzinfo=dt.timezone.utc).timestamp())
    start = rng.integers(lo, hi, N)
    # a third end inside the window on the same day, the rest up to 30 days later, some reversed
    length = np.where(rng.random(N) < 0.3, rng.integers(0, 12 * 3600, N), rng.integers(0, 30 * 86400, N))
    length = np.where(rng.random(N) < 0.05, -length, length)
    end = start + length
    ours = cal.business_seconds(start, end)
    utc = dt.timezone.utc
    theirs = np.array([rule.difference(dt.datetime.fromtimestamp(int(a), utc), dt.datetime.fromtimestamp(int(b), utc))
                       .timedelta.total_seconds() for a, b in zip(start, end)], dtype=np.int64)
    bad = np.flatnonzero(np.abs(ours) != theirs)
    assert bad.size == 0, [(int(start[i]), int(end[i]), int(ours[i]), int(theirs[i])) for i in bad[:5]]
    assert (ours[end < start] <= 0).all()
