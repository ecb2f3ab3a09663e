"""Hand-worked service-calendar cases: each figure below was counted by hand from the contract's rules."""
from __future__ import annotations

import copy
import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import yaml

from engine.calendar import ServiceCalendar
from engine.errors import SettingsError

AMS = ZoneInfo("Europe/Amsterdam")
H = 3600
BASE = {
    "timezone": "Europe/Amsterdam",
    "service_window": {**{d: {"open": "08:00", "close": "18:00"} for d in ("mon", "tue", "wed", "thu", "fri")},
                       "sat": None, "sun": None},
    "span": {"from": "2024-01-01", "to": "2028-12-31"},
    "holidays": {"country": "NL", "categories": ["public"], "add": {"05-05": "Bevrijdingsdag"}},
    "organisations": {
        "Gemeente Voorbeeld": {"working_holidays": ["2026-05-14"],
                               "extra_closed": {"2026-12-24": "Kerstavond (organisatie gesloten)"}},
        "Waterschap": {"working_holidays": ["Goede vrijdag"]},
    },
}


def t(*a) -> int:
    return int(dt.datetime(*a, tzinfo=AMS).timestamp())


def cal_(org=None, **changes) -> ServiceCalendar:
    cfg = copy.deepcopy(BASE)
    cfg.update(changes)
    return ServiceCalendar.from_settings(cfg, org)


@pytest.fixture(scope="module")
def cal():
    return cal_()


def bs(cal, a, b) -> int:
    bulk = int(cal.business_seconds(np.array([a]), np.array([b]))[0])
    assert bulk == cal.business_seconds_one(a, b)
    return bulk


def test_friday_evening_to_monday_morning_is_fifteen_minutes(cal):
    assert bs(cal, t(2026, 1, 9, 17, 55), t(2026, 1, 12, 8, 10)) == 15 * 60


def test_reported_on_saturday_starts_counting_monday_0800(cal):
    sat = t(2026, 1, 10, 12)
    assert bs(cal, sat, t(2026, 1, 12, 8)) == 0
    assert bs(cal, sat, t(2026, 1, 12, 9, 30)) == 90 * 60
    assert int(cal.add_business_seconds([sat], [4 * H])[0]) == t(2026, 1, 12, 12)


def test_deadline_at_closing_time_is_that_closing_time(cal):
    assert int(cal.add_business_seconds([t(2026, 1, 9, 8)], [10 * H])[0]) == t(2026, 1, 9, 18)
    assert int(cal.add_business_seconds([t(2026, 1, 9, 8)], [10 * H + 1])[0]) == t(2026, 1, 12, 8, 0, 1)
    assert int(cal.add_business_seconds([t(2026, 1, 9, 19)], [0])[0]) == t(2026, 1, 9, 19)


def test_kings_day_2026_monday(cal):
    assert bs(cal, t(2026, 4, 24, 17), t(2026, 4, 28, 9)) == 2 * H
    assert not cal.is_working_day(dt.date(2026, 4, 27))


def test_kings_day_2025_moves_to_saturday_26_april(cal):
    assert (dt.date(2025, 4, 26), "Koningsdag") in cal.holidays_between(dt.date(2025, 4, 20), dt.date(2025, 4, 30))
    assert cal.is_working_day(dt.date(2025, 4, 28))  # the Monday after Sunday 27 April is a normal day
    assert bs(cal, t(2025, 4, 25, 17), t(2025, 4, 28, 9)) == 2 * H


def test_easter_good_friday_and_easter_monday(cal):
    # Good Friday 3 April 2026 is in the package's public category; Easter Monday 6 April
    assert bs(cal, t(2026, 4, 2, 17), t(2026, 4, 7, 9)) == 2 * H
    no_gf = cal_(holidays={**BASE["holidays"], "remove": ["Goede vrijdag"]})
    assert bs(no_gf, t(2026, 4, 2, 17), t(2026, 4, 7, 9)) == 12 * H


@pytest.mark.parametrize("wed, fri", [((2026, 5, 13), (2026, 5, 15)),   # Ascension Thu 14 May
                                      ((2025, 5, 28), (2025, 5, 30))])
def test_ascension_day(cal, wed, fri):
    assert bs(cal, t(*wed, 17), t(*fri, 9)) == 2 * H


def test_whit_monday_and_christmas(cal):
    assert bs(cal, t(2026, 5, 22, 17), t(2026, 5, 26, 9)) == 2 * H          # Whit Monday 25 May
    assert bs(cal, t(2026, 12, 24, 17), t(2026, 12, 28, 9)) == 2 * H       # 25 Fri, 26 Sat
    assert bs(cal, t(2025, 12, 24, 17), t(2025, 12, 29, 9)) == 2 * H       # 25 Thu, 26 Fri


def test_liberation_day_is_configurable(cal):
    assert not cal.is_working_day(dt.date(2026, 5, 5))
    plain = cal_(holidays={"country": "NL", "categories": ["public"]})
    assert plain.is_working_day(dt.date(2026, 5, 5))       # package: public only in lustrum years
    assert not plain.is_working_day(dt.date(2025, 5, 5))


def test_organisation_that_works_on_a_holiday():
    org = cal_("Gemeente Voorbeeld")
    assert org.is_working_day(dt.date(2026, 5, 14))
    assert bs(org, t(2026, 5, 13, 17), t(2026, 5, 15, 9)) == 12 * H
    assert bs(org, t(2026, 12, 23, 17), t(2026, 12, 28, 9)) == 2 * H      # 24 Dec closed, 25/26 holidays
    assert (dt.date(2026, 12, 24), "Kerstavond (organisatie gesloten)") in org.holidays_between(
        dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    by_name = cal_("Waterschap")
    assert by_name.is_working_day(dt.date(2026, 4, 3)) and by_name.is_working_day(dt.date(2027, 3, 26))


def test_p1_clock_time_across_both_dst_switches(cal):
    assert int(cal.clock_seconds([t(2026, 3, 29, 0)], [t(2026, 3, 30, 0)])[0]) == 23 * H
    assert int(cal.clock_seconds([t(2026, 10, 25, 0)], [t(2026, 10, 26, 0)])[0]) == 25 * H
    assert int(cal.clock_seconds([t(2026, 3, 29, 1, 30)], [t(2026, 3, 29, 3, 30)])[0]) == H  # 02:00 -> 03:00
    assert cal.calendar_days([t(2026, 3, 29, 0)], [t(2026, 3, 30, 0)])[0] == 1


def test_business_time_across_dst(cal):
    assert bs(cal, t(2026, 3, 27, 17), t(2026, 3, 30, 9)) == 2 * H
    assert bs(cal, t(2026, 10, 23, 17), t(2026, 10, 26, 9)) == 2 * H
    assert bs(cal, t(2026, 3, 30, 0), t(2026, 3, 31, 0)) == 10 * H


def test_wider_tendered_window_applies():
    wide = cal_(service_window={**{d: {"open": "07:00", "close": "20:00"} for d in ("mon", "tue", "wed", "thu", "fri")},
                                "sat": {"open": "09:00", "close": "13:00"}})
    assert bs(wide, t(2026, 1, 9, 19), t(2026, 1, 10, 10)) == 2 * H
    assert bs(wide, t(2026, 1, 10, 12), t(2026, 1, 12, 7, 30)) == H + 30 * 60
    assert not wide.is_working_day(dt.date(2026, 1, 10))   # a Saturday window does not make Saturday a werkdag


def test_round_the_clock_window_needs_the_exact_day_path():
    cal = cal_(service_window={d: {"open": "00:00", "close": "24:00"} for d in
                               ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
               holidays={"dates": {}})
    assert not cal._fast
    a = np.array([t(2026, 3, 28, 22), t(2026, 10, 24, 23, 30), t(2026, 3, 29, 1)])
    b = np.array([t(2026, 3, 30, 1), t(2026, 10, 26, 0, 30), t(2026, 3, 29, 4)])
    assert (cal.business_seconds(a, b) == b - a).all()
    assert [cal.business_seconds_one(int(x), int(y)) for x, y in zip(a, b)] == list(b - a)


def test_pauses_are_subtracted_once_and_clipped(cal):
    start = np.array([t(2026, 1, 12, 9), t(2026, 1, 12, 9), t(2026, 1, 13, 9)])
    end = np.array([t(2026, 1, 12, 17), t(2026, 1, 12, 17), t(2026, 1, 12, 9)])  # last one reversed
    owner = np.array([0, 0, 0, 1, 2])
    ps = np.array([t(2026, 1, 12, 10), t(2026, 1, 12, 10, 30), t(2026, 1, 12, 16), t(2026, 1, 12, 6),
                   t(2026, 1, 12, 17)])
    pe = np.array([t(2026, 1, 12, 11), t(2026, 1, 12, 11, 30), t(2026, 1, 12, 20), t(2026, 1, 12, 10),
                   t(2026, 1, 12, 18)])
    got = cal.business_seconds(start, end, (owner, ps, pe))
    assert got.tolist() == [8 * H - 90 * 60 - H, 8 * H - H, -(10 * H - H)]
    clock = cal.clock_seconds(start, end, (owner, ps, pe))
    assert clock.tolist() == [8 * H - 90 * 60 - H, 7 * H, -(24 * H - H)]
    shuffled = np.array([4, 2, 0, 3, 1])
    again = cal.business_seconds(start, end, (owner[shuffled], ps[shuffled], pe[shuffled]))
    assert again.tolist() == got.tolist()


def test_working_days_semantics(cal):
    fri = t(2026, 1, 9, 12)
    assert cal.working_days([fri], [t(2026, 1, 9, 23)])[0] == 0
    assert cal.working_days([fri], [t(2026, 1, 11, 23)])[0] == 0   # weekend does not count
    assert cal.working_days([fri], [t(2026, 1, 12, 0, 1)])[0] == 1
    assert cal.working_days([t(2026, 1, 12, 0, 1)], [fri])[0] == -1
    assert cal.working_days([t(2026, 4, 24, 9)], [t(2026, 4, 28, 9)])[0] == 1   # King's Day skipped
    assert int(cal.add_working_days([fri], [1])[0]) == t(2026, 1, 12, 23, 59, 59)
    assert int(cal.add_working_days([fri], [0])[0]) == t(2026, 1, 9, 23, 59, 59)
    assert int(cal.add_working_days([t(2026, 1, 10, 9)], [0])[0]) == t(2026, 1, 10, 23, 59, 59)
    # a term of "<= n working days" runs on over the non-working days after working day n
    assert int(cal.working_days_term_end([fri], [1])[0]) == t(2026, 1, 12, 23, 59, 59)
    assert int(cal.working_days_term_end([fri], [0])[0]) == t(2026, 1, 11, 23, 59, 59)
    assert int(cal.working_days_term_end([t(2026, 1, 10, 9)], [5])[0]) == t(2026, 1, 18, 23, 59, 59)
    assert int(cal.working_days_term_end([t(2026, 4, 24, 10)], [5])[0]) == t(2026, 5, 5, 23, 59, 59)  # Liberation Day
    # 20 working days after Thu 2 April 2026: Good Friday, Easter Monday, King's Day, Liberation Day skipped
    assert int(cal.add_working_days([t(2026, 4, 2, 15)], [20])[0]) == t(2026, 5, 6, 23, 59, 59)
    assert cal.working_days([t(2026, 4, 2, 15)], [t(2026, 5, 6, 23, 59, 59)])[0] == 20


def test_calendar_days_use_local_dates(cal):
    assert cal.calendar_days([t(2026, 1, 9, 23, 30)], [t(2026, 1, 12, 0, 10)])[0] == 3
    assert cal.calendar_days([t(2026, 7, 1, 0, 30)], [t(2026, 7, 14, 23, 59)])[0] == 13   # 00:30 CEST is 22:30Z
    assert cal.calendar_days([t(2026, 7, 14)], [t(2026, 7, 1)])[0] == -13


def test_bulk_shapes_and_empty(cal):
    assert cal.business_seconds(np.zeros(0, np.int64), np.zeros(0, np.int64)).shape == (0,)
    a = np.full((2, 3), t(2026, 1, 12, 9))
    assert cal.business_seconds(a, a + H).tolist() == [[H] * 3] * 2


def test_out_of_span_extends_with_package_holidays(cal):
    fresh = cal_()
    assert bs(fresh, t(2031, 4, 25, 17), t(2031, 4, 28, 9)) == 2 * H   # King's Day on Sat 26 Apr 2031
    assert fresh.last_day >= dt.date(2031, 12, 31)
    assert (dt.date(2031, 4, 26), "Koningsdag") in fresh.holidays_between(dt.date(2031, 4, 1), dt.date(2031, 4, 30))
    wide = cal_(span={"from": "2024-01-01", "to": "2032-12-31"})
    assert bs(wide, t(2030, 12, 20, 9), t(2031, 6, 1, 9)) == bs(fresh, t(2030, 12, 20, 9), t(2031, 6, 1, 9))
    far = int(fresh.add_working_days([t(2028, 12, 20, 9)], [400])[0])
    assert fresh.working_days([t(2028, 12, 20, 9)], [far])[0] == 400


def test_out_of_span_with_pinned_list_names_the_date():
    pinned = cal_(holidays={"dates": {"2026-12-25": "Eerste kerstdag"}},
                  span={"from": "2026-01-01", "to": "2026-12-31"})
    assert not pinned.is_working_day(dt.date(2026, 12, 25))
    assert pinned.is_working_day(dt.date(2026, 4, 27))   # pinned list is authoritative
    with pytest.raises(SettingsError, match="2027-01-04"):
        pinned.business_seconds([t(2026, 12, 1)], [t(2027, 1, 4, 12)])
    with pytest.raises(SettingsError, match="outside"):
        pinned.business_seconds_one(t(2025, 12, 1), t(2026, 1, 4))


def test_every_configuration_problem_is_reported_at_once():
    doc = """
timezone: Europe/Amstredam
service_window:
  mon: {open: "18:00", close: "08:00"}
  tue: {open: "8h", close: "18:00"}
  wed: {open: "08:00", close: 18:00}
  thu: {open: "08:00", close: "18:00"}
  fri: {open: "08:00", close: "25:00"}
  sunday: null
span: {from: "2029-01-01", to: "2024-12-31"}
holidays: {country: NL, remove: ["Sinterklaas"]}
"""
    with pytest.raises(SettingsError) as e:
        ServiceCalendar.from_settings(yaml.safe_load(doc))
    fields = {p.field for p in e.value.problems}
    assert {"calendar.timezone", "calendar.service_window.mon", "calendar.service_window.tue.open",
            "calendar.service_window.wed.close", "calendar.service_window.fri.close",
            "calendar.service_window.sunday", "calendar.span"} <= fields
    assert all(p.file == "contract settings" for p in e.value.problems)
    assert "quotes" in str(e.value)          # YAML turned 18:00 into 1080


def test_unknown_organisation_and_bogus_overrides():
    with pytest.raises(SettingsError, match="unknown organisation 'Nope'"):
        cal_("Nope")
    orgs = {"X": {"working_holidays": ["2026-05-15", "Sinterklaas"], "extra_closed": ["2026-13-01"]}}
    with pytest.raises(SettingsError) as e:
        ServiceCalendar.from_settings({**BASE, "organisations": orgs}, "X", source="settings.yaml")
    msgs = str(e.value)
    assert "2026-05-15" in msgs and "sinterklaas" in msgs and "2026-13-01" in msgs
    assert msgs.startswith("settings.yaml: calendar.organisations.X")
    with pytest.raises(SettingsError, match="span.from and span.to are required"):
        ServiceCalendar.from_settings({"holidays": {"dates": {"2026-01-01": "Nieuwjaarsdag"}}})


def test_holidays_between_lists_names_in_order(cal):
    got = cal.holidays_between(dt.date(2026, 12, 1), dt.date(2027, 1, 2))
    assert got == [(dt.date(2026, 12, 25), "Eerste kerstdag"), (dt.date(2026, 12, 26), "Tweede kerstdag"),
                   (dt.date(2027, 1, 1), "Nieuwjaarsdag")]


# ---------------------------------------------------------------- explanation
from engine.calendar_explain import explain, render_timeline  # noqa: E402


def test_explain_settles_the_figure_segment_by_segment():
    org = cal_("Gemeente Voorbeeld")
    s, e = t(2026, 12, 23, 17, 55), t(2026, 12, 29, 8, 10)
    pause = (t(2026, 12, 28, 9), t(2026, 12, 28, 10))
    tl = explain(org, s, e, pauses=[pause, (t(2026, 12, 28, 9, 30), t(2026, 12, 28, 9, 45))])
    bulk = org.business_seconds([s], [e], (np.array([0]), np.array([pause[0]]), np.array([pause[1]])))[0]
    assert tl.counted_seconds == bulk == 5 * 60 + 10 * H - H + 10 * 60
    assert tl.paused_seconds == H
    kinds = [(x.kind, x.name) for x in tl.segments]
    assert ("organisation_closed", "Kerstavond (organisatie gesloten)") in kinds
    assert ("holiday", "Eerste kerstdag") in kinds and ("weekend", "") in kinds and ("pause", "") in kinds
    assert sum(x.seconds for x in tl.segments) == e - s
    assert all(a.end == b.start for a, b in zip(tl.segments, tl.segments[1:]))
    md = render_timeline(tl)
    assert "| Thu 2026-12-24 00:00:00 | Fri 2026-12-25 00:00:00 | organisation closed: Kerstavond" in md
    assert "Counted 9:15:00 (33300 s), paused 1:00:00" in md
    assert "feestdag: Eerste kerstdag" in render_timeline(tl, lang="nl")


def test_explain_clock_time_across_dst_and_ambiguous_hour(cal):
    tl = explain(cal, t(2026, 10, 24, 12), t(2026, 10, 25, 12), clock="clock")
    assert tl.counted_seconds == 25 * H == int(cal.clock_seconds([t(2026, 10, 24, 12)], [t(2026, 10, 25, 12)])[0])
    amb = dt.datetime(2026, 10, 25, 2, 30, tzinfo=AMS, fold=1)
    md = render_timeline(explain(cal, amb, t(2026, 10, 25, 4), clock="clock"))
    assert "Sun 2026-10-25 02:30:00 (UTC+01:00)" in md
    with pytest.raises(ValueError, match="naive"):
        explain(cal, dt.datetime(2026, 1, 1), t(2026, 1, 2))


def test_explain_matches_bulk_on_random_intervals(cal):
    rng = np.random.default_rng(7)
    s = rng.integers(t(2024, 1, 1), t(2028, 11, 1), 300)
    e = s + rng.integers(0, 30 * 86400, 300)
    ps = s + rng.integers(0, 20 * 86400, 300)
    pe = ps + rng.integers(0, 5 * 86400, 300)
    bulk = cal.business_seconds(s, e, (np.arange(300), ps, pe))
    for i in range(300):
        tl = explain(cal, int(s[i]), int(e[i]), pauses=[(int(ps[i]), int(pe[i]))])
        assert tl.counted_seconds == bulk[i]
