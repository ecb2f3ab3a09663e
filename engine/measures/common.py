"""What every measure needs: the measuring context, evidence sufficiency, bulk record filters, durations."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import islice, repeat
from operator import le
from typing import Any, Callable, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import operators
from ..bundle import Bundle
from ..calendar import ServiceCalendar
from ..model import Breach, Measurement, NormInForce, PerRecordLimit
from ..periods import Period
from ..reasons import Reason, reason
from ..settings import Contract
from .. import tables
from ..tables import SourceIndex, Table
from ..timeparse import NAT, local_midnight, to_iso
from .known import known_at


@dataclass
class MeasureContext:
    bundle: Bundle
    calendar: ServiceCalendar
    as_of: int  # epoch seconds; nothing after it is known
    contract: Contract | None = None  # the contract settings (section 3 rules read the configured calendar)
    # values a year audit would otherwise rebuild for every rule and sub-period (id indexes, whole-table
    # durations); keyed by what they are computed from, each entry keeps that object alive and checks it
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _windows: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def memo(self, key: tuple, owner: Any, build: Callable[[], Any]) -> Any:
        """``build()`` once per audit for ``key`` on ``owner`` (a table, a rule): every later period reuses it."""
        hit = self._memo.get((key, id(owner)))
        if hit is None or hit[0] is not owner:
            hit = (owner, build())
            self._memo[(key, id(owner))] = hit
        return hit[1]

    @property
    def tz(self) -> ZoneInfo:
        return self.calendar.tz

    def window(self, period: Period) -> tuple[int, int]:
        """[start, end) of the period in epoch seconds: local midnight to local midnight (each period's once: the
        evidence check and the measure ask it for every rule, ~800 times in a year audit)."""
        key = (period.first, period.last, self.tz)
        hit = self._windows.get(key)
        if hit is None:
            hit = self._windows[key] = (local_midnight(period.first, self.tz),
                                        local_midnight(period.end_exclusive, self.tz))
        return hit

    def iso(self, epoch: int) -> str:
        return to_iso(epoch, self.tz)


def iso_many(ctx: MeasureContext, instants: np.ndarray) -> list[str]:
    """``ctx.iso`` of each instant, in bulk: local time with its offset as ``datetime.isoformat`` writes it.

    The offset is looked up once per distinct hour (zones change offset on the hour); an instant whose offset
    has seconds (local mean time, before 1900) or that numpy cannot show is rendered one at a time.
    """
    instants = np.asarray(instants, dtype=np.int64)
    out: list[str] = ["—"] * len(instants)
    known = np.flatnonzero(instants != NAT)
    if len(known) == 0:
        return out
    at = instants[known]
    _, first, index = np.unique(at // 3600, return_index=True, return_inverse=True)
    offsets = np.asarray([int(datetime.fromtimestamp(x, tz=timezone.utc).astimezone(ctx.tz).utcoffset()
                              .total_seconds()) for x in at[first].tolist()], dtype=np.int64)[index.reshape(-1)]
    day, second = np.divmod(at + offsets, 86400)
    days, day_index = np.unique(day, return_inverse=True)
    dates = [(_EPOCH + timedelta(days=d)).isoformat() + "T" if _ISO_FIRST <= d * 86400 <= _ISO_LAST else ""
             for d in days.tolist()]
    minute, sec = np.divmod(second, 60)
    suffix = {o: f"{'-' if o < 0 else '+'}{abs(o) // 3600:02d}:{abs(o) // 60 % 60:02d}" for o in set(offsets.tolist())}
    texts = [dates[d] + _HH_MM[m] + _SS[x] + suffix[o] for d, m, x, o in
             zip(day_index.reshape(-1).tolist(), minute.tolist(), sec.tolist(), offsets.tolist())]
    for j in np.flatnonzero((offsets % 60 != 0) | (at < _ISO_FIRST) | (at > _ISO_LAST)).tolist():
        texts[j] = to_iso(int(at[j]), ctx.tz)
    if len(known) == len(instants):
        return texts
    for row, text in zip(known.tolist(), texts):
        out[row] = text
    return out


_EPOCH = date(1970, 1, 1)
_HH_MM = tuple(f"{m // 60:02d}:{m % 60:02d}:" for m in range(1440))  # a local time's text from its minute of day
_SS = tuple(f"{s:02d}" for s in range(60))
_ISO_FIRST, _ISO_LAST = -62135510400, 253402214400  # 0001-01-02 .. 9999-12-30 UTC: numpy shows 4-digit years


def insufficient(*why: Reason) -> Measurement:
    return Measurement(metrics={}, population=0, sufficient=False, insufficiency=why)


def check_evidence(ctx: MeasureContext, kinds: Iterable[str], period: Period) -> Measurement | None:
    """NO-DATA unless every document kind is in the bundle and covers every day of the period up to as-of."""
    for kind in kinds:
        table = ctx.bundle.table(kind)
        if table is None:
            return insufficient(reason("no_document", kind=kind))
        if not table.covers(period.first, period.last):
            spans = ", ".join(f"{a}..{b}" for a, b in table.coverage)
            return insufficient(reason("coverage", kind=kind, spans=spans, period=period.label, first=period.first,
                                       last=period.last))
    start, end = ctx.window(period)
    if ctx.as_of < end:
        return insufficient(reason("not_ended", period=period.label, as_of=ctx.iso(ctx.as_of)))
    return None


def _where_key(where: Sequence[Mapping[str, Any]] | None) -> tuple:
    return tuple((f["field"], f["op"], tuple(f["value"]) if isinstance(f["value"], list) else f["value"])
                 for f in where or ())


def known_col(ctx: MeasureContext, table: Table, column: str) -> np.ndarray:
    """The instant column as known at the as-of time (``known.known_at``), made once per audit."""
    return ctx.memo(("known", column), table, lambda: known_at(table, column, ctx.as_of))


def window_rows(ctx: MeasureContext, table: Table, where: Sequence[Mapping[str, Any]] | None, column: str,
                start: int, end: int, known: bool = False) -> np.ndarray:
    """Rows (in table order) selected by ``where`` whose ``column`` instant lies in [start, end): the same rows as
    ``np.flatnonzero(select(table, where) & in_window(table.col(column), start, end))``; with ``known``, the
    column as known at the as-of time (``known_col``: a resolution in force then).

    A year audit asks this for a month, its quarter and the year: the selected rows are sorted by the instant
    once per audit, and each period is then a slice found by binary search instead of a pass over every record.
    """
    rows, values = ctx.memo(("window_rows", column, known, _where_key(where)), table,
                            lambda: _sorted_by(table, where, known_col(ctx, table, column) if known
                                               else table.col(column)))
    a, b = np.searchsorted(values, (start, end), side="left")
    picked = rows[a:max(a, b)]
    if len(picked) * 16 < len(table):
        return np.sort(picked)
    mask = np.zeros(len(table), dtype=bool)  # a quarter or a year: marking the rows beats sorting them
    mask[picked] = True
    return np.flatnonzero(mask)


def _sorted_by(table: Table, where, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = np.flatnonzero(select(table, where) & (values != NAT))
    order = np.argsort(values[rows], kind="stable")
    return rows[order], values[rows][order]


def by_record_id(ids: np.ndarray, positions: np.ndarray) -> tuple[list[int], list[str]]:
    """``positions`` (into ``ids``) in the order of their record id as text, and those texts: what sorting
    ``Breach`` objects by ``record_id`` gives (a stable sort), without building and sorting the objects."""
    pos = positions.tolist()
    text = [str(x) for x in ids[positions].tolist()]
    order = sorted(range(len(pos)), key=text.__getitem__)
    return [pos[j] for j in order], [text[j] for j in order]


def make_breaches(ids: Iterable[str], details: Iterable[str]) -> tuple[Breach, ...]:
    """``Breach(id, detail)`` for each pair, made in C: no Python call per breach (a year audit of a million
    tickets lists hundreds of thousands)."""
    return tuple(map(_NEW_TUPLE, repeat(Breach), zip(ids, details)))


_NEW_TUPLE = tuple.__new__
_RANK_FROM = 4096  # from this many breaches on, order them by the table's id ranks (made once) instead of text


def id_texts(ctx: MeasureContext, table: Table) -> list[str]:
    """Each row's record id as text, made once per audit."""
    return ctx.memo(("id_text",), table, lambda: tables.id_texts(table.ids))


def id_arrow(ctx: MeasureContext, table: Table) -> pa.Array | None:
    """The record ids' texts as one Arrow string array, made once per audit, for set tests in C++; None when a
    text cannot be UTF-8 (a lone surrogate), and callers then do it in Python."""
    def build() -> pa.Array | None:
        try:
            return pa.array(id_texts(ctx, table), type=pa.string())
        except (pa.ArrowException, UnicodeEncodeError):
            return None
    return ctx.memo(("id_arrow",), table, build)


def id_ranks(ctx: MeasureContext, table: Table) -> np.ndarray:
    """Each row's place among the table's rows sorted stably by record id as text, made once per audit: a
    period's records then sort by id as integers, not by comparing text. (Python's sort, not Arrow's: exports
    usually list records by id, and Python's sort finds such runs; at a million ids 0.13 s against 0.16 s.)"""
    def build() -> np.ndarray:
        text = id_texts(ctx, table)
        if all(map(le, text, islice(text, 1, None))):  # already in order: a stable sort leaves every row in place
            return np.arange(len(text), dtype=np.int64)
        rank = np.empty(len(text), dtype=np.int64)
        rank[np.asarray(sorted(range(len(text)), key=text.__getitem__), dtype=np.int64)] = np.arange(len(text))
        return rank
    return ctx.memo(("id_rank",), table, build)


def in_record_order(ctx: MeasureContext, table: Table, rows: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``positions`` (into ``rows``) stably sorted by the record id of ``rows[positions]`` as text: the order
    ``by_record_id`` gives. Records that share an id keep their order in ``rows``; the ranks (which order them by
    row) give it only when ``rows`` and ``positions`` ascend, as a period's records found by ``window_rows`` and
    picked by a mask do."""
    positions = np.asarray(positions, dtype=np.int64)
    if len(positions) < _RANK_FROM or np.any(rows[1:] <= rows[:-1]) or np.any(positions[1:] <= positions[:-1]):
        return np.asarray(by_record_id(table.ids[rows], positions)[0], dtype=np.int64)
    return positions[np.argsort(id_ranks(ctx, table)[rows[positions]])]


def record_breaches(ctx: MeasureContext, table: Table, rows: np.ndarray, order: np.ndarray,
                    details: Callable[[np.ndarray], list[str]], made: tuple | None = None) -> tuple[Breach, ...]:
    """A Breach for each of ``rows[order]`` (``order``: positions into ``rows``, already in record-id order),
    ``details(order)`` saying why.

    With ``made`` = (key, owner), a record's detail does not depend on the period: its Breach is made once per
    audit and reused by every period listing it (a month, its quarter, the year)."""
    text = id_texts(ctx, table)
    picked = rows[order]
    if made is None:
        return make_breaches(_located(table, text, picked.tolist()), details(order))
    known = ctx.memo(made[0], made[1], lambda: np.full(len(table), None, dtype=object))
    out = known[picked]
    todo = np.flatnonzero(np.equal(out, None))
    if len(todo):
        new = np.fromiter(make_breaches(_located(table, text, picked[todo].tolist()), details(order[todo])),
                          dtype=object, count=len(todo))
        known[picked[todo]] = new
        out[todo] = new
    return tuple(out.tolist())


def _located(table: Table, text: list[str], rows: list[int]) -> list[str]:
    """The ids of ``rows``, which the table's source index learns on the way: the report then finds where each
    breaching record came from without indexing every id of the table."""
    ids = [text[r] for r in rows]
    sources = getattr(table, "sources", None)
    if isinstance(sources, SourceIndex):
        sources.learn(ids, rows)
    return ids


def select(table: Table, where: Sequence[Mapping[str, Any]] | None) -> np.ndarray:
    """Bulk record filter from a rule's ``where`` list, through the shared operator table.

    Each single condition's mask is kept on the table: a year audit asks the same conditions (type, priority,
    status) for every rule and sub-period, and comparing object columns is the costly part. A copy is returned,
    so callers may change it.
    """
    mask = np.ones(len(table), dtype=bool)
    for flt in where or ():
        value = flt["value"]
        key = (flt["field"], flt["op"], tuple(value) if isinstance(value, list) else value)
        hit = table.masks.get(key)
        if hit is None:
            column = table.cols.get(flt["field"])
            if column is None:
                raise KeyError(flt["field"])
            hit = np.asarray(operators.get(flt["op"]).apply(column, value), dtype=bool)
            table.masks[key] = hit
        mask &= hit
    return mask


def rows_of(ctx: MeasureContext, table: Table, key: Any, wanted: Callable[[], Iterable[Any]]) -> dict[str, int]:
    """Record id (as text) → row of ``table`` (the last row of a repeated id), for the ids ``wanted()`` names (as
    text) only; built once per audit under ``key``, which must name everything ``wanted`` depends on.

    A measure that follows references (survey → ticket) needs the rows of the few ids cited, not a dictionary of
    every record: the ids (one Arrow array per audit) are tested against the cited set in C++, and only hits are
    indexed.
    """
    def build() -> dict[str, int]:
        text = id_texts(ctx, table)
        cited = set(map(str, wanted()))
        ids = id_arrow(ctx, table)
        try:
            found = None if ids is None else pc.is_in(ids, value_set=pa.array(list(cited), type=pa.string()))
        except (pa.ArrowException, UnicodeEncodeError):
            found = None
        if found is None:
            hit = np.flatnonzero(np.fromiter(map(cited.__contains__, text), dtype=bool, count=len(text)))
        else:
            hit = np.flatnonzero(found.to_numpy(zero_copy_only=False))
        return dict(zip([text[i] for i in hit.tolist()], hit.tolist()))
    return ctx.memo(("rows_of", key), table, build)


def percent(numerator: int, denominator: int) -> float | None:
    """A share in percent, rounded so that 19/20 is exactly 95.0 and never 94.99999999."""
    if denominator == 0:
        return None
    return round(100.0 * numerator / denominator, 9)


@dataclass(frozen=True)
class DurationUnit:
    """A per-record time limit's unit: its length in seconds and the clock it is counted on (``clock``: all
    time; ``business``: only the service calendar's service hours)."""

    seconds: int
    clock: str


DURATION_UNITS = {"min": DurationUnit(60, "clock"), "h": DurationUnit(3600, "clock"),
                  "business_min": DurationUnit(60, "business"), "business_h": DurationUnit(3600, "business")}


TIME_LIMIT_SCHEMA = {"type": "object", "additionalProperties": False, "required": ["limit", "unit"],
                     "properties": {"limit": {"type": "number", "exclusiveMinimum": 0},
                                    "unit": {"enum": list(DURATION_UNITS)}}}  # a limit in a rule's measure params


def limit_seconds(limit: PerRecordLimit) -> float:
    return float(limit.limit) * DURATION_UNITS[limit.unit].seconds


def elapsed_on(ctx: MeasureContext, clock: str, start: np.ndarray, end: np.ndarray, pauses=None) -> np.ndarray:
    """Seconds from each start to its end on ``clock`` (``clock`` or ``business``), minus the pauses."""
    if clock == "clock":
        return ctx.calendar.clock_seconds(start, end, pauses)
    if clock == "business":
        return ctx.calendar.business_seconds(start, end, pauses)
    raise ValueError(clock)


def per_record_norm(norms: Mapping[str, NormInForce], metric: str) -> NormInForce | None:
    for n in norms.values():
        if n.clause.metric == metric:
            return n
    return None


def sub_pauses(table: Table, rows: np.ndarray, until: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The third-party pauses of the selected rows, re-indexed to positions in ``rows``; an open pause ends at
    the record's ``until`` instant."""
    if table.pauses is None or len(table.pauses[0]) == 0:
        return None
    owner, ps, pe = table.pauses
    pos = np.full(len(table), -1, dtype=np.int64)
    pos[rows] = np.arange(len(rows))
    keep = pos[owner] >= 0
    new_owner = pos[owner[keep]]
    pe = np.where(pe[keep] == NAT, until[new_owner], pe[keep])
    return new_owner, ps[keep], pe


def _shown_as(unit: str) -> tuple[str, int]:
    """How a duration in ``unit`` is written: in minutes (whole) or hours (two decimals), marked business time."""
    u = DURATION_UNITS.get(unit)
    business = " (business)" if u is not None and u.clock == "business" else ""
    return ("{:.0f} min" + business, 60) if u is not None and u.seconds == 60 else ("{:.2f} h" + business, 3600)


def fmt_limit(op: str, limit: float, unit: str) -> str:
    """A per-record limit as a breach states it, in the words of its figures: "≤ 8 h (business)", "≤ 15 min",
    "≤ 10 working days" (the annex's sign, not the rule file's ``<=``; no unit ids such as ``business_h``)."""
    sign = operators.get(op).shown or op
    u = DURATION_UNITS.get(unit)
    if u is None:
        return f"{sign} {limit:g} {unit.replace('_', ' ')}"
    business = " (business)" if u.clock == "business" else ""
    return f"{sign} {limit:g} {'min' if u.seconds == 60 else 'h'}{business}"


def fmt_days(days: int, unit: str) -> str:
    """A count of days in a day unit as a breach states it: "6 working days", "3 calendar days"."""
    return f"{days} {unit.replace('_', ' ')}"


def fmt_duration(seconds: float, unit: str) -> str:
    form, per = _shown_as(unit)
    return form.format(seconds / per)


def fmt_durations(seconds: Sequence[float], unit: str) -> list[str]:
    """``fmt_duration`` of each value, formatted in C (``str.format`` mapped over the figures)."""
    form, per = _shown_as(unit)
    return list(map(form.format, (np.asarray(seconds, dtype=np.float64) / per).tolist()))


def in_window(values: np.ndarray, start: int, end: int) -> np.ndarray:
    return (values != NAT) & (values >= start) & (values < end)
