"""The bulk timestamp parser agrees with the one-at-a-time parser on every value, valid or not."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st

from engine.bulktime import parse_many
from engine.timeparse import NAT, TimeParseError, parse_ts

AMS = ZoneInfo("Europe/Amsterdam")


def _one(value, tz):
    if value is None:
        return NAT
    try:
        return parse_ts(value, tz)
    except TimeParseError:
        return "error"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2199, 1, 1),
                             timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=2)),
                                                        timezone(timedelta(hours=-5, minutes=-30)), AMS])),
                min_size=1, max_size=40))
def test_agrees_with_parse_ts_on_valid_timestamps(dts):
    values = [d.replace(microsecond=0).isoformat() for d in dts]
    values += [v.replace("+00:00", "Z") for v in values] + [v.replace("T", " ") for v in values]
    got, errors = parse_many(values, None)
    assert not errors
    assert got.tolist() == [_one(v, None) for v in values]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="0123456789-:T+Z .", min_size=15, max_size=26), min_size=1, max_size=30))
def test_agrees_on_garbage(values):
    got, errors = parse_many(values, None)
    bad = {i for i, _ in errors}
    for i, v in enumerate(values):
        want = _one(v, None)
        if want == "error":
            assert i in bad, v
        else:
            assert i not in bad and got[i] == want, v


def test_impossible_dates_naive_values_and_nulls():
    values = ["2026-02-29T10:00:00+01:00", "2028-02-29T10:00:00+01:00", "2026-03-06T17:55:00", None,
              "2026-13-01T00:00:00Z", "2026-03-06T24:00:00+01:00"]
    got, errors = parse_many(values, None)
    assert [i for i, _ in errors] == [0, 2, 4, 5]
    assert "no time zone offset" in dict(errors)[2]
    assert got[1] == int(datetime(2028, 2, 29, 9, tzinfo=timezone.utc).timestamp())
    assert got[3] == NAT
    got, errors = parse_many(["2026-03-06T17:55:00"], AMS)
    assert not errors and got[0] == int(datetime(2026, 3, 6, 16, 55, tzinfo=timezone.utc).timestamp())
