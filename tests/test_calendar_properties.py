"""Property-based tests: the prefix table must agree with a slow day-by-day reference and obey the algebra of
durations (additivity, monotonicity, business <= clock, add-then-measure round trips) in several time zones."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.calendar import ServiceCalendar

WD = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _cfg(tz, windows, **extra):
    return {"timezone": tz, "service_window": dict(zip(WD, windows)),
            "span": {"from": "2024-01-01", "to": "2028-12-31"}, **extra}


def _w(o, c):
    return {"open": o, "close": c}


OFFICE = [_w("08:00", "18:00")] * 5 + [None, None]
CONFIGS = {
    "amsterdam": _cfg("Europe/Amsterdam", OFFICE, holidays={"country": "NL", "add": {"05-05": "Bevrijdingsdag"}}),
    # windows touching midnight force the exact local-day path; Lord Howe has a 30-minute DST shift
    "round_the_clock": _cfg("Europe/Amsterdam", [_w("00:00", "24:00")] * 6 + [_w("00:30", "23:30")],
                            holidays={"country": "NL"}),
    "lord_howe": _cfg("Australia/Lord_Howe", [_w("01:00", "24:00")] * 5 + [_w("09:00", "13:00"), None],
                      holidays={"country": "AU"}),
    "kolkata": _cfg("Asia/Kolkata", [_w("09:30", "17:45")] * 6 + [None], holidays={"country": "IN"}),
    "new_york": _cfg("America/New_York", [_w("07:00", "19:00")] * 5 + [None, _w("01:30", "03:30")],
                     holidays={"country": "US"}),
}
CALS = {k: ServiceCalendar.from_settings(v) for k, v in CONFIGS.items()}
LO = int(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc).timestamp()) + 86400
HI = int(dt.datetime(2028, 12, 30, tzinfo=dt.timezone.utc).timestamp())

instants = st.integers(LO, HI)
names = st.sampled_from(sorted(CALS))
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_business(name: str, s: int, e: int) -> int:
    """Slow, independent: loop over local dates, build each window with zoneinfo, intersect with [s, e]."""
    if e < s:
        return -reference_business(name, e, s)
    cfg, cal = CONFIGS[name], CALS[name]
    tz = ZoneInfo(cfg["timezone"])
    h = cfg["holidays"]
    first = dt.datetime.fromtimestamp(s, tz).date() - dt.timedelta(days=1)
    last = dt.datetime.fromtimestamp(e, tz).date() + dt.timedelta(days=1)
    hol = holidays.country_holidays(h["country"], years=range(first.year, last.year + 1), categories=("public",))
    extra = {(int(k[:2]), int(k[3:])) for k in h.get("add", {})}
    total, day = 0, first
    while day <= last:
        w = cfg["service_window"][WD[day.weekday()]]
        if w and day not in hol and (day.month, day.day) not in extra:
            def at(hhmm, d=day):
                hh, mm = map(int, hhmm.split(":"))
                d2 = d + dt.timedelta(days=hh // 24)
                return int(dt.datetime(d2.year, d2.month, d2.day, hh % 24, mm, tzinfo=tz).timestamp())
            o, c = at(w["open"]), at(w["close"])
            total += max(0, min(e, c) - max(s, o))
        day += dt.timedelta(days=1)
    return total


def B(name, s, e, pauses=None):
    return int(CALS[name].business_seconds(np.array([s]), np.array([e]), pauses)[0])


@fast
@given(names, instants, st.integers(-40 * 86400, 40 * 86400))
def test_matches_day_by_day_reference(name, s, length):
    e = min(max(s + length, LO), HI)
    assert B(name, s, e) == reference_business(name, s, e) == CALS[name].business_seconds_one(s, e)


@fast
@given(names, instants, instants, instants)
def test_additive_over_any_split_point(name, a, b, c):
    assert B(name, a, c) == B(name, a, b) + B(name, b, c)


@fast
@given(names, st.lists(instants, min_size=3, max_size=3).map(sorted))
def test_monotone_and_bounded_by_clock_time(name, abc):
    a, b, c = abc
    cal = CALS[name]
    assert 0 <= B(name, a, b) <= B(name, a, c)
    assert B(name, a, c) <= int(cal.clock_seconds([a], [c])[0]) == c - a


@fast
@given(names, instants, st.integers(0, 400 * 3600))
@example("kolkata", 1860921211, 262180)  # the deadline falls in the pad day after the span: the table must grow
def test_add_then_measure_round_trips_to_the_earliest_instant(name, s, x):
    cal = CALS[name]
    t = int(cal.add_business_seconds([s], [x])[0])
    assert t >= s and B(name, s, t) == x
    if x > 0:
        assert B(name, s, t - 1) == x - 1      # earliest: one second earlier is one business second short


@fast
@given(names, instants, st.integers(0, 60))
def test_add_working_days_is_the_end_of_the_nth_working_day(name, s, n):
    cal = CALS[name]
    t = int(cal.add_working_days([s], [n])[0])
    assert cal.working_days([s], [t])[0] == n
    nxt = dt.datetime.fromtimestamp(t + 1, cal.tz)
    assert (nxt.hour, nxt.minute, nxt.second) == (0, 0, 0)    # last second of a local day
    if n > 0:
        assert cal.is_working_day(dt.datetime.fromtimestamp(t, cal.tz).date())


@fast
@given(names, instants, st.integers(0, 60))
def test_a_working_days_term_ends_the_second_before_working_day_n_plus_1(name, s, n):
    cal = CALS[name]
    t = int(cal.working_days_term_end([s], [n])[0])
    assert cal.working_days([s], [t])[0] == n and cal.working_days([s], [t + 1])[0] == n + 1
    nxt = dt.datetime.fromtimestamp(t + 1, cal.tz)
    assert (nxt.hour, nxt.minute, nxt.second) == (0, 0, 0) and cal.is_working_day(nxt.date())
    assert t >= int(cal.add_working_days([s], [n])[0])  # never shorter than the end of the n-th working day


@fast
@given(names, instants, instants)
def test_working_and_calendar_days_match_a_date_loop(name, s, e):
    cal = CALS[name]
    ds, de = (dt.datetime.fromtimestamp(x, cal.tz).date() for x in (s, e))
    lo, hi, sign = (ds, de, 1) if ds <= de else (de, ds, -1)
    if (hi - lo).days <= 400:
        count = sum(cal.is_working_day(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
        assert cal.working_days([s], [e])[0] == sign * count
    assert cal.calendar_days([s], [e])[0] == (de - ds).days


pause_lists = st.lists(st.tuples(st.integers(-5 * 86400, 20 * 86400), st.integers(0, 4 * 86400)), max_size=6)


@fast
@given(names, instants, st.integers(0, 20 * 86400), pause_lists)
def test_pauses_subtract_their_union_once(name, s, length, raw):
    e = min(s + length, HI)
    cal = CALS[name]
    pauses = sorted((min(max(s + a, LO), HI), min(max(s + a + b, LO), HI)) for a, b in raw)
    arr = (np.zeros(len(pauses), np.int64), np.array([p[0] for p in pauses], np.int64),
           np.array([p[1] for p in pauses], np.int64))
    union, cur = [], None          # merge the clipped pauses by hand
    for a, b in pauses:
        a, b = max(a, s), min(b, e)
        if b <= a:
            continue
        if cur and a <= cur[1]:
            cur[1] = max(cur[1], b)
        else:
            cur = [a, b]
            union.append(cur)
    expected = B(name, s, e) - sum(B(name, a, b) for a, b in union)
    assert B(name, s, e, arr) == expected
    assert int(cal.clock_seconds([s], [e], arr)[0]) == (e - s) - sum(b - a for a, b in union)
    assert 0 <= expected <= int(cal.clock_seconds([s], [e], arr)[0])


@pytest.mark.parametrize("name", sorted(CALS))
def test_bulk_equals_one_at_a_time_on_many_intervals(name):
    cal, rng = CALS[name], np.random.default_rng(3)
    s = rng.integers(LO, HI, 2000)
    e = np.clip(s + rng.integers(-3 * 86400, 30 * 86400, 2000), LO, HI)
    bulk = cal.business_seconds(s, e)
    assert bulk.tolist() == [cal.business_seconds_one(int(a), int(b)) for a, b in zip(s, e)]


def test_a_deadline_just_past_the_span_grows_the_table_instead_of_looping():
    """Found by the round-trip property: a deadline in the pad day after the span (no business time missing from
    the table's total) once asked for zero more years and looped for ever."""
    cal = ServiceCalendar.from_settings(CONFIGS["kolkata"])  # fresh: its table ends with the span
    t = int(cal.add_business_seconds([1860921211], [262180])[0])
    assert cal.last_day == dt.date(2029, 12, 31)
    assert int(cal.business_seconds([1860921211], [t])[0]) == 262180
    assert int(cal.business_seconds([1860921211], [t - 1])[0]) == 262179
