"""Explain one record's term of working or calendar days, day by day, so a disputed lead time can be settled.

For the rules counted in days (``within_days``: handover documents, RCA timeliness, change lead times;
``day_limit_share``: workplace issuance) the explanation shows the start and the end as known at as-of, the
per-record limit in force and where it came from, and one row per day from the start day to the end day (or to
as-of): whether the day counts, the running count, the day the term ends and the verdict. Every figure comes from
the functions the measure itself calls (``within_days_terms``, ``elapsed_days``, ``day_limit``, ``day_terms``),
so the explanation always agrees with the audit.

Both measures read "≤ N werkdagen" alike: as the working days elapsed after the start day, so an end on a
weekend or holiday right after the N-th working day still counts N and is in time (days outside the service
calendar do not count, as hours outside the window do not). ``within_days`` compares that count with the limit;
``day_limit_share`` needs the instant the term ends (the month a late record is judged in), which is the second
before working day N + 1 begins. Each explanation states its rule's reading.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from . import operators
from .calendar import CLOSED, HOLIDAY
from .calendar_explain import weekday, when
from .details import TERMS
from .measures.changes import elapsed_days, within_days_terms
from .measures.common import MeasureContext
from .measures.known import not_after
from .measures.workplace import day_limit, day_terms
from .model import NormInForce, Rule
from .report import fmt_limit_in, fmt_op, origin_words
from .tables import Table
from .timeparse import NAT, local_midnight


@dataclass(frozen=True)
class Day:
    day: dt.date
    kind: str    # "working", "weekend" (no working day), "holiday", "organisation_closed"
    name: str    # the holiday's or closing day's name
    count: int   # the measure's count of days from the start up to this day


@dataclass(frozen=True)
class DayExplanation:
    rule_id: str
    measure: str                 # "within_days" or "day_limit_share": which reading of the term
    label: str
    start: dt.datetime
    start_field: str
    end: dt.datetime | None      # as known at as-of; None: no end yet
    end_field: str
    joined: str                  # end_from: the other document the end is taken from ("" when a field)
    end_detail: tuple[tuple[str, tuple[tuple[str, dt.datetime | None], ...]], ...]  # its records referencing this one
    as_of: dt.datetime
    limit: float | None          # None: unknown (``source`` says why)
    op: str
    unit: str                    # working_days or calendar_days
    source: str                  # where the limit came from
    figure: int                  # days counted from the start to the end, or to as-of without one
    deadline: dt.datetime | None  # the last second of the term
    within: bool | None          # None: pending (no end yet, the term not over)
    days: tuple[Day, ...]


_HORIZON = 40_000  # days (a century): no term of the annex comes near it
NormsAt = Callable[[int], Mapping[str, NormInForce]]  # the norms the audit applies to a record judged at an instant


def explain_within_days(rule: Rule, table: Table, row: int, ctx: MeasureContext, norms_at: NormsAt) -> DayExplanation:
    """A ``within_days`` record: judged by ``within_days_terms`` with the norms of the period it enters (its start)."""
    p = rule.measure.params
    rows = np.asarray([row])
    start = int(table.col(p["start"])[row])
    t = within_days_terms(ctx, p, table, rows, norms_at(start))
    end, limit = int(t.end[0]), float(t.limit[0])
    known = not np.isnan(limit)
    deadline = _last_day_meeting(ctx, t.unit, t.op, limit, start) if known else None
    within = True if bool(t.ok[0]) and end != NAT else None if bool(t.pending[0]) else False
    detail, end_field, joined = (), p.get("end", ""), ""
    if "end_from" in p:
        spec = p["end_from"]
        joined, end_field = spec["document"], f"{spec['document']}: {', '.join(spec['fields'])}"
        detail = _joined_detail(ctx, table, row, spec)
    return _made(rule, ctx, p, start, end, end_field, joined, detail, limit if known else None, t.op, t.unit,
                 t.source[0] if known else t.unknown[0], int(t.days[0]), deadline, within)


def explain_day_limit(rule: Rule, table: Table, row: int, ctx: MeasureContext,
                      norms_at: NormsAt) -> DayExplanation | None:
    """A ``day_limit_share`` record, with the norm of the period it is judged in (its outcome's month); None when
    no per-record limit is in force (the measure judges nothing then)."""
    p = rule.measure.params
    start = int(table.col(p["start"])[row])
    end = int(not_after(table.col(p["end"])[row:row + 1], ctx.as_of)[0])  # an end after as-of is not known yet
    norm = day_limit(norms_at(start))
    if norm is None:
        return None
    deadline, ok = _day_terms(ctx, norm, start, end)
    later = day_limit(norms_at(end if ok else deadline))  # judged in the period its outcome became certain
    if later is not None and later.per_record != norm.per_record:
        norm = later
        deadline, ok = _day_terms(ctx, norm, start, end)
    limit = norm.per_record
    within = True if ok else False if deadline < ctx.as_of else None
    until = end if end != NAT else max(ctx.as_of, start)
    figure = int(elapsed_days(ctx, limit.unit, np.asarray([start]), np.asarray([until]))[0])
    return _made(rule, ctx, p, start, end, p["end"], "", (), float(limit.limit), limit.op, limit.unit, norm.origin,
                 figure, deadline, within)


def _day_terms(ctx: MeasureContext, norm: NormInForce, start: int, end: int) -> tuple[int, bool]:
    deadline, ok = day_terms(ctx, norm.per_record, np.asarray([start]), np.asarray([end]))
    return int(deadline[0]), bool(ok[0])


def _made(rule: Rule, ctx: MeasureContext, p: Mapping, start: int, end: int, end_field: str, joined: str,
          detail: tuple, limit: float | None, op: str, unit: str, source: str, figure: int, deadline: int | None,
          within: bool | None) -> DayExplanation:
    tz = ctx.tz
    until = end if end != NAT else max(ctx.as_of, start)
    return DayExplanation(
        rule.id, rule.measure.id, p.get("label", p.get("end", "end")), dt.datetime.fromtimestamp(start, tz), p["start"],
        None if end == NAT else dt.datetime.fromtimestamp(end, tz), end_field, joined, detail,
        dt.datetime.fromtimestamp(ctx.as_of, tz), limit, op, unit, source, figure,
        None if deadline is None else dt.datetime.fromtimestamp(deadline, tz), within, _days(ctx, unit, start, until))


def _local_days(ctx: MeasureContext, first: dt.date, n: int) -> tuple[list[dt.date], np.ndarray]:
    days = [first + dt.timedelta(days=k) for k in range(n)]
    return days, np.asarray([local_midnight(d, ctx.tz) for d in days], dtype=np.int64)


def _days(ctx: MeasureContext, unit: str, start: int, until: int) -> tuple[Day, ...]:
    """One row per local day from the start's to ``until``'s, each with the measure's count up to that day."""
    first = dt.datetime.fromtimestamp(start, ctx.tz).date()
    last = dt.datetime.fromtimestamp(until, ctx.tz).date()
    days, at = _local_days(ctx, first, (last - first).days + 1)
    at[0], at[-1] = start, until
    counts = elapsed_days(ctx, unit, np.full(len(at), start, dtype=np.int64), at).tolist()
    out = []
    for d, c in zip(days, counts):
        status, name, working = ctx.calendar.day_status(d)
        kind = ("holiday" if status == HOLIDAY else "organisation_closed" if status == CLOSED
                else "working" if working else "weekend")
        out.append(Day(d, kind, name, int(c)))
    return tuple(out)


def _last_day_meeting(ctx: MeasureContext, unit: str, op: str, limit: float, start: int) -> int | None:
    """``within_days``'s term: 23:59:59 of the last day whose count (``elapsed_days`` from the start, compared as
    the measure compares it) still meets the limit; None when not even the start day does."""
    first = dt.datetime.fromtimestamp(start, ctx.tz).date()
    n = 2 * int(limit) + 16
    while n <= _HORIZON:
        _, at = _local_days(ctx, first, n)
        at[0] = start
        counts = elapsed_days(ctx, unit, np.full(n, start, dtype=np.int64), at)
        fails = np.flatnonzero(~np.asarray(operators.get(op).apply(counts, limit), dtype=bool))
        if len(fails):
            k = int(fails[0])
            return None if k == 0 else int(at[k]) - 1
        n *= 2
    return None


def _joined_detail(ctx: MeasureContext, table: Table, row: int, spec: Mapping) -> tuple:
    """The records of the other document that reference this one, with the instants ``joined_end`` reads."""
    other = ctx.bundle.table(spec["document"])
    rid = str(table.ids[row])
    out = []
    for i, ref in enumerate(other.col(spec["key"]).tolist()):
        if str(ref) == rid:
            instants = ((f, int(other.col(f)[i])) for f in spec["fields"])
            out.append((str(other.ids[i]), tuple((f, None if v == NAT else dt.datetime.fromtimestamp(v, ctx.tz))
                                                 for f, v in instants)))
    return tuple(out)


_TEXT = {
    "en": dict(
        start="start", end="end", no_end="none known at as-of ({})", as_of="as-of", after_as_of=" (after as-of)",
        no_joined="no {} record references it", limit="per-record limit",
        unknown="unknown: {}", term="term ends", no_term="—", counted="counted", verdict="verdict",
        verdicts={True: "within the limit", False: "BREACH", None: "pending (no end yet, term not over)"},
        head=("Date", "Day", "Kind of day", "Counts", "Count", "Note"), day0="day 0 (start day)", yes="yes", no="no",
        working="working day", weekend="no working day (weekend)", holiday="public holiday: {}",
        organisation_closed="organisation closed: {}", units={"working_days": "working days",
                                                                "calendar_days": "calendar days"},
        within_days=("counted as the {unit} elapsed after the start day up to the end day (the start day is day 0; "
                     "`within_days`): the end is in time while that count is {op} {n}"),
        within_days_working=(", so an end on a weekend or holiday right after working day {n} still counts {n}: "
                             "in time"),
        day_limit_share=("counted as the {unit} elapsed after the start day (the start day is day 0; "
                         "`day_limit_share`): the term ends at 23:59:59 of the last day on which that count is "
                         "still {n}, and an end after that instant is late"),
        day_limit_share_working=(", so an end on a weekend or holiday right after working day {n} is still "
                                 "in time"),
        one={"working_days": "working day", "calendar_days": "calendar day"}),
    "nl": dict(
        start="start", end="eind", no_end="nog niet bekend op de peildatum ({})", as_of="peildatum",
        after_as_of=" (na de peildatum)", no_joined="geen {}-record verwijst ernaar",
        limit="norm per record", unknown="onbekend: {}", term="termijn eindigt", no_term="—", counted="geteld",
        verdict="oordeel",
        verdicts={True: "binnen de norm", False: "OVERSCHRIJDING",
                  None: "lopend (nog geen eind, termijn niet verstreken)"},
        head=("Datum", "Dag", "Soort dag", "Telt", "Telling", "Opmerking"), day0="dag 0 (startdag)", yes="ja", no="nee",
        working="werkdag", weekend="geen werkdag (weekend)", holiday="feestdag: {}",
        organisation_closed="organisatie gesloten: {}", units={"working_days": "werkdagen",
                                                               "calendar_days": "kalenderdagen"},
        within_days=("geteld als de verstreken {unit} na de startdag tot en met de einddag (de startdag is dag 0; "
                     "`within_days`): het eind is op tijd zolang die telling {op} {n} is"),
        within_days_working=(", dus een eind in een weekend of op een feestdag direct na werkdag {n} telt nog "
                             "{n}: op tijd"),
        day_limit_share=("geteld als de verstreken {unit} na de startdag (de startdag is dag 0; "
                         "`day_limit_share`): de termijn eindigt om 23:59:59 op de laatste dag waarop die telling "
                         "nog {n} is, en een eind na dat moment is te laat"),
        day_limit_share_working=(", dus een eind in een weekend of op een feestdag direct na werkdag {n} is nog "
                                 "op tijd"),
        one={"working_days": "werkdag", "calendar_days": "kalenderdag"}),
}


def term(label: str, lang: str) -> str:
    """A measurement's label (a rule file's, e.g. "first substantive response"; "containment (P2)") in the annex's
    words in Dutch, as the Dutch breach details word it (``details.TERMS``); a label without one as it is."""
    if lang != "nl":
        return label
    base, sep, rest = label.partition(" (")
    return TERMS.get(label) or TERMS.get(base, base) + sep + rest


def render_days(ex: DayExplanation, lang: str = "en") -> list[str]:
    """Markdown lines: the reading of the term, start, end, limit, term end, count and verdict, then the day table."""
    t = _TEXT[lang]
    unit = t["units"].get(ex.unit, ex.unit)
    n = f"{ex.limit:g}" if ex.limit is not None else "?"
    reading = t[ex.measure] + (t[ex.measure + "_working"] if ex.unit == "working_days" and ex.limit is not None else "")
    reading = reading.format(unit=unit, op=fmt_op(ex.op), n=n, one=t["one"].get(ex.unit, ex.unit))
    end = (f"{when(ex.end, lang)} ({ex.end_field})" if ex.end is not None
           else t["no_end"].format(when(ex.as_of, lang)))
    limit = (f"{fmt_limit_in(ex.op, ex.limit, ex.unit, lang)} ({origin_words(ex.source, lang)})"
             if ex.limit is not None else t["unknown"].format(ex.source))

    def instant(x: dt.datetime | None) -> str:
        return "—" if x is None else when(x, lang) + (t["after_as_of"] if x > ex.as_of else "")
    detail = [f"  - {ex.joined} {rid}: " + ", ".join(f"{f} {instant(x)}" for f, x in fields)
              for rid, fields in ex.end_detail]
    if ex.joined and not detail:
        detail = [f"  - {t['no_joined'].format(ex.joined)}"]
    lines = [f"## {ex.rule_id}: {term(ex.label, lang)}", "",
             f"- {reading}",
             f"- {t['start']}: {when(ex.start, lang)} ({ex.start_field})",
             f"- {t['end']}: {end}", *detail,
             f"- {t['limit']}: {limit}",
             f"- {t['term']}: {when(ex.deadline, lang) if ex.deadline is not None else t['no_term']}",
             f"- {t['counted']}: {ex.figure} {unit}" + ("" if ex.end is not None else f" ({t['as_of']})"),
             f"- {t['verdict']}: {t['verdicts'][ex.within]}", "",
             "| " + " | ".join(t["head"]) + " |", "|---|---|---|---|---:|---|"]
    previous = None
    for d in ex.days:
        what = t[d.kind].format(d.name).replace("|", "/")
        counts = t["day0"] if previous is None else t["yes"] if d.count > previous else t["no"]
        marks = [(ex.start, t["start"]), (ex.deadline, t["term"])] + ([(ex.end, t["end"])] if ex.end is not None
                                                                     else [(ex.as_of, t["as_of"])] * (d is ex.days[-1]))
        notes = [f"{name} {x:%H:%M:%S}" for x, name in sorted((m for m in marks if m[0] is not None and
                                                                m[0].date() == d.day), key=lambda m: m[0])]
        lines.append(f"| {d.day.isoformat()} | {weekday(d.day, lang)} | {what} | {counts} | {d.count} | "
                     f"{'; '.join(notes)} |")
        previous = d.count
    return lines + [""]
