"""Explain one measurement as a timeline, so a disputed figure can be settled segment by segment.

The timeline is built from the same prefix table as the bulk path (day openings, lengths, statuses), and its
counted seconds add up to exactly the figure ``ServiceCalendar.business_seconds`` / ``clock_seconds`` gives.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from engine.calendar import CLOSED, HOLIDAY, NO_WINDOW, OPEN, ServiceCalendar

KINDS = ("counted", "outside_window", "weekend", "holiday", "organisation_closed", "pause")


@dataclass(frozen=True)
class Segment:
    start: dt.datetime          # aware, in the calendar's time zone
    end: dt.datetime
    kind: str                   # one of KINDS
    seconds: int                # elapsed seconds of this segment (counted only if kind == "counted")
    name: str = ""              # holiday or closing-day name


@dataclass(frozen=True)
class Timeline:
    start: dt.datetime
    end: dt.datetime
    clock: str                  # "business" or "clock"
    timezone: str
    segments: tuple[Segment, ...]
    counted_seconds: int        # == the bulk figure for the same interval and pauses
    paused_seconds: int         # pause time that would otherwise have counted


def _epoch(x) -> int:
    if isinstance(x, dt.datetime):
        if x.tzinfo is None or x.utcoffset() is None:
            raise ValueError(f"{x!r} is a naive datetime; give a timezone-aware instant")
        return int(x.timestamp())
    return int(x)


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(intervals):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _base_segments(cal: ServiceCalendar, s: int, e: int, clock: str) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, name) covering [s, e) before pauses."""
    if clock == "clock":
        return [(s, e, "counted", "")]
    first, last = (int(i) for i in cal._lidx(np.array([s, max(s, e - 1)], dtype=np.int64)))
    out = []
    for i in range(first, last + 1):
        lo, hi = max(s, int(cal._mid[i])), min(e, int(cal._mid[i + 1]))
        st, name = int(cal._status[i]), cal._names.get(i, "")
        o, n = int(cal._open[i]), int(cal._len[i])
        if st == OPEN and n > 0:
            pieces = [(lo, min(hi, o), "outside_window"), (max(lo, o), min(hi, o + n), "counted"),
                      (max(lo, o + n), hi, "outside_window")]
            out += [(a, b, k, "") for a, b, k in pieces if b > a]
        elif hi > lo:
            kind = {HOLIDAY: "holiday", CLOSED: "organisation_closed", NO_WINDOW: "weekend"}.get(st, "outside_window")
            out.append((lo, hi, kind, name))
    return out


def explain(cal: ServiceCalendar, start, end, pauses=(), clock: str = "business") -> Timeline:
    """Timeline of one measurement: which segments counted, which fell outside the window, on holidays, paused."""
    if clock not in ("business", "clock"):
        raise ValueError(f"clock must be 'business' or 'clock', not {clock!r}")
    s, e = _epoch(start), _epoch(end)
    if e < s:
        raise ValueError("explain: end is before start")
    cal._ensure(s, e)
    paused = _merge([(max(s, _epoch(a)), min(e, _epoch(b))) for a, b in pauses])
    segs: list[tuple[int, int, str, str]] = []
    for a, b, kind, name in _base_segments(cal, s, e, clock):
        if kind != "counted":
            segs.append((a, b, kind, name))
            continue
        cur = a
        for pa, pb in paused:
            if pb <= cur or pa >= b:
                continue
            if pa > cur:
                segs.append((cur, pa, "counted", ""))
            segs.append((max(cur, pa), min(b, pb), "pause", ""))
            cur = min(b, pb)
        if cur < b:
            segs.append((cur, b, "counted", ""))
    merged: list[list] = []
    for a, b, kind, name in segs:
        if merged and merged[-1][2:] == [kind, name] and merged[-1][1] == a:
            merged[-1][1] = b
        else:
            merged.append([a, b, kind, name])
    tz = cal.tz
    out = tuple(Segment(dt.datetime.fromtimestamp(a, tz), dt.datetime.fromtimestamp(b, tz), k, b - a, n)
                for a, b, k, n in merged)
    return Timeline(start=dt.datetime.fromtimestamp(s, tz), end=dt.datetime.fromtimestamp(e, tz), clock=clock,
                    timezone=str(tz.key), segments=out,
                    counted_seconds=sum(x.seconds for x in out if x.kind == "counted"),
                    paused_seconds=sum(x.seconds for x in out if x.kind == "pause"))


_TEXT = {
    "en": dict(head=("From", "To", "What", "Duration", "Counted"), business="Business time", clock="Clock time (24/7)",
               total="Counted", paused="paused", days=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
               counted="counted (in service window)", outside_window="outside service window",
               weekend="no service window (weekend)", holiday="public holiday: {}",
               organisation_closed="organisation closed: {}", pause="paused (clock stopped)",
               clock_counted="counted"),
    "nl": dict(head=("Van", "Tot", "Wat", "Duur", "Telt"), business="Werkuren", clock="Klokuren (24/7)",
               total="geteld", paused="gepauzeerd", days=("ma", "di", "wo", "do", "vr", "za", "zo"),
               counted="telt (binnen servicevenster)", outside_window="buiten servicevenster",
               weekend="geen servicevenster (weekend)", holiday="feestdag: {}",
               organisation_closed="organisatie gesloten: {}", pause="gepauzeerd (klok stilgezet)",
               clock_counted="telt"),
}


def _offset(x: dt.datetime) -> str:
    m = int(x.utcoffset().total_seconds()) // 60
    return f"{'+' if m >= 0 else '-'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"


def _hms(seconds: int) -> str:
    h, rem = divmod(seconds, 3600)
    return f"{h}:{rem // 60:02d}:{rem % 60:02d}"


def weekday(d: dt.date, lang: str = "en") -> str:
    """The day's short weekday name in the language of the explanation."""
    return _TEXT[lang]["days"][d.weekday()]


def when(x: dt.datetime, lang: str = "en") -> str:
    """A local instant as the explanations show it: weekday, date and time, the offset in the repeated hour."""
    ambiguous = x.replace(fold=1 - x.fold).utcoffset() != x.utcoffset()  # the repeated hour when DST ends
    return f"{weekday(x, lang)} {x:%Y-%m-%d %H:%M:%S}" + (f" (UTC{_offset(x)})" if ambiguous else "")


def render_timeline(tl: Timeline, lang: str = "en") -> str:
    """Markdown: a heading line with the total, then one table row per segment."""
    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {', '.join(_TEXT)}")
    t = _TEXT[lang]

    title = t["business"] if tl.clock == "business" else t["clock"]
    lines = [f"**{title}** {when(tl.start, lang)} → {when(tl.end, lang)} ({tl.timezone}): "
             f"{t['total']} {_hms(tl.counted_seconds)} ({tl.counted_seconds} s)"
             + (f", {t['paused']} {_hms(tl.paused_seconds)}" if tl.paused_seconds else ""),
             "", "| " + " | ".join(t["head"]) + " |", "|---|---|---|---:|---:|"]
    for x in tl.segments:
        what = t["clock_counted"] if (x.kind == "counted" and tl.clock == "clock") else t[x.kind].format(x.name)
        counted = _hms(x.seconds) if x.kind == "counted" else "0:00:00"
        lines.append(f"| {when(x.start, lang)} | {when(x.end, lang)} | {what.replace('|', '/')} | {_hms(x.seconds)} | {counted} |")
    return "\n".join(lines) + "\n"
