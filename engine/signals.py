""""Green KPIs, red reality": per goal, signals the KPI verdicts do not show, as points for discussion.

The annex (section 1): "Als alle KPI's onder een doel groen scoren maar de feitelijke situatie anders aanvoelt,
is dat een signaal dat de KPI-set het doel onvoldoende weerspiegelt." A signal never changes a status and is never
a failure; it asks the meeting whether the KPI set still reflects the goal. Signals, over the cadence results of
the audited span, and their default thresholds (``SignalSettings``; ``--signal KEY=VALUE`` overrides):

* ``near_norm``: a KPI passed but lay just above its norm in at least ``near_norm_min_periods`` (2) periods:
  within ``near_norm_margin`` (1.0) percentage point for a % norm (not at 0 % or 100 %), otherwise within
  ``near_norm_relative`` (0.10, i.e. 10 %) of the threshold;
* ``falling_trend``: a clause's value got worse in each of the last ``trend_steps`` (2) steps between
  consecutive periods with a value (still passing or not);
* ``no_data``: at least ``no_data_share`` (0.25) of a goal's results lack evidence (NO-DATA or ERROR);
* ``pending``: at least ``pending_share`` (0.20) of a KPI's records were still pending (outcome not known);
* ``waived``: a KPI has at least ``waived_min`` (3) waived findings, or waived findings are at least
  ``waived_share`` (0.10) of its population.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Iterable, Mapping

from .consistency import NUMBER_LIMIT
from .errors import InputError, Problem
from .model import GoalResult, KpiResult, Status
from .periods import parse_period
from .rulefiles import Catalogue

_BETTER_UP = {">=", ">"}
#: the largest value of a threshold that is a share (of records or results) or a margin in percentage points
_UPPER = {"near_norm_margin": 100.0, "no_data_share": 1.0, "pending_share": 1.0, "waived_share": 1.0}
_BETTER_DOWN = {"<=", "<"}


@dataclass(frozen=True)
class SignalSettings:
    near_norm_margin: float = 1.0
    near_norm_relative: float = 0.10
    near_norm_min_periods: int = 2
    trend_steps: int = 2
    no_data_share: float = 0.25
    pending_share: float = 0.20
    waived_min: int = 3
    waived_share: float = 0.10

    @classmethod
    def from_pairs(cls, pairs: Iterable[str]) -> "SignalSettings":
        """``KEY=VALUE`` overrides; every bad pair is reported (exit 2). A value must be a finite number in its
        range (a share at most 1, a margin in percentage points at most 100, any other at most 10^15): NaN or
        infinity would never compare as meant and cannot be written in the report's JSON."""
        known = {f.name: f.type for f in fields(cls)}
        values, problems = {}, []
        for pair in pairs:
            key, sep, raw = pair.partition("=")
            key = key.strip()
            if not sep or key not in known:
                problems.append(Problem("--signal", f"{pair!r}: expected KEY=VALUE with KEY one of {', '.join(known)}"))
                continue
            try:
                value = int(raw) if known[key] == "int" else float(raw)
            except ValueError:
                problems.append(Problem("--signal", f"{pair!r}: {key} needs a{'n integer' if known[key] == 'int' else ' number'}"))
                continue
            top = _UPPER.get(key, NUMBER_LIMIT)
            if not math.isfinite(value):
                problems.append(Problem("--signal", f"{pair!r}: {key} needs a finite number"))
            elif value < 0:
                problems.append(Problem("--signal", f"{pair!r}: {key} cannot be negative"))
            elif value > top:
                problems.append(Problem("--signal", f"{pair!r}: {key} cannot be more than "
                                                    f"{'10^15' if top == NUMBER_LIMIT else f'{top:g}'}"))
            else:
                values[key] = value
        if problems:
            raise InputError(problems)
        return replace(cls(), **values)

    def as_dict(self) -> dict[str, float | int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Signal:
    goal: str
    rule: str  # "" for a signal about the goal as a whole
    kind: str  # near_norm, falling_trend, no_data, pending, waived
    periods: tuple[str, ...]
    figures: Mapping[str, float | int | str]  # what the sentence in the labels shows


def _r(x: float) -> float | int:
    v = round(float(x), 2)
    return int(v) if v.is_integer() else v


def _near(value: float, threshold: float, op: str, unit: str, s: SignalSettings) -> bool:
    if op in _BETTER_UP:
        slack = value - threshold
    elif op in _BETTER_DOWN:
        slack = threshold - value
    else:
        return False
    if unit == "%":
        return 0 <= slack <= s.near_norm_margin and 0 < value < 100
    return threshold != 0 and 0 <= slack <= abs(threshold) * s.near_norm_relative


def _kpi_signals(goal: str, rule: str, rows: list[KpiResult], s: SignalSettings) -> list[Signal]:
    out: list[Signal] = []
    judged = [r for r in rows if r.status in (Status.PASS, Status.FAIL)]
    near = [r for r in judged if r.status is Status.PASS and any(
        c.value is not None and c.threshold is not None and _near(c.value, c.threshold, c.op, c.unit, s) for c in r.clauses)]
    if near and len(near) >= s.near_norm_min_periods:
        points = any(c.unit == "%" for c in near[0].clauses)
        out.append(Signal(goal, rule, "near_norm", tuple(r.period for r in near),
                          {"n": len(near), "total": len(judged),
                           "margin": _r(s.near_norm_margin if points else s.near_norm_relative * 100),
                           "margin_unit": "pp" if points else "pct"}))
    clause_ids = [c.clause_id for c in rows[0].clauses] if rows else []
    for cid in clause_ids:
        series = [(r.period, c.value, c.op) for r in rows for c in r.clauses if c.clause_id == cid and c.value is not None]
        if len(series) < s.trend_steps + 1 or s.trend_steps < 1:
            continue
        tail = series[-(s.trend_steps + 1):]
        op = tail[-1][2]
        worse = [(b[1] < a[1]) if op in _BETTER_UP else (b[1] > a[1]) if op in _BETTER_DOWN else False
                 for a, b in zip(tail, tail[1:])]
        if all(worse):
            out.append(Signal(goal, rule, "falling_trend", tuple(p for p, _, _ in tail),
                              {"clause": cid, "start": _r(tail[0][1]), "end": _r(tail[-1][1]), "steps": s.trend_steps}))
    measured = [r.measurement for r in rows if r.measurement is not None]
    population = sum(m.population for m in measured)
    pending = sum(m.pending for m in measured)
    if pending and pending / (population + pending) >= s.pending_share:
        out.append(Signal(goal, rule, "pending", tuple(r.period for r in rows if r.measurement and r.measurement.pending),
                          {"n": pending, "total": population + pending, "share": _r(100 * pending / (population + pending))}))
    waived = sum(len(m.waived) for m in measured)
    if waived and (waived >= s.waived_min or (population and waived / population >= s.waived_share)):
        out.append(Signal(goal, rule, "waived", tuple(r.period for r in rows if r.measurement and r.measurement.waived),
                          {"n": waived, "population": population}))
    return out


def find_signals(catalogue: Catalogue, results: Iterable[KpiResult], goals: Iterable[GoalResult],
                 settings: SignalSettings | None = None) -> tuple[Signal, ...]:
    """Signals per goal (goals-file order), then per KPI (id order); deterministic."""
    s = settings or SignalSettings()
    rows = sorted((r for r in results if r.primary), key=lambda r: (r.rule_id, parse_period(r.period).first, parse_period(r.period).last))
    out: list[Signal] = []
    for g in goals:
        own = [r for r in rows if r.goal == g.goal]
        missing = [r for r in own if r.status in (Status.NO_DATA, Status.ERROR)]
        if own and missing and len(missing) / len(own) >= s.no_data_share:
            out.append(Signal(g.goal, "", "no_data", tuple(sorted({r.period for r in missing}, key=lambda p: (parse_period(p).first, parse_period(p).last))),
                              {"n": len(missing), "total": len(own), "share": _r(100 * len(missing) / len(own)),
                               "rules": ", ".join(sorted({r.rule_id for r in missing}))}))
        for rid in sorted({r.rule_id for r in own}):
            out.extend(_kpi_signals(g.goal, rid, [r for r in own if r.rule_id == rid], s))
    return tuple(out)
