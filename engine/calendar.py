"""Service calendar: every duration in the annex measured exactly (business, clock, working and calendar days).

Why a prefix table: a measurement must be exact, reproducible and fast enough for a million tickets. For each
local day we store its opening instant (UTC epoch s), its business length and the running total before it, so
B(t) = total[d] + clip(t - open[d], 0, length[d]) and a business duration is B(end) - B(start). Openings come
from local wall-clock times, so DST changes are exact. The day of an instant is ``(t + shift) // 86400``: with
``shift`` the smallest UTC offset in the table, that "pseudo day" is the local day or the one before, and for
any window that opens after pseudo-midnight and closes before the next (08:00-18:00 in Amsterdam) the formula
is right with the pseudo day itself (no correction needed in the bulk path).

The ``calendar:`` mapping of the contract settings::

    timezone: Europe/Amsterdam            # IANA zone name
    service_window:                       # per weekday mon..sun; null or absent = closed (a window tendered on the
                                          # recorded sheet replaces it: ``Contract.calendar_settings``)
      mon: {open: "08:00", close: "18:00"}  # quote times: YAML reads 18:00 as the number 1080; close may be "24:00"
    working_weekdays: [mon, tue, wed, thu, fri]   # optional; weekdays that count as "werkdagen" (default mon-fri)
    span: {from: "2024-01-01", to: "2028-12-31"}  # prefix table span; default 2020-2030; auto-extended (see below)
    holidays:
      country: NL                         # `holidays` package country code (subdiv: optional)
      categories: [public]                # package categories; language: nl (default) for the names
      add: {"05-05": "Bevrijdingsdag"}    # MM-DD (yearly) or YYYY-MM-DD -> name
      remove: ["Goede vrijdag"]           # YYYY-MM-DD, MM-DD or a holiday name: days this contract does not observe
      dates: null                         # {YYYY-MM-DD: name}: pinned list; when given it alone decides (country,
                                          # categories, add and remove are then ignored) and span is required
    organisations:
      "Gemeente Voorbeeld":
        working_holidays: ["2026-05-14"]  # holidays that are working days here (YYYY-MM-DD, MM-DD or name)
        extra_closed: {"2026-12-24": "Kerstavond (organisatie gesloten)"}   # or a list; MM-DD allowed

A holiday or closing day has no service window and is no working day; a working holiday gets the normal window
of its weekday. Instants outside the span extend the table (whole years, 1900-2199) when holidays come from the
package; with a pinned ``dates`` list they raise SettingsError naming the date, as the list says nothing there.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from engine.calendar_config import SettingsParser, day_matches, expand_day_rules, parse_hhmm, parse_setting_date
from engine.errors import Problem, SettingsError
from engine.holidaysource import country_holidays
from engine.timeparse import LAST_YEAR

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OPEN, NO_WINDOW, HOLIDAY, CLOSED = 0, 1, 2, 3  # day status codes in the table
_DAY = 86400
_LIMITS = (dt.date(1900, 1, 1), dt.date(2199, 12, 31))
_CHUNK = 1 << 16  # bulk work in cache-sized chunks
_EPOCH = dt.date(1970, 1, 1)


class ServiceCalendar:
    """Business, clock, working-day and calendar-day arithmetic for one contract (and optionally one organisation)."""

    def __init__(self, *, tz, windows, working_weekdays, span, country, subdiv, categories, language, add, remove,
                 pinned, working_holidays, extra_closed, source="contract settings"):
        self.tz: ZoneInfo = tz
        self._windows = windows  # 7 x (open_min, close_min) | None
        self._working_weekdays = frozenset(working_weekdays)
        self._hol = dict(country=country, subdiv=subdiv, categories=categories, language=language)
        self._add, self._remove, self._pinned = add, remove, pinned
        self._work_hol, self._closed = working_holidays, extra_closed
        self._source = source
        self._span = span
        self.made_from: tuple | None = None  # (settings mapping, organisation, source) when from_settings made it
        self._status_memo: dict[tuple[int, int], dict] = {}
        self._build(*span)

    # ------------------------------------------------------------------ configuration
    @classmethod
    def from_settings(cls, cfg: Mapping, organisation: str | None = None, *,
                      source: str = "contract settings") -> "ServiceCalendar":
        """Build from the ``calendar:`` settings mapping; raises SettingsError listing every problem at once."""
        p = SettingsParser(source)
        cfg = p.mapping(cfg, "", {"timezone", "service_window", "working_weekdays", "span", "holidays", "organisations"})
        tz = None
        try:
            tz = ZoneInfo(str(cfg.get("timezone", "Europe/Amsterdam")))
        except (ZoneInfoNotFoundError, ValueError):
            p.err("timezone", f"unknown time zone {cfg.get('timezone')!r} (expected an IANA name such as Europe/Amsterdam)")
        windows = [None] * 7
        sw = p.mapping(cfg.get("service_window"), "service_window", set(WEEKDAYS))
        for i, wd in enumerate(WEEKDAYS):
            w = sw.get(wd)
            if w is None:
                continue
            f = f"service_window.{wd}"
            if not isinstance(w, Mapping) or set(w) != {"open", "close"}:
                p.err(f, "expected null (closed) or {open: \"HH:MM\", close: \"HH:MM\"}")
                continue
            try:
                o = parse_hhmm(w["open"])
            except ValueError as e:
                p.err(f + ".open", str(e))
                continue
            try:
                c = parse_hhmm(w["close"])
            except ValueError as e:
                p.err(f + ".close", str(e))
                continue
            if c <= o:
                p.err(f, f"the window closes ({w['close']}) at or before it opens ({w['open']})")
            else:
                windows[i] = (o, c)
        ww = cfg.get("working_weekdays", list(WEEKDAYS[:5]))
        if not isinstance(ww, (list, tuple)) or any(x not in WEEKDAYS for x in ww):
            p.err("working_weekdays", f"expected a list of weekdays from {', '.join(WEEKDAYS)}, got {ww!r}")
            ww = WEEKDAYS[:5]
        span_cfg = p.mapping(cfg.get("span"), "span", {"from", "to"})
        span = [dt.date(2020, 1, 1), dt.date(2030, 12, 31)]
        for j, k in enumerate(("from", "to")):
            if k in span_cfg:
                try:
                    span[j] = parse_setting_date(span_cfg[k])
                    if not _LIMITS[0] <= span[j] <= _LIMITS[1]:
                        p.err(f"span.{k}", f"{span[j]} is outside the supported years 1900-2199", hard=True)
                except ValueError as e:
                    p.err(f"span.{k}", str(e), hard=True)
        if span[0] > span[1]:
            p.err("span", f"span.from {span[0]} is after span.to {span[1]}", hard=True)
        h = p.mapping(cfg.get("holidays"), "holidays",
                      {"country", "subdiv", "categories", "language", "add", "remove", "dates"})
        pinned = None
        if h.get("dates") is not None:
            if "to" not in span_cfg or "from" not in span_cfg:
                p.err("span", "span.from and span.to are required with a pinned holidays.dates list")
            pinned = {}
            for k, name in p.mapping(h["dates"], "holidays.dates").items():
                try:
                    pinned[parse_setting_date(k)] = str(name)
                except ValueError as e:
                    p.err(f"holidays.dates.{k}", str(e))
        country = h.get("country", "NL" if pinned is None else None)
        cats = h.get("categories", ["public"])
        cats = [cats] if isinstance(cats, str) else cats
        lang = h.get("language", "nl")
        if pinned is None:
            try:
                country_holidays(country, subdiv=h.get("subdiv"), years=2024,
                                              categories=tuple(cats), language=lang)
            except (NotImplementedError, ValueError, TypeError, KeyError) as e:
                p.err("holidays", f"the holidays package rejects country={country!r} subdiv={h.get('subdiv')!r} "
                                  f"categories={cats!r} language={lang!r}: {e}", hard=True)
        add = p.day_rules(h.get("add"), "holidays.add", names=False)
        if any(n is None for n in add.values()):
            p.err("holidays.add", "give every added holiday a name: {\"05-05\": \"Bevrijdingsdag\"}")
        remove = p.day_rules(h.get("remove"), "holidays.remove", names=True)
        orgs = p.mapping(cfg.get("organisations"), "organisations")
        work_hol, closed = {}, {}
        if organisation is not None:
            if organisation not in orgs:
                p.err("organisations", f"unknown organisation {organisation!r}; configured: "
                                       f"{', '.join(map(repr, orgs)) or 'none'}")
            else:
                f = f"organisations.{organisation}"
                o = p.mapping(orgs[organisation], f, {"working_holidays", "extra_closed"})
                work_hol = p.day_rules(o.get("working_holidays"), f + ".working_holidays", names=True)
                closed = p.day_rules(o.get("extra_closed"), f + ".extra_closed", names=False,
                                     default_name="organisatie gesloten")
        if tz is None or p.hard:
            raise SettingsError(p.problems)  # no table to check the remaining rules against (bad entries are dropped)
        cal = cls(tz=tz, windows=tuple(windows), working_weekdays={WEEKDAYS.index(x) for x in ww}, span=tuple(span),
                  country=country, subdiv=h.get("subdiv"), categories=tuple(cats), language=lang, add=add,
                  remove=remove, pinned=pinned, working_holidays=work_hol, extra_closed=closed, source=source)
        cal._check_rules(p, organisation)
        if p.problems:
            raise SettingsError(p.problems)
        cal.made_from = (cfg, organisation, source)  # lets a caller with the same settings reuse this calendar
        return cal

    def _base_holidays(self, y0: int, y1: int) -> dict[dt.date, str]:
        """Contract holidays (before organisation overrides) for the years y0..y1."""
        if self._pinned is not None:
            return {d: n for d, n in self._pinned.items() if y0 <= d.year <= y1}
        h = self._hol
        pkg = country_holidays(h["country"], subdiv=h["subdiv"], years=range(y0, y1 + 1),
                                            categories=h["categories"], language=h["language"])
        out = {d: n for d, n in pkg.items() if y0 <= d.year <= y1}
        out.update(expand_day_rules(self._add, y0, y1))
        return {d: n for d, n in out.items() if not any(day_matches(r, d, n) for r in self._remove)}

    def _check_rules(self, p: SettingsParser, organisation) -> None:
        """Removal and working-holiday rules that match no holiday in the span are typos: report them."""
        y0, y1 = self._span[0].year, self._span[1].year
        if self._pinned is None:
            h = self._hol
            pkg = dict(country_holidays(h["country"], subdiv=h["subdiv"], years=range(y0, y1 + 1),
                                                     categories=h["categories"], language=h["language"]))
            pkg.update(expand_day_rules(self._add, y0, y1))
            for r in self._remove:
                if not any(day_matches(r, d, n) for d, n in pkg.items()):
                    p.err(f"holidays.remove.{r[1]}", "matches no holiday of the package in the span")
        base = self._base_holidays(y0, y1)
        for r in self._work_hol:
            if not any(day_matches(r, d, n) for d, n in base.items()):
                p.err(f"organisations.{organisation}.working_holidays.{r[1]}",
                      "is not a holiday of this calendar in the span")

    def _day_status(self, y0: int, y1: int) -> dict[dt.date, tuple[int, str]]:
        """{date: (HOLIDAY | CLOSED, name)} for this organisation; worked out once per span of years (the settings
        do not change once the calendar is made; a month's measure asks for its year's every time), so the
        mapping is shared: read it, do not change it."""
        out = self._status_memo.get((y0, y1))
        if out is not None:
            return out
        out = {d: (HOLIDAY, n) for d, n in self._base_holidays(y0, y1).items()
               if not any(day_matches(r, d, n) for r in self._work_hol)}
        for d, n in expand_day_rules(self._closed, y0, y1).items():
            out.setdefault(d, (CLOSED, n))
        self._status_memo[(y0, y1)] = out
        return out

    # ------------------------------------------------------------------ the prefix table
    def _local(self, day: dt.date, minutes: int) -> int:
        """UTC epoch of a local wall-clock time (minutes may be 1440: the next midnight)."""
        day, minutes = (day + dt.timedelta(days=1), 0) if minutes == 1440 else (day, minutes)
        return int(dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=self.tz).timestamp())

    def _build(self, first: dt.date, last: dt.date) -> None:
        """Table over first-1 .. last+1 (one pad day each side keeps p and p+1 in range for in-span instants).

        Every instant comes from ``_local`` (the zone's own rules, DST exact); the days are filled in Python lists
        and turned into arrays once (storing numpy scalars one by one cost ~3x the conversions themselves)."""
        self.first_day, self.last_day = first, last
        d0 = first - dt.timedelta(days=1)
        n = (last - first).days + 3
        status = self._day_status(d0.year, (last + dt.timedelta(days=1)).year)
        local, windows, working_weekdays = self._local, self._windows, self._working_weekdays
        o0 = d0.toordinal()
        days = [dt.date.fromordinal(o0 + i) for i in range(n + 1)]
        combine, midnight = dt.datetime.combine, dt.time(0, 0, tzinfo=self.tz)  # = _local(day, 0), without the checks
        mid_l = [int(combine(day, midnight).timestamp()) for day in days]
        opn_l, len_l, st_l, working_l, names = [0] * n, [0] * n, [OPEN] * n, [False] * n, {}
        for i in range(n):
            day = days[i]
            s, name = status.get(day, (OPEN, ""))
            wd = day.weekday()
            w = windows[wd]
            if s == OPEN and w is None:
                s = NO_WINDOW
            st_l[i] = s
            if name:
                names[i] = name
            working_l[i] = s in (OPEN, NO_WINDOW) and wd in working_weekdays
            if s == OPEN:
                o = local(day, w[0])
                opn_l[i] = o
                len_l[i] = max(0, local(day, w[1]) - o)
        mid = np.array(mid_l, np.int64)
        opn = np.array(opn_l, np.int64)
        length = np.array(len_l, np.int64)
        st = np.array(st_l, np.int8)
        working = np.array(working_l, np.int64)
        epoch_days = (d0 - _EPOCH).days + np.arange(n + 1, dtype=np.int64)
        off_min = int((epoch_days * _DAY - mid).min())
        pstart = epoch_days * _DAY - off_min  # pseudo-midnights, each >= the local midnight of that day
        closed = length == 0
        opn[closed] = pstart[:-1][closed]
        self._shift = off_min - int(epoch_days[0]) * _DAY
        # bulk fast path: every window lies within its pseudo day, so the pseudo day index needs no correction
        self._fast = bool(np.all(closed | ((opn >= pstart[:-1]) & (opn + length <= pstart[1:]))))
        self._d0, self._n, self._mid, self._open, self._len, self._status, self._names = d0, n, mid, opn, length, st, names
        self._tot = np.concatenate(([0], np.cumsum(length)))
        self._wcum = np.cumsum(working)  # working days among table days 0..i
        self._lo, self._hi = int(mid[1]), int(mid[n - 1])  # in-span instants: [lo, hi)
        self._lists = (mid.tolist(), opn.tolist(), length.tolist(), self._tot.tolist())

    def _ensure(self, lo: int, hi: int) -> None:
        """Make the table cover the instants lo..hi: extend by whole years, or raise naming the date."""
        if self._lo <= lo and hi < self._hi:
            return
        need = []
        for t in (lo, hi):
            try:
                need.append(dt.datetime.fromtimestamp(int(t), self.tz).date())
            except (OverflowError, OSError, ValueError):
                raise SettingsError(Problem(file=self._source, field="calendar.span",
                                            message=f"instant {t} (epoch s) is not a representable date")) from None
        bad = [d for d in need if not self.first_day <= d <= self.last_day]
        if self._pinned is not None or any(not _LIMITS[0] <= d <= _LIMITS[1] for d in bad):
            why = ("the pinned holidays.dates list covers only the span" if self._pinned is not None
                   else "dates outside 1900-2199 are not supported")
            raise SettingsError(Problem(file=self._source, field="calendar.span", message=(
                f"date {bad[0]} is outside the calendar span {self.first_day}..{self.last_day}; {why}")))
        self._build(min(self.first_day, dt.date(need[0].year, 1, 1)), max(self.last_day, dt.date(need[1].year, 12, 31)))

    def _pidx(self, t: np.ndarray) -> np.ndarray:
        return (t + self._shift) // _DAY

    def _lidx(self, t: np.ndarray) -> np.ndarray:
        """Exact local-day table index of each instant."""
        p = self._pidx(t)
        p += t >= self._mid[p + 1]
        return p

    def _B(self, t: np.ndarray) -> np.ndarray:
        """Business seconds from the table origin to each instant."""
        d = self._pidx(t) if self._fast else self._lidx(t)
        x = t - self._open[d]
        np.clip(x, 0, self._len[d], out=x)
        x += self._tot[d]
        return x

    # ------------------------------------------------------------------ bulk measurements
    @staticmethod
    def _arrays(*xs):
        arrs = np.broadcast_arrays(*(np.asarray(x, dtype=np.int64) for x in xs))
        return [np.ascontiguousarray(a) for a in arrs]

    def _span_check(self, *arrays) -> None:
        lo = min(int(a.min()) for a in arrays if a.size)
        hi = max(int(a.max()) for a in arrays if a.size)
        self._ensure(lo, hi)

    def _measure(self, start, end, pauses, f) -> np.ndarray:
        start, end = self._arrays(start, end)
        if start.size == 0:
            return np.zeros(start.shape, np.int64)
        s, e = start.ravel(), end.ravel()
        if f is not None:
            self._span_check(s, e)
        out = np.empty(s.size, np.int64)
        for i in range(0, s.size, _CHUNK):
            j = i + _CHUNK
            out[i:j] = (f(e[i:j]) - f(s[i:j])) if f is not None else e[i:j] - s[i:j]
        if pauses is not None:
            owner, ps, pe, sign = self._merge_pauses(s, e, pauses)
            if owner.size:
                paused = (f(pe) - f(ps)) if f is not None else pe - ps
                np.subtract.at(out, owner, paused * sign)
        return out.reshape(start.shape)

    @staticmethod
    def _merge_pauses(s, e, pauses):
        """Clip each pause to its record's interval and make them disjoint per record (overlap counts once)."""
        owner, ps, pe = (np.asarray(a, dtype=np.int64).ravel() for a in pauses)
        if not owner.size == ps.size == pe.size:
            raise ValueError("pauses: owner, start and end arrays must have equal length")
        if owner.size == 0:
            return owner, ps, pe, owner
        if owner.min() < 0 or owner.max() >= s.size:
            raise ValueError("pauses: owner index out of range")
        lo, hi = np.minimum(s[owner], e[owner]), np.maximum(s[owner], e[owner])
        ps, pe = np.clip(ps, lo, hi), np.clip(pe, lo, hi)
        np.maximum(pe, ps, out=pe)
        base = int(lo.min())
        width = int(hi.max()) - base + 1
        if width * (s.size + 1) >= 1 << 62:
            raise ValueError("pauses: batch too large for one call; split it")
        ks = owner * width + (ps - base)
        ke = owner * width + (pe - base)
        if ks.size > 1 and not np.all(ks[1:] >= ks[:-1]):
            order = np.argsort(ks, kind="stable")
            ks, ke, owner = ks[order], ke[order], owner[order]
        prev = np.empty_like(ke)
        prev[0] = -1
        np.maximum.accumulate(ke[:-1], out=prev[1:])  # latest pause end so far; from another record it is < ks
        ks, ke = np.maximum(ks, prev), np.maximum(ke, prev)
        off = owner * width - base
        sign = np.where(e[owner] < s[owner], -1, 1)
        return owner, ks - off, ke - off, sign

    def business_seconds(self, start, end, pauses=None) -> np.ndarray:
        """Seconds inside the service window between start and end (negative if end < start), minus pauses."""
        return self._measure(start, end, pauses, self._B)

    def clock_seconds(self, start, end, pauses=None) -> np.ndarray:
        """Elapsed seconds (24/7, P1), minus pauses."""
        return self._measure(start, end, pauses, None)

    def working_days(self, start, end) -> np.ndarray:
        """Working days d with local_date(start) < d <= local_date(end): same day 0, next working day 1."""
        start, end = self._arrays(start, end)
        if start.size == 0:
            return np.zeros(start.shape, np.int64)
        self._span_check(start, end)
        return self._wcum[self._lidx(end)] - self._wcum[self._lidx(start)]

    def calendar_days(self, start, end) -> np.ndarray:
        """local_date(end) - local_date(start) in days."""
        start, end = self._arrays(start, end)
        if start.size == 0:
            return np.zeros(start.shape, np.int64)
        self._span_check(start, end)
        return self._lidx(end) - self._lidx(start)

    def add_business_seconds(self, start, seconds) -> np.ndarray:
        """Deadline: earliest t >= start with business_seconds(start, t) == seconds (seconds >= 0; 0 gives start).
        A deadline that falls exactly at closing time is that closing time, not the next opening."""
        start, seconds = self._arrays(start, seconds)
        if start.size == 0:
            return np.zeros(start.shape, np.int64)
        if int(seconds.min()) < 0:
            raise ValueError("add_business_seconds: seconds must be >= 0")
        self._span_check(start)
        target = self._B(start) + np.maximum(seconds, 0)
        while True:
            d = np.searchsorted(self._tot[1:], target, side="left")
            if int(d.max()) < self._n - 1:
                break
            self._extend_forward(start, target)
            target = self._B(start) + np.maximum(seconds, 0)
        out = self._open[d] + (target - self._tot[d])
        return np.where(seconds > 0, out, start)

    def _extend_forward(self, start, target) -> None:
        """The table ends before some deadline: add years in proportion to the missing business time, at least
        one (a deadline in the pad day after the span is no missing time, yet needs the next year); past 2199,
        ``_ensure`` refuses, so the caller's loop always ends."""
        per_year = max(1, int(self._tot[-1]) * 365 // self._n)
        years = max(1, (int(target.max()) - int(self._tot[-1])) // per_year + 1)
        end = dt.date(min(self.last_day.year + years, _LIMITS[1].year + 1), 12, 31)
        self._ensure(int(start.min()), self._local(end, 0))

    def add_working_days(self, start, n) -> np.ndarray:
        """The last second (23:59:59 local) of the n-th working day after local_date(start); n = 0 is the end of
        start's own day. A point on the calendar (the generator's "done on working day n"), not a term: a term of
        "<= n working days" runs on over the non-working days after it (``working_days_term_end``)."""
        return self._after_working_days(start, n, through_rest_days=False)

    def working_days_term_end(self, start, n) -> np.ndarray:
        """The end of a term of "<= n working days after start": the last instant t with working_days(start, t) <=
        n, i.e. the second before the (n+1)-th working day begins. Days outside the service calendar do not count,
        as business hours do not count outside the window: an end on the weekend right after working day n has
        used n working days and is in time. Every day-term measure reads "≤ N werkdagen" this way."""
        return self._after_working_days(start, n, through_rest_days=True)

    def _after_working_days(self, start, n, through_rest_days: bool) -> np.ndarray:
        start, n = self._arrays(start, n)
        if start.size == 0:
            return np.zeros(start.shape, np.int64)
        if int(n.min()) < 0:
            raise ValueError("working days to add must be >= 0")
        self._span_check(start)
        while True:
            ls = self._lidx(start)
            target = self._wcum[ls] + n
            if through_rest_days:  # the first day on which more than n working days have elapsed
                nxt = np.searchsorted(self._wcum, target, side="right")
            else:  # the day after the n-th working day (after start's own day when n = 0)
                nxt = np.where(n > 0, np.searchsorted(self._wcum, target, side="left"), ls) + 1
            if int(nxt.max()) < self._n:
                return self._mid[nxt] - 1
            extra = int(n.max()) // max(1, len(self._working_weekdays)) * 7 // 365 + 1
            until = dt.date(min(self.last_day.year + extra, LAST_YEAR + 1), 1, 1)
            self._ensure(int(start.min()), self._local(until, 0))

    # ------------------------------------------------------------------ days and one-at-a-time
    def _index(self, d: dt.date) -> int:
        if not self.first_day <= d <= self.last_day:
            self._ensure(self._local(d, 0), self._local(d, 0))
        return (d - self._d0).days

    def is_working_day(self, d: dt.date) -> bool:
        i = self._index(d)
        return bool(self._wcum[i] - self._wcum[i - 1])

    def day_status(self, d: dt.date) -> tuple[int, str, bool]:
        """(OPEN | NO_WINDOW | HOLIDAY | CLOSED, the holiday's or closing day's name, whether it is a working day)
        of a local date: what a day-by-day explanation shows."""
        i = self._index(d)
        return int(self._status[i]), self._names.get(i, ""), bool(self._wcum[i] - self._wcum[i - 1])

    def holidays_between(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
        """Holidays and organisation closing days (weekends included) with first <= date <= last, in order."""
        status = self._day_status(first.year, last.year)
        return sorted((d, n) for d, (_, n) in status.items() if first <= d <= last)

    def business_seconds_one(self, start: int, end: int) -> int:
        """Scalar business_seconds without numpy overhead (explain, small inputs)."""
        if not (self._lo <= start < self._hi and self._lo <= end < self._hi):
            self._ensure(min(start, end), max(start, end))
        mid, opn, length, tot = self._lists
        shift, fast = self._shift, self._fast
        d = (end + shift) // _DAY
        if not fast and end >= mid[d + 1]:
            d += 1
        x = end - opn[d]
        b = tot[d] + (0 if x < 0 else length[d] if x > length[d] else x)
        d = (start + shift) // _DAY
        if not fast and start >= mid[d + 1]:
            d += 1
        x = start - opn[d]
        return b - tot[d] - (0 if x < 0 else length[d] if x > length[d] else x)
