"""Benchmark the service calendar against businesstimedelta, measured in the same run.

Targets (issue 3): bulk >= 10 million business-time measurements/s on one core and >= 1,000x businesstimedelta;
one-at-a-time (explain) < 2 us. Workload: 1,000,000 random intervals up to 30 days in 2024-2028, a pause on a
tenth of them. Figures are the best of several repetitions (the machine is shared and noisy).

Run: python benchmarks/business_time.py [--n 1000000] [--sample 300]
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from engine.calendar import ServiceCalendar  # noqa: E402

CFG = {
    "timezone": "Europe/Amsterdam",
    "service_window": {d: {"open": "08:00", "close": "18:00"} for d in ("mon", "tue", "wed", "thu", "fri")},
    "span": {"from": "2024-01-01", "to": "2028-12-31"},
    "holidays": {"country": "NL", "categories": ["public"], "add": {"05-05": "Bevrijdingsdag"}},
}


def best(f, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=300, help="intervals measured with businesstimedelta")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()

    t0 = time.perf_counter()
    cal = ServiceCalendar.from_settings(CFG)
    build = time.perf_counter() - t0
    rng = np.random.default_rng(2026)
    n = args.n
    lo = int(dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc).timestamp())
    hi = int(dt.datetime(2028, 11, 30, tzinfo=dt.timezone.utc).timestamp())
    start = rng.integers(lo, hi, n)
    end = start + rng.integers(0, 30 * 86400 + 1, n)
    owner = np.sort(rng.choice(n, n // 10, replace=False))
    pstart = start[owner] + rng.integers(0, 10 * 86400, owner.size)
    pend = pstart + rng.integers(0, 5 * 86400, owner.size)
    pauses = (owner, pstart, pend)

    print(f"service calendar: table {cal.first_day}..{cal.last_day} built in {build * 1e3:.0f} ms; "
          f"{n:,} intervals up to 30 days, pauses on {owner.size:,}")
    rows = [
        ("business_seconds, with pauses", lambda: cal.business_seconds(start, end, pauses)),
        ("business_seconds, no pauses", lambda: cal.business_seconds(start, end)),
        ("clock_seconds, with pauses", lambda: cal.clock_seconds(start, end, pauses)),
        ("working_days", lambda: cal.working_days(start, end)),
        ("calendar_days", lambda: cal.calendar_days(start, end)),
        ("add_business_seconds (8 h)", lambda: cal.add_business_seconds(start, 8 * 3600)),
    ]
    rates = {}
    for label, f in rows:
        f()  # warm up
        rates[label] = n / best(f, args.repeat)
        print(f"  {label:<32} {rates[label] / 1e6:8.1f} M/s")

    m = min(n, 200_000)
    s_list, e_list = start[:m].tolist(), end[:m].tolist()
    one = cal.business_seconds_one

    def loop():
        for a, b in zip(s_list, e_list):
            one(a, b)
    us_one = best(loop, 3) / m * 1e6
    print(f"  {'business_seconds_one':<32} {us_one:8.3f} us each ({1 / us_one:.2f} M/s)")

    try:
        import businesstimedelta
        import pytz
    except ImportError:
        print("businesstimedelta not installed: no comparison")
        return
    tz = pytz.timezone("Europe/Amsterdam")
    days = [d for d, _ in cal.holidays_between(dt.date(2023, 1, 1), dt.date(2030, 12, 31))]
    rule = businesstimedelta.Rules([
        businesstimedelta.WorkDayRule(start_time=dt.time(8), end_time=dt.time(18), working_days=[0, 1, 2, 3, 4], tz=tz),
        businesstimedelta.HolidayRule(days, tz=tz)])  # a plain list, as its documentation shows
    k = min(args.sample, n)
    utc = dt.timezone.utc
    pairs = [(dt.datetime.fromtimestamp(int(a), utc), dt.datetime.fromtimestamp(int(b), utc))
             for a, b in zip(start[:k], end[:k])]
    t0 = time.perf_counter()
    theirs = [rule.difference(a, b).timedelta.total_seconds() for a, b in pairs]
    btd_rate = k / (time.perf_counter() - t0)
    agree = np.array_equal(np.array(theirs, dtype=np.int64), cal.business_seconds(start[:k], end[:k]))
    bulk = rates["business_seconds, with pauses"]
    print(f"  {'businesstimedelta (sample)':<32} {btd_rate:8.0f} /s  ({1e6 / btd_rate:.0f} us each, "
          f"{k} intervals, no pauses; figures agree: {agree})")
    print(f"speed-up bulk vs businesstimedelta: {bulk / btd_rate:,.0f}x")
    print("targets: bulk >= 10 M/s: {}; >= 1,000x businesstimedelta: {}; one-at-a-time < 2 us: {}".format(
        "met" if bulk >= 10e6 else "MISSED", "met" if bulk / btd_rate >= 1000 else "MISSED",
        "met" if us_one < 2 else "MISSED"))


if __name__ == "__main__":
    main()
